"""Tests for cnnviz.images: loading files of every common mode, samples, synthetic images.

Each test writes tiny image files with Pillow into tmp_path and checks what comes back
against the pixel values it wrote.
"""

import io
import re
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from cnnviz import images
from cnnviz.images import (
    add_salt_and_pepper,
    checkerboard,
    load_image,
    load_sample,
    shapes,
    step_edge,
)

H, W = 5, 7  # small, and not square, so a swapped axis shows
LUMA = np.array([0.299, 0.587, 0.114])


def rng(seed):
    return np.random.default_rng(seed)


def over_white(colour, alpha):
    return colour * alpha + (1 - alpha)


# Each maker writes one file and returns (path, expected RGB as floats, shape (H, W, 3)).
def make_rgb(path, seed):
    pixels = rng(seed).integers(0, 256, (H, W, 3), dtype=np.uint8)
    Image.fromarray(pixels).save(path / "rgb.png")
    return path / "rgb.png", pixels / 255


def make_l(path, seed):
    pixels = rng(seed).integers(0, 256, (H, W), dtype=np.uint8)
    Image.fromarray(pixels).save(path / "l.png")
    return path / "l.png", np.repeat(pixels[..., None] / 255, 3, axis=-1)


def make_1bit(path, seed):
    bits = rng(seed).random((H, W)) < 0.5
    Image.fromarray(bits).convert("1").save(path / "bits.png")
    return path / "bits.png", np.repeat(bits[..., None].astype(float), 3, axis=-1)


def make_i16(path, seed):
    values = rng(seed).integers(0, 65536, (H, W)).astype(np.uint16)
    image = Image.fromarray(values)
    assert image.mode == "I;16"
    image.save(path / "deep.png")
    return path / "deep.png", np.repeat(values[..., None] / 65535, 3, axis=-1)


def make_i32(path, seed):
    values = rng(seed).integers(0, 65536, (H, W)).astype(np.int32)
    image = Image.fromarray(values)
    assert image.mode == "I"
    image.save(path / "int.tif")
    return path / "int.tif", np.repeat(values[..., None] / 65535, 3, axis=-1)


def make_la(path, seed):
    pixels = rng(seed).integers(0, 256, (H, W, 2), dtype=np.uint8)
    pixels[0, 0] = (0, 0)  # fully transparent black -> white
    Image.frombytes("LA", (W, H), pixels.tobytes()).save(path / "la.png")
    grey = over_white(pixels[..., 0] / 255, pixels[..., 1] / 255)
    return path / "la.png", np.repeat(grey[..., None], 3, axis=-1)


def make_rgba(path, seed):
    pixels = rng(seed).integers(0, 256, (H, W, 4), dtype=np.uint8)
    pixels[0, 0] = (0, 0, 0, 0)
    Image.fromarray(pixels).save(path / "rgba.png")
    return path / "rgba.png", over_white(pixels[..., :3] / 255, pixels[..., 3:] / 255)


def _palette_image(seed):
    palette = rng(seed).integers(0, 256, (256, 3), dtype=np.uint8)
    index = rng(seed + 1).integers(0, 256, (H, W), dtype=np.uint8)
    index[0, 0] = 0
    image = Image.frombytes("P", (W, H), index.tobytes())
    image.putpalette(palette.ravel().tolist())
    return image, palette, index


def make_palette(path, seed):
    image, palette, index = _palette_image(seed)
    image.save(path / "p.png")
    return path / "p.png", palette[index] / 255


def make_palette_transparent_index(path, seed):
    image, palette, index = _palette_image(seed)
    image.save(path / "p_index.png", transparency=0)
    expected = palette[index] / 255
    expected[index == 0] = 1.0
    return path / "p_index.png", expected


def make_palette_alpha_table(path, seed):
    image, palette, index = _palette_image(seed)
    alpha = rng(seed + 2).integers(0, 256, 256, dtype=np.uint8)
    image.save(path / "p_alpha.png", transparency=alpha.tobytes())
    a = (alpha[index] / 255)[..., None]
    return path / "p_alpha.png", over_white(palette[index] / 255, a)


def make_cmyk(path, seed):
    ink = rng(seed).integers(0, 256, (H, W, 4), dtype=np.uint8)
    Image.frombytes("CMYK", (W, H), ink.tobytes()).save(path / "cmyk.tif")
    c = ink / 255
    return path / "cmyk.tif", (1 - c[..., :3]) * (1 - c[..., 3:])


