"""Cookie-name patterns match as globs, in linear time for any pattern."""

from __future__ import annotations

import functools
import json
import re
import shutil
import subprocess

import attrs
from hypothesis import given
from hypothesis import strategies as st
from tools import require

from policykit.catalogue import bundled
from policykit.catalogue.model import Catalogue
from policykit.exports.common import name_regex
from policykit.exports.cookies_json import glob_regex
from policykit.globs import compile_glob, glob_match, linear_regex


def _reference(pattern: str, name: str) -> bool:
    """The textbook dynamic programme: obviously right, quadratic, for small inputs."""

    @functools.cache
    def at(p: int, n: int) -> bool:
        if p == len(pattern):
            return n == len(name)
        if pattern[p] == "*":
            return at(p + 1, n) or (n < len(name) and at(p, n + 1))
        return n < len(name) and pattern[p] == name[n] and at(p + 1, n + 1)

    return at(0, 0)


patterns = st.text(alphabet="ab*.", max_size=10)
names = st.text(alphabet="ab.*", max_size=14)


@given(patterns, names)
def test_a_glob_means_what_the_reference_says(pattern: str, name: str) -> None:
    expected = _reference(pattern, name)
    assert glob_match(pattern, name) is expected
    # The regular expressions the exports write say the same, in Python's engine.
    assert bool(re.fullmatch(linear_regex(pattern, re.escape), name, re.DOTALL)) is expected
    assert bool(re.fullmatch(glob_regex(pattern), name, re.DOTALL)) is expected
    assert bool(re.fullmatch(name_regex(pattern), name, re.DOTALL)) is expected


def test_one_star_keeps_its_plain_regex() -> None:
    assert glob_regex("_ga_*") == "^_ga_.*$"
    assert compile_glob("**a**") == compile_glob("*a*")


MANY_STARS = "*a" * 30 + "*b"  # 31 stars: '.*a.*a...' took 38 s for one 60-character name


def test_many_stars_match_as_any_pattern_does() -> None:
    # The growth with the name's length is measured in bench/bench_globs.py; here, the
    # answers (a backtracking regex would not return from the first one).
    assert not glob_match(MANY_STARS, "a" * 60)
    assert glob_match(MANY_STARS, "a" * 59 + "b")
    assert re.fullmatch(glob_regex(MANY_STARS), "a" * 60) is None
    assert re.fullmatch(name_regex(MANY_STARS), "a" * 59 + "b") is not None


def test_the_regex_is_the_same_in_javascript() -> None:
    node = shutil.which("node")
    require(node is not None, "node")
    sources = [name_regex(p) for p in ("*a*a*b", "_ga_*", "wp-*-x*", MANY_STARS)]
    cases = ["xaab", "xab", "_ga_1", "wp-1-x2", "wp-1-2", "a" * 60, "a" * 59 + "b"]
    script = (
        f"const rs = {json.dumps(sources)}.map(s => new RegExp(s, 'u'));"
        f"console.log(JSON.stringify(rs.map(r => {json.dumps(cases)}.map(c => r.test(c)))));"
    )
    done = subprocess.run([str(node), "-e", script], capture_output=True, text=True, timeout=60, check=True)
    expected = [[glob_match(p, c) for c in cases] for p in ("*a*a*b", "_ga_*", "wp-*-x*", MANY_STARS)]
    assert json.loads(done.stdout) == expected


def test_the_catalogue_answers_a_many_star_entry() -> None:
    base = bundled()
    hostile = Catalogue((attrs.evolve(base.entries[0], name=MANY_STARS, also=()), *base.entries), base.vendors)
    assert hostile.matches("a" * 60) == []
    assert [e.name for e in hostile.matches("a" * 59 + "b")] == [MANY_STARS]
