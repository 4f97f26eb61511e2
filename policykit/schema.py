"""The JSON Schema of the policy file format (draft-07, which the YAML language server
and check-jsonschema both support fully).

In: nothing. Out: a dict, built from the model's enums, the shared value syntax and
Babel's data (the countries and languages the loader accepts, enumerated), so the
schema cannot drift from what the loader accepts: a test runs both over the corpus in
tests/fixtures/corpus/. Editors use it through the `# yaml-language-server: $schema=...`
modeline for completion. The loader stays the authority: it also checks references
between records.

`$id` is an identifier, not a download: the URL of the project's PyPI page plus the
file's name, a namespace the project owns. Point editors at the file itself
(`policykit schema > policy.schema.json`).
"""

from __future__ import annotations

import enum
from typing import Any

from policykit import syntax
from policykit.model import (
    CategoryKind,
    ClauseKind,
    Persistence,
    Profile,
    RefField,
    Role,
    Safeguard,
    Storage,
    TableStyle,
)

__all__ = ["SCHEMA_ID", "policy_schema"]

SCHEMA_ID = "https://pypi.org/project/policykit-cookies/policy.schema.json"

_ID = {"type": "string", "minLength": 1}
_TEXT = {"type": "string"}
_NULLABLE_TEXT = {"type": ["string", "null"]}
_URL = {"type": "string", "pattern": r"^https?://\S+\.\S+$"}
_JS_HOOK = r"^[A-Za-z_$][A-Za-z0-9_$]*(\.[A-Za-z_$][A-Za-z0-9_$]*)*$"
_DATE = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
# The loader wants a time zone offset (syntax.parse_datetime).
_DATETIME = {
    "type": "string",
    "format": "date-time",
    "pattern": r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})$",
}


def _countries() -> dict[str, Any]:
    return {"enum": sorted(syntax.country_codes()), "description": "An ISO 3166-1 alpha-2 country code"}


def _languages() -> dict[str, Any]:
    from babel.localedata import locale_identifiers

    known = sorted({"root", *locale_identifiers()})
    return {
        "enum": [tag for tag in known if syntax.is_language_tag(tag)],
        "description": "A locale CLDR has data for, as Babel writes it: en, nl, pt_BR",
    }


def _enum(values: type[enum.Enum], *, nullable: bool = False) -> dict[str, Any]:
    choices: list[Any] = [member.value for member in values]
    return {"enum": [*choices, None] if nullable else choices}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


def _object(properties: dict[str, Any], required: list[str], description: str = "") -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }
    if description:
        schema["description"] = description
    return schema


