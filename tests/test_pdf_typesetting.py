"""The PDF a lawyer prints: cookie names whole and monospaced, columns sized to what they
hold, no table row alone on a page, every link's address printed, one numbering style,
and dates that mean what they say. Checked on the bundled policy and on a shop of 100
WooCommerce-style cookies, with pdftotext, WeasyPrint's own layout and pypdf."""

from __future__ import annotations

import io
import re
from collections import defaultdict
from pathlib import Path

import pytest
import weasyprint
from pypdf import PdfReader
from tools import pdftotext

import policykit
from conftest import POLICY
from policykit.document import DocTable, Document, localize
from policykit.inline import Link, walk
from policykit.render.html import link_address, render_html
from policykit.render.pdf import ASSETS, AssetFetcher, render_pdf

pytestmark = pytest.mark.pdf  # the pdf extra: left out without it (conftest.py)

# The names a WooCommerce shop sets (WooCommerce's and WordPress's cookie documentation),
# and numbered variants up to a hundred cookies, of every length a column must hold.
_SHOP_NAMES = [
    "woocommerce_cart_hash",
    "woocommerce_items_in_cart",
    "wp_woocommerce_session_*",
    "woocommerce_recently_viewed",
    "store_notice*",
    "sbjs_migrations",
    "sbjs_current_add",
    "sbjs_first_add",
    "sbjs_current",
    "sbjs_first",
    "sbjs_udata",
    "sbjs_session",
    "wordpress_logged_in_*",
    "wordpress_sec_*",
    "wp-settings-*",
    "wp-settings-time-*",
    "tk_ai",
    "tk_qs",
]


def _shop_policy() -> str:
    text = POLICY.read_text(encoding="utf-8")
    names = _SHOP_NAMES + [f"wc_shop_feature_{n:02d}" for n in range(100 - len(_SHOP_NAMES))]
    purposes = [
        "Remembers what is in your basket.",
        "Tells the shop which page brought you here, so that we can see which of our campaigns work and how "
        "visitors find the shop, without telling us who you are.",
        "Keeps your choice of currency and language while you browse the shop and check out.",
    ]
    entries = "".join(
        f"  - name: {name}\n    party: operator\n    category: functional\n"
        f"    purpose: {purposes[index % 3]}\n    lifetime: {index % 7 + 1} days\n"
        for index, name in enumerate(names)
    )
    return text.replace("cookies:\n", "cookies:\n" + entries, 1)


@pytest.fixture(scope="module", params=["bundled", "shop"])
def printed(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Document, str, bytes]:
    if request.param == "bundled":
        policy = policykit.load(POLICY)
    else:
        path = tmp_path_factory.mktemp("shop") / "policy.yaml"
        path.write_text(_shop_policy(), encoding="utf-8")
        policy = policykit.load(path)
    document = localize(policy)
    page = render_html(document, print_css=True)
    return document, page, render_pdf(document, html=page)


def _names(document: Document) -> list[str]:
    names: list[str] = []
    for article in document.articles:
        for block in [*article.blocks, *(b for s in article.sections for b in s.blocks)]:
            if isinstance(block, DocTable):
                names.extend(" ".join(policykit.inline.plain_text(row[0]).split()) for row in block.rows)
    return names


def test_every_cookie_name_is_whole_on_one_line(printed: tuple[Document, str, bytes]) -> None:
    document, _, pdf = printed
    lines = {line.strip() for line in pdftotext(pdf).splitlines()}
    names = _names(document)
    assert names
    assert [name for name in names if name not in lines] == []


def test_names_are_monospaced_and_break_only_after_punctuation(printed: tuple[Document, str, bytes]) -> None:
    _, page, pdf = printed
    fonts = {str(font["/BaseFont"]) for p in PdfReader(io.BytesIO(pdf)).pages for font in _fonts(p)}
    assert any(font.endswith("+policykit-Mono") for font in fonts), fonts
    # A break opportunity after _ - . * only: never between two letters.
    for cell in re.findall(r'<th scope="row">(.*?)</th>', page):
        assert not re.search(r"[^_.*-]<wbr>|<wbr>[\W_]", cell), cell
    assert "wp_<wbr>woocommerce_<wbr>session_*" in page or "woocommerce" not in page


