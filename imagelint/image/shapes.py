"""The shapes image metadata must have, checked before anything reads it.

``manifest.json`` (``docker save``), OCI indexes and image manifests (also Docker's manifest lists
and v2 manifests) and image configs are JSON written by other tools; a field of the wrong type (a
layer path given as a number, ``config`` as a string, a history item that is not an object) must be
a clear error naming where it is, not a crash deep inside the analysis. Each check reports the first
problem with its path: ``manifest.json: [0].Layers[3]: expected a string``.

A shape is one of: a type name (``"string"``, ``"integer"``, ``"boolean"``, ``"object"``, ``"any"``),
a one-item list (a list of that shape), a dict (an object whose listed keys, when present and not
``null``, have those shapes; other keys are free) or ``("map", shape)`` (an object every value of
which has that shape), or a :class:`Bounded` list (a list of at most so many items, the limit of
:mod:`.limits`). Missing keys are left to the readers, which say what is missing.

:func:`parse_json` reads the documents these shapes are checked on: valid JSON, nested at most
:data:`~imagelint.image.limits.MAX_JSON_DEPTH` deep (``json`` itself would hit Python's recursion
limit on deeper input and crash).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from imagelint.image.limits import MAX_HISTORY, MAX_JSON_DEPTH, MAX_LAYERS, Limit
from imagelint.image.model import ImageError


@dataclass(frozen=True)
class Bounded:
    """A list of ``item`` shapes, at most ``limit`` long (checked before any item is)."""

    limit: Limit
    item: object


_TYPES = {
    "string": (str,),
    "integer": (int,),
    "boolean": (bool,),
    "object": (dict,),
}
_NAMES = {"string": "a string", "integer": "an integer", "boolean": "true or false", "object": "an object"}

DOCKER_MANIFEST_ENTRY = {"Config": "string", "Layers": Bounded(MAX_LAYERS, "string"), "RepoTags": ["string"]}
DOCKER_MANIFEST = [DOCKER_MANIFEST_ENTRY]

PLATFORM = {"os": "string", "architecture": "string", "variant": "string"}
DESCRIPTOR = {
    "mediaType": "string",
    "digest": "string",
    "size": "integer",
    "platform": PLATFORM,
    "annotations": ("map", "string"),
}
INDEX = {"mediaType": "string", "manifests": [DESCRIPTOR]}
MANIFEST = {"mediaType": "string", "config": DESCRIPTOR, "layers": Bounded(MAX_LAYERS, DESCRIPTOR)}

HEALTHCHECK = {"Test": ["string"], "Interval": "integer", "Timeout": "integer", "StartPeriod": "integer",
               "StartInterval": "integer", "Retries": "integer"}  # fmt: skip
RUNTIME_CONFIG = {
    "User": "string",
    "Env": ["string"],
    "Cmd": ["string"],
    "Entrypoint": ["string"],
    "WorkingDir": "string",
    "Labels": ("map", "string"),
    "ExposedPorts": ("map", "any"),
    "Volumes": ("map", "any"),
    "Healthcheck": HEALTHCHECK,
    "StopSignal": "string",
    "Shell": ["string"],
    "OnBuild": ["string"],
}
HISTORY_ITEM = {"created": "string", "created_by": "string", "comment": "string", "author": "string",
                "empty_layer": "boolean"}  # fmt: skip
CONFIG = {
    "architecture": "string",
    "os": "string",
    "variant": "string",
    "created": "string",
    "config": RUNTIME_CONFIG,
    "rootfs": {"type": "string", "diff_ids": Bounded(MAX_LAYERS, "string")},
    "history": Bounded(MAX_HISTORY, HISTORY_ITEM),
}


def check(value: object, shape: object, where: str) -> None:
    """:class:`ImageError` ``"WHERE: PATH: expected ..."`` for the first part of ``value`` off ``shape``."""
    problem = _first_problem(value, shape, "")
    if problem is not None:
        path, wrong = problem
        raise ImageError(f"{where}: {path or '(top level)'}: {wrong}")


def _first_problem(value: object, shape: object, path: str) -> tuple[str, str] | None:
    """(where, what is wrong: "expected a string", "600000 history entries, more than ...")."""
    if isinstance(shape, str):
        if shape == "any":
            return None
        types = _TYPES[shape]
        # JSON true/false are Python bools, which are ints too: an integer field must not take them.
        if not isinstance(value, types) or (shape == "integer" and isinstance(value, bool)):
            return path, f"expected {_NAMES[shape]}"
        return None
    if isinstance(shape, Bounded):
        if isinstance(value, list) and len(value) > shape.limit.value():
            return path, shape.limit.exceeded(len(value))
        return _first_problem(value, [shape.item], path)
    if isinstance(shape, list):
        if not isinstance(value, list):
            return path, "expected a list"
        for index, item in enumerate(value):
            problem = _first_problem(item, shape[0], f"{path}[{index}]")
            if problem is not None:
                return problem
        return None
    if isinstance(shape, tuple):  # ("map", shape)
        if not isinstance(value, dict):
            return path, "expected an object"
        for key, item in value.items():
            problem = _first_problem(item, shape[1], _join(path, key))
            if problem is not None:
                return problem
        return None
    if not isinstance(value, dict):
        return path, "expected an object"
    for key, item_shape in shape.items():  # type: ignore[union-attr]
        item = value.get(key)
        if item is None:
            continue
        problem = _first_problem(item, item_shape, _join(path, key))
        if problem is not None:
            return problem
    return None


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


# --- reading JSON -----------------------------------------------------------------------------

def parse_json(data: bytes, described: str) -> object:
    """``data`` parsed; :class:`ImageError` ``"DESCRIBED is not valid JSON (...)"`` or ``"DESCRIBED
    is nested more than 64 levels deep"``. ``described`` names the document: ``"x.tar: manifest.json"``."""
    too_deep = f"{described} is nested more than {MAX_JSON_DEPTH} levels deep; image metadata never is"
    try:
        parsed = json.loads(data)
    except RecursionError:  # nesting in the hundreds: the parser gives up before the stack does
        raise ImageError(too_deep) from None
    except ValueError as err:  # also UnicodeDecodeError: bytes that are not UTF-8 text
        raise ImageError(f"{described} is not valid JSON ({' '.join(str(err).split())[:200]})") from None
    if _deeper_than(parsed, MAX_JSON_DEPTH):  # shallower than that, but still deeper than any real document
        raise ImageError(too_deep)
    return parsed


def _deeper_than(value: object, limit: int) -> bool:
    """Whether lists and objects in ``value`` nest more than ``limit`` deep (walked level by level)."""
    level = [value] if isinstance(value, (dict, list)) else []
    for _ in range(limit):
        level = [child for item in level for child in (item.values() if isinstance(item, dict) else item)
                 if isinstance(child, (dict, list))]  # fmt: skip
        if not level:
            return False
    return bool(level)
