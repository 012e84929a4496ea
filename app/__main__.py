"""``python -m app``: the Doorstep desktop client (see ``app.cli``)."""

import sys

from app.cli import main

sys.exit(main())
