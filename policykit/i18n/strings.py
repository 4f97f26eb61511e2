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
    # A site build that keeps a stale translation (policykit/build/stale.py).
    "stale_notice": "This translation is of version {version} of {date}; the current version, in {language}, is "
    "{current}.",
    "stale_notice_undated": "This translation is of version {version}; the current version, in {language}, is "
    "{current}.",
    "stale_source_notice": "Parts of version {current} are not translated yet and are shown in {language}.",
    "stale_link": "Read the current version",
    "diff.reason": "Why: {reason}.",
    "diff.domain_changed": "The cookie {name} is now set for the domain {new} (was: {old}).",
    "diff.storage_changed": "The cookie {name} is now kept in another kind of storage: {new} (was: {old}).",
    "diff.service_changed": "The cookie {name} now belongs to the service {new} (was: {old}).",
    "diff.party_renamed": "The party {old} is now named {new}.",
    "diff.role_changed": "The role of {party} is now: {new} (was: {old}).",
    "diff.privacy_policy_changed": "The privacy policy of {party} is now at {new} (was: {old}).",
    "diff.party_domain_added": "{party} now also sets cookies from {domain}.",
    "diff.party_domain_removed": "{party} no longer sets cookies from {domain}.",
    "diff.transfer_since_changed": "Transfers of your data to {party} rely on their safeguard from {new} (was: {old}).",
    "diff.party_service_changed": "The cookies of {party} now belong to the service {new} (was: {old}).",
    "diff.controller_changed": "The controller responsible for your data is now {new} (was: {old}).",
    "diff.controller_address_changed": "The address of the controller is now {new} (was: {old}).",
    "diff.controller_contact_changed": "The contact of the controller is now {new} (was: {old}).",
    "diff.category_added": "New category of cookies: {category}.",
    "diff.category_removed": "The category {category} is no longer used.",
    "diff.category_title_changed": "The category {old} is now named {new}.",
    "diff.category_description_changed": "The description of the category {category} was reworded.",
    "diff.category_consent_asked": "Cookies of the category {category} are now set only with your consent.",
    "diff.category_consent_dropped": "Cookies of the category {category} are now set without asking for your consent.",
    "diff.category_kind_changed": "The category {category} is now of the kind {new} (was: {old}).",
    "diff.article_added": "New article “{article}”.",
    "diff.article_removed": "The article “{article}” was removed.",
    "role.first-party": "this website itself",
    "role.third-party": "third party",
    "role.processor": "processor on our behalf",
    "storage.cookie": "cookie",
    "storage.local-storage": "local storage",
    "storage.session-storage": "session storage",
    "storage.indexeddb": "IndexedDB database",
    "storage.pixel": "pixel (tracking image)",
    "use.advertising": "advertising",
    "use.profiling": "profiling",
    "use.selling": "selling",
    "use.sharing": "sharing",
    "diff.why.none": "no rule rated it",
    "diff.why.cookie_added": "a new cookie",
    "diff.why.removed": "it is no longer used, so nothing new is done with your data",
    "diff.why.renamed": "the same party, category and storage, under another name",
    "diff.why.new_category": "a new purpose",
    "diff.why.new_party": "a new party",
    "diff.why.storage": "another kind of storage may keep the data longer or let scripts read it",
    "diff.why.service": "consent is asked per service, and it now falls under another choice",
    "diff.why.lifetime_longer": "a longer lifetime",
    "diff.clause_added": "The policy now also states, from its records: {clause}.",
    "diff.clause_removed": "The policy no longer states: {clause}.",
    "clause_kind.controller": "who is responsible for your data and how to reach them",
    "clause_kind.categories": "the categories of cookies and whether they need your consent",
    "clause_kind.recipients": "who receives your data, in which country and with which safeguard",
    "clause_kind.lifetimes": "how long cookies last",
    "clause_kind.consent": "how to give, refuse and withdraw your consent",
    "clause_kind.changes": "the version of this policy and where its changes are",
    "diff.why.clause_added": "it is written from the records, which are compared on their own",
    "diff.why.clause_removed": "the law requires you to be told this: review that the policy still says it",
    "diff.website_changed": "The policy now speaks for the website {new} (was: {old}).",
    "diff.consent_settings_changed": "Where you change your cookie choices is now: {new} (was: {old}).",
    "diff.why.website": "the policy now speaks for another website ({host}): review",
    "diff.why.consent_settings": "only where you change your choices moved",
    "diff.why.lifetime_renewed": "it is now renewed on each visit, so it can live longer",
    "diff.why.lifetime_uncomparable": "a longer lifetime, or one that cannot be compared with the old",
    "diff.why.lifetime_shorter": "a shorter lifetime",
    "diff.why.lifetime_session": "it is now deleted when you close the browser",
    "diff.why.lifetime_no_end": "it no longer ends at {event}",
    "diff.why.lifetime_ends_earlier": "it can only end sooner now",
    "diff.why.lifetime_other_end": "it now ends at another event, which may come later: review",
    "diff.why.safeguard_dropped": "the policy no longer says what protects your data abroad: review",
    "diff.why.safeguard_weaker": "{new} protects your data less than {old} (GDPR Art. 45, 46 and 49)",
    "diff.why.safeguard_other": "transfers rely on another legal ground (GDPR Art. 13(1)(f))",
    "diff.why.transfer_since": "only the date from which the safeguard applies changed",
    "diff.why.country_new": "your data goes to another country",
    "diff.why.country_dropped": "the country is no longer stated: review where your data goes",
    "diff.why.role_third_party": "it now decides for itself what your data is used for",
    "diff.why.role_processor": "it now processes your data on our behalf, so who answers for your data changes",
    "diff.why.role_first_party": "it now counts as this website itself, so who answers for your data changes",
    "diff.why.party_name": "another name may be another legal entity",
    "diff.why.party_named": (
        "the party is named for the first time, and may be another legal entity than you were told: review"
    ),
    "diff.why.party_unnamed": "the party is no longer named: review",
    "diff.why.controller": "another controller answers for your data",
    "diff.why.contact": "only how to reach the controller changed",
    "diff.why.link_added": "only a link was added",
    "diff.why.link_removed": "only a link was removed",
    "diff.why.link_same_host": "a link fixed on the same host",
    "diff.why.link_other_host": (
        "the privacy policy is now on another host ({host}), which may be another organisation's"
    ),
    "diff.why.party_domain_added": "it can now read cookies on {domain}",
    "diff.why.party_domain_removed": "one domain fewer",
    "diff.why.domain_other": "the cookie can now be read on {domain}",
    "diff.why.domain_narrower": "a narrower domain: fewer sites can read the cookie",
    "diff.why.domain_stated": (
        "the domain {domain} is stated for the first time: review which sites can read the cookie"
    ),
    "diff.why.domain_dropped": "the domain is no longer stated: review which sites can read the cookie",
    "diff.why.category_added": "a new category of cookies",
    "diff.why.consent_now_asked": "your consent is now asked for these cookies",
    "diff.why.consent_no_longer_asked": "these cookies are now set without your consent",
    "diff.why.category_kind": "the kind of a category decides which exemption from consent it claims",
    "diff.why.adds_use": "the new text adds a use: {use} (“{word}”)",
    "diff.why.review_negated": "the new text names {use} (“{word}”) in a sentence that says not: review",
    "diff.why.review_language": (
        "no wording data for the language {language} tells whether the new text adds a use: review"
    ),
    "diff.why.names_service": "the new text names another party or service: {name}",
    "diff.why.spelling": "only the spelling changed",
    "diff.why.reordered": "only the order of words, punctuation or capitals changed",
    "diff.why.shortened": "words were only taken out, and no use was added",
    "diff.why.reworded": (
        "reworded, and the wording data finds no new use (advertising, profiling, selling, sharing, another service)"
    ),
    "diff.why.reworded_review": (
        "reworded with new words; the wording data finds no new use (advertising, profiling, selling, sharing,"
        " another service) but cannot rule one out: review"
    ),
    "diff.why.article_added": "a new article that names no new use",
    "diff.why.article_removed": "an article was taken out; the cookies and parties are compared on their own",
    # The redline of `policykit diff --redline`: how it shows a change, and what a screen
    # reader says where a change starts and ends.
    "redline.legend": "Struck-through text was taken out; underlined text was added.",
    "redline.tracked": (
        "Below, every change to the policy is a tracked change: accept them all for the new version, "
        "or reject them all for the old one."
    ),
    "redline.deletion_start": "deletion start",
    "redline.deletion_end": "deletion end",
    "redline.insertion_start": "insertion start",
    "redline.insertion_end": "insertion end",
}
# The generated clauses' words (policykit.clauses), kept in their own module.
TEMPLATE_STRINGS.update(CLAUSE_STRINGS)
