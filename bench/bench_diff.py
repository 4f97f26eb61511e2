"""How the time of `policykit diff` grows with the number of cookies: linear, or not.

In: the Open Cookie Database's rows (bench/common.py), as an old policy of N cookies,
and a new one where every 10th purpose adds a use ("and shares it with partners"),
every 7th lifetime is a year longer, every 13th cookie is gone, every 17th moves to
another party and N/20 cookies are new. Out: for each N, the best of --repeat runs
(the sizes interleaved) of diff() and of diff() plus its Markdown and JSON notices, and
the ratio to the smallest N. The done-criterion of issue 24: 10 times the cookies cost at most 12 times the time.
Exit 1 when the largest size breaks it.

The default sizes are the database's 2,264 rows and ten times them, so that both
policies hold the same texts in the same proportions (a prefix of the rows would not:
purposes differ in length from row to row, and a purpose is read word by word).

    python bench/bench_diff.py [--sizes 2264,22640] [--repeat 7]
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path

import attrs

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import ocd_rows

from policykit.model import Cookie, Lifetime, Policy, Unit


def _changed(cookie: Cookie, index: int, parties: list[str]) -> Cookie:
    if index % 10 == 0:
        cookie = attrs.evolve(cookie, purpose=cookie.purpose + " It shares the data with partners.")
    if index % 7 == 0:
        seconds = cookie.lifetime.longest_seconds() or 0
        cookie = attrs.evolve(cookie, lifetime=Lifetime.of(seconds // 86_400 + 365, Unit.DAY))
    if index % 17 == 0 and len(parties) > 1:
        other = parties[(parties.index(cookie.party) + 1) % len(parties)]
        cookie = attrs.evolve(cookie, party=other)
    return cookie


def policies(count: int) -> tuple[Policy, Policy]:
    from policykit.catalogue.ocd import ocd_policy

    old = ocd_policy(ocd_rows(count))
    parties = [p.id for p in old.parties]
    kept = [_changed(c, i, parties) for i, c in enumerate(old.cookies) if i % 13 != 5]
    extra = [
        attrs.evolve(c, id=f"{c.id}-new", name=f"{c.name or c.id}_new", purpose="Counts visits.")
        for c in old.cookies[: count // 20]
    ]
    return old, attrs.evolve(old, cookies=(*kept, *extra))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="2264,22640")
    parser.add_argument("--repeat", type=int, default=7)
    options = parser.parse_args()
    from policykit.diff import diff, notice

    sizes = [int(size) for size in options.sizes.split(",")]
    inputs = {count: policies(count) for count in sizes}
    found = {count: len(diff(*pair).changes) for count, pair in inputs.items()}

    def whole_run(old: Policy, new: Policy) -> object:
        changes = diff(old, new)
        return notice(changes, "md"), notice(changes, "json")

    # The inputs are long-lived, as a loaded policy is for the length of one command:
    # frozen out of the collector's view, so a size is not charged for the others' objects.
    gc.collect()
    gc.freeze()
    best: dict[tuple[int, str], float] = {}
    for _ in range(options.repeat):  # the sizes interleaved, so that a busy moment hits each alike
        for count, (old, new) in inputs.items():
            for stage, run in (("diff", diff), ("whole", whole_run)):
                start = time.perf_counter()
                run(old, new)
                seconds = time.perf_counter() - start
                best[count, stage] = min(best.get((count, stage), seconds), seconds)
    rows = [(count, found[count], best[count, "diff"], best[count, "whole"]) for count in sizes]
    base = rows[0]
    print("| cookies | changes | diff() s | ratio | diff + md + json s | ratio | size ratio |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for count, listed, compare, whole in rows:
        print(
            f"| {count:,} | {listed:,} | {compare:.3f} | {compare / base[2]:.1f} | {whole:.3f} | "
            f"{whole / base[3]:.1f} | {count / base[0]:.1f} |"
        )
    last = rows[-1]
    limit = 1.2 * last[0] / base[0]
    ok = last[2] / base[2] <= limit and last[3] / base[3] <= limit
    print(
        f"{'within' if ok else 'OVER'} the budget: {last[0] / base[0]:.0f}x the cookies, at most {limit:.0f}x the time"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
