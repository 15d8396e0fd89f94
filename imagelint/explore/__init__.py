"""``imagelint explore``: a terminal UI over an analyzed image, for people coming from dive.

:mod:`.model` holds what is shown (layers, findings, the tree as of a layer, sorting and filters)
and needs no terminal; :mod:`.widgets` draws it with Textual; :mod:`.app` puts the panes together
and maps dive's keys. Only :mod:`imagelint.cli.explore_command` imports this package, so Textual is
loaded by ``imagelint explore`` alone.
"""
