"""Images in, arrays out: loading photos and making small synthetic test pictures.

Everything here returns ``float32`` arrays with values in [0, 1], channels-first like
the rest of cnnviz: ``(H, W)`` for grey, ``(3, H, W)`` for colour. Pillow (and
matplotlib) keep colour last, ``(H, W, 3)``; ``np.moveaxis(image, 0, -1)`` turns one
of ours into theirs.

The synthetic images are deterministic, so a notebook's stored outputs match on every
re-run: a vertical step edge, a checkerboard, a few filled shapes, and salt-and-pepper
noise drawn from a seeded generator.
"""

from __future__ import annotations

import errno
import io
import math
import numbers
import os
import struct
import warnings
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from ._validate import as_array, boolean, check_memory, int_pair, positive_int
from .errors import SettingError

MAX_PIXELS = 50_000_000
"""Default pixel limit of :func:`load_image`: a 48-megapixel phone photo still loads."""

SAMPLES_DIR = Path(__file__).resolve().parent / "data" / "samples"

UPLOAD_MAX_PIXELS = 12_500_000
"""The pixel limit for a learner's upload: a 12-megapixel phone photo (4032 x 3024) still
loads. With ``size`` given, the costliest accepted file (a lossless WebP) then needs about
200 MB and well under a second (``tests/test_images.py`` measures it)."""

FORMATS = ("PNG", "JPEG", "GIF", "BMP", "TIFF", "WEBP")
"""The raster formats :func:`load_image` opens (Pillow's names); any other is refused
unopened, so no outside program (Ghostscript for EPS) is ever started."""

_FORMAT_NAMES = "PNG, JPEG, GIF, BMP, TIFF or WebP"

# Images with more pixels than this are shrunk in Pillow, in 8 bits, by a whole factor
# before they become float32; smaller ones go to float32 at full size, as they always did.
_FLOAT_PIXELS = 2_000_000


# ------------------------------------------------------------------------------- errors
class ImageError(SettingError):
    """A file that :func:`load_image` refuses; the subclass says why.

    It is a :class:`~cnnviz.errors.SettingError` (an explorer explains it rather than
    recording a bug) and so a ``ValueError``: ``except ValueError`` still catches it.
    ``source`` names the file as the message does; the subclasses' numbers are fields.
    """

    def __init__(self, message, *, source, **fields):
        super().__init__(message, source=source, **fields)


class NotAnImageError(ImageError):
    """The data is not a picture in any format Pillow knows."""


class UnsupportedFormatError(ImageError):
    """A picture in a format that is not in :data:`FORMATS`; ``format`` is its name."""

    def __init__(self, message, *, source, format):
        super().__init__(message, source=source, format=format)


class TooManyPixelsError(ImageError):
    """More pixels than allowed, judged from the header: ``pixels`` and ``limit``."""

    def __init__(self, message, *, source, pixels, limit):
        super().__init__(message, source=source, pixels=pixels, limit=limit)


class CompressionBombError(ImageError):
    """A compressed part of the file (pixels, text or a colour profile) unpacks to more
    than Pillow allows, the mark of a file made to exhaust memory."""


class DamagedImageError(ImageError):
    """A picture in an accepted format whose data could not be decoded (cut short, corrupt)."""


class NonFiniteImageError(ImageError):
    """A floating-point picture with NaN or infinite pixels; ``count`` says how many."""

    def __init__(self, message, *, source, count):
        super().__init__(message, source=source, count=count)

"""The repository's top-level ``images/`` folder, where the sample photos live."""

SAMPLES = {"chelsea": "chelsea.png"}
"""Sample name -> file in :data:`SAMPLES_DIR`, which ships inside the package (sources and
licences: ``images/README.md`` in the repository)."""

# ITU-R BT.601 luma, the weights Pillow uses for convert("L").
_LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)


