"""``python -m central``: the central store's admin command line."""

import sys

from central.cli import main

sys.exit(main())
