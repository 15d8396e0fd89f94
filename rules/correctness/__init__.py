"""The correctness rules, one per module."""
