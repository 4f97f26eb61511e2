"""Reading a vendor catalogue from YAML files.

In: a folder of YAML files (the package's data/catalogue/ by default) or one file.
A file holds `vendors:` (a list of vendors), `services:` (a list of services, each
naming its vendor and listing its cookies), or both; vendors may be declared in any file
of the folder. Out: a Catalogue, or CatalogueError whose message is one line,
`file:line:column: what is wrong`, for the first problem found.

The YAML is read by policykit's own reader (no aliases, no tags, no duplicate keys), so
positions come from the same place as a policy's.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs
from attrs import frozen

from policykit import resources, syntax, yamlread
from policykit.catalogue.model import OPEN_COOKIE_DATABASE, Catalogue, DomainKind, Entry, Provenance, Vendor
from policykit.errors import PolicykitError
from policykit.model import CategoryKind, CountryCode, Lifetime, Role, Safeguard, Storage, WebUrl

__all__ = ["CatalogueError", "bundled", "load_catalogue", "read_file"]

_MAX_DEPTH = 20
_MAX_BYTES = 16 * 1024 * 1024
_ID = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
_NAME = re.compile(r"\S+\Z")  # may hold '/': a reference splits at its first '/'

_VENDOR_KEYS = {"id", "name", "role", "country", "transfer", "privacy_policy", "aliases", "domains", "source", "read"}
_SERVICE_KEYS = {"id", "name", "vendor", "cookies", "role", "role_note", "role_source", "role_read", "entities"}
_REGIONS = {"eea", "uk", "us"}
_ENTRY_KEYS = {
    "name",
    "category",
    "lifetime",
    "renewed",
    "configurable",
    "domain",
    "storage",
    "purpose",
    "source",
    "read",
    "quote",
    "note",
    "also",
    "host",
}


class CatalogueError(PolicykitError):
    """A catalogue file that cannot be used; the message is one line with its position."""


class _Where:
    def __init__(self, file: Path) -> None:
        self.file = file

    def at(self, node: Any, key: str | int | None = None) -> str:
        line = column = 0
        lc = getattr(node, "lc", None)
        if lc is not None:
            try:
                if isinstance(key, int):
                    line, column = lc.item(key)
                elif key is not None:
                    line, column = lc.value(key) if key in node else (lc.line, lc.col)
                else:
                    line, column = lc.line, lc.col
            except (KeyError, IndexError, TypeError):
                line, column = lc.line, lc.col
            return f"{self.file}:{line + 1}:{column + 1}"
        return str(self.file)

    def fail(self, node: Any, key: str | int | None, message: str) -> CatalogueError:
        return CatalogueError(f"{self.at(node, key)}: {message}")


def _read_yaml(file: Path) -> Any:
    try:
        if file.stat().st_size > _MAX_BYTES:
            raise CatalogueError(f"{file}: larger than {_MAX_BYTES} bytes")
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CatalogueError(f"{file}: cannot be read: {error}") from None
    try:
        return yamlread.read_yaml(text, _MAX_DEPTH)
    except yamlread.YamlReadError as error:
        raise CatalogueError(f"{file}:{error.line + 1}:{error.column + 1}: {error.message}") from None
    except Exception as error:  # libyaml's own syntax errors carry their marks in the text
        mark = getattr(error, "problem_mark", None)
        where = f"{file}:{mark.line + 1}:{mark.column + 1}" if mark is not None else str(file)
        problem = getattr(error, "problem", None) or "not valid YAML"
        raise CatalogueError(f"{where}: {' '.join(str(problem).split())}") from None


def _check_keys(where: _Where, node: Mapping[str, Any], allowed: set[str], what: str) -> None:
    for key in node:
        if key not in allowed:
            raise where.fail(node, key, f"unknown key {key!r} in {what}; expected one of {', '.join(sorted(allowed))}")


def _text(where: _Where, node: Mapping[str, Any], key: str, *, required: bool = True) -> str | None:
    value = node.get(key)
    if value is None:
        if required:
            raise where.fail(node, None, f"missing {key!r}")
        return None
    if not isinstance(value, str) or not value.strip():
        raise where.fail(node, key, f"{key} must be text")
    return " ".join(value.split())


def _enum(where: _Where, node: Mapping[str, Any], key: str, kind: type[Any], default: Any = None) -> Any:
    value = node.get(key)
    if value is None:
        if default is None:
            raise where.fail(node, None, f"missing {key!r}")
        return default
    for member in kind:
        if member.value == value:
            return member
    choices = ", ".join(repr(m.value) for m in kind)
    raise where.fail(node, key, f"{key} must be one of {choices}, got {value!r}")


def _lifetime(where: _Where, node: Mapping[str, Any], key: str, *, required: bool = True) -> Lifetime | None:
    value = node.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise where.fail(node, key if key in node else None, f"{key} must be a lifetime such as '2 years' or 'session'")
    try:
        return syntax.parse_lifetime(value)
    except ValueError as error:
        raise where.fail(node, key, str(error)) from None


def _provenance(where: _Where, node: Mapping[str, Any]) -> Provenance:
    source = node.get("source")
    if not isinstance(source, str) or not (source == OPEN_COOKIE_DATABASE or syntax.is_web_url(source)):
        raise where.fail(
            node,
            "source" if "source" in node else None,
            f"source must be the http(s) URL of the vendor's page that was read, or {OPEN_COOKIE_DATABASE!r}",
        )
    read = node.get("read")
    if not isinstance(read, dt.date) or isinstance(read, dt.datetime):
        raise where.fail(node, "read" if "read" in node else None, "read must be the date the source was read")
    return Provenance(source, dt.date(read.year, read.month, read.day), _text(where, node, "quote", required=False))


def _strings(where: _Where, node: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = node.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
        raise where.fail(node, key, f"{key} must be a list of text")
    return tuple(str(item) for item in value)


def _vendor(where: _Where, node: Any) -> Vendor:
    if not isinstance(node, Mapping):
        raise where.fail(node, None, "a vendor is a mapping with id, name, role, source and read")
    _check_keys(where, node, _VENDOR_KEYS, "a vendor")
    vendor_id = _text(where, node, "id") or ""
    if not _ID.match(vendor_id):
        raise where.fail(node, "id", f"a vendor id is lowercase letters, digits and '-', got {vendor_id!r}")
    country = _text(where, node, "country", required=False)
    if country is not None and not syntax.is_country_code(country):
        raise where.fail(node, "country", f"expected an ISO 3166-1 alpha-2 country code, got {country!r}")
    policy = _text(where, node, "privacy_policy", required=False)
    if policy is not None and not syntax.is_web_url(policy):
        raise where.fail(node, "privacy_policy", f"expected an http(s) URL, got {policy!r}")
    transfer = _enum(where, node, "transfer", Safeguard, default=False) if "transfer" in node else None
    return Vendor(
        id=vendor_id,
        name=_text(where, node, "name") or "",
        role=_enum(where, node, "role", Role),
        provenance=_provenance(where, node),
        country=CountryCode(country) if country else None,
        transfer=transfer,
        privacy_policy=WebUrl(policy) if policy else None,
        aliases=_strings(where, node, "aliases"),
        domains=_strings(where, node, "domains"),
    )


@frozen
class _Service:
    """What a service says of its legal model, shared by its cookies."""

    id: str
    name: str
    vendor: Vendor
    role: Role | None = None
    role_note: str | None = None
    role_source: Provenance | None = None
    entities: tuple[tuple[str, Vendor], ...] = ()


def _service(where: _Where, node: Mapping[str, Any], vendors: Mapping[str, Vendor]) -> _Service:
    service = _text(where, node, "id") or ""
    if not _ID.match(service):
        raise where.fail(node, "id", f"a service id is lowercase letters, digits and '-', got {service!r}")
    vendor_id = _text(where, node, "vendor") or ""
    if vendor_id not in vendors:
        raise where.fail(node, "vendor", f"vendor {vendor_id!r} is not declared under any file's vendors")
    role = _enum(where, node, "role", Role) if "role" in node else None
    note = _text(where, node, "role_note", required=False)
    source: Provenance | None = None
    if role is not None or note is not None:
        # A role stated for a service is a legal fact: it says where it was read.
        source = _provenance(where, {"source": node.get("role_source"), "read": node.get("role_read")})
    raw = node.get("entities", {})
    if not isinstance(raw, Mapping):
        raise where.fail(node, "entities", "entities maps a region (eea, uk, us) to a vendor id")
    entities = []
    for region, entity in raw.items():
        if region not in _REGIONS or not isinstance(entity, str) or entity not in vendors:
            regions = ", ".join(sorted(_REGIONS))
            raise where.fail(raw, region, f"entities maps a region ({regions}) to a declared vendor id")
        entities.append((str(region), vendors[entity]))
    return _Service(service, _text(where, node, "name") or "", vendors[vendor_id], role, note, source, tuple(entities))


def _entry(where: _Where, node: Any, service: str, service_name: str, vendor: Vendor) -> Entry:
    if not isinstance(node, Mapping):
        raise where.fail(node, None, "a cookie is a mapping with name, category, lifetime, domain, purpose and source")
    _check_keys(where, node, _ENTRY_KEYS, "a cookie")
    name = _text(where, node, "name") or ""
    if not _NAME.match(name) or name == "*":
        raise where.fail(node, "name", f"a cookie name has no spaces and is not a lone '*'; got {name!r}")
    renewed = node.get("renewed", False)
    if not isinstance(renewed, bool):
        raise where.fail(node, "renewed", "renewed must be true or false")
    lifetime = _lifetime(where, node, "lifetime")
    assert lifetime is not None
    return Entry(
        service=service,
        service_name=service_name,
        name=name,
        vendor=vendor,
        category=_enum(where, node, "category", CategoryKind),
        lifetime=lifetime,
        domain=_enum(where, node, "domain", DomainKind),
        purpose=_text(where, node, "purpose") or "",
        provenance=_provenance(where, node),
        storage=_enum(where, node, "storage", Storage, default=Storage.COOKIE),
        renewed=renewed,
        configurable=_lifetime(where, node, "configurable", required=False),
        note=_text(where, node, "note", required=False),
        also=_strings(where, node, "also"),
        host=_text(where, node, "host", required=False),
    )


def read_file(file: Path) -> tuple[list[Vendor], list[tuple[_Where, Any]]]:
    """A file's vendors, and its services still raw (their vendors may be elsewhere)."""
    where = _Where(file)
    data = _read_yaml(file)
    if not isinstance(data, Mapping) or not data or set(data) - {"vendors", "services"}:
        raise where.fail(data, None, "a catalogue file is a mapping with 'vendors:', 'services:' or both")
    vendors = []
    raw_vendors = data.get("vendors", [])
    if not isinstance(raw_vendors, list):
        raise where.fail(data, "vendors", "vendors must be a list")
    for index, node in enumerate(raw_vendors):
        if not isinstance(node, Mapping):
            raise where.fail(raw_vendors, index, "a vendor is a mapping")
        vendors.append(_vendor(where, node))
    services = data.get("services", [])
    if not isinstance(services, list):
        raise where.fail(data, "services", "services must be a list")
    return vendors, [(where, node) for node in services]


