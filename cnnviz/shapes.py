"""Output sizes of convolution and pooling, computed the way PyTorch does.

For one spatial dimension of size ``n``, a kernel of size ``k``, padding ``p``
on each side, stride ``s`` and dilation ``d``::

    out = floor((n + 2p - d(k - 1) - 1) / s) + 1

``d(k - 1) + 1`` is the *effective* kernel size: a dilated kernel spreads its
``k`` taps over that many pixels. Without dilation the formula is the familiar
``floor((n + 2p - k) / s) + 1``.

Also here: the formulas worked out with the numbers substituted
(:func:`explain_output_size`, :func:`explain_pool_output_size`), the padding a
named mode asks for (:func:`padding_for`) and how many windows read each pixel
(:func:`window_coverage`).
"""

from __future__ import annotations

import numpy as np

from ._validate import boolean, check_memory, nonnegative_int, positive_int
from .errors import DoesNotFit, SettingError


def _check_common(size, kernel_size, stride, padding, dilation):
    size = positive_int(size, "size")
    kernel_size = positive_int(kernel_size, "kernel_size")
    stride = positive_int(stride, "stride")
    padding = nonnegative_int(padding, "padding")
    dilation = positive_int(dilation, "dilation")
    return size, kernel_size, stride, padding, dilation


def effective_kernel_size(kernel_size, *, dilation=1) -> int:
    """Number of input pixels a dilated kernel spans: ``d(k - 1) + 1``.

    Examples
    --------
    >>> effective_kernel_size(3, dilation=2)
    5
    """
    kernel_size = positive_int(kernel_size, "kernel_size")
    dilation = positive_int(dilation, "dilation")
    return dilation * (kernel_size - 1) + 1