def _fonts(page: object) -> list[dict[str, object]]:
    resources = page["/Resources"]  # type: ignore[index]
    return [font.get_object() for font in resources.get("/Font", {}).values()]


def test_the_purpose_is_wide_and_the_lifetime_narrow(printed: tuple[Document, str, bytes]) -> None:
    _, page, _ = printed
    for columns in re.findall(r"<colgroup>(.*?)</colgroup>", page):
        widths = [float(w) for w in re.findall(r'width: ([\d.]+)%"', columns)]
        assert abs(sum(widths) - 100) < 0.1
        purpose, lifetime = widths[3], widths[4]  # name, provider, category, purpose, lifetime
        # The name column is as wide as the longest name needs (a name stays whole), and
        # the purpose takes the most of what is left.
        assert purpose == max(widths[1:]) and lifetime < purpose


def test_no_table_row_is_alone_on_a_page(printed: tuple[Document, str, bytes]) -> None:
    _, page, _ = printed
    rendered = weasyprint.HTML(string=page, base_url=ASSETS.as_uri() + "/", url_fetcher=AssetFetcher()).render()
    rows: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))  # table -> page -> body rows
    sizes: dict[int, int] = {}
    for number, layout in enumerate(rendered.pages):
        for box in layout._page_box.descendants():
            element = getattr(box, "element", None)
            if type(box).__name__ != "TableRowGroupBox" or element is None or element.tag != "tbody":
                continue
            table = id(element)  # the same element in each page's fragment of the table
            rows[table][number] += sum(type(child).__name__ == "TableRowBox" for child in box.children)
            sizes[table] = len(element)
    assert rows
    split = 0
    for table, pages in rows.items():
        if len(pages) > 1:
            split += 1
            assert min(pages.values()) >= 2, (sizes[table], dict(pages))
    assert split or len(rendered.pages) < 4  # the shop's long table does cross pages


def test_every_link_address_is_printed(printed: tuple[Document, str, bytes]) -> None:
    document, _, pdf = printed
    flat = re.sub(r"\s+", "", pdftotext(pdf))
    links = [
        node
        for article in document.articles
        for block in [*article.blocks, *(b for s in article.sections for b in s.blocks)]
        if not isinstance(block, DocTable)
        for nodes in (block.items if hasattr(block, "items") else (block.nodes,))
        for node in walk(nodes)
        if isinstance(node, Link)
    ]
    assert links
    for link in links:
        assert re.sub(r"\s+", "", link_address(link.href)) in flat, link.href


def test_one_numbering_style_and_honest_dates(printed: tuple[Document, str, bytes]) -> None:
    document, page, pdf = printed
    text = pdftotext(pdf)
    # One style: "2.1." before a paragraph as in the heading "3.2. Analytics".
    assert not re.search(r"^\d+\.\d+ ", text, re.M)
    assert re.search(r"^2\.1\. ", text, re.M) and re.search(r"^3\.2\. Analytics", text, re.M)
    info = PdfReader(io.BytesIO(pdf)).metadata
    assert info is not None
    # The text came to be when it was last modified; the effective date is when it applies.
    assert str(info["/CreationDate"])[:16] == str(info["/ModDate"])[:16]
    assert '<meta name="dcterms.created" content="2026-10-01T10:00:00+02:00">' in page
    assert f'<meta name="dcterms.valid" content="{document.effective_iso}">' in page


def test_the_print_columns_are_only_on_paper() -> None:
    page = render_html(localize(policykit.load(POLICY)))
    assert "<colgroup>" not in page and "pk-address" not in page


def test_a_shop_policy_is_a_valid_policy(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text(_shop_policy(), encoding="utf-8")
    assert len(policykit.load(path).cookies) >= 100
