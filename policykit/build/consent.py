"""The consent tool in the built site: cookieconsent v3 or Klaro!, configured from the policy.
And what every web page gets of the site (SitePage): the tool's tags and the theme's parts.

In: the project's `consent` setting (a ConsentTool, read from policykit.toml by
policykit.site_settings), the policy, the locales a build publishes with their
translators, and the site's base URL.
Out: the files `build` writes beside the pages, and what each web page gets:

    <locale>/cookieconsent-config.mjs   cookieconsent: the `export --format cookieconsent`
                                        config in that locale (an ES module)
    <locale>/klaro-config.js            Klaro: the `export --format klaro` config (sets
                                        klaroConfig), in that locale and the policy's own
                                        (Klaro's fallback where it has no words of its own)
    policykit-consent.js                starts the tool and binds the page's "Change your
                                        cookie settings" button to its preferences
    consent/<file>                      the library (and stylesheet) when the project names
                                        a file of its own; a URL is linked as given

Each web page ends with, in this order: the Klaro config (which sets Google consent
mode's default before the tool loads), the library, and policykit-consent.js; for
cookieconsent the starter imports the config module (whose first statement is the
default) and then runs the tool. The configs are the exports' own (policykit.exports),
so `gtag('consent', 'update', ...)` follows every choice.

The button: a policy whose `consent_settings` is a `javascript` hook, or that has none,
gets its button bound (a policy with none gets one, labelled in its language); a `url`
stays a link, as the policy says. Nothing is loaded from anywhere the project did not
name: there is no default library, and never a CDN.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import attrs
from attrs import frozen
from markupsafe import escape

from policykit.errors import ProjectError
from policykit.findings import excerpt
from policykit.site_settings import ConsentTool, close_match

if TYPE_CHECKING:
    from policykit.document import Document, Translator
    from policykit.model import Policy
    from policykit.project import Project

__all__ = ["STARTER", "SitePage", "consent_files", "site_files", "site_page"]

# tool -> (its config's file name in each locale folder, what opens its preferences)
TOOLS: Mapping[str, tuple[str, str]] = {
    "cookieconsent": ("cookieconsent-config.mjs", "CookieConsent.showPreferences"),
    "klaro": ("klaro-config.js", "klaro.show"),
}
STARTER = "policykit-consent.js"


@frozen
class SitePage:
    """What every web page of the built site gets (from the consent tool and the theme):
    markup for its head, before and after the policy and at the end of its body, and the
    function its settings button calls (None: the button as the policy has it)."""

    head: str = ""
    header: str = ""
    footer: str = ""
    scripts: str = ""
    settings: str | None = None

    def key(self) -> str:
        """A hash of everything it adds: part of a page's build key."""
        parts = (self.head, self.header, self.footer, self.scripts, self.settings or "")
        return hashlib.sha256("\0".join(parts).encode()).hexdigest()

    def document(self, document: Document) -> Document:
        """`document` with a settings button (when there is a tool), unless the policy
        links a settings page."""
        from policykit.document import DocSettingsLink

        settings = document.consent_settings
        if self.settings is None:
            return document
        if settings is not None and settings.url:
            return document
        label = settings.label if settings is not None else document.labels["consent_settings"]
        javascript = settings.javascript if settings is not None and settings.javascript else self.settings
        return attrs.evolve(document, consent_settings=DocSettingsLink(label, None, javascript))


# --- the site's files and pages ---------------------------------------------------------


def site_page(project: Project, policy: Policy) -> SitePage | None:
    """What every locale's web page gets of the project's site: its consent tool (the
    same in each: the tool's config is beside it) and its theme (policykit.build.theme),
    or None when the project adds nothing."""
    if project.consent is None and project.theme is None:
        return None
    page = _consent_page(project.consent) if project.consent is not None else SitePage()
    if project.theme is not None:
        from policykit.build.theme import theme_parts

        head, header, footer = theme_parts(project.theme, policy)
        # The theme's stylesheet after the tool's, so that it can restyle the tool too.
        page = attrs.evolve(page, head=page.head + head, header=header, footer=footer)
    return page


def site_files(
    project: Project, policy: Policy, locales: Sequence[tuple[str, str | None, Translator | None]]
) -> dict[str, bytes]:
    """File name (relative to the site) -> bytes, of what the project's site adds beside
    the pages. `locales`: (folder name, locale or None for the policy's own language,
    its translator) of each published locale."""
    files: dict[str, bytes] = {}
    if project.theme is not None:
        from policykit.build.theme import theme_files

        files.update(theme_files(project.theme))
    if project.consent is not None:
        from policykit.build.urls import page_url

        base = project.base_url
        urls = {folder: page_url(base, f"{folder}/index.html") if base else "index.html" for folder, _, _ in locales}
        files.update(consent_files(project.consent, policy, locales, urls))
    return files


