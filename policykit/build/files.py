"""The files `policykit build` writes beside the pages, for putting the policy into a site.

In: the site's base URL (or None) and the language tags the build publishes.
Out: file name (relative to the site) -> bytes:

    policykit-fragment.css     the fragment's stylesheet, scoped to its .policykit root:
                               the one `render --fragment --css` puts inline
    policykit-declaration.js   the embeddable cookie declaration (no dependency): fills
                               <div data-policykit-declaration lang="nl"> from cookies.json
    sitemap.xml                every page with its language versions (only with a base URL)

Each is the same bytes for the same inputs: the CSS and the script are the package's own
files, the sitemap is drawn from the base URL and the locales.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources

__all__ = ["DECLARATION_JS", "FRAGMENT_CSS", "declaration_script", "site_files"]

FRAGMENT_CSS = "policykit-fragment.css"
DECLARATION_JS = "policykit-declaration.js"


def declaration_script() -> str:
    """The declaration script's text (policykit/render/js/policykit-declaration.js)."""
    return (resources.files("policykit.render") / "js" / DECLARATION_JS).read_text(encoding="utf-8")


def site_files(base_url: str | None, published: Sequence[str]) -> dict[str, bytes]:
    """The files beside the pages; `published` are the language tags of the site's pages."""
    from policykit.build.urls import SITEMAP, sitemap_xml
    from policykit.render.html import stylesheet

    files = {
        FRAGMENT_CSS: stylesheet("policy.css").encode("utf-8"),
        DECLARATION_JS: declaration_script().encode("utf-8"),
    }
    if base_url is not None:
        files[SITEMAP] = sitemap_xml(base_url, published).encode("utf-8")
    return files