def policy_schema() -> dict[str, Any]:
    """The JSON Schema (draft-07) of a policy file, as a dict: what `policykit schema` prints."""
    ref = {
        "type": "object",
        "properties": {
            "field": _enum(RefField),
            "cookie": _ID,
            "party": _ID,
            "parties": {"type": "array", "items": _ID, "minItems": 1},
            "controller": {"const": True, "description": "The controller of meta (fields: name, contact)."},
        },
        "required": ["field"],
        "oneOf": [
            {"required": ["cookie"]},
            {"required": ["party"]},
            {"required": ["parties"]},
            {"required": ["controller"]},
        ],
        "additionalProperties": False,
    }
    refs = {
        "type": "object",
        "propertyNames": {"pattern": "^[A-Za-z_][A-Za-z0-9_]*$"},
        "additionalProperties": {"$ref": "#/definitions/ref"},
        "description": "Placeholder name -> the record field it shows.",
    }
    block = {
        "oneOf": [
            {"type": "string", "description": "A paragraph with no references."},
            _object({"paragraph": _TEXT, "refs": refs}, ["paragraph"], "A paragraph."),
            _object({"list": {"type": "array", "items": _TEXT}, "refs": refs}, ["list"], "A bulleted list."),
            _object(
                {
                    "cookies": _nullable(
                        _object(
                            {
                                "party": _NULLABLE_TEXT,
                                "category": _NULLABLE_TEXT,
                                "persistence": _enum(Persistence, nullable=True),
                                "style": _enum(TableStyle),
                                "caption": _NULLABLE_TEXT,
                            },
                            [],
                        )
                    )
                },
                ["cookies"],
                "A table (or list) of the cookies that match every filter given.",
            ),
            _object(
                {"clause": _enum(ClauseKind)},
                ["clause"],
                "A clause policykit writes from the records, in every locale.",
            ),
        ]
    }
    silence = {
        "type": "array",
        "items": _object(
            {
                "rule": {"type": "string", "pattern": "^PK[0-9]{3}$"},
                "reason": {"type": "string", "pattern": r"\S+\s+\S+\s+\S+"},
            },
            ["rule", "reason"],
        ),
        "description": "Rules switched off for this element, each with a written reason.",
    }
    about = {**_enum(Persistence, nullable=True), "description": "The kind of cookie this part is about."}
    covers = {"type": "array", "items": _ID, "description": "Ids of the cookies this part discusses."}
    section = _object(
        {
            "id": _NULLABLE_TEXT,
            "title": _NULLABLE_TEXT,
            "about": about,
            "covers": covers,
            "body": {"type": "array", "items": {"$ref": "#/definitions/block"}},
            "silence": silence,
        },
        [],
    )
    article = _object(
        {
            "id": _NULLABLE_TEXT,
            "title": _TEXT,
            "about": about,
            "covers": covers,
            "body": {"type": "array", "items": {"$ref": "#/definitions/block"}},
            "sections": {"type": "array", "items": {"$ref": "#/definitions/section"}},
            "silence": silence,
        },
        ["title"],
    )
    party = _object(
        {
            "id": _ID,
            "name": {**_NULLABLE_TEXT, "description": "Legal name; null where not stated."},
            "role": _enum(Role),
            "country": _nullable(_countries()),
            "privacy_policy": _nullable(_URL),
            "domains": {"type": "array", "items": _ID},
            "transfer": _nullable(_object({"safeguard": _enum(Safeguard), "since": _nullable(_DATE)}, ["safeguard"])),
            "silence": silence,
            "service": {**_nullable(_ID), "description": "The service its cookies belong to, unless a cookie says."},
        },
        ["id", "name", "role"],
    )
    cookie = _object(
        {
            "id": {**_ID, "description": "Defaults to the name; needed when name is null."},
            "name": {**_NULLABLE_TEXT, "minLength": 1, "description": "Exact, or a pattern such as _ga_*."},
            "party": _ID,
            "category": _ID,
            "purpose": _TEXT,
            "lifetime": {"type": "string", "pattern": syntax.LIFETIME_PATTERN},
            "storage": _enum(Storage),
            "domain": _NULLABLE_TEXT,
            "silence": silence,
            "service": {**_nullable(_ID), "description": "The service it belongs to; default: its party's."},
        },
        ["name", "party", "category", "purpose", "lifetime"],
    )
    # A cookie whose name is not stated (null) is known by its id.
    cookie["if"] = {"properties": {"name": {"type": "null"}}, "required": ["name"]}
    cookie["then"] = {"required": ["id"]}
    # A cookie declared by reference to the vendor catalogue inherits what it does not state.
    cookie["properties"]["catalogue"] = {
        **_TEXT,
        "description": "A cookie name the built-in vendor catalogue knows (_ga, _ga_ABC123): inherit its name, "
        "party, category, purpose and lifetime; any of them stated here overrides it.",
    }
    cookie["properties"]["from"] = {
        "type": "string",
        "pattern": "^[a-z0-9][a-z0-9-]*/\\S+$",
        "description": "A catalogue entry as service/name (google-analytics/_ga), inherited like 'catalogue'.",
    }
    cookie["anyOf"] = [{"required": cookie.pop("required")}, {"required": ["catalogue"]}, {"required": ["from"]}]
    cookie["not"] = {"required": ["catalogue", "from"]}
    category = _object(
        {
            "id": _ID,
            "title": _TEXT,
            "consent_required": {"type": "boolean"},
            "description": _NULLABLE_TEXT,
            "kind": {
                **_enum(CategoryKind, nullable=True),
                "description": "What its cookies are for; says which exemption from consent it claims.",
            },
        },
        ["id", "title", "consent_required"],
    )
    meta = _object(
        {
            "title": _TEXT,
            "language": _languages(),
            "last_modified": _DATETIME,
            "effective": _nullable(_DATE),
            "profiles": {
                "type": "array",
                "items": _enum(Profile),
                "description": "The laws `policykit check` judges the policy by when --profile is not given.",
            },
            "version": _NULLABLE_TEXT,
            "archive": {**_nullable(_URL), "description": "Where earlier versions of the policy are published."},
            "website": _nullable(_URL),
            "consent_settings": _nullable(
                {
                    "oneOf": [
                        _object({"url": _URL}, ["url"]),
                        _object({"javascript": {"type": "string", "pattern": _JS_HOOK}}, ["javascript"]),
                    ],
                    "description": "Where readers change their cookie choices: a page (url) or a function "
                    "the site binds (javascript: a dotted name such as openCookieSettings), HTML only.",
                }
            ),
            "controller": _object(
                {"organisation": _NULLABLE_TEXT, "address": _NULLABLE_TEXT, "contact": _NULLABLE_TEXT}, []
            ),
            "silence": silence,
        },
        ["title", "language", "last_modified"],
    )
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": SCHEMA_ID,
        "title": "policykit cookie policy",
        **_object(
            {
                "meta": {"$ref": "#/definitions/meta"},
                "categories": {"type": "array", "items": {"$ref": "#/definitions/category"}},
                "parties": {"type": "array", "items": {"$ref": "#/definitions/party"}},
                "cookies": {"type": "array", "items": {"$ref": "#/definitions/cookie"}},
                "articles": {"type": "array", "items": {"$ref": "#/definitions/article"}},
            },
            ["meta", "parties", "cookies", "articles"],
        ),
        "definitions": {
            "meta": meta,
            "category": category,
            "party": party,
            "cookie": cookie,
            "article": article,
            "section": section,
            "block": block,
            "ref": ref,
        },
    }
