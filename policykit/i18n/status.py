"""A translation status page a translator can read: per locale, what is missing, fuzzy
or out of date, with the English text and its placeholders.

In: per locale and catalogue, the strings wanted (msgctxt, English text) and the
catalogue read (or None when there is none). Out: rows, and a standalone HTML page of
them (every text from the policy or a catalogue escaped).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from attrs import frozen
from babel.messages.catalog import Catalog
from markupsafe import escape

from policykit import inline
from policykit.i18n.catalogs import lookup

__all__ = ["StatusRow", "status_page", "status_rows"]

_STATES = {
    "missing": "not in the catalogue yet (run policykit i18n update)",
    "untranslated": "not translated",
    "fuzzy": "fuzzy: the English changed; review the translation",
}


@frozen
class StatusRow:
    """One string that a reader of the locale would see in English, and why."""

    state: str  # "missing", "untranslated" or "fuzzy"
    context: str | None
    text: str  # the English source
    placeholders: tuple[str, ...]
    translation: str  # what the catalogue has (a fuzzy entry's old translation), else ""
    previous: str  # a fuzzy entry's old English, where the catalogue keeps it
    file: str
    line: int


def status_rows(catalog: Catalog | None, wanted: Iterable[tuple[str | None, str]], file: str) -> list[StatusRow]:
    """The rows of `wanted` that `catalog` does not translate, in the policy's order."""
    rows = []
    for context, text in dict.fromkeys(wanted):
        state, message = lookup(catalog, context, text)
        if state == "translated":
            continue
        if message is None:
            state = "missing"
        string = message.string if message is not None else ""
        translation = " | ".join(string) if isinstance(string, (list, tuple)) else str(string or "")
        previous = message.previous_id if message is not None and message.previous_id else []
        rows.append(
            StatusRow(
                state,
                context,
                text,
                tuple(dict.fromkeys(inline.placeholders(text))),
                translation,
                str(previous[0]) if previous else "",
                file,
                (message.lineno or 0) if message is not None else 0,
            )
        )
    return rows


def _row(row: StatusRow) -> str:
    names = ", ".join(f"<code>{{{escape(name)}}}</code>" for name in row.placeholders) or "none"
    extra = ""
    if row.previous:
        extra += f'<p class="was">Was: <span lang="en">{escape(row.previous)}</span></p>'
    if row.translation:
        extra += f'<p class="old">Current translation: <span>{escape(row.translation)}</span></p>'
    where = f"{row.file}:{row.line}" if row.line else row.file
    return (
        f'<tr class="{row.state}"><td>{escape(_STATES[row.state])}</td><td><code>{escape(row.context or "")}</code>'
        f'</td><td><p lang="en">{escape(row.text)}</p>{extra}</td><td>{names}</td><td><code>{escape(where)}</code>'
        "</td></tr>"
    )


def status_page(title: str, locales: Sequence[tuple[str, str, Sequence[StatusRow], int]]) -> str:
    """The page: for each (locale, its English name, rows, total strings), a summary and
    a table of what is left to do."""
    parts = []
    for locale, name, rows, total in locales:
        counts = {state: sum(r.state == state for r in rows) for state in _STATES}
        summary = ", ".join(f"{n} {state}" for state, n in counts.items() if n) or "complete"
        head = f'<h2 id="{escape(locale)}">{escape(name)} (<code>{escape(locale)}</code>): {total - len(rows)}/{total}'
        parts.append(f"{head} translated; {escape(summary)}</h2>")
        if rows:
            parts.append(
                '<table><thead><tr><th scope="col">State</th><th scope="col">Context</th>'
                '<th scope="col">English text</th><th scope="col">Placeholders</th><th scope="col">Where</th>'
                "</tr></thead><tbody>" + "\n".join(_row(r) for r in rows) + "</tbody></table>"
            )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>Translation status: {escape(title)}</title>\n"
        "<style>body{font-family:system-ui,sans-serif;margin:1rem auto;max-width:70rem;padding:0 1rem}"
        "table{border-collapse:collapse;width:100%}td,th{border:1px solid #999;padding:.3rem;"
        "vertical-align:top;text-align:start}tr.fuzzy td:first-child{background:#fff3c4}"
        "tr.missing td:first-child,tr.untranslated td:first-child{background:#fde2e2}</style>\n"
        f"</head>\n<body>\n<main>\n<h1>Translation status: {escape(title)}</h1>\n"
        + "\n".join(parts)
        + "\n</main>\n</body>\n</html>\n"
    )
