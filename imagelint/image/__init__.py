"""Image inspection: where an image's bytes go, which are wasted, and which line made them.

Data flows one way, one module per step:
``sources`` (daemon via :mod:`imagelint.docker_engine`, ``docker-archive:``) -> ``archive`` (one
streaming pass over a ``docker save`` tar into per-path metadata, :mod:`.model`) -> ``filesystem``
(the true layer stacking) and ``dive`` (dive 0.13.1's metrics) -> ``analysis`` (the pure
``analyze(image) -> Analysis``) -> ``join`` (layers to Dockerfile lines) -> image rules
(``rules/image.py``) -> ``report`` -> reporters.
"""
