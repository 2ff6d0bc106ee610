"""The ``mmsynth`` command line.

Each subcommand is a module in :mod:`mmsynth.commands` that defines ``NAME``, ``HELP``,
``EXAMPLE``, ``add_arguments(parser)`` and ``run(args) -> int``; the modules are found
by name, so adding a command is adding a file. User mistakes (:class:`UserError`, bad
flags) end with one line on stderr and exit code 2, never a traceback.
"""
from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from mmsynth import __version__, commands
from mmsynth.errors import UserError


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line (usage stays available through --help)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"{self.prog}: error: {message} (see {self.prog} --help)\n")
        sys.exit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="mmsynth", description="Synthesise image-instruction data for VLMs, "
                     "with every answer computed from a symbolic source.")
    parser.add_argument("--version", action="version", version=f"mmsynth {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda i: i.name):
        mod = importlib.import_module(f"mmsynth.commands.{info.name}")
        p = sub.add_parser(mod.NAME, help=mod.HELP, description=mod.HELP,
                           epilog=f"example:\n  {mod.EXAMPLE}",
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        mod.add_arguments(p)
        p.set_defaults(_run=mod.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        parser.print_help()
        return 2
    try:
        return int(args._run(args) or 0)
    except UserError as e:
        sys.stderr.write(f"mmsynth {args.command}: error: {e}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write(f"mmsynth {args.command}: interrupted; finished work is kept (rerun with --resume)\n")
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