def _consent_page(setting: ConsentTool) -> SitePage:
    config_file, settings = TOOLS[setting.tool]
    head = ""
    if setting.stylesheet is not None:
        head = f'<link rel="stylesheet" href="{escape(setting.stylesheet.href())}">\n'
    starter = (f'<script src="../{STARTER}" data-policykit-consent="{setting.tool}" '
               f'data-policykit-config="{config_file}"></script>\n')  # fmt: skip
    library = f'<script src="{escape(setting.library.href())}"></script>\n'
    if setting.tool == "klaro":
        scripts = f'<script src="{config_file}"></script>\n{library}{starter}'
    else:
        scripts = library + starter
    return SitePage(head=head, scripts=scripts, settings=settings)


def _overrides(setting: ConsentTool, policy: Policy) -> Mapping[str, Sequence[str]] | bool:
    if isinstance(setting.consent_mode, bool):
        return setting.consent_mode
    from policykit.exports.consent_mode import types

    known = {category.id for category in policy.all_categories}
    for category, chosen in setting.consent_mode:
        for item in chosen:
            if item not in types():
                raise ProjectError(setting.where[0], f"consent.consent_mode: {excerpt(category)}: {excerpt(item)} is "
                                   f"not one of Google's consent types{close_match(item, types())}",
                                   *setting.where[1:])  # fmt: skip
        if category not in known:
            hint = close_match(category, sorted(known))
            raise ProjectError(setting.where[0], f"consent.consent_mode: the policy has no category "
                               f"{excerpt(category)}{hint}", *setting.where[1:])  # fmt: skip
    return dict(setting.consent_mode)


def consent_files(
    setting: ConsentTool,
    policy: Policy,
    locales: Sequence[tuple[str, str | None, Translator | None]],
    policy_urls: Mapping[str, str],
) -> dict[str, bytes]:
    """File name (relative to the site) -> bytes: each locale's config, the starter, and
    the library and stylesheet the project holds. `locales`: (folder name, locale or None
    for the policy's own language, its translator); `policy_urls`: folder -> the page's address."""
    from policykit.exports.cookieconsent import export_cookieconsent
    from policykit.exports.klaro import export_klaro

    config_file, _ = TOOLS[setting.tool]
    mode = _overrides(setting, policy)
    files: dict[str, bytes] = {}
    source = next(((locale, translator) for _, locale, translator in locales if locale is None), (None, None))
    for folder, locale, translator in locales:
        url = policy_urls[folder]
        if setting.tool == "klaro":
            # Klaro has its own words (buttons, notice) in some languages only: the policy's
            # own language comes first, as the fallback, and Klaro picks the page's <html lang>.
            asked = [source] if locale is None else [source, (locale, translator)]
            text = export_klaro(policy, locales=asked, policy_url=url, consent_mode=mode).text
        else:
            text = export_cookieconsent(policy, locale, translator, policy_url=url, consent_mode=mode).text
        files[f"{folder}/{config_file}"] = text.encode("utf-8")
    files[STARTER] = _STARTER_JS.encode("utf-8")
    for asset in (setting.library, setting.stylesheet):
        if asset is not None and asset.file is not None:
            files[f"{asset.folder}/{asset.file.name}"] = asset.file.read_bytes()
    return files


# The starter: no dependency, no inline script (a Content-Security-Policy of `script-src
# 'self'` allows it), the same file for either tool. cookieconsent's config is an ES
# module, imported from the page's own folder; Klaro reads its config by itself.
_STARTER_JS = """// Starts the site's consent tool and binds the policy's "Change your cookie settings"
// button to its preferences. Written by policykit build.
(function () {
  "use strict";
  var script = document.currentScript;
  var tool = script && script.getAttribute("data-policykit-consent");
  var config = script && script.getAttribute("data-policykit-config");
  function bind(open) {
    var buttons = document.querySelectorAll("[data-policykit-settings]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].addEventListener("click", function (event) {
        event.preventDefault();
        open();
      });
    }
  }
  if (tool === "klaro") {
    bind(function () {
      window.klaro.show(undefined, true);
    });
  } else if (tool === "cookieconsent" && config) {
    import(new URL(config, document.baseURI).href)
      .then(function (module) {
        return window.CookieConsent.run(module.default);
      })
      .then(function () {
        bind(function () {
          window.CookieConsent.showPreferences();
        });
      })
      .catch(function (error) {
        console.error("policykit: the consent tool did not start:", error);
      });
  }
})();
"""
