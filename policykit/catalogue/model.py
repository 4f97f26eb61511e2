"""The vendor catalogue as typed, immutable data: what vendors document about the
cookies their software sets, each fact with where it was read.

In: nothing but Python values. Out: frozen attrs records (Vendor, Entry, Provenance)
and Catalogue, an index that answers which entry describes a cookie name. No I/O here:
`policykit.catalogue.read` builds a Catalogue from YAML files.

How a name is matched (`Catalogue.matches`): an entry's name is exact (`_gid`) or a
pattern where `*` stands for any run of characters (`_ga_*`, `WHMCS*`). An exact name
wins over every pattern; among patterns, the one with the longer literal text wins
(`_gat_*` over `_ga*`); then vendor documentation wins over a row taken only from the
Open Cookie Database; then the order of the files.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import re
from collections.abc import Iterable, Iterator
from typing import Any

from attrs import field, frozen

from policykit.globs import Glob, compile_glob
from policykit.model import CategoryKind, CountryCode, Lifetime, Role, Safeguard, Storage, WebUrl

__all__ = [
    "OPEN_COOKIE_DATABASE",
    "Catalogue",
    "DomainKind",
    "Entry",
    "Provenance",
    "Vendor",
    "normalize_name",
]

# The `source` of a fact taken only from the Open Cookie Database: ranked below a vendor's
# own documentation, which it sometimes contradicts (Vimeo's vuid, tawk.to's old cookies).
OPEN_COOKIE_DATABASE = "open-cookie-database"


class DomainKind(enum.Enum):
    """On whose domain a cookie lives."""

    FIRST_PARTY = "first-party"  # set by the vendor's script or software on the site's own domain
    VENDOR = "vendor"  # on the vendor's own domain (a third-party cookie on the site)
    NOT_STATED = "not stated"  # the source does not say (rows imported from the Open Cookie Database)


@frozen
class Provenance:
    """Where a fact was read: the vendor's own page (a URL) or the Open Cookie Database,
    the day it was read, and the words it was read in, where they help."""

    source: str  # an http(s) URL, or OPEN_COOKIE_DATABASE
    read: dt.date
    quote: str | None = None

    @property
    def from_vendor(self) -> bool:
        """True when the fact was read on the vendor's own page, not in the Open Cookie Database."""
        return self.source != OPEN_COOKIE_DATABASE

    @property
    def rank(self) -> int:
        """Lower is better: vendor documentation 0, the Open Cookie Database 1."""
        return 0 if self.from_vendor else 1

    def describe(self) -> str:
        """`https://... (read 2026-11-26)` or `the Open Cookie Database (read ...)`."""
        where = "the Open Cookie Database" if not self.from_vendor else self.source
        return f"{where} (read {self.read.isoformat()})"


@frozen
class Vendor:
    """Who makes the software that sets a cookie.

    `role` is the part the vendor plays for a site that uses it: `first-party` for
    software the site runs itself (WHMCS, WordPress: the vendor receives nothing, the
    site sets the cookies), `processor` for a vendor that processes data on the site's
    behalf, `third-party` for one that uses it for its own purposes too. `country`,
    where given, is the country of the entity named in `name`, read at `provenance`.
    `aliases` are other names a policy may call the vendor by.
    """

    id: str
    name: str
    role: Role
    provenance: Provenance
    country: CountryCode | None = None
    transfer: Safeguard | None = None
    privacy_policy: WebUrl | None = None
    aliases: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()

    def known_as(self, name: str | None) -> bool:
        """Whether `name` is this vendor's name or one of its aliases (case, spaces and
        punctuation aside)."""
        return name is not None and _plain(name) in _known_names(self)


@functools.lru_cache(maxsize=256)
def _known_names(vendor: Vendor) -> frozenset[str]:
    return frozenset(_plain(known) for known in (vendor.name, *vendor.aliases))


@functools.lru_cache(maxsize=4096)
def _plain(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())