MAKERS = {
    "RGB": make_rgb,
    "L": make_l,
    "1": make_1bit,
    "I;16": make_i16,
    "I": make_i32,
    "LA": make_la,
    "RGBA": make_rgba,
    "P": make_palette,
    "P+transparent index": make_palette_transparent_index,
    "P+alpha table": make_palette_alpha_table,
    "CMYK": make_cmyk,
}
# CMYK -> RGB is Pillow's own 8-bit arithmetic, so allow one step of rounding.
TOLERANCE = {"CMYK": 1.01 / 255}


# ------------------------------------------------------------------------------ modes
@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("mode", list(MAKERS))
def test_every_mode_loads_as_channels_first_float32(tmp_path, mode, seed):
    """Each Pillow mode loads as (3, H, W) float32 in [0, 1] matching the pixels written."""
    path, expected = MAKERS[mode](tmp_path, seed)
    image = load_image(path)
    assert image.shape == (3, H, W) and image.dtype == np.float32
    assert image.min() >= 0 and image.max() <= 1
    np.testing.assert_allclose(image, np.moveaxis(expected, -1, 0), atol=TOLERANCE.get(mode, 1e-6))


@pytest.mark.parametrize("mode", list(MAKERS))
def test_every_mode_loads_as_grayscale_luma(tmp_path, mode):
    """grey=True gives (H, W) float32 equal to 0.299 R + 0.587 G + 0.114 B."""
    path, expected = MAKERS[mode](tmp_path, 3)
    grey = load_image(path, grey=True)
    assert grey.shape == (H, W) and grey.dtype == np.float32
    np.testing.assert_allclose(grey, expected @ LUMA, atol=TOLERANCE.get(mode, 1e-6))


def test_transparent_pixels_become_white(tmp_path):
    """A fully transparent pixel is white and a half-transparent red is pink, as composited."""
    pixels = np.zeros((1, 2, 4), dtype=np.uint8)
    pixels[0, 1] = (255, 0, 0, 102)  # 40 % opaque red
    Image.fromarray(pixels).save(tmp_path / "see_through.png")
    image = load_image(tmp_path / "see_through.png")
    np.testing.assert_allclose(image[:, 0, 0], [1, 1, 1])
    np.testing.assert_allclose(image[:, 0, 1], [1, 0.6, 0.6], atol=1e-6)


def test_channels_first_keeps_colour_at_the_right_pixel(tmp_path):
    """A red pixel at row 0, column 2 ends up at image[:, 0, 2] as (1, 0, 0)."""
    pixels = np.zeros((2, 3, 3), dtype=np.uint8)
    pixels[0, 2] = (255, 0, 0)
    Image.fromarray(pixels).save(tmp_path / "dot.png")
    image = load_image(tmp_path / "dot.png")
    np.testing.assert_array_equal(image[:, 0, 2], [1, 0, 0])
    assert image.sum() == 1


