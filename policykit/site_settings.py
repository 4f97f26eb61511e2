"""The settings of the built site in a project's configuration: its consent tool.

In: the value of a key of policykit.toml (or [tool.policykit]), the project folder, the
configuration file and its text (to place a message at its key).
Out: a ConsentTool (for policykit.build_consent), or ProjectError at the key's
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

__all__ = ["TOOL_NAMES", "Asset", "ConsentTool", "close_match", "consent_setting", "key_position"]

# The consent tools `build` configures (policykit.build_consent.TOOL_NAMES says how).
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
    checked by the build (policykit.build_consent), against Google's table and the policy."""
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
