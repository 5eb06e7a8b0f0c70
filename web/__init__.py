"""Web app (to come: issue 3)."""