@frozen
class Entry:
    """What a vendor documents about one cookie (or storage item).

    `service` is the product that sets it (`google-analytics`) and, with the name, its
    reference: `google-analytics/_ga`. `lifetime` is exact ('2 years', 'session') or
    'persistent' where the vendor gives no duration; `renewed` is true where the vendor
    says the expiry restarts on each visit; `configurable` the longest lifetime the
    vendor lets a site set instead of its default, where it documents one.
    """

    service: str
    service_name: str
    name: str
    vendor: Vendor
    category: CategoryKind
    lifetime: Lifetime
    domain: DomainKind
    purpose: str
    provenance: Provenance
    storage: Storage = Storage.COOKIE
    renewed: bool = False
    configurable: Lifetime | None = None
    note: str | None = None
    # Other names the same cookie is seen under (the vendor's page writes tawk_uuid_*,
    # browsers show twk_uuid_*); `note` says where each was seen.
    also: tuple[str, ...] = ()
    # The legal model of the service (see Service in read.py): the part its entity plays
    # (None: the vendor's own role), when that part changes (`role_note`, with the source
    # it was read in), and the other legal entities that provide it in a region, such as
    # ('eea', Google Ireland Limited).
    role: Role | None = None
    role_note: str | None = None
    role_source: Provenance | None = None
    entities: tuple[tuple[str, Vendor], ...] = ()
    host: str | None = None  # the domain a vendor-domain cookie is set on (youtube.com)

    @property
    def effective_role(self) -> Role:
        """The part the service's entity plays for the site: the service's, else the vendor's."""
        return self.role if self.role is not None else self.vendor.role

    @property
    def all_vendors(self) -> tuple[Vendor, ...]:
        """The service's main entity, then each regional one."""
        return (self.vendor, *(entity for _, entity in self.entities))

    @property
    def reference(self) -> str:
        """How a policy names this entry: `service/name`, such as `google-analytics/_ga`."""
        return f"{self.service}/{self.name}"

    @property
    def is_pattern(self) -> bool:
        """True when the name holds `*` and stands for every name that matches it."""
        return "*" in self.name

    @property
    def literal_length(self) -> int:
        """How much of the name is literal text: longer wins among patterns."""
        return len(self.name.replace("*", ""))

    @property
    def names(self) -> tuple[str, ...]:
        """The entry's name and the other names it is also known by (`also`)."""
        return (self.name, *self.also)

    def to_dict(self) -> dict[str, Any]:
        """The entry as plain data (for JSON), lifetimes in the policy file's words."""
        from policykit.syntax import format_lifetime

        return {
            "reference": self.reference,
            "name": self.name,
            "service": self.service,
            "service_name": self.service_name,
            "vendor": {
                "id": self.vendor.id,
                "name": self.vendor.name,
                "role": self.effective_role.value,
                "country": self.vendor.country,
                "transfer": None if self.vendor.transfer is None else self.vendor.transfer.value,
                "source": self.vendor.provenance.source,
                "read": self.vendor.provenance.read.isoformat(),
            },
            "role_note": self.role_note,
            "role_source": None if self.role_source is None else self.role_source.source,
            "entities": [
                {"region": region, "id": entity.id, "name": entity.name, "country": entity.country}
                for region, entity in self.entities
            ],
            "host": self.host,
            "category": self.category.value,
            "lifetime": format_lifetime(self.lifetime),
            "seconds": self.lifetime.seconds,
            "renewed": self.renewed,
            "configurable": None if self.configurable is None else format_lifetime(self.configurable),
            "domain": self.domain.value,
            "storage": self.storage.value,
            "purpose": self.purpose,
            "source": self.provenance.source,
            "read": self.provenance.read.isoformat(),
            "quote": self.provenance.quote,
            "note": self.note,
        }

    def matches(self, name: str) -> bool:
        """Whether one of the entry's names is `name` or, as a pattern, matches it
        (in linear time, whatever the pattern: policykit.globs)."""
        return any(known == name or ("*" in known and compile_glob(known)(name)) for known in self.names)


def normalize_name(name: str) -> str:
    """A cookie name as the catalogue compares it: a policy's `<...>` placeholders, such
    as `_ga_<container-id>`, read as the pattern `*`."""
    return re.sub(r"<[^<>]*>|\[[^\[\]]*\]", "*", name)


