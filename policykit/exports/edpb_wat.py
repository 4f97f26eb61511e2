"""The EDPB Website Auditing Tool's knowledge base, in the shape the Open Cookie
Database publishes for it.

Spec: open-cookie-database-edpb.json in the repository jkwakman/Open-Cookie-Database
(commit 0ee5a17, 2026-01-21): a list of one knowledge base `{name, author, category:
"cookie", knowledges, created_at}`, each knowledge `{updated_at, created_at, kind:
"cookie", domain, name, category, source, controller, date, policy, reference,
comment}`. The tool's own documentation was not available to read; the file above is
the reference, so the export uses only what it shows.

In: a Policy. Out: that JSON, one knowledge per cookie, the same rows as the `ocd-csv`
export (prefix names, lower-case categories, IDs as `reference`). Storage other than
cookies is left out (PK852): the reference file shows only the kind "cookie".
Timestamps are the policy's last change, so the same policy gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

from policykit.exports.common import LEFT_OUT, Export, Problem, to_findings
from policykit.exports.ocd_csv import ocd_rows
from policykit.model import Policy, Storage

if TYPE_CHECKING:
    from policykit.source import Source

__all__ = ["SPEC_VERSION", "export_edpb_wat"]

SPEC_VERSION = "EDPB Website Auditing Tool knowledge JSON, as in the Open Cookie Database (commit 0ee5a17)"


def _timestamp(moment: dt.datetime) -> str:
    utc = moment.astimezone(dt.UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def export_edpb_wat(policy: Policy, source: Source | None = None) -> Export:
    """The policy's cookies as one EDPB Website Auditing Tool knowledge base."""
    rows, problems = ocd_rows(policy)
    stamp = _timestamp(policy.meta.last_modified)
    knowledges: list[dict[str, Any]] = []
    for index, row in rows:
        cookie = policy.cookies[index]
        if cookie.storage is not Storage.COOKIE:
            problems.append(
                Problem(LEFT_OUT, index, "storage", f"left out of the EDPB knowledge base: {cookie.storage.value}")
            )
            continue
        knowledges.append(
            {
                "updated_at": stamp,
                "created_at": stamp,
                "kind": "cookie",
                "domain": row["Domain"],
                "name": row["Cookie / Data Key name"],
                "category": row["Category"].lower(),
                "source": row["Platform"],
                "controller": row["Data Controller"],
                "date": "",
                "policy": row["User Privacy & GDPR Rights Portals"],
                "reference": row["ID"],
                "comment": row["Description"],
            }
        )
    base = {
        "name": policy.meta.title if not policy.meta.website else f"{policy.meta.title} ({policy.meta.website})",
        "author": policy.meta.controller.organisation or "",
        "category": "cookie",
        "knowledges": knowledges,
        "created_at": stamp,
    }
    problems.sort(key=lambda problem: problem.cookie)
    text = json.dumps([base], indent=4, ensure_ascii=False) + "\n"
    return Export(text, to_findings(policy, problems, source))
