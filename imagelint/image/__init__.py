"""Image inspection: where an image's bytes go, which are wasted, and which line made them.

Data flows one way, one module per step:
``reference`` (which source a reference names) -> ``sources`` (daemon via
:mod:`imagelint.docker_engine`, ``docker-archive:``, ``oci:`` in :mod:`.oci`, ``registry:`` in
:mod:`.registry` with :mod:`.credentials`; :mod:`.layout` resolves indexes and platforms for all of
them) -> ``archive`` (one streaming pass over each tar, with the fast header reader :mod:`.tarstream`,
into per-path metadata, :mod:`.model`) -> ``filesystem`` (the true layer stacking) and ``dive``
(dive 0.13.1's metrics) -> ``analysis`` (the pure ``analyze(image) -> Analysis``) -> ``join``
(layers to Dockerfile lines) -> image rules (``rules/image/``, and ``rules/security/image_*.py``) -> ``report`` -> reporters.
"""
