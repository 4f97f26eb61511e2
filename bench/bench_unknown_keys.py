"""Time and peak memory of `policykit check` on a file of 1,000,000 unknown keys (11 MB).

Each key is a PK003 finding, but only the first MAX_FINDINGS (500) are shown: their "did
you mean" suggestions are the only ones computed, and the problems past the first 10,000
are counted, not placed. Baseline, in the same run: reading the same file with
policykit's YAML reader alone (the parse every load pays).

Run: python bench/bench_unknown_keys.py [COUNT]
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(*argv: str) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MiB of the child, and its last line of stderr."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    done = subprocess.run([sys.executable, *argv], capture_output=True, text=True, cwd=ROOT)
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    lines = (done.stdout + done.stderr).strip().splitlines() or [""]
    return elapsed, max(peak, before) / 1024, lines[-1][-90:]


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    with tempfile.TemporaryDirectory() as temp:
        path = Path(temp) / "unknown.yaml"
        path.write_text("".join(f"k{i:06d}: 1\n" for i in range(count)), encoding="utf-8")
        # Peak RSS of children is a high-water mark: the smaller baseline runs first.
        reader = (
            "from policykit.load import MAX_DEPTH; from policykit.yamlread import read_yaml; "
            f"read_yaml(open({str(path)!r}, encoding='utf-8').read(), MAX_DEPTH)"
        )
        print(f"{'case':<34} {'seconds':>8} {'peak MiB':>9}  outcome")
        elapsed, peak, outcome = run("-c", reader)
        print(f"{'baseline: the YAML reader alone':<34} {elapsed:8.2f} {peak:9.1f}  {outcome or 'read'}")
        elapsed, peak, outcome = run("-m", "policykit", "check", "-q", str(path))
        print(f"{f'check, {count:,} unknown keys':<34} {elapsed:8.2f} {peak:9.1f}  {outcome}")


if __name__ == "__main__":
    main()
