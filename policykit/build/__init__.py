"""The site build: a checked policy rendered in every locale and format, published as a whole.

In: a Project, its loaded Policy (checked by the caller), the locales to build (default:
the project's), whether a translation problem stops everything (`strict`), how many
processes render (`jobs`), and an optional progress callback.
Out: the output folder, laid out as

    index.html             a page linking every language version and format
    cookies.json           the cookie catalogue (policykit.exports.cookies_json; docs/cookies-json.md)
    <locale>/index.html    the policy as a web page, with hreflang alternates
    <locale>/policy.md     ... as Markdown
    <locale>/policy.pdf    ... as PDF (with the `pdf` extra; without it, left out and said)
    <locale>/policy.docx   ... as a Word document, for review
    .policykit-build.json  the manifest: per output the hash of its inputs and of its bytes

and, with a consent tool in the project, its configs and starter (policykit.build.consent),

and a BuildResult saying what was written, left unchanged and failed.

Why it is shaped this way:
- An output whose inputs (policy bytes, the locale's catalogues, the policykit package
  itself: code, templates, CSS, fonts, catalogues; the policykit version; the options)
  hash to what the manifest recorded is not rendered again. When nothing changed,
  nothing is written at all, so no byte changes.
- Outputs render in worker processes (WeasyPrint is CPU-bound); each output is rendered
  alone from the same inputs, so the bytes do not depend on the number of jobs.
- The new site is assembled in a staging folder beside the output folder and swapped in
  with one rename (an atomic exchange where the system has one), so a killed or failed
  build leaves the previous complete site. Staging folders of a killed run are removed
  by the next one.
- A locale whose translation is stale or broken is left out of the new site (a legal
  text is complete in its language, or not published in it), and reported once.

The modules, one step each:

    plan       the outputs, their keys, and what the previous manifest says is up to date
    workers    the pool of processes that render, and its lifetime
    stale      a stale translation: the last approved one kept, or the source text, with a notice
    index      the index page
    files      the fragment's stylesheet, the declaration script and the sitemap
    urls       the base URL, absolute addresses, alternates and sitemap.xml
    consent    the consent tool's configs and starter
    theme      the project's theme on every web page
    publish    the lock, the staging folder, the swap, and what a killed build left
    site       build_site: the steps above, in order
"""

from policykit.build.index import index_page
from policykit.build.plan import MANIFEST, PAGES, build_locales
from policykit.build.publish import BuildError
from policykit.build.site import BuildResult, build_site
from policykit.build.workers import Progress

__all__ = [
    "MANIFEST",
    "PAGES",
    "BuildError",
    "BuildResult",
    "Progress",
    "build_locales",
    "build_site",
    "index_page",
]
