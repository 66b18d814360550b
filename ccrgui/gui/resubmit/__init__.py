"""Resubmit and undo from the GUI: asking, progress, results, outcomes in the table."""
