"""Generator registry in the style of timm: ``@register("chart.bar")``, ``create(name)``,
shell-style pattern lookup, and close-match suggestions for unknown names.

Generators live in the ``generators`` and ``scenegraph`` packages; every module in them
is imported on first lookup, so adding a generator is adding a file.
"""
from __future__ import annotations

import difflib
import fnmatch
import importlib
import pkgutil
from typing import TYPE_CHECKING, Any, Callable

from mmsynth.errors import UserError

if TYPE_CHECKING:
    from mmsynth.generator import Generator

_REGISTRY: dict[str, type["Generator"]] = {}
PLUGIN_PACKAGES = ("generators", "scenegraph")
_loaded = False


def register(name: str) -> Callable[[type["Generator"]], type["Generator"]]:
    """Class decorator: register a generator class under a dotted name (``task.kind``)."""
    def deco(cls: type["Generator"]) -> type["Generator"]:
        if name in _REGISTRY and _REGISTRY[name] is not cls:
            raise ValueError(f"generator {name!r} is registered twice "
                             f"({_REGISTRY[name].__module__} and {cls.__module__})")
        cls.name = name
        _REGISTRY[name] = cls
        return cls
    return deco


def load_plugins() -> None:
    """Import every module of the plugin packages once, so their ``@register`` calls run."""
    global _loaded
    if _loaded:
        return
    _loaded = True
    for pkg_name in PLUGIN_PACKAGES:
        pkg = importlib.import_module(pkg_name)
        for info in pkgutil.walk_packages(pkg.__path__, prefix=pkg_name + "."):
            importlib.import_module(info.name)
    from mmsynth.describe import attach  # the describe modules of the packages are imported now
    attach(_REGISTRY)


def names(pattern: str = "*") -> list[str]:
    """Registered names matching a shell-style pattern, sorted."""
    load_plugins()
    return sorted(n for n in _REGISTRY if fnmatch.fnmatchcase(n, pattern))


def resolve(patterns: list[str], generating: bool = False) -> list[str]:
    """Expand patterns to generator names (in order, without repeats); unknown ones raise UserError.

    With ``generating``, keep only generators that can make samples on their own (a pattern
    may match verify-only ones, such as the ``ocr.*`` records made by ``mmsynth llavar``).
    """
    load_plugins()
    out: list[str] = []
    for pat in patterns:
        hits = [h for h in names(pat) if not generating or _REGISTRY[h].can_generate()]
        if not hits:
            close = difflib.get_close_matches(pat, list(_REGISTRY), n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(close)}?" if close else "; see `mmsynth list`"
            if generating and names(pat):
                raise UserError(f"{pat!r} names generators that only verify records made by other"
                                " commands (e.g. `mmsynth llavar`), not by generate")
            raise UserError(f"no generator matches {pat!r}{hint}")
        out += [h for h in hits if h not in out]
    return out


def get(name: str) -> type["Generator"]:
    """The generator class registered under ``name`` exactly."""
    return _REGISTRY[resolve([name])[0]] if name not in _REGISTRY else _REGISTRY[name]


def create(name: str, **options: Any) -> "Generator":
    """Instantiate a registered generator; ``options`` are run-level settings (e.g. ``scenes``)."""
    load_plugins()
    if name not in _REGISTRY:
        resolve([name])  # raises with suggestions
        raise UserError(f"{name!r} is a pattern, not a generator name")
    return _REGISTRY[name](**options)
