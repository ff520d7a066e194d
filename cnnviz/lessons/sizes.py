"""Notebook 04: where the windows of a convolution stand, and the output size they give.

The state of the output-size explorer: for a square input, kernel, padding, stride
and dilation, every window position, the taps of one chosen window, how many
windows read each cell, and the formula with the numbers substituted. The maths
itself is :mod:`cnnviz.shapes` (:func:`~cnnviz.shapes.conv_output_size`,
:func:`~cnnviz.shapes.padding_for`, :func:`~cnnviz.shapes.window_coverage`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validate import nonnegative_int, positive_int
from ..errors import DoesNotFit, SettingError
from ..shapes import (
    UnevenPadding, conv_output_size, effective_kernel_size, explain_output_size, padding_for,
    window_coverage,
)

#: the padding choices of the explorer; "custom" takes the number of pixels instead
PADDING_MODES = ("valid", "same", "full", "custom")


class NoSuchWindow(SettingError):
    """The chosen window is past the last one. Fields: ``window``, ``out`` (the output
    size per side) and ``windows`` (``out * out``)."""

    def __init__(self, *, window, out):
        super().__init__(f"window must be at most {out * out - 1} (a {out}x{out} output has "
                         f"{out * out} windows); got {window}", window=window, out=out,
                         windows=out * out)

    def __reduce__(self):
        return (_rebuild_window, (self.fields["window"], self.fields["out"]))


def _rebuild_window(window, out):
    return NoSuchWindow(window=window, out=out)


@dataclass
class SizeState:
    size: int                  # input size n (square input)
    kernel_size: int           # k
    padding: int               # p on every side
    stride: int                # s
    dilation: int              # d
    padding_mode: str          # "valid", "same", "full" or "custom"
    out: int                   # output size per side
    window: int                # the highlighted window, counted row by row
    explanation: str           # the formula with the numbers substituted
    padded_coverage: np.ndarray  # (n + 2p, n + 2p) windows reading each padded cell

    @property
    def span(self):
        """Pixels one window spans per side: ``d(k - 1) + 1``."""
        return effective_kernel_size(self.kernel_size, dilation=self.dilation)

    @property
    def padded(self):
        return self.size + 2 * self.padding

    @property
    def coverage(self):
        """Windows reading each input pixel, shape ``(n, n)``."""
        p, n = self.padding, self.size
        return self.padded_coverage[p:p + n, p:p + n]

    @property
    def starts(self):
        """Where the windows start along one side, in padded coordinates."""
        return np.arange(self.out) * self.stride

    @property
    def window_cell(self):
        """The output cell ``(row, column)`` of the highlighted window."""
        return divmod(self.window, self.out)

    @property
    def taps(self):
        """Padded coordinates (rows, columns) the highlighted window reads, per side."""
        i, j = self.window_cell
        offsets = np.arange(self.kernel_size) * self.dilation
        return i * self.stride + offsets, j * self.stride + offsets

    @property
    def read(self):
        """Along one side: which padded rows (and columns) some window reads."""
        return self.padded_coverage.any(axis=1)

    @property
    def leftover(self):
        """Rows left after the last full step: ``(n + 2p - d(k-1) - 1) mod s``."""
        return (self.padded - self.span) % self.stride

    @property
    def unread_input(self):
        """How many rows (and as many columns) of the input itself no window reads."""
        return int(np.count_nonzero(~self.read[self.padding:self.padding + self.size]))


def output_size_state(size, kernel_size, *, padding=0, stride=1, dilation=1, window=0):
    """Every window position of a square convolution, and the output size it gives.

    Parameters
    ----------
    size, kernel_size : int
        Input size ``n`` and kernel size ``k``.
    padding : int or {"valid", "same", "full"}
        Zeros added on each side, or a named choice (see :func:`cnnviz.shapes.padding_for`).
    stride, dilation : int
    window : int
        Which window to highlight, counted row by row from 0.

    Raises
    ------
    DoesNotFit
        When no window fits the padded input (from :func:`cnnviz.shapes.conv_output_size`).
    UnevenPadding
        For "same" padding when ``d(k - 1)`` is odd.
    NoSuchWindow
        When ``window`` is not smaller than ``out * out``.

    Examples
    --------
    >>> state = output_size_state(7, 3, stride=2)
    >>> state.out, state.starts.tolist()
    (3, [0, 2, 4])
    >>> state = output_size_state(8, 3, stride=2, window=5)
    >>> state.window_cell, state.leftover, state.unread_input
    ((1, 2), 1, 1)
    >>> output_size_state(6, 3, padding="same").out
    6
    """
    n = positive_int(size, "size")
    k = positive_int(kernel_size, "kernel_size")
    s = positive_int(stride, "stride")
    d = positive_int(dilation, "dilation")
    if isinstance(padding, str):
        mode, p = padding, padding_for(padding, k, dilation=d)
    else:
        mode, p = "custom", nonnegative_int(padding, "padding")
    window = nonnegative_int(window, "window")
    try:
        out = conv_output_size(n, k, stride=s, padding=p, dilation=d)
    except DoesNotFit as err:   # the same error, with the settings the sentence names
        raise DoesNotFit(str(err), size=n, kernel_size=k, padding=2 * p, dilation=d,
                         stride=s, padding_mode=mode) from None
    if window >= out * out:
        raise NoSuchWindow(window=window, out=out)
    explanation = explain_output_size(n, k, stride=s, padding=p, dilation=d)
    coverage = window_coverage(n, k, stride=s, padding=p, dilation=d, padded=True)
    return SizeState(n, k, p, s, d, mode, out, window, explanation, coverage)


def idle_controls(state):
    """Controls that cannot change anything at this setting, each with the reason.

    A learner who moves one of these and sees nothing happen reads why on the figure.

    >>> idle_controls(output_size_state(7, 1))
    {'dilation': 'a 1x1 kernel has no gaps to spread, so dilation changes nothing'}
    >>> sorted(idle_controls(output_size_state(5, 5)))
    ['stride', 'window']
    >>> sorted(idle_controls(output_size_state(5, 3, stride=3)))    # a stride of 1 gives 3 windows
    ['window']
    """
    notes = {}
    if state.kernel_size == 1:
        notes["dilation"] = "a 1x1 kernel has no gaps to spread, so dilation changes nothing"
    if state.padded == state.span:
        notes["stride"] = ("one window fills the padded input, so there is no next position "
                           "for the stride to step to")
    if state.out == 1:
        notes["window"] = "there is only one window to choose"
    return notes


def explain(err):
    """The learner's sentence for a setting the state refuses."""
    if isinstance(err, DoesNotFit):
        n, k, d, span = err.size, err.kernel_size, err.dilation, err.span
        p = err.padding // 2                      # DoesNotFit counts both sides
        kernel = f"a {k}x{k} kernel" + (f" with dilation {d}" if d > 1 else "")
        needs = f"spans {span} pixels" if d > 1 else f"needs {span} pixels"
        mode = err.fields.get("padding_mode", "custom")
        padding = f"'{mode}' padding ({p})" if mode != "custom" else f"padding {p}"
        stride = err.fields.get("stride")
        why_not_stride = (f"A stride of {stride} cannot help" if stride is not None
                          else "The stride cannot help")
        return (f"No window fits: {kernel} {needs} across, but the {n}x{n} input with {padding} "
                f"is only {n} + 2*{p} = {n + 2 * p} wide. Use padding >= "
                f"{-(-(span - n) // 2)}{', less dilation' if d > 1 else ''} or a smaller kernel. "
                f"({why_not_stride}: it only spaces out the windows, and not even one fits.)")
    if isinstance(err, UnevenPadding):
        kernel = f"a {err.kernel_size}x{err.kernel_size} kernel"
        if err.dilation > 1:
            kernel += f" with dilation {err.dilation}"
        return (f"'same' padding for {kernel} needs {err.total} extra pixels per row, an odd "
                f"number: it cannot be split equally between the two sides (PyTorch puts "
                f"{err.before} before and {err.after} after). This diagram pads every side "
                "equally: pick an odd kernel size, or 'custom' padding.")
    if isinstance(err, NoSuchWindow):
        return (f"There is no window {err.window}: a {err.out}x{err.out} output has "
                f"{err.windows} windows, numbered 0 to {err.windows - 1}.")
    return str(err)