def quadrant_means(image, margin=3):
    """Mean colour of each quadrant's interior of a (3, H, W) image: TL, TR, BL, BR."""
    _, h, w = image.shape
    rows = [slice(margin, h // 2 - margin), slice(h // 2 + margin, h - margin)]
    cols = [slice(margin, w // 2 - margin), slice(w // 2 + margin, w - margin)]
    return np.array([image[:, r, c].mean(axis=(1, 2)) for r in rows for c in cols])


def test_exif_orientation_6_is_rotated_upright(tmp_path):
    """A JPEG tagged orientation 6 is turned 90 degrees clockwise, as a viewer would show it."""
    red, green, blue, white = (255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 255)
    stored = np.zeros((16, 32, 3), dtype=np.uint8)
    stored[:8, :16], stored[:8, 16:] = red, green
    stored[8:, :16], stored[8:, 16:] = blue, white
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90 degrees clockwise to display
    Image.fromarray(stored).save(tmp_path / "phone.jpg", quality=95, subsampling=0, exif=exif)

    image = load_image(tmp_path / "phone.jpg")
    assert image.shape == (3, 32, 16)
    upright = np.moveaxis(np.rot90(stored, k=-1), -1, 0) / 255  # clockwise
    # Clockwise: bottom-left (blue) goes to the top left, top-left (red) to the top right.
    np.testing.assert_allclose(quadrant_means(image), quadrant_means(upright), atol=0.05)
    np.testing.assert_allclose(quadrant_means(image)[0], [0, 0, 1], atol=0.05)


def test_jpeg_without_exif_keeps_its_orientation(tmp_path):
    """A plain JPEG loads with its stored height and width and roughly its colours."""
    pixels = rng(4).integers(0, 256, (8, 12, 3), dtype=np.uint8)
    pixels[:] = pixels.mean(axis=(0, 1), keepdims=True).astype(np.uint8)  # flat: no ringing
    Image.fromarray(pixels).save(tmp_path / "flat.jpg", quality=95)
    image = load_image(tmp_path / "flat.jpg")
    assert image.shape == (3, 8, 12)
    np.testing.assert_allclose(image, np.moveaxis(pixels, -1, 0) / 255, atol=3 / 255)


# ----------------------------------------------------------------------------- sources
SOURCES = {
    "str": lambda p: str(p),
    "Path": lambda p: p,
    "bytes": lambda p: p.read_bytes(),
    "bytearray": lambda p: bytearray(p.read_bytes()),
    "memoryview": lambda p: memoryview(p.read_bytes()),
    "BytesIO": lambda p: io.BytesIO(p.read_bytes()),
}


@pytest.mark.parametrize("kind", list(SOURCES))
def test_every_source_type_gives_the_same_array(tmp_path, kind):
    """str, Path, bytes, bytearray, memoryview and BytesIO all load the same pixels."""
    path, expected = make_rgb(tmp_path, 5)
    image = load_image(SOURCES[kind](path))
    np.testing.assert_allclose(image, np.moveaxis(expected, -1, 0), atol=1e-6)


def test_open_binary_file_is_read_and_left_open(tmp_path):
    """A file opened with 'rb' loads, and load_image does not close the caller's file."""
    path, expected = make_l(tmp_path, 6)
    with open(path, "rb") as handle:
        image = load_image(handle, grey=True)
        assert not handle.closed
    np.testing.assert_allclose(image, expected[..., 0], atol=1e-6)


# ------------------------------------------------------------------------------ resizing
@pytest.mark.parametrize("grey", [False, True])
@pytest.mark.parametrize("size, shape", [(4, (4, 4)), ((3, 9), (3, 9)), ((12, 2), (12, 2))])
def test_size_is_a_square_or_height_width(tmp_path, grey, size, shape):
    """size=n gives n x n; size=(h, w) gives height h and width w."""
    path, _ = make_rgb(tmp_path, 7)
    image = load_image(path, grey=grey, size=size)
    assert image.shape == (shape if grey else (3, *shape))
    assert image.dtype == np.float32


def lanczos_matrix(n_in, n_out):
    """(n_out, n_in) weights of Lanczos-3 resampling, widened by the scale when shrinking."""
    scale = n_in / n_out
    widen = max(scale, 1.0)
    matrix = np.zeros((n_out, n_in))
    for i in range(n_out):
        centre = (i + 0.5) * scale  # in input pixel units
        for j in range(n_in):
            t = (j + 0.5 - centre) / widen
            if abs(t) < 3:
                matrix[i, j] = np.sinc(t) * np.sinc(t / 3)
        matrix[i] /= matrix[i].sum()
    return matrix


@pytest.mark.parametrize("size", [(10, 7), (40, 60), (23, 31)])
def test_resize_is_lanczos(tmp_path, size):
    """Resizing equals separable Lanczos-3 resampling (then clipping) computed here."""
    pixels = rng(8).integers(0, 256, (30, 21), dtype=np.uint8)
    Image.fromarray(pixels).save(tmp_path / "noise.png")
    ours = load_image(tmp_path / "noise.png", grey=True, size=size)
    rows, cols = lanczos_matrix(30, size[0]), lanczos_matrix(21, size[1])
    expected = np.clip(rows @ (pixels / 255) @ cols.T, 0, 1)
    np.testing.assert_allclose(ours, expected, atol=1e-5)


def test_resize_stays_in_unit_range(tmp_path):
    """Lanczos overshoot at sharp edges is clipped, so values stay in [0, 1]."""
    board = (checkerboard(8, 1) * 255).astype(np.uint8)
    Image.fromarray(board).save(tmp_path / "board.png")
    raw = np.asarray(Image.fromarray(checkerboard(8, 1)).resize((19, 19), Image.Resampling.LANCZOS))
    assert raw.min() < 0 or raw.max() > 1  # the unclipped filter does overshoot here
    image = load_image(tmp_path / "board.png", size=19)
    assert image.min() >= 0 and image.max() <= 1


# -------------------------------------------------------------------------------- errors
def png_header(width, height):
    """Bytes of a 1-bit PNG that claims width x height but holds almost no pixel data."""

    def chunk(kind, data):
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00")) + chunk(b"IEND", b"")
    )


def test_missing_file_names_the_path(tmp_path):
    """A path with no file behind it raises FileNotFoundError naming that path."""
    missing = tmp_path / "no_such_cat.png"
    with pytest.raises(FileNotFoundError, match=re.escape(str(missing))):
        load_image(missing)


def test_directory_is_not_an_image(tmp_path):
    """A directory is refused with a ValueError that says so."""
    with pytest.raises(ValueError, match=r"is a directory, not an image file"):
        load_image(tmp_path)


def test_text_file_is_not_an_image(tmp_path):
    """A file Pillow cannot identify raises NotAnImageError (a ValueError) naming the path."""
    notes = tmp_path / "notes.png"
    notes.write_text("not a picture")
    accepted = re.escape("(PNG, JPEG, GIF, BMP, TIFF or WebP)")
    with pytest.raises(images.NotAnImageError,
                       match=re.escape(str(notes)) + " is not an image in an accepted format " + accepted):
        load_image(notes)
    with pytest.raises(ValueError, match="the given bytes is not an image in an accepted format"):
        load_image(b"hello")


def test_truncated_file_cannot_be_decoded(tmp_path):
    """A PNG cut in half raises ValueError saying it could not be decoded."""
    buffer = io.BytesIO()
    Image.fromarray(rng(9).integers(0, 256, (64, 64), dtype=np.uint8)).save(buffer, format="PNG")
    cut = tmp_path / "cut.png"
    cut.write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])
    with pytest.raises(ValueError, match=re.escape(str(cut)) + " could not be decoded"):
        load_image(cut)


def test_too_many_pixels_reports_size_and_limit(tmp_path):
    """An image over max_pixels is refused with its pixel count, height x width and the limit."""
    Image.new("L", (100, 80)).save(tmp_path / "big.png")
    with pytest.raises(ValueError, match=r"has 8,000 pixels \(height x width 80 x 100\), more "
                       r"than max_pixels=7,999"):
        load_image(tmp_path / "big.png", max_pixels=7_999)
    assert load_image(tmp_path / "big.png", max_pixels=8_000).shape == (3, 80, 100)


def test_pixel_limit_is_checked_from_the_header(tmp_path):
    """A header claiming 100 million pixels is refused by size, before any decoding."""
    # 100 million is above Pillow's warning threshold: the warning must not escape either.
    with pytest.raises(ValueError, match=r"has 100,000,000 pixels \(height x width 10000 x 10000\)"):
        load_image(png_header(10_000, 10_000))


def test_pillow_decompression_bomb_error_becomes_value_error():
    """Pillow's own hard limit surfaces as a ValueError, not DecompressionBombError."""
    with pytest.raises(ValueError, match=r"too large to load safely: Image size \(400000000 pixels\)"):
        load_image(png_header(20_000, 20_000), max_pixels=10**9)


def test_pillow_warning_is_silenced_when_our_limit_allows(monkeypatch):
    """Above Pillow's warning threshold but within max_pixels, the image loads without warning."""
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)
    buffer = io.BytesIO()
    Image.new("L", (12, 12), 128).save(buffer, format="PNG")  # 144 pixels: warns in Pillow
    image = load_image(buffer.getvalue(), grey=True)
    np.testing.assert_allclose(image, 128 / 255)


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"path": 42}, TypeError, r"path must be a str, pathlib.Path, bytes or a binary file "
                                  r"object; got int"),
        ({"path": None}, TypeError, r"path must be .*; got NoneType"),
        ({"grey": "yes"}, TypeError, r"grey must be True or False; got 'yes'"),
        ({"size": 0}, ValueError, r"size must be a positive integer; got 0"),
        ({"size": (4, 5, 6)}, ValueError, r"size must be an integer or a pair"),
        ({"max_pixels": 0}, ValueError, r"max_pixels must be a positive integer; got 0"),
    ],
)
def test_bad_arguments_are_named(tmp_path, kwargs, error, message):
    """Wrong argument types and values raise errors naming the parameter and the value."""
    path, _ = make_rgb(tmp_path, 10)
    with pytest.raises(error, match=message):
        load_image(**{"path": path, **kwargs})


