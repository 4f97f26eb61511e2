"""How much memory and time reading a large HAR takes, against plain json.load.

In: nothing (a HAR of --megabytes MB, default 50, is generated in a temporary folder:
entries with 64 KB bodies, each setting a cookie). Out: for each way of reading it, the
peak of Python's allocations (tracemalloc), the process's peak resident size and the
time, each measured in a fresh process so that one run cannot warm the next:
- json.load: the baseline, the whole file as Python objects;
- policykit, streamed: read_capture with ijson (the `audit` extra);
- policykit, no ijson: read_capture's fallback, one json.load.

    python bench/bench_audit.py [--megabytes 50]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path


def write_har(path: Path, megabytes: int) -> int:
    body = "x" * 65_536
    count = 0
    with path.open("w", encoding="utf-8") as out:
        out.write('{"log": {"version": "1.2", "creator": {"name": "bench", "version": "1"}, "pages": [], "entries": [')
        while out.tell() < megabytes * 1_000_000:
            if count:
                out.write(",")
            entry = {
                "startedDateTime": "2026-11-26T10:00:00Z",
                "request": {"method": "GET", "url": f"https://www.example.com/p/{count}", "headers": [], "cookies": []},
                "response": {
                    "status": 200,
                    "headers": [
                        {"name": "Date", "value": "Thu, 26 Nov 2026 10:00:00 GMT"},
                        {"name": "Set-Cookie", "value": f"bulk_{count % 50}=1; Max-Age=3600"},
                    ],
                    "cookies": [],
                    "content": {"size": len(body), "mimeType": "text/plain", "text": body},
                },
            }
            out.write(json.dumps(entry))
            count += 1
        out.write("]}}")
    return count


def measure(variant: str, path: Path) -> dict[str, float]:
    """Run in the child process: read `path` one way and report what it cost."""
    if variant == "no-ijson":
        sys.modules["ijson"] = None  # type: ignore[assignment]
    from policykit.audit import read_capture

    tracemalloc.start()
    start = time.perf_counter()
    if variant == "json.load":
        with path.open("rb") as stream:
            records = len(json.load(stream)["log"]["entries"])
    else:
        records = len(read_capture(path, har=True).observations)
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    return {
        "records": records,
        "seconds": seconds,
        "peak_python_mb": peak / 1e6,
        "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--megabytes", type=int, default=50)
    parser.add_argument("--child", nargs=2, metavar=("VARIANT", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child[0], Path(args.child[1]))))
        return
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "large.har"
        entries = write_har(path, args.megabytes)
        size = path.stat().st_size / 1e6
        print(f"HAR: {size:.1f} MB, {entries} entries")
        print(f"{'reader':<22} {'records':>8} {'seconds':>8} {'peak Python MB':>15} {'max RSS MB':>11}")
        for variant in ("json.load", "streamed", "no-ijson"):
            done = subprocess.run(
                [sys.executable, __file__, "--child", variant, str(path)], capture_output=True, text=True, check=True
            )
            row = json.loads(done.stdout)
            name = {
                "json.load": "json.load (baseline)",
                "streamed": "policykit, ijson",
                "no-ijson": "policykit, no ijson",
            }
            print(
                f"{name[variant]:<22} {row['records']:>8.0f} {row['seconds']:>8.2f} "
                f"{row['peak_python_mb']:>15.1f} {row['max_rss_mb']:>11.1f}"
            )


if __name__ == "__main__":
    main()
