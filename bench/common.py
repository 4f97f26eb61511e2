"""Shared helpers for the benchmarks: the Open Cookie Database policy and timing."""

from __future__ import annotations

import statistics
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OCD_CSV = ROOT.parent / "shared" / "data" / "open-cookie-database" / "open-cookie-database.csv"


def ocd_rows(count: int | None = None) -> list[dict[str, str]]:
    """`count` Open Cookie Database rows (all of them by default).

    Fewer than the database holds: the first `count`. More: the rows again, each repeat
    with a distinct name and id (`_ga` -> `_ga_r1`; a wildcard keeps its trailing `*`),
    so a policy of 10,000 cookies is as varied as the database allows.
    """
    from policykit.catalogue.ocd import read_ocd

    if not OCD_CSV.is_file():
        raise SystemExit(f"the Open Cookie Database is not at {OCD_CSV}")
    rows = read_ocd(OCD_CSV)
    if count is None:
        return rows
    out: list[dict[str, str]] = []
    for index in range(count):
        row = dict(rows[index % len(rows)])
        repeat = index // len(rows)
        if repeat:
            name = row["Cookie / Data Key name"].strip()
            star = "*" if name.endswith("*") else ""
            row["Cookie / Data Key name"] = f"{name.removesuffix('*')}_r{repeat}{star}"
            row["ID"] = f"{row['ID'].strip()}-r{repeat}"
        out.append(row)
    return out


def ocd_policy_file(directory: Path, count: int | None = None) -> Path:
    """Write the policy of `count` Open Cookie Database rows (see ocd_rows) as YAML; return its path."""
    from policykit import dump
    from policykit.catalogue.ocd import ocd_policy

    path = directory / ("ocd-policy.yaml" if count is None else f"ocd-policy-{count}.yaml")
    path.write_text(dump(ocd_policy(ocd_rows(count))), encoding="utf-8")
    return path


def best_and_median(run: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Seconds: the fastest and the median of `repeat` runs, after one warm-up."""
    run()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def command(argv: Sequence[str], ok: Sequence[int] = (0,)) -> Callable[[], None]:
    def run() -> None:
        done = subprocess.run(argv, capture_output=True, text=True)
        if done.returncode not in ok:
            raise SystemExit(f"{argv[0]} exited {done.returncode}: {done.stderr[-2000:]}")

    return run


def report(title: str, rows: Sequence[tuple[str, float, float]]) -> None:
    print(title)
    width = max(len(name) for name, _, _ in rows)
    print(f"  {'':{width}}  {'best':>9}  {'median':>9}")
    for name, best, median in rows:
        print(f"  {name:{width}}  {best:8.3f}s  {median:8.3f}s")


# The baseline renderers compare against: one table of the same rows, plain Jinja2.
PLAIN_TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title></head><body>
<h1>{{ title }}</h1>
<table>
<thead><tr><th>Name</th><th>Provider</th><th>Category</th><th>Purpose</th><th>Lifetime</th></tr></thead>
<tbody>
{% for row in rows %}
<tr><th>{{ row.name }}</th><td>{{ row.provider }}</td><td>{{ row.category }}</td><td>{{ row.purpose }}</td>\
<td>{{ row.lifetime }}</td></tr>
{% endfor %}
</tbody>
</table>
</body></html>
"""
