"""`policykit audit` and `policykit scan`: the policy against what a browser saw.

In: a policy (PATH, else the project's) and capture files (`--har`, `--cookies`), or a
URL to record them from. Out: findings PK701 to PK707 as text, JSON or SARIF, the
HAR and the cookie jar a scan wrote, and the exit code: 0 no error, 1 errors, 2 a
capture or policy that cannot be used.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import click

from policykit import __version__
from policykit.cli.common import FORMATS, CannotUse, find_policy, load_policy_with_source, quiet_option
from policykit.findings import exit_code, format_json, format_sarif, format_text

if TYPE_CHECKING:
    from policykit.audit import Capture, Tolerance

__all__ = ["audit", "scan"]

_UNITS = {"s": 1, "second": 1, "min": 60, "minute": 60, "h": 3_600, "hour": 3_600, "d": 86_400, "day": 86_400}
_UNITS["w"] = _UNITS["week"] = 7 * 86_400


def parse_tolerance(text: str) -> Tolerance:
    """'1 day,1%' (the larger of the two), '2 days', '5%', '0'."""
    from policykit.audit import Tolerance

    seconds: int | None = None
    fraction: float | None = None
    for part in re.split(r"\s*(?:,|\bor\b)\s*", text.strip()):
        if not part:
            continue
        if found := re.fullmatch(r"(\d+(?:\.\d+)?)\s*%", part):
            fraction = float(found[1]) / 100
        elif found := re.fullmatch(r"(\d+)\s*([a-z]*?)s?", part.lower()):
            unit = found[2] or "s"
            if unit not in _UNITS:
                raise click.BadParameter(f"unknown unit {found[2]!r} in {text!r}; use s, min, h, d or w, or a %")
            seconds = int(found[1]) * _UNITS[unit]
        else:
            raise click.BadParameter(f"expected a time such as '1 day', a share such as '1%', or both: {text!r}")
    return Tolerance(seconds, fraction)


def _captured_at(value: str | None) -> dt.datetime | None:
    if value is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter(f"expected a time such as 2026-11-26T10:00:00Z, got {value!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def run_audit(
    path: str | None,
    hars: tuple[str, ...],
    jars: tuple[str, ...],
    *,
    site: str | None,
    captured_at: str | None,
    tolerance: str,
    before_consent: bool,
    output_format: str,
    quiet: bool,
) -> int:
    from policykit.audit import CaptureError, read_capture
    from policykit.audit import audit as audit_policy
    from policykit.audit.checks import AUDIT_CHECKS

    if not hars and not jars:
        raise click.UsageError("give a capture to audit: --har FILE and/or --cookies FILE")
    when = _captured_at(captured_at)
    allowed = parse_tolerance(tolerance)
    project = find_policy(path, quiet=quiet)
    policy, source = load_policy_with_source(str(project.policy), output_format)
    captures: list[Capture] = []
    try:
        for har in hars:
            captures.append(read_capture(Path(har), when, har=True))
        for jar in jars:
            captures.append(read_capture(Path(jar), when))
    except CaptureError as error:
        raise CannotUse(str(error)) from None
    findings = audit_policy(
        policy,
        captures,
        source=source,
        site=site,
        tolerance=allowed,
        before_consent=before_consent,
    )
    described = [
        {"file": c.file, "kind": c.kind, "cookies": len(c.observations), "lifetimes_count_from": c.clock}
        for c in captures
    ]
    for capture in captures:
        if capture.entries and not capture.observations and not capture.malformed:
            # Chrome's default HAR export is sanitized: it strips Cookie and Set-Cookie.
            click.echo(
                f"policykit: {capture.file}: {capture.entries} entries but not one cookie; if it was exported "
                "sanitized (Chrome's default), export it again with sensitive data",
                err=True,
            )
    if output_format == "json":
        click.echo(format_json(findings, captures=described, before_consent=before_consent), nl=False)
    elif output_format == "sarif":
        log = json.loads(format_sarif(findings, AUDIT_CHECKS, __version__))
        log["runs"][0]["properties"] = {"captures": described, "beforeConsent": before_consent}
        click.echo(json.dumps(log, indent=2, ensure_ascii=False))
    else:
        click.echo(format_text(findings), nl=False)
        for about in described:
            click.echo(
                f"{about['file']}: {about['kind']}, {about['cookies']} cookie records; lifetimes count "
                f"from {about['lifetimes_count_from']}",
                err=True,
            )
        counts = {name: sum(f.severity.value == name for f in findings) for name in ("error", "warning", "info")}
        summary = ", ".join(f"{n} {name}{'s' if n != 1 else ''}" for name, n in counts.items())
        click.echo(f"{project.policy}: {summary}", err=True)
    return exit_code(findings)


@click.command()
@click.argument("path", required=False, type=click.Path(dir_okay=True, path_type=str))
@click.option("--har", "hars", multiple=True, metavar="FILE", help="A HAR 1.2 file (devtools, Playwright).")
@click.option(
    "--cookies",
    "jars",
    multiple=True,
    metavar="FILE",
    help="A cookie jar: Netscape cookies.txt, Playwright storage_state, a browser extension's JSON export, "
    "or the Website Evidence Collector's inspection.json.",
)
@click.option("--site", metavar="URL", help="The site's address (default: the policy's meta.website).")
@click.option(
    "--captured-at",
    "captured_at",
    metavar="TIME",
    help="When a cookie jar was saved, for its lifetimes (default: the file's modification time).",
)
@click.option(
    "--tolerance",
    default="1 day,1%",
    show_default=True,
    help="How far an observed lifetime may differ from the declared one: a time, a share, or both (the larger).",
)
@click.option("--before-consent", is_flag=True, help="The capture was made before consent was given.")
@click.option("--format", "output_format", type=FORMATS, default="text", show_default=True)
@quiet_option
def audit(
    path: str | None,
    hars: tuple[str, ...],
    jars: tuple[str, ...],
    site: str | None,
    captured_at: str | None,
    tolerance: str,
    before_consent: bool,
    output_format: str,
    quiet: bool,
) -> None:
    """Compare a policy (PATH, else the project's) with the cookies a browser saw.

    Exit 0 when there is no error, 1 when there are errors, 2 when a file cannot be used.
    """
    code = run_audit(
        path,
        hars,
        jars,
        site=site,
        captured_at=captured_at,
        tolerance=tolerance,
        before_consent=before_consent,
        output_format=output_format,
        quiet=quiet,
    )
    if code:
        raise click.exceptions.Exit(code)


@click.command()
@click.argument("url")
@click.option("-o", "--output", "har", default="scan.har", show_default=True, metavar="FILE.har")
@click.option("--cookies", "jar", default=None, metavar="FILE", help="The cookie jar (default: FILE.har's name.json).")
@click.option("--before-consent", is_flag=True, help="Record without consenting; with --audit, judge it so.")
@click.option("--click", "selector", default=None, metavar="SELECTOR", help="A consent button to click (CSS).")
@click.option("--audit", "policy", default=None, metavar="POLICY", help="Audit the recording against this policy.")
@click.option("--browser", default=None, metavar="PATH", help="The Chromium to drive (default: the system's).")
@click.option("--format", "output_format", type=FORMATS, default="text", show_default=True)
@quiet_option
def scan(
    url: str,
    har: str,
    jar: str | None,
    before_consent: bool,
    selector: str | None,
    policy: str | None,
    browser: str | None,
    output_format: str,
    quiet: bool,
) -> None:
    """Visit URL in headless Chromium and record a HAR and the cookie jar.

    Needs the `scan` extra (Playwright) and the system's Chromium; no browser is
    downloaded.
    """
    from policykit.audit.scan import ScanError
    from policykit.audit.scan import scan as record

    if before_consent and selector:
        raise click.UsageError("--before-consent records without consenting: leave out --click")
    # Only the web: a file:// (or any other scheme) would let a scan read local files.
    try:
        parts = urlsplit(url)
    except ValueError:
        parts = urlsplit("")
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise CannotUse(f"{url}: expected an http(s) URL such as https://www.example.com/")
    har_path = Path(har)
    jar_path = Path(jar) if jar else har_path.with_suffix(".json")
    try:
        done = record(url, har_path, jar_path, click=selector, browser=browser)
    except ScanError as error:
        raise CannotUse(str(error)) from None
    if not quiet:
        click.echo(f"policykit: wrote {done.har} and {done.jar} ({done.cookies} cookies in the jar)", err=True)
    if policy is None:
        return
    code = run_audit(
        policy,
        (str(done.har),),
        (),
        site=url,
        captured_at=None,
        tolerance="1 day,1%",
        before_consent=before_consent,
        output_format=output_format,
        quiet=quiet,
    )
    if code:
        raise click.exceptions.Exit(code)
