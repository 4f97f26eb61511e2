"""The cattrs converter between plain data (as YAML or JSON gives it) and the model.

In: dicts, lists and scalars. Out: model objects, or cattrs' grouped exceptions that
the loader turns into findings; and model objects back to plain data for the dumper.

Every hook is strict: cattrs' defaults coerce (`123` -> `"123"`, `"false"` -> True),
and a policy must mean exactly what it says.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Callable, Mapping
from typing import Any, TypeVar, get_args

import cattrs
from cattrs.cols import homogenous_tuple_structure_factory, is_mapping, is_sequence
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from policykit import syntax
from policykit.findings import excerpt
from policykit.model import (
    Article,
    Block,
    Category,
    Clause,
    ClauseKind,
    ConsentSettings,
    Controller,
    Cookie,
    CookieTable,
    CountryCode,
    ItemList,
    LanguageTag,
    Lifetime,
    Meta,
    Paragraph,
    Party,
    Policy,
    Ref,
    RuleCode,
    Section,
    Silence,
    Transfer,
    WebUrl,
)

__all__ = ["KEY_NAMES", "NOT_IN_FILE", "Nested", "converter", "describe", "structure", "unstructure"]

T = TypeVar("T")

# Model attributes whose key in the file differs: (class, attribute) -> key.
KEY_NAMES: dict[tuple[type, str], str] = {
    (Paragraph, "text"): "paragraph",
    (ItemList, "items"): "list",
}
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


class Nested(Exception):
    """An error inside the value of `key`; lets a custom hook keep the field path."""

    def __init__(self, key: str, error: Exception) -> None:
        super().__init__(key, error)
        self.key = key
        self.error = error


def describe(value: object) -> str:
    """How a wrong value is named in an error message."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {excerpt(value)}"
    if isinstance(value, str):
        return f"the string {excerpt(value)}"
    if isinstance(value, dt.datetime):
        return f"the date-time {value.isoformat()}"
    if isinstance(value, dt.date):
        return f"the date {value.isoformat()}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Mapping):
        return "a mapping"
    return type(value).__name__


def _strict_str(value: object, _: type) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {describe(value)}")
    return str(value)  # drop ruamel's string subclasses


def _strict_int(value: object, _: type) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"expected a whole number, got {describe(value)}")
    return int(value)


def _strict_bool(value: object, _: type) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"expected true or false, got {describe(value)}")
    return value


def _date(value: object, _: type) -> dt.date:
    if isinstance(value, dt.datetime):
        raise TypeError(f"expected a date without a time, got {describe(value)}")
    if isinstance(value, dt.date):
        return dt.date(value.year, value.month, value.day)
    if isinstance(value, str):
        return syntax.parse_date(value)
    raise TypeError(f"expected a date such as 2021-02-19, got {describe(value)}")


def _datetime(value: object, _: type) -> dt.datetime:
    if isinstance(value, dt.datetime):
        # ruamel's TimeStamp keeps extra state; rebuild a plain datetime.
        return syntax.parse_datetime(value.isoformat())
    if isinstance(value, str):
        return syntax.parse_datetime(value)
    raise TypeError(f"expected a date and time such as 2021-02-19T13:40:00+01:00, got {describe(value)}")


def _enum_hook(enum_type: type[enum.Enum]) -> Callable[[object, type], enum.Enum]:
    choices = ", ".join(repr(member.value) for member in enum_type)

    def hook(value: object, _: type) -> enum.Enum:
        for member in enum_type:
            if isinstance(value, str) and member.value == value:
                return member
        raise ValueError(f"expected one of {choices}, got {describe(value)}")

    return hook


def _lifetime(value: object, _: type) -> Lifetime:
    if not isinstance(value, str):
        raise TypeError(f"expected a lifetime such as '90 days' or 'session', got {describe(value)}")
    return syntax.parse_lifetime(value)


def _country(value: object, _: type) -> CountryCode:
    text = _strict_str(value, str)
    if not syntax.is_country_code(text):
        raise ValueError(f"expected an ISO 3166-1 alpha-2 country code such as 'US' or 'NL', got {excerpt(text)}")
    return CountryCode(text)


_RULE_CODE = re.compile(r"PK[0-9]{3}\Z")


def _rule_code(value: object, _: type) -> RuleCode:
    text = _strict_str(value, str)
    if not _RULE_CODE.match(text):
        raise ValueError(f"expected a rule code such as 'PK103', got {excerpt(text)}")
    return RuleCode(text)


