"""Argument checks shared by the whole package.

Every public function validates its input here, so that a mistake is met with a
``ValueError`` or ``TypeError`` naming the parameter, the value and what would be
valid, never with an ``IndexError`` deep inside numpy.
"""

from __future__ import annotations

import math
import numbers
import reprlib

import numpy as np

#: The most memory, in bytes, that one request may ask numpy for: 1 GiB. A class on a
#: shared JupyterHub or Binder runs with 1-2 GB per kernel, so anything larger is refused
#: with a sentence before it is allocated, instead of stalling or killing the kernel.
MEMORY_LIMIT = 2**30


# A repr that stops after a few levels of nesting and a few items, so that describing
# a list nested 100,000 deep cannot exceed Python's recursion limit.
_SHORT_REPR = reprlib.Repr()
for _limit, _count in dict(maxlevel=4, maxlist=6, maxtuple=6, maxdict=4, maxset=4,
                           maxstring=40, maxother=40).items():
    setattr(_SHORT_REPR, _limit, _count)


def _show(value) -> str:
    """A short ``repr`` for error messages, safe for any value however deeply nested.

    >>> deep = [0]
    >>> for _ in range(100_000):
    ...     deep = [deep]
    >>> _show(deep)
    '[[[[[...]]]]]'
    >>> _show(np.zeros((2, 3)))
    'array of shape (2, 3)'
    """
    if isinstance(value, np.ndarray):
        return f"array of shape {value.shape}"
    try:
        text = _SHORT_REPR.repr(value)
    except Exception:  # a repr that fails or recurses: say what the value is instead
        text = f"a {type(value).__name__}"
    return text if len(text) <= 60 else text[:57] + "..."


def positive_int(value, name: str) -> int:
    """Return ``value`` as an int, or raise if it is not an integer >= 1."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a positive integer; got {_show(value)}")
    if value < 1:
        raise ValueError(f"{name} must be a positive integer; got {int(value)}")
    return int(value)


def nonnegative_int(value, name: str) -> int:
    """Return ``value`` as an int, or raise if it is not an integer >= 0."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a non-negative integer; got {_show(value)}")
    if value < 0:
        raise ValueError(f"{name} must be a non-negative integer; got {int(value)}")
    return int(value)


def boolean(value, name: str) -> bool:
    """Accept only True or False (numpy booleans too), never a truthy stand-in."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False; got {_show(value)}")
    return bool(value)


def real_number(value, name: str) -> float:
    """Accept an int or float (not a bool), for constants such as a fill value."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number; got {_show(value)}")
    return float(value)


