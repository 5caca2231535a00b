"""`python -m tui` is the same as the `nianbao` command."""
import sys

from tui.cli import entry

if __name__ == "__main__":  # not when a spawned worker process re-imports this module
    sys.exit(entry())
