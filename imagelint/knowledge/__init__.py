"""What imagelint knows about Dockerfiles, shells and the tools they run: the facts rules share.

Each module is the one place for its facts; rules import them, never the other way round.
"""
