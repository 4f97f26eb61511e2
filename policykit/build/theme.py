"""The built site's theme: the project's header, footer, logo, stylesheet, CSS custom
properties, extra <head> content and templates on every locale's web page.

In: the project's Theme (policykit.site_settings) and the policy (for the logo's default
text and link). Out: the markup each web page gets (head, header, footer), the files
copied into the site's theme/ folder, and a hash of the templates folder (part of every
output's build key, as a template changes the PDF too).

- The header, footer and head files are the site's own markup, put in as they are
  written (inside `<header class="pk-site-header">` and `<footer class="pk-site-footer">`,
  so that each is a landmark): no text of the policy or of a catalogue goes into them.
  What policykit writes around them from the configuration (the logo's text and link,
  file names, CSS custom properties) is escaped, or refused when it cannot be
  (policykit.site_settings).
- With any part of a theme, a small stylesheet lays the header and footer out
  (wrapping, never wider than the page) and makes the page's colours custom properties:
  --pk-text, --pk-background, --pk-link, --pk-accent, --pk-accent-text, --pk-border,
  --pk-font. The project's stylesheet comes after it, so it wins.
- Without a theme nothing changes: the page is policykit's own, byte for byte.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit

from markupsafe import escape

from policykit.errors import ProjectError
from policykit.site_settings import THEME, Theme

if TYPE_CHECKING:
    from policykit.model import Policy

__all__ = ["THEME_CSS", "folder_digest", "theme_files", "theme_parts"]

THEME_CSS = """.pk-site-header, .pk-site-footer {
  box-sizing: border-box; max-width: 48rem; margin: 0 auto; padding: 1rem;
  display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem 1rem; overflow-wrap: anywhere;
  color: var(--pk-text, #1a1a1a); font-family: var(--pk-font, "Noto Sans", "Noto Naskh Arabic", "DejaVu Sans",
    system-ui, sans-serif);
}
.pk-site-header { border-bottom: 1px solid var(--pk-border, #c4c4c4); }
.pk-site-footer { border-top: 1px solid var(--pk-border, #c4c4c4); font-size: 0.9rem; }
.pk-site-header > *, .pk-site-footer > * { max-width: 100%; min-width: 0; }
.pk-site-header img, .pk-site-footer img { max-width: 100%; height: auto; }
.pk-site-header .pk-logo img { display: block; max-height: 3rem; width: auto; }
body { background: var(--pk-background, #fff); }
.policykit { color: var(--pk-text, #1a1a1a); background: var(--pk-background, #fff);
  font-family: var(--pk-font, "Noto Sans", "Noto Naskh Arabic", "DejaVu Sans", system-ui, sans-serif); }
.policykit a, .pk-site-header a, .pk-site-footer a { color: var(--pk-link, #0b57d0); }
.policykit .pk-settings button { background: var(--pk-accent, #0b57d0); color: var(--pk-accent-text, #fff); }
.policykit th, .policykit td { border-color: var(--pk-border, #c4c4c4); }
"""


def _markup(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip("\n")
    except (OSError, UnicodeDecodeError) as error:
        raise ProjectError(path, f"cannot be read as UTF-8: {getattr(error, 'strerror', None) or error}") from None


def _bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise ProjectError(path, f"cannot be read: {error.strerror or error}") from None


def _href(path: Path) -> str:
    return f"../{THEME}/{quote(path.name)}"


def theme_parts(theme: Theme, policy: Policy) -> tuple[str, str, str]:
    """(head, header, footer): the markup every locale's web page gets of the theme."""
    properties = "".join(f"  {name}: {value};\n" for name, value in theme.properties)
    shown = any((theme.header, theme.footer, theme.logo, theme.head, theme.stylesheet, properties))
    head = []
    if shown:
        root = f":root {{\n{properties}}}\n" if properties else ""
        head.append(f'<style id="pk-site-theme">\n{root}{THEME_CSS}</style>')
    if theme.stylesheet is not None:
        head.append(f'<link rel="stylesheet" href="{escape(_href(theme.stylesheet))}">')
    if theme.head is not None:
        head.append(_markup(theme.head))
    header = []
    if theme.logo is not None:
        alt = theme.logo_alt or policy.meta.controller.organisation or policy.meta.title
        image = f'<img src="{escape(_href(theme.logo))}" alt="{escape(alt)}">'
        href = theme.logo_href or (str(policy.meta.website) if policy.meta.website else None)
        if href is not None and urlsplit(href).scheme.lower() in ("", "http", "https"):
            image = f'<a class="pk-logo" href="{escape(href)}">{image}</a>'
        header.append(image)
    if theme.header is not None:
        header.append(_markup(theme.header))
    header_html = '<header class="pk-site-header">\n' + "\n".join(header) + "\n</header>" if header else ""
    footer_html = f'<footer class="pk-site-footer">\n{_markup(theme.footer)}\n</footer>' if theme.footer else ""
    return "\n".join(head), header_html, footer_html


def theme_files(theme: Theme) -> dict[str, bytes]:
    """File name (relative to the site) -> bytes: the assets folder's files, then the
    logo and the stylesheet, in theme/."""
    files: dict[str, bytes] = {}
    if theme.assets is not None:
        root = theme.assets.resolve()
        for path in sorted(theme.assets.rglob("*")):
            # A link that leads outside the assets folder is not followed into the site.
            if path.is_file() and path.resolve().is_relative_to(root):
                files[f"{THEME}/{path.relative_to(theme.assets).as_posix()}"] = _bytes(path)
    for named in (theme.logo, theme.stylesheet):
        if named is not None:
            files[f"{THEME}/{named.name}"] = _bytes(named)
    return files


def folder_digest(folder: Path) -> str:
    """A hash of every file in `folder` (a templates folder): names and bytes."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + _bytes(path) + b"\0")
    return digest.hexdigest()
