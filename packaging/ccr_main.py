"""Entry point of the frozen ``ccr`` program (console)."""

import sys

from ccrgui.cli import main

sys.exit(main())
