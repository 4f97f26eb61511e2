"""The vendor catalogue's purposes in the reader's language, shipped with the package.

In: the bundled catalogue (data/catalogue/). Out: the template of its purposes (domain
`catalogue`, msgctxt `cookie.purpose`, the context a policy's purposes have), the
package's translations of it (policykit/i18n/catalogs/<locale>/LC_MESSAGES/catalogue.po,
written by `policykit i18n extract --ui` and `update --ui` in a checkout), and those
translations read as compendia: `policykit i18n update` fills a policy's untranslated
purpose with them where the purpose is the catalogue's own text, word for word (a cookie
declared by reference), so the translation lands in the project's catalogue where the
translator sees it and every command (stats, check, render, build) counts it alike.
"""

from __future__ import annotations

import datetime as dt
import functools

from babel.messages.catalog import Catalog

from policykit.i18n import catalogs, contexts

__all__ = ["CATALOGUE_DOMAIN", "catalogue_strings", "catalogue_template", "package_compendia"]

CATALOGUE_DOMAIN = "catalogue"
# The day the catalogue's purposes last changed, kept by hand: the same data, the same .pot.
_DATE = dt.datetime(2026, 12, 2, tzinfo=dt.UTC)


def _header() -> dict[str, object]:
    from policykit import __version__

    return {
        "project": "policykit",
        "version": __version__,
        "msgid_bugs_address": "https://pypi.org/project/policykit-cookies/",
        "creation_date": _DATE,
        "revision_date": _DATE,
        "header_comment": "# Translations of the purposes in policykit's vendor catalogue.\n"
        "# Written by policykit from data/catalogue/; translators, add your name below.\n#",
        "language_team": "policykit translators",
    }


def catalogue_strings() -> list[tuple[str | None, str]]:
    """(msgctxt, msgid) of every purpose in the bundled catalogue, once each, in order."""
    from policykit.catalogue import bundled

    seen: dict[str, None] = {}
    for entry in bundled():
        seen.setdefault(entry.purpose, None)
    return [(contexts.COOKIE_PURPOSE, purpose) for purpose in seen]


def catalogue_template() -> Catalog:
    """The .pot of the catalogue's purposes; each entry's comment names the cookies."""
    from policykit.catalogue import bundled

    references: dict[str, list[str]] = {}
    for entry in bundled():
        references.setdefault(entry.purpose, []).append(entry.reference)
    catalog = catalogs._new_catalog(CATALOGUE_DOMAIN, header=_header())
    for context, purpose in catalogue_strings():
        catalog.add(purpose, context=context, auto_comments=[", ".join(references[purpose])])
    return catalog


@functools.cache
def package_compendia() -> tuple[Catalog, ...]:
    """The package's translations of the catalogue's purposes, one per shipped locale."""
    found = []
    for locale in catalogs.locales_in(catalogs.PACKAGE_CATALOGS, CATALOGUE_DOMAIN):
        found.append(catalogs.read_catalog(catalogs.catalog_path(catalogs.PACKAGE_CATALOGS, locale, CATALOGUE_DOMAIN)))
    return tuple(found)
