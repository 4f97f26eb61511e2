"""Previous msgids (`#|` lines) and the Poedit base path, as GNU gettext writes them.

In: the bytes Babel's write_po gives, or a Catalog Babel's read_po gave. Out: the same
with each fuzzy entry's previous msgid as real `#| msgid "..."` lines and the
`X-Poedit-Basepath` header; a read Catalog whose `#|` lines are previous msgids again.

Why: Babel 2.x reads a `#|` line as a translator comment `| msgid "..."`, and writes a
previous msgid by re-wrapping its quoted lines as comment text. Merged once, a catalogue
then carries `# | msgid "" "This policy ... for` / `# the`: comments that no tool reads
as a previous msgid and that Poedit and Weblate show translators as notes. Here the
comments are parsed back into previous msgids on reading (msgctxt, msgid, msgid_plural,
with continuation lines), and written as `msgmerge --previous` writes them. Comments that
start with `|` but are no valid previous msgid (the garbled ones written before) are
dropped with every comment after them: they are what the re-wrapping left.
"""

from __future__ import annotations

import re

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import normalize, unescape

__all__ = ["add_basepath", "basepath_in", "repair_comments", "write_previous"]

_KEYWORD = re.compile(r'(msgctxt|msgid|msgid_plural)\s+("(?:[^"\\]|\\.)*")\Z')
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"\Z')
_HEADER_END = re.compile(rb'("Generated-By: [^"\\]*\\n")')


def _parse_previous(lines: list[str]) -> dict[str, str] | None:
    """{"msgctxt"|"msgid"|"msgid_plural": text} from `| ...` comments, or None when
    they are no valid previous entry."""
    found: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in lines:
        body = line[1:].strip()
        keyword = _KEYWORD.match(body)
        if keyword:
            if keyword.group(1) in found:
                return None
            current = found[keyword.group(1)] = [keyword.group(2)]
        elif current is not None and _STRING.match(body):
            current.append(body)
        else:
            return None
    if "msgid" not in found:
        return None
    try:
        return {name: "".join(unescape(part) for part in parts) for name, parts in found.items()}
    except (ValueError, IndexError):
        return None


def repair_comments(catalog: Catalog) -> None:
    """Turn the `| ...` translator comments Babel read from `#|` lines back into each
    entry's previous msgid (kept only on a fuzzy entry, as msgmerge does); drop what an
    earlier write garbled."""
    messages: list[Message] = [*catalog, *catalog.obsolete.values()]
    for message in messages:
        comments = list(message.user_comments)
        start = next((i for i, text in enumerate(comments) if text.startswith("|")), None)
        if start is None:
            continue
        tail = comments[start:]
        message.user_comments = comments[:start]
        previous = _parse_previous(tail) if all(text.startswith("|") for text in tail) else None
        if previous is not None and message.fuzzy:
            ids = [previous["msgid"], *([previous["msgid_plural"]] if "msgid_plural" in previous else [])]
            message.previous_id = ids


def _previous_lines(message: Message, width: int) -> list[str]:
    ids = message.previous_id if isinstance(message.previous_id, (list, tuple)) else [message.previous_id]
    lines: list[str] = []
    for keyword, text in zip(("msgid", "msgid_plural"), ids, strict=False):
        # Wrapped as msgmerge does: each `#| "..."` line within `width`, the prefix counted once.
        first, *rest = normalize(text, width=width - 3).splitlines()
        lines += [f"#| {keyword} {first}", *(f"#| {line}" for line in rest)]
    return lines


def write_previous(content: bytes, catalog: Catalog, width: int) -> bytes:
    """Replace each run of `#|` lines Babel wrote (in the order of the catalogue's
    entries, obsolete ones have none) with the previous msgid as msgmerge writes it."""
    charset = catalog.charset or "utf-8"
    pending = [m for m in catalog if m.id and m.previous_id]
    lines = content.decode(charset).split("\n")
    out: list[str] = []
    index = 0
    for line in lines:
        if line.startswith("#|"):
            if out and out[-1] == "\0":
                continue  # the rest of a run already replaced
            out += [*_previous_lines(pending[index], width), "\0"]
            index += 1
            continue
        out.append(line)
    return "\n".join(line for line in out if line != "\0").encode(charset)


def add_basepath(content: bytes, basepath: str) -> bytes:
    """The `X-Poedit-Basepath` header after Generated-By: the folder the `#:`
    references are relative to, from the catalogue's own folder (Poedit's reading)."""
    value = basepath.replace("\\", "\\\\").replace('"', '\\"')
    line = f'"X-Poedit-Basepath: {value}\\n"'.encode()
    return _HEADER_END.sub(lambda match: match.group(1) + b"\n" + line, content, count=1)


_BASEPATH = re.compile(rb'^"X-Poedit-Basepath: ((?:[^"\\]|\\.)*)\\n"$', re.MULTILINE)


def basepath_in(content: bytes) -> str | None:
    """The X-Poedit-Basepath a catalogue's header has (Babel does not keep it), or None."""
    found = _BASEPATH.search(content)
    return found.group(1).decode("utf-8", errors="replace").replace('\\"', '"') if found else None
