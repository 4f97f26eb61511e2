"""The checks: every rule, and the engine that runs them.

In: a Policy, the Source it was loaded from (for file, line and column), the profiles
to judge it by ("gdpr", "cnil", "nl", "uk", "us-ca"; they compose, and default to the
policy's own `meta.profiles`, else gdpr), rule codes to select or ignore, and the date
the law is judged at ("as of", default today).
Out: a Report: the Findings in file order, and the findings that the policy silences
with a written reason (`silence:` on the element), each with that reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from attrs import frozen

from policykit import convert
from policykit.errors import UnknownRuleError
from policykit.findings import Finding, Severity, excerpt, sort_findings
from policykit.model import Policy, Silence
from policykit.rules import (
    basics,
    consent,
    exemption,
    jurisdictions,
    language,
    lifetimes,
    meta,
    names,
    parties,
    placeholders,
    prose,
    refusal,
    text,
    transfers,
)
from policykit.rules import catalogue as catalogue_rules
from policykit.rules.base import EVERYWHERE, PROFILES, Context, Issue, Rule, rule
from policykit.source import Source

if TYPE_CHECKING:
    from policykit.catalogue import Catalogue
    from policykit.document import Document

__all__ = [
    "PROFILES",
    "RULES",
    "Report",
    "Rule",
    "UnknownRule",
    "check",
    "parse_profiles",
    "policy_profiles",
    "run_checks",
    "select_rules",
]


@rule(
    "PK901",
    Severity.WARNING,
    "A silence that silences nothing",
    """A `silence:` entry whose rule no longer fires (or does not exist) hides nothing
    today but would hide a real problem tomorrow; remove it. (The same idea as ruff's
    RUF100 for unused `noqa`.)""",
    profiles=EVERYWHERE,
)
def unused_silence(ctx: Context) -> Iterable[Issue]:
    return ()  # found by the engine, which alone knows what was silenced


MAX_FINDINGS = 1000  # per policy: enough to act on, and output stays readable and bounded


@rule(
    "PK902",
    Severity.INFO,
    "More findings than are listed",
    """A policy with thousands of findings is reported up to a limit, then with one
    finding that counts the rest, so that the output stays readable and bounded. Fix the
    findings listed and check again.""",
    profiles=EVERYWHERE,
)
def more_findings(ctx: Context) -> Iterable[Issue]:
    return ()  # found by the engine, which alone knows how many there were


RULES: tuple[Rule, ...] = (
    *lifetimes.RULES,
    *exemption.RULES,
    *parties.RULES,
    *transfers.RULES,
    *prose.RULES,
    *consent.RULES,
    *refusal.RULES,
    *basics.RULES,
    *language.RULES,
    *meta.RULES,
    *jurisdictions.RULES,
    *catalogue_rules.RULES,
    *names.RULES,
    *text.RULES,
    *placeholders.RULES,
    unused_silence,
    more_findings,
)
_BY_CODE = {r.code: r for r in RULES}


# A code given to select or ignore matches no rule (the public name is UnknownRuleError).
UnknownRule = UnknownRuleError


def parse_profiles(profiles: str | Sequence[str]) -> tuple[str, ...]:
    """Profiles as given ("gdpr,uk", or a list), checked and in a stable order."""
    names = [profiles] if isinstance(profiles, str) else list(profiles)
    chosen = {part.strip().lower() for name in names for part in name.split(",") if part.strip()}
    unknown = sorted(chosen - set(PROFILES))
    if unknown or not chosen:
        what = repr(unknown[0]) if unknown else "none"
        raise UnknownRule(f"unknown profile {what}; choose from {', '.join(PROFILES)} (comma-separated)")
    return tuple(p for p in PROFILES if p in chosen)


def policy_profiles(policy: Policy) -> tuple[str, ...]:
    """The profiles a policy names in `meta.profiles`, else gdpr."""
    return tuple(p.value for p in policy.meta.profiles) or ("gdpr",)


def select_rules(
    profile: str | Sequence[str] = "gdpr", select: Sequence[str] | None = None, ignore: Sequence[str] = ()
) -> list[Rule]:
    """The rules to run. A code may be a prefix (`PK1` is every lifetime rule), or ALL.
    A rule runs when one of its profiles is chosen."""
    profiles = set(parse_profiles(profile))

    def matching(code: str) -> set[str]:
        code = code.strip().upper()
        found = set(_BY_CODE) if code == "ALL" else {c for c in _BY_CODE if c.startswith(code)}
        if not found:
            raise UnknownRule(f"no rule matches {excerpt(code)}; `policykit rules` lists them")
        return found

    chosen = set(_BY_CODE) if select is None else set().union(*(matching(c) for c in select))
    chosen -= set().union(*(matching(c) for c in ignore)) if ignore else set()
    return [r for r in RULES if r.code in chosen and profiles & set(r.profiles)]


@frozen
class Report:
    """What run_checks found: the findings of the rules that ran, the findings silenced by
    the policy (each with the silence that says why), the rules that ran, the profiles
    judged by and the date the law was judged at."""

    findings: list[Finding]
    silenced: list[tuple[Finding, Silence]]
    rules: list[Rule]
    profiles: tuple[str, ...] = ("gdpr",)
    as_of: dt.date = dt.date.min  # the date the law was judged at


def _silences_along(policy: Policy, at: Sequence[str | int]) -> list[tuple[tuple[str | int, ...], Any]]:
    """The elements on the path `at` that can carry `silence:`, outermost first."""
    found: list[tuple[tuple[str | int, ...], Any]] = []
    if not at:
        return found
    if at[0] == "meta":
        return [(("meta",), policy.meta)]
    if at[0] in ("parties", "cookies", "articles") and len(at) > 1 and isinstance(at[1], int):
        items = getattr(policy, str(at[0]))
        if 0 <= at[1] < len(items):
            element = items[at[1]]
            found.append(((at[0], at[1]), element))
            in_section = at[0] == "articles" and len(at) > 3 and at[2] == "sections" and isinstance(at[3], int)
            if in_section and 0 <= int(at[3]) < len(element.sections):
                found.append(((*at[:4],), element.sections[int(at[3])]))
    return found


def run_checks(
    policy: Policy,
    source: Source | None = None,
    *,
    profile: str | Sequence[str] | None = None,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] = (),
    as_of: dt.date | None = None,
    today: dt.date | None = None,
    catalogue: Catalogue | bool = True,
    documents: Sequence[tuple[str, Document]] | None = None,
) -> Report:
    """Run the chosen rules; split what the policy silences from what it does not.

    `profile` None means the policy's own `meta.profiles` (else gdpr). `as_of` is the
    date the law is judged at (default today); `today` is its older name. `catalogue` is
    what the catalogue rules compare cookies with: True the built-in one, a Catalogue
    (`policykit.catalogue.load_catalogue(path)`), or False to switch them off. Parties'
    countries the policy leaves out are taken from it for the transfer rules
    (`rules.catalogue.effective_policy`). `documents` are the localized (locale,
    Document) pairs the rules on the text judge (PK350-PK358); None: the policy's own
    language."""
    profiles = parse_profiles(profile) if profile is not None else policy_profiles(policy)
    rules = select_rules(profiles, select, ignore)
    source = source or Source("<policy>", convert.unstructure(policy))
    vendors = catalogue_rules.chosen(catalogue)
    judged = policy if vendors is None else catalogue_rules.effective_policy(policy, vendors)
    ctx = Context(judged, profiles, as_of or today, catalogue=vendors, declared=policy, documents=documents)
    findings: list[Finding] = []
    silenced: list[tuple[Finding, Silence]] = []
    used: set[tuple[tuple[str | int, ...], int]] = set()

    def finding(code: str, severity: Severity, at: Sequence[str | int], message: str) -> Finding:
        line, column = source.position(at)
        return Finding(code, severity, message, source.file, line, column, source.field_path(at))

    for checked in rules:
        for issue in checked.run(ctx):
            found = finding(checked.code, checked.severity, issue.at, issue.message)
            reason = None
            for element_at, element in _silences_along(policy, issue.at):
                for s_index, silence in enumerate(element.silence):
                    if silence.rule == checked.code:
                        used.add((element_at, s_index))
                        reason = reason or silence
            if reason is None:
                findings.append(found)
            else:
                silenced.append((found, reason))

    if unused_silence in rules:
        ran = {r.code for r in rules}
        for element_at, element in _all_silenceable(policy):
            for s_index, silence in enumerate(element.silence):
                if (element_at, s_index) in used:
                    continue
                if silence.rule not in _BY_CODE:
                    message = f"silences {silence.rule}, which is no rule"
                elif silence.rule in ran:
                    message = f"silences {silence.rule}, which finds nothing here"
                else:
                    continue  # its rule did not run (profile, --select, --ignore): unknowable
                at = (*element_at, "silence", s_index, "rule")
                findings.append(finding(unused_silence.code, unused_silence.severity, at, message))

    findings = sort_findings(findings)
    if more_findings in rules and len(findings) > MAX_FINDINGS:
        rest = findings[MAX_FINDINGS]
        message = f"and {len(findings) - MAX_FINDINGS} more findings from here on, not listed"
        # As severe as the worst finding it stands for, so that the exit code stays true.
        worst = min((f.severity for f in findings[MAX_FINDINGS:]), key=list(Severity).index)
        summary = Finding(more_findings.code, worst, message, rest.file, rest.line, rest.column)
        findings = [*findings[:MAX_FINDINGS], summary]
    return Report(
        findings,
        sorted(silenced, key=lambda item: (item[0].file, item[0].line, item[0].column, item[0].code)),
        rules,
        profiles,
        ctx.as_of,
    )


def _all_silenceable(policy: Policy) -> Iterable[tuple[tuple[str | int, ...], Any]]:
    yield ("meta",), policy.meta
    for index, party in enumerate(policy.parties):
        yield ("parties", index), party
    for index, cookie in enumerate(policy.cookies):
        yield ("cookies", index), cookie
    for a_index, article in enumerate(policy.articles):
        yield ("articles", a_index), article
        for s_index, section in enumerate(article.sections):
            yield ("articles", a_index, "sections", s_index), section


def check(
    policy: Policy,
    profile: str | Sequence[str] | None = None,
    *,
    source: Source | None = None,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] = (),
    as_of: dt.date | None = None,
    today: dt.date | None = None,
    catalogue: Catalogue | bool = True,
) -> list[Finding]:
    """The findings of every rule of the profiles on `policy`, silenced ones left out, sorted.

    `profile`: a profile (`gdpr`, `cnil`, `nl`, `uk`, `us-ca`) or several; None means the
    policy's own `meta.profiles`, else gdpr. `select` and `ignore` take rule codes or
    prefixes (`PK2`). `source` places the findings at line and column in the policy's
    file (policykit.load.load_with_source gives it); without it they carry field paths.
    `as_of`, `today` and `catalogue` are as run_checks says. Raises UnknownRuleError for
    a code or profile that does not exist.
    """
    report = run_checks(
        policy, source, profile=profile, select=select, ignore=ignore, as_of=as_of, today=today, catalogue=catalogue
    )
    return report.findings
