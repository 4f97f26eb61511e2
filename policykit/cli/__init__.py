"""The command line: a thin layer over the library, one module per command group.

In: argv. Out: text on stdout/stderr, files written atomically, and an exit code:
0 ok, 1 findings that are errors, 2 unusable input or usage, 70 an internal error
(a bug: one line that says so and how to report it; the traceback with --debug).
"""

from policykit import _startup_interrupted  # first: what follows is guarded by it

try:
    # All of the command line's start-up, the group's module included: reading it runs
    # code (decorators) that a Ctrl-C can land in.
    from policykit.cli.group import EXIT_INTERNAL_ERROR, cli, main
except (KeyboardInterrupt, RuntimeError) as error:
    _startup_interrupted(error)
    raise

__all__ = ["EXIT_INTERNAL_ERROR", "cli", "main"]
