"""Reachability checks from the GUI: the Check action and its results."""
