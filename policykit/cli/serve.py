"""`policykit serve`: the live preview of the project's policy, with its findings."""

from __future__ import annotations

import contextlib
import signal
import sys
from typing import TYPE_CHECKING

import click

from policykit.cli.common import CannotUse, find_policy, quiet_option

if TYPE_CHECKING:
    from policykit.serve.preview import Preview

__all__ = ["serve"]

_LOOPBACK = ("127.0.0.1", "localhost", "::1")


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


@click.command()
@click.argument("path", required=False, type=click.Path(path_type=str))
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="0: any free port.")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="The interface to listen on. Anything but the loopback shows the draft to your network.",
)
@quiet_option
def serve(path: str | None, port: int, host: str, quiet: bool) -> None:
    """Preview the policy (PATH, else the project's) in every locale, findings in the page.

    Serves on 127.0.0.1, rebuilds when the policy, a catalogue, the configuration or a
    template changes, and reloads the open pages. Nothing is written to disk. Ctrl-C stops.
    """
    from policykit.serve.server import PreviewServer

    project = find_policy(path, quiet=quiet)
    if host not in _LOOPBACK:
        click.echo(f"warning: listening on {host}: anyone who can reach it can read the draft policy", err=True)
    try:
        server = PreviewServer(project, host, port)
    except OSError as error:
        raise CannotUse(f"{host}:{port}: cannot listen: {error.strerror or error}") from None
    click.echo(f"serving {server.url} ({server.preview.summary}); Ctrl-C stops", err=True)

    def changed(preview: Preview) -> None:
        if not quiet:
            click.echo(f"rebuilt: {preview.summary}", err=True)

    # SIGTERM stops as Ctrl-C does: the server closes its socket and the command exits 0.
    signal.signal(signal.SIGTERM, _interrupt)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve(changed)
    click.echo("stopped", err=True)
    sys.stderr.flush()
