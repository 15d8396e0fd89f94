"""The dockerignore rules, one per module."""
