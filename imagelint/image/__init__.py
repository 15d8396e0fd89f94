"""Image inspection: where an image's bytes go, which are wasted, and which line made them.

Data flows one way, one module per step:
``sources`` (one ``ImageSource`` per source, picked once from the reference's prefix, with the
reference syntax in :mod:`.reference`: the daemon via :mod:`imagelint.docker_engine`,
``docker-archive:``, ``oci:`` in :mod:`.oci`, ``registry:`` in :mod:`.registry` with
:mod:`.credentials` and :mod:`.fetches` (layers a few at a time, results in order); :mod:`.layout`
resolves indexes and platforms for all of them) -> ``archive`` (one streaming pass over each tar,
with the fast header reader :mod:`.tarstream`, into packed per-path metadata over one table of
interned paths, :mod:`.model`) -> ``filesystem`` (the true layer stacking) and ``dive`` (dive
0.13.1's metrics), both arrays over the path table (:mod:`.child_lists`) -> ``analysis`` (the pure
``analyze(image) -> Analysis``, final once made) -> ``join``
(layers to Dockerfile lines: a new ``Analysis``) -> image rules (``rules/image/``, and
``rules/security/image_*.py``) -> :mod:`imagelint.report` (the ``Report`` lint and analyze share,
its image part holding the redacted analysis) -> reporters.
"""
