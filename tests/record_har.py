"""Record the HAR fixture with a real browser: `python tests/record_har.py`.

In: nothing. Out: tests/fixtures/audit/recorded.har, and for the tests the functions
that serve the page and run the scan. The page, served on 127.0.0.1, sets cookies
through headers (session_id, prefs) and through JavaScript (js_cookie), then loads a
pixel from 127.0.0.2, a second loopback host that plays a third party (tracker).
"""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "audit" / "recorded.har"


CONSENT_PAGE = (
    b"<!doctype html><html lang='en'><title>Consent</title>"
    b"<a href='/consent/more'>More</a> <a href='http://example.invalid/'>Elsewhere</a>"
    b"<button id='accept' onclick=\"document.cookie='_fbp=fb.1.2; max-age=7776000; path=/';"
    b"document.cookie='consent=all; max-age=15552000; path=/'\">Accept</button>"
    b"<button id='reject' onclick=\"document.cookie='consent=none; max-age=15552000; path=/'\">Reject</button>"
    b"<script>document.cookie='_ga=GA1.1.1; max-age=34560000; path=/';"
    b"document.cookie='_ga_ABC123=GS1.1; max-age=34560000; path=/';"
    b"localStorage.setItem('twk_token_abc', 'x');sessionStorage.setItem('twk_session', 'y');</script></html>"
)


def _handler(third_party: str) -> type[BaseHTTPRequestHandler]:
    class Page(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # quiet in tests
            pass

        def do_GET(self) -> None:
            if self.path.startswith("/favicon.ico"):
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if self.path.startswith("/pixel.gif"):
                body, kind = b"GIF89a", "image/gif"
                cookies = ["tracker=xyz; Max-Age=31536000; Path=/"]
            elif self.path.startswith("/ping"):
                body, kind, cookies = b"ok", "text/plain", []
            elif self.path.startswith("/consent"):
                # A consent flow: analytics by script before any choice, marketing on
                # accept, and a chat widget's local and session storage; /consent/more
                # is a second page of the same site.
                kind, cookies = "text/html; charset=utf-8", ["session_id=abc; Path=/; HttpOnly"]
                if self.path.startswith("/consent/more"):
                    cookies.append("page_two=1; Max-Age=3600; Path=/")
                body = CONSENT_PAGE
            elif self.path.startswith("/banner"):
                # A consent banner: the consent cookie exists only after the click.
                kind, cookies = "text/html; charset=utf-8", ["session_id=abc; Path=/; HttpOnly"]
                body = (
                    b"<!doctype html><html lang='en'><title>Banner</title>"
                    b"<button id='accept' onclick=\"document.cookie='consent=yes; max-age=15552000; path=/'\">"
                    b"Accept</button></html>"
                )
            else:
                kind = "text/html; charset=utf-8"
                cookies = ["session_id=abc; Path=/; HttpOnly", "prefs=dark; Max-Age=2592000; Path=/"]
                body = (
                    "<!doctype html><html lang='en'><title>Shop</title><p>Welcome</p>"
                    f"<img alt='' src='{third_party}/pixel.gif'>"
                    "<script>document.cookie = 'js_cookie=1; max-age=86400; path=/';"
                    "fetch('/ping');</script></html>"
                ).encode()
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            for cookie in cookies:
                self.send_header("Set-Cookie", cookie)
            self.end_headers()
            self.wfile.write(body)

    return Page


@contextlib.contextmanager
def serve() -> Iterator[str]:
    """The page's URL on 127.0.0.1, with its third party on 127.0.0.2, while open."""
    third = ThreadingHTTPServer(("127.0.0.2", 0), _handler(""))
    third_url = f"http://127.0.0.2:{third.server_address[1]}"
    first = ThreadingHTTPServer(("127.0.0.1", 0), _handler(third_url))
    threads = [threading.Thread(target=server.serve_forever, daemon=True) for server in (first, third)]
    for thread in threads:
        thread.start()
    try:
        yield f"http://127.0.0.1:{first.server_address[1]}/"
    finally:
        for server in (first, third):
            server.shutdown()
            server.server_close()


def record(target: Path) -> None:
    from policykit.audit.scan import scan

    with serve() as url:
        scan(url, target, target.with_suffix(".json"))


if __name__ == "__main__":
    record(Path(sys.argv[1]) if len(sys.argv) > 1 else FIXTURE)
    print(f"wrote {FIXTURE}")
