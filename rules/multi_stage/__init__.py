"""The multi-stage rules, one per module."""
