"""Time every regular expression that reads user text on a 1 MB adversarial input.

In: nothing; each case builds its own input of about 1 MB, made to hit the worst case
of the pattern that once took quadratic time (a run of '[', a run of '<<', a run of
address characters, '{' and a run of dots, a dotted host with no end).
Out: a table of seconds per case, each beside a plain `str.count` over the same input
(the cost of reading 1 MB once, measured in the same run), and whether the case kept
under its budget of one second. Exit 1 if any case went over.

The cases run through the code that uses each pattern (the PK301 and PK311 rules on
a loaded policy, the translation check, the URL test), so a pattern replaced there
is the one measured.

Run: python bench/bench_regex.py
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

BUDGET_SECONDS = 1.0
SIZE = 1_000_000

POLICY = """\
meta:
  title: Cookie Policy
  language: en
  effective: 2025-01-01
  last_modified: 2025-01-01T09:00:00+01:00
  controller:
    organisation: Example B.V.
    contact: privacy@example.com
parties:
  - id: site
    name: Example B.V.
    role: first-party
    country: NL
    domains: [example.com]
cookies:
  - name: session_id
    party: site
    category: strictly-necessary
    purpose: Keeps you logged in.
    lifetime: session
articles:
  - title: Cookies
    body:
      - paragraph: PARAGRAPH
      - cookies: {}
"""


def _check_paragraph(paragraph: str, codes: tuple[str, ...]) -> Callable[[], object]:
    """The named rules run over a policy whose one paragraph is `paragraph`."""
    import json

    import policykit
    from policykit.rules import check

    # JSON quoting keeps any character of the paragraph a plain YAML scalar.
    policy = policykit.loads(POLICY.replace("PARAGRAPH", json.dumps(paragraph)))
    return lambda: check(policy, select=codes)


def _cases() -> dict[str, tuple[str, Callable[[], object]]]:
    from policykit.i18n.checks import check_translation
    from policykit.syntax import is_web_url
    from policykit.yamlread import _FIRST_KEY  # explains a syntax error: sees the offending line

    brackets = "[" * SIZE
    angles = "<<" * (SIZE // 2)
    address = "a" * SIZE
    dots = "{" + "." * SIZE
    host = "http://" + "a." * (SIZE // 2) + " "
    spaces = "a" + " " * SIZE
    return {
        "PK301 a paragraph of '['": (brackets, _check_paragraph(brackets, ("PK301",))),
        "PK301 a paragraph of '<<'": (angles, _check_paragraph(angles, ("PK301",))),
        "PK311 a paragraph of 'a' (e-mail)": (address, _check_paragraph(address, ("PK311",))),
        "PK502 msgstr '{' and dots": (dots, lambda: check_translation("x", dots)),
        "website 'http://a.a.a...' ": (host, lambda: is_web_url(host)),
        "YAML error line 'a' and spaces": (spaces, lambda: _FIRST_KEY.match(spaces)),
    }


def _seconds(run: Callable[[], object]) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def main() -> int:
    over = 0
    print(f"{'case':<36} {'bytes':>9} {'seconds':>8} {'str.count':>10}  within {BUDGET_SECONDS:g} s")
    for name, (text, run) in _cases().items():
        baseline = _seconds(lambda text=text: text.count("\n"))  # type: ignore[misc]
        elapsed = _seconds(run)
        within = elapsed < BUDGET_SECONDS
        over += not within
        print(f"{name:<36} {len(text.encode()):>9,} {elapsed:>8.3f} {baseline:>10.4f}  {'yes' if within else 'NO'}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