# ------------------------------------------------------------------------------ loading
def _source(path):
    """Return (what Pillow should open, a name for messages)."""
    if isinstance(path, (bytes, bytearray, memoryview)):
        return io.BytesIO(bytes(path)), "the given bytes"
    if isinstance(path, (str, os.PathLike)):
        path = Path(path)
        if not path.exists():
            raise FileNotFoundError(errno.ENOENT, "No such image file", str(path))
        if path.is_dir():
            raise ValueError(f"{path} is a directory, not an image file")
        return path, str(path)
    if hasattr(path, "read"):
        if isinstance(path, io.TextIOBase):
            raise TypeError(
                f"path must be a binary file object; got a text-mode file "
                f"{getattr(path, 'name', '')!r} (open it with mode 'rb')"
            )
        return path, str(getattr(path, "name", "the given file object"))
    raise TypeError(
        "path must be a str, pathlib.Path, bytes or a binary file object; "
        f"got {type(path).__name__}"
    )


def _over_white(colour, alpha):
    """Composite ``colour`` (float, [0, 1]) onto white with opacity ``alpha`` in [0, 1]."""
    return colour * alpha + (1.0 - alpha)


def _prefix(source) -> bytes:
    """The first bytes of ``source``, read without moving a file object's position."""
    try:
        if isinstance(source, Path):
            with open(source, "rb") as handle:
                return handle.read(16)
        if not source.seekable():  # Pillow reads such a stream whole; leave it untouched
            return b""
        position = source.tell()
        prefix = source.read(16)
        source.seek(position)
        return bytes(prefix)
    except (OSError, AttributeError, ValueError):
        return b""


def _format_of(prefix) -> str | None:
    """The Pillow format outside :data:`FORMATS` that would claim a file starting with
    ``prefix``, judged by each plugin's check of the first bytes (nothing is opened)."""
    Image.init()
    for fmt, (_, accept) in Image.OPEN.items():
        if fmt in FORMATS or accept is None:
            continue
        try:
            if accept(prefix):
                return fmt
        except Exception:  # a plugin's check of a short or odd prefix; not a match
            continue
    return None


