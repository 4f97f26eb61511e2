"""Exports that no input can break: hypothesis writes policies with hostile text in
every field, ids included (script and markup, quotes, line terminators, template and
regex syntax, spreadsheet formulas, prototype keys), and every export of each is
checked: the data formats read back, and the Klaro and cookieconsent configs run in
the real libraries in headless Chromium, both as files and inlined into the page,
with no script error, no hostile execution, the library's notice and preferences
shown, and every declared cookie that needs consent cleared on "decline all"."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st
from test_consent_tools import served
from test_exports import library, result_of
from tools import CHROMIUM_FLAGS, require

from policykit.errors import LoadError
from policykit.exports import FORMATS, export
from policykit.exports.common import name_regex
from policykit.exports.cookies_json import catalogue, catalogue_schema
from policykit.load import loads
from policykit.model import Policy, Storage

__all__ = ["served"]

PAYLOADS = [
    "</script><script>__pwned(1)</script>",
    "<img src=x onerror=__pwned(2)>",
    "<!--<script>",
    "'\"><svg onload=__pwned(3)>",
    '");__pwned(4);//',
    "');__pwned(5);//",
    "${__pwned(6)}",
    "*/__pwned(7)/*",
    "javascript:__pwned(8)",
    "]'\"`\\/",
    "\u2028",
    "\u2029",
    "\n",
    "\r",
    "\r\n",
    "\t",
    '=HYPERLINK("http://x")',
    "+1",
    "-1",
    "@SUM(A1)",
    "{{",
    "}}",
    "__proto__",
    "constructor",
    "hasOwnProperty",
    "toString",
    "functional",
    "strictly-necessary",
    "-",
    "*",
    "é",
    "ع",
    "\U0001f600",
]
_PIECE = st.sampled_from(PAYLOADS) | st.text(max_size=5)
HOSTILE = st.lists(_PIECE, min_size=1, max_size=4).map("".join).filter(lambda s: s.strip() != "")
_KINDS = [None, "strictly-necessary", "functional", "analytics", "marketing"]
_LIFETIMES = ["session", "90 days", "1 year", "persistent"]
_STORAGE = ["cookie", "cookie", "cookie", "local-storage", "pixel"]


def _prose(text: str) -> str:
    # Braces are placeholders in prose and titles: the writer types '{{' for one.
    return text.replace("{", "{{").replace("}", "}}")


@st.composite
def policies(draw: st.DrawFn) -> Policy:
    party_ids = draw(st.lists(HOSTILE, min_size=1, max_size=3, unique=True))
    parties = [
        {
            "id": pid,
            "name": draw(HOSTILE),
            "role": draw(st.sampled_from(["first-party", "third-party", "processor"])),
            "domains": draw(st.lists(HOSTILE | st.sampled_from(["example.org", ".example.org"]), max_size=2)),
        }
        for pid in party_ids
    ]
    builtin = ["strictly-necessary", "functional", "analytics", "marketing"]
    custom_ids = draw(st.lists(HOSTILE.filter(lambda s: s not in builtin), max_size=2, unique=True))
    categories = []
    for cid in custom_ids:
        category: dict[str, Any] = {
            "id": cid,
            "title": _prose(draw(HOSTILE)),
            "consent_required": draw(st.booleans()),
        }
        if draw(st.booleans()):
            category["description"] = _prose(draw(HOSTILE))
        kind = draw(st.sampled_from(_KINDS))
        if kind is not None:
            category["kind"] = kind
        categories.append(category)
    cookie_ids = draw(st.lists(HOSTILE, min_size=1, max_size=4, unique=True))
    cookies = []
    for cookie_id in cookie_ids:
        name = draw(HOSTILE | st.sampled_from(["_ga", "_ga_*", "sess", "pref_*"]))
        cookie: dict[str, Any] = {
            "id": cookie_id,
            "name": name,
            "party": draw(st.sampled_from(party_ids)),
            "category": draw(st.sampled_from(builtin + custom_ids)),
            "purpose": _prose(draw(HOSTILE)),
            "lifetime": draw(st.sampled_from(_LIFETIMES)),
            "storage": draw(st.sampled_from(_STORAGE)),
        }
        if draw(st.booleans()):
            cookie["domain"] = draw(HOSTILE | st.just("example.org"))
        cookies.append(cookie)
    raw = {
        "meta": {
            "title": _prose(draw(HOSTILE)),
            "language": "en",
            "last_modified": "2026-10-01T10:00:00+02:00",
            "website": "https://shop.example.org/",
            "version": draw(HOSTILE),
        },
        "parties": parties,
        "categories": categories,
        "cookies": cookies,
        "articles": [{"title": _prose(draw(HOSTILE)), "body": [{"cookies": {}}]}],
    }
    try:
        return loads(json.dumps(raw), "fuzz.json", is_json=True)
    except LoadError:
        assume(False)
        raise


_FORMULA = ("=", "+", "-", "@", "\t", "\r")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(policies())
def test_every_export_of_a_hostile_policy_reads_back(policy: Policy) -> None:
    for name in FORMATS:
        text = export(policy, name).text
        if name in ("klaro", "cookieconsent"):
            # No raw "<" (no "</script", no "<!--"), no raw line terminator inside a literal.
            assert "<" not in text and "\u2028" not in text and "\u2029" not in text and "\r" not in text
            starts = ("//", "var ", "export ", " ", "}", "globalThis.", "if (typeof globalThis.gtag")
            assert all(line.startswith(starts) for line in text.split("\n") if line)
        elif name == "ocd-csv":
            rows = list(csv.reader(io.StringIO(text, newline="")))
            assert all(len(row) == 10 for row in rows)
            assert not any(cell.startswith(_FORMULA) for row in rows[1:] for cell in row)
        elif name == "tcf":
            from test_exports import schema_errors

            # Valid against the specification's schema unless an error says why not.
            if not any(f.code == "PK854" for f in export(policy, name).findings):
                assert schema_errors(json.loads(text)) == []
        else:
            json.loads(text)
    import jsonschema

    jsonschema.validate(catalogue(policy), catalogue_schema())


# --- the real libraries in Chromium ------------------------------------------------

_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+\Z")


def _js(value: Any) -> str:
    return json.dumps(value).replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def cookies_to_clear(policy: Policy) -> list[str]:
    """Names a page can set for the policy's cookies that need consent, that no cookie
    which needs none also matches."""
    kept = [c.name for c in policy.cookies if c.name and not policy.category(c.category).consent_required]
    names = []
    for cookie in policy.cookies:
        if not cookie.name or cookie.storage is not Storage.COOKIE:
            continue
        if not policy.category(cookie.category).consent_required:
            continue
        concrete = cookie.name.replace("*", "x")
        if not _TOKEN.match(concrete) or concrete.lower().startswith(("__secure-", "__host-")):
            continue
        if concrete in ("klaro", "cc_cookie") or any(re.fullmatch(name_regex(k), concrete) for k in kept):
            continue
        names.append(concrete)
    return sorted(set(names))


_PRELUDE = (
    "<script>window.__hits = []; window.__pwned = n => __hits.push(String(n)); window.__errors = [];"
    "addEventListener('error', e => __errors.push(String(e.message)));"
    "addEventListener('unhandledrejection', e => __errors.push('rejection: ' + e.reason));"
    "for (const c of document.cookie.split('; ')) { const n = c.split('=')[0];"
    " if (n) document.cookie = n + '=; Max-Age=0; path=/'; }"
    "window.__set = SET; for (const n of __set) document.cookie = n + '=1; path=/';"
    "window.__before = document.cookie.split('; ').map(c => c.split('=')[0]).filter(Boolean);"
    "window.__report = (extra) => parent.postMessage(JSON.stringify(Object.assign({errors: __errors,"
    " hits: __hits, after: !!window.__after, before: __before,"
    " cookies: document.cookie.split('; ').map(c => c.split('=')[0]).filter(Boolean)}, extra)), '*');"
    "</script>"
)


def _klaro_page(config: str, inline: bool, names: list[str]) -> str:
    load = f"<script>{config}</script>" if inline else f'<script src="{config}"></script>'
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>k</title>'
        + _PRELUDE.replace("SET", _js(names))
        + "</head><body>"
        + load
        + '<script>window.__after = true;</script><script src="klaro.js"></script><script>'
        "addEventListener('load', () => setTimeout(() => { let notice = false, modal = false;"
        " try { notice = !!document.querySelector('.klaro .cookie-notice'); klaro.show(undefined, true);"
        "  modal = !!document.querySelector('.klaro .cookie-modal');"
        "  const m = klaro.getManager(); m.changeAll(false); m.saveAndApplyConsents();"
        " } catch (e) { __errors.push('driver: ' + e); }"
        " setTimeout(() => __report({notice, modal}), 300); }, 200));"
        "</script></body></html>"
    )


def _cookieconsent_page(config: str, inline: bool, names: list[str]) -> str:
    if inline:
        load = f"<script>window.__config = {config.split('export default ', 1)[1]}</script>"
        source = "const config = window.__config;"
    else:
        load = ""
        source = f"const config = (await import('./{config}')).default;"
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>c</title>'
        + _PRELUDE.replace("SET", _js(names))
        + "</head><body>"
        + load
        + '<script>window.__after = true;</script><script src="cookieconsent.umd.js"></script>'
        '<script type="module">let banner = false, prefs = false;'
        "try { " + source + " await CookieConsent.run(config);"
        " banner = !!document.querySelector('#cc-main .cm'); CookieConsent.showPreferences();"
        " await new Promise(r => setTimeout(r, 300)); prefs = !!document.querySelector('#cc-main .pm');"
        " CookieConsent.acceptCategory([]); await new Promise(r => setTimeout(r, 300));"
        "} catch (e) { __errors.push('driver: ' + e); }"
        "__report({banner, prefs});</script></body></html>"
    )


_INDEX = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>fuzz</title></head><body><script>'
    "window.__hits = []; window.__pwned = n => __hits.push(String(n));"
    "const pages = PAGES; const results = {};"
    "function next(i) { if (i >= pages.length) { const out = document.createElement('pre'); out.id = 'result';"
    "  out.textContent = JSON.stringify({results, top: __hits}); document.body.appendChild(out); return; }"
    " const f = document.createElement('iframe'); let done = false;"
    " const finish = (r) => { if (done) return; done = true; results[pages[i]] = r; f.remove(); next(i + 1); };"
    " const timer = setTimeout(() => finish({timeout: true}), 8000);"
    " window.onmessage = e => { clearTimeout(timer); finish(JSON.parse(e.data)); };"
    " f.src = pages[i]; document.body.appendChild(f); }"
    "next(0);</script></body></html>"
)


def _chromium(url: str, profile: Path) -> str:
    import subprocess

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    require(chromium is not None, "Chromium")
    assert chromium is not None
    done = subprocess.run(
        [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--virtual-time-budget=600000", "--dump-dom", url],
        capture_output=True,
        text=True,
        timeout=300,
    )
    return done.stdout


@settings(
    max_examples=6,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # no shrinking: each run is a browser
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture],
)
@given(batch=st.lists(policies(), min_size=5, max_size=5))
def test_hostile_policies_run_in_the_real_libraries(batch: list[Policy], served: tuple[Path, str]) -> None:
    klaro = library("POLICYKIT_KLARO_JS", "Klaro! (klaro.js)")
    umd = library("POLICYKIT_COOKIECONSENT_JS", "vanilla-cookieconsent v3")
    folder, base = served
    for stale in folder.glob("*"):
        if stale.is_dir():
            shutil.rmtree(stale)
        else:
            stale.unlink()
    shutil.copy(klaro, folder / "klaro.js")
    shutil.copy(umd, folder / "cookieconsent.umd.js")
    pages, expected = [], {}
    for n, policy in enumerate(batch):
        names = cookies_to_clear(policy)
        url = "https://shop.example.org/{locale}/"
        k = export(policy, "klaro", policy_url=url).text
        c = export(policy, "cookieconsent", policy_url=url).text
        (folder / f"k{n}.js").write_text(k, "utf-8")
        (folder / f"c{n}.mjs").write_text(c, "utf-8")
        for page, text in (
            (f"k{n}.html", _klaro_page(f"k{n}.js", False, names)),
            (f"ki{n}.html", _klaro_page(k, True, names)),
            (f"c{n}.html", _cookieconsent_page(f"c{n}.mjs", False, names)),
            (f"ci{n}.html", _cookieconsent_page(c, True, names)),
        ):
            (folder / page).write_text(text, "utf-8")
            pages.append(page)
            expected[page] = (n, names)
    (folder / "index.html").write_text(_INDEX.replace("PAGES", _js(pages)), "utf-8")
    outcome = result_of(_chromium(f"{base}/index.html", folder / "profile"))
    assert outcome["top"] == []
    for page, result in outcome["results"].items():
        n, names = expected[page]
        where = f"{page}: {result}\npolicy: {batch[n]!r}"
        assert not result.get("timeout"), where
        assert result["errors"] == [] and result["hits"] == [], where
        assert result["after"], where  # nothing in the config swallowed the rest of the page
        if page.startswith("k"):
            assert result["modal"], where
        else:
            assert result["banner"] and result["prefs"], where
        left = set(names) & set(result["before"]) & set(result["cookies"])
        assert not left, f"not cleared on decline: {sorted(left)}\n{where}"
    assert len(outcome["results"]) == len(pages)


# --- the cases of the attack corpus, each on its own -----------------------------------

_PAIR = """\
meta:
  title: "Cookies {{v2}}"
  language: en
  last_modified: 2026-10-01T10:00:00+02:00
