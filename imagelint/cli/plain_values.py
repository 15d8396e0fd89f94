"""Command-line values of plain types converted without pydantic, so a short run starts quickly.

typer (0.29) converts every non-flag value through a pydantic ``TypeAdapter``, built on the first
use of each option, even one that was not given. Importing pydantic and building those adapters
takes longer than everything else a one-file ``imagelint lint`` does (the profile in
docs/benchmarks.md). The values imagelint's options take are plain: strings, lists of strings,
paths, whole numbers and string enums. This module converts those itself, to exactly what typer
would give, and hands typer anything else (a value it does not recognise, such as a bad choice, a
number with a sign or spaces, another type) so that errors and their wording stay typer's own.

It reaches into typer's internals (``_TyperParameter.get_runtime_param``, ``RuntimeParam``); when
they are not there (another typer), :func:`install` changes nothing and typer works as it does.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path

from imagelint.lazy_pattern import LazyPattern

_WHOLE_NUMBER = LazyPattern(r"0|-?[1-9][0-9]*")  # no "+", spaces, "_" or leading zeros: typer decides those
_NOT_PLAIN = object()  # "typer decides"


def install() -> bool:
    """Make typer's parameters convert plain values here; False when this typer has no such hook."""
    try:
        from typer import _coercion, _param_types, core
    except ImportError:
        return False
    parameter = getattr(core, "_TyperParameter", None)
    if getattr(parameter, "_imagelint_plain_values", False):
        return True  # installed already
    needed = (
        getattr(parameter, "get_runtime_param", None),
        getattr(_coercion, "RuntimeParam", None),
        getattr(_coercion, "build_runtime_param", None),
        getattr(_param_types, "coerce_cli_path", None),
    )
    if not all(needed):
        return False
    typers_own, runtime_param, build_runtime_param, coerce_cli_path = needed

    class PlainRuntimeParam(runtime_param):
        """Converts plain values; typer's own conversion (pydantic) is built only for the rest."""

        def __init__(self, descriptor) -> None:
            super().__init__(parameter_info=descriptor.parameter_info, annotation=descriptor.annotation)
            object.__setattr__(self, "_descriptor", descriptor)
            object.__setattr__(self, "_typers", None)

        def _coerce_value(self, value, param, ctx):
            converted = _plain(self.annotation, self.parameter_info, value, param, ctx, coerce_cli_path)
            if converted is not _NOT_PLAIN:
                return converted
            if self._typers is None:
                object.__setattr__(self, "_typers", build_runtime_param(self._descriptor))
            return self._typers._coerce_value(value, param=param, ctx=ctx)

    def get_runtime_param(self):
        if self._runtime_param is None:
            descriptor = self.type_descriptor
            if descriptor.file_annotation is not None:
                return typers_own(self)
            self._runtime_param = PlainRuntimeParam(descriptor)
        return self._runtime_param

    parameter.get_runtime_param = get_runtime_param
    parameter._imagelint_plain_values = True
    return True


def _plain(annotation, info, value, param, ctx, coerce_cli_path):
    """``value`` (from the command line) converted as typer would, or ``_NOT_PLAIN``."""
    if getattr(info, "parser", None) is not None:
        return _NOT_PLAIN
    if getattr(annotation, "__origin__", None) is list:
        (item_type,) = getattr(annotation, "__args__", (None,))
        if not isinstance(value, (list, tuple)):
            return _NOT_PLAIN
        items = [_plain(item_type, info, item, param, ctx, coerce_cli_path) for item in value]
        return _NOT_PLAIN if any(item is _NOT_PLAIN for item in items) else items
    if annotation is str:
        return value if isinstance(value, str) else _NOT_PLAIN
    if annotation is int and type(value) is int:  # an option's default
        return _in_range(value, info)
    if not isinstance(value, str):
        return _NOT_PLAIN
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        if getattr(ctx, "token_normalize_func", None) is not None:
            return _NOT_PLAIN
        if getattr(info, "case_sensitive", True):
            return next((member for member in annotation if str(member.value) == value), _NOT_PLAIN)
        folded = value.casefold()
        return next((member for member in annotation if str(member.value).casefold() == folded), _NOT_PLAIN)
    if annotation is int:
        if not _WHOLE_NUMBER.fullmatch(value):
            return _NOT_PLAIN
        return _in_range(int(value), info)
    if isinstance(annotation, type) and issubclass(annotation, Path) and value:
        path_type = getattr(info, "path_type", None) or annotation
        if not (isinstance(path_type, type) and issubclass(path_type, Path)):
            return _NOT_PLAIN
        # typer's own checks (exists=, dir_okay=, ...) with their messages; given a Path already,
        # it needs no pydantic to make one.
        return coerce_cli_path(path_type(value), info, path_type=path_type, param=param, ctx=ctx)
    return _NOT_PLAIN


def _in_range(number: int, info):
    """``number`` when it is within the option's ``min`` and ``max`` (whatever ``clamp`` says);
    otherwise typer clamps it or says why not."""
    low, high = getattr(info, "min", None), getattr(info, "max", None)
    if (low is not None and number < low) or (high is not None and number > high):
        return _NOT_PLAIN
    return number
