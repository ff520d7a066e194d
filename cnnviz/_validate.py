"""Argument checks shared by the whole package.

Every public function validates its input here, so that a mistake is met with a
``ValueError`` or ``TypeError`` naming the parameter, the value and what would be
valid, never with an ``IndexError`` deep inside numpy.
"""

from __future__ import annotations

import numbers

import numpy as np


def _show(value) -> str:
    """A short ``repr`` for error messages."""
    if isinstance(value, np.ndarray):
        return f"array of shape {value.shape}"
    text = repr(value)
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