def _plural(count, word):
    return f"{count} {word}" + ("" if count == 1 else "s")


def caption(state):
    """The explorer's caption under the figure (HTML): the count of windows, the chosen
    window's taps, and what dilation, unread rows and 'same' padding at a stride do."""
    i, j = state.window_cell
    k, n, out = state.kernel_size, state.size, state.out
    taps = k * k
    parts = [
        f"<b>{_plural(out, 'window position')} per row \u00d7 {out} per column = "
        f"{_plural(out * out, 'output value')}.</b> Each dot is the top-left cell of one window; "
        f"the orange {'cell is the pixel' if taps == 1 else f'cells are the {taps} pixels'} "
        f"that window {state.window} (output cell ({i}, {j})) multiplies by the kernel."
    ]
    if state.dilation > 1:
        parts.append(f"Dilation {state.dilation} spreads the {k}x{k} taps over "
                     f"{state.span}x{state.span} pixels (the black outline).")
    if state.unread_input:
        rows = state.unread_input
        parts.append(f"<b>{rows} of the {n} input rows (and as many columns) "
                     f"{'is' if rows == 1 else 'are'} never read</b> (purple): "
                     "those pixels cannot affect the output.")
    elif not state.read.all():
        parts.append("Only padding is left unread (light purple): every input pixel still counts.")
    if state.padding_mode == "same" and state.stride > 1:
        parts.append(f"'Same' padding keeps the size only at stride 1; with stride {state.stride} "
                     f"the output is ceil({n} / {state.stride}) = {out}.")
    return " ".join(parts)


__all__ = ["NoSuchWindow", "PADDING_MODES", "SizeState", "caption", "explain", "idle_controls",
           "output_size_state"]
