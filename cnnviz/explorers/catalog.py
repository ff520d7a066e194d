"""One list of every explorer the notebooks show, with the inputs each is built from.

The notebooks, the tests and the benchmark all need "the explorer of notebook 03
on the grey cat at 150 x 225". Written three times, the three copies drift apart;
written once here, they cannot:

- each :class:`Entry` names its notebook, a title, the factory and an input
  *recipe* (a function that makes the factory's arguments, e.g. loads the photo);
- the tests sweep every control of ``entry.build()``, the benchmark times it;
- a factory wrapped with :func:`factory` stamps each explorer it builds with a
  fingerprint of its arguments, which the saved notebook keeps beside the stored
  picture. ``tests/test_catalog.py`` fails when a notebook built an explorer from
  inputs that no entry of the catalog makes.

Add an explorer by adding its entry to :data:`ENTRIES` (the modules register
their own with :func:`register`, next to the factory).
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import inspect
import numbers
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

#: the output metadata key under which a saved notebook keeps an explorer's origin
METADATA_KEY = "cnnviz_explorer"
#: the explorer modules, in notebook order; importing them registers their entries
MODULES = ("pixels", "stepper", "gallery", "nonlinear", "sizes", "volume", "filter_stack",
           "pool_views", "pool_winners", "parameters", "model_share", "forward", "filmstrip",
           "backprop", "gradient_check", "training", "drawing", "augmentation", "interpretation",
           "maximisation", "sanity", "receptive_fields", "architectures", "transposed_views",
           "beyond")


def fingerprint(value) -> str:
    """A short, stable digest of a factory's arguments: arrays by dtype, shape and bytes,
    numbers and strings by value, containers item by item, a network by its layers and
    weights. The same inputs give the same digest in any process, on any machine.

    >>> fingerprint(np.zeros(3)) == fingerprint(np.zeros(3, dtype=np.float64))
    True
    >>> fingerprint(np.zeros(3)) == fingerprint(np.zeros(4))
    False
    """
    digest = hashlib.sha256()
    _feed(digest, value)
    return digest.hexdigest()[:16]


def _feed(digest, value):
    if isinstance(value, np.ndarray) or isinstance(value, np.generic):
        arr = np.ascontiguousarray(value)
        digest.update(f"array{arr.dtype.str}{arr.shape}".encode())
        digest.update(arr.tobytes())
    elif value is None or isinstance(value, (bool, str, bytes, numbers.Number)):
        digest.update(f"{type(value).__name__}:{value!r}".encode())
    elif isinstance(value, dict) or hasattr(value, "items") and callable(value.items):
        digest.update(b"map{")
        for key in sorted(value, key=repr):
            _feed(digest, key)
            _feed(digest, value[key])
        digest.update(b"}")
    elif isinstance(value, (list, tuple)):
        digest.update(f"{type(value).__name__}[".encode())
        for item in value:
            _feed(digest, item)
        digest.update(b"]")
    elif hasattr(value, "layers") and callable(getattr(value, "parameters", None)):
        # a cnnviz.Sequential: its layers and its weights
        digest.update(f"network:{value!r}".encode())
        for name, array in value.parameters().items():
            _feed(digest, name)
            _feed(digest, np.asarray(array))
    else:
        digest.update(f"{type(value).__module__}.{type(value).__qualname__}:{value!r}".encode())


def call_fingerprint(func, args, kwargs) -> str:
    """The fingerprint of a call, with the arguments bound to the function's parameters
    and its defaults filled in, so ``f(x)`` and ``f(x, size=5)`` (the default) agree."""
    bound = inspect.signature(func).bind(*args, **kwargs)
    bound.apply_defaults()
    return fingerprint(dict(bound.arguments))


def factory(func):
    """Mark an explorer factory: the explorer it returns remembers where it came from
    (``explorer.origin = {"factory": "module:name", "inputs": fingerprint}``)."""

    @functools.wraps(func)
    def build(*args, **kwargs):
        explorer = func(*args, **kwargs)
        explorer.origin = {"factory": f"{func.__module__}:{func.__qualname__}",
                           "inputs": call_fingerprint(func, args, kwargs)}
        return explorer

    build.__wrapped_factory__ = func
    return build


@dataclass(frozen=True)
class Entry:
    """One explorer of one notebook: ``factory(*args, **kwargs)`` with ``recipe()``'s inputs.

    ``recipe`` returns ``(args, kwargs)`` for the factory; it is a function so that
    loading a photo or a network happens only when the explorer is built.
    """

    notebook: str
    title: str
    factory: Callable
    recipe: Callable[[], tuple] = field(default=lambda: ((), {}))
    #: the notebook shows this explorer on an impossible setting, to explain it
    opens_on_explanation: bool = False

    @property
    def key(self) -> str:
        return f"{self.notebook}-{self.title.replace(' ', '-')}"

    def build(self):
        args, kwargs = self.recipe()
        return self.factory(*args, **kwargs)

    def origin(self) -> dict:
        """What an explorer built from this entry is stamped with."""
        func = getattr(self.factory, "__wrapped__", self.factory)
        args, kwargs = self.recipe()
        return {"factory": f"{func.__module__}:{func.__qualname__}",
                "inputs": call_fingerprint(func, args, kwargs)}


_REGISTERED: list[Entry] = []


def register(notebook, title, factory, recipe=None, *, opens_on_explanation=False):
    """Add an entry (called by the explorer modules, next to their factories).

    ``opens_on_explanation`` marks an explorer that its notebook opens on an impossible
    setting, to show the explanation (notebook 04's "no window fits")."""
    entry = Entry(notebook, title, factory, recipe or (lambda: ((), {})),
                  opens_on_explanation=bool(opens_on_explanation))
    if any(e.key == entry.key for e in _REGISTERED):
        raise ValueError(f"an explorer {entry.key!r} is already in the catalog")
    _REGISTERED.append(entry)
    return entry


def entries() -> list[Entry]:
    """Every explorer the notebooks show, in notebook order.

    A module not yet moved onto the catalog still lists its explorers in a
    ``BENCHMARK`` list of ``(notebook, title, build)``; those are included too.
    """
    found = []
    for name in MODULES:
        module = importlib.import_module(f"cnnviz.explorers.{name}")
        for notebook, title, build in getattr(module, "BENCHMARK", ()):
            found.append(Entry(notebook, title, lambda build=build: build(),
                               recipe=lambda: ((), {})))
    return sorted(found + _REGISTERED, key=lambda e: e.notebook)


def get(key) -> Entry:
    """The entry with this key, e.g. ``"03-kernel-gallery"``."""
    for entry in entries():
        if entry.key == key:
            return entry
    raise ValueError(f"no explorer {key!r} in the catalog; keys are "
                     f"{', '.join(e.key for e in entries())}")


__all__ = ["Entry", "METADATA_KEY", "call_fingerprint", "entries", "factory", "fingerprint",
           "get", "register"]
