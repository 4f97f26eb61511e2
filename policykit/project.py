"""A policykit project: the folder a user works in, found the way ruff and pytest find theirs.

In: a folder to start from (the current one by default), or a policy file.
Out: a Project: the policy file, the locales folder, the output folder, the locales to
build and the check settings, each resolved to an absolute path; or ProjectError with
`file:line:col` for a configuration that cannot be used.

A folder is a project when it has, in this order of precedence:
1. a `policykit.toml` (keys at the top level, or under [tool.policykit]);
2. a `pyproject.toml` with a [tool.policykit] table;
3. a `data/policy.yaml` or a `policy.yaml` (a project with every setting at its default;
   a folder named data/ is never a project root by its policy.yaml alone).
Commands look in the current folder, then in each folder above it.

The bundled example inside the installed package is a project too, but a read-only one:
`Project.writable` is False, and commands that write translations refuse it.
"""

from __future__ import annotations

import difflib
import fnmatch
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from attrs import frozen

from policykit.errors import ProjectError
from policykit.findings import excerpt

if TYPE_CHECKING:
    from policykit.site_settings import ConsentTool, Theme

__all__ = [
    "CONFIG_FILE",
    "CONFIG_KEYS",
    "Project",
    "bundled_project",
    "find_project",
    "project_for_policy",
]

CONFIG_FILE = "policykit.toml"
# key -> what it holds; the text is what `policykit init` and the README document.
CONFIG_KEYS = {
    "policy": "the policy file (default: data/policy.yaml, else policy.yaml)",
    "locales": "the folder of gettext catalogues (default: locales)",
    "output": "the folder `policykit build` writes into (default: site)",
    "languages": "the locales to build (default: every catalogue found)",
    "base_url": "the address `policykit build`'s site is published at, such as 'https://www.example.com/cookies/': "
    "absolute hreflang, canonical and cookies.json links, and a sitemap.xml (default: none, relative links)",
    "consent": "the consent tool `policykit build` puts in the site: a table such as "
    '{tool = "cookieconsent", library = "vendor/cookieconsent.umd.js", stylesheet = "vendor/cookieconsent.css"} '
    "(tool: cookieconsent or klaro; library and stylesheet: files in the project, copied into the site, or "
    "http(s) URLs; consent_mode: true, false or category id -> consent types) (default: none)",
    "theme": "the built site's look: a table of templates (a folder, as render --templates), header, footer and "
    "head (HTML files), logo (an image, with logo_alt and logo_href), stylesheet (a CSS file), properties (CSS "
    "custom properties) and assets (a folder copied into the site) (default: policykit's own page)",
    "profile": "the check profiles, such as 'gdpr' or ['gdpr', 'uk'] (default: the policy's own, else gdpr)",
    "select": "rule codes or prefixes to run (default: all)",
    "ignore": "rule codes or prefixes to skip",
    "per-file-ignores": "rule codes or prefixes to skip per file pattern, as ruff does: "
    '{"legacy/*.yaml" = ["PK3"]} (patterns relative to the project folder; one without a / matches the file name)',
}
_POLICY_CANDIDATES = ("data/policy.yaml", "policy.yaml")


@frozen
class Project:
    """Where a project's files are, and its settings. Paths are absolute."""

    root: Path
    policy: Path
    locales: Path
    output: Path
    config: Path | None = None  # the file the settings came from, if any
    languages: tuple[str, ...] | None = None  # None: every catalogue found
    profile: tuple[str, ...] | None = None
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    writable: bool = True  # False for the bundled example inside the package
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (pattern, codes), in the file's order
    base_url: str | None = None  # the site's address, ending in / (policykit.build.urls.check_base_url)
    consent: ConsentTool | None = None  # the consent tool of the built site (policykit.site_settings)
    theme: Theme | None = None  # the built site's templates, header, footer, logo, CSS (policykit.site_settings)

    def ignored_for(self, policy: Path) -> tuple[str, ...]:
        """The codes per-file-ignores skip for `policy`: every pattern that matches its path
        relative to the root (or, for a pattern without a /, its name)."""
        if not self.per_file_ignores:
            return ()
        try:
            relative = policy.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            relative = policy.as_posix()
        codes: list[str] = []
        for pattern, ignored in self.per_file_ignores:
            subject = relative if "/" in pattern else policy.name
            if fnmatch.fnmatchcase(subject, pattern.removeprefix("./")):
                codes += ignored
        return tuple(codes)


