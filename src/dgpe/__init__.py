"""dgpe application."""
