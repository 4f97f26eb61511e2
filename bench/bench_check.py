"""Time `policykit check` on a policy of the 2,264 Open Cookie Database cookies.

Baseline, in the same run: check-jsonschema validating the same file against
policykit's own JSON Schema (data/policy.schema.json). Both are timed as commands,
start-up included, and policykit is also timed in-process (load + rules).

Run: python bench/bench_check.py [--repeat N]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from common import ROOT, best_and_median, command, ocd_policy_file, report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    import policykit

    with tempfile.TemporaryDirectory() as temp:
        path = ocd_policy_file(Path(temp))
        policy = policykit.load(path)
        print(f"{path.stat().st_size:,} bytes, {len(policy.cookies):,} cookies, {len(policy.parties)} parties")

        def in_process() -> None:
            loaded = policykit.load(path)
            check = getattr(policykit, "check", None)
            if check is not None:
                check(loaded)

        rows = [
            ("policykit load+check, in process", *best_and_median(in_process, args.repeat)),
            (
                "policykit check (command)",
                *best_and_median(
                    command([sys.executable, "-m", "policykit", "check", str(path)], ok=(0, 1)), args.repeat
                ),
            ),
        ]
        checker = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent)) or shutil.which(
            "check-jsonschema"
        )
        if checker is None:
            print("check-jsonschema is not installed: pip install '.[bench]'", file=sys.stderr)
        else:
            schema = ROOT / "data" / "policy.schema.json"
            rows.append(
                (
                    "check-jsonschema (command)",
                    *best_and_median(command([checker, "--schemafile", str(schema), str(path)]), args.repeat),
                )
            )
        report(f"check, {args.repeat} runs each:", rows)
        if len(rows) == 3:
            print(f"policykit / check-jsonschema (median, commands): {rows[1][2] / rows[2][2]:.2f}")


if __name__ == "__main__":
    main()
