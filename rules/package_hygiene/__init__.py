"""The package-hygiene rules, one per module."""
