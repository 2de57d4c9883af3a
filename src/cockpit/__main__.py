"""`python -m cockpit`."""

import sys

from cockpit.cli import main

# Guarded: background worker processes import this module again under another name.
if __name__ == "__main__":
    sys.exit(main())