@frozen
class Catalogue:
    """Entries in the order they were read, and the vendors they name."""

    entries: tuple[Entry, ...]
    vendors: tuple[Vendor, ...] = ()
    _by_reference: dict[str, Entry] = field(init=False, eq=False, repr=False)
    _exact: dict[str, list[Entry]] = field(init=False, eq=False, repr=False)
    # Names repeat across policies and rules; a catalogue is immutable, so answers keep.
    _answers: dict[str, list[Entry]] = field(init=False, eq=False, repr=False, factory=dict)
    _patterns: tuple[Entry, ...] = field(init=False, eq=False, repr=False)
    _order: dict[int, int] = field(init=False, eq=False, repr=False)
    _compiled: tuple[tuple[Glob, Entry], ...] = field(init=False, eq=False, repr=False)
    _by_first: dict[str, list[tuple[Glob, Entry]]] = field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        by_reference: dict[str, Entry] = {}
        exact: dict[str, list[Entry]] = {}
        for entry in self.entries:
            by_reference.setdefault(entry.reference, entry)
            for known in entry.names:
                if "*" not in known:
                    exact.setdefault(known, []).append(entry)
        object.__setattr__(self, "_by_reference", by_reference)
        object.__setattr__(self, "_exact", exact)
        # Only entries with a pattern need a scan; exact names are found by the index.
        object.__setattr__(self, "_patterns", tuple(e for e in self.entries if any("*" in n for n in e.names)))
        # Each pattern compiled once, beside its entry: a scan is then one linear match each.
        compiled = [(compile_glob(n), e) for e in self._patterns for n in e.names if "*" in n]
        object.__setattr__(self, "_compiled", tuple(compiled))
        # ... and filed by the first character of its literal prefix ("" when it starts
        # with a star): a name is tried only against the patterns it could begin with.
        by_first: dict[str, list[tuple[Glob, Entry]]] = {}
        for pattern, entry in compiled:
            by_first.setdefault(pattern.prefix[:1], []).append((pattern, entry))
        object.__setattr__(self, "_by_first", by_first)
        object.__setattr__(self, "_order", {id(entry): index for index, entry in enumerate(self.entries)})

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def matches(self, name: str) -> list[Entry]:
        """Every entry that describes `name`, best first (see the module's docstring).

        A pattern asked about (`_ga_*`) matches the entry of the same pattern, and exact
        entries it covers are not returned: a pattern is not any one of its cookies."""
        known = self._answers.get(name)
        if known is None:
            known = self._answers[name] = self._matches(normalize_name(name))
        return list(known)

    def _matches(self, name: str) -> list[Entry]:
        if "*" in name:
            found = [e for e in self._patterns if name in e.names]
            found += [e for e in self._patterns if name not in e.names and e.matches(name)]
        else:
            found = list(self._exact.get(name, ()))
            listed = {id(e) for e in found}
            first = name[:1]
            candidates = (*self._by_first.get(first, ()), *(self._by_first.get("", ()) if first else ()))
            for pattern, entry in candidates:
                if id(entry) not in listed and pattern(name):
                    found.append(entry)
                    listed.add(id(entry))
        order = self._order
        return sorted(
            found,
            key=lambda e: (name not in e.names, -e.literal_length, e.provenance.rank, order[id(e)]),
        )

    def match(self, name: str) -> Entry | None:
        """The entry that best describes `name`, or None."""
        found = self.matches(name)
        return found[0] if found else None

    def reference(self, reference: str) -> Entry | None:
        """The entry `service/name` (`google-analytics/_ga`), or None."""
        return self._by_reference.get(reference)

    @property
    def references(self) -> tuple[str, ...]:
        """Every entry's reference (`service/name`), in the catalogue's order."""
        return tuple(self._by_reference)

    def vendor(self, vendor_id: str) -> Vendor | None:
        """The vendor whose id is `vendor_id`, or None."""
        for vendor in self.vendors:
            if vendor.id == vendor_id:
                return vendor
        return None

    def filter(
        self,
        entries: Iterable[Entry] | None = None,
        *,
        category: CategoryKind | str | None = None,
        vendor: str | None = None,
        domain: DomainKind | str | None = None,
        storage: Storage | str | None = None,
    ) -> list[Entry]:
        """The entries (all, or those given) of a category, a vendor id, a domain kind
        and a storage, each filter applied when set."""
        chosen = []
        for entry in self.entries if entries is None else entries:
            if category is not None and entry.category.value != getattr(category, "value", category):
                continue
            if vendor is not None and entry.vendor.id != vendor:
                continue
            if domain is not None and entry.domain.value != getattr(domain, "value", domain):
                continue
            if storage is not None and entry.storage.value != getattr(storage, "value", storage):
                continue
            chosen.append(entry)
        return chosen
