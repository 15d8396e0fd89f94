"""The base-image rules, one per module."""
