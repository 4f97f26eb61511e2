"""The site build: a checked policy rendered in every locale and format, published as a whole.

In: a Project, its loaded Policy (checked by the caller), the locales to build (default:
the project's), whether a translation problem stops everything (`strict`), how many
processes render (`jobs`), and an optional progress callback.
Out: the output folder, laid out as

    index.html             a page linking every language version and format
    cookies.json           the cookie catalogue (policykit.export; docs/cookies-json.md)
    <locale>/index.html    the policy as a web page, with hreflang alternates
    <locale>/policy.md     ... as Markdown
    <locale>/policy.pdf    ... as PDF (with the `pdf` extra; without it, left out and said)
    <locale>/policy.docx   ... as a Word document, for review
    .policykit-build.json  the manifest: per output the hash of its inputs and of its bytes

and, with a consent tool in the project, its configs and starter (policykit.build_consent),

and a BuildResult saying what was written, left unchanged and failed.

Why it is shaped this way:
- An output whose inputs (policy bytes, the locale's catalogues, the policykit package
  itself: code, templates, CSS, fonts, catalogues; the policykit version; the options)
  hash to what the manifest recorded is not rendered again. When nothing changed,
  nothing is written at all, so no byte changes.
- Outputs render in worker processes (WeasyPrint is CPU-bound); each output is rendered
  alone from the same inputs, so the bytes do not depend on the number of jobs.
- The new site is assembled in a staging folder beside the output folder and swapped in
  with one rename (an atomic exchange where the system has one), so a killed or failed
  build leaves the previous complete site. Staging folders of a killed run are removed
  by the next one.
- A locale whose translation is stale or broken is left out of the new site (a legal
  text is complete in its language, or not published in it), and reported once.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import functools
import hashlib
import json
import os
import re
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Collection, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

from attrs import frozen
from markupsafe import escape

from policykit import __version__
from policykit.errors import CatalogError, PolicykitError

if TYPE_CHECKING:
    from policykit.build_consent import SitePage
    from policykit.document import Document
    from policykit.findings import Finding
    from policykit.i18n.translator import CatalogTranslator
    from policykit.model import Policy
    from policykit.project import Project

__all__ = [
    "MANIFEST",
    "PAGES",
    "BuildError",
    "BuildResult",
    "Progress",
    "build_locales",
    "build_site",
    "index_page",
]

MANIFEST = ".policykit-build.json"
MANIFEST_VERSION = 1
# file name inside a locale's folder -> format
PAGES = (("index.html", "html"), ("policy.md", "md"), ("policy.pdf", "pdf"), ("policy.docx", "docx"))
_STAGING = "policykit-staging"
_OLD = "policykit-old"
_LOCK = ".policykit-lock"
# What policy.atomic.write_atomic leaves behind when killed: `.NAME.xxxxxxxx.tmp`.
_ORPHAN_TMP = re.compile(r"\..+\.[A-Za-z0-9_]{8}\.tmp\Z")

# (name of the output, what happened: "written", "unchanged" or "failed")
Progress = Callable[[str, str], None]


class BuildError(PolicykitError):
    """The output folder cannot be used (not a folder, another build writing into it)."""


@frozen
class BuildResult:
    """What a build did. `committed` is False when nothing was published (a failed
    output, or a translation problem with `strict`)."""

    output: Path
    built: tuple[str, ...]  # the locales published, the policy's own first
    skipped: tuple[str, ...]  # locales left out: translation stale or broken
    translation_findings: tuple[Finding, ...]
    written: tuple[str, ...]  # outputs rendered or changed, relative to `output`
    unchanged: tuple[str, ...]  # outputs whose inputs did not change
    failed: tuple[tuple[str, str], ...]  # (output, one-line reason)
    seconds: float
    committed: bool
    build_id: str | None = None
    # locales whose stale translation was published anyway (build_stale): the last
    # approved one kept, as (locale, its version, its date or None) ...
    kept: tuple[tuple[str, str, str | None], ...] = ()
    # ... or built with the source text where it is not translated
    sourced: tuple[str, ...] = ()
    # formats this installation cannot make, left out of every locale: (format, why, in one line)
    not_built: tuple[tuple[str, str], ...] = ()


@frozen
class _Task:
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


def _hreflang(locale: str) -> str:
    return locale.replace("_", "-")


@functools.cache
def _package_digest() -> str:
    """A hash of every file of the installed policykit package: code, templates, CSS,
    fonts and catalogues, whatever a render reads. Read once per process."""
    root = Path(__file__).parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _key(*parts: bytes | str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode() if isinstance(part, str) else part)
        digest.update(b"\0")
    return digest.hexdigest()


# --- rendering, in worker processes or in this one --------------------------------------


# (policy file, sha256 of its bytes) -> the Policy: given by the caller of build_site and
# inherited by forked workers; loaded from the file where it is not there (spawned workers).
_POLICIES: dict[tuple[str, str], Policy] = {}


def _loaded(policy_file: str, policy_digest: str) -> Policy:
    found = _POLICIES.get((policy_file, policy_digest))
    if found is None:
        from policykit.load import load

        found = _POLICIES[(policy_file, policy_digest)] = load(policy_file)
    return found


def _render_one(
    policy_file: str,
    policy_digest: str,
    locales: str,
    locale: str | None,
    output_format: str,
    alternates: tuple[tuple[str, str], ...],
    canonical: str | None = None,
    site: SitePage | None = None,
    templates: str | None = None,
) -> tuple[bool, bytes | str]:
    """(True, the output's bytes), or (False, why it failed in one line). `site`: what
    every web page gets of the site (policykit.build_consent); `templates`: the folder of
    templates that override policykit's."""
    import jinja2

    from policykit.document import localize
    from policykit.errors import RenderError
    from policykit.i18n.translator import translator_for
    from policykit.render import render_document

    policy = _loaded(policy_file, policy_digest)
    translator = translator_for(policy, locale, locales=Path(locales), strict=True)
    document = localize(policy, locale, translator)
    parts = None
    if site is not None and output_format == "html":
        from policykit.render.html import PageParts

        document = site.document(document)
        parts = PageParts(head=site.head, header=site.header, footer=site.footer, scripts=site.scripts)
    try:
        content = render_document(document, output_format, alternates=alternates, canonical=canonical, parts=parts,
                                  templates=templates)  # fmt: skip
    except jinja2.TemplateError as error:
        where = f"{error.filename}:{error.lineno}: " if isinstance(error, jinja2.TemplateSyntaxError) else ""
        return False, f"{where}template error: {error.message}"
    except RenderError as error:
        return False, f"cannot render the {output_format.upper()}: {error}"
    return True, content.encode("utf-8") if isinstance(content, str) else content


def _pool(jobs: int) -> ProcessPoolExecutor:
    import multiprocessing

    # fork starts a worker in milliseconds with everything already imported; elsewhere
    # the platform's default.
    method = "fork" if sys.platform.startswith("linux") else None
    return ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=multiprocessing.get_context(method),
        initializer=_die_with_parent,
        initargs=(os.getpid(),),
    )


