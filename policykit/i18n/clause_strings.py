"""The words of the generated clauses (policykit.clauses), in English.

In: nothing. Out: CLAUSE_STRINGS, key -> English text, part of the package's template
strings (strings.TEMPLATE_STRINGS), so they are translated once, in the package's own
catalogues (policykit/i18n/catalogs/), never by a project's translators. A text may hold
the inline markup of prose (`<strong>`) and `{placeholders}`; each placeholder is filled
with a value from the records after the text is parsed, so a value is never read as
markup. Reviewed against the sources docs/rules.md cites for PK350-PK358 (GDPR Art.
7(3), 12(1), 13(1)(a), (c), (e), (f); ePrivacy Directive Art. 5(3)).
"""

from __future__ import annotations

__all__ = ["CLAUSE_STRINGS"]

CLAUSE_STRINGS: dict[str, str] = {
    # controller: GDPR Art. 13(1)(a)
    "clause.controller.who": (
        "{controller} is responsible for the cookies on this website and for the processing of the data "
        "they collect (the controller)."
    ),
    "clause.controller.address": "Postal address: {address}.",
    "clause.controller.contact": "For questions about this policy or about your data, write to {contact}.",
    # categories: ePrivacy Art. 5(3), GDPR Art. 13(1)(c)
    "clause.category.necessary": (
        "<strong>{category}.</strong> These cookies are strictly necessary to provide the website you ask for. "
        "The law exempts them from consent, so we set them without asking you."
    ),
    "clause.category.exempt": (
        "<strong>{category}.</strong> We set these cookies without asking for your consent, under the "
        "exemption the law provides for them."
    ),
    "clause.category.consent": "<strong>{category}.</strong> We set these cookies only with your consent.",
    "clause.purpose.functional": "These cookies remember your choices and provide features you ask for.",
    "clause.purpose.analytics": "These cookies count visits and show how visitors use the website.",
    "clause.purpose.marketing": "These cookies are used for advertising and referrals and to measure them.",
    # recipients: GDPR Art. 13(1)(e), (f)
    "clause.recipients.intro": "These parties receive data from the cookies on this website:",
    "clause.recipients.none": "No one but the controller receives data from the cookies on this website.",
    "clause.recipient.third-party": (
        "{party}, established in this country: {country}. It receives the data as a third party and uses "
        "it under its own privacy policy."
    ),
    "clause.recipient.processor": (
        "{party}, established in this country: {country}. It processes the data on our behalf (a processor)."
    ),
    "clause.recipient.privacy_policy": "Its privacy policy: {link}.",
    "clause.recipient.transfer": (
        "This country is outside the {area}. Transfers of your data to {party} rely on this safeguard: {safeguard}."
    ),
    "clause.area.eu": "European Economic Area",
    "clause.area.uk": "United Kingdom",
    "clause.area.eu+uk": "European Economic Area and the United Kingdom",
    # lifetimes: GDPR Art. 13(2)(a); CJEU C-673/17 (Planet49)
    "clause.lifetimes.session": "A session cookie is deleted when you close your browser.",
    "clause.lifetimes.persistent": (
        "A persistent cookie stays on your device for the lifetime the tables state, unless you delete it "
        "earlier in your browser's settings."
    ),
    "clause.lifetimes.cap": "Browsers keep a cookie for at most {days} days, whatever lifetime a website asks for.",
    "clause.lifetimes.capped": "Your browser therefore keeps these cookies for at most {days} days: {cookies}.",
    "clause.lifetimes.maximum": (
        "Where a table says how long a cookie lasts at most, the website may set it to last less."
    ),
    "clause.lifetimes.renewed": (
        "Where a table counts a lifetime from your last visit, each visit starts it again: the cookie stays "
        "as long as you come back within that time."
    ),
    "clause.lifetimes.choice": (
        "Where a table gives two lifetimes, which one applies depends on a choice you make on the website."
    ),
    "clause.lifetimes.storage": (
        "Data in your browser's local storage has no lifetime: it stays until you or the website delete it."
    ),
    "clause.lifetimes.not_stated": (
        "Where a table says \u201c{not_stated}\u201d, this policy does not say how long the cookie lasts."
    ),
    # consent and withdrawal: ePrivacy Art. 5(3), GDPR Art. 7(3)
    "clause.consent.ask": (
        "We set cookies of these categories only after you have given your consent: {categories}. We ask for "
        "it before they are set, and you can accept or refuse each category. Refusing is as easy as accepting."
    ),
    "clause.consent.none": "This website sets no cookie that needs your consent.",
    "clause.consent.withdraw_url": (
        "You can withdraw or change your consent at any time, as easily as you gave it: {settings}."
    ),
    "clause.consent.withdraw": (
        "You can withdraw or change your consent at any time, as easily as you gave it, in the cookie "
        "settings of this website."
    ),
    "clause.consent.after": (
        "Withdrawing your consent does not affect what was done with it before. You can also delete cookies "
        "at any time in your browser's settings."
    ),
    # changes
    "clause.changes.version": "This is version {version} of this policy.",
    "clause.changes.effective": "It takes effect on {effective} and was last changed on {date}.",
    "clause.changes.changed": "It was last changed on {date}.",
    "clause.changes.archive": "Earlier versions are published at {archive}.",
    "clause.changes.request": "You can ask for earlier versions at {contact}.",
}
