"""The security rules, one per module."""
