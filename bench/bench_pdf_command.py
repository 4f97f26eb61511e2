"""The bundled policy's PDF as a user makes it: `policykit render --format pdf` against the
`weasyprint` command on the very print HTML policykit hands to WeasyPrint, each a fresh
process, alternated so that both see the same load on the machine.

What the two do differs, and the figures say by how much: policykit loads the YAML, runs
every check (render refuses what check refuses), localizes, renders the HTML, embeds its
own fonts and tags the PDF (PDF/UA-1, a structure tree); the `weasyprint` command reads
the HTML and lays it out with the system's fonts, untagged. Both import WeasyPrint.

Also the import cost alone (`python -c "import policykit.render.pdf"` against `python -c
"import weasyprint"`), which both commands pay before they read a byte.

Run: python bench/bench_pdf_command.py [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT

BIN = Path(sys.executable).parent


def _timed(argv: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, cwd=cwd, check=False)
    seconds = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(f"{argv[0]} exited {done.returncode}: {done.stderr[-2000:]}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    import policykit
    from policykit.document import localize
    from policykit.render.html import render_html

    policy_file = ROOT / "data" / "policy.yaml"
    weasyprint = shutil.which("weasyprint", path=str(BIN)) or "weasyprint"
    with tempfile.TemporaryDirectory() as temp:
        scratch = Path(temp)
        page = scratch / "policy.html"
        page.write_text(render_html(localize(policykit.load(policy_file)), print_css=True), encoding="utf-8")
        pairs = {
            "policykit render --format pdf": [
                str(BIN / "policykit"),
                "render",
                "-q",
                "--format",
                "pdf",
                "-o",
                "a.pdf",
                str(policy_file),
            ],
            "weasyprint (same HTML)": [weasyprint, str(page), "b.pdf"],
            "import policykit.render.pdf": [sys.executable, "-c", "import policykit.render.pdf"],
            "import weasyprint": [sys.executable, "-c", "import weasyprint"],
        }
        times: dict[str, list[float]] = {name: [] for name in pairs}
        loads = []
        for argv in pairs.values():
            _timed(argv, scratch)  # warm the file cache
        for _ in range(args.repeat):
            loads.append(os.getloadavg()[0])
            for name, argv in pairs.items():
                times[name].append(_timed(argv, scratch))
    print(f"load average (1 min) before each round: {', '.join(f'{load:.1f}' for load in loads)}")
    width = max(map(len, times))
    print(f"  {'':{width}}  {'best':>8}  {'median':>8}")
    for name, runs in times.items():
        print(f"  {name:{width}}  {min(runs):7.3f}s  {statistics.median(runs):7.3f}s")
    ratio = statistics.median(times["policykit render --format pdf"]) / statistics.median(
        times["weasyprint (same HTML)"]
    )
    print(f"policykit / weasyprint command (medians): {ratio:.2f}")


if __name__ == "__main__":
    main()
