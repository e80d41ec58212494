#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "microblog.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line
    from django.db.utils import OperationalError

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as error:
        # One clear line on what to fix, not a traceback.
        sys.exit(f"Configuration error: {error}")
    except OperationalError:
        # An unreachable database gets one line too; any other database error keeps its traceback.
        from core.health import database_unreachable

        problem = database_unreachable()
        if problem:
            sys.exit(problem)
        raise


if __name__ == "__main__":
    main()