def test_text_mode_file_is_refused(tmp_path):
    """A file opened in text mode raises TypeError asking for mode 'rb'."""
    path, _ = make_rgb(tmp_path, 11)
    with open(path, encoding="latin-1") as handle:
        with pytest.raises(TypeError, match=r"binary file object.*mode 'rb'"):
            load_image(handle)


# -------------------------------------------------------------------------------- sample
def test_sample_photo_matches_its_file():
    """load_sample() is the cat photo, channels-first, its pixels / 255 exactly."""
    image = load_sample()
    assert image.shape == (3, 300, 451) and image.dtype == np.float32
    with Image.open(images.sample_path("chelsea")) as photo:
        pixels = np.asarray(photo.convert("RGB"))
    np.testing.assert_array_equal(image, np.moveaxis(pixels, -1, 0).astype(np.float32) / 255)


def test_sample_grayscale_and_size():
    """load_sample passes grey and size on to load_image."""
    grey = load_sample("chelsea", grey=True, size=(30, 45))
    assert grey.shape == (30, 45) and grey.dtype == np.float32
    assert 0 <= grey.min() < grey.max() <= 1


def test_unknown_sample_lists_the_available_ones():
    """An unknown sample name raises ValueError listing the names that exist."""
    with pytest.raises(ValueError, match=r"name must be one of the sample images 'chelsea'; got 'dog'"):
        load_sample("dog")


