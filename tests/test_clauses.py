"""Generated clauses: loaded, written back, rendered from the records in every shipped locale."""

from __future__ import annotations

import re
from pathlib import Path

import attrs
import pytest

import policykit
from policykit import inline
from policykit.document import DocList, DocParagraph, DocTable, Document, localize
from policykit.i18n import catalogs
from policykit.i18n.clause_strings import CLAUSE_STRINGS
from policykit.i18n.translator import CatalogTranslator
from policykit.load import LoadError, loads
from policykit.model import Clause, ClauseKind, Cookie, CountryCode, Lifetime, Party, Policy, Role, Safeguard, Transfer

ROOT = Path(__file__).resolve().parents[1]
POLICY = ROOT / "data" / "policy.yaml"
SHIPPED = sorted(p.name for p in catalogs.PACKAGE_CATALOGS.iterdir() if p.is_dir())

HEAD = """\
meta:
  title: Cookie Policy
  language: en
  last_modified: 2026-10-01T10:00:00+02:00
  version: "7"
  controller: {organisation: Shop S.L., address: "Calle Mayor 1, Madrid", contact: privacy@shop.es}
parties:
  - {id: site, name: Shop S.L., role: first-party, country: ES}
cookies:
  - {name: sid, party: site, category: strictly-necessary, purpose: Keeps your session., lifetime: session}
articles:
  - title: About
    body:
"""


def _with_clauses(policy: Policy, *kinds: ClauseKind) -> Policy:
    article = attrs.evolve(policy.articles[0], body=tuple(Clause(kind) for kind in kinds), sections=())
    return attrs.evolve(policy, articles=(article,))


def _text(document: Document) -> str:
    lines = []
    for article in document.articles:
        for block in article.blocks:
            if isinstance(block, DocParagraph):
                lines.append(inline.plain_text(block.nodes))
            elif isinstance(block, DocList):
                lines += [inline.plain_text(item) for item in block.items]
            elif isinstance(block, DocTable):
                lines.append(block.caption)
    return "\n".join(lines)


def test_every_clause_kind_loads_and_is_written_back() -> None:
    text = HEAD + "".join(f"      - clause: {kind.value}\n" for kind in ClauseKind)
    policy = loads(text)
    assert [block.kind for block in policy.articles[0].body] == list(ClauseKind)  # type: ignore[union-attr]
    assert loads(policykit.dump(policy)) == policy
    assert "      - clause: recipients\n" in policykit.dump(policy)


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        ("      - clause: transfers\n", r"14:17: expected one of 'controller'.*'changes', got the string 'transfers'"),
        ("      - clause: recipients\n        style: list\n", r"14:9: .*no key but 'clause'.*style"),
    ],
)
def test_a_bad_clause_is_one_finding_at_its_place(block: str, expected: str) -> None:
    with pytest.raises(LoadError) as caught:
        loads(HEAD + block, "p.yaml")
    lines = [f"{f.line}:{f.column}: {f.message}" for f in caught.value.findings]
    assert len(lines) == 1 and re.search(expected, lines[0]), lines


def test_the_clauses_say_what_the_records_say() -> None:
    policy = _with_clauses(policykit.load(POLICY), *ClauseKind)
    text = _text(localize(policy))
    assert "Example Hosting B.V. is responsible" in text
    assert "Keizersgracht 1, 1015 AA Amsterdam" in text and "privacy@example.com" in text
    for party in ("tawk.to, inc.", "Google LLC"):
        line = next(line for line in text.splitlines() if line.startswith(party))
        assert "United States" in line and "outside the European Economic Area" in line
        assert "EU-US Data Privacy Framework" in line
    assert "Analytics.</strong>" not in text  # markup is markup, not text
    assert "Analytics. We set these cookies only with your consent." in text
    assert "Strictly necessary. These cookies are strictly necessary" in text
    assert "at most 400 days" in text  # from the facts, formatted by Babel
    assert "Functional, Analytics, and Marketing" in text
    assert "This is version 2026.1 of this policy. It takes effect on October 20, 2026" in text


def test_a_new_cookie_or_party_changes_the_clause_without_an_edit() -> None:
    policy = _with_clauses(policykit.load(POLICY), ClauseKind.RECIPIENTS, ClauseKind.CATEGORIES)
    vendor = Party("vendor", "Vendor <em>Inc.</em>", Role.THIRD_PARTY, country=CountryCode("JP"))
    cookie = Cookie("v", "v", "vendor", "marketing", "Tracks.", Lifetime.session())
    grown = attrs.evolve(policy, parties=(*policy.parties, vendor), cookies=(*policy.cookies, cookie))
    document = localize(grown)
    text = _text(document)
    line = next(line for line in text.splitlines() if line.startswith("Vendor"))
    # Japan has an adequacy decision in data/law: the clause names it, with no transfer declared.
    assert "Japan" in line and "adequacy decision of the European Commission" in line
    item = next(i for i in document.articles[0].blocks if isinstance(i, DocList)).items[-1]
    assert inline.Text("Vendor <em>Inc.</em>") in inline.walk(item)  # a value is never markup
    table = [b for b in document.articles[0].blocks if isinstance(b, DocTable) and "v" in b.cookies]
    assert len(table) == 1 and table[0].caption == "Marketing cookies"


