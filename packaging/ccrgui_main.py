"""Entry point of the frozen ``ccrgui`` program (windowed)."""

import sys

from ccrgui.gui.app import main

sys.exit(main())