def test_missing_sample_folder_explains_itself(monkeypatch, tmp_path):
    """Without its sample folder, load_sample says where it looked and how to mend it."""
    monkeypatch.setattr(images, "SAMPLES_DIR", tmp_path)
    with pytest.raises(FileNotFoundError, match=r"Sample image missing.*reinstall.*chelsea\.png"):
        load_sample()


# ----------------------------------------------------------------------------- synthetic
@pytest.mark.parametrize("size, shape", [(8, (8, 8)), ((3, 10), (3, 10)), ((6, 5), (6, 5))])
def test_step_edge_is_dark_left_bright_right(size, shape):
    """step_edge has low values left of column width // 2 and high values from it on."""
    image = step_edge(size, low=0.1, high=0.7)
    assert image.shape == shape and image.dtype == np.float32
    half = shape[1] // 2
    np.testing.assert_allclose(image[:, :half], 0.1)
    np.testing.assert_allclose(image[:, half:], 0.7)


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"low": 1.5}, ValueError, r"low must be a number between 0 and 1; got 1.5"),
        ({"high": "1"}, TypeError, r"high must be a number between 0 and 1; got '1'"),
        ({"size": (4, 1)}, ValueError, r"width of at least 2"),
        ({"size": -3}, ValueError, r"size must be a positive integer; got -3"),
    ],
)
def test_step_edge_rejects_bad_arguments(kwargs, error, message):
    """step_edge names the bad parameter and its value."""
    with pytest.raises(error, match=message):
        step_edge(**kwargs)


