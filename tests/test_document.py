"""localize(): numbering, resolved references, exact values, version ids, safe substitution."""

from __future__ import annotations

import attrs
import pytest

import policykit
from conftest import POLICY, SEED
from policykit.document import (
    CONTENTS_FROM,
    DocList,
    DocParagraph,
    DocSettingsLink,
    DocTable,
    Translator,
    localize,
    substitute,
    version_id,
)
from policykit.errors import LoadError
from policykit.inline import Emphasis, Inline, Isolate, Text, plain_text, walk
from policykit.model import ConsentSettings, Paragraph, Ref, RefField, WebUrl


def test_articles_and_sections_are_numbered_with_stable_anchors() -> None:
    doc = localize(policykit.load(SEED))
    assert [a.heading for a in doc.articles] == [
        "Article 1. What is a cookie?",
        "Article 2. Use of permanent cookies",
        "Article 3. Use of session cookies",
        "Article 4. WHMCS / Commerce",
    ]
    assert [a.anchor for a in doc.articles] == ["article-1", "article-2", "article-3", "article-4"]
    second = doc.articles[1]
    assert [(s.anchor, s.number) for s in second.sections] == [("section-2-1", "2.1"), ("section-2-2", "2.2")]
    first_block = second.sections[0].blocks[0]
    assert isinstance(first_block, DocParagraph) and first_block.number == "2.1."


def test_references_are_resolved_from_the_records() -> None:
    doc = localize(policykit.load(SEED))
    paragraph = doc.articles[1].sections[1].blocks[0]
    assert isinstance(paragraph, DocParagraph)
    assert "Tawk.to then uses the cookie" in "".join(n.text for n in paragraph.nodes if isinstance(n, Text))


def test_lifetimes_are_exact() -> None:
    doc = localize(policykit.load(SEED))
    table = doc.articles[3].blocks[-1]
    assert isinstance(table, DocTable) and table.as_list
    lifetimes = {row[0][0].text: row[-1][0].text for row in table.rows}  # type: ignore[union-attr]
    assert lifetimes == {
        "WHMCSInstanceID": "Session",
        "WHMCSAffiliateID": "90 days",  # never "3 months"
        "WHMCSLinkID": "Persistent (duration not stated)",
        "WHMCSUser": "365 days or until logout",
    }


def test_inline_markup_survives_resolution() -> None:
    policy = policykit.load(POLICY)
    article = attrs.evolve(
        policy.articles[0],
        body=(
            policykit.Paragraph(
                "lasts <em>{x}</em>", {"x": policykit.Ref(policykit.RefField.LIFETIME, cookie="WHMCSAffiliateID")}
            ),
        ),
    )
    doc = localize(attrs.evolve(policy, articles=(article,)))
    block = doc.articles[0].blocks[0]
    assert isinstance(block, DocParagraph)
    assert block.nodes == (Text("lasts "), Emphasis((Text("90 days"),)))


def test_lists_and_footer() -> None:
    doc = localize(policykit.load(SEED))
    assert isinstance(doc.articles[3].blocks[2], DocList)
    assert doc.footer[0] == "Last modified February 19, 2021, 1:40\u202fPM (UTC+01:00)"
    assert doc.footer[-1] == f"Text version id {doc.version_id}"
    assert (doc.language, doc.direction) == ("en", "ltr")


def test_version_id_follows_the_policy_and_the_translation() -> None:
    policy = policykit.load(POLICY)
    same = policykit.loads(POLICY.read_text(encoding="utf-8"), "copy.yaml")
    assert version_id(policy) == version_id(same)
    changed = attrs.evolve(policy, meta=attrs.evolve(policy.meta, title="Cookie policy"))
    assert version_id(changed) != version_id(policy)
    assert version_id(policy, b"a translation") != version_id(policy)
    assert len(version_id(policy)) == 12


def test_substitute_takes_bare_names_only() -> None:
    assert substitute("{a} and {b}", a="1", b="2") == "1 and 2"
    assert substitute("{a.__class__} {a[0]} {a:>9} {c}", a="x") == "{a.__class__} {a[0]} {a:>9} {c}"


def test_translator_seam() -> None:
    class Shouting(Translator):
        def policy_text(self, context: str, text: str) -> str:
            return text.upper() if context == "meta.title" else text

        def template_text(self, key: str) -> str:
            return "Naam" if key == "name" else super().template_text(key)

        @property
        def fingerprint(self) -> bytes:
            return b"shouting"

    policy = policykit.load(POLICY)
    doc = localize(policy, translator=Shouting())
    assert doc.title == "COOKIE POLICY"
    assert doc.labels["name"] == "Naam"
    assert doc.version_id != localize(policy).version_id


def test_a_list_of_parties_is_a_localized_list() -> None:
    policy = policykit.load(POLICY)
    paragraph = next(
        block
        for block in localize(policy).articles[0].blocks
        if isinstance(block, DocParagraph) and block.nodes[0] == Text("Besides us, ")
    )
    assert paragraph.nodes[1] == Text("tawk.to, inc. and Google LLC")
    ref = policykit.Ref(policykit.RefField.COUNTRY, parties=("tawkto", "operator"))
    article = attrs.evolve(policy.articles[0], body=(policykit.Paragraph("In {where}.", {"where": ref}),))
    nl = localize(attrs.evolve(policy, articles=(article,)), "nl").articles[0].blocks[0]
    assert isinstance(nl, DocParagraph)
    assert nl.nodes == (Text("In "), Text("Verenigde Staten en Nederland"), Text("."))


