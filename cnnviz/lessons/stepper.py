"""Notebook 02's state: one step of a convolution, and the 180° flip. Numpy only.

* :func:`convolution_step` is one position of a kernel sliding over an input
  (no padding, stride 1): the window, the element-wise products, their sum, and
  the output cells filled so far. :func:`written_sum` writes that sum out term
  by term, as the notebook prints it.
* :func:`flip_comparison` computes cross-correlation and true convolution of one
  input with one kernel and says how the two outputs relate.

A kernel larger than the input fits nowhere: both raise
:class:`cnnviz.errors.DoesNotFit` with the two shapes as fields
(``image_shape``, ``kernel_shape``) besides the axis that does not fit.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from . import number, read_only
from .._validate import as_array, positive_int
from ..convolution import convolve2d, correlate2d
from ..errors import DoesNotFit, SettingError
from ..filters import BOX_BLUR, VERTICAL_EDGE
from ..images import step_edge


#: The worked example: ``correlate2d(WORKED_INPUT, WORKED_KERNEL)`` is ``[[19, 25], [37, 43]]``.
WORKED_INPUT = read_only(np.arange(9).reshape(3, 3), int)
WORKED_KERNEL = read_only([[0, 1], [2, 3]], int)

FIVE_BY_FIVE = read_only([
    [1, 2, 0, 7, 8],
    [0, 1, 3, 8, 9],
    [2, 0, 1, 9, 7],
    [1, 3, 2, 8, 8],
    [0, 2, 1, 7, 9],
], int)
"""A small 5x5 input: darker on the left, brighter on the right, with a little texture."""

EXAMPLES = MappingProxyType({
    "worked example: 3x3 input, 2x2 kernel": (WORKED_INPUT, WORKED_KERNEL),
    "5x5 input, vertical edge kernel": (FIVE_BY_FIVE, VERTICAL_EDGE),
    "5x5 input, box blur kernel": (FIVE_BY_FIVE, BOX_BLUR),
    "6x6 step edge, vertical edge kernel": (
        read_only(step_edge((6, 6), low=0.0, high=1.0)), VERTICAL_EDGE),
})
"""Name -> (input, kernel): the examples the convolution stepper offers."""


class NoSuchStep(SettingError):
    """A step number past the last position of the kernel.

    Fields: ``step``, ``n_steps`` (the last step), ``output_shape``, ``image_shape``
    and ``kernel_shape``.
    """


# ----------------------------------------------------------------------------- sums
def written_sum(window, kernel):
    """The dot product of a window and a kernel, written out term by term.

    ``sum_uv window[u, v] * kernel[u, v]``, in reading order, with each number to
    three significant digits. Negative factors get brackets so the signs stay readable.

    Examples
    --------
    >>> written_sum(np.array([[0, 1], [3, 4]]), np.array([[0, 1], [2, 3]]))
    '0×0 + 1×1 + 3×2 + 4×3 = 19'
    >>> written_sum(np.array([[2, 5]]), np.array([[1, -1]]))
    '2×1 + 5×(-1) = -3'
    """
    def factor(v):
        text = number(v)
        return f"({text})" if text.startswith("-") else text

    window = np.asarray(window, dtype=float)
    kernel = np.asarray(kernel, dtype=float)
    terms = " + ".join(f"{factor(a)}×{factor(b)}" for a, b in zip(window.flat, kernel.flat))
    return f"{terms} = {number(float(np.sum(window * kernel)))}"


def step_count(image_shape, kernel_shape) -> int:
    """How many positions a kernel takes on an input (no padding, stride 1).

    ``(H - kh + 1) * (W - kw + 1)``, the number of output cells, or 0 when the
    kernel is larger than the input in either direction.

    Examples
    --------
    >>> step_count((5, 5), (3, 3)), step_count((3, 3), (2, 2)), step_count((2, 2), (3, 3))
    (9, 4, 0)
    """
    positions = np.subtract(image_shape, kernel_shape) + 1
    return int(np.prod(np.maximum(positions, 0)))


def _check_fits(image, kernel, message, **fields):
    """Raise DoesNotFit (with both shapes) when ``kernel`` is larger than ``image``."""
    for axis, n, k in zip(("rows", "columns"), image.shape, kernel.shape):
        if k > n:
            raise DoesNotFit(message, size=n, kernel_size=k, padding=0, axis=axis,
                             image_shape=image.shape, kernel_shape=kernel.shape, **fields)


# ------------------------------------------------------------------------ the stepper
@dataclass
class StepState:
    image: np.ndarray          # (H, W) the input
    kernel: np.ndarray         # (kh, kw) the kernel as given
    flip: bool                 # True: true convolution (kernel rotated 180 degrees)
    step: int                  # 1 .. n_steps, in reading order
    row: int                   # output row being computed (0-based)
    col: int                   # output column being computed (0-based)
    used_kernel: np.ndarray    # the kernel that slides: ``kernel`` or rotated 180 degrees
    window: np.ndarray         # (kh, kw) the input under the kernel
    products: np.ndarray       # window * used_kernel, element by element
    total: float               # the sum of the products: output[row, col]
    output: np.ndarray         # (oh, ow) the whole result, from cnnviz
    done: np.ndarray           # (oh, ow) bool: cells computed by steps 1 .. step

    @property
    def n_steps(self):
        return self.output.size

    @property
    def sum_text(self):
        """The sum of this step, written out: ``'0×0 + 1×1 + 3×2 + 4×3 = 19'``."""
        return written_sum(self.window, self.used_kernel)


def convolution_step(image, kernel, *, step, flip=False):
    """One step of sliding ``kernel`` over ``image``: the window, the products, their sum.

    Steps go in reading order: step 1 puts the kernel's top-left corner on
    ``image[0, 0]``, the next step moves it one column right, and after the last
    column it goes back to the left, one row down. Step ``s`` computes output cell
    ``(row, col) = divmod(s - 1, W - kw + 1)``::

        output[row, col] = sum_uv image[row + u, col + v] * k[u, v]

    with ``k`` the kernel as given (cross-correlation, what deep learning calls
    convolution) or, with ``flip=True``, the kernel rotated by 180 degrees (true
    convolution).

    Parameters
    ----------
    image : array_like, shape (H, W)
    kernel : array_like, shape (kh, kw)
        At most as large as ``image`` in each direction (no padding here).
    step : int
        From 1 to ``(H - kh + 1) * (W - kw + 1)``, the number of output cells.
    flip : bool

    Returns
    -------
    StepState

    Raises
    ------
    DoesNotFit
        When the kernel is larger than the image (fields ``image_shape``, ``kernel_shape``).
    NoSuchStep
        When ``step`` is past the last position (fields ``step``, ``n_steps``).

    Examples
    --------
    >>> x = np.arange(9).reshape(3, 3)
    >>> s = convolution_step(x, [[0, 1], [2, 3]], step=1)
    >>> s.sum_text
    '0×0 + 1×1 + 3×2 + 4×3 = 19'
    >>> convolution_step(x, [[0, 1], [2, 3]], step=4).total
    43.0
    >>> convolution_step(x, [[0, 1], [2, 3]], step=1, flip=True).sum_text
    '0×3 + 1×2 + 3×1 + 4×0 = 5'
    """
    image = as_array(image, "image", ndims=2)
    kernel = as_array(kernel, "kernel", ndims=2)
    step = positive_int(step, "step")
    (H, W), (kh, kw) = image.shape, kernel.shape
    _check_fits(image, kernel,
                f"A {kh}x{kw} kernel does not fit inside a {H}x{W} input: without padding "
                f"the kernel can be at most {H}x{W}.")
    used = kernel[::-1, ::-1] if flip else kernel
    output = convolve2d(image, kernel) if flip else correlate2d(image, kernel)
    oh, ow = output.shape
    if step > oh * ow:
        raise NoSuchStep(
            f"There is no step {step}: a {kh}x{kw} kernel fits a {H}x{W} input in "
            f"{oh}x{ow} = {oh * ow} positions, so the steps go from 1 to {oh * ow}.",
            step=step, n_steps=oh * ow, output_shape=(oh, ow), image_shape=(H, W),
            kernel_shape=(kh, kw),
        )
    row, col = divmod(step - 1, ow)
    window = image[row:row + kh, col:col + kw]
    products = window * used + 0.0  # adding 0.0 turns 0 x (-1) = -0.0 into 0.0, printed "0"
    done = (np.arange(oh * ow) < step).reshape(oh, ow)
    return StepState(image, kernel, bool(flip), step, row, col, used, window, products,
                     float(products.sum()), output, done)


# ---------------------------------------------------------------- flip side by side
VERDICTS = MappingProxyType({
    "same": "The kernel looks the same after a 180° turn, so both operations give the "
            "same output.",
    "negated": "A 180° turn gives minus the kernel, so convolution gives the correlation's "
               "output with every sign swapped.",
    "different": "A 180° turn gives a different kernel, so the two outputs differ (a shift "
                 "goes the other way, an emboss is lit from the other side).",
})
"""Relation -> one sentence on how the two outputs relate, and why."""


@dataclass
class FlipState:
    image: np.ndarray          # (H, W)
    name: str
    kernel: np.ndarray         # (kh, kw)
    flipped: np.ndarray        # kernel rotated 180 degrees
    correlated: np.ndarray     # correlate2d(image, kernel)
    convolved: np.ndarray      # convolve2d(image, kernel)
    relation: str              # "same", "negated" or "different"

    @property
    def verdict(self):
        """One sentence on how the two outputs relate, and why."""
        return VERDICTS[self.relation]


def flip_comparison(image, kernel, *, name="kernel"):
    """Cross-correlation and true convolution of ``image`` with ``kernel``, and how they relate.

    True convolution is cross-correlation with the kernel rotated by 180 degrees,
    ``k'[u, v] = k[kh - 1 - u, kw - 1 - v]``. ``relation`` is "same" when
    ``k' == k`` (so the outputs agree), "negated" when ``k' == -k`` (every output
    value changes sign), "different" otherwise.

    Parameters
    ----------
    image : array_like, shape (H, W)
    kernel : array_like, shape (kh, kw), at most as large as ``image``
    name : str
        What to call the kernel in the state (and in an explanation).

    Raises
    ------
    DoesNotFit
        When the kernel is larger than the image (fields ``image_shape``,
        ``kernel_shape`` and ``name``).

    Examples
    --------
    >>> from cnnviz.filters import BOX_BLUR, VERTICAL_EDGE, SHIFT
    >>> img = np.arange(16).reshape(4, 4)
    >>> [flip_comparison(img, k).relation for k in (BOX_BLUR, VERTICAL_EDGE, SHIFT)]
    ['same', 'negated', 'different']
    """
    image = as_array(image, "image", ndims=2)
    kernel = as_array(kernel, "kernel", ndims=2)
    (H, W), (kh, kw) = image.shape, kernel.shape
    _check_fits(image, kernel, f"The {name} kernel is {kh}x{kw}, larger than the {H}x{W} "
                               "input, so it fits nowhere.", name=name)
    flipped = kernel[::-1, ::-1]
    if np.allclose(flipped, kernel):
        relation = "same"
    elif np.allclose(flipped, -kernel):
        relation = "negated"
    else:
        relation = "different"
    return FlipState(image, name, kernel, flipped, correlate2d(image, kernel),
                     convolve2d(image, kernel), relation)


__all__ = [
    "EXAMPLES", "FIVE_BY_FIVE", "VERDICTS", "WORKED_INPUT", "WORKED_KERNEL", "FlipState",
    "NoSuchStep", "StepState", "convolution_step", "flip_comparison", "step_count",
    "written_sum",
]
