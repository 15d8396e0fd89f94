"""What ``--help`` shows beside each option: its metavar (``FILE``, ``RULES``), nothing beside a flag.

typer (0.29) writes each value's Python type there: ``<bool>`` beside ``--quiet``, ``<list[str]>``
beside ``--select`` and the ``PATHS`` argument, ``<error|warning|info|sty`` / ``le|never>`` folded
into a narrow column. A user needs the shape of the value, which the metavars declared on the
options say (an argument's name already says it, in its own column). Other types get click's
words (``TEXT``, ``PATH``, ``INTEGER``). This reaches into typer's ``display_type_rich``; a typer
without it keeps its own display.
"""

from __future__ import annotations

from imagelint.lazy_pattern import LazyPattern


_TYPE_WORDS = {"str": "TEXT", "path": "PATH", "int": "INTEGER", "float": "NUMBER"}
_LIST = LazyPattern(r"^<list\[(\w+)\]>$")
_PLAIN = LazyPattern(r"^<(\w+)>$")


def install() -> bool:
    """Show metavars in the help of every command; False when this typer has no such hook."""
    try:
        from typer import core
    except ImportError:
        return False
    classes = [getattr(core, name, None) for name in ("TyperOption", "TyperArgument")]
    if not all(cls is not None and hasattr(cls, "display_type_rich") for cls in classes):
        return False
    option, argument = classes
    if getattr(option, "_imagelint_help_display", False):
        return True

    def display(self, ctx, _typers=option.display_type_rich):
        if getattr(self, "is_flag", False) and not getattr(self, "count", False):
            return None  # a flag takes no value
        if self.metavar is not None:
            return self.metavar
        return _click_words(_typers(self, ctx))

    option.display_type_rich = display
    argument.display_type_rich = lambda self, ctx: None  # its name column shows PATHS, CODE
    option._imagelint_help_display = True
    return True


def _click_words(shown: str | None) -> str | None:
    if shown is None:
        return None
    listed = _LIST.match(shown)
    if listed:
        return _TYPE_WORDS.get(listed.group(1), listed.group(1).upper()) + "..."
    plain = _PLAIN.match(shown)
    if plain:
        return _TYPE_WORDS.get(plain.group(1), plain.group(1).upper())
    return shown
