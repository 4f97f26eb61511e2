"""`policykit scan`: record a site in a real browser, in each consent state, and audit it.

In: a URL, the consent flows (`--before-consent`, `--accept SELECTOR`, `--reject
SELECTOR`, or `--flows` for all given), how many same-site pages (`--pages N`) in how
long (`--time-limit`), where to write, and optionally a policy (`--audit POLICY`). Out:
each flow's HAR and cookie jar (mode 0600 less the umask), and with `--audit` the
findings of the HAR and the jar together, judged by the consent state: PK706 before
consent, PK708 after a refusal. Exit 0, 1 (errors found) or 2 (unusable input).
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import click

from policykit.cli.audit import refuse_policy, run_audit
from policykit.cli.common import FORMATS, CannotUse, quiet_option

__all__ = ["scan"]


def _same_file(one: Path, other: Path) -> bool:
    return os.path.realpath(one) == os.path.realpath(other)


def _jar_for(har: Path) -> Path:
    """FILE.har's jar is FILE.json; a HAR named FILE.json has FILE.cookies.json."""
    jar = har.with_suffix(".json")
    return har.with_suffix(".cookies.json") if _same_file(jar, har) else jar


def _in_flow(path: Path, flow: str) -> Path:
    """scan.har -> scan.accept.har: each flow's files beside the one named."""
    return path.with_name(f"{path.stem}.{flow}{path.suffix}")


def _stored(jar: Path) -> str:
    """What the state left in the browser, by name, from the jar just written."""
    from policykit.audit import CaptureError, read_capture
    from policykit.findings import terminal_safe

    try:
        seen = read_capture(jar).observations
    except CaptureError as error:
        return str(error)
    kinds = []
    for storage, label in (
        ("cookie", "cookies"),
        ("local-storage", "local storage"),
        ("session-storage", "session storage"),
    ):
        names = sorted({o.name for o in seen if o.storage == storage})
        if names:
            kinds.append(f"{label} {', '.join(terminal_safe(name) for name in names)}")
    return "; ".join(kinds) or "nothing stored"


def _flows(before_consent: bool, accept: str | None, reject: str | None, every: bool) -> list[tuple[str, str | None]]:
    if every:
        if not accept and not reject:
            raise click.UsageError(
                "--flows records each consent state: give --accept SELECTOR and/or --reject SELECTOR"
            )
        flows: list[tuple[str, str | None]] = [("before-consent", None)]
        flows += [("accept", accept)] if accept else []
        return flows + ([("reject", reject)] if reject else [])
    given = [
        name for name, on in (("--before-consent", before_consent), ("--accept", accept), ("--reject", reject)) if on
    ]
    if len(given) > 1:
        raise click.UsageError(f"{' and '.join(given)} are separate scans: give one, or --flows for each of them")
    if before_consent:
        return [("before-consent", None)]
    if accept:
        return [("accept", accept)]
    if reject:
        return [("reject", reject)]
    return [("", None)]


@click.command()
@click.argument("url")
@click.option("-o", "--output", "har", default="scan.har", show_default=True, metavar="FILE.har")
@click.option(
    "--cookies",
    "jar",
    default=None,
    metavar="FILE",
    help="The cookie jar (default: FILE.har's name with .json; FILE.cookies.json for a FILE.json).",
)
@click.option("--before-consent", is_flag=True, help="Record without consenting; with --audit, judge it so (PK706).")
@click.option(
    "--accept", "--click", "accept", default=None, metavar="SELECTOR", help="A consent button to click (CSS)."
)
@click.option("--reject", default=None, metavar="SELECTOR", help="A refuse button to click (CSS); with --audit, PK708.")
@click.option(
    "--flows",
    "every",
    is_flag=True,
    help="Record each state in its own browser: before consent, and after --accept and --reject (FILE.STATE.har).",
)
@click.option("--pages", default=1, show_default=True, type=click.IntRange(1, 1000), help="Pages to visit per state.")
@click.option(
    "--time-limit",
    default=120.0,
    show_default=True,
    type=click.FloatRange(1, 3600),
    metavar="SECONDS",
    help="No new page is started after this long, per state.",
)
@click.option("--audit", "policy", default=None, metavar="POLICY", help="Audit the recording against this policy.")
@click.option("--fix", default=None, metavar="FILE", help="With --audit: write the missing declarations to FILE.")
@click.option("--browser", default=None, metavar="PATH", help="The Chromium to drive (default: the system's).")
@click.option("--format", "output_format", type=FORMATS, default="text", show_default=True)
@quiet_option
def scan(
    url: str,
    har: str,
    jar: str | None,
    before_consent: bool,
    accept: str | None,
    reject: str | None,
    every: bool,
    pages: int,
    time_limit: float,
    policy: str | None,
    fix: str | None,
    browser: str | None,
    output_format: str,
    quiet: bool,
) -> None:
    """Visit URL in headless Chromium and record a HAR and the cookie jar (with local
    and session storage), following same-site links breadth first with --pages.

    Needs the `scan` extra (Playwright) and the system's Chromium; no browser is
    downloaded.
    """
    from policykit.audit.scan import Flow, ScanError, scan_flows

    states = _flows(before_consent, accept, reject, every)
    if fix is not None and policy is None:
        raise click.UsageError("--fix writes what the audit finds missing: give --audit POLICY too")
    if fix is not None and policy is not None and Path(policy).is_file():
        refuse_policy(Path(fix), Path(policy))  # before the browser starts
    # Only the web: a file:// (or any other scheme) would let a scan read local files.
    try:
        parts = urlsplit(url)
    except ValueError:
        parts = urlsplit("")
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise CannotUse(f"{url}: expected an http(s) URL such as https://www.example.com/")
    har_path = Path(har)
    jar_path = Path(jar) if jar else _jar_for(har_path)
    if _same_file(har_path, jar_path):
        raise click.UsageError(f"the HAR and the cookie jar would be the same file, {har_path}: give --cookies FILE")
    flows = [
        Flow(name, _in_flow(har_path, name), _in_flow(jar_path, name), click_on)
        if len(states) > 1
        else Flow(name, har_path, jar_path, click_on)
        for name, click_on in states
    ]
    try:
        done = scan_flows(url, flows, browser=browser, pages=pages, time_limit=time_limit)
    except ScanError as error:
        raise CannotUse(str(error)) from None
    if not quiet:
        for one in done:
            state = f"{one.flow}: " if one.flow else ""
            click.echo(
                f"policykit: {state}wrote {one.har} and {one.jar} ({one.cookies} cookies, {one.storage} storage "
                f"entries; {len(one.pages)} page{'s' if len(one.pages) != 1 else ''})",
                err=True,
            )
            click.echo(f"policykit: {state}{_stored(one.jar)}", err=True)
    if policy is None:
        return
    code = run_audit(
        policy,
        [(one.flow, (str(one.har),), (str(one.jar),), one.captured_at) for one in done],
        site=url,
        tolerance="1 day,1%",
        output_format=output_format,
        quiet=quiet,
        fix=fix,
    )
    if code:
        raise click.exceptions.Exit(code)