def _isolated_texts(nodes: tuple[Inline, ...]) -> list[str]:
    return [plain_text(node.children) for node in walk(nodes) if isinstance(node, Isolate)]


def test_right_to_left_isolates_names_domains_and_addresses() -> None:
    policy = policykit.load(POLICY)
    arabic, english = localize(policy, "ar"), localize(policy, "en")
    assert arabic.direction == "rtl" and english.direction == "ltr"
    tables = [block for article in arabic.articles for block in article.blocks if isinstance(block, DocTable)]
    assert tables
    for table in tables:
        for row in table.rows:
            # The cookie's name and its party's name are each one isolated run; the rest is Arabic.
            assert len(row[0]) == 1 and isinstance(row[0][0], Isolate), row[0]
            assert len(row[1]) == 1 and isinstance(row[1][0], Isolate), row[1]
    prose = [
        text
        for article in arabic.articles
        for block in (*article.blocks, *(b for s in article.sections for b in s.blocks))
        if isinstance(block, DocParagraph)
        for text in _isolated_texts(block.nodes)
    ]
    assert {"tawk.to, inc.", "Google LLC", "privacy@example.com"} <= set(prose)
    # Left-to-right text has no isolates at all: its output stays as it was.
    everything = [
        node
        for article in english.articles
        for block in (*article.blocks, *(b for s in article.sections for b in s.blocks))
        for nodes in (
            (block.nodes,) if isinstance(block, DocParagraph) else block.items if isinstance(block, DocList)
            else tuple(cell for row in block.rows for cell in row)
        )
        for node in walk(nodes)
    ]  # fmt: skip
    assert everything and not any(isinstance(node, Isolate) for node in everything)


def test_a_list_of_party_names_isolates_each_name() -> None:
    policy = policykit.load(POLICY)
    ref = Ref(parties=tuple(party.id for party in policy.parties[:2]), field=RefField.NAME)
    article = attrs.evolve(policy.articles[0], body=(Paragraph("{both}", refs={"both": ref}),), sections=())
    # The default Translator leaves the policy's strings as written; the locale makes it RTL.
    doc = localize(attrs.evolve(policy, articles=(article,)), "ar", Translator())
    block = doc.articles[0].blocks[0]
    assert isinstance(block, DocParagraph)
    assert _isolated_texts(block.nodes) == [party.name for party in policy.parties[:2]]
    assert any(isinstance(node, Text) and node.text.strip() for node in block.nodes)  # the Arabic "and"


def test_contents_from_four_articles_and_the_settings_link() -> None:
    policy = policykit.load(POLICY)
    doc = localize(policy)
    assert len(doc.articles) == CONTENTS_FROM and doc.show_contents
    assert not localize(attrs.evolve(policy, articles=policy.articles[:3])).show_contents
    assert doc.consent_settings == DocSettingsLink("Change your cookie settings", None, "openCookieSettings")
    assert localize(policy, "de", _German()).consent_settings is not None


class _German(Translator):
    def template_text(self, key: str) -> str:
        return "Cookie-Einstellungen ändern" if key == "consent_settings" else super().template_text(key)


def test_consent_settings_are_a_url_or_a_function_name_never_code() -> None:
    assert ConsentSettings(javascript="Cookiebot.renew").javascript == "Cookiebot.renew"
    assert ConsentSettings(url=WebUrl("https://example.com/cookies")).url
    for bad in ("alert(1)", "a.b()", "x;y", "window['x']", "1abc", "a..b", "a b", ""):
        with pytest.raises(ValueError, match="not a function name"):
            ConsentSettings(javascript=bad)
    with pytest.raises(ValueError, match="exactly one"):
        ConsentSettings()
    with pytest.raises(ValueError, match="exactly one"):
        ConsentSettings(url=WebUrl("https://example.com/"), javascript="a")


def test_a_bad_settings_hook_is_a_positioned_finding() -> None:
    text = POLICY.read_text(encoding="utf-8").replace("javascript: openCookieSettings", 'javascript: "go();"', 1)
    with pytest.raises(LoadError) as caught:
        policykit.loads(text, "policy.yaml")
    lines = str(caught.value).splitlines()
    assert any(line.startswith("policy.yaml:") and "not a function name" in line for line in lines), lines


def test_each_format_expresses_an_isolate() -> None:
    """HTML <bdi> with the direction written out; Markdown FSI ... PDI; left-to-right Markdown has neither."""
    from policykit.render import render

    policy = policykit.load(POLICY)
    markdown = render(policy, "md", "ar")
    assert "| \u2068\\_ga\\_\\*\u2069 |" in markdown
    assert "\u2068tawk.to, inc.\u2069" in markdown
    assert "\u2068" not in render(policy, "md", "en") and "\u2069" not in render(policy, "md", "nl")
    assert '<bdi dir="ltr">_ga_*</bdi>' in render(policy, "html", "ar")