def test_a_transfer_without_safeguard_says_so() -> None:
    policy = _with_clauses(policykit.load(POLICY), ClauseKind.RECIPIENTS)
    parties = tuple(attrs.evolve(p, transfer=None) if p.id == "tawkto" else p for p in policy.parties)
    text = _text(localize(attrs.evolve(policy, parties=parties)))
    line = next(line for line in text.splitlines() if line.startswith("tawk.to"))
    assert "rely on this safeguard: Not stated" in line
    safe = tuple(attrs.evolve(p, transfer=Transfer(Safeguard.SCC_2021)) for p in parties)
    assert "standard contractual clauses (2021)" in _text(localize(attrs.evolve(policy, parties=safe)))


def test_every_block_of_a_clause_points_at_the_clause() -> None:
    policy = policykit.load(POLICY)
    article = attrs.evolve(policy.articles[0], body=(policy.articles[0].body[0], Clause(ClauseKind.CATEGORIES)))
    document = localize(attrs.evolve(policy, articles=(article, *policy.articles[1:])))
    sources = [block.source for block in document.articles[0].blocks]
    assert sources[0] == 0 and len(sources) > 3 and set(sources[1:]) == {1}


def test_the_clause_strings_are_translated_in_every_shipped_locale() -> None:
    assert {"nl", "de", "fr", "ar"} <= set(SHIPPED)
    for locale in SHIPPED:
        catalog = catalogs.read_catalog(catalogs.catalog_path(catalogs.PACKAGE_CATALOGS, locale, catalogs.UI_DOMAIN))
        for key, english in CLAUSE_STRINGS.items():
            message = catalog.get(english, context=key)
            assert message is not None and message.string and not message.fuzzy, (locale, key)
            assert message.string != english, (locale, key)


@pytest.mark.parametrize("locale", ["nl", "de", "fr", "ar"])
def test_each_locale_renders_the_clauses_in_its_own_words(locale: str) -> None:
    policy = _with_clauses(policykit.load(POLICY), *ClauseKind)
    translator = CatalogTranslator(locale, ROOT / "locales")
    document = localize(policy, locale, translator)
    assert not [f for f in translator.findings if f.path.startswith("clause.")]
    text = _text(document)
    expected = {
        "nl": ("Europese Economische Ruimte", "Verenigde Staten", "intrekken"),
        "de": ("Europäischen Wirtschaftsraums", "Vereinigte Staaten", "widerrufen"),
        "fr": ("Espace économique européen", "États-Unis", "retirer"),
        "ar": ("المنطقة الاقتصادية الأوروبية", "الولايات المتحدة", "سحب"),
    }[locale]
    for words in expected:
        assert words in text, (locale, words)
    assert "privacy@example.com" in text and "Google LLC" in text
    if locale == "ar":  # names and addresses are isolated in right-to-left text
        blocks = document.articles[0].blocks
        assert any(isinstance(n, inline.Isolate) for b in blocks if isinstance(b, DocParagraph) for n in b.nodes)


def test_the_scaffold_is_made_of_clauses() -> None:
    text = (ROOT / "data" / "scaffold" / "policy.yaml").read_text(encoding="utf-8")
    used = set(re.findall(r"- clause: ([a-z]+)", text))
    assert used == {kind.value for kind in ClauseKind}
    assert "strictly necessary for the website to\n          work, so it needs no consent" not in text


def test_a_policy_written_in_german_reads_its_clauses_in_german() -> None:
    policy = policykit.load(ROOT / "tests" / "fixtures" / "text" / "old-scaffold-de.yaml")
    text = _text(localize(policy))
    assert "Zapatería López S.L. ist für die Cookies auf dieser Website" in text
    assert "außerhalb des Europäischen Wirtschaftsraums" in text
    assert "is responsible" not in text


def test_the_lifetimes_clause_explains_maximum_renewed_and_choice() -> None:
    policy = _with_clauses(policykit.load(POLICY), ClauseKind.LIFETIMES)
    plain = _text(localize(policy))
    assert "at most, the website may set it" not in plain and "two lifetimes" not in plain
    text = HEAD.replace(
        "lifetime: session}",
        "lifetime: session}\n  - {name: a, party: site, category: functional, purpose: A., lifetime: up to 2 years}"
        "\n  - {name: b, party: site, category: functional, purpose: B., lifetime: 13 months from your last visit}"
        "\n  - {name: c, party: site, category: functional, purpose: C., lifetime: session or 14 days}",
    )
    varied = loads(text + "      - clause: lifetimes\n")
    said = _text(localize(varied))
    assert "how long a cookie lasts at most, the website may set it to last less" in said
    assert "each visit starts it again" in said and "two lifetimes" in said
    dutch = _text(localize(varied, "nl", CatalogTranslator("nl", None)))
    assert "bij elk bezoek opnieuw" in dutch