def finite_real(value, name: str, *, low=None, high=None) -> float:
    """Accept a finite int or float (not a bool) in ``[low, high]`` (each bound optional).

    The bounds keep later arithmetic representable: ``sigma**2`` of ``1e300`` overflows,
    and of ``1e-300`` rounds to zero.

    >>> finite_real(0.5, "sigma", low=1e-15, high=1e15)
    0.5
    >>> finite_real(1e300, "sigma", low=1e-15, high=1e15)
    Traceback (most recent call last):
    ...
    ValueError: sigma must be a number from 1e-15 to 1e+15; got 1e+300
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number; got {_show(value)}")
    value = float(value)
    if low is not None and high is not None:
        valid = f"a number from {low:g} to {high:g}"
    elif low is not None:
        valid = f"a number of at least {low:g}"
    elif high is not None:
        valid = f"a number of at most {high:g}"
    else:
        valid = "a finite number"
    if not math.isfinite(value) or (low is not None and value < low) or (
            high is not None and value > high):
        raise ValueError(f"{name} must be {valid}; got {value!r}")
    return value


def odd_int(value, name: str, *, why="so the window has a centre pixel") -> int:
    """Return ``value`` as an int, or raise if it is not a positive odd integer.

    >>> odd_int(5, "size")
    5
    >>> odd_int(4, "size")
    Traceback (most recent call last):
    ...
    ValueError: size must be a positive odd integer, so the window has a centre pixel; got 4
    """
    value = positive_int(value, name)
    if value % 2 == 0:
        raise ValueError(f"{name} must be a positive odd integer, {why}; got {value}")
    return value


def int_pair(value, name: str, check=positive_int) -> tuple[int, int]:
    """Accept an int or a pair of ints (height, width); check each with ``check``."""
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(
                f"{name} must be an integer or a pair (height, width); got {_show(value)}"
            )
        return check(value[0], name), check(value[1], name)
    value = check(value, name)
    return value, value


def one_of(value, name: str, allowed) -> str:
    """Check that ``value`` is one of the strings in ``allowed``."""
    if not isinstance(value, str) or value not in allowed:
        options = ", ".join(repr(a) for a in allowed)
        raise ValueError(f"{name} must be one of {options}; got {_show(value)}")
    return value


def as_array(x, name: str, ndims=None) -> np.ndarray:
    """Convert ``x`` to a numeric numpy array and check its number of dimensions.

    Floats keep their precision when they are float32 or float64; integers and
    booleans become float64, so arithmetic on them cannot overflow.
    """
    if x is None or isinstance(x, (str, bytes)):
        raise TypeError(f"{name} must be a numeric array; got {_show(x)}")
    try:
        arr = np.asarray(x)
    except (ValueError, TypeError) as err:  # ragged nested lists
        raise TypeError(f"{name} must be a numeric array; got {_show(x)} ({err})") from None
    if arr.dtype.kind not in "biuf":
        raise TypeError(
            f"{name} must be a numeric array; got dtype {arr.dtype} "
            "(use integers or floats)"
        )
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty; got shape {arr.shape}")
    if ndims is not None:
        allowed = (ndims,) if isinstance(ndims, int) else tuple(ndims)
        if arr.ndim not in allowed:
            want = " or ".join(f"{d}-D" for d in allowed)
            raise ValueError(f"{name} must be {want}; got {arr.ndim}-D with shape {arr.shape}")
    if arr.dtype not in (np.float32, np.float64):
        arr = arr.astype(np.float64)
    return arr


def common_float(*arrays) -> np.dtype:
    """float32 when every array is float32, float64 otherwise."""
    if all(a.dtype == np.float32 for a in arrays if a is not None):
        return np.dtype(np.float32)
    return np.dtype(np.float64)


def _bytes(n: int) -> str:
    """A byte count for people: ``1.5 GiB``, ``12.0 MiB``."""
    for unit, size in (("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= size:
            return f"{n / size:.1f} {unit}"
    return f"{n} bytes"


def check_memory(n_elements, itemsize, what: str, *, limit=None) -> int:
    """Refuse, before allocating, an array of ``n_elements`` items of ``itemsize`` bytes
    that would need more than ``limit`` bytes (default :data:`MEMORY_LIMIT`).

    ``what`` names the request in the message, for example ``"padding 20000"``. The
    count is a Python integer, so it cannot overflow however large the request.
    Returns the number of bytes needed.

    >>> check_memory(1000, 8, "a 1000-element array")
    8000
    >>> check_memory(40_005 ** 2, 8, "padding 20000")
    Traceback (most recent call last):
    ...
    ValueError: padding 20000 would need 11.9 GiB of memory; the limit is 1.0 GiB (cnnviz._validate.MEMORY_LIMIT)
    """
    need = int(n_elements) * int(itemsize)
    limit = MEMORY_LIMIT if limit is None else int(limit)
    if need > limit:
        raise ValueError(
            f"{what} would need {_bytes(need)} of memory; the limit is {_bytes(limit)} "
            "(cnnviz._validate.MEMORY_LIMIT)"
        )
    return need


def channel_groups(groups, in_channels: int, out_channels: int) -> int:
    """Check a convolution's ``groups``: a positive integer dividing both channel counts.

    >>> channel_groups(2, 4, 6)
    2
    >>> channel_groups(4, 4, 6)
    Traceback (most recent call last):
    ...
    ValueError: groups must be a positive integer that divides both in_channels (4) and out_channels (6); got 4
    """
    if isinstance(groups, (bool, np.bool_)) or not isinstance(groups, numbers.Integral):
        raise TypeError(f"groups must be a positive integer; got {_show(groups)}")
    if groups < 1 or in_channels % groups or out_channels % groups:
        raise ValueError(
            f"groups must be a positive integer that divides both in_channels ({in_channels}) "
            f"and out_channels ({out_channels}); got {int(groups)}"
        )
    return int(groups)
