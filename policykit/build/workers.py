"""The build's workers: outputs rendered in a pool of processes, or one by one in this one.

In: the project, the policy (by its file and the hash of its bytes), the tasks of the
plan (policykit.build.plan), how many jobs, and what every web page gets of the site.
Out: each output's bytes, or why it failed in one line, by its task's key; and the
progress callback told of each as it is done.

- The pool starts as soon as there is work, so the workers render while the build goes
  on finding which translations are complete; PDFs (the slowest) are started first.
- On Linux the workers are forked, with the policy and WeasyPrint already loaded, and
  each dies with the build that started it (a killed build leaves no worker waiting).
- The pool ends with the build: leaving the `with` block waits for the workers and
  cancels what has not started.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

    from policykit.build.consent import SitePage
    from policykit.build.plan import Task
    from policykit.model import Policy
    from policykit.project import Project

__all__ = ["Progress"]

# (name of the output, what happened: "written", "unchanged" or "failed")
Progress = Callable[[str, str], None]


# (policy file, sha256 of its bytes) -> the Policy: given by the caller of build_site and
# inherited by forked workers; loaded from the file where it is not there (spawned workers).
POLICIES: dict[tuple[str, str], Policy] = {}


def _loaded(policy_file: str, policy_digest: str) -> Policy:
    found = POLICIES.get((policy_file, policy_digest))
    if found is None:
        from policykit.load import load

        found = POLICIES[(policy_file, policy_digest)] = load(policy_file)
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
    every web page gets of the site (policykit.build.consent); `templates`: the folder of
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
    from concurrent.futures import ProcessPoolExecutor

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


def cores() -> int:
    """The cores this process may run on (a container's share, not the machine's)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


class Renderer:
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

    def __enter__(self) -> Renderer:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    def _arguments(
        self, task: Task
    ) -> tuple[str, str, str, str | None, str, tuple[tuple[str, str], ...], str | None, SitePage | None, str | None]:
        project = self.project
        templates = project.theme.templates if project.theme is not None else None
        return (str(project.policy), self.policy_digest, str(project.locales), task.locale, task.output_format,
                task.alternates, task.canonical, self.site, None if templates is None else str(templates))  # fmt: skip

    def start(self, tasks: list[Task]) -> None:
        if self.jobs == 1 or len(tasks) <= 1:
            return  # rendered one by one when their results are asked for
        # What every worker needs is loaded here once and inherited by the forked workers:
        # the policy (already in POLICIES), and WeasyPrint (most of a second to import).
        if any(task.output_format == "pdf" for task in tasks):
            import weasyprint  # noqa: F401

            import policykit.render.pdf  # noqa: F401
        self.pool = _pool(min(self.jobs, len(tasks)))
        # PDFs take longest: start them first so no worker is left with one at the end.
        for task in sorted(tasks, key=lambda t: t.output_format != "pdf"):
            future = self.pool.submit(_render_one, *self._arguments(task))
            future.add_done_callback(_reporter(task.name, self.progress))
            self.futures[task.key] = future

    def result(self, task: Task) -> tuple[bool, bytes | str]:
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
