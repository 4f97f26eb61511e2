"""The settings of the built site in a project's configuration: its consent tool, its theme.

In: the value of a key of policykit.toml (or [tool.policykit]), the project folder, the
configuration file and its text (to place a message at its key).
Out: a ConsentTool (for policykit.build.consent) or a Theme (policykit.build.theme), or
ProjectError at the key's
`file:line:col`. Files the settings name must be inside the project folder. Imports
nothing of the build, so that policykit.project can read it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from urllib.parse import quote, urlsplit

from attrs import frozen

from policykit.errors import ProjectError
from policykit.findings import excerpt

__all__ = [
    "THEME",
    "TOOL_NAMES",
    "Asset",
    "ConsentTool",
    "Theme",
    "close_match",
    "consent_setting",
    "key_position",
    "theme_setting",
]

# The consent tools `build` configures (policykit.build.consent.TOOL_NAMES says how).
TOOL_NAMES = ("cookieconsent", "klaro")
ASSETS = "consent"  # the site's folder for the files of the project's consent tool
_KEYS: Mapping[str, str] = {
    "tool": "the consent tool: 'cookieconsent' (v3) or 'klaro'",
    "library": "the tool's script: a file in the project (copied into the site) or an http(s) URL",
    "stylesheet": "the tool's stylesheet, the same way (cookieconsent needs its cookieconsent.css)",
    "consent_mode": "Google consent mode v2: true (default), false, or a table of category id -> consent types",
}
_URL = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*\Z")


@frozen
class Asset:
    """A file the page loads: a file of the project (copied into the site) or a URL."""

    file: Path | None = None  # absolute, inside the project
    url: str | None = None
    folder: str = ASSETS  # the site's folder it is copied into

    def href(self, up: str = "../") -> str:
        """Its address from a locale's page (`up` leads to the site's root)."""
        if self.url is not None:
            return self.url
        assert self.file is not None
        return f"{up}{self.folder}/{quote(self.file.name)}"


@frozen
class ConsentTool:
    """The project's consent tool: which one, its library, its stylesheet, Google
    consent mode (True, False, or category id -> consent types)."""

    tool: str
    library: Asset
    stylesheet: Asset | None = None
    consent_mode: bool | tuple[tuple[str, tuple[str, ...]], ...] = True
    where: tuple[str, int, int] = ("", 0, 0)  # the configuration and the place of consent_mode


# --- the consent tool ------------------------------------------------------------------


def key_position(text: str, key: str, table: str = "consent") -> tuple[int, int]:
    """Where `key` of the `table` table is written: under [table] or
    [tool.policykit.table], as `table.key = ...`, or inside `table = {...}`; else where
    the table is, else (0, 0)."""
    name = re.escape(table)
    section = ""
    for number, line in enumerate(text.splitlines(), start=1):
        header = re.match(r"\s*\[\s*([^\]]*?)\s*\]\s*(#.*)?$", line)
        if header:
            section = re.sub(r"[\s\"']", "", header.group(1))
            continue
        if section in (table, f"tool.policykit.{table}"):
            found = re.match(rf"\s*(\"?{re.escape(key)}\"?)\s*=", line)
            if found:
                return number, found.start(1) + 1
        found = re.match(rf"\s*({name}\s*\.\s*\"?{re.escape(key)}\"?)\s*=", line)
        if found:
            return number, found.start(1) + 1
        inline = re.match(rf"\s*{name}\s*=\s*\{{", line)
        if inline:
            within = re.search(rf"[{{,]\s*(\"?{re.escape(key)}\"?)\s*=", line)
            return number, (within.start(1) + 1) if within else inline.start() + 1
    for number, line in enumerate(text.splitlines(), start=1):
        found = re.match(rf"\s*(\[[^\]]*{name}\s*\]|{name}\b)", line)
        if found:
            return number, found.start(1) + 1
    return 0, 0


def _asset(value: object, key: str, root: Path, config: Path, text: str) -> Asset:
    where = key_position(text, key)
    if not isinstance(value, str) or not value:
        raise ProjectError(config, f"consent.{key}: expected a file in the project, such as 'vendor/klaro.js', or an "
                           "http(s) URL", *where)  # fmt: skip
    if value.lower().startswith(("http://", "https://")):
        parts = urlsplit(value)
        if not _URL.match(value) or not parts.hostname or "@" in parts.netloc:
            raise ProjectError(config, f"consent.{key}: {excerpt(value)} is not an http(s) URL with a host (spaces, "
                               "quotes, <, > and characters outside ASCII percent-encoded)", *where)  # fmt: skip
        return Asset(url=value)
    if "://" in value or value.startswith("//"):
        raise ProjectError(config, f"consent.{key}: {excerpt(value)}: only http(s) URLs and files in the project "
                           "are loaded", *where)  # fmt: skip
    path = root / value
    if not path.resolve().is_relative_to(root.resolve()):
        raise ProjectError(config, f"consent.{key}: {excerpt(value)} leads outside the project folder {root}; a "
                           "configuration may only name paths inside its project", *where)  # fmt: skip
    if not path.is_file():
        raise ProjectError(config, f"consent.{key}: {excerpt(value)} does not exist in the project (a file to copy "
                           "into the site, or an http(s) URL)", *where)  # fmt: skip
    return Asset(file=path.resolve())


def _consent_mode(value: object, config: Path, text: str) -> bool | tuple[tuple[str, tuple[str, ...]], ...]:
    """True, False, or (category id, consent types) rows; the types and the categories are
    checked by the build (policykit.build.consent), against Google's table and the policy."""
    where = key_position(text, "consent_mode")
    if isinstance(value, bool):
        return value
    if not isinstance(value, dict):
        raise ProjectError(config, "consent.consent_mode: expected true, false or a table such as "
                           '{analytics = ["analytics_storage"]}', *where)  # fmt: skip
    rows = []
    for category, chosen in value.items():
        if not isinstance(chosen, list) or not all(isinstance(item, str) for item in chosen):
            raise ProjectError(config, f"consent.consent_mode: {excerpt(category)}: expected a list of consent types",
                               *where)  # fmt: skip
        rows.append((category, tuple(chosen)))
    return tuple(rows)