def _check_finite(im, name):
    """Refuse a floating-point image holding NaN or infinity, before any resizing."""
    if im.mode != "F":
        return
    width, height = im.size
    rows = max(1, 2**20 // max(width, 1))  # about 4 MB of pixels at a time
    bad = sum(
        int(np.count_nonzero(~np.isfinite(np.asarray(im.crop((0, top, width, top + rows))))))
        for top in range(0, height, rows)
    )
    if bad:
        raise NonFiniteImageError(
            f"{name} has {bad:,} pixels that are not finite numbers (NaN or infinity); "
            "pictures must hold finite brightness values",
            source=name, count=bad,
        )


_ORIENTATION = {  # EXIF orientation -> the transpose that makes the picture upright
    2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE, 8: Image.Transpose.ROTATE_90,
}


def _eight_bit(im):
    """``im`` as "L" or "RGB" (transparency composited onto white in 8 bits), or as
    "I" / "F" for 16-bit and floating-point pictures, which keep their depth."""
    mode = im.mode
    if mode in ("L", "RGB", "I", "F"):
        return im
    if mode == "1":
        return im.convert("L")
    if mode.startswith("I;16"):
        return im.convert("I")
    if mode in ("LA", "La"):
        la = im if mode == "LA" else im.convert("LA")
        grey = Image.new("L", im.size, 255)
        grey.paste(la.getchannel("L"), mask=la)  # the mask is la's alpha band
        return grey
    has_alpha = "A" in mode or "a" in mode or "transparency" in im.info
    if not has_alpha:
        return im.convert("RGB")
    rgba = im if mode == "RGBA" else im.convert("RGBA")
    rgb = Image.new("RGB", im.size, (255, 255, 255))
    rgb.paste(rgba, mask=rgba)  # the mask is rgba's alpha band
    return rgb


def _shrunk(im, size):
    """A large picture shrunk in Pillow before it becomes float32: JPEG decoded at a
    reduced scale (draft mode), then an 8-bit box average by a whole factor, never below
    ``size`` and only as far as needed to bring it to about :data:`_FLOAT_PIXELS`."""
    side = max(size)  # either way up: EXIF may turn the picture by 90 degrees
    orientation = im.getexif().get(0x0112)
    if im.format == "JPEG":
        im.draft(None, (side, side))
    im.load()  # decode now, so that the full-size copy can be let go below
    decoded = im
    im = _eight_bit(decoded)
    if im is not decoded:
        decoded.close()  # frees the decoded pixels while only the 8-bit copy is needed
    width, height = im.size
    factor = min(max(1, min(width, height) // side),
                 math.ceil(math.sqrt(width * height / _FLOAT_PIXELS)))
    if factor > 1:
        im = im.reduce(factor)
    if orientation in _ORIENTATION:
        im = im.transpose(_ORIENTATION[orientation])
    return im


def _to_float(im):
    """Pillow image -> float32 array in [0, 1], shape (H, W) or (H, W, 3)."""
    mode = im.mode
    if mode == "1":
        return np.asarray(im, dtype=np.float32)
    if mode == "L":
        return np.asarray(im, dtype=np.float32) / 255
    if mode.startswith("I;16"):
        return np.asarray(im, dtype=np.float32) / 65535
    if mode == "I":
        return np.clip(np.asarray(im, dtype=np.float32) / 65535, 0, 1)
    if mode == "F":
        return np.clip(np.asarray(im, dtype=np.float32), 0, 1)
    if mode in ("LA", "La"):
        la = np.asarray(im.convert("LA"), dtype=np.float32) / 255
        return _over_white(la[..., 0], la[..., 1])
    if mode == "P":
        im = im.convert("RGBA" if "transparency" in im.info else "RGB")
    elif mode != "RGB":
        has_alpha = "A" in mode or "a" in mode or "transparency" in im.info
        im = im.convert("RGBA" if has_alpha else "RGB")
    rgb = np.asarray(im, dtype=np.float32) / 255
    if im.mode == "RGBA":
        rgb = _over_white(rgb[..., :3], rgb[..., 3:])
    return rgb


def _resize(arr, height, width):
    """Resize an (H, W) or (H, W, 3) float array with Pillow's Lanczos filter."""
    if arr.shape[:2] == (height, width):
        return arr
    channels = arr[..., None] if arr.ndim == 2 else arr
    resized = [
        np.asarray(
            Image.fromarray(np.ascontiguousarray(channels[..., c])).resize(
                (width, height), Image.Resampling.LANCZOS
            )
        )
        for c in range(channels.shape[-1])
    ]
    out = np.stack(resized, axis=-1) if arr.ndim == 3 else resized[0]
    # Lanczos rings a little past sharp edges; keep the promise of [0, 1].
    return np.clip(out, 0, 1)


def load_image(path, *, grey=False, size=None, max_pixels=MAX_PIXELS):
    """Read an image file into a float32 array in [0, 1], channels-first.

    Only the raster formats of :data:`FORMATS` are opened (PNG, JPEG, GIF, BMP, TIFF,
    WebP), whatever the file is called; every other file is refused unopened.

    Parameters
    ----------
    path : str, pathlib.Path, bytes or binary file object
        A file on disk, the raw bytes of one (as an upload widget hands them over), or
        an open file in mode ``"rb"``.
    grey : bool
        Return one channel: ``0.299 R + 0.587 G + 0.114 B`` (ITU-R BT.601 luma, the
        weights Pillow uses), computed in floating point.
    size : int or (int, int), optional
        Resize to ``size x size``, or to ``(height, width)``, with Pillow's Lanczos
        filter. Pillow widens the filter when shrinking, so downsizing is antialiased;
        results are clipped to [0, 1] because Lanczos overshoots slightly at sharp edges.
        A picture of more than two million pixels is first shrunk in Pillow, before it
        becomes float32: a JPEG is decoded at a reduced scale (draft mode), then the
        8-bit picture (transparency already composited) is averaged over blocks of a
        whole number of pixels, never below ``size``. So a large upload costs little
        memory; the result differs from a full-size Lanczos by a little 8-bit rounding.
        At most ``9 * height * width`` float32 numbers may be asked for (see
        :func:`cnnviz._validate.check_memory`).
    max_pixels : int
        Refuse images with more pixels than this, judged from the file header before
        anything is decoded (:data:`MAX_PIXELS` by default). Pillow refuses images above
        its own limit (about 179 million pixels) whatever this says.

    Returns
    -------
    ndarray, float32, shape (3, H, W), or (H, W) when ``grey``
        Values in [0, 1].

    Notes
    -----
    * EXIF orientation (how a phone was held) is applied, so the picture is upright.
    * Transparent pixels (RGBA, LA, palette images with transparency) are composited onto
      a white background: a fully transparent pixel becomes white.
    * 16-bit greyscale ("I;16", and "I" as Pillow reads 16-bit PNGs) is divided by
      65535; 1-bit images become 0 and 1; CMYK and other colour spaces are converted to
      RGB by Pillow. Only the first frame of an animation is read.
    * A floating-point picture holding NaN or infinity is refused, not mapped: the
      resize would smear one such pixel over its neighbours.

    Raises
    ------
    FileNotFoundError
        No file at ``path``.
    ImageError
        A ``ValueError`` whose subclass says why the file is refused:
        :class:`NotAnImageError`, :class:`UnsupportedFormatError` (not in
        :data:`FORMATS`), :class:`TooManyPixelsError` (more than ``max_pixels``),
        :class:`CompressionBombError`, :class:`DamagedImageError` (cut short or corrupt)
        or :class:`NonFiniteImageError`.
    ValueError
        A bad argument (``size``, ``max_pixels``), a directory, or a ``size`` whose
        arrays would not fit in memory.
    TypeError
        ``path`` is not one of the accepted types.

    Examples
    --------
    >>> from PIL import Image
    >>> buffer = io.BytesIO()
    >>> Image.new("RGB", (4, 2), (255, 0, 0)).save(buffer, format="PNG")
    >>> red = load_image(buffer.getvalue())
    >>> red.shape, red.dtype
    ((3, 2, 4), dtype('float32'))
    >>> red[:, 0, 0]
    array([1., 0., 0.], dtype=float32)
    >>> load_image(buffer.getvalue(), grey=True, size=(1, 2))
    array([[0.299, 0.299]], dtype=float32)
    """
    grey = boolean(grey, "grey")
    if size is not None:
        size = int_pair(size, "size")
        # The float32 result and the copies made while resizing: about three (H, W, 3) arrays.
        check_memory(9 * size[0] * size[1], 4, f"size={size}")
    max_pixels = positive_int(max_pixels, "max_pixels")
    source, name = _source(path)
    prefix = _prefix(source)
    try:
        with warnings.catch_warnings():
            # Our own limit is checked below; Pillow's softer warning must not escape.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(source, formats=FORMATS) as im:
                width, height = im.size  # from the header; nothing decoded yet
                if width * height > max_pixels:
                    raise TooManyPixelsError(
                        f"{name} has {width * height:,} pixels (height x width "
                        f"{height} x {width}), more than max_pixels={max_pixels:,}; "
                        "pass a larger max_pixels if you trust the file",
                        source=name, pixels=width * height, limit=max_pixels,
                    )
                if im.mode == "F":
                    _check_finite(im, name)
                if size is not None and width * height > _FLOAT_PIXELS:
                    im = _shrunk(im, size)
                else:
                    im = ImageOps.exif_transpose(im)
                arr = _to_float(im)
    except ImageError:
        raise
    except Image.DecompressionBombError as err:
        raise TooManyPixelsError(
            f"{name} is too large to load safely: {err} (max_pixels={max_pixels:,})",
            source=name, pixels=None, limit=min(max_pixels, 2 * Image.MAX_IMAGE_PIXELS),
        ) from None
    except UnidentifiedImageError:
        found = _format_of(prefix)
        if found is not None:
            raise UnsupportedFormatError(
                f"{name} is in the {found} format, which load_image does not open; the accepted "
                f"formats are {_FORMAT_NAMES}",
                source=name, format=found,
            ) from None
        raise NotAnImageError(
            f"{name} is not an image in an accepted format ({_FORMAT_NAMES})", source=name
        ) from None
    except (PermissionError, FileNotFoundError):
        raise
    except ValueError as err:
        # Pillow has no exception type of its own for these: a text chunk or colour
        # profile that unpacks past its limit says "too large"; anything else is damage.
        if "too large" in str(err).lower():
            raise CompressionBombError(
                f"{name} holds compressed data that unpacks to more than Pillow allows "
                f"({err}); the file may have been made to exhaust memory",
                source=name,
            ) from None
        raise DamagedImageError(f"{name} could not be decoded as an image: {err}",
                                source=name) from None
    except (OSError, SyntaxError, EOFError, struct.error, IndexError) as err:
        # truncated or corrupt data
        raise DamagedImageError(f"{name} could not be decoded as an image: {err}",
                                source=name) from None
    if size is not None:
        arr = _resize(arr, *size)
    if arr.ndim == 3:
        # A weighted sum term by term, in a fixed order: a matrix product would hand it
        # to BLAS, whose summation order (and last bit) depends on the CPU.
        arr = (arr[..., 0] * _LUMA[0] + arr[..., 1] * _LUMA[1] + arr[..., 2] * _LUMA[2]
               if grey else np.moveaxis(arr, -1, 0))
    elif not grey:
        arr = np.broadcast_to(arr, (3, *arr.shape))
    return np.ascontiguousarray(arr, dtype=np.float32)


def sample_path(name="chelsea") -> Path:
    """The file of a sample photo, inside the installed package.

    >>> sample_path("chelsea").name
    'chelsea.png'
    """
    if not isinstance(name, str) or name not in SAMPLES:
        available = ", ".join(repr(n) for n in SAMPLES)
        raise ValueError(f"name must be one of the sample images {available}; got {name!r}")
    path = SAMPLES_DIR / SAMPLES[name]
    if not path.is_file():
        raise FileNotFoundError(
            errno.ENOENT,
            "Sample image missing from the installed package (it ships as package data "
            "in cnnviz/data/samples/; reinstall cnnviz)",
            str(path),
        )
    return path


def load_sample(name="chelsea", *, grey=False, size=None):
    """Load one of the photos that ship with cnnviz (see :data:`SAMPLES`).

    Parameters
    ----------
    name : str
        A key of :data:`SAMPLES`; "chelsea" is a photo of a cat (300 x 451).
    grey, size
        As for :func:`load_image`.

    Returns
    -------
    ndarray, float32, shape (3, H, W), or (H, W) when ``grey``

    Examples
    --------
    >>> load_sample().shape
    (3, 300, 451)
    >>> load_sample("chelsea", grey=True, size=64).shape
    (64, 64)
    """
    return load_image(sample_path(name), grey=grey, size=size)


# ----------------------------------------------------------------------------- synthetic
def _unit_number(value, name) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number between 0 and 1; got {value!r}")
    if not (0 <= value <= 1):
        raise ValueError(f"{name} must be a number between 0 and 1; got {value!r}")
    return float(value)


def step_edge(size=32, *, low=0.2, high=0.8):
    """A vertical step edge: dark on the left half, bright on the right half.

    Parameters
    ----------
    size : int or (int, int)
        ``size x size`` or ``(height, width)``; the width must be at least 2.
    low, high : float
        Brightness of the left and right halves, in [0, 1]. The defaults leave room so
        that overshoot (sharpening, ringing) stays visible instead of being clipped.

    Returns
    -------
    ndarray, float32, shape (height, width)
        Columns ``0 .. width // 2 - 1`` are ``low``, the rest ``high``.

    Examples
    --------
    >>> step_edge((2, 4), low=0.0, high=1.0)
    array([[0., 0., 1., 1.],
           [0., 0., 1., 1.]], dtype=float32)
    """
    height, width = int_pair(size, "size")
    if width < 2:
        raise ValueError(f"size must give a width of at least 2 for a step; got {size!r}")
    check_memory(height * width, 4, f"step_edge(size={size!r})")
    low = _unit_number(low, "low")
    high = _unit_number(high, "high")
    image = np.full((height, width), high, dtype=np.float32)
    image[:, : width // 2] = low
    return image


def checkerboard(size=64, square=8):
    """A black-and-white checkerboard, black square at the top left.

    Parameters
    ----------
    size : int or (int, int)
        ``size x size`` or ``(height, width)``.
    square : int
        Side of one square in pixels.

    Returns
    -------
    ndarray, float32, shape (height, width)
        ``((i // square + j // square) % 2)`` at row ``i``, column ``j``.

    Examples
    --------
    >>> checkerboard(4, 2)
    array([[0., 0., 1., 1.],
           [0., 0., 1., 1.],
           [1., 1., 0., 0.],
           [1., 1., 0., 0.]], dtype=float32)
    """
    height, width = int_pair(size, "size")
    square = positive_int(square, "square")
    # the int64 sum and its remainder, then the float32 result
    check_memory(height * width, 20, f"checkerboard(size={size!r})")
    rows = np.arange(height)[:, None] // square
    cols = np.arange(width)[None, :] // square
    return ((rows + cols) % 2).astype(np.float32)


def shapes(size=64):
    """A rectangle, a disc and a triangle, filled, on a black background.

    The three shapes have different brightness (rectangle 0.9, disc 0.6, triangle 0.75),
    so their edges have different contrast. They are placed in proportion to ``size``:
    rectangle top left, disc top right, triangle along the bottom, none touching.

    Parameters
    ----------
    size : int
        Side of the square image, at least 16.

    Returns
    -------
    ndarray, float32, shape (size, size)

    Examples
    --------
    >>> image = shapes(64)
    >>> sorted(np.unique(image).tolist())  # background, disc, triangle, rectangle
    [0.0, 0.6, 0.75, 0.9]
    """
    size = positive_int(size, "size")
    if size < 16:
        raise ValueError(f"size must be an integer of at least 16 for shapes; got {size}")
    # the float32 image, float64 distances and boolean masks of its size
    check_memory(size * size, 32, f"shapes({size})")
    # Pixel centres in unit coordinates: y grows down, x grows right.
    y = ((np.arange(size) + 0.5) / size)[:, None]
    x = ((np.arange(size) + 0.5) / size)[None, :]
    image = np.zeros((size, size), dtype=np.float32)
    rectangle = (y >= 0.10) & (y <= 0.45) & (x >= 0.08) & (x <= 0.45)
    disc = (y - 0.28) ** 2 + (x - 0.73) ** 2 <= 0.18**2
    # Triangle with apex (0.55, 0.5) and base from (0.9, 0.12) to (0.9, 0.88).
    triangle = (y <= 0.9) & (np.abs(x - 0.5) <= (y - 0.55) * (0.38 / 0.35))
    image[rectangle] = 0.9
    image[disc] = 0.6
    image[triangle] = 0.75
    return image


def add_salt_and_pepper(image, amount, *, seed=0):
    """A copy of ``image`` with a fraction of its pixels set to 0 (pepper) or 1 (salt).

    Parameters
    ----------
    image : array_like, shape (H, W) or (C, H, W)
        For several channels the same pixel positions are hit in every channel, so the
        noise shows as black and white dots.
    amount : float
        Fraction of the ``H * W`` pixels to hit, in [0, 1]; exactly
        ``round(amount * H * W)`` distinct pixels are chosen, each salt or pepper with
        probability 1/2.
    seed : int, optional
        Seed for ``numpy.random.default_rng``; the same seed gives the same noise.

    Returns
    -------
    ndarray, shape like ``image``
        float32 for a float32 image, float64 otherwise. The input is not changed.

    Examples
    --------
    >>> noisy = add_salt_and_pepper(np.full((10, 10), 0.5), 0.2)
    >>> int((noisy != 0.5).sum()), sorted(np.unique(noisy).tolist())
    (20, [0.0, 0.5, 1.0])
    """
    image = as_array(image, "image", ndims=(2, 3))
    amount = _unit_number(amount, "amount")
    rng = np.random.default_rng(seed)
    H, W = image.shape[-2:]
    count = round(amount * H * W)
    where = rng.choice(H * W, size=count, replace=False)
    values = (rng.random(count) < 0.5).astype(image.dtype)
    noisy = image.copy()
    noisy.reshape(*image.shape[:-2], H * W)[..., where] = values
    return noisy


__all__ = [
    "FORMATS",
    "SAMPLES_DIR",
    "MAX_PIXELS",
    "SAMPLES",
    "UPLOAD_MAX_PIXELS",
    "CompressionBombError",
    "DamagedImageError",
    "ImageError",
    "NonFiniteImageError",
    "NotAnImageError",
    "TooManyPixelsError",
    "UnsupportedFormatError",
    "add_salt_and_pepper",
    "checkerboard",
    "load_image",
    "load_sample",
    "shapes",
    "step_edge",
]
