"""The published JSON Schema: valid, in step with the code, and true to the bundled files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
from ruamel.yaml import YAML

from conftest import POLICY, ROOT, SEED
from policykit.schema import policy_schema


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(policy_schema())


def test_published_file_is_in_step_with_the_code() -> None:
    published = json.loads((ROOT / "data" / "policy.schema.json").read_text(encoding="utf-8"))
    assert published == policy_schema(), "run: policykit schema > data/policy.schema.json"


def as_json(path: Path) -> Any:
    """What a JSON Schema validator sees: YAML timestamps become ISO 8601 strings."""
    data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    return json.loads(json.dumps(data, default=lambda value: value.isoformat()))


def test_bundled_policies_validate() -> None:
    for path in (POLICY, SEED):
        jsonschema.validate(as_json(path), policy_schema())


def test_schema_rejects_an_unknown_key() -> None:
    data = as_json(POLICY)
    data["cookies"][0]["colour"] = "blue"
    validator = jsonschema.Draft202012Validator(policy_schema())
    assert any("colour" in error.message for error in validator.iter_errors(data))
