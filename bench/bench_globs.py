"""Cookie-name patterns with many stars: time against the name's length, everywhere a
pattern meets a name (issue: `*a*a*a*a*a*a*a*a*b` took 38 s for one 60-character name).

In: nothing; each case builds a catalogue, a policy or a capture around the pattern
'*a' * 30 + '*b' (31 stars) and names of 'a's (which never match, the worst case) at
N and 10 N characters.
Out: a table of seconds per case at both lengths and their ratio; linear time is a
ratio near 10 (the done-criterion: at most 12). Beside it the baseline, the backtracking
regex policykit used before (`.*a.*a...`), run in a child process and stopped after
BASELINE_SECONDS. Exit 1 if a case's ratio is over 12 or it goes over its budget.

Cases, each through the code that uses the pattern:
- catalogue lookup: Catalogue.matches (what `catalogue lookup`, a `catalogue:`
  reference and `check --catalogue`'s rules call) with the pattern as a catalogue entry;
- audit: policykit.audit.audit of a capture holding one cookie of that name, against a
  policy declaring the pattern;
- exports, Python: the RegExp source of export.glob_regex run by Python's `re`;
- exports, JavaScript: exports.common.name_regex run by Node's RegExp (what Klaro and
  cookieconsent run in the browser), when node is installed.

Run: python bench/bench_globs.py [--length N]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable

PATTERN = "*a" * 30 + "*b"
RATIO_LIMIT = 12.0
BUDGET_SECONDS = 1.0
BASELINE_SECONDS = 10.0
REPEAT = 5


def _time(run: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(REPEAT):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def _catalogue(length: int) -> Callable[[], object]:
    import attrs

    from policykit.catalogue import bundled
    from policykit.catalogue.model import Catalogue

    base = bundled()
    hostile = attrs.evolve(base.entries[0], name=PATTERN, also=())
    catalogue = Catalogue((hostile, *base.entries), base.vendors)
    names = iter(range(10**9))

    def run() -> object:
        # A new name each time: the catalogue keeps its answers.
        return catalogue.matches("a" * (length - 1) + chr(0x100 + next(names) % 50))

    return run


def _audit(length: int) -> Callable[[], object]:
    import attrs

    import policykit
    from policykit.audit import audit
    from policykit.audit.capture import Capture, Observation

    policy = policykit.load("data/policy.yaml")
    cookie = attrs.evolve(policy.cookies[0], id="hostile", name=PATTERN)
    policy = attrs.evolve(policy, cookies=(cookie, *policy.cookies))
    seen = Observation("a" * length, "example.com", "jar", None, True, "https://example.com/", "", "cookies[0]")
    capture = Capture(file="jar.json", kind="storage-state", observations=(seen,))
    return lambda: audit(policy, [capture])


def _python_regex(length: int) -> Callable[[], object]:
    from policykit.exports.cookies_json import glob_regex

    compiled = re.compile(glob_regex(PATTERN))
    name = "a" * length
    return lambda: compiled.fullmatch(name)


_NODE = """
const [source, length, repeat] = JSON.parse(process.argv[1]);
const r = new RegExp(source, 'u'); const name = 'a'.repeat(length);
let best = Infinity;
for (let i = 0; i < repeat; i++) { const t = process.hrtime.bigint(); r.test(name);
  best = Math.min(best, Number(process.hrtime.bigint() - t) / 1e9); }
console.log(best);
"""


def _node_seconds(length: int) -> float | None:
    from policykit.exports.common import name_regex

    node = shutil.which("node")
    if node is None:
        return None
    argument = json.dumps([name_regex(PATTERN), length, REPEAT])
    done = subprocess.run([node, "-e", _NODE, argument], capture_output=True, text=True, check=True, timeout=120)
    return float(done.stdout)


def _baseline(length: int) -> str:
    """The old regex (`.*`-joined, backtracking) on one name, in a child process."""
    old = ".*".join(re.escape(part) for part in PATTERN.split("*"))
    code = (
        f"import re, time; t = time.perf_counter(); re.fullmatch({old!r}, 'a' * {length}); "
        "print(time.perf_counter() - t)"
    )
    try:
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=BASELINE_SECONDS)
    except subprocess.TimeoutExpired:
        return f"stopped after {BASELINE_SECONDS:.0f} s"
    return f"{float(done.stdout):.3f} s"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--length", type=int, default=6_000, help="N, the shorter name's length")
    length = parser.parse_args().length
    cases: dict[str, Callable[[int], float | None]] = {
        "catalogue lookup": lambda n: _time(_catalogue(n)),
        "audit": lambda n: _time(_audit(n)),
        "exports regex, Python re": lambda n: _time(_python_regex(n)),
        "exports regex, Node RegExp": _node_seconds,
    }
    print(f"pattern: {len(PATTERN)} characters, {PATTERN.count('*')} stars; best of {REPEAT}")
    print(f"| case | {length:,} characters | {10 * length:,} characters | ratio | verdict |")
    print("|---|---:|---:|---:|---|")
    failed = False
    for title, measure in cases.items():
        short, long = measure(length), measure(10 * length)
        if short is None or long is None:
            print(f"| {title} | not run (node is not installed) | | | |")
            continue
        ratio = long / short if short > 0 else float("inf")
        ok = ratio <= RATIO_LIMIT and long <= BUDGET_SECONDS
        failed |= not ok
        print(f"| {title} | {short:.6f} s | {long:.6f} s | {ratio:.1f} | {'ok' if ok else 'OVER'} |")
    for n in (30, 31, 60):
        print(f"| baseline: the old backtracking regex, Python re | {n} characters: {_baseline(n)} | | | |")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
