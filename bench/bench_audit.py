"""How much memory and time reading a large HAR takes, against plain json.load.

In: nothing (a HAR of --megabytes MB, default 50, is generated in a temporary folder:
entries with 64 KB bodies, each setting a cookie). Out: for each way of reading it, the
peak of Python's allocations (tracemalloc), the process's peak resident size and the
time, each measured in a fresh process so that one run cannot warm the next:
- json.load: the baseline, the whole file as Python objects;
- policykit, streamed: read_capture with ijson (the `audit` extra);
- policykit, no ijson: read_capture's fallback, one json.load.

    python bench/bench_audit.py [--megabytes 50]

`--scaling`: instead, the audit (read + judge, from the command line's functions) of
HARs of 4,000 and 40,000 entries, each sending one cookie that a response set for
another host (the shape that was quadratic: 40,000 took 59 s), with the ratio of the
times (linear: 10x the input costs about 10x); and a HAR nested 40,000 levels deep
(80 KB), which must fail in under a second within 200 MB (ijson's prefixes took 4 GB).
Each in a fresh process, with its peak resident size.

    python bench/bench_audit.py --scaling
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


def write_sent(path: Path, count: int) -> None:
    """`count` entries on `count` hosts: each response sets `c` for its own host, each
    request sends `c`; a request's cookie is matched to the host that set it."""
    # Written entry by entry, so this process stays small: a child inherits its peak
    # resident size across exec, which would hide the child's own.
    with path.open("w", encoding="utf-8") as out:
        out.write('{"log": {"version": "1.2", "entries": [')
        for i in range(count):
            entry = {
                "startedDateTime": "2026-11-26T10:00:00Z",
                "request": {
                    "url": f"https://h{i}.example.com/",
                    "headers": [],
                    "cookies": [{"name": "c", "value": "1"}],
                },
                "response": {"headers": [{"name": "Set-Cookie", "value": "c=1; Max-Age=3600"}], "cookies": []},
            }
            out.write(("," if i else "") + json.dumps(entry))
        out.write("]}}")


def audit_child(path: Path) -> dict[str, float]:
    """Read and audit one HAR against the bundled example policy; a refused file counts."""
    from policykit import load
    from policykit.audit import CaptureError, audit, read_capture
    from policykit.resources import default_policy

    policy = load(default_policy())
    start = time.perf_counter()
    try:
        findings = len(audit(policy, [read_capture(path, har=True)]))
    except CaptureError:
        findings = -1
    return {
        "findings": findings,
        "seconds": time.perf_counter() - start,
        "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3,
    }


def scaling() -> None:
    with tempfile.TemporaryDirectory() as folder:
        rows: dict[str, dict[str, float]] = {}
        for name, make in (
            ("4,000 sent cookies", lambda p: write_sent(p, 4_000)),
            ("40,000 sent cookies", lambda p: write_sent(p, 40_000)),
            (
                "40,000 levels deep",
                lambda p: p.write_text('{"log": {"entries": [' + "[" * 40_000 + "]" * 40_000 + "]}}"),
            ),
        ):
            path = Path(folder) / "case.har"
            make(path)
            done = subprocess.run(
                [sys.executable, __file__, "--child", "audit", str(path)], capture_output=True, text=True, check=True
            )
            rows[name] = json.loads(done.stdout)
            row = rows[name]
            outcome = "refused" if row["findings"] < 0 else f"{row['findings']:.0f} findings"
            print(f"{name:<22} {row['seconds']:>8.2f} s {row['max_rss_mb']:>8.1f} MB max RSS  {outcome}")
        ratio = rows["40,000 sent cookies"]["seconds"] / rows["4,000 sent cookies"]["seconds"]
        print(f"40,000 / 4,000: {ratio:.1f}x the time for 10x the input")


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
    parser.add_argument("--scaling", action="store_true", help="The audit at 4,000 and 40,000 entries, a deep HAR.")
    parser.add_argument("--child", nargs=2, metavar=("VARIANT", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child = audit_child if args.child[0] == "audit" else lambda path: measure(args.child[0], path)
        print(json.dumps(child(Path(args.child[1]))))
        return
    if args.scaling:
        scaling()
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
