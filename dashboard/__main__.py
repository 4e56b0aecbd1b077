"""``python -m dashboard``: the headless command line."""

import sys

from dashboard.cli import main

sys.exit(main())
