"""``python -m migrator`` and the ``migrator`` command. SIGINT and SIGTERM are handled (migrator.interrupt) before
the command's heavy imports, so that a Ctrl-C in its first second ends it as one later does: exit 130, no
traceback."""
from __future__ import annotations

import sys

from migrator import interrupt


def main() -> None:
    interrupt.install()
    try:
        from migrator.cli import main as command
    except KeyboardInterrupt:  # the signal came while the command was still being imported: nothing began
        print(f"migrator: {interrupt.stopped_by()}", file=sys.stderr)
        sys.exit(interrupt.exit_code() or 130)
    command()


if __name__ == "__main__":  # worker processes (spawn) import this module too, as __mp_main__: they run nothing
    main()