def _no_fit_message(size, kernel_size, padding, dilation):
    """Why no window fits; ``padding`` is one int (each side) or a (before, after) pair."""
    span = dilation * (kernel_size - 1) + 1
    kernel = f"kernel_size {kernel_size}"
    if dilation > 1:
        kernel += f" with dilation {dilation} (it spans {span} pixels)"
    if isinstance(padding, tuple):
        before, after = padding
        padded = size + before + after
        given = f"size {size} + padding {before}+{after} = {padded}"
        needed = -(-(span - size) // 2)
        advice = f"use at least {span - size} pixels of padding in total"
    else:
        padded = size + 2 * padding
        given = f"size {size} + 2*padding {padding} = {padded}"
        needed = -(-(span - size) // 2)
        advice = f"use padding >= {needed}"
    return f"{kernel} does not fit the input: {given} < {span}; {advice} or a smaller kernel"


def conv_output_size(size, kernel_size, *, stride=1, padding=0, dilation=1) -> int:
    """Output size of a convolution along one dimension (PyTorch's formula).

    Parameters
    ----------
    size : int
        Input size ``n`` (height or width).
    kernel_size : int
        Kernel size ``k``.
    stride, padding, dilation : int
        ``s`` >= 1, ``p`` >= 0 on each side, ``d`` >= 1.

    Returns
    -------
    int
        ``floor((n + 2p - d(k - 1) - 1) / s) + 1``.

    Raises
    ------
    DoesNotFit
        (a ``ValueError``) when the kernel does not fit the padded input, with the
        numbers as fields; ``ValueError``/``TypeError`` when an argument is out of range.

    Examples
    --------
    >>> conv_output_size(7, 3)
    5
    >>> conv_output_size(7, 3, stride=2)
    3
    >>> conv_output_size(6, 3, padding=1)
    6
    >>> conv_output_size(227, 11, stride=4)
    55
    """
    n, k, s, p, d = _check_common(size, kernel_size, stride, padding, dilation)
    room = n + 2 * p - d * (k - 1) - 1
    if room < 0:
        raise DoesNotFit(_no_fit_message(n, k, p, d), size=n, kernel_size=k, padding=2 * p,
                         dilation=d)
    return room // s + 1


def pool_output_size(size, kernel_size, *, stride=None, padding=0, ceil_mode=False) -> int:
    """Output size of max or average pooling along one dimension (PyTorch's rule).

    ``stride`` defaults to ``kernel_size``. With ``ceil_mode`` the division rounds
    up, but a last window must still start inside the input or its left padding.
    Padding may be at most half the kernel size.

    Examples
    --------
    >>> pool_output_size(4, 2)
    2
    >>> pool_output_size(126, 3)
    42
    >>> pool_output_size(5, 2)
    2
    >>> pool_output_size(5, 2, ceil_mode=True)
    3
    """
    kernel_size = positive_int(kernel_size, "kernel_size")
    stride = kernel_size if stride is None else stride
    n, k, s, p, _ = _check_common(size, kernel_size, stride, padding, 1)
    ceil_mode = boolean(ceil_mode, "ceil_mode")
    if p > k // 2:
        raise SettingError(
            f"padding must be at most half of kernel_size ({k} // 2 = {k // 2}); got {p}",
            padding=p, kernel_size=k, limit=k // 2,
        )
    room = n + 2 * p - k
    if ceil_mode:
        out = (room + s - 1) // s + 1
        if (out - 1) * s >= n + p:
            out -= 1
    else:
        out = room // s + 1
    if out < 1:
        raise DoesNotFit(_no_fit_message(n, k, p, 1), size=n, kernel_size=k, padding=2 * p)
    return out


def explain_pool_output_size(size, kernel_size, *, stride=None, padding=0, ceil_mode=False) -> str:
    """The pooling output size along one side, as one line with the numbers substituted.

    The pooling twin of :func:`explain_output_size`: ``floor((n + 2p - k) / s) + 1``,
    or ``ceil(...)`` in ceil mode, where the line also says when the rule "a last
    window must start inside the input (or its left padding)" removes one window.
    The size at the end of the line is :func:`pool_output_size`'s.

    Parameters
    ----------
    size, kernel_size : int
        Input length ``n`` and window size ``k``.
    stride : int, optional
        ``s``; defaults to ``kernel_size``.
    padding : int
        ``p`` on each side, at most ``k // 2``.
    ceil_mode : bool

    Raises
    ------
    DoesNotFit
        When no window fits (from :func:`pool_output_size`).

    Examples
    --------
    >>> explain_pool_output_size(72, 2, stride=2)
    'floor((72 - 2) / 2) + 1 = 36'
    >>> explain_pool_output_size(5, 2, stride=2, ceil_mode=True)
    'ceil((5 - 2) / 2) + 1 = 3'
    >>> explain_pool_output_size(112, 3, stride=2, padding=1)
    'floor((112 + 2*1 - 3) / 2) + 1 = 56'
    >>> explain_pool_output_size(72, 2, stride=8, ceil_mode=True)
    'ceil((72 - 2) / 8) + 1 = 10, but window 10 would start at 72, outside the input: 9'
    >>> explain_pool_output_size(6, 2, stride=7, padding=1, ceil_mode=True)
    'ceil((6 + 2*1 - 2) / 7) + 1 = 2, but window 2 would start at 6, outside the input: 1'
    """
    out = pool_output_size(size, kernel_size, stride=stride, padding=padding, ceil_mode=ceil_mode)
    n, k = int(size), int(kernel_size)
    s = k if stride is None else int(stride)
    p, ceil_mode = int(padding), bool(ceil_mode)
    room = n + 2 * p - k
    raw = (-(-room // s) if ceil_mode else room // s) + 1
    padded = f"{n} + 2*{p} - {k}" if p else f"{n} - {k}"
    text = f"{'ceil' if ceil_mode else 'floor'}(({padded}) / {s}) + 1 = {raw}"
    if raw != out:
        # (raw - 1) * s - p: where that window starts, counted from the input's first pixel
        text += f", but window {raw} would start at {(raw - 1) * s - p}, outside the input: {out}"
    return text


def same_padding(kernel_size, *, dilation=1):
    """Padding that keeps the output size equal to the input size at stride 1.

    Returns an int ``p = d(k - 1) / 2`` when the effective kernel is odd. For an
    even one the total ``d(k - 1)`` cannot be split evenly: the pair
    ``(before, after)`` is returned with the extra pixel after (bottom/right),
    as PyTorch's ``padding="same"`` does.

    Examples
    --------
    >>> same_padding(3)
    1
    >>> same_padding(5)
    2
    >>> same_padding(3, dilation=2)
    2
    >>> same_padding(4)
    (1, 2)
    """
    kernel_size = positive_int(kernel_size, "kernel_size")
    dilation = positive_int(dilation, "dilation")
    total = dilation * (kernel_size - 1)
    before = total // 2
    after = total - before
    return before if before == after else (before, after)


def explain_output_size(size, kernel_size, *, stride=1, padding=0, dilation=1) -> str:
    """The output-size formula with the numbers substituted, step by step.

    Examples
    --------
    >>> print(explain_output_size(7, 3, stride=2))
    out = floor((n + 2p - d(k-1) - 1) / s) + 1
        = floor((7 + 2*0 - 1*(3-1) - 1) / 2) + 1
        = floor(4 / 2) + 1
        = 2 + 1
        = 3
    >>> print(explain_output_size(8, 3, stride=2))
    out = floor((n + 2p - d(k-1) - 1) / s) + 1
        = floor((8 + 2*0 - 1*(3-1) - 1) / 2) + 1
        = floor(5 / 2) + 1
        = floor(2.5) + 1
        = 2 + 1
        = 3
    (5 is not a multiple of 2: the last 1 row/column of the padded input is never visited)
    """
    n, k, s, p, d = _check_common(size, kernel_size, stride, padding, dilation)
    room = n + 2 * p - d * (k - 1) - 1
    if room < 0:
        raise ValueError(_no_fit_message(n, k, p, d))
    out = room // s + 1
    lines = [
        "out = floor((n + 2p - d(k-1) - 1) / s) + 1",
        f"    = floor(({n} + 2*{p} - {d}*({k}-1) - 1) / {s}) + 1",
        f"    = floor({room} / {s}) + 1",
    ]
    if room % s:
        lines.append(f"    = floor({room / s:g}) + 1")
    lines.append(f"    = {room // s} + 1")
    lines.append(f"    = {out}")
    leftover = room % s
    if leftover:
        lines.append(
            f"({room} is not a multiple of {s}: the last {leftover} row/column"
            f"{'s' if leftover > 1 else ''} of the padded input "
            f"{'are' if leftover > 1 else 'is'} never visited)"
        )
    return "\n".join(lines)


# ------------------------------------------------------------------ transposed convolution
def _check_transpose(size, kernel_size, stride, padding, output_padding, dilation):
    n, k, s, p, d = _check_common(size, kernel_size, stride, padding, dilation)
    op = nonnegative_int(output_padding, "output_padding")
    if op >= s and op >= d:
        raise ValueError(
            f"output_padding must be smaller than stride or dilation; got output_padding {op} "
            f"with stride {s} and dilation {d}"
        )
    full = (n - 1) * s + d * (k - 1) + op + 1
    if full - 2 * p < 1:
        raise ValueError(
            f"padding {p} crops away the whole output: (n - 1)s + d(k - 1) + output_padding + 1"
            f" = {full}, and 2*padding = {2 * p} leaves {full - 2 * p}; use padding <= "
            f"{(full - 1) // 2}"
        )
    return n, k, s, p, op, d, full


def conv_transpose_output_size(size, kernel_size, *, stride=1, padding=0, output_padding=0,
                               dilation=1) -> int:
    """Output size of a transposed convolution along one dimension (PyTorch's formula).

    Each of the ``n`` input values stamps a kernel spanning ``d(k - 1) + 1`` pixels,
    the stamps ``s`` pixels apart; ``padding`` then crops ``p`` pixels from each side,
    and ``output_padding`` adds pixels on one side (bottom/right) only.

    Parameters
    ----------
    size : int
        Input size ``n`` (height or width).
    kernel_size : int
        Kernel size ``k``.
    stride, padding, dilation : int
        ``s`` >= 1, ``p`` >= 0, ``d`` >= 1, as given to the convolution it transposes.
    output_padding : int
        Extra pixels on the bottom/right, smaller than ``s`` or than ``d``: it picks one
        of the input sizes that a strided convolution maps to the same output size.

    Returns
    -------
    int
        ``(n - 1)s - 2p + d(k - 1) + output_padding + 1``.

    Examples
    --------
    >>> conv_transpose_output_size(2, 3, stride=2)
    5
    >>> conv_transpose_output_size(16, 3, stride=2, padding=1, output_padding=1)
    32
    >>> conv_output_size(32, 3, stride=2, padding=1)          # and back again
    16
    """
    n, k, s, p, op, d, full = _check_transpose(size, kernel_size, stride, padding,
                                               output_padding, dilation)
    return full - 2 * p


def explain_conv_transpose_output_size(size, kernel_size, *, stride=1, padding=0,
                                       output_padding=0, dilation=1) -> str:
    """The transposed convolution's output-size formula with the numbers substituted.

    Examples
    --------
    >>> print(explain_conv_transpose_output_size(2, 3, stride=2))
    out = (n - 1)s - 2p + d(k-1) + output_padding + 1
        = (2 - 1)*2 - 2*0 + 1*(3-1) + 0 + 1
        = 2 - 0 + 2 + 0 + 1
        = 5
    >>> print(explain_conv_transpose_output_size(16, 3, stride=2, padding=1, output_padding=1))
    out = (n - 1)s - 2p + d(k-1) + output_padding + 1
        = (16 - 1)*2 - 2*1 + 1*(3-1) + 1 + 1
        = 30 - 2 + 2 + 1 + 1
        = 32
    """
    n, k, s, p, op, d, full = _check_transpose(size, kernel_size, stride, padding,
                                               output_padding, dilation)
    return "\n".join([
        "out = (n - 1)s - 2p + d(k-1) + output_padding + 1",
        f"    = ({n} - 1)*{s} - 2*{p} + {d}*({k}-1) + {op} + 1",
        f"    = {(n - 1) * s} - {2 * p} + {d * (k - 1)} + {op} + 1",
        f"    = {full - 2 * p}",
    ])
class UnevenPadding(SettingError):
    """'same' padding asked for a kernel whose span cannot be padded equally on both sides.

    Fields: ``kernel_size``, ``dilation``, ``total`` (``d(k - 1)``, the padding the
    output size needs, an odd number) and ``before``, ``after`` (how PyTorch splits it).

    >>> err = UnevenPadding(kernel_size=4)
    >>> err.total, (err.before, err.after)
    (3, (1, 2))
    """

    def __init__(self, message: str | None = None, *, kernel_size, dilation=1):
        total = dilation * (kernel_size - 1)
        before, after = total // 2, total - total // 2
        if message is None:
            kernel = f"a {kernel_size}x{kernel_size} kernel"
            if dilation > 1:
                kernel += f" with dilation {dilation}"
            message = (f"'same' padding for {kernel} needs {total} extra pixels per row, an odd "
                       f"number: it cannot be split equally between the two sides (PyTorch puts "
                       f"{before} before and {after} after; same_padding returns that pair)")
        super().__init__(message, kernel_size=kernel_size, dilation=dilation, total=total,
                         before=before, after=after)

    def __reduce__(self):
        return (_rebuild_uneven, (str(self), self.fields["kernel_size"], self.fields["dilation"]))


def _rebuild_uneven(message, kernel_size, dilation):
    return UnevenPadding(message, kernel_size=kernel_size, dilation=dilation)


def padding_for(mode, kernel_size, *, dilation=1) -> int:
    """The padding on each side that a named mode asks for, the same on every side.

    - "valid" adds nothing;
    - "same" adds ``d(k - 1) / 2`` (as :func:`same_padding`), which keeps the size at
      stride 1;
    - "full" adds ``d(k - 1)``, so that even a window holding a single input pixel in
      its corner is computed: the output grows to ``n + d(k - 1)``.

    Raises
    ------
    UnevenPadding
        (a :class:`~cnnviz.errors.SettingError`) for "same" when ``d(k - 1)`` is odd:
        it cannot be split equally between the two sides.

    Examples
    --------
    >>> [padding_for(m, 3) for m in ("valid", "same", "full")]
    [0, 1, 2]
    >>> padding_for("same", 3, dilation=2)
    2
    >>> padding_for("same", 4)
    Traceback (most recent call last):
    ...
    cnnviz.shapes.UnevenPadding: 'same' padding for a 4x4 kernel needs 3 extra pixels per row, an odd number: it cannot be split equally between the two sides (PyTorch puts 1 before and 2 after; same_padding returns that pair)
    """
    from ._validate import one_of
    from .convolution import PADDING_WORDS

    kernel_size = positive_int(kernel_size, "kernel_size")
    dilation = positive_int(dilation, "dilation")
    one_of(mode, "padding", PADDING_WORDS)
    if mode == "valid":
        return 0
    if mode == "full":
        return dilation * (kernel_size - 1)
    pad = same_padding(kernel_size, dilation=dilation)
    if isinstance(pad, tuple):
        raise UnevenPadding(kernel_size=kernel_size, dilation=dilation)
    return pad


def _reads_along(length, kernel_size, stride, dilation):
    """How many (window, tap) pairs read each of ``length`` cells along one axis."""
    out = (length - dilation * (kernel_size - 1) - 1) // stride + 1
    cells = np.arange(out)[:, None] * stride + np.arange(kernel_size)[None, :] * dilation
    return np.bincount(cells.ravel(), minlength=length)


def window_coverage(size, kernel_size, *, stride=1, padding=0, dilation=1, padded=False):
    """How many windows read each pixel of a ``size x size`` input.

    This is also how many output values each input pixel takes part in. The windows
    stand on a grid (every start row with every start column), so the count at
    ``(r, c)`` is the count along the rows times the count along the columns::

        coverage[r, c] = reads(r) * reads(c),
        reads(r) = #{(i, u) : i*s + u*d = r + p,  0 <= i < out,  0 <= u < k}

    Parameters
    ----------
    size, kernel_size : int
        Input size ``n`` and kernel size ``k`` (both square).
    stride, padding, dilation : int
        ``s`` >= 1, ``p`` >= 0 on each side, ``d`` >= 1.
    padded : bool
        Count on the padded input, shape ``(n + 2p, n + 2p)``, the zeros included.

    Returns
    -------
    ndarray of int, shape (size, size), or (size + 2p, size + 2p) when ``padded``

    Raises
    ------
    DoesNotFit
        When no window fits the padded input (see :func:`conv_output_size`).

    Examples
    --------
    >>> window_coverage(4, 3)                  # valid: the corners are read once
    array([[1, 2, 2, 1],
           [2, 4, 4, 2],
           [2, 4, 4, 2],
           [1, 2, 2, 1]])
    >>> window_coverage(4, 3, padding=1)[0]    # same: every corner is read 4 times
    array([4, 6, 6, 4])
    >>> window_coverage(5, 2, stride=3)[:, 0]  # stride 3 skips a row between windows
    array([1, 1, 0, 1, 1])
    >>> window_coverage(2, 3, padding=1, padded=True)[0]   # the padding's corner is read once
    array([1, 2, 2, 1])
    """
    n, k, s, p, d = _check_common(size, kernel_size, stride, padding, dilation)
    padded = boolean(padded, "padded")
    conv_output_size(n, k, stride=s, padding=p, dilation=d)   # raises when no window fits
    # the counts along one axis, and their outer product (int64)
    check_memory((n + 2 * p) ** 2 + (n + 2 * p), 8,
                 f"window_coverage({n}, {k}, stride={s}, padding={p}, dilation={d})")
    reads = _reads_along(n + 2 * p, k, s, d)
    if not padded:
        reads = reads[p:p + n]
    return np.outer(reads, reads)