def close_match(value: str, known: Sequence[str]) -> str:
    """ "; did you mean 'x'?" for the known value closest to `value`, else the known values."""
    import difflib

    found = difflib.get_close_matches(value, known, n=1)
    return f"; did you mean {excerpt(found[0])}?" if found else f" ({', '.join(known)})"


def consent_setting(value: object, root: Path, config: Path, text: str) -> ConsentTool:
    """The `consent` table of a project's configuration (`config`, whose `text` places
    the messages), its files confined to `root`. Raises ProjectError at the key's place."""
    if not isinstance(value, dict):
        raise ProjectError(config, 'consent: expected a table such as {tool = "klaro", library = "vendor/klaro.js"}',
                           *key_position(text, "tool"))  # fmt: skip
    for key in value:
        if key not in _KEYS:
            raise ProjectError(config, f"consent: unknown key {excerpt(key)}{close_match(key, list(_KEYS))}",
                               *key_position(text, key))  # fmt: skip
    tool = value.get("tool")
    if not isinstance(tool, str) or tool not in TOOL_NAMES:
        hint = close_match(tool, list(TOOL_NAMES)) if isinstance(tool, str) else f" ({', '.join(TOOL_NAMES)})"
        shown = f" {excerpt(tool)} is not a consent tool policykit configures" if tool is not None else " required"
        raise ProjectError(config, f"consent.tool:{shown}{hint}", *key_position(text, "tool"))
    if "library" not in value:
        raise ProjectError(config, f"consent.library: required: {_KEYS['library']} (policykit loads nothing from a "
                           "CDN of its own)", *key_position(text, "tool"))  # fmt: skip
    library = _asset(value["library"], "library", root, config, text)
    stylesheet = _asset(value["stylesheet"], "stylesheet", root, config, text) if "stylesheet" in value else None
    mode = _consent_mode(value.get("consent_mode", True), config, text)
    return ConsentTool(tool, library, stylesheet, mode, (str(config), *key_position(text, "consent_mode")))


# --- the theme ---------------------------------------------------------------------------

_THEME_KEYS: Mapping[str, str] = {
    "templates": "a folder of templates that override policykit's (page.html.j2, fragment.html.j2), as render's",
    "header": "an HTML file, put in a <header> before the policy on every page",
    "footer": "an HTML file, put in a <footer> after the policy on every page",
    "head": "an HTML file, put at the end of every page's <head>",
    "logo": "an image file, copied into the site and shown at the start of the header",
    "logo_alt": "the logo's text for those who cannot see it (default: the controller's organisation)",
    "logo_href": "where the logo links to (default: the policy's website)",
    "stylesheet": "a CSS file, copied into the site and linked after policykit's stylesheet",
    "properties": 'CSS custom properties, such as {"--pk-link" = "#0645ad"}',
    "assets": "a folder whose files are copied into the site's theme/ folder (images the header or CSS use)",
}
THEME = "theme"  # the site's folder for the theme's files
_PROPERTY = re.compile(r"--[A-Za-z0-9_-]{1,60}\Z")
# A property's value: no character that could end the declaration, the rule or the style
# element, nor open a comment; quotes in pairs.
_VALUE = re.compile(r"[^<>{};\\\x00-\x1f\x7f]{1,200}\Z")
_HREF = re.compile(r"(https?://[^\s\"'<>]+|/[^/\s\"'<>][^\s\"'<>]*|/)\Z", re.IGNORECASE)


