"""The `rung` command: Django's management commands with a few friendly names in front.

rung demo      create or refresh the demo data and print the logins
rung serve     run the development web server on 127.0.0.1:8000
rung worker    run the background task worker
rung <any manage.py command>
"""

import os
import sys

ALIASES = {
    "serve": ["runserver", "127.0.0.1:8000"],
    "worker": ["worker"],
    "demo": ["demo"],
}


def main(argv: list[str] | None = None) -> None:
    if sys.version_info < (3, 12):
        sys.exit(f"Rung needs Python 3.12 or newer; this is {sys.version.split()[0]}.")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rung.settings")
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in ALIASES:
        args = ALIASES[args[0]] + args[1:]
    from django.core.management import execute_from_command_line

    execute_from_command_line(["rung", *args])


if __name__ == "__main__":
    main()