def _silence(value: object, _: type) -> Silence:
    silence: Silence = _silence_fields(value, Silence)
    if len(silence.reason.split()) < 3:
        raise Nested("reason", ValueError("a silenced rule needs a written reason of a few words"))
    return silence


def _language(value: object, _: type) -> LanguageTag:
    text = _strict_str(value, str)
    if not syntax.is_language_tag(text):
        raise ValueError(f"expected a language such as 'en', 'nl' or 'pt_BR', got {excerpt(text)}")
    return LanguageTag(text)


def _web_url(value: object, _: type) -> WebUrl:
    text = _strict_str(value, str)
    if not syntax.is_web_url(text):
        raise ValueError(f"expected an http(s) URL such as 'https://example.com/privacy', got {excerpt(text)}")
    return WebUrl(text)


def _refs(value: object, _: type) -> dict[str, Ref]:
    if not isinstance(value, Mapping):
        raise TypeError(f"expected a mapping of placeholder names to references, got {describe(value)}")
    refs: dict[str, Ref] = {}
    errors: list[Exception] = []
    for name, target in value.items():
        try:
            if not isinstance(name, str) or not _NAME.match(name):
                raise ValueError(f"placeholder name {excerpt(name)} is not a bare name (letters, digits, '_')")
            refs[name] = converter.structure(target, Ref)
        except Exception as error:  # collected, then reported together
            errors.append(Nested(str(name), error))
    if errors:
        raise cattrs.IterableValidationError("While structuring refs", errors, dict)
    return refs


_BLOCK_KEYS = {"paragraph": Paragraph, "list": ItemList, "cookies": CookieTable, "clause": Clause}


def _block(value: object, _: type) -> Block:
    if isinstance(value, str):
        return Paragraph(value)
    if not isinstance(value, Mapping):
        raise TypeError(f"expected a paragraph (a string) or a mapping, got {describe(value)}")
    kinds = [key for key in _BLOCK_KEYS if key in value]
    if len(kinds) != 1:
        raise ValueError("a block has exactly one of the keys 'paragraph', 'list', 'cookies' or 'clause'")
    if kinds == ["clause"]:
        if len(value) != 1:
            extra = ", ".join(sorted(str(k) for k in value if k != "clause"))
            raise ValueError(f"a clause block has no key but 'clause'; unknown: {extra}")
        try:
            return Clause(converter.structure(value["clause"], ClauseKind))
        except Exception as error:
            raise Nested("clause", error) from None
    if kinds == ["cookies"]:
        if len(value) != 1:
            extra = ", ".join(sorted(str(k) for k in value if k != "cookies"))
            raise ValueError(f"a cookies block has no key but 'cookies'; unknown: {extra}")
        inner = value["cookies"]
        if inner is None:
            return CookieTable()
        try:
            return converter.structure(inner, CookieTable)
        except Exception as error:
            raise Nested("cookies", error) from None
    block: Block = converter.structure(value, _BLOCK_KEYS[kinds[0]])
    return block


def _with_default_id(value: object) -> object:
    """A cookie's id defaults to its name, so most entries need no id."""
    if isinstance(value, Mapping) and "id" not in value and isinstance(value.get("name"), str):
        return {"id": value["name"], **value}
    return value


def _strict_mapping_factory(cls: type, conv: cattrs.Converter) -> Callable[[object, type], Any]:
    renames: dict[str, Any] = {a: override(rename=key) for (owner, a), key in KEY_NAMES.items() if owner is cls}
    renames.update({a: override(omit=True) for owner, a in NOT_IN_FILE if owner is cls})
    inner: Callable[[Any, Any], Any] = make_dict_structure_fn(cls, conv, _cattrs_forbid_extra_keys=True, **renames)

    def hook(value: object, type_: type) -> Any:
        if cls is Cookie:
            if isinstance(value, Mapping) and value.get("name") == "":
                # It would match no cookie and drop out of every export's list: say so.
                raise Nested("name", ValueError("a cookie's name is not empty; write null where it is not stated"))
            value = _with_default_id(value)
        if not isinstance(value, Mapping):
            raise TypeError(f"expected a mapping, got {describe(value)}")
        return inner(value, type_)

    return hook


# Attributes that a file neither sets nor receives.
NOT_IN_FILE = {(Policy, "origin")}

_RECORDS = (
    Policy,
    Silence,
    Meta,
    Controller,
    ConsentSettings,
    Party,
    Transfer,
    Category,
    Cookie,
    Article,
    Section,
    Paragraph,
    ItemList,
    CookieTable,
    Clause,
    Ref,
)


