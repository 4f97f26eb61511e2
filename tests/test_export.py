"""cookies.json as a contract: its schema published in step, patterns as globs and
equivalent regular expressions, lifetimes after the browsers' cap, cookies grouped into
services, and the texts of each locale."""

from __future__ import annotations

import fnmatch
import json
import re

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import POLICY, ROOT
from policykit.cli import main
from policykit.exports.cookies_json import catalogue, catalogue_schema, glob_regex
from policykit.facts import bundled
from policykit.i18n.translator import translator_for
from policykit.load import load, loads

POLICY_WITH_SERVICES = """\
meta:
  title: Cookie Policy
  language: en
  last_modified: 2024-05-01T09:00:00+02:00
parties:
  - id: site
    name: Example B.V.
    role: first-party
    country: NL
    domains: [example.com]
  - id: video
    name: Video Inc.
    role: third-party
    country: US
    domains: [video.example]
    service: video-player
    transfer: {safeguard: scc-2021, since: 2022-01-01}
cookies:
  - name: session_id
    party: site
    category: strictly-necessary
    purpose: Keeps you logged in.
    lifetime: session
  - name: shop_cart
    party: site
    category: functional
    purpose: Keeps your basket.
    lifetime: 30 days
    service: shop
    domain: shop.example.com
  - name: vid_*
    party: video
    category: marketing
    purpose: Counts the videos you watch.
    lifetime: 10 years
  - name: vid.local
    party: video
    category: marketing
    purpose: Stores your volume.
    lifetime: 10 years
    storage: local-storage
articles:
  - title: Cookies we use
    body:
      - cookies:
"""


def validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(
        catalogue_schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def test_the_published_schema_is_the_one_the_command_prints(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "--catalogue"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == json.loads((ROOT / "data" / "cookies.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(printed)
    assert printed["properties"]["schema_version"] == {"const": 1, "description": "The version of this contract."}


def test_services_lifetimes_domains_and_parties() -> None:
    data = catalogue(loads(POLICY_WITH_SERVICES))
    assert [error.message for error in validator().iter_errors(data)] == []
    cookies = {cookie["id"]: cookie for cookie in data["cookies"]}
    # A cookie's own service wins; otherwise its party's; otherwise none.
    assert [cookies[c]["service"] for c in ("session_id", "shop_cart", "vid_*", "vid.local")] == [
        None, "shop", "video-player", "video-player",
    ]  # fmt: skip
    assert data["services"] == [
        {"id": "shop", "parties": ["site"], "categories": ["functional"], "cookies": ["shop_cart"]},
        {"id": "video-player", "parties": ["video"], "categories": ["marketing"], "cookies": ["vid_*", "vid.local"]},
    ]
    # 10 years declared; a browser keeps an HTTP cookie for the capped days, local storage uncapped.
    cap = bundled().number("browser.cookie-max-age-days") * 86_400
    assert cookies["vid_*"]["lifetime"]["declared_seconds"] == 3650 * 86_400
    assert cookies["vid_*"]["lifetime"]["effective_seconds"] == cap == 400 * 86_400
    assert cookies["vid.local"]["lifetime"]["effective_seconds"] == 3650 * 86_400
    assert cookies["session_id"]["lifetime"]["effective_seconds"] is None
    assert cookies["shop_cart"]["lifetime"]["effective_seconds"] == 30 * 86_400
    # Domains: the cookie's own, else its party's.
    assert cookies["shop_cart"]["domains"] == ["shop.example.com"]
    assert cookies["vid_*"]["domains"] == ["video.example"]
    assert cookies["vid_*"]["party"]["transfer"] == {"safeguard": "scc-2021", "since": "2022-01-01"}
    assert cookies["vid_*"]["pattern"] == {"glob": "vid_*", "regex": "^vid_.*$"}
    assert cookies["vid.local"]["pattern"] is None
    # Only the built-in categories used are listed.
    assert [c["id"] for c in data["categories"]] == ["strictly-necessary", "functional", "marketing"]


def test_translations_of_every_text() -> None:
    policy = load(POLICY)
    translator = translator_for(policy, "de", strict=True)
    assert translator is not None
    data = catalogue(policy, {"de": translator})
    assert [error.message for error in validator().iter_errors(data)] == []
    german = data["translations"]["de"]
    assert set(german["cookies"]) == {cookie.id for cookie in policy.cookies}
    assert german["cookies"]["WHMCSAffiliateID"]["lifetime"] == "90 Tage"
    assert german["categories"]["marketing"]["title"] == "Marketing"
    assert german["version_id"] != data["policy"]["version_id"]
    assert not translator.findings


names = st.text(alphabet=st.sampled_from("ab_.-$^()[]{}|+?\\/é*"), min_size=1, max_size=12)


@given(glob=names, name=names)
def test_the_regex_matches_exactly_what_the_glob_matches(glob: str, name: str) -> None:
    name = name.replace("*", "x")
    # fnmatch with only `*` special: escape [ and ? the way fnmatch reads them literally.
    literal = re.sub(r"([\[?])", r"[\1]", glob)
    assert (re.fullmatch(glob_regex(glob), name) is not None) == fnmatch.fnmatchcase(name, literal)
    # Anchored at both ends: searching anywhere finds no more than a whole-name match.
    assert (re.search(glob_regex(glob), name) is None) == (re.fullmatch(glob_regex(glob), name) is None)


def test_the_regex_is_escaped_for_javascript_too() -> None:
    # Escapes only characters ECMAScript's u flag accepts escaped: no `\-`, no `\_`.
    assert glob_regex("_ga_*") == "^_ga_.*$"
    assert glob_regex("a-b.c*") == "^a-b\\.c.*$"
    assert glob_regex("x/(y)*") == "^x\\/\\(y\\).*$"