def load_catalogue(path: Path | str | None = None) -> Catalogue:
    """The catalogue in `path`: a folder of *.yaml files or one file (default: the
    bundled data/catalogue/)."""
    path = Path(path) if path is not None else resources.data_dir() / "catalogue"
    if path.is_dir():
        files = sorted(path.glob("*.yaml"))
        if not files:
            raise CatalogueError(f"{path}: no catalogue files (*.yaml)")
    elif path.is_file():
        files = [path]
    else:
        raise CatalogueError(f"{path}: no such file or folder")
    vendors: dict[str, Vendor] = {}
    services: list[tuple[_Where, Any]] = []
    for file in files:
        found, raw = read_file(file)
        for vendor in found:
            if vendor.id in vendors:
                raise CatalogueError(f"{file}: vendor {vendor.id!r} is declared twice")
            vendors[vendor.id] = vendor
        services += raw
    entries: list[Entry] = []
    seen_services: set[str] = set()
    seen: set[str] = set()
    for where, node in services:
        if not isinstance(node, Mapping):
            raise where.fail(node, None, "a service is a mapping with id, name, vendor and cookies")
        _check_keys(where, node, _SERVICE_KEYS, "a service")
        described = _service(where, node, vendors)
        service = described.id
        if service in seen_services:
            raise where.fail(node, "id", f"service {service!r} is declared twice")
        seen_services.add(service)
        cookies = node.get("cookies")
        if not isinstance(cookies, list) or not cookies:
            raise where.fail(node, "cookies" if "cookies" in node else None, "cookies must be a non-empty list")
        for item in cookies:
            entry = attrs.evolve(
                _entry(where, item, service, described.name, described.vendor),
                role=described.role,
                role_note=described.role_note,
                role_source=described.role_source,
                entities=described.entities,
            )
            if entry.reference in seen:
                raise where.fail(item, "name", f"{entry.reference} is declared twice")
            seen.add(entry.reference)
            entries.append(entry)
    return Catalogue(tuple(entries), tuple(vendors.values()))


@functools.cache
def bundled() -> Catalogue:
    """The catalogue shipped with policykit, read once."""
    return load_catalogue()
