"""localize(): numbering, resolved references, exact values, version ids, safe substitution."""

from __future__ import annotations

import attrs

import policykit
from conftest import POLICY, SEED
from policykit.document import DocList, DocParagraph, DocTable, Translator, localize, substitute, version_id
from policykit.inline import Emphasis, Text


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
    paragraph = localize(policy).articles[0].blocks[2]
    assert isinstance(paragraph, DocParagraph)
    assert paragraph.nodes[1] == Text("tawk.to, inc. and Google LLC")
    ref = policykit.Ref(policykit.RefField.COUNTRY, parties=("tawkto", "operator"))
    article = attrs.evolve(policy.articles[0], body=(policykit.Paragraph("In {where}.", {"where": ref}),))
    nl = localize(attrs.evolve(policy, articles=(article,)), "nl").articles[0].blocks[0]
    assert isinstance(nl, DocParagraph)
    assert nl.nodes == (Text("In "), Text("Verenigde Staten en Nederland"), Text("."))
