"""The image rules, one per module."""
