"""The `dudao` console command: `dudao demo`, `dudao load-regions`, … wrap the management commands.

Dashes and underscores are interchangeable (`dudao load-regions` runs `load_regions`), and every
other Django management command works too (`dudao migrate`, `dudao db_worker`).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dudao.settings")
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
