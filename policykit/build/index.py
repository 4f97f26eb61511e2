"""The site's index page: every language version and format, linked from one page.

In: the policy, the locales published, the files each locale has, and the site's base
URL (or None). Out: index.html, in English with each language's own name, its
alternates absolute with a base URL.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from markupsafe import escape

from policykit.build.plan import PAGES, hreflang

if TYPE_CHECKING:
    from policykit.model import Policy

__all__ = ["index_page"]

_FORMAT_NAMES = {"html": "Web page", "md": "Markdown", "pdf": "PDF", "docx": "Word (DOCX)"}
_INDEX_CSS = """body { font-family: system-ui, sans-serif; line-height: 1.5; margin: 0 auto; max-width: 40rem;
  padding: 1rem; color: #1a1a1a; background: #fff; }
a { color: #0645ad; }
li { margin: 0.5rem 0; }
"""


def index_page(
    policy: Policy, built: Sequence[str], pages: Sequence[tuple[str, str]] = PAGES, base_url: str | None = None
) -> str:
    """site/index.html: every language version and format (of `pages`, the files each
    locale has), in English with each language's own name. With `base_url`, its
    alternates and canonical link are absolute."""
    from babel import Locale

    source = str(policy.meta.language)
    items = []
    for locale in built:
        own = Locale.parse(locale)
        lang = hreflang(locale)
        direction = "rtl" if own.character_order == "right-to-left" else "ltr"
        english = own.get_display_name("en") or locale
        name = own.display_name or locale
        links = ", ".join(
            f'<a href="{lang}/{file}" hreflang="{lang}">{_FORMAT_NAMES[fmt]}'
            f'<span class="visually-hidden"> ({escape(english)})</span></a>'
            for file, fmt in pages
        )
        items.append(
            f'<li><span lang="{lang}" dir="{direction}">{escape(name)}</span>'
            + (f" ({escape(english)})" if english != name else "")
            + f": {links}</li>"
        )
    if base_url is None:
        heads = [*((hreflang(loc), f"{hreflang(loc)}/index.html") for loc in built), ("x-default", "index.html")]
        canonical = ""
    else:
        from policykit.build import urls

        heads = list(urls.alternates(base_url, [hreflang(loc) for loc in built]))
        canonical = f'<link rel="canonical" href="{escape(urls.page_url(base_url, "index.html"))}">\n'
    alternates = "".join(f'<link rel="alternate" hreflang="{escape(lang)}" href="{escape(href)}">\n'
                         for lang, href in heads)  # fmt: skip
    title = escape(policy.meta.title)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{hreflang(source)}" dir="ltr">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}: languages and formats</title>\n"
        '<meta name="generator" content="policykit">\n'
        f"{canonical}{alternates}"
        f"<style>\n{_INDEX_CSS}.visually-hidden {{ position: absolute; width: 1px; height: 1px; overflow: hidden;"
        " clip-path: inset(50%); white-space: nowrap; }\n</style>\n"
        "</head>\n<body>\n<main>\n"
        f"<h1>{title}</h1>\n<p>This policy is published in these languages and formats.</p>\n"
        '<p><a href="cookies.json" type="application/json">The cookie catalogue as JSON</a></p>\n'
        "<ul>\n" + "\n".join(items) + "\n</ul>\n</main>\n</body>\n</html>\n"
    )
