"""The baseline `policykit render --format html` is compared with, as a command: PyYAML
(with libyaml) reads the policy file, one autoescaped Jinja2 template (bench/common.py's
PLAIN_TEMPLATE) writes its cookies as a table to stdout. No checks, no localization.

Run: python bench/plain_render.py POLICY.yaml > page.html (needs PyYAML, with libyaml)
"""

from __future__ import annotations

import sys

import jinja2
import yaml  # type: ignore[import-untyped]

TEMPLATE = """<!DOCTYPE html>
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
"""  # bench/common.py's PLAIN_TEMPLATE, repeated so that this command imports nothing of policykit


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as handle:
        policy = yaml.load(handle, Loader=yaml.CSafeLoader)
    parties = {party["id"]: party.get("name") or "" for party in policy["parties"]}
    rows = [
        {
            "name": cookie.get("name", ""),
            "provider": parties.get(cookie["party"], ""),
            "category": cookie["category"],
            "purpose": cookie["purpose"],
            "lifetime": cookie.get("lifetime", ""),
        }
        for cookie in policy["cookies"]
    ]
    template = jinja2.Environment(autoescape=True).from_string(TEMPLATE)
    sys.stdout.write(template.render(title=policy["meta"]["title"], rows=rows))


if __name__ == "__main__":
    main()
