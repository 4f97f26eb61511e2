"""The published JSON Schema: valid draft-07, in step with the code, true to the bundled
files, and in agreement with the loader on every document of the shared corpus."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import policykit
from conftest import FIXTURES, POLICY, ROOT, SEED
from policykit.schema import SCHEMA_ID, policy_schema
from policykit.yamlread import read_yaml

CORPUS = FIXTURES / "corpus"
VALIDATOR = jsonschema.Draft7Validator(policy_schema(), format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


def test_schema_is_a_valid_draft_07_schema_with_a_real_id() -> None:
    schema = policy_schema()
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    jsonschema.Draft7Validator.check_schema(schema)
    assert schema["$id"] == SCHEMA_ID == "https://pypi.org/project/policykit-cookies/policy.schema.json"
    assert "$defs" not in json.dumps(schema)  # draft-07 says definitions


def test_published_file_is_in_step_with_the_code() -> None:
    published = json.loads((ROOT / "data" / "policy.schema.json").read_text(encoding="utf-8"))
    assert published == policy_schema(), "run: policykit schema > data/policy.schema.json"


def as_json(text: str) -> Any:
    """What a JSON Schema validator sees of a policy as the loader reads it (YAML 1.2;
    dates and times as ISO 8601 strings)."""

    def iso(value: object) -> str:
        assert isinstance(value, dt.date | dt.datetime)
        return value.isoformat()

    return json.loads(json.dumps(read_yaml(text, 64), default=iso))


def schema_accepts(text: str) -> bool:
    return not any(True for _ in VALIDATOR.iter_errors(as_json(text)))


def loader_accepts(text: str, name: str) -> bool:
    try:
        policykit.loads(text, name)
    except policykit.LoadError:
        return False
    return True


def test_bundled_policies_validate() -> None:
    for path in (POLICY, SEED):
        errors = [error.message for error in VALIDATOR.iter_errors(as_json(path.read_text(encoding="utf-8")))]
        assert errors == [], path


CORPUS_FILES = sorted(CORPUS.glob("*/*.yaml"))


def test_the_corpus_has_both_kinds() -> None:
    kinds = {path.parent.name for path in CORPUS_FILES}
    assert kinds == {"valid", "invalid"} and len(CORPUS_FILES) >= 20


@pytest.mark.parametrize("path", CORPUS_FILES, ids=[f"{p.parent.name}/{p.stem}" for p in CORPUS_FILES])
def test_schema_and_loader_agree_on_the_corpus(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    expected = path.parent.name == "valid"
    assert loader_accepts(text, path.name) is expected, "the loader"
    assert schema_accepts(text) is expected, "the schema"


def _with(old: str, new: str) -> str:
    text = (CORPUS / "valid" / "minimal.yaml").read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabz019_", min_size=1, max_size=4))
def test_schema_and_loader_agree_on_any_country(code: str) -> None:
    text = _with("country: NL", f"country: '{code}'")
    assert schema_accepts(text) == loader_accepts(text, "p.yaml")


@settings(max_examples=150, deadline=None)
@given(
    st.one_of(
        st.sampled_from(["en", "nl", "de", "fr", "ar", "pt_BR", "zh_Hant_TW", "sr_Latn", "root", "en_150", "xx"]),
        st.from_regex(r"[a-z]{2,3}(_[A-Z]{2})?", fullmatch=True),
    )
)
def test_schema_and_loader_agree_on_any_language(tag: str) -> None:
    text = _with("language: en", f"language: '{tag}'")
    assert schema_accepts(text) == loader_accepts(text, "p.yaml")


def test_schema_rejects_an_unknown_key() -> None:
    data = as_json(POLICY.read_text(encoding="utf-8"))
    data["cookies"][0]["colour"] = "blue"
    assert any("colour" in error.message for error in VALIDATOR.iter_errors(data))
