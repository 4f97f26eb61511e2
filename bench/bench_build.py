"""How long `policykit build` takes: in parallel against one process, and a rebuild with
nothing changed against a full build.

In: the repository's own project (data/ and locales/, copied to a temporary folder).
Out: the median and the fastest of --repeat runs of each, printed side by side with
their ratios, each run the real command in a fresh process:
- full, default jobs: `policykit build` into an empty output folder (one process per core);
- full, --jobs 1: the same in one process, the baseline;
- no change: `policykit build` again over a complete site; it must change no byte;
- control: pure-Python work in one process per core against the same in one process,
  the parallelism the machine offers during the run (other load takes its share).

The two full builds alternate, so a machine busy with something else slows both alike.

    python bench/bench_build.py [--repeat 5] [--locale nl --locale de ...]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _frozen_package(directory: Path) -> dict[str, str]:
    """A copy of policykit as it is now, so that edits to the checkout during the run
    (which a build rightly takes as a changed input) do not reach it. Returns the
    environment that imports it."""
    lib = directory / "lib"
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(ROOT / "policykit", lib / "policykit", ignore=ignore)
    shutil.copytree(ROOT / "data", lib / "data", ignore=ignore)
    shutil.copytree(ROOT / "locales", lib / "locales", ignore=ignore)
    return {**os.environ, "PYTHONPATH": str(lib)}


def _project(directory: Path) -> Path:
    project = directory / "project"
    project.mkdir()
    shutil.copytree(ROOT / "data", project / "data")
    shutil.copytree(ROOT / "locales", project / "locales")
    shutil.copy(ROOT / "pyproject.toml", project / "pyproject.toml")
    return project


ENVIRONMENT: dict[str, str] = {}


def _build(project: Path, *options: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "policykit", "build", "-q", *options], cwd=project, check=True,
                   env=ENVIRONMENT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    return time.perf_counter() - start


def _spin(count: int = 20_000_000) -> None:
    total = 0
    for number in range(count):
        total += number


def _machine_parallelism(workers: int) -> float:
    """The same pure-Python work in `workers` processes at once, over the time it takes
    one after the other: 1/workers on idle cores, near 1.0 on a machine busy elsewhere.
    The best a parallel build can reach here, measured in the same run."""
    import multiprocessing

    start = time.perf_counter()
    for _ in range(workers):
        _spin()
    serial = time.perf_counter() - start
    start = time.perf_counter()
    processes = [multiprocessing.Process(target=_spin) for _ in range(workers)]
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    return (time.perf_counter() - start) / serial


def _snapshot(site: Path) -> dict[str, tuple[int, str]]:
    return {
        p.relative_to(site).as_posix(): (p.stat().st_mtime_ns, hashlib.sha256(p.read_bytes()).hexdigest())
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--locale", action="append", default=[], help="Build only these locales.")
    args = parser.parse_args()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    control_before = _machine_parallelism(cores) if cores > 1 else 1.0
    locales = [option for locale in args.locale for option in ("--locale", locale)]
    with tempfile.TemporaryDirectory() as temp:
        ENVIRONMENT.update(_frozen_package(Path(temp)))
        project = _project(Path(temp))
        site = project / "site"
        _build(project, *locales)  # warm-up: caches of the file system and of Python's bytecode
        parallel: list[float] = []
        single: list[float] = []
        for _ in range(args.repeat):
            shutil.rmtree(site)
            parallel.append(_build(project, *locales))
            reference = _snapshot(site)
            shutil.rmtree(site)
            single.append(_build(project, "--jobs", "1", *locales))
            if {k: v[1] for k, v in _snapshot(site).items()} != {k: v[1] for k, v in reference.items()}:
                raise SystemExit("the site built with --jobs 1 differs from the one built in parallel")
        before = _snapshot(site)
        rebuild = [_build(project, *locales) for _ in range(args.repeat)]
        if _snapshot(site) != before:
            raise SystemExit("a rebuild with nothing changed changed the site")

    control_after = _machine_parallelism(cores) if cores > 1 else 1.0
    full = statistics.median(parallel)
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"policykit build, {os.cpu_count()} cores, load average {load}, Python {sys.version.split()[0]}")
    print(f"median and fastest of {args.repeat} runs each; ratio: median over the baseline")
    print(f"{'':28}{'median s':>10}{'fastest s':>11}{'ratio':>8}")
    rows = [
        ("full, --jobs 1", single, statistics.median(single)),
        ("full, default jobs", parallel, statistics.median(single)),
        ("no change (vs full default)", rebuild, full),
    ]
    for label, times, baseline in rows:
        median = statistics.median(times)
        print(f"{label:28}{median:>10.2f}{min(times):>11.2f}{median / baseline:>8.2f}")
    print(f"control: pure-Python work in {cores} processes takes {control_before:.2f} (before) and "
          f"{control_after:.2f} (after) of the time in one; {1 / cores:.2f} on idle cores")  # fmt: skip


if __name__ == "__main__":
    main()
