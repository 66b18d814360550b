"""The Qt-free core of ccrgui: CCR format, machine names, errors, inboxes, safe file moves."""
