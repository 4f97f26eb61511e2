"""The words of the templates, in English: headings, table labels, captions, footers.

In: nothing. Out: TEMPLATE_STRINGS, key -> English text. The keys are the msgctxt of the
package's own gettext domain (`policykit`); values may hold {placeholders}, filled by
bare name only. document.py looks them up through a Translator; translators see them in
policykit/i18n/catalogs/.
"""

from __future__ import annotations

from policykit.i18n.clause_strings import CLAUSE_STRINGS

__all__ = ["TEMPLATE_STRINGS"]

TEMPLATE_STRINGS: dict[str, str] = {
    "article_heading": "Article {number}. {title}",
    "name": "Name",
    "provider": "Provider",
    "purpose": "Purpose",
    "lifetime": "Lifetime",
    "category": "Category",
    "session": "Session",
    "persistent": "Persistent (duration not stated)",
    "not_stated": "Not stated",
    "or_until": "{lifetime} or until {event}",
    # A lifetime's cases (policykit/i18n/lifetimes.py): {duration} is "2 years".
    "lifetime.up_to": "up to {duration}",
    "lifetime.renewed": "{duration} from your last visit",
    "lifetime.up_to_renewed": "up to {duration} from your last visit",
    "lifetime.choice": "{first} or {second} (depending on your choice)",
    "unnamed": "(no name given)",
    "unknown": "Not stated",
    "caption_all": "Cookies on this website",
    "caption_party": "Cookies set by {party}",
    "caption_category": "{category} cookies",
    "caption_persistence_session": "Session cookies",
    "caption_persistence_persistent": "Persistent cookies",
    "last_modified": "Last modified {date}",
    "effective": "In effect from {date}",
    "version": "Version {version}",
    "version_id": "Text version id {id}",
    "page": "Page {page} of {pages}",
    "contents": "Contents",
    "consent_settings": "Change your cookie settings",
    "description": "Which cookies {website} uses, who sets them, how long they last and where the data goes.",
    "this_website": "this website",
    "category.strictly-necessary": "Strictly necessary",
    "category.functional": "Functional",
    "category.analytics": "Analytics",
    "category.marketing": "Marketing",
    # Safeguards are names, shown after a colon ("rely on this safeguard: {x}"), so they
    # take no article and no grammatical case in any language.
    "safeguard.adequacy": "adequacy decision of the European Commission",
    "safeguard.eu-us-dpf": "EU-US Data Privacy Framework",
    "safeguard.scc-2021": "standard contractual clauses (2021)",
    "safeguard.scc-2010": "standard contractual clauses (2010)",
    "safeguard.bcr": "binding corporate rules",
    "safeguard.privacy-shield": "EU-US Privacy Shield",
    "safeguard.none": "none",
    # The change notice of `policykit diff`.
    "diff.title": "Changes to our cookie policy",
    "diff.intro": "This is what changed in our cookie policy, in effect from {date}.",
    "diff.renew": "Some changes are material, so we ask for your consent again.",
    "diff.no_renew": "The changes are editorial only: the choices you made stay as they are.",
    "diff.material": "Material changes",
    "diff.editorial": "Editorial changes",
    "diff.cookie_added": "New cookie {name}, set by {party}, lifetime: {lifetime}.",
    "diff.cookie_removed": "The cookie {name} is no longer used.",
    "diff.cookie_renamed": "The cookie {old} is now named {new}.",
    "diff.lifetime_changed": "The lifetime of the cookie {name} changed from {old} to {new}.",
    "diff.category_changed": "The cookie {name} moved from the category {old} to the category {new}.",
    "diff.cookie_party_changed": "The cookie {name} is now set by {new} instead of {old}.",
    "diff.purpose_changed": "The description of the purpose of the cookie {name} was reworded.",
    "diff.party_added": "New party that sets cookies: {party}.",
    "diff.party_removed": "{party} no longer sets cookies on this website.",
    "diff.country_changed": "Country of {party}: {new} (was: {old}).",
    "diff.safeguard_changed": "Transfers of your data to {party} now rely on this safeguard: {new} (was: {old}).",
    "diff.text_changed": "The text of the article \u201c{article}\u201d was changed.",
    # A site build that keeps a stale translation (policykit/build_stale.py).
    "stale_notice": "This translation is of version {version} of {date}; the current version, in {language}, is "
    "{current}.",
    "stale_notice_undated": "This translation is of version {version}; the current version, in {language}, is "
    "{current}.",
    "stale_source_notice": "Parts of version {current} are not translated yet and are shown in {language}.",
    "stale_link": "Read the current version",
}
# The generated clauses' words (policykit.clauses), kept in their own module.
TEMPLATE_STRINGS.update(CLAUSE_STRINGS)
