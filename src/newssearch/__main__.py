"""``python -m newssearch``: the command-line interface."""

import sys

from newssearch.cli import main

sys.exit(main())
