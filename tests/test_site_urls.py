"""The site's address (`base_url`, `build --base-url`): absolute hreflang alternates with
`x-default`, a canonical link on every page, sitemap.xml with each page's language
versions (Google's xhtml:link format), and absolute links in cookies.json; a bad value
named by its key (exit 2); without one, the relative links of before and no sitemap."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import attrs
import jsonschema
import pytest

from conftest import POLICY, ROOT, copy_project
from policykit.build import build_site
from policykit.build.urls import SITEMAP, BaseUrlError, check_base_url
from policykit.cli import main
from policykit.errors import ProjectError
from policykit.load import load
from policykit.project import find_project, project_for_policy

BASE = "https://www.example.com/cookies/"
LINK = re.compile(r"<link rel=\"(alternate|canonical)\"(?: hreflang=\"([^\"]+)\")? href=\"([^\"]+)\">")
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML_NS = "{http://www.w3.org/1999/xhtml}"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://www.example.com/cookies/", "https://www.example.com/cookies/"),
        ("https://www.example.com/cookies", "https://www.example.com/cookies/"),
        ("https://www.example.com", "https://www.example.com/"),
        ("HTTP://example.com:8080/a/b", "http://example.com:8080/a/b/"),
        ("https://xn--bcher-kva.example/caf%C3%A9/", "https://xn--bcher-kva.example/caf%C3%A9/"),
    ],
)
def test_a_base_url_is_an_absolute_folder(value: str, expected: str) -> None:
    assert check_base_url(value) == expected


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("", "absolute http"),
        ("/cookies/", "absolute http"),
        ("www.example.com/cookies/", "absolute http"),
        ("ftp://example.com/", "absolute http"),
        ("javascript:alert(1)", "absolute http"),
        ("https://", "absolute http"),
        ("https://example.com/?lang=nl", "no query"),
        ("https://example.com/#top", "no query"),
        ("https://user:secret@example.com/", "user name"),
        ("https://example.com:99999/", "port"),
        ("https://example.com/a b/", "percent-encoded"),
        ('https://example.com/"><script>/', "percent-encoded"),
        ("https://bücher.example/", "percent-encoded"),
        ("https://example.com/%zz/", "percent-encoded"),
        ("https://example.com/\n", "percent-encoded"),
    ],
)
def test_a_base_url_that_cannot_be_used_says_why(value: str, why: str) -> None:
    with pytest.raises(BaseUrlError, match=why):
        check_base_url(value)


def _project(tmp_path: Path, setting: str) -> Path:
    project = copy_project(tmp_path / "project")
    (project / "policykit.toml").write_text(f'policy = "data/policy.yaml"\n{setting}\n', encoding="utf-8")
    return project


def test_the_project_names_its_base_url(tmp_path: Path) -> None:
    found = find_project(_project(tmp_path, 'base_url = "https://www.example.com/cookies"'))
    assert found is not None and found.base_url == BASE
    assert project_for_policy(tmp_path / "project" / "data" / "policy.yaml").base_url == BASE


@pytest.mark.parametrize("setting", ['base_url = "/cookies/"', "base_url = 42", 'base_url = "https://x.example/?a"'])
def test_a_bad_base_url_names_its_key_and_exits_2(
    tmp_path: Path, setting: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _project(tmp_path, setting)
    with pytest.raises(ProjectError, match=r"policykit\.toml:2:1: base_url: "):
        find_project(project)
    monkeypatch.chdir(project)
    assert main(["build", "-q"]) == 2
    err = capsys.readouterr().err
    assert re.search(r"policykit\.toml:2:1: base_url: ", err) and "Traceback" not in err
    assert not (project / "site").exists()


def test_a_bad_base_url_option_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", str(POLICY), "-o", str(tmp_path / "site"), "--base-url", "example.com"]) == 2
    err = capsys.readouterr().err
    assert "'--base-url'" in err and "absolute http(s) URL" in err
    assert not (tmp_path / "site").exists()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("urls") / "site"
    project = attrs.evolve(project_for_policy(POLICY), base_url=BASE)
    result = build_site(project, load(POLICY), output=folder, locales=("nl", "ar"), jobs=2)
    assert result.committed and result.built == ("en", "nl", "ar")
    return folder


def _links(page: str) -> list[tuple[str, str, str]]:
    head = page[: page.index("</head>")]
    return [(m.group(1), m.group(2) or "", m.group(3)) for m in LINK.finditer(head)]


def test_every_hreflang_is_absolute_and_every_page_canonical(site: Path) -> None:
    versions = [("en", f"{BASE}en/index.html"), ("nl", f"{BASE}nl/index.html"), ("ar", f"{BASE}ar/index.html")]
    alternates = [("alternate", lang, href) for lang, href in versions]
    alternates.append(("alternate", "x-default", f"{BASE}index.html"))
    for name, own in [("index.html", f"{BASE}index.html"), *((f"{lang}/index.html", url) for lang, url in versions)]:
        page = (site / name).read_text(encoding="utf-8")
        links = _links(page)
        assert links == [("canonical", "", own), *alternates], name
        assert all(href.startswith("https://") for _, _, href in links)
        # Every hreflang in the page's head, not only those the pattern reads.
        assert page[: page.index("</head>")].count("hreflang=") == 4


def test_the_sitemap_lists_every_page_with_its_language_versions(site: Path) -> None:
    tree = ElementTree.parse(site / SITEMAP)
    urls = tree.getroot().findall(f"{SITEMAP_NS}url")
    locations = [url.findtext(f"{SITEMAP_NS}loc") for url in urls]
    assert locations == [f"{BASE}index.html", f"{BASE}en/index.html", f"{BASE}nl/index.html", f"{BASE}ar/index.html"]
    for url in urls:
        links = [(link.get("rel"), link.get("hreflang"), link.get("href")) for link in url.findall(f"{XHTML_NS}link")]
        # Google: each <url> names every version, itself included, and x-default.
        assert links == [
            ("alternate", "en", f"{BASE}en/index.html"),
            ("alternate", "nl", f"{BASE}nl/index.html"),
            ("alternate", "ar", f"{BASE}ar/index.html"),
            ("alternate", "x-default", f"{BASE}index.html"),
        ]
    assert (site / SITEMAP).read_bytes().startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n')


def test_cookies_json_links_are_absolute(site: Path) -> None:
    data = json.loads((site / "cookies.json").read_text(encoding="utf-8"))
    assert data["policy"]["url"] == f"{BASE}en/index.html"
    assert {locale: entry["url"] for locale, entry in data["translations"].items()} == {
        "ar": f"{BASE}ar/index.html",
        "nl": f"{BASE}nl/index.html",
    }
    assert {tag: entry["url"] for tag, entry in data["declaration"].items()} == {
        "en": f"{BASE}en/index.html",
        "ar": f"{BASE}ar/index.html",
        "nl": f"{BASE}nl/index.html",
    }
    schema = json.loads((ROOT / "data" / "cookies.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    assert [error.message for error in validator.iter_errors(data)] == []
    data["policy"]["url"] = "../en/index.html"  # a relative link does not pass
    assert list(validator.iter_errors(data))


def test_without_a_base_url_links_stay_relative_and_there_is_no_sitemap(tmp_path: Path) -> None:
    result = build_site(project_for_policy(POLICY), load(POLICY), output=tmp_path / "site", locales=("nl",), jobs=2)
    assert result.committed
    site = tmp_path / "site"
    assert not (site / SITEMAP).exists()
    page = (site / "nl" / "index.html").read_text(encoding="utf-8")
    assert _links(page) == [
        ("alternate", "en", "../en/index.html"),
        ("alternate", "nl", "../nl/index.html"),
        ("alternate", "x-default", "../index.html"),
    ]
    assert _links((site / "index.html").read_text(encoding="utf-8")) == [
        ("alternate", "en", "en/index.html"),
        ("alternate", "nl", "nl/index.html"),
        ("alternate", "x-default", "index.html"),
    ]
    data = json.loads((site / "cookies.json").read_text(encoding="utf-8"))
    assert "url" not in data["policy"] and "url" not in data["translations"]["nl"]


@pytest.mark.pdf
def test_a_new_base_url_renders_the_pages_again_and_escapes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project = copy_project(tmp_path / "project")
    monkeypatch.chdir(project)
    assert main(["build", "-q", "--locale", "nl", "-j", "1"]) == 0
    odd = "https://example.com/a&b/it's/"
    assert main(["build", "-q", "--locale", "nl", "-j", "1", "--base-url", odd]) == 0
    err = capsys.readouterr().err
    # The web pages, the index, cookies.json and the new sitemap; not the PDF, Markdown or DOCX.
    assert re.search(r"^5 written, 8 unchanged", err, re.M), err
    page = (project / "site" / "nl" / "index.html").read_text(encoding="utf-8")
    assert '<link rel="canonical" href="https://example.com/a&amp;b/it&#39;s/nl/index.html">' in page
    tree = ElementTree.parse(project / "site" / SITEMAP)
    assert tree.getroot().findtext(f"{SITEMAP_NS}url/{SITEMAP_NS}loc") == f"{odd}index.html"
    assert "a&amp;b" in (project / "site" / SITEMAP).read_text(encoding="utf-8")
    # And back: the sitemap goes, the links are relative again.
    assert main(["build", "-q", "--locale", "nl", "-j", "1"]) == 0
    assert not (project / "site" / SITEMAP).exists()
    assert 'href="../nl/index.html"' in (project / "site" / "nl" / "index.html").read_text(encoding="utf-8")
