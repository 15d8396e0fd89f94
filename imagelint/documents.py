"""Reading the config-like files a run is given (.imagelint.toml, pyproject.toml, .hadolint.yaml,
.dive-ci, Compose files, a baseline, a context's package.json) without letting one of them take the
run's memory, time or stack.

Each reader refuses, with a :class:`DocumentError` whose one-line text its caller puts after the
file's name: a file that is not a regular file (a FIFO would block, ``/dev/zero`` never ends), one
larger than ``limits.CONFIG_FILE_BYTES``, text that is not UTF-8, YAML whose aliases stand for more than
``limits.YAML_NODES`` nodes (a "billion laughs" file), and nesting deeper than ``limits.NESTING``
(or than the TOML and JSON readers can follow). Syntax errors stay each format's own exception
(``yaml.YAMLError``, ``tomllib.TOMLDecodeError``, ``json.JSONDecodeError``), which callers
already word.
"""

from __future__ import annotations

import json
from pathlib import Path

from imagelint.discovery import NotRegularFile, read_regular
from imagelint.limits import CONFIG_FILE_BYTES, NESTING, YAML_NODES, over_limit_message


class DocumentError(ValueError):
    """A document refused before or while it is read; the text does not name the file."""


def read_bytes(path: Path) -> bytes:
    """The bytes of a regular file of at most ``limits.CONFIG_FILE_BYTES``. ``OSError`` is left to the
    caller (it words "no such file" and "cannot read" itself)."""
    limit = CONFIG_FILE_BYTES.value()
    try:
        data = read_regular(path, limit)
    except NotRegularFile as err:
        if err.kind == "a directory":
            raise IsADirectoryError(21, "Is a directory") from None
        raise DocumentError("not a regular file") from None
    if len(data) > limit:
        raise DocumentError(over_limit_message("larger than", CONFIG_FILE_BYTES, "not read"))
    return data


def read_text(path: Path) -> str:
    """:func:`read_bytes` decoded as UTF-8 (a BOM is kept, as ``Path.read_text`` keeps it)."""
    return decode(read_bytes(path))


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise DocumentError(f"not UTF-8 text (byte 0x{data[err.start]:02x} on line {line})") from None


def load_toml(data: bytes) -> dict:
    """A TOML document; ``tomllib.TOMLDecodeError`` for bad syntax."""
    import tomllib  # not imported by a lint whose project has no imagelint config

    text = decode(data)
    try:
        return tomllib.loads(text)
    except RecursionError:
        raise DocumentError("arrays or tables nested too deeply to read") from None


def load_json(text: str) -> object:
    """A JSON value; ``json.JSONDecodeError`` for bad syntax and for nesting Python's reader cannot
    follow (about 1,000 levels), so callers handle both alike."""
    try:
        return json.loads(text)
    except RecursionError:
        raise json.JSONDecodeError("nested too deeply", text, 0) from None


def load_yaml(text: str) -> object:
    """A YAML document read with PyYAML's safe loader (``yaml.YAMLError`` for bad syntax), counting
    every node each alias stands for: the count, not the text, is what walking the result costs."""
    import yaml  # imported only when a YAML file is read

    loader = _counting_loader(yaml)(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


_LOADERS: dict[int, type] = {}


def _counting_loader(yaml) -> type:
    if id(yaml) in _LOADERS:
        return _LOADERS[id(yaml)]

    class CountingLoader(yaml.SafeLoader):
        """SafeLoader that refuses documents standing for more than ``limits.YAML_NODES`` nodes or
        nesting deeper than ``limits.NESTING`` (PyYAML composes by recursion)."""

        def __init__(self, stream) -> None:
            super().__init__(stream)
            self._sizes: dict[int, int] = {}  # id(node) -> nodes it stands for, aliases in full
            self._depth = 0
            self._most_nodes = YAML_NODES.value()
            self._most_depth = NESTING.value()

        def compose_node(self, parent, index):
            self._depth += 1
            try:
                if self._depth > self._most_depth:
                    raise DocumentError(over_limit_message("nested deeper than", NESTING))
                node = super().compose_node(parent, index)
            finally:
                self._depth -= 1
            if id(node) not in self._sizes:  # an alias returns its anchor's node, already counted
                size = 1
                if isinstance(node, yaml.MappingNode):
                    size += sum(self._sizes.get(id(k), 1) + self._sizes.get(id(v), 1) for k, v in node.value)
                elif isinstance(node, yaml.SequenceNode):
                    size += sum(self._sizes.get(id(item), 1) for item in node.value)
                if size > self._most_nodes:
                    raise DocumentError(over_limit_message("aliases make it stand for more nodes than", YAML_NODES))
                self._sizes[id(node)] = size
            return node

    _LOADERS[id(yaml)] = CountingLoader
    return CountingLoader
