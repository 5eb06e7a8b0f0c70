"""Case logs (to come: issue 4)."""