def _die_with_parent(parent: int) -> None:
    """A worker ends when the build that started it is killed (Linux), instead of
    waiting for work that never comes."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the build died before the signal was asked for
        os._exit(1)


# --- the index page ------------------------------------------------------------------


_FORMAT_NAMES = {"html": "Web page", "md": "Markdown", "pdf": "PDF", "docx": "Word (DOCX)"}
_INDEX_CSS = """body { font-family: system-ui, sans-serif; line-height: 1.5; margin: 0 auto; max-width: 40rem;
  padding: 1rem; color: #1a1a1a; background: #fff; }
a { color: #0645ad; }
li { margin: 0.5rem 0; }
"""


def index_page(
    policy: Policy, built: Sequence[str], pages: Sequence[tuple[str, str]] = PAGES, base_url: str | None = None
) -> str:
    """site/index.html: every language version and format (of `pages`, the files each
    locale has), in English with each language's own name. With `base_url`, its
    alternates and canonical link are absolute."""
    from babel import Locale

    source = str(policy.meta.language)
    items = []
    for locale in built:
        own = Locale.parse(locale)
        lang = _hreflang(locale)
        direction = "rtl" if own.character_order == "right-to-left" else "ltr"
        english = own.get_display_name("en") or locale
        name = own.display_name or locale
        links = ", ".join(
            f'<a href="{lang}/{file}" hreflang="{lang}">{_FORMAT_NAMES[fmt]}'
            f'<span class="visually-hidden"> ({escape(english)})</span></a>'
            for file, fmt in pages
        )
        items.append(
            f'<li><span lang="{lang}" dir="{direction}">{escape(name)}</span>'
            + (f" ({escape(english)})" if english != name else "")
            + f": {links}</li>"
        )
    if base_url is None:
        heads = [*((_hreflang(loc), f"{_hreflang(loc)}/index.html") for loc in built), ("x-default", "index.html")]
        canonical = ""
    else:
        from policykit import build_urls

        heads = list(build_urls.alternates(base_url, [_hreflang(loc) for loc in built]))
        canonical = f'<link rel="canonical" href="{escape(build_urls.page_url(base_url, "index.html"))}">\n'
    alternates = "".join(f'<link rel="alternate" hreflang="{escape(lang)}" href="{escape(href)}">\n'
                         for lang, href in heads)  # fmt: skip
    title = escape(policy.meta.title)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{_hreflang(source)}" dir="ltr">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}: languages and formats</title>\n"
        '<meta name="generator" content="policykit">\n'
        f"{canonical}{alternates}"
        f"<style>\n{_INDEX_CSS}.visually-hidden {{ position: absolute; width: 1px; height: 1px; overflow: hidden;"
        " clip-path: inset(50%); white-space: nowrap; }\n</style>\n"
        "</head>\n<body>\n<main>\n"
        f"<h1>{title}</h1>\n<p>This policy is published in these languages and formats.</p>\n"
        '<p><a href="cookies.json" type="application/json">The cookie catalogue as JSON</a></p>\n'
        "<ul>\n" + "\n".join(items) + "\n</ul>\n</main>\n</body>\n</html>\n"
    )


# --- the output folder ----------------------------------------------------------------


def _read_manifest(site: Path) -> dict[str, Any]:
    try:
        data = json.loads((site / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("manifest") != MANIFEST_VERSION:
        return {}
    outputs = data.get("outputs")
    return outputs if isinstance(outputs, dict) else {}


def _sha256_file(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _clean_orphans(site: Path) -> None:
    """Remove what a killed build left: staging folders beside the site, and the
    temporary files of single-file writes inside it. A site moved aside by a swap that
    was killed halfway is moved back first."""
    parent = site.parent
    prefix = f".{site.name}."
    leftovers = sorted(p for p in parent.iterdir() if p.name.startswith(prefix) and p.is_dir())
    for path in leftovers:
        if path.name.startswith(prefix + _OLD) and (path / "site").is_dir() and not site.exists():
            (path / "site").rename(site)  # the previous complete site, put back
    for path in leftovers:
        if path.exists() and (path.name.startswith(prefix + _STAGING) or path.name.startswith(prefix + _OLD)):
            shutil.rmtree(path, ignore_errors=True)
    if site.is_dir():
        for path in site.rglob(".*.tmp"):
            if _ORPHAN_TMP.match(path.name) and path.is_file():
                path.unlink(missing_ok=True)


@contextmanager
def _locked(site: Path) -> Iterator[None]:
    """One build at a time per output folder: an advisory lock on a file of its own beside
    it (`.site.policykit-lock`, there while the build runs; the folder itself is swapped,
    so cannot hold it), so that two builds into different folders of one parent do not
    refuse each other."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock
        yield
        return
    lock = site.parent / f".{site.name}{_LOCK}"
    handle = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if os.fstat(handle).st_ino != os.stat(lock).st_ino:
                raise BlockingIOError  # the file was removed by a build that just ended
        except (BlockingIOError, FileNotFoundError):
            raise BuildError(f"{site}: another build is writing here") from None
        try:
            yield
        finally:
            lock.unlink(missing_ok=True)  # removed while held: nothing is left beside the site
    finally:
        os.close(handle)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False where the
    system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(a))


def _swap_in(staging: Path, site: Path, ours: Collection[str] = ()) -> None:
    if not site.exists():
        os.rename(staging, site)
    elif _exchange(staging, site):
        _rescue(staging, site, ours)
        shutil.rmtree(staging)  # now the previous site
    else:
        old = Path(tempfile.mkdtemp(prefix=f".{site.name}.{_OLD}-", dir=site.parent))
        os.rename(site, old / "site")
        os.rename(staging, site)
        _rescue(old / "site", site, ours)
        shutil.rmtree(old)
    _fsync_dir(site.parent)


def _rescue(old: Path, site: Path, ours: Collection[str]) -> None:
    """Files another process wrote into the output folder while the build ran (after they
    were carried over): moved from the previous site into the new one, never lost."""
    for path in sorted(old.rglob("*")):
        relative = path.relative_to(old).as_posix()
        if relative in ours or _ORPHAN_TMP.match(path.name) or (path.is_dir() and not path.is_symlink()):
            continue
        target = site / relative
        if not target.exists() and not target.is_symlink():
            with suppress(OSError):
                target.parent.mkdir(parents=True, exist_ok=True)
                os.rename(path, target)


def _fsync_dir(folder: Path) -> None:
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as stream:
        stream.write(data)
        stream.flush()
        os.fsync(stream.fileno())
    os.chmod(path, 0o644)


def _relative(path: Path, root: Path) -> str:
    """`path` relative to the project root where it is inside it, else as given."""
    try:
        return Path(os.path.abspath(path)).relative_to(os.path.abspath(root)).as_posix()
    except ValueError:
        return str(path)


def _refuse_dangerous(site: Path, project: Project) -> None:
    """The swap replaces the output folder as a whole: never the filesystem's root, the
    user's home, the project's root, or a folder holding the policy, its configuration
    or its locales."""
    from policykit.atomic import refuse_package

    try:
        refuse_package(site)  # the installed package is never an output folder
    except PermissionError as error:
        raise BuildError(f"{site}: {error.strerror}") from None
    real = site.resolve()
    try:
        home: Path | None = Path.home().resolve()
    except (RuntimeError, KeyError):
        home = None
    held = [project.policy, project.locales, *((project.config,) if project.config is not None else ())]
    if real == Path(real.anchor) or real == home:
        why = "the filesystem's root" if real == Path(real.anchor) else "your home folder"
    elif real == project.root.resolve() or any(real == h.resolve() or real in h.resolve().parents for h in held):
        why = "a folder that holds the project's policy or locales"
    else:
        return
    raise BuildError(f"{site}: refusing to build into {why} (the build replaces its output folder); give another -o")


def _catalog_finding(error: CatalogError) -> Finding:
    from policykit.findings import Finding, Severity

    return Finding("PK510", Severity.ERROR, error.message, str(error.path), error.line, 1 if error.line else 0)


def _carry(source: Path, target: Path) -> None:
    """An unchanged output or a file of the user's, into the new site."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if source.is_symlink():
        os.symlink(os.readlink(source), target)
        return
    try:
        os.link(source, target)  # never modified in place, so sharing the inode is safe
    except OSError:
        shutil.copy2(source, target)


# --- the build ------------------------------------------------------------------------


def _not_built() -> tuple[tuple[str, str], ...]:
    """(format, why) of each format this installation cannot make: the PDF without the
    `pdf` extra. Imports nothing."""
    from policykit.render import pdf_missing

    missing = pdf_missing()
    return () if missing is None else (("pdf", missing),)


def _plan(
    policy: Policy,
    built: Sequence[str],
    fingerprints: dict[str, bytes],
    common: str,
    also: Sequence[str] = (),
    pages: Sequence[tuple[str, str]] = PAGES,
    base_url: str | None = None,
    site_key: str = "",
) -> list[_Task]:
    """The outputs (`pages`) of the locales `built` (the policy's own first), each with its
    key; the web pages name `also` (locales published from an earlier build) as alternates,
    absolute with a `base_url` (and then with a canonical link); `site_key` is the hash of
    what the site adds to its web pages (build_consent.SitePage.key)."""
    from policykit import build_urls
    from policykit.document import version_id

    source_locale = str(policy.meta.language)
    published = [*built, *also]
    locale_set = ",".join(published)
    if base_url is None:
        alternates: tuple[tuple[str, str], ...] = (
            *((_hreflang(other), f"../{_hreflang(other)}/index.html") for other in published),
            ("x-default", "../index.html"),
        )
        page_key: tuple[str, ...] = (locale_set,)
    else:
        alternates = build_urls.alternates(base_url, [_hreflang(other) for other in published])
        page_key = (locale_set, f"base_url={base_url}")
    if site_key:
        page_key = (*page_key, f"site={site_key}")
    tasks: list[_Task] = []
    for locale in built:
        fingerprint = fingerprints[locale]
        for file, output_format in pages:
            is_page = output_format == "html"  # only a web page names the other languages
            tasks.append(
                _Task(
                    f"{_hreflang(locale)}/{file}",
                    None if locale == source_locale else locale,
                    output_format,
                    _key(common, fingerprint, locale, output_format, *(page_key if is_page else ())),
                    version_id(policy, fingerprint),
                    alternates if is_page else (),
                    build_urls.page_url(base_url, f"{_hreflang(locale)}/{file}")
                    if is_page and base_url is not None
                    else None,
                )
            )
    return tasks


def _up_to_date(task: _Task, previous: dict[str, Any], site: Path) -> str | None:
    """The sha256 of the output on disk when it was built from the same inputs, else None."""
    old = previous.get(task.name)
    if isinstance(old, dict) and old.get("key") == task.key and _sha256_file(site / task.name) == old.get("sha256"):
        return str(old["sha256"])
    return None


def build_site(
    project: Project,
    policy: Policy,
    *,
    output: Path | None = None,
    locales: Sequence[str] = (),
    strict: bool = False,
    stale: str = "keep",
    jobs: int | None = None,
    progress: Progress | None = None,
    on_plan: Callable[[int], None] | None = None,
    text_check: Callable[[str, Document], Sequence[Finding]] | None = None,
) -> BuildResult:
    """Build the site of `policy` (already checked) into `output` (default: the
    project's). `on_plan` is told how many outputs the build has; `progress` each one
    as it is done. A catalogue that cannot be read is reported (PK510). A locale whose
    translation is stale or broken is published as `stale` says (build_stale: "keep" the
    last approved translation, "source" text where it is not translated, "skip" it).
    Raises UnknownLocaleError for a locale that cannot be built at all, BuildError for an
    output folder that cannot be used (or would replace the project's own files), OSError when
    writing fails (the previous site is then untouched)."""
    from policykit.build_files import site_files
    from policykit.document import localize
    from policykit.exports.cookies_json import catalogue_json
    from policykit.i18n.translator import translator_for

    started = time.perf_counter()
    base_url = project.base_url
    site = Path(os.path.abspath(output if output is not None else project.output))
    if site.is_symlink():
        site = site.resolve()  # a deployment's link to the real folder stays a link
    if site.exists() and not site.is_dir():
        raise BuildError(f"{site}: not a folder")
    _refuse_dangerous(site, project)
    jobs = max(1, jobs if jobs is not None else _cores())
    not_built = _not_built()
    pages = tuple(page for page in PAGES if page[1] not in dict(not_built))
    source_locale = str(policy.meta.language)
    policy_digest = hashlib.sha256(Path(project.policy).read_bytes()).hexdigest()
    _POLICIES.clear()
    _POLICIES[(str(project.policy), policy_digest)] = policy  # renders here, or in forked workers, reuse it
    # Paths relative to the project root: the same project in another folder has the same keys.
    common = _key("policykit", __version__, _package_digest(), policy_digest, f"strict={strict}",
                  _relative(project.locales, project.root))  # fmt: skip

    # Reading the catalogues gives each locale's fingerprint, which is all the keys need.
    translators: dict[str, CatalogTranslator | None] = {source_locale: None}
    fingerprints: dict[str, bytes] = {source_locale: b""}
    broken: list[Finding] = []  # catalogues that cannot be read: PK510, locale left out
    broken_locales: list[str] = []
    for locale in build_locales(project, policy, locales):
        try:
            translator = translator_for(policy, locale, locales=project.locales, strict=True)
        except CatalogError as error:
            broken.append(_catalog_finding(error))
            broken_locales.append(locale)
            continue
        if translator is not None:
            translators[translator.locale] = translator
            fingerprints[translator.locale] = translator.fingerprint

    from policykit import build_consent

    page = build_consent.site_page(project, policy)
    site_key = page.key() if page is not None else ""
    if project.theme is not None and project.theme.templates is not None:  # they make the PDF too
        from policykit.build_theme import folder_digest

        common = _key(common, f"templates={folder_digest(project.theme.templates)}")
    site.parent.mkdir(parents=True, exist_ok=True)
    with _locked(site), _Renderer(project, policy_digest, jobs, progress, page) as renderer:
        _clean_orphans(site)
        previous = _read_manifest(site)
        # Start rendering what changed, assuming every locale is published, while this
        # process finds out which translations are complete.
        renderer.start([t for t in _plan(policy, list(fingerprints), fingerprints, common, pages=pages,
                                         base_url=base_url, site_key=site_key)
                        if _up_to_date(t, previous, site) is None])  # fmt: skip

        findings: list[Finding] = list(broken)
        skipped: list[str] = list(broken_locales)
        untrue: list[str] = []  # locales whose text the rules on the text find fault with
        for locale, found in translators.items():
            document = localize(policy, None if found is None else locale, found)  # every string, every problem
            if found is not None and found.findings:
                findings += found.findings
                skipped.append(locale)
            told = text_check(locale, document) if text_check is not None else ()
            if told and found is not None:  # the source language was checked before the build
                findings += told
                untrue.append(locale)
        if stale == "source":  # built anyway, the source text where there is no translation
            sourced = [loc for loc in skipped if translators.get(loc) is not None]
            skipped = [loc for loc in skipped if loc not in sourced]
        else:
            sourced = []
        sourced = [locale for locale in sourced if locale not in untrue]
        skipped += [locale for locale in untrue if locale not in skipped]
        built = tuple(locale for locale in translators if locale not in skipped)
        if findings and strict:
            return BuildResult(site, built, tuple(skipped), tuple(findings), (), (), (), _since(started), False)
        # A locale whose text is untrue is not published, not even as its last build.
        kept = (
            _kept(project, policy, site, previous, [x for x in skipped if x not in untrue], pages)
            if stale == "keep"
            else {}
        )
        skipped = [loc for loc in skipped if loc not in kept]

        published = [(_hreflang(loc), None if loc == source_locale else loc, translators.get(loc))
                     for loc in [*built, *kept]]  # fmt: skip
        tasks = _plan(policy, built, fingerprints, common, also=list(kept), pages=pages, base_url=base_url,
                      site_key=site_key)  # fmt: skip
        extras = {
            "cookies.json": catalogue_json(
                policy, {loc: t for loc, t in translators.items() if t is not None and loc in built}, base_url
            ).encode("utf-8"),
            "index.html": index_page(policy, [*built, *kept], pages, base_url).encode("utf-8"),
            **site_files(base_url, [_hreflang(loc) for loc in [*built, *kept]]),
            **build_consent.site_files(project, policy, published),
        }
        if on_plan is not None:
            on_plan(len(tasks) + len(extras))
        current: dict[str, dict[str, str]] = {}
        unchanged: list[str] = []
        fresh: dict[str, bytes] = {}
        failed: list[tuple[str, str]] = []
        stamp = _stamp(policy)
        for found in kept.values():
            current.update(found.entries)
            for name, data in found.files.items():
                if _sha256_file(site / name) == found.entries[name]["sha256"]:
                    unchanged.append(name)  # kept before, with the same notice
                else:
                    fresh[name] = data
        for task in tasks:
            digest = _up_to_date(task, previous, site)
            if digest is not None:
                unchanged.append(task.name)
                current[task.name] = {"key": task.key, "sha256": digest, "version_id": task.version_id, **stamp}
                if progress is not None:
                    progress(task.name, "unchanged")
        for name, data in extras.items():
            digest = hashlib.sha256(data).hexdigest()
            current[name] = {"key": digest, "sha256": digest}
            if _sha256_file(site / name) == digest and name in previous:
                unchanged.append(name)
                if progress is not None:
                    progress(name, "unchanged")
            else:
                fresh[name] = data
                if progress is not None:
                    progress(name, "written")
        for task in tasks:
            if task.name in current:
                continue
            ok, result = renderer.result(task)
            if ok and isinstance(result, bytes):
                if task.locale in sourced:
                    result = _source_notice(project, policy, task, result)
                fresh[task.name] = result
                current[task.name] = {
                    "key": task.key,
                    "sha256": hashlib.sha256(result).hexdigest(),
                    "version_id": task.version_id,
                    **stamp,
                }
            else:
                failed.append((task.name, str(result)))

        build_id = _key(*(f"{name}={entry['sha256']}" for name, entry in sorted(current.items())))[:16]
        same_files = set(current) == set(previous) and not fresh
        if failed:
            committed = False
        elif same_files:
            committed = True  # nothing changed: nothing written, no byte touched
        else:
            _publish(site, previous, current, fresh, build_id)
            committed = True
    written = tuple(sorted(fresh)) if committed and not same_files else ()
    return BuildResult(
        site,
        built,
        tuple(skipped),
        tuple(findings),
        written,
        tuple(sorted(unchanged)),
        tuple(failed),
        _since(started),
        committed,
        build_id if committed else None,
        tuple((k.locale, k.version, k.date) for k in kept.values()) if committed else (),
        tuple(sourced) if committed else (),
        not_built,
    )


def _stamp(policy: Policy) -> dict[str, str]:
    """What a manifest entry records of the policy's version, for a later build that keeps it."""
    stamp = {"date": policy.meta.last_modified.date().isoformat()}
    if policy.meta.version:
        stamp["policy_version"] = str(policy.meta.version)
    return stamp


def _current_version(policy: Policy) -> str:
    """The source-language text's version, as a notice names it."""
    from policykit.build_stale import version_label
    from policykit.document import version_id

    return version_label(policy.meta.version, version_id(policy, b""))


def _kept(
    project: Project,
    policy: Policy,
    site: Path,
    previous: dict[str, Any],
    stale: Sequence[str],
    pages: Sequence[tuple[str, str]],
) -> dict[str, Any]:
    """locale -> build_stale.Kept for each stale locale whose last complete pages exist."""
    from babel import Locale

    from policykit.build_stale import keep_pages, notice_strings

    source = str(policy.meta.language)
    found = {}
    for locale in stale:

        def notice(version: str, date: str | None, locale: str = locale) -> tuple[str, str]:
            return notice_strings(project.locales, locale, source, version=version, date=date,
                                  current=_current_version(policy))  # fmt: skip

        rtl = Locale.parse(locale).character_order == "right-to-left"
        kept = keep_pages(site, previous, locale, _hreflang(locale), notice, _hreflang(source), rtl, pages)
        if kept is not None:
            found[locale] = kept
    return found


def _source_notice(project: Project, policy: Policy, task: _Task, data: bytes) -> bytes:
    from babel import Locale

    from policykit.build_stale import add_notice, notice_strings

    assert task.locale is not None
    source = str(policy.meta.language)
    notice, link = notice_strings(project.locales, task.locale, source, version=None, date=None,
                                  current=_current_version(policy))  # fmt: skip
    file = task.name.rsplit("/", 1)[1]
    href = f"../{_hreflang(source)}/{file if task.output_format != 'pdf' else 'index.html'}"
    rtl = Locale.parse(task.locale).character_order == "right-to-left"
    return add_notice(data, task.output_format, notice, link, href, _hreflang(task.locale), rtl)


def _cores() -> int:
    """The cores this process may run on (a container's share, not the machine's)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def _since(started: float) -> float:
    return time.perf_counter() - started


class _Renderer:
    """Renders tasks by key: in worker processes (started as soon as there is work, so
    they render while this process goes on) or, with one job, here when asked."""

    def __init__(
        self, project: Project, policy_digest: str, jobs: int, progress: Progress | None, site: SitePage | None = None
    ) -> None:
        self.project = project
        self.site = site
        self.policy_digest = policy_digest
        self.jobs = jobs
        self.progress = progress
        self.pool: ProcessPoolExecutor | None = None
        self.futures: dict[str, Future[tuple[bool, bytes | str]]] = {}

    def __enter__(self) -> _Renderer:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    def _arguments(
        self, task: _Task
    ) -> tuple[str, str, str, str | None, str, tuple[tuple[str, str], ...], str | None, SitePage | None, str | None]:
        project = self.project
        templates = project.theme.templates if project.theme is not None else None
        return (str(project.policy), self.policy_digest, str(project.locales), task.locale, task.output_format,
                task.alternates, task.canonical, self.site, None if templates is None else str(templates))  # fmt: skip

    def start(self, tasks: list[_Task]) -> None:
        if self.jobs == 1 or len(tasks) <= 1:
            return  # rendered one by one when their results are asked for
        # What every worker needs is loaded here once and inherited by the forked workers:
        # the policy (already in _POLICIES), and WeasyPrint (most of a second to import).
        if any(task.output_format == "pdf" for task in tasks):
            import weasyprint  # noqa: F401

            import policykit.render.pdf  # noqa: F401
        self.pool = _pool(min(self.jobs, len(tasks)))
        # PDFs take longest: start them first so no worker is left with one at the end.
        for task in sorted(tasks, key=lambda t: t.output_format != "pdf"):
            future = self.pool.submit(_render_one, *self._arguments(task))
            future.add_done_callback(_reporter(task.name, self.progress))
            self.futures[task.key] = future

    def result(self, task: _Task) -> tuple[bool, bytes | str]:
        future = self.futures.get(task.key)
        if future is not None:
            return future.result()
        if self.pool is not None:  # a page whose alternates changed when a locale was left out
            future = self.pool.submit(_render_one, *self._arguments(task))
            return future.result()
        result = _render_one(*self._arguments(task))
        if self.progress is not None:
            self.progress(task.name, "written" if result[0] else "failed")
        return result


def _reporter(name: str, progress: Progress | None) -> Callable[[Future[tuple[bool, bytes | str]]], None]:
    def done(future: Future[tuple[bool, bytes | str]]) -> None:
        if progress is not None and not future.cancelled() and future.exception() is None:
            progress(name, "written" if future.result()[0] else "failed")

    return done


def _same_entries(old: Path, new: Path) -> bool:
    try:
        return sorted(os.listdir(old)) == sorted(os.listdir(new))
    except OSError:
        return False


def _keep_folder_modes(site: Path, staging: Path) -> None:
    """Every folder of the new site has the mode, owner and (when its entries are the
    same) times of the same folder in the old one (the output folder too, but its times);
    new folders get 0755. Deepest first, so a read-only folder is
    made so after what is inside it."""
    folders = [staging, *(p for p in staging.rglob("*") if p.is_dir() and not p.is_symlink())]
    for folder in sorted(folders, key=lambda p: len(p.parts), reverse=True):
        old = site / folder.relative_to(staging)
        try:
            before = old.stat() if old.is_dir() and not old.is_symlink() else None
        except OSError:
            before = None
        if before is None:
            os.chmod(folder, 0o755)
            continue
        # A build run as root (a deploy job) keeps each folder's owner, and a folder the
        # build wrote nothing new into keeps its times, as they were.
        now = os.stat(folder)
        if hasattr(os, "chown") and (before.st_uid, before.st_gid) != (now.st_uid, now.st_gid):
            with suppress(OSError):
                os.chown(folder, before.st_uid, before.st_gid)
        os.chmod(folder, before.st_mode & 0o7777)
        if folder != staging and _same_entries(old, folder):
            with suppress(OSError):
                os.utime(folder, ns=(before.st_atime_ns, before.st_mtime_ns))


def _publish(
    site: Path,
    previous: dict[str, Any],
    current: dict[str, dict[str, str]],
    fresh: dict[str, bytes],
    build_id: str,
) -> None:
    """Assemble the new site in a staging folder beside `site`, then swap it in."""
    staging = Path(tempfile.mkdtemp(prefix=f".{site.name}.{_STAGING}-", dir=site.parent))
    try:
        for name in current:
            if name in fresh:
                _write(staging / name, fresh[name])
            else:
                _carry(site / name, staging / name)
        if site.is_dir():
            # Only what a build wrote (the previous manifest's outputs, this one's) is
            # replaced or removed; everything else is the user's and moves over as it is.
            ours = set(previous) | set(current) | {MANIFEST}
            for path in sorted(site.rglob("*")):
                relative = path.relative_to(site).as_posix()
                if relative in ours or _ORPHAN_TMP.match(path.name):
                    continue
                if path.is_dir() and not path.is_symlink():
                    if not any(path.iterdir()):  # a folder with files gets made for them
                        (staging / relative).mkdir(parents=True, exist_ok=True)
                elif not (staging / relative).exists():
                    _carry(path, staging / relative)
        manifest = {
            "manifest": MANIFEST_VERSION,
            "generator": f"policykit {__version__}",
            "build_id": build_id,
            "outputs": dict(sorted(current.items())),
        }
        _write(staging / MANIFEST, (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode("utf-8"))
        for folder in sorted({(staging / name).parent for name in current}):
            _fsync_dir(folder)
        _keep_folder_modes(site, staging)
        _swap_in(staging, site, set(previous) | set(current) | {MANIFEST})
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