def _sequence_factory(type_: Any, conv: cattrs.BaseConverter) -> Callable[[object, type], Any]:
    inner = homogenous_tuple_structure_factory(type_, conv)

    def hook(value: object, t: type) -> Any:
        if not isinstance(value, list):
            raise TypeError(f"expected a list, got {describe(value)}")
        return inner(value, t)

    return hook


def _unstructure_factory(cls: type, conv: cattrs.BaseConverter) -> Callable[[Any], dict[str, Any]]:
    renames = {a: override(rename=k) for (o, a), k in KEY_NAMES.items() if o is cls}
    renames.update({a: override(omit=True) for owner, a in NOT_IN_FILE if owner is cls})
    return make_dict_unstructure_fn(cls, conv, _cattrs_omit_if_default=True, **renames)  # type: ignore[arg-type]


def _build() -> cattrs.Converter:
    conv = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    conv.register_structure_hook(str, _strict_str)
    conv.register_structure_hook(int, _strict_int)
    conv.register_structure_hook(bool, _strict_bool)
    conv.register_structure_hook(dt.date, _date)
    conv.register_structure_hook(dt.datetime, _datetime)
    conv.register_structure_hook(Lifetime, _lifetime)
    conv.register_structure_hook(CountryCode, _country)
    conv.register_structure_hook(WebUrl, _web_url)
    conv.register_structure_hook(LanguageTag, _language)
    conv.register_structure_hook(RuleCode, _rule_code)
    conv.register_structure_hook(Silence, _silence)
    conv.register_structure_hook_func(lambda t: t == Mapping[str, Ref], _refs)
    conv.register_structure_hook(Block, _block)
    conv.register_structure_hook_factory(
        lambda t: isinstance(t, type) and issubclass(t, enum.Enum),
        lambda t: _enum_hook(t),
    )
    conv.register_structure_hook_factory(
        lambda t: is_sequence(t) and not is_mapping(t) and get_args(t)[1:] == (...,),
        _sequence_factory,
    )
    # A factory, so hooks are made on first use, after every hook is registered.
    conv.register_structure_hook_factory(lambda t: t in _RECORDS, _strict_mapping_factory)

    # Unstructuring: the file forms of values, and no key for a default value.
    conv.register_unstructure_hook(dt.date, lambda d: d.isoformat())
    conv.register_unstructure_hook(dt.datetime, lambda d: d.isoformat())
    conv.register_unstructure_hook(Lifetime, syntax.format_lifetime)
    conv.register_unstructure_hook_factory(
        lambda t: isinstance(t, type) and issubclass(t, enum.Enum), lambda t: lambda e: e.value
    )
    conv.register_unstructure_hook_factory(lambda t: t in _RECORDS, _unstructure_factory)
    return conv


converter = _build()
_silence_fields = _strict_mapping_factory(Silence, converter)


def structure(data: object, cls: type[T]) -> T:
    """`data` (plain YAML/JSON data, as the file's conventions write it) as a `cls`, such as
    Policy. Strict: no coercion, no unknown keys. Raises cattrs' exception groups
    (ClassValidationError, IterableValidationError) holding every field's error; the
    loader turns them into findings."""
    return converter.structure(data, cls)


def unstructure(value: object) -> Any:
    """`value` (a Policy or a record of one) as plain data in the file's conventions (the
    file's key names, lifetimes as '90 days', a paragraph without refs as its text, a
    cookie's id left out when it is its name): what dump writes."""
    data = converter.unstructure(value)
    return _tidy(value, data)


def _tidy(value: object, data: Any) -> Any:
    """File conventions the generic unstructuring cannot know."""
    if isinstance(value, Policy):
        data["cookies"] = [_tidy(c, d) for c, d in zip(value.cookies, data["cookies"], strict=False)]
        data["articles"] = [_tidy(a, d) for a, d in zip(value.articles, data["articles"], strict=False)]
    elif isinstance(value, Cookie):
        if value.name == value.id:
            del data["id"]  # the id defaults to the name
        if "name" not in data:
            data["name"] = None
    elif isinstance(value, (Article, Section)):
        data["body"] = [_tidy(b, d) for b, d in zip(value.body, data.get("body", []), strict=False)]
        if not data["body"]:
            del data["body"]
        if isinstance(value, Article) and value.sections:
            data["sections"] = [_tidy(s, d) for s, d in zip(value.sections, data["sections"], strict=False)]
    elif isinstance(value, Paragraph) and not value.refs:
        return value.text
    elif isinstance(value, CookieTable):
        return {"cookies": data or None}
    elif isinstance(value, Clause):
        return {"clause": value.kind.value}
    return data
