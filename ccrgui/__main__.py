"""``python -m ccrgui`` starts the GUI."""

import sys

from ccrgui.gui.app import main

if __name__ == "__main__":
    sys.exit(main())
