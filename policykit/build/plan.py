"""The build's plan: which outputs a site has, the key of each, and what the manifest says.

In: the policy, the locales to publish with their catalogues' fingerprints, and what
every output depends on (the policykit package, the options: `common`). Out: one task
per output (its path in the site, locale, format, key, alternates and canonical link),
and, from the previous site's manifest, whether an output is up to date: its key is the
one recorded and its bytes on disk are the ones recorded.

An output's key is a hash of its inputs: the policy's bytes, the locale's catalogues,
every file of the installed policykit package (code, templates, CSS, fonts, catalogues),
the policykit version and the options; a web page's also of the locales it links and
what the site adds to it. The same inputs give the same key in any folder and with any
number of jobs.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from attrs import frozen

if TYPE_CHECKING:
    from policykit.model import Policy
    from policykit.project import Project

__all__ = ["MANIFEST", "PAGES", "build_locales"]

MANIFEST = ".policykit-build.json"
MANIFEST_VERSION = 1
# file name inside a locale's folder -> format
PAGES = (("index.html", "html"), ("policy.md", "md"), ("policy.pdf", "pdf"), ("policy.docx", "docx"))


@frozen
class Task:
    name: str  # the output's path relative to the site
    locale: str | None  # None: the policy's own language
    output_format: str
    key: str  # hash of everything the output depends on
    version_id: str
    alternates: tuple[tuple[str, str], ...] = ()
    canonical: str | None = None  # the page's own absolute address (with a base URL)


def build_locales(project: Project, policy: Policy, chosen: Sequence[str] = ()) -> list[str]:
    """The translations to build: `chosen`, else the project's `languages`, else every
    catalogue of the policy found in the project's locales folder. Raises
    UnknownLocaleError for a name CLDR does not know."""
    from policykit.i18n import catalogs
    from policykit.i18n.values import normalize_locale

    source = normalize_locale(str(policy.meta.language))
    wanted = tuple(chosen) or project.languages
    if wanted is not None:
        return [loc for loc in dict.fromkeys(normalize_locale(w) for w in wanted) if loc != source]
    found = catalogs.locales_in(project.locales, catalogs.POLICY_DOMAIN)
    return [loc for loc in dict.fromkeys(normalize_locale(loc) for loc in found) if loc != source]


def hreflang(locale: str) -> str:
    return locale.replace("_", "-")


@functools.cache
def package_digest() -> str:
    """A hash of every file of the installed policykit package: code, templates, CSS,
    fonts and catalogues, whatever a render reads. Read once per process."""
    root = Path(__file__).parent.parent  # the policykit package, not only this folder
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def output_key(*parts: bytes | str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode() if isinstance(part, str) else part)
        digest.update(b"\0")
    return digest.hexdigest()


def read_manifest(site: Path) -> dict[str, Any]:
    try:
        data = json.loads((site / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("manifest") != MANIFEST_VERSION:
        return {}
    outputs = data.get("outputs")
    return outputs if isinstance(outputs, dict) else {}


def sha256_file(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def relative(path: Path, root: Path) -> str:
    """`path` relative to the project root where it is inside it, else as given."""
    try:
        return Path(os.path.abspath(path)).relative_to(os.path.abspath(root)).as_posix()
    except ValueError:
        return str(path)


def unbuildable_formats() -> tuple[tuple[str, str], ...]:
    """(format, why) of each format this installation cannot make: the PDF without the
    `pdf` extra. Imports nothing."""
    from policykit.render import pdf_missing

    missing = pdf_missing()
    return () if missing is None else (("pdf", missing),)


def plan_outputs(
    policy: Policy,
    built: Sequence[str],
    fingerprints: dict[str, bytes],
    common: str,
    also: Sequence[str] = (),
    pages: Sequence[tuple[str, str]] = PAGES,
    base_url: str | None = None,
    site_key: str = "",
) -> list[Task]:
    """The outputs (`pages`) of the locales `built` (the policy's own first), each with its
    key; the web pages name `also` (locales published from an earlier build) as alternates,
    absolute with a `base_url` (and then with a canonical link); `site_key` is the hash of
    what the site adds to its web pages (policykit.build.consent.SitePage.key)."""
    from policykit.build import urls
    from policykit.document import version_id

    source_locale = str(policy.meta.language)
    published = [*built, *also]
    locale_set = ",".join(published)
    if base_url is None:
        alternates: tuple[tuple[str, str], ...] = (
            *((hreflang(other), f"../{hreflang(other)}/index.html") for other in published),
            ("x-default", "../index.html"),
        )
        page_key: tuple[str, ...] = (locale_set,)
    else:
        alternates = urls.alternates(base_url, [hreflang(other) for other in published])
        page_key = (locale_set, f"base_url={base_url}")
    if site_key:
        page_key = (*page_key, f"site={site_key}")
    tasks: list[Task] = []
    for locale in built:
        fingerprint = fingerprints[locale]
        for file, output_format in pages:
            is_page = output_format == "html"  # only a web page names the other languages
            tasks.append(
                Task(
                    f"{hreflang(locale)}/{file}",
                    None if locale == source_locale else locale,
                    output_format,
                    output_key(common, fingerprint, locale, output_format, *(page_key if is_page else ())),
                    version_id(policy, fingerprint),
                    alternates if is_page else (),
                    urls.page_url(base_url, f"{hreflang(locale)}/{file}") if is_page and base_url is not None else None,
                )
            )
    return tasks


def up_to_date(task: Task, previous: dict[str, Any], site: Path) -> str | None:
    """The sha256 of the output on disk when it was built from the same inputs, else None."""
    old = previous.get(task.name)
    if isinstance(old, dict) and old.get("key") == task.key and sha256_file(site / task.name) == old.get("sha256"):
        return str(old["sha256"])
    return None


def version_stamp(policy: Policy) -> dict[str, str]:
    """What a manifest entry records of the policy's version, for a later build that keeps it."""
    fields = {"date": policy.meta.last_modified.date().isoformat()}
    if policy.meta.version:
        fields["policy_version"] = str(policy.meta.version)
    return fields
