"""The build itself: a checked policy's site planned, rendered and published, in that order.

In: a Project, its loaded Policy (checked by the caller), the locales to build (default:
the project's), whether a translation problem stops everything (`strict`), what to do
with a stale translation (`stale`), how many processes render (`jobs`), and optional
progress callbacks. Out: a BuildResult saying what was written, left unchanged and failed.

The steps, each in its own module of policykit.build: the plan (every output and its
key, what the previous manifest says is up to date: `plan`), rendering what is not, in
worker processes (`workers`) while this process reads the catalogues and finds which
translations are complete; the stale ones kept or built with the source text (`stale`);
the files beside the pages (`index`, `files`, `urls`, `consent`, `theme`); then the new
site published as a whole, or nothing (`publish`).
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from attrs import frozen

from policykit import __version__
from policykit.build.index import index_page
from policykit.build.plan import (
    PAGES,
    build_locales,
    hreflang,
    output_key,
    package_digest,
    plan_outputs,
    read_manifest,
    relative,
    sha256_file,
    unbuildable_formats,
    up_to_date,
    version_stamp,
)
from policykit.build.publish import BuildError, clean_orphans, locked, publish, refuse_dangerous
from policykit.build.stale import keep_locales, with_source_notice
from policykit.build.workers import POLICIES, Progress, Renderer, cores
from policykit.errors import CatalogError

if TYPE_CHECKING:
    from policykit.document import Document
    from policykit.findings import Finding
    from policykit.i18n.translator import CatalogTranslator
    from policykit.model import Policy
    from policykit.project import Project

__all__ = ["BuildResult", "build_site"]


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
    # locales whose stale translation was published anyway (policykit.build.stale): the last
    # approved one kept, as (locale, its version, its date or None) ...
    kept: tuple[tuple[str, str, str | None], ...] = ()
    # ... or built with the source text where it is not translated
    sourced: tuple[str, ...] = ()
    # formats this installation cannot make, left out of every locale: (format, why, in one line)
    not_built: tuple[tuple[str, str], ...] = ()


def _catalog_finding(error: CatalogError) -> Finding:
    from policykit.findings import Finding, Severity

    return Finding("PK510", Severity.ERROR, error.message, str(error.path), error.line, 1 if error.line else 0)


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
    translation is stale or broken is published as `stale` says (policykit.build.stale: "keep" the
    last approved translation, "source" text where it is not translated, "skip" it).
    Raises UnknownLocaleError for a locale that cannot be built at all, BuildError for an
    output folder that cannot be used (or would replace the project's own files), OSError when
    writing fails (the previous site is then untouched)."""
    from policykit.build.files import site_files
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
    refuse_dangerous(site, project)
    jobs = max(1, jobs if jobs is not None else cores())
    not_built = unbuildable_formats()
    pages = tuple(page for page in PAGES if page[1] not in dict(not_built))
    source_locale = str(policy.meta.language)
    policy_digest = hashlib.sha256(Path(project.policy).read_bytes()).hexdigest()
    POLICIES.clear()
    POLICIES[(str(project.policy), policy_digest)] = policy  # renders here, or in forked workers, reuse it
    # Paths relative to the project root: the same project in another folder has the same keys.
    common = output_key("policykit", __version__, package_digest(), policy_digest, f"strict={strict}",
                  relative(project.locales, project.root))  # fmt: skip

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

    from policykit.build import consent

    page = consent.site_page(project, policy)
    site_key = page.key() if page is not None else ""
    if project.theme is not None and project.theme.templates is not None:  # they make the PDF too
        from policykit.build.theme import folder_digest

        common = output_key(common, f"templates={folder_digest(project.theme.templates)}")
    site.parent.mkdir(parents=True, exist_ok=True)
    with locked(site), Renderer(project, policy_digest, jobs, progress, page) as renderer:
        clean_orphans(site)
        previous = read_manifest(site)
        # Start rendering what changed, assuming every locale is published, while this
        # process finds out which translations are complete.
        renderer.start([t for t in plan_outputs(policy, list(fingerprints), fingerprints, common, pages=pages,
                                         base_url=base_url, site_key=site_key)
                        if up_to_date(t, previous, site) is None])  # fmt: skip

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
            keep_locales(project, policy, site, previous, [x for x in skipped if x not in untrue], pages)
            if stale == "keep"
            else {}
        )
        skipped = [loc for loc in skipped if loc not in kept]

        published = [(hreflang(loc), None if loc == source_locale else loc, translators.get(loc))
                     for loc in [*built, *kept]]  # fmt: skip
        tasks = plan_outputs(policy, built, fingerprints, common, also=list(kept), pages=pages, base_url=base_url,
                      site_key=site_key)  # fmt: skip
        extras = {
            "cookies.json": catalogue_json(
                policy, {loc: t for loc, t in translators.items() if t is not None and loc in built}, base_url
            ).encode("utf-8"),
            "index.html": index_page(policy, [*built, *kept], pages, base_url).encode("utf-8"),
            **site_files(base_url, [hreflang(loc) for loc in [*built, *kept]]),
            **consent.site_files(project, policy, published),
        }
        if on_plan is not None:
            on_plan(len(tasks) + len(extras))
        current: dict[str, dict[str, str]] = {}
        unchanged: list[str] = []
        fresh: dict[str, bytes] = {}
        failed: list[tuple[str, str]] = []
        stamp = version_stamp(policy)
        for held in kept.values():
            current.update(held.entries)
            for name, data in held.files.items():
                if sha256_file(site / name) == held.entries[name]["sha256"]:
                    unchanged.append(name)  # kept before, with the same notice
                else:
                    fresh[name] = data
        for task in tasks:
            digest = up_to_date(task, previous, site)
            if digest is not None:
                unchanged.append(task.name)
                current[task.name] = {"key": task.key, "sha256": digest, "version_id": task.version_id, **stamp}
                if progress is not None:
                    progress(task.name, "unchanged")
        for name, data in extras.items():
            digest = hashlib.sha256(data).hexdigest()
            current[name] = {"key": digest, "sha256": digest}
            if sha256_file(site / name) == digest and name in previous:
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
                    result = with_source_notice(project, policy, task, result)
                fresh[task.name] = result
                current[task.name] = {
                    "key": task.key,
                    "sha256": hashlib.sha256(result).hexdigest(),
                    "version_id": task.version_id,
                    **stamp,
                }
            else:
                failed.append((task.name, str(result)))

        build_id = output_key(*(f"{name}={entry['sha256']}" for name, entry in sorted(current.items())))[:16]
        same_files = set(current) == set(previous) and not fresh
        if failed:
            committed = False
        elif same_files:
            committed = True  # nothing changed: nothing written, no byte touched
        else:
            publish(site, previous, current, fresh, build_id)
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


def _since(started: float) -> float:
    return time.perf_counter() - started
