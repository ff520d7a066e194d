"""Notebook 14: transposed, 1-D, causal and grouped convolutions, the matrix and the FFT.

The state of the notebook's explorers, numpy only:

- :func:`transposed_state`: a transposed convolution stamp by stamp, and the counts of
  overlapping stamps that make checkerboard artifacts;
- :func:`matrix_state`: the matrix of a convolution, one output's row, one pixel's column;
- :func:`sequence_state` and :func:`causal_stack_state`: a 1-D convolution of a signal,
  and which samples a stack of dilated causal convolutions reads;
- :func:`groups_state`: what ``groups`` does to a convolution's weight tensor;
- :func:`time_correlation` and :func:`fft_state`: direct against FFT correlation, timed.

The maths is the package's: :func:`cnnviz.conv_transpose2d`, :func:`cnnviz.conv2d_matrix`,
:func:`cnnviz.conv1d`, :func:`cnnviz.conv2d` with ``groups`` and
:func:`cnnviz.correlate2d` with ``method="fft"``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from .._validate import nonnegative_int, one_of, positive_int
from ..convolution import correlate2d
from ..errors import SettingError
from ..matrices import conv2d_matrix
from ..params import conv2d_params
from ..sequence import conv1d
from ..shapes import conv_transpose_output_size, explain_conv_transpose_output_size
from ..transposed import conv_transpose2d


class CroppedAway(SettingError):
    """A transposed convolution whose padding crops more than the whole output.
    Fields: ``padding``, ``uncropped`` (the output side before cropping)."""


class NoSuchCell(SettingError):
    """An index past the last output or input cell. Fields: ``what``, ``index``, ``count``."""


def explain_setting(err):
    """The learner's sentence for ``err``, a setting notebook 14's explorers cannot show.

    >>> explain_setting(NoSuchCell("step must be at most 4; got 5", what="step", index=5,
    ...                            count=5))
    'There is no step 5: there are 5, from 0.'
    """
    if isinstance(err, CroppedAway):
        return (f"Padding {err.padding} would crop {2 * err.padding} pixels from a "
                f"{err.uncropped}-pixel canvas: nothing would be left.")
    if isinstance(err, NoSuchCell):
        return f"There is no {err.what} {err.index}: there are {err.count}, from 0."
    return str(err)


def _cell_index(index, count, what):
    index = nonnegative_int(index, what)
    if index >= count:
        raise NoSuchCell(f"{what} must be at most {count - 1}; got {index}", what=what,
                         index=index, count=count)
    return index


# ---------------------------------------------------------------- transposed convolution
def transposed_input(size):
    """The explorer's input: ``size x size`` small integers 1..3 (seeded, the same each time).

    >>> transposed_input(2)
    array([[1., 3.],
           [2., 2.]])
    """
    rng = np.random.default_rng(14)
    return rng.integers(1, 4, (size, size)).astype(float)


def transposed_kernel(kernel_size):
    """The explorer's kernel: ones, so each stamp is the input value repeated.

    >>> transposed_kernel(2)
    array([[1., 1.],
           [1., 1.]])
    """
    return np.ones((kernel_size, kernel_size))


@dataclass(frozen=True)
class TransposedState:
    """A transposed convolution of ``x`` with ``kernel`` after ``step`` stamps.

    ``canvas`` is the uncropped output (side ``(n - 1)s + k``) with the first ``step``
    stamps added; ``stamp`` the last one alone; ``output`` the finished, cropped result
    (``conv_transpose2d``); ``coverage`` how many stamps land on each output pixel for a
    constant input, the checkerboard when ``k`` is not a multiple of ``s``;
    ``resize_coverage`` the same count for nearest-neighbour resizing by ``s`` followed by
    a ``k x k`` convolution ('same' padding, the extra zero after when ``k`` is even).
    """

    x: np.ndarray
    kernel: np.ndarray
    stride: int
    padding: int
    step: int
    current: tuple | None
    canvas: np.ndarray
    stamp: np.ndarray
    output: np.ndarray
    out_size: int
    explanation: str
    coverage: np.ndarray
    resize_coverage: np.ndarray
    interior: tuple

    @property
    def size(self):
        return self.x.shape[0]

    @property
    def kernel_size(self):
        return self.kernel.shape[0]

    @property
    def uneven(self):
        """Whether the stamps overlap unevenly inside the output: ``k % s != 0``."""
        return self.kernel_size % self.stride != 0

    @property
    def interior_counts(self):
        """The distinct stamp counts away from the border (sorted)."""
        (r0, r1), (c0, c1) = self.interior
        return sorted({int(v) for v in np.unique(self.coverage[r0:r1, c0:c1])})


def _interior(out, k, s, p):
    """Rows (and columns) of the output that every stamp position around them can reach:
    away from the first and last ``k - 1`` uncropped pixels."""
    lo, hi = max(0, k - 1 - p), out - max(0, k - 1 - p)
    return (lo, hi) if hi > lo else (0, 0)


def transposed_state(size=2, kernel_size=3, *, stride=2, padding=0, step=None):
    """A transposed convolution, stamp by stamp.

    Each input value ``x[i, j]`` adds ``x[i, j] * kernel`` to the output at row ``i*s``,
    column ``j*s`` of the uncropped canvas; overlaps add; ``padding`` crops ``p`` pixels
    from each side. ``step`` stamps are added (all by default).

    >>> st = transposed_state(2, 3, stride=2)
    >>> st.out_size, transposed_state(4, 3, stride=2).interior_counts
    (5, [1, 2, 4])
    >>> bool(np.array_equal(st.canvas, st.output))
    True
    """
    n = positive_int(size, "size")
    k = positive_int(kernel_size, "kernel_size")
    s = positive_int(stride, "stride")
    p = nonnegative_int(padding, "padding")
    uncropped = (n - 1) * s + k
    if 2 * p >= uncropped:
        raise CroppedAway(f"padding {p} crops away the whole {uncropped}x{uncropped} output",
                          padding=p, uncropped=uncropped)
    steps = n * n
    step = steps if step is None else nonnegative_int(step, "step")
    if step > steps:
        raise NoSuchCell(f"step must be at most {steps}; got {step}", what="step", index=step,
                         count=steps + 1)
    x, kernel = transposed_input(n), transposed_kernel(k)
    canvas = np.zeros((uncropped, uncropped))
    stamp = np.zeros_like(canvas)
    current = None
    for t in range(step):
        i, j = divmod(t, n)
        canvas[i * s:i * s + k, j * s:j * s + k] += x[i, j] * kernel
        if t == step - 1:
            current = (i, j)
            stamp[i * s:i * s + k, j * s:j * s + k] = x[i, j] * kernel
    out = conv_transpose_output_size(n, k, stride=s, padding=p)
    output = conv_transpose2d(x[None, None], kernel[None, None], stride=s, padding=p)[0, 0]
    coverage = conv_transpose2d(np.ones((1, 1, n, n)), np.ones((1, 1, k, k)), stride=s,
                                padding=p)[0, 0]
    resized = np.kron(np.ones((n, n)), np.ones((s, s)))
    resize_coverage = correlate2d(resized, np.ones((k, k)),
                                  padding=(((k - 1) // 2, k // 2), ((k - 1) // 2, k // 2)))
    lo, hi = _interior(out, k, s, p)
    return TransposedState(
        x=x, kernel=kernel, stride=s, padding=p, step=step, current=current, canvas=canvas,
        stamp=stamp, output=output, out_size=out,
        explanation=explain_conv_transpose_output_size(n, k, stride=s, padding=p),
        coverage=coverage, resize_coverage=resize_coverage, interior=((lo, hi), (lo, hi)),
    )


# -------------------------------------------------------------- convolution as a matrix
def matrix_kernel(kernel_size):
    """The kernel of the matrix explorer: 1, 2, ..., k*k row by row, so each tap is told
    apart by its value.

    >>> matrix_kernel(2)
    array([[1., 2.],
           [3., 4.]])
    """
    return np.arange(1.0, kernel_size * kernel_size + 1).reshape(kernel_size, kernel_size)


@dataclass(frozen=True)
class MatrixState:
    """The matrix ``M`` of a one-channel convolution of an ``size x size`` input.

    ``row`` is output ``output``'s row of ``M`` laid out as the input (which pixels it
    reads, with which weight); ``column`` is pixel ``pixel``'s column laid out as the
    output (which outputs read it, with which weight): the transposed convolution of a
    one-hot input.
    """

    size: int
    kernel: np.ndarray
    stride: int
    padding: int
    M: np.ndarray
    out: int
    output: int
    pixel: int
    row: np.ndarray
    column: np.ndarray
    transpose_matches: bool

    @property
    def output_cell(self):
        return divmod(self.output, self.out)

    @property
    def pixel_cell(self):
        return divmod(self.pixel, self.size)


def matrix_state(size=4, kernel_size=3, *, stride=1, padding=0, output=0, pixel=0):
    """``M`` with ``M @ x.ravel() == conv2d(x, kernel).ravel()``, one row and one column.

    >>> st = matrix_state(4, 3)
    >>> st.M.shape, st.transpose_matches
    ((4, 16), True)
    >>> st.row
    array([[1., 2., 3., 0.],
           [4., 5., 6., 0.],
           [7., 8., 9., 0.],
           [0., 0., 0., 0.]])
    """
    n = positive_int(size, "size")
    kernel = matrix_kernel(positive_int(kernel_size, "kernel_size"))
    s = positive_int(stride, "stride")
    p = nonnegative_int(padding, "padding")
    M = conv2d_matrix((1, n, n), kernel[None, None], stride=s, padding=p)
    out = int(round(np.sqrt(M.shape[0])))
    output = _cell_index(output, M.shape[0], "output")
    pixel = _cell_index(pixel, n * n, "pixel")
    one_hot = np.zeros((1, 1, out, out))
    one_hot.flat[output] = 1.0
    # M transposed is the transposed convolution: M.T @ g == conv_transpose2d(g, kernel).
    g = np.arange(1.0, out * out + 1).reshape(1, 1, out, out)
    by_transpose = conv_transpose2d(g, kernel[None, None], stride=s, padding=p,
                                    output_padding=_output_padding(n, kernel.shape[0], s, p))
    matches = bool(np.allclose(M.T @ g.ravel(), by_transpose.ravel()))
    return MatrixState(size=n, kernel=kernel, stride=s, padding=p, M=M, out=out,
                       output=output, pixel=pixel, row=M[output].reshape(n, n),
                       column=M[:, pixel].reshape(out, out), transpose_matches=matches)


def _output_padding(n, k, s, p):
    """The output_padding that brings a transposed convolution back to ``n`` pixels:
    a strided convolution drops the last ``(n + 2p - k) % s`` rows, which it restores."""
    return (n + 2 * p - k) % s


# ---------------------------------------------------------------- 1-D and causal signals
#: the 1-D kernels of the sequence explorer, by name: a function of the kernel size
KERNELS_1D = {
    "moving average": lambda k: np.ones(k) / k,
    "derivative": lambda k: np.r_[-1.0, np.zeros(max(k - 2, 0)), 1.0] / max(k - 1, 1)
    if k > 1 else np.ones(1),
    "identity": lambda k: np.eye(1, k, k // 2).ravel(),
}
#: the padding choices of the sequence explorer
PADDINGS_1D = ("same", "causal", "valid")


def make_signal(length=120, *, seed=0):
    """A test signal: two sines (periods 40 and 9 samples) plus Gaussian noise (sd 0.25).

    >>> make_signal(120).shape
    (120,)
    """
    t = np.arange(positive_int(length, "length"))
    rng = np.random.default_rng(seed)
    return (np.sin(2 * np.pi * t / 40) + 0.5 * np.sin(2 * np.pi * t / 9)
            + 0.25 * rng.standard_normal(t.size))


@dataclass(frozen=True)
class SequenceState:
    """``output = conv1d(signal, kernel, padding=padding)`` and the samples output ``time``
    reads (``taps``, indices into ``signal``; padded positions are negative or past the end)."""

    signal: np.ndarray
    kernel: np.ndarray
    kernel_name: str
    padding: str
    output: np.ndarray
    time: int
    centre: int
    taps: np.ndarray

    @property
    def future_taps(self):
        """How many of the taps lie after the sample the output is drawn on (``centre``)."""
        return int((self.taps > self.centre).sum())


def sequence_state(kernel="moving average", kernel_size=5, *, padding="same", time=60,
                   signal=None):
    """A 1-D convolution of a signal, with the window of one output.

    Output ``t`` is ``sum_u kernel[u] * x[t*1 + u - left]`` where ``left`` is the left
    padding: ``(k - 1) // 2`` for "same", ``k - 1`` for "causal", 0 for "valid". It is drawn
    at time ``t + offset`` with ``offset = (k - 1) - left`` ... so that the "causal"
    output at ``t`` sits on the input's ``t``.

    >>> st = sequence_state("moving average", 5, padding="causal", time=30)
    >>> st.output.shape, st.taps.tolist(), st.future_taps
    ((120,), [26, 27, 28, 29, 30], 0)
    """
    one_of(kernel, "kernel", tuple(KERNELS_1D))
    one_of(padding, "padding", PADDINGS_1D)
    k = positive_int(kernel_size, "kernel_size")
    x = make_signal() if signal is None else np.asarray(signal, dtype=float)
    w = KERNELS_1D[kernel](k)
    output = conv1d(x[None], w[None, None], padding=padding)[0]
    left = {"same": (k - 1) // 2, "causal": k - 1, "valid": 0}[padding]
    t = _cell_index(time, output.size, "time") if output.size else 0
    centre = t + (k - 1) // 2 if padding == "valid" else t
    return SequenceState(signal=x, kernel=w, kernel_name=kernel, padding=padding,
                         output=output, time=t, centre=centre,
                         taps=t - left + np.arange(k))


@dataclass(frozen=True)
class CausalStack:
    """Which samples each layer of a causal stack reads for one output.

    ``reads[l]`` is the sorted positions (relative to the output, 0 = now, -1 = one
    step back) of layer ``l``'s input (layer 0: the signal) that the output depends on;
    ``field`` the receptive field, ``1 + sum((k - 1) * d)``.
    """

    dilations: tuple
    kernel_size: int
    reads: tuple
    field: int


def causal_stack_state(dilations=(1, 2, 4, 8), kernel_size=2):
    """The samples a stack of dilated causal convolutions reads (WaveNet's idea).

    Traced through the layers, each output position ``t`` of a layer with dilation ``d``
    reads ``t, t - d, ..., t - (k - 1) d`` of its input.

    >>> st = causal_stack_state()
    >>> st.field, len(st.reads[0])
    (16, 16)
    """
    k = positive_int(kernel_size, "kernel_size")
    dilations = tuple(positive_int(d, "dilations") for d in dilations)
    reads = [np.array([0])]
    for d in reversed(dilations):
        below = (reads[0][:, None] - d * np.arange(k)[None, :]).ravel()
        reads.insert(0, np.unique(below))
    field = 1 + sum((k - 1) * d for d in dilations)
    return CausalStack(dilations=dilations, kernel_size=k, reads=tuple(reads), field=field)


def causal_stack_output(x, weights, dilations):
    """Run a stack of causal 1-D convolutions (one channel, no nonlinearity) on ``x``.

    ``weights[l]`` has shape ``(k,)``; returns the last layer's output, as long as ``x``.
    """
    h = np.asarray(x, dtype=float)[None]
    for w, d in zip(weights, dilations):
        h = conv1d(h, np.asarray(w, dtype=float)[None, None], padding="causal", dilation=d)
    return h[0]


# ------------------------------------------------------------------- grouped convolution
@dataclass(frozen=True)
class GroupsState:
    """A convolution from ``in_channels`` to ``out_channels`` in ``groups`` groups.

    ``weight`` has shape ``(C_out, C_in // groups, k, k)``; ``connections[o, c]`` is True
    where output channel ``o`` reads input channel ``c``, and ``group_of_output[o]`` its
    group.
    """

    in_channels: int
    out_channels: int
    groups: int
    weight: np.ndarray
    connections: np.ndarray
    params: int
    dense_params: int

    @property
    def depthwise(self):
        return self.groups == self.in_channels == self.out_channels


def groups_state(in_channels=8, out_channels=8, *, groups=1, kernel_size=3):
    """The weight tensor and the channel connections of a grouped convolution.

    >>> st = groups_state(8, 8, groups=4)
    >>> st.weight.shape, st.params, int(st.connections.sum())
    ((8, 2, 3, 3), 144, 16)
    """
    c_in = positive_int(in_channels, "in_channels")
    c_out = positive_int(out_channels, "out_channels")
    g = positive_int(groups, "groups")
    k = positive_int(kernel_size, "kernel_size")
    if c_in % g or c_out % g:
        raise SettingError(f"groups {g} must divide in_channels {c_in} and out_channels "
                           f"{c_out}", groups=g, in_channels=c_in, out_channels=c_out)
    rng = np.random.default_rng(3)
    weight = np.round(rng.standard_normal((c_out, c_in // g, k, k)), 2)
    # Group j holds output channels j*C_out/g.. and reads input channels j*C_in/g.. only.
    connections = (np.arange(c_out)[:, None] // (c_out // g)
                   == np.arange(c_in)[None, :] // (c_in // g))
    return GroupsState(in_channels=c_in, out_channels=c_out, groups=g, weight=weight,
                       connections=connections,
                       params=conv2d_params(c_in, c_out, k, bias=False, groups=g),
                       dense_params=conv2d_params(c_in, c_out, k, bias=False))


# --------------------------------------------------------------------- direct vs FFT
@dataclass(frozen=True)
class TimingTable:
    """Seconds per correlation of an ``image_size`` square image, by kernel size.

    ``direct[i]`` and ``fft[i]`` are the best of ``repeats`` timings of
    ``correlate2d(method=...)`` for kernel ``kernel_sizes[i]``, measured interleaved;
    ``difference[i]`` the largest absolute difference between the two results.
    """

    image_size: int
    kernel_sizes: tuple
    direct: np.ndarray
    fft: np.ndarray
    difference: np.ndarray

    @property
    def crossover(self):
        """The smallest kernel size from which the FFT is faster at every larger size
        measured, or None when it never is (the last one measured is slower)."""
        faster = self.fft < self.direct
        if not faster[-1]:
            return None
        i = len(faster) - 1
        while i > 0 and faster[i - 1]:
            i -= 1
        return self.kernel_sizes[i]


def _best_time(func, repeats):
    best = np.inf
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best


def time_correlation(image_size=64, kernel_sizes=tuple(range(3, 32, 4)), *, repeats=5, seed=0):
    """Time direct against FFT correlation on this machine (wall clock, best of ``repeats``).

    >>> table = time_correlation(16, (3, 5), repeats=1)
    >>> table.kernel_sizes, bool(table.difference.max() < 1e-9)
    ((3, 5), True)
    """
    n = positive_int(image_size, "image_size")
    sizes = tuple(positive_int(k, "kernel_sizes") for k in kernel_sizes)
    if not sizes or max(sizes) > n:
        raise ValueError(f"kernel_sizes must be between 1 and image_size {n}; got {sizes}")
    repeats = positive_int(repeats, "repeats")
    rng = np.random.default_rng(seed)
    image = rng.standard_normal((n, n))
    direct, fft, diff = [], [], []
    for k in sizes:
        kernel = rng.standard_normal((k, k))
        a = correlate2d(image, kernel)
        b = correlate2d(image, kernel, method="fft")
        diff.append(float(np.abs(a - b).max()))
        t_direct = t_fft = np.inf
        for _ in range(repeats):  # interleaved, so that load slows both alike
            t_direct = min(t_direct, _best_time(lambda: correlate2d(image, kernel), 1))
            t_fft = min(t_fft, _best_time(lambda: correlate2d(image, kernel, method="fft"), 1))
        direct.append(t_direct)
        fft.append(t_fft)
    return TimingTable(image_size=n, kernel_sizes=sizes, direct=np.array(direct),
                       fft=np.array(fft), difference=np.array(diff))


@dataclass(frozen=True)
class FFTState:
    """One kernel size of a :class:`TimingTable`, picked by the explorer."""

    table: TimingTable
    index: int

    @property
    def kernel_size(self):
        return self.table.kernel_sizes[self.index]

    @property
    def ratio(self):
        """Direct time over FFT time at this kernel size (> 1: the FFT is faster)."""
        return float(self.table.direct[self.index] / self.table.fft[self.index])


def fft_state(table, kernel_size):
    """The row of ``table`` for ``kernel_size``.

    >>> table = TimingTable(8, (3, 5), np.array([1.0, 4.0]), np.array([2.0, 2.0]), np.zeros(2))
    >>> st = fft_state(table, 5)
    >>> st.ratio, table.crossover
    (2.0, 5)
    """
    if kernel_size not in table.kernel_sizes:
        raise NoSuchCell(f"kernel_size must be one of {table.kernel_sizes}; got {kernel_size}",
                         what="kernel_size", index=kernel_size, count=len(table.kernel_sizes))
    return FFTState(table=table, index=table.kernel_sizes.index(kernel_size))


__all__ = [
    "CausalStack", "CroppedAway", "FFTState", "GroupsState", "KERNELS_1D", "MatrixState",
    "NoSuchCell", "PADDINGS_1D", "SequenceState", "TimingTable", "TransposedState",
    "causal_stack_output", "causal_stack_state", "explain_setting", "fft_state", "groups_state",
    "make_signal", "matrix_kernel", "matrix_state", "sequence_state", "time_correlation",
    "transposed_input", "transposed_kernel", "transposed_state",
]