@frozen
class Theme:
    """The built site's theme: files of the project (absolute paths inside it) and values."""

    templates: Path | None = None
    header: Path | None = None
    footer: Path | None = None
    head: Path | None = None
    logo: Path | None = None
    logo_alt: str | None = None
    logo_href: str | None = None
    stylesheet: Path | None = None
    properties: tuple[tuple[str, str], ...] = ()
    assets: Path | None = None


def _theme_path(value: object, key: str, root: Path, config: Path, text: str, folder: bool = False) -> Path:
    where = key_position(text, key, "theme")
    kind = "folder" if folder else "file"
    if not isinstance(value, str) or not value:
        raise ProjectError(config, f"theme.{key}: expected a {kind} in the project", *where)
    path = root / value
    if not path.resolve().is_relative_to(root.resolve()):
        raise ProjectError(config, f"theme.{key}: {excerpt(value)} leads outside the project folder {root}; a "
                           "configuration may only name paths inside its project", *where)  # fmt: skip
    if not (path.is_dir() if folder else path.is_file()):
        raise ProjectError(config, f"theme.{key}: {excerpt(value)}: no such {kind} in the project", *where)
    return path.resolve()


def _text(value: object, key: str, config: Path, text: str) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > 500:
        raise ProjectError(config, f"theme.{key}: expected a text of 1 to 500 characters",
                           *key_position(text, key, "theme"))  # fmt: skip
    return value


def _properties(value: object, config: Path, text: str) -> tuple[tuple[str, str], ...]:
    where = key_position(text, "properties", "theme")
    if not isinstance(value, dict):
        raise ProjectError(config, 'theme.properties: expected a table such as {"--pk-link" = "#0645ad"}', *where)
    rows = []
    for name, item in value.items():
        if not _PROPERTY.match(name):
            raise ProjectError(config, f"theme.properties: {excerpt(name)} is not a CSS custom property name "
                               "(--, then letters, digits, - and _)", *where)  # fmt: skip
        if (not isinstance(item, str) or not _VALUE.match(item) or "/*" in item or "*/" in item
                or item.count('"') % 2 or item.count("'") % 2):  # fmt: skip
            raise ProjectError(config, f"theme.properties: {name}: {excerpt(item)} is not a value policykit writes "
                               "into CSS (no <, >, {, }, ;, backslash, comment or unpaired quote)", *where)  # fmt: skip
        rows.append((name, item))
    return tuple(rows)


def theme_setting(value: object, root: Path, config: Path, text: str) -> Theme:
    """The `theme` table of a project's configuration, its files confined to `root`.
    Raises ProjectError at the key's place."""
    if not isinstance(value, dict):
        raise ProjectError(config, 'theme: expected a table such as {header = "theme/header.html"}',
                           *key_position(text, "header", "theme"))  # fmt: skip
    for key in value:
        if key not in _THEME_KEYS:
            raise ProjectError(config, f"theme: unknown key {excerpt(key)}{close_match(key, list(_THEME_KEYS))}",
                               *key_position(text, key, "theme"))  # fmt: skip
    named = ("header", "footer", "head", "logo", "stylesheet")
    files = {key: _theme_path(value[key], key, root, config, text) for key in named if key in value}
    folders = {key: _theme_path(value[key], key, root, config, text, folder=True)
               for key in ("templates", "assets") if key in value}  # fmt: skip
    href = value.get("logo_href")
    if href is not None and (not isinstance(href, str) or not _HREF.match(href)):
        raise ProjectError(config, f"theme.logo_href: {excerpt(href)}: expected an http(s) URL or a path on the site "
                           "starting with /", *key_position(text, "logo_href", "theme"))  # fmt: skip
    alt = _text(value["logo_alt"], "logo_alt", config, text) if "logo_alt" in value else None
    return Theme(
        **files,
        **folders,
        logo_alt=alt,
        logo_href=href,
        properties=_properties(value.get("properties", {}), config, text),
    )