@pytest.mark.parametrize("size, square", [(8, 2), (9, 4), ((6, 10), 3), (5, 1), (4, 10)])
def test_checkerboard_matches_kron_reference(size, square):
    """checkerboard equals a Kronecker-expanded parity grid cropped to size."""
    h, w = (size, size) if isinstance(size, int) else size
    parity = np.indices((h // square + 1, w // square + 1)).sum(axis=0) % 2
    expected = np.kron(parity, np.ones((square, square)))[:h, :w]
    image = checkerboard(size, square)
    assert image.dtype == np.float32
    np.testing.assert_array_equal(image, expected)


@pytest.mark.parametrize("size", [16, 64, 200])
def test_shapes_have_expected_areas_and_a_dark_border(size):
    """shapes() draws a rectangle, a disc and a triangle of about their geometric areas."""
    image = shapes(size)
    assert image.shape == (size, size) and image.dtype == np.float32
    assert np.array_equal(image, shapes(size))  # deterministic
    areas = {value: np.mean(image == np.float32(value)) for value in (0.9, 0.6, 0.75)}
    tolerance = 0.25 if size == 16 else 0.06
    assert areas[0.9] == pytest.approx(0.35 * 0.37, rel=tolerance)  # rectangle
    assert areas[0.6] == pytest.approx(np.pi * 0.18**2, rel=tolerance)  # disc
    assert areas[0.75] == pytest.approx(0.5 * 0.76 * 0.35, rel=tolerance)  # triangle
    assert image[0].max() == image[:, 0].max() == image[-1].max() == image[:, -1].max() == 0


def test_shapes_needs_room():
    """shapes() refuses a size too small to draw three shapes."""
    with pytest.raises(ValueError, match=r"size must be an integer of at least 16 for shapes; got 8"):
        shapes(8)


@pytest.mark.parametrize("amount", [0.0, 0.05, 0.3, 1.0])
@pytest.mark.parametrize("seed", [0, 1])
def test_salt_and_pepper_flips_exactly_the_requested_fraction(amount, seed):
    """round(amount * H * W) pixels become 0 or 1 and every other pixel is untouched."""
    image = np.full((20, 30), 0.5, dtype=np.float32)
    noisy = add_salt_and_pepper(image, amount, seed=seed)
    changed = noisy != 0.5
    assert changed.sum() == round(amount * 600)
    assert set(np.unique(noisy[changed]).tolist()) <= {0.0, 1.0}
    assert noisy.dtype == np.float32
    np.testing.assert_array_equal(image, 0.5)  # the input is not modified


def test_salt_and_pepper_is_about_half_salt():
    """Salt and pepper are equally likely."""
    noisy = add_salt_and_pepper(np.full((100, 100), 0.5), 0.2, seed=3)
    salt, pepper = (noisy == 1).sum(), (noisy == 0).sum()
    assert salt + pepper == 2000
    assert 0.45 < salt / 2000 < 0.55


def test_salt_and_pepper_is_reproducible_per_seed():
    """The same seed gives the same noise; another seed gives different noise."""
    image = np.full((16, 16), 0.5)
    first = add_salt_and_pepper(image, 0.1, seed=7)
    np.testing.assert_array_equal(first, add_salt_and_pepper(image, 0.1, seed=7))
    assert not np.array_equal(first, add_salt_and_pepper(image, 0.1, seed=8))


def test_salt_and_pepper_hits_the_same_pixel_in_every_channel():
    """For (C, H, W) images the noise hits the same positions, with the same value, in all channels."""
    image = np.full((3, 12, 12), 0.5)
    noisy = add_salt_and_pepper(image, 0.25, seed=2)
    np.testing.assert_array_equal(noisy[0], noisy[1])
    np.testing.assert_array_equal(noisy[0], noisy[2])
    assert (noisy[0] != 0.5).sum() == 36


@pytest.mark.parametrize(
    "amount, error, message",
    [
        (1.5, ValueError, r"amount must be a number between 0 and 1; got 1.5"),
        (-0.1, ValueError, r"amount must be a number between 0 and 1; got -0.1"),
        ("much", TypeError, r"amount must be a number between 0 and 1; got 'much'"),
    ],
)
def test_salt_and_pepper_rejects_bad_amount(amount, error, message):
    """add_salt_and_pepper names a bad amount and says what is valid."""
    with pytest.raises(error, match=message):
        add_salt_and_pepper(np.zeros((4, 4)), amount)


# ------------------------------------------------------------------ hostile files (issue 9)
def saved(image, format, **options):
    buffer = io.BytesIO()
    image.save(buffer, format=format, **options)
    return buffer.getvalue()


@pytest.mark.parametrize("format", images.FORMATS)
def test_every_accepted_format_loads(format):
    """Each format of the allow-list opens and gives back the pixels it holds."""
    pixels = rng(20).integers(0, 256, (H, W), dtype=np.uint8)
    options = {"lossless": True} if format == "WEBP" else {"quality": 100} if format == "JPEG" else {}
    image = load_image(saved(Image.fromarray(pixels).convert("RGB"), format, **options),
                       grey=True)
    atol = 0.05 if format == "JPEG" else 1e-6
    np.testing.assert_allclose(image, pixels / 255, atol=atol)


@pytest.mark.parametrize("format", ["EPS", "ICO", "PPM", "PCX", "SGI", "DDS"])
def test_other_formats_are_refused_unopened(format, monkeypatch):
    """A file in a format outside the allow-list is refused by type, naming the format and
    the accepted ones, whatever its name; Ghostscript is never started for EPS."""
    from PIL import EpsImagePlugin

    started = []
    monkeypatch.setattr(EpsImagePlugin, "Ghostscript", lambda *a, **k: started.append(a))
    mode = "RGBA" if format in ("ICO", "DDS") else "RGB"
    data = saved(Image.new(mode, (16, 16), (200, 100, 50)), format)
    for path in (data, io.BytesIO(data)):
        with pytest.raises(images.UnsupportedFormatError, match=(
                rf"is in the {format} format, which load_image does not open; the accepted formats "
                r"are PNG, JPEG, GIF, BMP, TIFF or WebP")) as caught:
            load_image(path)
        assert caught.value.format == format
    assert started == []


def test_eps_named_png_on_disk_is_refused(tmp_path):
    """A PostScript file called picture.png is still PostScript: refused, not run."""
    fake = tmp_path / "picture.png"
    fake.write_bytes(b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\nshowpage\n")
    with pytest.raises(images.UnsupportedFormatError, match=re.escape(str(fake)) + " is in the EPS format"):
        load_image(fake)


def test_icon_hiding_a_huge_png_is_refused_before_decoding():
    """An ICO whose directory says 16x16 but whose image is a 12000x12000 PNG is refused by
    format, so the hidden picture is never decoded."""
    inner = png_header(12_000, 12_000)
    directory = struct.pack("<HHH", 0, 1, 1) + struct.pack("<BBBBHHII", 16, 16, 0, 0, 1, 32,
                                                           len(inner), 6 + 16)
    with pytest.raises(images.UnsupportedFormatError, match="is in the ICO format") as caught:
        load_image(directory + inner)
    assert caught.value.format == "ICO"


def png_with_chunk(kind, payload):
    """An 8x8 grey PNG with one extra chunk before its pixels."""
    data = saved(Image.new("L", (8, 8), 128), "PNG")
    extra = struct.pack(">I", len(payload)) + kind + payload
    extra += struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF)
    at = data.index(b"IDAT") - 4
    return data[:at] + extra + data[at:]


@pytest.mark.parametrize("kind, head", [(b"zTXt", b"Comment\x00\x00"), (b"iCCP", b"icc\x00\x00")])
def test_compressed_chunk_bomb_is_its_own_error(kind, head):
    """An 8x8 PNG whose text or colour-profile chunk unpacks to megabytes is refused as a
    compression bomb, not as a picture with too many pixels."""
    bomb = png_with_chunk(kind, head + zlib.compress(b"\x00" * 8_000_000, 9))
    assert len(bomb) < 20_000
    with pytest.raises(images.CompressionBombError,
                       match=r"holds compressed data that unpacks to more than Pillow allows"):
        load_image(bomb)


def test_image_errors_are_value_errors_with_a_source():
    """Every refusal is a ValueError (old callers still catch it) and names its source."""
    for cls in (images.NotAnImageError, images.UnsupportedFormatError, images.TooManyPixelsError,
                images.CompressionBombError, images.DamagedImageError, images.NonFiniteImageError):
        assert issubclass(cls, images.ImageError) and issubclass(cls, ValueError)
    with pytest.raises(images.TooManyPixelsError) as caught:
        load_image(png_header(300, 200), max_pixels=59_999)
    assert (caught.value.pixels, caught.value.limit, caught.value.source) == (60_000, 59_999,
                                                                              "the given bytes")
    with pytest.raises(images.DamagedImageError, match="the given bytes could not be decoded"):
        load_image(saved(Image.new("L", (64, 64)), "PNG")[:60])


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("size", [None, 3, 30])
def test_non_finite_float_tiff_is_refused_before_resizing(bad, size):
    """A float TIFF with one NaN or infinity is refused, with the count, whatever the size."""
    values = rng(21).random((40, 50)).astype(np.float32)
    values[7, 9] = bad
    with pytest.raises(images.NonFiniteImageError, match=r"has 1 pixels that are not finite") as caught:
        load_image(saved(Image.fromarray(values, "F"), "TIFF"), size=size)
    assert caught.value.count == 1
    values[7, 9] = 0.5
    assert np.isfinite(load_image(saved(Image.fromarray(values, "F"), "TIFF"), size=size)).all()


def test_size_too_large_for_memory_is_refused_before_loading():
    """A requested size whose arrays would not fit the memory limit is refused, with the need."""
    small = saved(Image.new("L", (4, 4)), "PNG")
    with pytest.raises(ValueError, match=r"size=\(40000, 40000\) would need 53\.6 GiB of memory; "
                                         r"the limit is 1\.0 GiB"):
        load_image(small, size=(40_000, 40_000))
    with pytest.raises(ValueError, match=r"size=\(30000, 30000\) would need 30\.2 GiB"):
        load_sample(size=30_000)


def big_picture(height, width, mode, seed):
    """A smooth picture with some detail, large enough to take the 8-bit shrinking path."""
    y, x = np.mgrid[0:height, 0:width] / max(height, width)
    noise = rng(seed).random((height // 50 + 1, width // 50 + 1))
    detail = np.kron(noise, np.ones((50, 50)))[:height, :width]
    bands = [np.sin(6 * x + 3 * c) * 0.3 + 0.5 + 0.2 * detail * (c - 1) for c in range(4)]
    rgba = (np.clip(np.stack(bands, -1), 0, 1) * 255).astype(np.uint8)
    rgba[..., 3] = np.where(detail > 0.3, 255, (detail * 600).astype(np.uint8))
    return Image.fromarray(rgba if mode == "RGBA" else rgba[..., :3], mode)


def reference_small(image, size):
    """What the full-size path gives: float32 at full size, composited, then Lanczos."""
    rgba = np.asarray(image.convert("RGBA"), dtype=np.float32) / 255
    rgb = rgba[..., :3] * rgba[..., 3:] + (1 - rgba[..., 3:])
    channels = [np.asarray(Image.fromarray(np.ascontiguousarray(rgb[..., c])).resize(
        (size[1], size[0]), Image.Resampling.LANCZOS)) for c in range(3)]
    return np.clip(np.stack(channels), 0, 1)


@pytest.mark.parametrize("mode, format, atol", [("RGBA", "PNG", 0.02), ("RGB", "JPEG", 0.04),
                                                ("RGBA", "WEBP", 0.02), ("RGB", "BMP", 0.02)])
def test_large_picture_shrunk_in_pillow_matches_full_size_resize(mode, format, atol):
    """Above two million pixels the picture is shrunk in 8 bits first; the result stays
    within a few 8-bit steps of compositing and resizing the whole picture in float32."""
    image = big_picture(1500, 1600, mode, 22)
    options = {"lossless": True} if format == "WEBP" else {"quality": 95} if format == "JPEG" else {}
    data = saved(image, format, **options)
    ours = load_image(data, size=(30, 40))
    decoded = Image.open(io.BytesIO(data))
    np.testing.assert_allclose(ours, reference_small(decoded, (30, 40)), atol=atol)
    assert ours.shape == (3, 30, 40) and ours.dtype == np.float32


def test_large_jpeg_is_turned_upright_after_shrinking():
    """EXIF orientation 6 still turns a large, shrunk JPEG upright (now tall, not wide)."""
    image = big_picture(1200, 1800, "RGB", 23)
    exif = Image.Exif()
    exif[0x0112] = 6
    data = saved(image, "JPEG", quality=95, exif=exif.tobytes())
    ours = load_image(data, size=(45, 30))
    upright = image.transpose(Image.Transpose.ROTATE_270)
    np.testing.assert_allclose(ours, reference_small(upright, (45, 30)), atol=0.04)


MEASURE_LOAD = """
import sys, time
from cnnviz import images

def peak_mb():  # the high-water mark of this process's resident memory, Pillow's C memory too
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM")) / 1024

with open(sys.argv[1], "rb") as handle:
    data = handle.read()
before = peak_mb()
start = time.perf_counter()
small = images.load_image(data, grey=True, size=28, max_pixels=images.UPLOAD_MAX_PIXELS)
seconds = time.perf_counter() - start
print(peak_mb() - before, seconds, small.shape)
"""


def upload_cost(path):
    """(peak memory added in MB, seconds) of loading ``path`` as an upload, measured in a
    fresh Python from its peak resident size (``VmHWM``, which counts Pillow's C memory that
    tracemalloc cannot see, and starts afresh at exec, unlike ``ru_maxrss``). The file is
    made beforehand, so making it does not raise the peak being measured."""
    import os
    import subprocess
    import sys

    if not Path("/proc/self/status").exists():
        pytest.skip("peak memory is read from /proc/self/status (Linux only)")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    out = subprocess.run([sys.executable, "-c", MEASURE_LOAD, str(path)], capture_output=True,
                         text=True, env=env, check=True, timeout=120)
    megabytes, seconds, shape = out.stdout.split(" ", 2)
    assert shape.strip() == "(28, 28)"
    return float(megabytes), float(seconds)


def worst_upload(path, format, options):
    """A square RGBA picture right at the upload pixel limit, saved to ``path``."""
    side = int(np.sqrt(images.UPLOAD_MAX_PIXELS))
    y, x = np.mgrid[0:side, 0:side]
    rgba = np.stack([(x * 7) % 256, (y * 3) % 256, (x + y) % 256, (x ^ y) % 256], -1)
    Image.fromarray(rgba.astype(np.uint8), "RGBA").save(path, format=format, **options)
    return path


@pytest.mark.slow
@pytest.mark.parametrize("format, options", [("WEBP", {"lossless": True, "quality": 0, "method": 0}),
                                             ("PNG", {"compress_level": 1})])
def test_worst_accepted_upload_costs_under_200_mb_and_a_second(tmp_path, format, options):
    """The costliest uploads at the pixel limit (lossless WebP, RGBA PNG: small files, many
    pixels) add at most about 200 MB to the process and take under a second."""
    path = worst_upload(tmp_path / f"worst.{format.lower()}", format, options)
    assert path.stat().st_size < 2_000_000   # a small file...
    megabytes, seconds = upload_cost(path)
    assert megabytes < 210                   # ...that stays cheap: no full-size float32 copies
    assert seconds < 1.0


def test_non_seekable_stream_is_read_whole():
    """Peeking at the first bytes (to name a refused format) never consumes a stream that
    cannot seek back: such a stream still loads."""
    class Stream(io.RawIOBase):
        def __init__(self, data):
            self.data = io.BytesIO(data)

        def readable(self):
            return True

        def seekable(self):
            return False

        def readinto(self, buffer):
            return self.data.readinto(buffer)

    pixels = rng(24).integers(0, 256, (H, W), dtype=np.uint8)
    stream = io.BufferedReader(Stream(saved(Image.fromarray(pixels), "PNG")))
    np.testing.assert_allclose(load_image(stream, grey=True), pixels / 255, atol=1e-6)
