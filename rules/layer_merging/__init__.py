"""The layer-merging rules, one per module."""
