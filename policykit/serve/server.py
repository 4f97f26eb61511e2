"""`policykit serve`: the preview over HTTP on 127.0.0.1, rebuilt when a file changes.

In: a Project, a host and a port. Out: a running server, until stop() (Ctrl-C in the CLI).

- The standard library's threading HTTP server; pages are served from memory, so a
  preview writes nothing to disk and two previews of one project cannot disturb each
  other or the project's built site.
- watchfiles watches the policy, the catalogues, the project's configuration and its
  templates; each change (debounced by watchfiles) builds the preview again, and the
  open pages reload: each page listens to `/events` (server-sent events) and reloads
  when the version it was served with is no longer the current one.
- GET and HEAD only; every response says `Cache-Control: no-store` and `nosniff`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from policykit.project import Project
from policykit.serve.preview import Preview, build_preview

__all__ = ["PreviewServer"]

_KEEPALIVE_SECONDS = 15.0


class PreviewServer:
    """The preview of `project` served on (host, port); port 0 picks a free one."""

    def __init__(self, project: Project, host: str = "127.0.0.1", port: int = 8000) -> None:
        self.project = project
        self._changed = threading.Condition()
        self._stopping = threading.Event()
        self.version = 0
        self.preview = self._build({})
        self.http = ThreadingHTTPServer((host, port), _handler(self))
        self.http.daemon_threads = True  # an open event stream never holds the stop up

    @property
    def url(self) -> str:
        """The address the preview is served at, such as `http://127.0.0.1:8000/`."""
        host, port = self.http.server_address[:2]
        return f"http://{host if isinstance(host, str) else host.decode()}:{port}/"

    def _build(self, last_good: dict[str, bytes]) -> Preview:
        return build_preview(self.project, last_good)

    def rebuild(self) -> Preview:
        """Build the preview again and tell the open pages."""
        current = self.preview
        last_good = {path: page for path, page in current.pages.items() if not path.startswith("/last/")}
        preview = self._build(last_good if current.loaded else self._last_good(current))
        with self._changed:
            self.preview = preview
            self.version += 1
            self._changed.notify_all()
        return preview

    @staticmethod
    def _last_good(preview: Preview) -> dict[str, bytes]:
        return {path[len("/last") :]: page for path, page in preview.pages.items() if path.startswith("/last/")}

    def watched(self) -> list[Path]:
        """The files and folders whose changes rebuild the preview."""
        paths = [self.project.policy]
        if self.project.locales.is_dir():
            paths.append(self.project.locales)
        if self.project.config is not None:
            paths.append(self.project.config)
        templates = self.project.root / "templates"
        if templates.is_dir():
            paths.append(templates)
        return paths

    def watch(self, on_change: Callable[[Preview], None] | None = None) -> None:
        """Rebuild on every change, until stop(). Runs in the calling thread."""
        from watchfiles import watch

        for _ in watch(*self.watched(), stop_event=self._stopping, debounce=150, step=50, yield_on_timeout=False):
            preview = self.rebuild()
            if on_change is not None:
                on_change(preview)

    def wait_for_change(self, seen: int, timeout: float) -> int:
        """The version after `seen`, or `seen` again after `timeout` (or when stopping)."""
        with self._changed:
            self._changed.wait_for(lambda: self.version != seen or self._stopping.is_set(), timeout)
            return self.version

    def serve(self, on_change: Callable[[Preview], None] | None = None) -> None:
        """Serve until stop(); the watcher runs beside it, calling `on_change` after each rebuild."""
        watcher = threading.Thread(target=self.watch, args=(on_change,), name="policykit-watch", daemon=True)
        watcher.start()
        try:
            self.http.serve_forever(poll_interval=0.2)
        finally:
            self._stopping.set()
            with self._changed:
                self._changed.notify_all()
            watcher.join(timeout=5)
            self.http.server_close()

    def stop(self) -> None:
        """End serve() (from another thread)."""
        self._stopping.set()
        self.http.shutdown()

    @property
    def stopping(self) -> bool:
        """Whether stop() was called (or serve() is ending)."""
        return self._stopping.is_set()


def _handler(server: PreviewServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "policykit-preview"
        sys_version = ""

        def log_message(self, format: str, *args: object) -> None:  # quiet: no line per request
            return

        def do_HEAD(self) -> None:
            self._answer(body=False)

        def do_GET(self) -> None:
            if self.path.split("?", 1)[0] == "/events":
                self._events()
            else:
                self._answer(body=True)

        def _answer(self, *, body: bool) -> None:
            path = self.path.split("?", 1)[0].split("#", 1)[0]
            pages = server.preview.pages
            content = pages.get(path) or pages.get(path.rstrip("/") + "/")
            if content is None:
                self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain; charset=utf-8", body)
            else:
                self._send(HTTPStatus.OK, content, "text/html; charset=utf-8", body)

        def _send(self, status: HTTPStatus, content: bytes, kind: str, body: bool) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(content)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.end_headers()
            if body:
                self.wfile.write(content)

        def _events(self) -> None:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            seen = server.version
            try:
                self.wfile.write(f"retry: 500\ndata: {seen}\n\n".encode())
                self.wfile.flush()
                while not server.stopping:
                    now = server.wait_for_change(seen, _KEEPALIVE_SECONDS)
                    message = f"data: {now}\n\n" if now != seen else ": keep-alive\n\n"
                    seen = now
                    self.wfile.write(message.encode())
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                return

    return Handler
