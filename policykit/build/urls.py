"""The built site's absolute addresses, from the project's `base_url`.

In: the address the site is published at (`base_url` in the project, or `build
--base-url`), and the locales a build publishes.
Out: the base URL checked and normalized (`check_base_url`), each page's absolute
address, the hreflang alternates of a page, and sitemap.xml with every language version
of every page as `xhtml:link` alternates (Google's format for localized versions:
https://developers.google.com/search/docs/specialty/international/localized-versions#sitemap).

Without a base URL the site keeps its relative links and has no sitemap: a sitemap
needs absolute URLs (https://www.sitemaps.org/protocol.html, "loc").

Every page's address ends in `index.html`, as the relative links always did, so that the
canonical link, the alternates and the sitemap name the same URL on any server (one
that maps `nl/` to `nl/index.html` or not).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

__all__ = ["SITEMAP", "BaseUrlError", "alternates", "check_base_url", "page_url", "sitemap_xml"]

SITEMAP = "sitemap.xml"
_EXAMPLE = "https://www.example.com/cookies/"
# What RFC 3986 allows in a URL, less "?" and "#" (a base has no query or fragment).
_URL_CHARACTERS = re.compile(r"[A-Za-z0-9\-._~:/\[\]@!$&'()*+,;=%]*\Z")
_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


class BaseUrlError(ValueError):
    """A base URL that cannot be used; the message says why, without the key's name."""


def check_base_url(value: object) -> str:
    """`value` as the base of every address: an absolute http or https URL with a host,
    no user name or password, no query and no fragment, its path ending in `/`
    (`https://example.com/cookies` is the folder `https://example.com/cookies/`).
    Raises BaseUrlError."""
    if not isinstance(value, str) or not value:
        raise BaseUrlError(f"expected an absolute http(s) URL such as {_EXAMPLE!r}")
    if "?" in value or "#" in value:
        raise BaseUrlError("a base URL has no query (?) or fragment (#)")
    if not _URL_CHARACTERS.match(value) or _PERCENT.search(value):
        raise BaseUrlError(
            "not a URL: spaces, quotes, <, > and characters outside ASCII must be percent-encoded "
            "(a host in its xn-- form)"
        )
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise BaseUrlError(f"expected an absolute http(s) URL such as {_EXAMPLE!r}")
    if "@" in parts.netloc:
        raise BaseUrlError("a published address holds no user name or password")
    try:
        parts.port  # noqa: B018 (raises ValueError for a port that is no number)
    except ValueError:
        raise BaseUrlError("the port is not a number from 0 to 65535") from None
    if not parts.hostname:
        raise BaseUrlError("the URL has no host")
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return f"{parts.scheme.lower()}://{parts.netloc}{path}"


def page_url(base: str, path: str) -> str:
    """The absolute address of `path` (relative to the site's root: `nl/index.html`)."""
    return base + path


def _page(hreflang: str) -> str:
    return f"{hreflang}/index.html"


def alternates(base: str, published: Sequence[str]) -> tuple[tuple[str, str], ...]:
    """(hreflang, absolute href) of every language version (`published`: hreflang codes)
    and of the language index as `x-default`."""
    return (*((lang, page_url(base, _page(lang))) for lang in published), ("x-default", page_url(base, "index.html")))


def _xml(text: str) -> str:
    """Text for XML content or a double-quoted attribute."""
    return escape(text, {'"': "&quot;"})


def sitemap_xml(base: str, published: Sequence[str]) -> str:
    """sitemap.xml: the language index and each language version, each `<url>` listing
    every version (itself included) and `x-default`, as Google asks."""
    links = "".join(
        f'<xhtml:link rel="alternate" hreflang="{_xml(lang)}" href="{_xml(href)}"/>\n'
        for lang, href in alternates(base, published)
    )
    urls = "".join(
        f"<url>\n<loc>{_xml(page_url(base, path))}</loc>\n{links}</url>\n"
        for path in ("index.html", *(_page(lang) for lang in published))
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
        f"{urls}</urlset>\n"
    )
