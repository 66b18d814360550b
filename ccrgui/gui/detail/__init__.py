"""One CCR file in a window of its own: its fields, its error, its ccm.log history."""
