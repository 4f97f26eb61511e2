"""Time rendering a policy of the 2,264 Open Cookie Database cookies.

Side by side, in the same run:
- HTML: policykit.render(policy, "html") (localize + templates), against plain Jinja2
  rendering the same rows, prepared in advance, in one autoescaped template;
- PDF: policykit's PDF step, against plain WeasyPrint on the very HTML policykit hands it;
- layout: plain WeasyPrint on a naive auto-layout table of the same rows, against the
  same rows with policykit's fixed table layout.

Run: python bench/bench_render.py [--repeat N] [--pdf-repeat N]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import jinja2
from common import PLAIN_TEMPLATE, best_and_median, ocd_policy_file, report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--pdf-repeat", type=int, default=2)
    args = parser.parse_args()

    import weasyprint

    import policykit
    from policykit.document import localize
    from policykit.render import render
    from policykit.render.html import render_html
    from policykit.render.pdf import render_pdf
    from policykit.syntax import format_lifetime

    with tempfile.TemporaryDirectory() as temp:
        policy = policykit.load(ocd_policy_file(Path(temp)))
    print(f"{len(policy.cookies):,} cookies, {len(policy.parties)} parties")

    parties = {party.id: party.name or "" for party in policy.parties}
    rows = [
        {
            "name": cookie.name,
            "provider": parties[cookie.party],
            "category": cookie.category,
            "purpose": cookie.purpose,
            "lifetime": format_lifetime(cookie.lifetime),
        }
        for cookie in policy.cookies
    ]
    plain = jinja2.Environment(autoescape=True).from_string(PLAIN_TEMPLATE)

    html_rows = [
        ("policykit render html", *best_and_median(lambda: render(policy, "html"), args.repeat)),
        ("plain Jinja2, same rows", *best_and_median(lambda: plain.render(title="Cookies", rows=rows), args.repeat)),
    ]
    report(f"HTML, {args.repeat} runs each:", html_rows)
    print(f"policykit / plain Jinja2 (median): {html_rows[0][2] / html_rows[1][2]:.2f}")

    document = localize(policy)
    page = render_html(document, print_css=True)
    pdf_rows = [
        ("policykit PDF step", *best_and_median(lambda: render_pdf(document, html=page), args.pdf_repeat)),
        (
            "plain WeasyPrint, same HTML",
            *best_and_median(lambda: weasyprint.HTML(string=page).write_pdf(), args.pdf_repeat),
        ),
    ]
    report(f"PDF, {args.pdf_repeat} runs each:", pdf_rows)
    print(f"policykit / plain WeasyPrint (median): {pdf_rows[0][2] / pdf_rows[1][2]:.2f}")

    naive = plain.render(title="Cookies", rows=rows)
    fixed = naive.replace(
        "</head>",
        "<style>table { table-layout: fixed; width: 100%; font-size: 8.5pt; }"
        " th:nth-child(1) { width: 23% } th:nth-child(2) { width: 15% } th:nth-child(3) { width: 13% }"
        " th:nth-child(5) { width: 14% } th, td { overflow-wrap: anywhere; }</style></head>",
    )
    naive = naive.replace("</head>", "<style>table { font-size: 8.5pt; }</style></head>")
    layout_rows = [
        (
            "WeasyPrint, auto layout",
            *best_and_median(lambda: weasyprint.HTML(string=naive).write_pdf(), args.pdf_repeat),
        ),
        (
            "WeasyPrint, fixed layout",
            *best_and_median(lambda: weasyprint.HTML(string=fixed).write_pdf(), args.pdf_repeat),
        ),
    ]
    report("Table layout, same rows:", layout_rows)
    saved = 1 - layout_rows[1][2] / layout_rows[0][2]
    print(f"fixed / auto (median): {layout_rows[1][2] / layout_rows[0][2]:.2f} ({saved:.0%} faster)")


if __name__ == "__main__":
    main()
