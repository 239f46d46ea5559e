"""The `minzheng` console script: a thin front for Django's management commands.

`minzheng demo`, `minzheng serve`, `minzheng regions import FILE`, `minzheng audit verify`,
`minzheng createuser ...` and every other manage.py command.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minzheng.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    args[0] = "minzheng"
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
