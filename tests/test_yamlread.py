"""The libyaml-based reader agrees with ruamel.yaml's own YAML 1.2 reading."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

import policykit
from policykit import yamlread
from policykit.yamlread import YamlReadError, explain, read_yaml


def ruamel_value(text: str) -> Any:
    return YAML(typ="safe", pure=True).load(f"k: {text}\n")["k"]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("yes", "yes"),  # YAML 1.1 booleans are strings in 1.2
        ("no", "no"),
        ("on", "on"),
        ("false", False),
        ("True", True),
        ("~", None),
        ("null", None),
        ("", None),
        ("0o17", 15),
        ("0x1F", 31),
        ("017", 17),
        ("1_000", "1_000"),  # ruamel reads this as 1000, as YAML 1.1 did
        ("1e3", 1000.0),
        ("-.5", -0.5),
        ("'123'", "123"),
        ('"false"', "false"),
        ("2021-02-19", dt.date(2021, 2, 19)),
        ("2021-02-19T13:40:00+01:00", dt.datetime(2021, 2, 19, 13, 40, tzinfo=dt.timezone(dt.timedelta(hours=1)))),
        ("90 days", "90 days"),
    ],
)
def test_scalars_follow_yaml_1_2(text: str, value: Any) -> None:
    assert read_yaml(f"k: {text}\n", 8)["k"] == value


scalar_like = st.one_of(
    st.from_regex(r"[-+]?[0-9]{1,6}(\.[0-9]{0,3})?([eE][-+]?[0-9]{1,2})?", fullmatch=True),
    st.from_regex(r"0[ox][0-9a-fA-F]{1,4}", fullmatch=True),
    st.sampled_from(["true", "TRUE", "tRue", "null", "NULL", "Null", "~", ".inf", "-.Inf", ".NaN", "y", "n"]),
    st.from_regex(r"[a-z][a-z0-9 ]{0,10}[a-z0-9]", fullmatch=True),
)


@given(scalar_like)
def test_plain_scalars_match_ruamel(text: str) -> None:
    ours, theirs = read_yaml(f"k: {text}\n", 8)["k"], ruamel_value(text)
    if isinstance(theirs, float) and theirs != theirs:
        assert ours != ours  # NaN
    else:
        assert (type(ours), ours) == (type(theirs), theirs)


def test_positions_of_keys_values_and_items() -> None:
    data = read_yaml("a:\n  - x\n  - {b: 1}\nc: 'd'\n", 8)
    assert isinstance(data, CommentedMap)
    assert data.lc.key("c") == (3, 0)
    assert data.lc.value("c") == (3, 3)
    assert data["a"].lc.item(1) == (2, 4)
    assert data["a"][1].lc.value("b") == (2, 8)


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("a: 1\na: 2\n", 'found duplicate key "a"', 1),
        ("a: &x 1\nb: *x\n", "YAML aliases (*name) are not allowed in a policy file", 1),
        ("a: !!binary aGk=\n", "YAML tags (tag:yaml.org,2002:binary) are not allowed in a policy file", 0),
        ("a: 1\n---\nb: 2\n", "holds more than one YAML document", 1),
        ("? [a]\n: 1\n", "a mapping key must be a plain value", 0),
        ("a: " + "[" * 9 + "]" * 9 + "\n", "nested more than 8 levels deep", 0),
    ],
)
def test_refusals(text: str, message: str, line: int) -> None:
    with pytest.raises(YamlReadError) as caught:
        read_yaml(text, 8)
    assert (caught.value.message, caught.value.line) == (message, line)


def test_deep_nesting_stops_before_any_recursion() -> None:
    with pytest.raises(YamlReadError, match="nested more than 64"):
        read_yaml("[" * 100_000 + "]" * 100_000, 64)


# --- plain words for the common mistakes, the same from both readers ------------------

MISTAKES = [
    (
        "meta:\n\ttitle: x\n",
        "2:1: error PK002 a tab in the indentation: YAML indents with spaces only; replace the tab with spaces",
    ),
    (
        "meta:\n  title: x\n\tlanguage: en\n",
        "3:1: error PK002 a tab in the indentation: YAML indents with spaces only; replace the tab with spaces",
    ),
    (
        "cookies:\n  - name: a\n    purpose: Used for: analytics\n",
        "3:22: error PK002 the value of 'purpose' holds ': ', which YAML reads as a new key; "
        'put the value in quotes: purpose: "Used for: analytics"',
    ),
    (
        'meta:\n  title: Cookies: "ours"\n',
        "2:17: error PK002 the value of 'title' holds ': ', which YAML reads as a new key; "
        "put the value in quotes: title: 'Cookies: \"ours\"'",
    ),
    (
        "meta:\n  title: x\n   language: en\n",
        "3:4: error PK002 'language' is indented more than the line above (column 4, not 3), so YAML reads it as "
        "more of the value above: line it up with the keys above, or put a value that holds ': ' in quotes",
    ),
    (
        "cookies:\n  - name: a\n     party: x\n",
        "3:6: error PK002 'party' is indented more than the line above (column 6, not 5)",
    ),
    (
        "meta:\n  title: x\n\n  # a comment\n language: en\n",
        "5:2: error PK002 bad indentation: 'language' starts in column 2, the line above in column 3; "
        "keys of one mapping start in the same column",
    ),
    (
        "cookies:\n  - name: a\n    party: x\n  - name: b\n  party: y\n",
        "5:3: error PK002 'party' lines up with the dashes of the list above but has no dash: "
        "start a new item with '- party', or indent it to line up with the keys of the item above",
    ),
    (
        "articles:\n  - title: x\n    body:\n      - one\n      two\n",
        "5:7: error PK002 'two' is neither 'key: value' nor a list item: add the missing ':' or the missing '- '",
    ),
]


@pytest.mark.parametrize("reader", ["libyaml", "pure"])
@pytest.mark.parametrize(("text", "expected"), MISTAKES)
def test_common_mistakes_in_plain_words(monkeypatch: pytest.MonkeyPatch, reader: str, text: str, expected: str) -> None:
    if reader == "pure":
        monkeypatch.setattr("policykit.yamlread.CParser", None)
    with pytest.raises(policykit.LoadError) as caught:
        policykit.loads(text, "p.yaml")
    (finding,) = caught.value.findings
    assert finding.to_text().startswith(f"p.yaml:{expected}")


def test_unrecognized_syntax_errors_keep_the_readers_words() -> None:
    assert explain("a: [b\n", "did not find expected ',' or ']'", 1, 0) == ("did not find expected ',' or ']'", 1, 0)


# --- one reader on every platform: libyaml's events or ruamel's pure-Python ones -------

VALUE_FORMS = [
    "yes", "no", "on", "off", "y", "n", "false", "False", "FALSE", "fAlse", "True", "~", "null", "Null", "NULL",
    "", "0o17", "0o8", "0x1F", "0xg", "017", "0b11", "1_000", "1,000", "1e3", "1E3", "1.", ".5", "-.5", "+1",
    "+.inf", "-.Inf", ".NaN", ".nan", "0.1e-2", "12:30", "12:30:00", "1:2:3", "2021-02-19", "2026-02-30",
    "2021-2-19", "2021-02-19T13:40:00+01:00", "2021-02-19 13:40:00", "2021-02-19t13:40:00Z", "2021-02-19T25:00:00",
    "'123'", '"false"', "'2021-02-19'", "90 days", "!!str 1", "'it''s'", '"a\\tb"', "|\n  block\n", ">\n  folded\n",
    "[1, a, null]", "{a: 1}", "- x", "'multi\n  line'", "plain\n  folded", "#", "a #b", "a#b", "@", "`",
    "0", "-0", "00", "0.0", "-", "--", "?", ":", "a: b",
]  # fmt: skip


def _either(text: str, pure: bool) -> tuple[str, Any]:
    try:
        return "ok", read_yaml(text, 8, pure=pure)
    except YamlReadError as error:
        return "refused", (error.message, error.line, error.column)
    except Exception as error:  # ruamel's own syntax errors: the loader explains them alike
        return "syntax", type(error).__name__


@pytest.mark.parametrize("form", VALUE_FORMS)
def test_libyaml_and_pure_events_give_the_same_value(form: str) -> None:
    from policykit.yamlread import has_libyaml

    assert has_libyaml(), "ruamel.yaml.clib is a dependency on CPython"
    text = f"k: {form}\n"
    fast, pure = _either(text, False), _either(text, True)
    if fast[0] == "ok" and isinstance(fast[1]["k"], float) and fast[1]["k"] != fast[1]["k"]:
        assert pure[0] == "ok" and pure[1]["k"] != pure[1]["k"]  # NaN
    else:
        assert pure == fast
        if fast[0] == "ok" and isinstance(fast[1], dict):
            assert [type(v) for v in fast[1].values()] == [type(v) for v in pure[1].values()]


# The two scanners differ on some syntax at the edges, which the reader cannot change:
# ruamel's pure scanner refuses a tab after a plain value ("k: 0<TAB>", which YAML 1.2
# and libyaml allow) and accepts an anchor ended by a no-break space ("&<NBSP>", which
# libyaml refuses); either way the loader reports a syntax error (PK002) with its place,
# or reads the same data. Everything both scanners accept reads the same.
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
def test_both_readers_agree_on_any_text(text: str) -> None:
    fast, pure = _either(text, False), _either(text, True)
    if fast[0] == pure[0] == "ok":
        assert repr(fast[1]) == repr(pure[1])  # repr: NaN != NaN


def test_whole_policies_read_the_same_on_both() -> None:
    from conftest import POLICY, SEED

    for path in (POLICY, SEED):
        text = path.read_text(encoding="utf-8")
        assert read_yaml(text, 64) == read_yaml(text, 64, pure=True)


@pytest.mark.parametrize("pure", [False, True])
def test_an_impossible_date_is_text_on_both_readers(monkeypatch: pytest.MonkeyPatch, pure: bool) -> None:
    assert read_yaml("effective: 2026-02-30\n", 8, pure=pure) == {"effective": "2026-02-30"}
    if pure:
        monkeypatch.setattr("policykit.yamlread.CParser", None)
    text = "meta:\n  effective: 2026-02-30\n"
    with pytest.raises(policykit.LoadError) as caught:
        policykit.loads(text, "p.yaml")
    assert all(finding.code != "PK002" for finding in caught.value.findings)
    assert "2026-02-30" in "\n".join(finding.message for finding in caught.value.findings)


def test_no_private_module_is_imported() -> None:
    from conftest import ROOT

    for path in (ROOT / "policykit").rglob("*.py"):
        assert "_ruamel_yaml" not in path.read_text(encoding="utf-8"), path


def test_a_file_of_too_many_mappings_and_lists_is_refused_at_the_first_one_over(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The limit bounds memory (each container keeps its positions); a real policy of
    # 16 MB holds far fewer. Lowered here so that the test stays small.
    monkeypatch.setattr(yamlread, "MAX_CONTAINERS", 10)
    text = "cookies:\n" + "".join(f"  - {{name: c{i}}}\n" for i in range(12))
    with pytest.raises(yamlread.YamlReadError) as caught:
        yamlread.read_yaml(text, 64)
    assert "more than 10 mappings and lists" in caught.value.message
    assert (caught.value.line, caught.value.column) == (9, 4)  # 0-based: the eleventh (the root and list count)
    yamlread.read_yaml("cookies:\n" + "".join(f"  - {{name: c{i}}}\n" for i in range(8)), 64)  # under it: fine


def test_a_url_in_a_flow_mapping_loads_as_yaml_1_2_and_the_docs_write_it() -> None:
    """`consent_settings: {url: https://...}`: libyaml (YAML 1.1) refuses the ':' in a flow
    mapping; the reader falls back to ruamel's parser, positions and all."""
    from conftest import POLICY
    from policykit.load import loads_with_source

    text = POLICY.read_text(encoding="utf-8").replace(
        "  consent_settings:\n    javascript: openCookieSettings\n",
        "  consent_settings: {url: https://www.example.com/cookies?x=1:2}\n",
    )
    assert "{url: https://" in text
    policy, source = loads_with_source(text, "p.yaml")
    assert policy.meta.consent_settings is not None
    assert policy.meta.consent_settings.url == "https://www.example.com/cookies?x=1:2"
    line = text[: text.index("consent_settings: {url:")].count("\n") + 1
    assert source.position(["meta", "consent_settings", "url"]) == (line, 27)
    with pytest.raises(policykit.LoadError, match=r"p\.yaml:1:"):
        policykit.loads("meta: {url: a: b}\n", "p.yaml")  # still an error where it is one
