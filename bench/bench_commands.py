"""Time policykit's commands against their baselines as whole processes, alternated in
the same run so that both see the same load: `policykit check` against check-jsonschema
on the same file and schema, and `policykit render --format html` against PyYAML (with
libyaml) and one Jinja2 template (bench/plain_render.py), on the policy of the 2,264 Open
Cookie Database cookies (or --cookies N). Wall and CPU (user + system of the child)
medians, and the load average before and after.

Run: python bench/bench_commands.py [--repeat N] [--cookies N]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, ocd_policy_file

HERE = Path(__file__).resolve().parent


def timed(argv: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run of `argv`, its output discarded."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{argv[:3]} exited {done.returncode}: {done.stderr.decode()[-500:]}")
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--cookies", type=int, default=None)
    args = parser.parse_args()
    checker = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent)) or "check-jsonschema"
    with tempfile.TemporaryDirectory() as temp:
        path = str(ocd_policy_file(Path(temp), args.cookies))
        pairs = {
            "check": (
                [sys.executable, "-m", "policykit", "check", "-q", path],
                [checker, "--schemafile", str(ROOT / "data" / "policy.schema.json"), path],
            ),
            "render html": (
                [sys.executable, "-m", "policykit", "render", "--format", "html", "-q", path],
                [sys.executable, str(HERE / "plain_render.py"), path],
            ),
        }
        for name, (ours, baseline) in pairs.items():
            print(f"{name}: load average before {os.getloadavg()[0]:.2f}")
            runs: dict[str, list[tuple[float, float]]] = {"policykit": [], "baseline": []}
            for _ in range(args.repeat):
                runs["policykit"].append(timed(ours))
                runs["baseline"].append(timed(baseline))
            medians = {
                who: (statistics.median(w for w, _ in found), statistics.median(c for _, c in found))
                for who, found in runs.items()
            }
            for who, (wall, cpu) in medians.items():
                print(f"  {who:<9} wall {wall:.3f} s  CPU {cpu:.3f} s  ({args.repeat} runs, medians)")
            ratio_wall = medians["policykit"][0] / medians["baseline"][0]
            ratio_cpu = medians["policykit"][1] / medians["baseline"][1]
            print(f"  ratio: wall {ratio_wall:.2f}, CPU {ratio_cpu:.2f}; load average after {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