categories:
  - {id: necessary, title: "Tracking {{x}}", consent_required: true, kind: marketing}
parties:
  - {id: site, name: Site, role: first-party}
  - {id: site-strictly, name: "It's a vendor", role: third-party}
cookies:
  - {name: sid, party: site, category: strictly-necessary, purpose: Keeps you in., lifetime: session}
  - {name: track, party: site-strictly, category: necessary, purpose: Tracks you., lifetime: 90 days}
articles:
  - title: "All {{cookies}}"
    body: [{cookies: {}}]
"""


def test_two_party_category_pairs_never_share_a_service() -> None:
    from policykit.exports.klaro import klaro_config

    policy = loads(_PAIR)
    services = klaro_config(policy)["services"]
    assert len({s["name"] for s in services}) == 2
    by_cookie = {s["cookies"][0][0]: s for s in services}
    assert by_cookie["sid"]["required"] and not by_cookie["track"]["required"]
    assert all(re.fullmatch(r"[A-Za-z0-9_-]+", s["name"]) for s in services)


def test_titles_show_a_brace_where_the_writer_typed_two() -> None:
    from policykit.render import render

    policy = loads(_PAIR)
    page = render(policy, "html")
    assert "Cookies {v2}" in page and "All {cookies}" in page and "{{" not in page
    assert "Tracking {x}" in export(policy, "cookieconsent").text
    assert "Tracking {x}" in export(policy, "klaro").text
    assert catalogue(policy)["policy"]["title"] == "Cookies {v2}"


def test_a_js_string_cannot_end_a_script_or_a_line() -> None:
    from policykit.exports.common import JsRegex, js_literal

    text = js_literal({"__proto__": "<!--<script></script>\u2028\u2029", "r": JsRegex("^a\nb\u2028/<$")})
    assert "<" not in text and "\u2028" not in text and "\u2029" not in text
    assert '["__proto__"]' in text and "/^a\\u000ab\\u2028\\/\\u003c$/" in text


def test_no_name_is_a_property_every_object_has() -> None:
    """Klaro keeps its purposes in a plain object: a category `constructor` made
    `purposes["constructor"].push` a TypeError (found by the fuzzer above)."""
    from policykit.exports.common import safe_names

    names = safe_names([("constructor",), ("toString",), ("analytics",)])
    assert names[("analytics",)] == "analytics"
    assert names[("constructor",)].startswith("constructor-") and names[("toString",)].startswith("toString-")
