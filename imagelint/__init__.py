"""imagelint: why your container images are big and slow to build, and how to fix it."""

__version__ = "0.1.0"
