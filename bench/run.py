"""The benchmark suite: every stage of policykit at 10, 100, 2,264 and 10,000 cookies,
medians and peak memory, beside plain tools doing the same job in the same run.

Policies are the Open Cookie Database's rows (../shared/data/open-cookie-database/),
repeated with distinct names beyond its 2,264 (bench/common.py). Every measurement runs
in a fresh process, so its peak memory is its own: the peak, sampled every 20 ms, of the
proportional set size (PSS) of that process and its children (PSS shares a page between
the processes that map it, so the PDF's forked workers are not counted twice).

Stages (policykit): load (file -> Policy), check (the rules on a loaded Policy), localize
(Policy -> Document), html and md (Document -> text), pdf (Document -> bytes; above LARGE_ROWS rows the chunked path of
policykit/render/pdf_large.py), pdf with the chunked path forced (from 1,000 rows
up to LARGE_ROWS; above, the pdf stage takes it anyway), build
(the build of the loaded policy into an empty folder: every locale's html, md and pdf,
cookies.json, in parallel processes). Baselines, same input, same run:
check-jsonschema on the same file (beside `policykit check` as a command), plain Jinja2
with a minimal table template over the same rows (beside html), plain WeasyPrint on the
very HTML policykit hands to its PDF step (beside pdf). Each size also has the ratio of
its median to that of 2,264 cookies, the done-criterion of issue 15 for 10,000 (at most
5 times 2,264 for load, check, html and md).

Also: a 16 MB policy file (68,000 cookies), load + check, for bounded memory; the hostile
inputs of bench_hostile.py. Writes bench/RESULTS.md with the machine's description.

Run: python bench/run.py [--quick] [--sizes 10,100] [--repeat N] [--output FILE]
`--quick`: 10 and 100 cookies, one run each, no 16 MB file: under a minute.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

from common import PLAIN_TEMPLATE, ROOT, ocd_policy_file

from policykit.render.pdf_large import LARGE_ROWS

HERE = Path(__file__).resolve().parent
FULL_SIZES = (10, 100, 2264, 10000)
QUICK_SIZES = (10, 100)
SIXTEEN_MB_COOKIES = 68_000  # 16.0 MB of YAML from the database's rows
HEAVY = ("pdf", "pdf-chunked", "plain-weasyprint", "build")  # slow stages: fewer runs (one less at 10,000)
CHUNKED_FROM = 1_000  # below this the forced chunked path would be a single chunk
CRITERION = ("load", "check", "html", "md")


# ---------------------------------------------------------------- one measurement (child)


def _pss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _tree(pid: int) -> list[int]:
    found = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        with contextlib.suppress(OSError):
            found.extend(child for text in task.read_text().split() for child in _tree(int(text)))
    return found


class PeakMemory:
    """The peak PSS of this process and its descendants, sampled on a thread."""

    def __init__(self, interval: float = 0.02) -> None:
        self.peak_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(interval,), daemon=True)

    def _run(self, interval: float) -> None:
        while not self._stop.is_set():
            self.peak_kib = max(self.peak_kib, sum(_pss_kib(pid) for pid in _tree(os.getpid())))
            self._stop.wait(interval)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak_kib = max(self.peak_kib, sum(_pss_kib(pid) for pid in _tree(os.getpid())))


def _prepare(stage: str, path: Path, scratch: Path) -> Callable[[], object]:
    """Everything before the timed part of `stage`; returns the timed part."""
    import policykit

    if stage == "load":
        return lambda: policykit.load(path)
    if stage == "build":
        # The build API on the loaded policy: `policykit build` refuses a policy with errors,
        # and the database's rows have some (lifetimes not stated, parties with no country).
        import shutil as files

        from policykit.build import build_site
        from policykit.project import project_for_policy

        copy = scratch / "policy.yaml"
        files.copy(path, copy)
        project = project_for_policy(copy)
        policy = policykit.load(copy)
        return lambda: build_site(project, policy, output=scratch / "site")
    if stage in ("check-command", "check-jsonschema"):
        argv = {
            "check-command": [sys.executable, "-m", "policykit", "check", "-q", str(path)],
            "check-jsonschema": [
                shutil.which("check-jsonschema", path=str(Path(sys.executable).parent)) or "check-jsonschema",
                "--schemafile",
                str(ROOT / "data" / "policy.schema.json"),
                str(path),
            ],
        }[stage]
        return lambda: subprocess.run(argv, capture_output=True, cwd=scratch, check=False)
    policy = policykit.load(path)
    if stage == "check":
        return lambda: policykit.check(policy)
    if stage == "plain-jinja2":
        import jinja2

        from policykit.syntax import format_lifetime

        parties = {party.id: party.name or "" for party in policy.parties}
        rows = [
            {
                "name": cookie.name,
                "provider": parties[cookie.party],
                "category": cookie.category,
                "purpose": cookie.purpose,
                "lifetime": format_lifetime(cookie.lifetime),
            }
            for cookie in policy.cookies
        ]
        template = jinja2.Environment(autoescape=True).from_string(PLAIN_TEMPLATE)
        return lambda: template.render(title=policy.meta.title, rows=rows)
    from policykit.document import localize

    if stage == "localize":
        return lambda: localize(policy)
    document = localize(policy)
    if stage == "html":
        from policykit.render.html import render_html

        return lambda: render_html(document)
    if stage == "md":
        from policykit.render.markdown import render_markdown

        return lambda: render_markdown(document)
    if stage == "pdf":
        from policykit.render.pdf import render_pdf

        return lambda: render_pdf(document)
    if stage == "pdf-chunked":
        from policykit.render.html import render_html
        from policykit.render.pdf_large import render_large_pdf

        page = render_html(document, print_css=True)
        return lambda: render_large_pdf(document, page)
    if stage == "plain-weasyprint":
        import weasyprint

        from policykit.render.html import render_html

        page = render_html(document, print_css=True)
        return lambda: weasyprint.HTML(string=page).write_pdf()
    raise SystemExit(f"unknown stage {stage}")


def measure_once(stage: str, path: Path) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as scratch:
        run = _prepare(stage, path, Path(scratch))
        with PeakMemory() as memory:
            started = time.perf_counter()
            outcome = run()
            seconds = time.perf_counter() - started
        if isinstance(outcome, subprocess.CompletedProcess) and outcome.returncode not in (0, 1):
            raise SystemExit(f"{stage} exited {outcome.returncode}: {outcome.stderr.decode()[-500:]}")
    return {"seconds": seconds, "peak_mb": memory.peak_kib / 1024}


# ---------------------------------------------------------------- the suite (parent)


def measure(stage: str, path: Path, repeat: int) -> dict[str, float]:
    runs = []
    for _ in range(repeat):
        done = subprocess.run(
            [sys.executable, str(HERE / "run.py"), "--measure", stage, str(path)],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode:
            raise SystemExit(f"{stage} on {path.name} failed: {done.stderr[-2000:]}")
        runs.append(json.loads(done.stdout.splitlines()[-1]))
    return {
        "median": statistics.median(run["seconds"] for run in runs),
        "best": min(run["seconds"] for run in runs),
        "peak_mb": max(run["peak_mb"] for run in runs),
        "runs": len(runs),
    }


def machine() -> list[str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        memory = next(
            int(line.split()[1]) // 1024
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    except (OSError, StopIteration):
        memory = 0
    packages = []
    for name in ("policykit-cookies", "weasyprint", "pikepdf", "pydyf", "jinja2", "babel", "ruamel.yaml", "cattrs"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            packages.append(f"{name} {metadata.version(name)}")
    load = os.getloadavg()
    return [
        f"- CPU: {cpu}, {os.cpu_count()} logical cores; memory {memory:,} MB",
        f"- {platform.system()} {platform.release()}, Python {platform.python_version()}",
        f"- {', '.join(packages)}",
        f"- load average when the run started: {load[0]:.1f} (other work on the machine slows every figure alike;"
        " compare within this file only)",
    ]


STAGES = [
    # (stage, baseline beside it or None)
    ("load", None),
    ("check", None),
    ("check-command", "check-jsonschema"),
    ("localize", None),
    ("html", "plain-jinja2"),
    ("md", None),
    ("pdf", "plain-weasyprint"),
    ("pdf-chunked", None),
    ("build", None),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10 and 100 cookies, one run each")
    parser.add_argument("--sizes", help="comma-separated numbers of cookies")
    parser.add_argument(
        "--repeat", type=int, help="runs per measurement (default 3, 2 for pdf and build at 10,000; quick 1)"
    )
    parser.add_argument("--output", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument("--measure", nargs=2, metavar=("STAGE", "POLICY"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure_once(args.measure[0], Path(args.measure[1]))))
        return

    sizes = (
        tuple(int(size) for size in args.sizes.split(","))
        if args.sizes
        else (QUICK_SIZES if args.quick else FULL_SIZES)
    )
    light = args.repeat or (1 if args.quick else 3)
    heavy = args.repeat or (1 if args.quick else 3)
    started = time.perf_counter()
    header = machine()
    results: dict[int, dict[str, dict[str, float]]] = {}
    with tempfile.TemporaryDirectory() as temp:
        for size in sizes:
            path = ocd_policy_file(Path(temp), size)
            results[size] = {}
            for stage, baseline in STAGES:
                for name in (stage, baseline):
                    if name is None or (name == "pdf-chunked" and not CHUNKED_FROM <= size <= LARGE_ROWS):
                        continue  # below: one chunk; above: the pdf stage already takes the chunked path
                    repeat = light if name not in HEAVY else (heavy if size < 10_000 else max(1, heavy - 1))
                    results[size][name] = measure(name, path, repeat)
                    figure = results[size][name]
                    print(
                        f"{size:>6} {name:<17} {figure['median']:9.3f}s  {figure['peak_mb']:7.0f} MB",
                        flush=True,
                    )
            results[size]["_bytes"] = {"median": path.stat().st_size, "best": 0, "peak_mb": 0, "runs": 0}
        big = None
        if not args.quick and not args.sizes:
            path = ocd_policy_file(Path(temp), SIXTEEN_MB_COOKIES)
            big = (path.stat().st_size, measure("load", path, 1), measure("check-command", path, 1))
            print(f"16 MB file: load {big[1]['median']:.1f}s {big[1]['peak_mb']:.0f} MB", flush=True)
    hostile = ""
    if not args.quick and not args.sizes:
        done = subprocess.run([sys.executable, str(HERE / "bench_hostile.py")], capture_output=True, text=True)
        hostile = done.stdout
    write_results(args.output, header, sizes, results, big, hostile, args.quick, time.perf_counter() - started)
    print(f"wrote {args.output} in {time.perf_counter() - started:.0f} s")


def write_results(
    output: Path,
    header: list[str],
    sizes: tuple[int, ...],
    results: dict[int, dict[str, dict[str, float]]],
    big: tuple[int, dict[str, float], dict[str, float]] | None,
    hostile: str,
    quick: bool,
    elapsed: float,
) -> None:
    lines = [
        "# policykit benchmarks",
        "",
        f"Written by `python bench/run.py{' --quick' if quick else ''}` in {elapsed:.0f} s. Medians of fresh"
        " processes (runs per figure in brackets); peak memory is the highest PSS of the"
        " measuring process and its children over those runs. Baselines ran in the same run.",
        "",
        "## Machine",
        "",
        *header,
        "",
        "## Seconds (median) and peak MB, by number of cookies",
        "",
        "| stage | " + " | ".join(f"{size:,} cookies" for size in sizes) + " |",
        "|---|" + "---:|" * len(sizes),
    ]
    names = [name for stage, baseline in STAGES for name in (stage, baseline) if name]
    for name in names:
        cells = []
        for size in sizes:
            figure = results[size].get(name)
            cells.append(
                f"{figure['median']:.3f} s, {figure['peak_mb']:.0f} MB ({figure['runs']:.0f})" if figure else ""
            )
        label = {"pdf-chunked": "pdf, chunked path forced"}.get(name, name)
        label = label if name in dict(STAGES) else f"baseline: {name}"
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines.append(
        "| policy file | " + " | ".join(f"{results[size]['_bytes']['median']:,.0f} bytes" for size in sizes) + " |"
    )
    if 2264 in sizes and 10000 in sizes:
        lines += [
            "",
            "## 10,000 cookies against 2,264 (done when at most 5x for load, check, html, md)",
            "",
            "| stage | 10,000 / 2,264 (medians) | rows ratio 4.42 |",
            "|---|---:|---|",
        ]
        for name in names:
            if name not in results[2264] or name not in results[10000]:
                continue
            ratio = results[10000][name]["median"] / results[2264][name]["median"]
            verdict = ("ok" if ratio <= 5 else "OVER 5x") if name in CRITERION else ""
            lines.append(f"| {name} | {ratio:.2f} | {verdict} |")
        pdf = results[10000]["pdf"]
        lines += [
            "",
            f"10,000-cookie PDF: {pdf['median']:.1f} s median, {pdf['peak_mb']:.0f} MB peak"
            f" ({'within' if pdf['median'] < 60 and pdf['peak_mb'] < 1024 else 'NOT within'} 60 s and 1 GB).",
        ]
    if big is not None:
        size, load, check = big
        lines += [
            "",
            "## A 16 MB policy file",
            "",
            f"{size:,} bytes, {SIXTEEN_MB_COOKIES:,} cookies: load {load['median']:.1f} s,"
            f" peak {load['peak_mb']:.0f} MB;"
            f" `policykit check` (load + rules, as a command) {check['median']:.1f} s, peak {check['peak_mb']:.0f} MB.",
        ]
    if hostile:
        lines += ["", "## Hostile inputs (bench/bench_hostile.py)", "", "```text", hostile.rstrip(), "```"]
    output.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
