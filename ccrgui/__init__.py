"""ccrgui: queue, inspect and resubmit ConfigMgr client push requests (CCR files)."""

__version__ = "0.1.0"
