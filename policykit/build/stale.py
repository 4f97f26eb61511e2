"""A stale translation in a site build: the last approved one stays published, with a notice.

In: the previous site and its manifest entries, a locale whose catalogue is stale or
broken, the current policy. Out: the pages to publish for that locale and what to say
about them:

- `keep` (the default): the locale's pages of the last complete build, carried over,
  each web page and Markdown file with a notice in the locale's language ("This
  translation is of version X of D; the current version, in English, is Y"), linking the
  source-language page. The PDF (and any other document format) is carried as it was:
  it states its own version and date.
- `source`: the locale built from the current policy, its untranslated strings shown in
  the source language, with a notice saying so.
- `skip`: left out of the site.

The notice sits between `<!-- policykit:stale -->` markers, so a page kept again gets
the current notice instead of a second one, and its manifest entry keeps the version
and date of the translation it holds.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from attrs import frozen
from markupsafe import escape

from policykit.build.plan import PAGES, hreflang, sha256_file

if TYPE_CHECKING:
    from policykit.build.plan import Task
    from policykit.model import Policy
    from policykit.project import Project

__all__ = [
    "STALE_MODES",
    "Kept",
    "add_notice",
    "keep_locales",
    "keep_pages",
    "notice_strings",
    "strip_notice",
    "version_label",
    "with_source_notice",
]

STALE_MODES = ("keep", "source", "skip")
_START, _END = "<!-- policykit:stale -->", "<!-- /policykit:stale -->"
_BLOCK = re.compile(re.escape(_START) + r".*?" + re.escape(_END) + r"\n\n?", re.DOTALL)


@frozen
class Kept:
    """The pages kept for a locale: name -> bytes to publish and their manifest entry."""

    locale: str
    files: Mapping[str, bytes]
    entries: Mapping[str, dict[str, str]]
    version: str  # of the translation kept
    date: str | None  # ISO date of that version, where the manifest knows it


def _template(locales: Path, locale: str, key: str) -> str:
    """A template string in `locale` (the project's or the package's catalogue), else English."""
    from policykit.errors import CatalogError
    from policykit.i18n import catalogs
    from policykit.i18n.checks import check_translation
    from policykit.i18n.strings import TEMPLATE_STRINGS

    english = TEMPLATE_STRINGS[key]
    try:
        file = catalogs.ui_catalog_file(locales, locale)
        state, message = catalogs.lookup(catalogs.read_catalog(file) if file.is_file() else None, key, english)
    except CatalogError:
        return english
    if state != "translated" or message is None or check_translation(english, str(message.string)):
        return english
    return str(message.string)


def _fill(text: str, values: Mapping[str, str]) -> str:
    from policykit import inline

    return inline.plain_text(inline.parse_inline(text), dict(values))


def _language_name(locale: str, source: str) -> str:
    from babel import Locale

    own = Locale.parse(locale)
    return own.languages.get(source.split("_")[0]) or Locale.parse(source).get_display_name(locale) or source


def _date(iso: str | None, locale: str) -> str | None:
    from babel.dates import format_date

    if not iso:
        return None
    try:
        return format_date(dt.date.fromisoformat(iso), "long", locale=locale)
    except ValueError:
        return None


def notice_strings(
    locales: Path, locale: str, source: str, *, version: str | None, date: str | None, current: str
) -> tuple[str, str]:
    """(the notice, the link's text) in `locale`: of a kept translation when `version` is
    given, else of a page built with the source text where it is not translated."""
    values = {"language": _language_name(locale, source), "current": current, "version": version or ""}
    shown = _date(date, locale)
    if version is None:
        key = "stale_source_notice"
    else:
        key = "stale_notice" if shown else "stale_notice_undated"
        values["date"] = shown or ""
    return _fill(_template(locales, locale, key), values), _fill(_template(locales, locale, "stale_link"), {})


def version_label(policy_version: object, version_id: str) -> str:
    """How a notice names a version: the policy's own version and the text's version id
    (which changes with every change of the text, as the page's footer shows it)."""
    return f"{policy_version} ({version_id})" if policy_version else version_id


def strip_notice(data: bytes) -> bytes:
    """The page without the notice an earlier build added."""
    return _BLOCK.sub("", data.decode("utf-8"), count=1).encode("utf-8")


def add_notice(data: bytes, output_format: str, notice: str, link: str, href: str, lang: str, rtl: bool) -> bytes:
    """`data` (a page of `output_format`) with the notice, linking `href` (the
    source-language page); a PDF is returned as it is."""
    from policykit.render.markdown import escape_inline

    if output_format not in ("html", "md"):
        return data  # a PDF or a document file states its own version and date
    text = strip_notice(data).decode("utf-8")
    if output_format == "html":
        direction = "rtl" if rtl else "ltr"
        block = (
            f'{_START}\n<aside class="policykit-stale" role="note" lang="{escape(lang)}" dir="{direction}" '
            'style="border: 2px solid #8a6d00; padding: 0.5rem 1rem; margin: 1rem 0;">\n'
            f'<p>{escape(notice)} <a href="{escape(href)}">{escape(link)}</a></p>\n</aside>\n{_END}\n'
        )
        marker = "<main>\n"
        at = text.find(marker)
        return (text[: at + len(marker)] + block + text[at + len(marker) :] if at >= 0 else block + text).encode()
    block = f"{_START}\n> {escape_inline(notice)} [{escape_inline(link)}](<{href}>)\n{_END}\n\n"
    return (block + text).encode("utf-8")


def keep_pages(
    site: Path,
    previous: Mapping[str, Any],
    locale: str,
    folder: str,
    make_notice: Callable[[str, str | None], tuple[str, str]],
    source_folder: str,
    rtl: bool,
    pages: Sequence[tuple[str, str]] | None = None,
) -> Kept | None:
    """The locale's pages (`pages`, default: every format) of the last complete build
    (from the manifest, each still holding the bytes it recorded), each with the notice
    `make_notice(version, date)` gives; None when there is no complete set of one version."""
    formats = dict(PAGES if pages is None else pages)
    olds: dict[str, dict[str, Any]] = {}
    for file in formats:
        old = previous.get(f"{folder}/{file}")
        if not isinstance(old, dict) or not isinstance(old.get("version_id"), str):
            return None
        if sha256_file(site / f"{folder}/{file}") != old.get("sha256"):
            return None  # changed by hand since: not what the manifest says was published
        olds[file] = old
    versions = {(version_label(o.get("policy_version"), str(o["version_id"])), o.get("date")) for o in olds.values()}
    if len(versions) != 1:
        return None  # pages of different builds: no one version to name
    ((version, date),) = versions
    notice, link = make_notice(version, None if date is None else str(date))
    files: dict[str, bytes] = {}
    entries: dict[str, dict[str, str]] = {}
    for file, output_format in formats.items():
        name = f"{folder}/{file}"
        href = f"../{source_folder}/{file if output_format in ('html', 'md') else 'index.html'}"
        data = add_notice((site / name).read_bytes(), output_format, notice, link, href, folder, rtl)
        entry = {k: str(v) for k, v in olds[file].items() if k in ("key", "version_id", "policy_version", "date")}
        entries[name] = {**entry, "sha256": hashlib.sha256(data).hexdigest(), "stale": "kept"}
        files[name] = data
    return Kept(locale, files, entries, version, None if date is None else str(date))


def _current_version(policy: Policy) -> str:
    """The source-language text's version, as a notice names it."""
    from policykit.document import version_id

    return version_label(policy.meta.version, version_id(policy, b""))


def keep_locales(
    project: Project,
    policy: Policy,
    site: Path,
    previous: dict[str, Any],
    stale: Sequence[str],
    pages: Sequence[tuple[str, str]],
) -> dict[str, Kept]:
    """locale -> what is kept (keep_pages) for each of the `stale` locales whose last
    complete pages are in `site`, each with the notice in its language."""
    from babel import Locale

    source = str(policy.meta.language)
    found = {}
    for locale in stale:

        def notice(version: str, date: str | None, locale: str = locale) -> tuple[str, str]:
            return notice_strings(project.locales, locale, source, version=version, date=date,
                                  current=_current_version(policy))  # fmt: skip

        rtl = Locale.parse(locale).character_order == "right-to-left"
        kept = keep_pages(site, previous, locale, hreflang(locale), notice, hreflang(source), rtl, pages)
        if kept is not None:
            found[locale] = kept
    return found


def with_source_notice(project: Project, policy: Policy, task: Task, data: bytes) -> bytes:
    """`data`, the output of `task` built with the source text where it is not translated,
    with the notice saying so (a PDF as it is)."""
    from babel import Locale

    assert task.locale is not None
    source = str(policy.meta.language)
    notice, link = notice_strings(project.locales, task.locale, source, version=None, date=None,
                                  current=_current_version(policy))  # fmt: skip
    file = task.name.rsplit("/", 1)[1]
    href = f"../{hreflang(source)}/{file if task.output_format != 'pdf' else 'index.html'}"
    rtl = Locale.parse(task.locale).character_order == "right-to-left"
    return add_notice(data, task.output_format, notice, link, href, hreflang(task.locale), rtl)
