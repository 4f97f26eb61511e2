"""Time and peak memory of loading hostile files: each must fail fast with one clear line.

Baseline, in the same run: json.loads of an equally deep JSON document (which fails
with RecursionError), and ruamel.yaml's safe loader on a smaller alias bomb followed by
what any consumer does next, walking the data (here json.dumps): the aliases share
objects when loaded, and the expansion happens on the walk.

Run: python bench/bench_hostile.py
"""

from __future__ import annotations

import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

BOMB = (
    "a: &a ["
    + ",".join(['"lol"'] * 9)
    + "]\n"
    + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(8))
)


def measure(run: Callable[[], object]) -> tuple[float, float, str]:
    tracemalloc.start()
    started = time.perf_counter()
    try:
        run()
        outcome = "loaded"
    except Exception as error:  # each case is expected to fail; say how
        outcome = str(error).splitlines()[0][:90]
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return elapsed, peak, outcome


def main() -> None:
    import json

    from ruamel.yaml import YAML

    import policykit

    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        cases = {
            "alias bomb (9^9 strings)": BOMB,
            "100,000 nested lists": "[" * 100_000 + "]" * 100_000,
            "3,000 nested mappings": "".join(" " * i + "a:\n" for i in range(3_000)),
            "17 MiB of text": "# " + "x" * (17 * 2**20) + "\n",
        }
        print(f"{'case':<28} {'seconds':>8} {'peak MiB':>9}  outcome")
        for name, text in cases.items():
            path = folder / "case.yaml"
            path.write_text(text, encoding="utf-8")
            elapsed, peak, outcome = measure(lambda path=path: policykit.load(path))  # type: ignore[misc]
            print(f"{name:<28} {elapsed:8.3f} {peak:9.1f}  {outcome}")
        deep_json = "[" * 100_000 + "]" * 100_000
        elapsed, peak, outcome = measure(lambda: json.loads(deep_json))
        print(f"{'baseline: json.loads, deep':<28} {elapsed:8.3f} {peak:9.1f}  {outcome}")
        small_bomb = BOMB.split("\n")
        bomb6 = "\n".join(small_bomb[:6]) + "\n"  # 9^5 strings: the full bomb would take minutes
        elapsed, peak, outcome = measure(lambda: len(json.dumps(YAML(typ="safe", pure=True).load(bomb6))))
        print(f"{'baseline: ruamel+walk, 9^5':<28} {elapsed:8.3f} {peak:9.1f}  {outcome}")


if __name__ == "__main__":
    main()
