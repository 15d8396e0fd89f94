"""The cache-order rules, one per module."""
