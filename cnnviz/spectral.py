"""Correlation by the convolution theorem: multiply Fourier transforms instead of sliding.

The discrete Fourier transform ``F`` turns a circular cross-correlation into a
product of spectra::

    F(x ⋆ k) = F(x) · conj(F(k)),   (x ⋆ k)[i, j] = sum_{u, v} x[(i + u) mod H, (j + v) mod W] k[u, v]

so three FFTs of size ``H x W`` replace ``kh * kw`` multiply-adds per output. The
wrap-around (``mod``) never reaches a "valid" output: its window ends inside the
image. The direct sum costs ``O(H W kh kw)``; the FFT ``O(H W log(H W))`` whatever
the kernel size, so it wins once kernels are large.
:func:`cnnviz.correlate2d` and :func:`cnnviz.convolve2d` take ``method="fft"``.
"""

from __future__ import annotations

import numpy as np

from ._validate import as_array, check_memory, common_float
from .errors import DoesNotFit
from .shapes import _no_fit_message


def _fast_length(n: int) -> int:
    """The smallest 2^a 3^b 5^c >= n: lengths the FFT handles fastest."""
    best = 1 << (n - 1).bit_length()
    power3 = 1
    while power3 < best:
        power35 = power3
        while power35 < best:
            candidate = power35
            while candidate < n:
                candidate *= 2
            best = min(best, candidate)
            power35 *= 5
        power3 *= 3
    return best


def _check_fft_memory(shape, padded, itemsize, what):
    """Refuse an FFT correlation over the memory limit: the padded image (when
    ``padded``), the two zero-filled inputs and the inverse transform at the FFT size,
    and three complex spectra (the image's, the kernel's and their product)."""
    fh, fw = _fast_length(shape[0]), _fast_length(shape[1])
    need = (shape[0] * shape[1] if padded else 0) + 3 * fh * fw + 3 * 2 * fh * (fw // 2 + 1)
    check_memory(need, itemsize, what)


def _correlate_valid(image, kernel):
    """'valid' correlation of float arrays by FFT; the kernel fits inside the image."""
    (H, W), (kh, kw) = image.shape, kernel.shape
    size = (_fast_length(H), _fast_length(W))
    spectrum = np.fft.rfft2(image, s=size) * np.conj(np.fft.rfft2(kernel, s=size))
    full = np.fft.irfft2(spectrum, s=size)
    return full[: H - kh + 1, : W - kw + 1]


def fft_correlate2d(image, kernel):
    """'Valid' cross-correlation of two 2-D arrays, computed with FFTs.

    The same numbers as ``correlate2d(image, kernel)`` to float rounding: about
    ``1e-15`` times the largest value in float64 (``1e-6`` in float32), so integer
    inputs give results within rounding of the integers, not exactly them. For
    padding, stride and dilation use ``correlate2d(..., method="fft")``.

    Parameters
    ----------
    image : array_like, shape (H, W)
    kernel : array_like, shape (kh, kw), with kh <= H and kw <= W

    Returns
    -------
    ndarray, shape (H - kh + 1, W - kw + 1)
        ``out[i, j] = sum_{u, v} image[i + u, j + v] * kernel[u, v]``.

    Examples
    --------
    >>> out = fft_correlate2d([[0, 1, 2], [3, 4, 5], [6, 7, 8]], [[0, 1], [2, 3]])
    >>> np.round(out, 10)
    array([[19., 25.],
           [37., 43.]])
    """
    image = as_array(image, "image", ndims=2)
    kernel = as_array(kernel, "kernel", ndims=2)
    _check_fit(image.shape, kernel.shape, ((0, 0), (0, 0)), (1, 1))
    dtype = common_float(image, kernel)
    _check_fft_memory(image.shape, False, dtype.itemsize,
                      f"fft_correlate2d of an image of shape {image.shape}")
    return _correlate_valid(image.astype(dtype, copy=False),
                            kernel.astype(dtype, copy=False)).astype(dtype, copy=False)


def _check_fit(image_shape, kernel_shape, pads, dilation):
    for axis, name in ((0, "height"), (1, "width")):
        n, k, d = image_shape[axis], kernel_shape[axis], dilation[axis]
        lo, hi = pads[axis]
        if n + lo + hi < d * (k - 1) + 1:
            raise DoesNotFit(f"{name}: " + _no_fit_message(n, k, lo if lo == hi else (lo, hi), d),
                             size=n, kernel_size=k, padding=lo + hi, dilation=d, axis=name)


def _fft_correlate(image, kernel, pads, stride, dilation):
    """correlate2d's FFT path: zero-pad by ``pads`` ((top, bottom), (left, right)) or 0,
    spread the kernel's taps ``dilation`` apart, correlate, keep every stride-th output."""
    if isinstance(pads, int):
        pads = ((pads, pads), (pads, pads))
    _check_fit(image.shape, kernel.shape, pads, dilation)
    dtype = common_float(image, kernel)
    (t, b), (left, right) = pads
    padded = (image.shape[0] + t + b, image.shape[1] + left + right)
    _check_fft_memory(padded, True, dtype.itemsize,
                      f"correlate2d(method='fft') of an image of shape {image.shape} padded to "
                      f"{padded}")
    image = np.pad(image.astype(dtype, copy=False), pads)
    (kh, kw), (dh, dw) = kernel.shape, dilation
    spread = np.zeros((dh * (kh - 1) + 1, dw * (kw - 1) + 1), dtype=dtype)
    spread[::dh, ::dw] = kernel
    out = _correlate_valid(image, spread)[:: stride[0], :: stride[1]]
    return np.ascontiguousarray(out, dtype=dtype)


__all__ = ["fft_correlate2d"]
