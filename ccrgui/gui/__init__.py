"""The PySide6 face of ccrgui. Nothing here runs at import time."""
