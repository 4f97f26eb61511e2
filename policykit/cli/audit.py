"""`policykit audit`: the policy against what a browser saw.

In: a policy (PATH, else the project's) and capture files (`--har`, `--cookies`), and
the consent state they were made in. Out: findings PK701 to PK709 as text, JSON or
SARIF, with `--fix FILE` the declarations the policy lacks, and the exit code: 0 no
error, 1 errors, 2 a capture or policy that cannot be used. `policykit scan` (cli/scan.py)
records captures and audits them with the same functions.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click
from attrs import evolve

from policykit import __version__
from policykit.cli.common import FORMATS, CannotUse, find_policy, load_policy_with_source, quiet_option, write_output
from policykit.findings import Finding, exit_code, format_json, format_sarif, format_text

if TYPE_CHECKING:
    from policykit.audit import Capture, Tolerance

__all__ = ["audit", "read_captures", "refuse_policy", "report", "run_audit"]

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


def read_captures(hars: Sequence[str], jars: Sequence[str], when: dt.datetime | None, flow: str = "") -> list[Capture]:
    """The captures named, read; one that cannot be used is exit 2, said in one line."""
    from policykit.audit import CaptureError, read_capture

    captures: list[Capture] = []
    try:
        for har in hars:
            captures.append(evolve(read_capture(Path(har), when, har=True), flow=flow))
        for jar in jars:
            captures.append(evolve(read_capture(Path(jar), when), flow=flow))
    except CaptureError as error:
        raise CannotUse(str(error)) from None
    return captures


def report(
    findings: Sequence[Finding],
    captures: Sequence[Capture],
    *,
    policy_file: str,
    before_consent: bool,
    output_format: str,
) -> int:
    """Print the findings (text, JSON or SARIF) and what each capture was; the exit code."""
    from policykit.audit.checks import AUDIT_CHECKS

    described = [
        {"file": c.file, "kind": c.kind, "cookies": len(c.observations), "lifetimes_count_from": c.clock}
        | ({"flow": c.flow} if c.flow else {})
        for c in captures
    ]
    # A jar of the same run that holds cookies explains a HAR without any: the page's
    # scripts set them (document.cookie), which no response's Set-Cookie shows.
    jarred = {c.flow for c in captures if c.kind != "har" and c.observations}
    for capture in captures:
        if capture.entries and not capture.observations and not capture.malformed and capture.flow not in jarred:
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
            flow = f" ({about['flow']})" if "flow" in about else ""
            click.echo(
                f"{about['file']}{flow}: {about['kind']}, {about['cookies']} cookie and storage records; "
                f"lifetimes count from {about['lifetimes_count_from']}",
                err=True,
            )
        counts = {name: sum(f.severity.value == name for f in findings) for name in ("error", "warning", "info")}
        summary = ", ".join(f"{n} {name}{'s' if n != 1 else ''}" for name, n in counts.items())
        click.echo(f"{policy_file}: {summary}", err=True)
    return exit_code(findings)


def run_audit(
    path: str | None,
    runs: Sequence[tuple[str, Sequence[str], Sequence[str], dt.datetime | None]],
    *,
    site: str | None,
    tolerance: str,
    output_format: str,
    quiet: bool,
    fix: str | None = None,
) -> int:
    """Audit each run (its consent state, HARs, jars, capture time) against the policy
    and print every finding once; `fix`: write the missing declarations there."""
    from policykit.audit.checks import audit_states

    allowed = parse_tolerance(tolerance)
    project = find_policy(path, quiet=quiet)
    if fix is not None:
        refuse_policy(Path(fix), project.policy)
    policy, source = load_policy_with_source(str(project.policy), output_format)
    states = [(flow, read_captures(hars, jars, when, flow)) for flow, hars, jars, when in runs]
    every = [capture for _, captures in states for capture in captures]
    findings = audit_states(policy, states, source=source, site=site, tolerance=allowed)
    if fix is not None:
        from policykit.audit.fix import suggest

        write_output(Path(fix), suggest(policy, every, site=site, policy_file=str(project.policy)))
        if not quiet:
            click.echo(f"policykit: wrote the missing declarations to {fix}; review them, then copy them in", err=True)
    flows = {flow for flow, *_ in runs}
    return report(
        findings,
        every,
        policy_file=str(project.policy),
        before_consent="before-consent" in flows,
        output_format=output_format,
    )


def refuse_policy(fix: Path, policy: Path) -> None:
    """`--fix` never writes the policy (nor through a link to it): exit 2."""
    if os.path.realpath(fix) == os.path.realpath(policy):
        raise click.UsageError(f"--fix {fix} is the policy itself; give another file: policykit never edits the policy")


@click.command()
@click.argument("path", required=False, type=click.Path(dir_okay=True, path_type=str))
@click.option("--har", "hars", multiple=True, metavar="FILE", help="A HAR 1.2 file (devtools, Playwright).")
@click.option(
    "--cookies",
    "jars",
    multiple=True,
    metavar="FILE",
    help="A cookie jar: Netscape cookies.txt, Playwright storage_state (with its local and session storage), "
    "a browser extension's JSON export, or the Website Evidence Collector's inspection.json.",
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
@click.option("--before-consent", is_flag=True, help="The capture was made before consent was given (PK706).")
@click.option("--after-reject", is_flag=True, help="The capture was made after consent was refused (PK708).")
@click.option(
    "--fix",
    default=None,
    metavar="FILE",
    type=click.Path(dir_okay=False, path_type=str),
    help="Write the declarations the policy lacks to FILE (never the policy): catalogue references, else "
    "commented stubs.",
)
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
    after_reject: bool,
    fix: str | None,
    output_format: str,
    quiet: bool,
) -> None:
    """Compare a policy (PATH, else the project's) with the cookies and storage a browser saw.

    Exit 0 when there is no error, 1 when there are errors, 2 when a file cannot be used.
    """
    if not hars and not jars:
        raise click.UsageError("give a capture to audit: --har FILE and/or --cookies FILE")
    if before_consent and after_reject:
        raise click.UsageError("a capture is made either before consent or after a refusal: give one of the two")
    flow = "before-consent" if before_consent else "reject" if after_reject else ""
    when = _captured_at(captured_at)
    code = run_audit(
        path,
        [(flow, hars, jars, when)],
        site=site,
        tolerance=tolerance,
        output_format=output_format,
        quiet=quiet,
        fix=fix,
    )
    if code:
        raise click.exceptions.Exit(code)
