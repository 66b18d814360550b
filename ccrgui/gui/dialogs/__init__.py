"""The dialogs and windows that stand alone: new request, settings, activity log, help."""