def _read_toml(path: Path) -> tuple[dict[str, Any], str]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ProjectError(path, f"cannot be read: {getattr(error, 'strerror', None) or error}") from None
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as error:
        # tomllib says "... (at line 3, column 7)"; keep the words, move the place to the front.
        found = re.search(r"\(at line (\d+), column (\d+)\)", str(error))
        message = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", str(error))
        line, column = (int(found.group(1)), int(found.group(2))) if found else (0, 0)
        raise ProjectError(path, f"invalid TOML: {message}", line, column) from None


def _key_position(text: str, key: str) -> tuple[int, int]:
    """Where `key = ...` is written (tomllib keeps no positions)."""
    for number, line in enumerate(text.splitlines(), start=1):
        match = re.match(rf"\s*(\"?{re.escape(key)}\"?)\s*=", line)
        if match:
            return number, match.start(1) + 1
    return 0, 0


def _strings(value: object, key: str, path: Path, text: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        raise ProjectError(path, f"{key}: expected a string or a list of strings", *_key_position(text, key))
    return tuple(value)


# The default of each path setting, as CONFIG_KEYS documents it: an example in messages.
_PATH_DEFAULTS = {"policy": _POLICY_CANDIDATES[0], "locales": "locales", "output": "site"}


def _path(value: object, key: str, path: Path, text: str) -> str:
    if not isinstance(value, str) or not value:
        raise ProjectError(path, f"{key}: expected a path, such as {_PATH_DEFAULTS[key]!r}",
                           *_key_position(text, key))  # fmt: skip
    return value


def _inside(root: Path, value: str, key: str, config: Path, text: str | None) -> Path:
    """`root / value`, refused (ProjectError naming `key`) when it leads outside the project
    folder once links are resolved: a configuration, which a pull request may bring, never
    makes policykit read or write elsewhere. A path given on the command line is not
    confined; this is only for the paths a project's files name."""
    path = root / value
    if not path.resolve().is_relative_to(root.resolve()):
        where = _key_position(text, key) if text is not None else (0, 0)
        raise ProjectError(
            config,
            f"{key}: {excerpt(value)} leads outside the project folder {root}; a configuration may only name "
            f"paths inside its project (give one outside on the command line)",
            *where,
        )
    return path


def _default_policy(root: Path, config: Path) -> Path:
    """The first policy candidate that exists (confined as a configured one is), else policy.yaml."""
    for name in _POLICY_CANDIDATES:
        if (root / name).is_file():
            return _inside(root, name, "policy", config, None)
    return root / "policy.yaml"


def _per_file_ignores(value: object, path: Path, text: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not isinstance(value, dict):
        raise ProjectError(path, 'per-file-ignores: expected a table such as {"legacy/*.yaml" = ["PK3"]}',
                           *_key_position(text, "per-file-ignores"))  # fmt: skip
    return tuple((pattern, _strings(codes, pattern, path, text)) for pattern, codes in value.items())


def _base_url(table: Mapping[str, Any], path: Path, text: str) -> str | None:
    from policykit.build.urls import BaseUrlError, check_base_url

    if "base_url" not in table:
        return None
    try:
        return check_base_url(table["base_url"])
    except BaseUrlError as error:
        value = table["base_url"]
        shown = f" {excerpt(value)}" if isinstance(value, str) and value else ""
        raise ProjectError(path, f"base_url:{shown} {error}", *_key_position(text, "base_url")) from None


def _consent(table: Mapping[str, Any], root: Path, path: Path, text: str) -> ConsentTool | None:
    from policykit.site_settings import consent_setting

    return consent_setting(table["consent"], root, path, text) if "consent" in table else None


def _theme(table: Mapping[str, Any], root: Path, path: Path, text: str) -> Theme | None:
    from policykit.site_settings import theme_setting

    return theme_setting(table["theme"], root, path, text) if "theme" in table else None


def _settings(path: Path) -> tuple[Mapping[str, Any], str] | None:
    """The [tool.policykit] settings of `path`, or None when it has none."""
    data, text = _read_toml(path)
    table: object = data.get("tool", {}).get("policykit") if isinstance(data.get("tool"), dict) else None
    if path.name == CONFIG_FILE and table is None:
        table = {key: value for key, value in data.items() if key != "tool"}
    if table is None:
        return None
    if not isinstance(table, dict):
        raise ProjectError(path, "[tool.policykit] must be a table", *_key_position(text, "policykit"))
    return table, text


def _from_settings(root: Path, config: Path, table: Mapping[str, Any], text: str) -> Project:
    for key in table:
        if key not in CONFIG_KEYS:
            close = difflib.get_close_matches(key, CONFIG_KEYS, n=1)
            hint = f"; did you mean {excerpt(close[0])}?" if close else f"; known keys: {', '.join(CONFIG_KEYS)}"
            raise ProjectError(config, f"unknown key {excerpt(key)}{hint}", *_key_position(text, key))
    if "policy" in table:
        policy = _inside(root, _path(table["policy"], "policy", config, text), "policy", config, text)
    else:
        policy = _default_policy(root, config)
    locales = _inside(root, _path(table.get("locales", "locales"), "locales", config, text), "locales", config, text)
    output = _inside(root, _path(table.get("output", "site"), "output", config, text), "output", config, text)

    def optional(key: str) -> tuple[str, ...] | None:
        return _strings(table[key], key, config, text) if key in table else None

    return Project(
        root=root,
        policy=policy,
        locales=locales,
        output=output,
        config=config,
        languages=optional("languages"),
        profile=optional("profile"),
        select=optional("select"),
        ignore=optional("ignore") or (),
        per_file_ignores=_per_file_ignores(table.get("per-file-ignores", {}), config, text),
        base_url=_base_url(table, config, text),
        consent=_consent(table, root, config, text),
        theme=_theme(table, root, config, text),
    )


def _project_in(folder: Path) -> Project | None:
    """The project whose root is `folder`, or None."""
    for name in (CONFIG_FILE, "pyproject.toml"):
        config = folder / name
        if config.is_file():
            found = _settings(config)
            if found is not None:
                return _from_settings(folder, config, *found)
    for name in _POLICY_CANDIDATES:
        if name == "policy.yaml" and folder.name == "data":
            continue  # data/policy.yaml belongs to the folder above, as in the default layout
        if (folder / name).is_file():
            policy = _inside(folder, name, "policy", folder / name, None)
            return Project(root=folder, policy=policy, locales=_inside(folder, "locales", "locales", policy, None),
                           output=_inside(folder, "site", "output", policy, None))  # fmt: skip
    return None


def find_project(start: Path | None = None) -> Project | None:
    """The project that `start` (default: the current folder) is in, or None."""
    folder = (start or Path.cwd()).resolve()
    for candidate in (folder, *folder.parents):
        project = _project_in(candidate)
        if project is not None:
            return project
    return None


def bundled_project() -> Project:
    """The example shipped inside the package: read it, never write it."""
    from policykit.resources import data_dir, locales_dir

    data = data_dir()
    return Project(
        root=data.parent,
        policy=data / "policy.yaml",
        locales=locales_dir(),
        output=Path.cwd() / "site",
        writable=False,
    )


def project_for_policy(policy: Path) -> Project:
    """The project a policy file belongs to: the project found from its folder whose
    policy it is, else a project of its own with its locales/ beside it."""
    from policykit.resources import package_dir

    policy = policy.resolve()
    if policy.is_relative_to(package_dir()):
        bundled = bundled_project()
        return Project(root=bundled.root, policy=policy, locales=bundled.locales, output=bundled.output,
                       writable=False)  # fmt: skip
    found = find_project(policy.parent)
    if found is not None and policy.is_relative_to(found.root):
        return Project(
            root=found.root,
            policy=policy,
            locales=found.locales,
            output=found.output,
            config=found.config,
            languages=found.languages,
            profile=found.profile,
            select=found.select,
            ignore=found.ignore,
            writable=found.writable,
            per_file_ignores=found.per_file_ignores,
            base_url=found.base_url,
            consent=found.consent,
            theme=found.theme,
        )
    return Project(root=policy.parent, policy=policy, locales=policy.parent / "locales", output=Path.cwd() / "site")
