"""The vendor catalogue's purposes, translated in the package (nl, de, fr, ar), and reused
by `i18n update` for a policy's cookies declared by reference."""

from __future__ import annotations

from pathlib import Path

import pytest

import policykit
from policykit.cli import main
from policykit.i18n import catalogs, contexts
from policykit.i18n.checks import check_translation
from policykit.i18n.purposes import CATALOGUE_DOMAIN, catalogue_strings
from policykit.i18n.translator import CatalogTranslator

SHIPPED = ["ar", "de", "fr", "nl"]

POLICY = """\
meta:
  title: Cookie Policy
  language: en
  effective: 2026-12-01
  last_modified: 2026-12-01T09:00:00+01:00
  controller:
    organisation: Example B.V.
    contact: privacy@example.com
parties:
  - id: site
    name: Example B.V.
    role: first-party
    country: NL
  - id: google
    name: Google LLC
    role: third-party
    country: US
    transfer: {safeguard: eu-us-dpf}
cookies:
  - catalogue: _ga
  - catalogue: YSC
  - name: own
    party: site
    category: strictly-necessary
    purpose: Keeps the site's own session.
    lifetime: session
articles:
  - title: Cookies we use
    body:
      - cookies: {}
"""


def test_the_shipped_template_is_in_step_with_the_catalogue() -> None:
    shipped = catalogs.read_catalog(catalogs.PACKAGE_CATALOGS / f"{CATALOGUE_DOMAIN}.pot")
    assert [(m.context, m.id) for m in shipped if m.id] == catalogue_strings(), "run: policykit i18n extract --ui"


@pytest.mark.parametrize("locale", SHIPPED)
def test_every_purpose_is_translated_in_every_shipped_locale(locale: str) -> None:
    po = catalogs.read_catalog(catalogs.catalog_path(catalogs.PACKAGE_CATALOGS, locale, CATALOGUE_DOMAIN))
    messages = {(m.context, m.id): m for m in po if m.id}
    for context, purpose in catalogue_strings():
        message = messages.get((context, purpose))
        assert message is not None and message.string and not message.fuzzy, (locale, purpose)
        assert message.string != purpose and not check_translation(purpose, str(message.string)), (locale, purpose)


def test_update_fills_the_purposes_of_referenced_cookies(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    policy_file = tmp_path / "policy.yaml"
    policy_file.write_text(POLICY, encoding="utf-8")
    locales = tmp_path / "locales"
    assert main(["i18n", "update", str(policy_file), "--locales", str(locales), "--locale", "nl", "-q"]) == 0
    assert "2 from the compendium" in capsys.readouterr().err
    po = catalogs.read_catalog(catalogs.catalog_path(locales, "nl", catalogs.POLICY_DOMAIN))
    ga_purpose = "Tells Google Analytics visits apart, so that the site can count its visitors."
    ga = po.get(ga_purpose, contexts.COOKIE_PURPOSE)
    assert ga is not None and not ga.fuzzy
    assert ga.string == "Onderscheidt bezoeken voor Google Analytics, zodat de site haar bezoekers kan tellen."
    own = po.get("Keeps the site's own session.", contexts.COOKIE_PURPOSE)
    assert own is not None and not own.string  # the policy's own words stay the translator's work
    markdown = policykit.render(policykit.load(policy_file), "md", "nl", translator=CatalogTranslator("nl", locales))
    assert "Zorgt ervoor dat de verzoeken in uw browsersessie bij een ingesloten YouTube-video van u komen" in markdown
