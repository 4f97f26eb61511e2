"""The translatable strings of a policy, each with a stable context and its place.

In: a Policy (and the Source it came from, for line numbers).
Out: PolicyMessages: msgctxt (the element's explicit id or kind and the field, such as
`article-2.paragraph` or `cookie.purpose`; see contexts.py), msgid (the source text),
the line, and a note for translators. localize() looks translations up through the
same contexts.py, and a test keeps the two in step.

Also the Babel extractor (`[policykit: **.yaml]` in a babel.cfg), registered under
the `babel.extractors` entry point.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

from attrs import frozen

from policykit.i18n import contexts
from policykit.model import BUILTIN_CATEGORIES, CookieTable, ItemList, Paragraph, Policy, Ref, RefField
from policykit.source import Source

__all__ = ["PolicyMessage", "babel_extract", "policy_messages"]


@frozen
class PolicyMessage:
    """A translatable string of the policy: its msgctxt, its text, where it is in the file
    (`at`) and the note for translators (what it is, what its placeholders show)."""

    context: str
    text: str
    at: tuple[str | int, ...]  # path in the policy file
    note: str  # for translators: what this is, and its placeholders


_SHOWS = {
    RefField.NAME: "the name of",
    RefField.LIFETIME: "the lifetime of",
    RefField.PURPOSE: "the purpose of",
    RefField.DOMAIN: "the domain of",
    RefField.COUNTRY: "the country of",
    RefField.PRIVACY_POLICY: "a link to the privacy policy of",
    RefField.SAFEGUARD: "the transfer safeguard of",
    RefField.CONTACT: "the contact address of",
}


def _party_name(policy: Policy, party_id: str) -> str:
    party = next((p for p in policy.parties if p.id == party_id), None)
    return (party.name if party is not None and party.name else None) or party_id


def _shows(policy: Policy, ref: Ref) -> str:
    """What a placeholder will show, in a few words for the translator."""
    what = _SHOWS.get(ref.field, str(ref.field.value))
    if ref.cookie is not None:
        cookie = next((c for c in policy.cookies if c.id == ref.cookie), None)
        return f"{what} the cookie {(cookie.name if cookie is not None else None) or ref.cookie}"
    if ref.party is not None:
        return f"{what} {_party_name(policy, ref.party)}"
    if ref.parties:
        return f"{what} each of {', '.join(_party_name(policy, p) for p in ref.parties)}, as a list"
    return f"{what} the controller"


def _note(kind: str, refs: Mapping[str, Ref], policy: Policy | None = None) -> str:
    """What a string is, and what each of its placeholders will show."""
    if not refs:
        return kind
    if policy is None:
        return f"{kind}; keep the placeholders {', '.join('{' + name + '}' for name in refs)}"
    shown = "; ".join(f"{{{name}}} shows {_shows(policy, ref)}" for name, ref in refs.items())
    return f"{kind}; keep the placeholders: {shown}"


def policy_messages(policy: Policy) -> list[PolicyMessage]:
    """Every string of `policy` a reader sees and a translator translates, in file order.

    Party names are legal names and are not translated; the built-in categories are
    translated in the package's own catalogue. Contexts come from contexts.py: an
    element's explicit id or its kind, never its position.
    """
    found = [PolicyMessage(contexts.META_TITLE, policy.meta.title, ("meta", "title"), "the document title")]
    builtin = {category.id for category in BUILTIN_CATEGORIES}
    for index, category in enumerate(policy.categories):
        if category.id not in builtin:
            found.append(
                PolicyMessage(
                    contexts.category(category.id, "title"),
                    category.title,
                    ("categories", index, "title"),
                    "a cookie category",
                )
            )
            if category.description is not None:
                found.append(
                    PolicyMessage(
                        contexts.category(category.id, "description"),
                        category.description,
                        ("categories", index, "description"),
                        "a cookie category's description",
                    )
                )
    for a_index, article in enumerate(policy.articles):
        anchor = contexts.anchor(article)
        at: tuple[str | int, ...] = ("articles", a_index)
        found.append(PolicyMessage(contexts.title(anchor), article.title, (*at, "title"), "an article's title"))
        where = f"the article \u201c{article.title}\u201d"
        found.extend(_blocks(anchor, at, article.body, where, policy))
        for s_index, section in enumerate(article.sections):
            s_anchor = contexts.anchor(article, section)
            s_at = (*at, "sections", s_index)
            if section.title is not None:
                found.append(
                    PolicyMessage(contexts.title(s_anchor), section.title, (*s_at, "title"), "a section's title")
                )
            inside = f"the section \u201c{section.title}\u201d of {where}" if section.title else where
            found.extend(_blocks(s_anchor, s_at, section.body, inside, policy))
    for index, cookie in enumerate(policy.cookies):
        label = cookie.name or cookie.id
        found.append(
            PolicyMessage(
                contexts.COOKIE_PURPOSE,
                cookie.purpose,
                ("cookies", index, "purpose"),
                f"the purpose of the cookie {label}, set by {_party_name(policy, cookie.party)}; "
                "shown in the cookie's Purpose cell of the cookie tables",
            )
        )
        if cookie.lifetime.until is not None:
            found.append(
                PolicyMessage(
                    contexts.COOKIE_UNTIL,
                    cookie.lifetime.until,
                    ("cookies", index, "lifetime"),
                    f"the event that ends the cookie {label} early: '... or until <this>'",
                )
            )
    return found


def _blocks(
    anchor: str, at: tuple[str | int, ...], body: Collection[object], where: str, policy: Policy
) -> Iterator[PolicyMessage]:
    for b_index, block in enumerate(body):
        b_at = (*at, "body", b_index)
        if isinstance(block, Paragraph):
            yield PolicyMessage(
                contexts.paragraph(anchor),
                block.text,
                (*b_at, "paragraph") if block.refs else b_at,
                _note(f"a paragraph of {where}", block.refs, policy),
            )
        elif isinstance(block, ItemList):
            for i_index, item in enumerate(block.items):
                yield PolicyMessage(
                    contexts.item(anchor),
                    item,
                    (*b_at, "list", i_index),
                    _note(f"a list item of {where}", block.refs, policy),
                )
        elif isinstance(block, CookieTable) and block.caption is not None:
            yield PolicyMessage(
                contexts.caption(anchor),
                block.caption,
                (*b_at, "cookies", "caption"),
                f"the caption of a cookie table in {where}",
            )


def babel_extract(
    fileobj: IO[bytes], keywords: Mapping[str, Any], comment_tags: Collection[str], options: Mapping[str, Any]
) -> Iterator[tuple[int, str, tuple[str, str], list[str]]]:
    """Babel extractor: `pybabel extract -F babel.cfg` with `[policykit: **/policy.yaml]`.

    Yields each string as a `pgettext` call, so that Babel keeps its msgctxt. A YAML
    file that is not a policy (a mapping glob that also caught mkdocs.yml) is skipped
    with one warning; a policy with errors prints them. Either way it yields nothing and
    pybabel goes on (and exits 0, as it does for any file it cannot extract from).
    """
    from policykit.findings import Finding, Severity
    from policykit.load import LoadError, loads_with_source

    name = str(getattr(fileobj, "name", "<policy>"))
    data = fileobj.read()
    try:
        policy, source = loads_with_source(data, name, is_json=name.endswith(".json"))
    except LoadError as error:
        if _looks_like_policy(data):
            for finding in error.findings:
                print(finding.to_text(), file=sys.stderr)
        else:
            skipped = Finding(
                "PK001",
                Severity.WARNING,
                "not a policy file (no 'meta' with 'parties', 'cookies' or 'articles' at its top); skipped; "
                "map only policy files in babel.cfg, such as [policykit: **/policy.yaml]",
                name,
            )
            print(skipped.to_text(), file=sys.stderr)
        return
    for message in policy_messages(policy):
        yield message_line(source, message), "pgettext", (message.context, message.text), [message.note]


def _looks_like_policy(data: bytes) -> bool:
    """A policy's top level: `meta` and one of the record lists, read or, for a file that
    does not parse, written at the start of a line."""
    from policykit.yamlread import read_yaml

    text = data.decode("utf-8", errors="replace")
    try:
        top = read_yaml(text, 64)
    except Exception:  # a syntax error: judge by the keys as written
        return re.search(r"^meta\s*:", text, re.M) is not None and (
            re.search(r"^(parties|cookies|articles)\s*:", text, re.M) is not None
        )
    return isinstance(top, dict) and "meta" in top and any(key in top for key in ("parties", "cookies", "articles"))


def message_line(source: Source, message: PolicyMessage) -> int:
    return source.position(message.at)[0]
