"""Dumping a policy back to a YAML policy file: `loads(dump(p)) == p`."""

from __future__ import annotations

import io
import re
from typing import Any

from ruamel.yaml import YAML

from policykit import convert
from policykit.model import Policy

__all__ = ["dump"]


def dump(policy: Policy) -> str:
    """The policy as the text of a YAML policy file, in its normal form (defaults left out,
    keys in the model's order, comments not kept); `loads(dump(p)) == p`."""
    yaml = YAML(typ="rt", pure=True)
    data = _quoted_where_needed(convert.unstructure(policy))
    # ruamel folds a double-quoted line right after an escape without the '\' that would
    # keep the break out of the value ("a\t" + fold reads back "a\t "): a file that needs
    # double quotes is written unfolded.
    yaml.width = 1 << 30 if _any_double_quoted(data) else 100
    yaml.indent(mapping=2, sequence=4, offset=2)
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


# Characters a plain, single-quoted or folded YAML scalar would not keep as they are:
# YAML reads U+0085, U+2028 and U+2029 as line breaks and folds them, and a tab or CR
# next to a fold is lost. In double quotes the dumper writes each as an escape.
_NOT_KEPT_UNQUOTED = re.compile(r"[\t\r\x85\u2028\u2029]|[^\n\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _any_double_quoted(data: Any) -> bool:
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    if isinstance(data, dict):
        return any(_any_double_quoted(value) for value in data.values())
    if isinstance(data, list):
        return any(_any_double_quoted(value) for value in data)
    return isinstance(data, DoubleQuotedScalarString)


def _quoted_where_needed(data: Any) -> Any:
    """Unstructured policy data with each string that needs it in double quotes."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    if isinstance(data, dict):
        return {key: _quoted_where_needed(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_quoted_where_needed(value) for value in data]
    if isinstance(data, str) and _NOT_KEPT_UNQUOTED.search(data):
        return DoubleQuotedScalarString(data)
    return data
