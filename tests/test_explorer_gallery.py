"""Notebook 03's explorers, driven headlessly as a learner would drive them."""

import numpy as np
import pytest

import cnnviz
from cnnviz import filters
from cnnviz.explorers.draw import DIVERGING, GREY
from cnnviz.explorers.gallery import (
    CELLS, bilateral_vs_gaussian, border_modes, custom_kernel, kernel_gallery, median_vs_blur,
    sobel_edges,
)
from cnnviz.filters import bilateral_weights
from cnnviz.lessons import gallery as lesson
from cnnviz.lessons.gallery import (
    apply_kernel, bilateral_state, border_state, gallery_state, median_state, sobel_state,
    window_for,
)
from cnnviz.images import add_salt_and_pepper, load_sample, step_edge
from explorer_support import sweep
from traitlets import TraitError

PHOTO = load_sample(grey=True, size=(150, 225))
EYE = load_sample(grey=True)[50:170, 100:280]
NOISY_EYE = np.clip(EYE + np.random.default_rng(0).normal(0, 0.05, EYE.shape), 0, 1)
PROBE = (82, 46)
SIGNED = {"Vertical edge", "Horizontal edge", "Sobel x", "Sobel y", "Prewitt x", "Prewitt y",
          "Laplacian"}


def drive(ex, name, points=8):
    """Set every value of one control in turn, checking each gives a picture or a message."""
    control = ex.controls[name]
    for value in sweep(control, points):
        control.value = value
        assert ex.last_error is None, (name, value, ex.last_error)
        assert ex.state is not None or ex.message, (name, value)


# ------------------------------------------------------------------------------ gallery
@pytest.mark.parametrize("name", list(filters.KERNELS))
def test_gallery_state_is_the_library_correlation(name):
    """Each named kernel's result is cnnviz.correlate2d with reflect padding."""
    state = gallery_state(PHOTO, name=name)
    expected = cnnviz.correlate2d(PHOTO, filters.KERNELS[name], padding="same",
                                  pad_mode="reflect")
    assert state.result.shape == PHOTO.shape
    np.testing.assert_allclose(state.result, expected, atol=1e-6)
    assert state.signed == (name in SIGNED)


def test_gaussian_follows_size_and_sigma():
    """The Gaussian's kernel is filters.gaussian(size, sigma), applied separably but exactly."""
    state = gallery_state(PHOTO, name="Gaussian blur", size=15, sigma=3.0)
    np.testing.assert_array_equal(state.kernel, filters.gaussian(15, 3.0))
    direct = cnnviz.correlate2d(PHOTO, filters.gaussian(15, 3.0), padding="same",
                                pad_mode="reflect")
    np.testing.assert_allclose(state.result, direct, atol=1e-6)


def test_shift_moves_the_photo_right():
    """'Shift right' copies each pixel from its left neighbour."""
    state = gallery_state(PHOTO, name="Shift right")
    np.testing.assert_array_equal(state.result[:, 1:], PHOTO[:, :-1])


def test_gallery_dropdown_changes_picture_and_colours():
    """Every kernel gives a new picture; signed results use the diverging map, others grey."""
    ex = kernel_gallery(PHOTO)
    pngs = set()
    for name in sweep(ex.controls["name"]):
        ex.controls["name"].value = name
        assert ex.last_error is None and ex.state is not None
        pngs.add(ex.png)
        cmap = ex.artists["out"].get_cmap().name
        assert cmap == (DIVERGING if name in SIGNED else GREY), name
        assert ex.artists["out_bar"].key[:3] == (cmap, *ex.artists["out"].get_clim())
        if name in SIGNED:
            lo, hi = ex.artists["out"].get_clim()
            assert lo == -hi and hi == pytest.approx(np.percentile(np.abs(ex.state.result), 99.5))
            assert 0 < hi <= np.abs(ex.state.result).max()
        assert "Something went wrong" not in ex.text.value
    # Identity and Shift right look alike at this size, the rest differ visibly.
    assert len(pngs) >= len(filters.KERNELS) - 1


def test_size_and_sigma_only_for_the_gaussian():
    """The sliders are disabled unless the Gaussian is chosen, and then they change it."""
    ex = kernel_gallery(PHOTO)
    assert ex.controls["size"].disabled and ex.controls["sigma"].disabled
    ex.controls["name"].value = "Gaussian blur"
    assert not ex.controls["size"].disabled and not ex.controls["sigma"].disabled
    before = ex.png
    ex.controls["size"].value = 9
    assert ex.state.kernel.shape == (9, 9) and ex.png != before
    ex.controls["sigma"].value = 2.5
    np.testing.assert_allclose(ex.state.kernel, filters.gaussian(9, 2.5))
    ex.controls["name"].value = "Sharpen"
    assert ex.controls["size"].disabled
    np.testing.assert_array_equal(ex.state.kernel, filters.SHARPEN)


def test_gallery_sweeps_every_control_for_every_kernel():
    """Every kernel with every slider value gives a picture or an explanation, never an error."""
    ex = kernel_gallery(PHOTO)
    for name in sweep(ex.controls["name"]):
        ex.controls["name"].value = name
        if name == "Gaussian blur":
            drive(ex, "size")
            drive(ex, "sigma")
        else:  # disabled sliders: a change is ignored but must not break anything
            ex.set(size=15, sigma=0.3)
            assert ex.last_error is None and ex.state.name == name
    with pytest.raises(ValueError, match="size must be odd, so the window has a centre pixel; got 6"):
        gallery_state(PHOTO, name="Gaussian blur", size=6)


@pytest.mark.parametrize("factory, name, sizes", [
    (kernel_gallery, "size", [3, 5, 7, 9, 11, 13, 15]),
    (median_vs_blur, "size", [3, 5, 7]),
    (border_modes, "size", [3, 5, 7, 9, 11, 13, 15]),
])
def test_size_sliders_offer_only_odd_sizes(factory, name, sizes):
    """The size sliders step over odd values only, so no setting they offer is refused."""
    ex = factory(PHOTO)
    control = ex.controls[name]
    assert list(control.options) == sizes
    assert sweep(control) == sizes
    for size in sizes:
        control.value = size
        assert ex.last_error is None and ex.state is not None
        assert getattr(ex.state, "size", None) in (size, None)
    with pytest.raises(TraitError):     # an even size cannot even be set
        control.value = 6


@pytest.mark.parametrize("size, match", [(4, "size must be odd, so the window has a centre pixel; got 4"),
                                         (17, "size must be an odd number from 3 to 15; got 17")])
def test_factories_refuse_sizes_the_slider_cannot_show(size, match):
    """A factory given an even or out-of-range size says so instead of building a broken slider."""
    with pytest.raises(ValueError, match=match):
        kernel_gallery(PHOTO, name="Gaussian blur", size=size)


def test_big_kernels_are_not_annotated():
    """A 15x15 Gaussian is coloured without numbers and the title says so."""
    ex = kernel_gallery(PHOTO, name="Gaussian blur", size=15)
    assert "numbers shown up to 7x7" in ex.artists["k_title"].get_text()
    ex.controls["size"].value = 5
    assert ex.artists["k_title"].get_text().startswith("Gaussian 5x5, sigma 1 (sum 1")


def test_caption_states_the_kernel_sum():
    """The caption explains the sum rule: a flat region is scaled by the kernel's sum."""
    ex = kernel_gallery(PHOTO, name="Sharpen")
    assert "add up to 1" in ex.text.value and "clipped" in ex.text.value
    ex.controls["name"].value = "Laplacian"
    assert "add up to 0" in ex.text.value and "sign" in ex.text.value


# ------------------------------------------------------------------------ custom kernel
def test_custom_kernel_boxes_form_the_kernel():
    """The nine boxes, row by row, are the kernel applied to the photo."""
    ex = custom_kernel(PHOTO)
    assert [len(row.children) for row in ex.widget.children[:3]] == [3, 3, 3]
    np.testing.assert_array_equal(ex.state.kernel, filters.IDENTITY)
    np.testing.assert_allclose(ex.state.result, PHOTO, atol=1e-7)
    before = ex.png
    ex.set(k11=2.0)
    np.testing.assert_allclose(ex.state.result, 2 * PHOTO, atol=1e-6)
    assert ex.png != before and "2 times as bright" in ex.text.value
    ex.set(k11=0.0, k12=-1.0, k10=1.0)
    assert ex.state.signed
    assert ex.artists["out"].get_cmap().name == DIVERGING
    np.testing.assert_array_equal(ex.state.kernel, [[0, 0, 0], [1, 0, -1], [0, 0, 0]])


def test_custom_kernel_starts_from_any_3x3():
    """A starting kernel fills the boxes; anything but 3x3 is refused with a clear message."""
    ex = custom_kernel(PHOTO, kernel=filters.SHARPEN)
    assert [ex.controls[c].value for c in CELLS] == filters.SHARPEN.ravel().tolist()
    with pytest.raises(ValueError, match=r"kernel must be 3x3 to fill the nine boxes; got shape \(5, 5\)"):
        custom_kernel(PHOTO, kernel=np.ones((5, 5)))


def test_custom_kernel_sweeps_every_box():
    """Every box over its whole range gives a picture, including the all-zero kernel."""
    ex = custom_kernel(PHOTO)
    for name in CELLS:
        drive(ex, name, points=4)  # -50, -16.7, 16.7, 50: both ends and both signs
    ex.set(**{name: 0.0 for name in CELLS})
    assert ex.state is not None and ex.message is None
    assert not np.any(ex.state.result)


def test_apply_kernel_explains_impossible_kernels():
    """Even-sized and non-finite kernels are refused in plain words."""
    with pytest.raises(ValueError, match="a 2x2 kernel has no centre pixel"):
        apply_kernel(PHOTO, np.ones((2, 2)))
    with pytest.raises(ValueError, match="must be finite"):
        apply_kernel(PHOTO, [[0, 0, 0], [0, np.inf, 0], [0, 0, 0]])


# -------------------------------------------------------------------------------- Sobel
def test_sobel_state_matches_the_library():
    """Gx, Gy and the magnitude are cnnviz.filters' Sobel results; edges are above threshold."""
    state = sobel_state(PHOTO, threshold=0.5)
    gx, gy = filters.sobel_gradients(PHOTO)
    np.testing.assert_array_equal(state.gx, gx)
    np.testing.assert_array_equal(state.gy, gy)
    np.testing.assert_allclose(state.magnitude, filters.sobel_magnitude(PHOTO), rtol=1e-6)
    np.testing.assert_array_equal(state.edges, state.magnitude > 0.5)


def test_step_edge_only_responds_at_the_step():
    """On a vertical step the magnitude is zero except in the two columns at the step."""
    state = sobel_state(step_edge((6, 10)), threshold=0.1)
    assert np.flatnonzero(state.edges.any(axis=0)).tolist() == [4, 5]


def test_threshold_slider_moves_line_and_edges():
    """Raising the threshold keeps fewer edge pixels and moves the line on the colour bar."""
    ex = sobel_edges(PHOTO)
    before, fraction = ex.png, ex.state.fraction
    ex.controls["threshold"].value = 1.0
    assert ex.state.fraction < fraction and ex.png != before
    assert ex.artists["mag_bar"].key == (GREY, 0.0, ex.artists["top"], 1.0)
    assert "1.00" in ex.artists["edge_title"].get_text()


def test_sobel_sweeps_threshold():
    """Every threshold from 0 to the largest magnitude gives a picture."""
    ex = sobel_edges(PHOTO)
    drive(ex, "threshold")
    assert ex.controls["threshold"].max >= ex.state.magnitude.max()
    assert not ex.state.edges.any()  # above the largest magnitude nothing is left


def test_negative_threshold_is_explained():
    """A threshold below zero is refused: a magnitude is never negative."""
    with pytest.raises(ValueError, match="threshold must be 0 or more"):
        sobel_state(PHOTO, threshold=-0.1)


# ------------------------------------------------------------------- median vs box blur
def test_median_state_matches_the_library():
    """Noise, box blur and median are the library's, with the fixed seed."""
    state = median_state(PHOTO, amount=0.1, size=5)
    noisy = add_salt_and_pepper(PHOTO, 0.1, seed=0)
    np.testing.assert_array_equal(state.noisy, noisy)
    np.testing.assert_array_equal(state.median, filters.median_filter(noisy, 5))
    blurred = cnnviz.correlate2d(noisy, filters.box_blur(5), padding="same", pad_mode="reflect")
    np.testing.assert_allclose(state.blurred, blurred, atol=1e-6)


@pytest.mark.parametrize("amount", [0.05, 0.1, 0.2])
def test_median_beats_blur_on_salt_and_pepper(amount):
    """On salt-and-pepper noise the median is much closer to the clean photo than a blur."""
    state = median_state(PHOTO, amount=amount, size=3)
    assert state.error(state.median) < 0.5 * state.error(state.blurred)


def test_noise_slider_changes_picture():
    """More noise hits more pixels and changes the picture and the titles."""
    ex = median_vs_blur(PHOTO)
    before = ex.png
    ex.controls["amount"].value = 0.3
    hit = np.mean(ex.state.noisy != PHOTO)
    assert hit == pytest.approx(0.3, abs=0.02)
    assert ex.png != before
    assert "30% of pixels" in ex.artists["titles"][0].get_text()
    ex.controls["size"].value = 5
    assert "median 5x5" in ex.artists["titles"][2].get_text()


def test_median_sweeps_every_control():
    """Every noise amount and window size gives a picture."""
    ex = median_vs_blur(PHOTO)
    drive(ex, "amount")
    drive(ex, "size")


# ---------------------------------------------------------------- bilateral vs Gaussian
def test_bilateral_state_matches_the_library():
    """The bilateral result is filters.bilateral_filter; the Gaussian uses the same window."""
    state = bilateral_state(NOISY_EYE, sigma_space=1.5, sigma_range=0.1, probe=PROBE)
    assert state.size == window_for(1.5) == 7
    np.testing.assert_allclose(state.bilateral,
                               filters.bilateral_filter(NOISY_EYE, 7, 1.5, 0.1), atol=1e-7)
    gauss = cnnviz.correlate2d(NOISY_EYE, filters.gaussian(7, 1.5), padding="same",
                               pad_mode="reflect")
    np.testing.assert_allclose(state.gaussian, gauss, atol=1e-6)


def test_bilateral_weights_reproduce_the_filter():
    """The drawn weights, applied to the probe's window, give the filter's output there."""
    state = bilateral_state(NOISY_EYE, sigma_space=2.0, sigma_range=0.1, probe=PROBE)
    r = state.size // 2
    window = cnnviz.pad2d(NOISY_EYE, r, mode="reflect")[PROBE[0]:PROBE[0] + state.size,
                                                        PROBE[1]:PROBE[1] + state.size]
    assert state.weights.sum() == pytest.approx(1.0)
    assert (state.weights * window).sum() == pytest.approx(state.bilateral[PROBE], abs=1e-6)


def test_bilateral_keeps_a_step_the_gaussian_blurs():
    """On a clean step the bilateral filter leaves the edge alone; the Gaussian smears it."""
    step = step_edge((16, 16), low=0.0, high=1.0)
    weights = bilateral_weights(step, (8, 7), 5, 1.0, 0.1)
    assert weights[:, 3:].max() < 1e-10  # the bright side gets no weight
    state = bilateral_state(step, sigma_space=1.0, sigma_range=0.1)
    np.testing.assert_allclose(state.bilateral, step, atol=1e-6)
    assert np.abs(state.gaussian - step).max() > 0.2


def test_range_sigma_slider_changes_picture():
    """A huge range sigma turns the bilateral filter into the Gaussian blur."""
    ex = bilateral_vs_gaussian(NOISY_EYE, probe=PROBE)
    before = ex.png
    ex.controls["sigma_range"].value = 0.5
    assert ex.png != before
    gap_wide = np.abs(ex.state.bilateral - ex.state.gaussian).mean()
    ex.controls["sigma_range"].value = 0.05
    gap_narrow = np.abs(ex.state.bilateral - ex.state.gaussian).mean()
    assert gap_wide < gap_narrow / 3
    ex.controls["sigma_space"].value = 2.5
    assert ex.artists["weights"].get_array().shape == (11, 11)
    assert ex.artists["box"].get_width() == 11


def test_bilateral_sweeps_every_control():
    """Every spatial and range sigma gives a picture."""
    ex = bilateral_vs_gaussian(NOISY_EYE, probe=PROBE)
    drive(ex, "sigma_space")
    drive(ex, "sigma_range")


def test_bilateral_explains_a_probe_outside():
    """A probe outside the image is refused in words."""
    with pytest.raises(ValueError, match=r"the probe pixel \(500, 0\) lies outside the 120x180 image"):
        bilateral_state(NOISY_EYE, sigma_space=1.0, sigma_range=0.1, probe=(500, 0))
    ex = bilateral_vs_gaussian(NOISY_EYE, probe=(500, 0))
    assert ex.state is None and ex.last_error is None
    assert ex.message == ("The probe pixel (500, 0) lies outside the 120x180 image: "
                          "pick a pixel inside it.")


# ------------------------------------------------------------------------- border modes
@pytest.mark.parametrize("mode", cnnviz.convolution.PAD_MODES)
def test_border_state_matches_padding_same(mode):
    """The blurred piece is correlate2d with padding 'same' in that mode; the inside is exact."""
    state = border_state(PHOTO, mode=mode, size=7, row=40, col=62)
    piece = PHOTO[40:88, 62:110]
    expected = cnnviz.correlate2d(piece, filters.box_blur(7), padding="same", pad_mode=mode)
    np.testing.assert_allclose(state.result, expected, atol=1e-6)
    np.testing.assert_array_equal(state.padded, cnnviz.pad2d(piece, 3, mode=mode))
    assert np.abs(state.error[3:-3, 3:-3]).max() < 1e-6


def test_zero_padding_makes_the_worst_border():
    """Zeros darken the frame of a photo far more than reflect or replicate do."""
    errors = {m: np.abs(border_state(PHOTO, mode=m, size=9, row=40, col=62).error).mean()
              for m in cnnviz.convolution.PAD_MODES}
    assert errors["zeros"] > 3 * max(errors["reflect"], errors["replicate"])


def test_border_buttons_change_picture():
    """Each border mode draws a different padded piece; the size sets the invented band."""
    ex = border_modes(PHOTO, row=40, col=62)
    pngs = set()
    for mode in sweep(ex.controls["mode"]):
        ex.controls["mode"].value = mode
        assert mode in ex.artists["p_title"].get_text()
        pngs.add(ex.png)
    assert len(pngs) == 4
    ex.controls["size"].value = 15
    assert ex.artists["padded"].get_extent()[0] == pytest.approx(-7.5)
    assert "7 outer rows" in ex.text.value


def test_border_sweeps_every_control():
    """Every mode with every size gives a picture."""
    ex = border_modes(PHOTO)
    for mode in sweep(ex.controls["mode"]):
        ex.controls["mode"].value = mode
        drive(ex, "size")


def test_border_piece_needs_real_neighbours():
    """A piece at the photo's edge cannot be compared with the truth: explained in words."""
    with pytest.raises(ValueError, match="needs 3 real pixels around it"):
        border_state(PHOTO, mode="zeros", size=7, row=0, col=0)


# ------------------------------------------------------------- drawing and explanations
def test_threshold_line_sits_at_the_threshold_on_the_colour_bar():
    """The orange line on the magnitude's bar moves down as the threshold falls, in proportion."""
    from cnnviz.explorers.draw import HIGHLIGHT, rgb

    ex = sobel_edges(PHOTO)
    rows = {}
    for threshold in (0.0, 0.5, 1.0):
        ex.controls["threshold"].value = threshold
        picture = ex.artists["mag_bar"].image.get_array()[..., :3]
        orange = np.flatnonzero(np.all(picture == rgb(HIGHLIGHT), axis=-1).any(axis=1))
        assert orange.size, threshold
        rows[threshold] = orange.mean()
    top = ex.artists["top"]
    height = ex.artists["mag_bar"].size[1]
    assert rows[0.0] > rows[0.5] > rows[1.0]
    # one unit of magnitude spans (height - 13) pixels of the bar, divided by its top value
    assert rows[0.5] - rows[1.0] == pytest.approx(0.5 * (height - 13) / top, abs=1.5)


def test_colour_bars_are_drawn_twice_as_dense_in_the_stored_picture():
    """The stored picture's colour bars are re-drawn at its density, not stretched."""
    from cnnviz.explorers.draw import new_figure
    from cnnviz.explorers.gallery import FIG_KERNEL, plot_kernel_result

    state = gallery_state(PHOTO, name="Sobel x")
    _, one = plot_kernel_result(state, new_figure(*FIG_KERNEL), None)
    _, two = plot_kernel_result(state, new_figure(*FIG_KERNEL, dpi=160), None)
    w1, h1 = one["out_bar"].size
    w2, h2 = two["out_bar"].size
    assert abs(w2 - 2 * w1) <= 1 and abs(h2 - 2 * h1) <= 1
    assert two["out_bar"].image.get_array().shape[:2] == (h2, w2)


def test_gaussian_sliders_are_constrained_not_observed():
    """The sliders' disabled state comes from the declared constraints alone."""
    ex = kernel_gallery(PHOTO, name="Gaussian blur")
    assert ex.constrain(ex.values()) == {"size": {"disabled": False}, "sigma": {"disabled": False}}
    assert ex.constrain({**ex.values(), "name": "Sharpen"})["size"] == {"disabled": True}
    assert [[c.description for c in row.children] for row in ex.widget.children[:1]] == [
        ["kernel", "size", "sigma"]]


def test_border_explains_a_blur_with_no_real_neighbours():
    """On a photo with too little room around the piece, a large blur is explained, not a bug."""
    ex = border_modes(PHOTO[:60, :60])           # the piece at (6, 6): 6 real pixels around it
    ex.controls["size"].value = 13
    assert ex.state is not None and ex.message is None
    ex.controls["size"].value = 15
    assert ex.state is None and ex.last_error is None
    assert ex.message.startswith("A 15x15 blur needs 7 real pixels around the 48x48 piece")
    assert "choose a smaller blur size" in ex.message
    ex.controls["size"].value = 7
    assert ex.state is not None and ex.message is None


def test_bilateral_explains_a_window_larger_than_the_image():
    """A space sigma whose window cannot be mirrored into a tiny image is explained in words."""
    tiny = NOISY_EYE[:5, :5]
    ex = bilateral_vs_gaussian(tiny)
    assert ex.state is not None
    ex.controls["sigma_space"].value = 2.5
    assert ex.state is None and ex.last_error is None
    assert ex.message == ("A space σ of 2.5 needs a 11x11 window, too large to mirror into this "
                          "5x5 image: choose a smaller space σ.")


def test_a_bug_in_the_state_is_recorded_not_explained(monkeypatch):
    """A plain ValueError from the state (a broadcasting bug, say) reaches last_error."""
    from cnnviz.lessons import gallery as lesson_module

    ex = median_vs_blur(PHOTO)

    def broken(*args, **kwargs):
        return np.ones(3) + np.ones(4)

    monkeypatch.setattr(lesson_module, "median_filter", broken)
    ex.controls["size"].value = 5
    assert isinstance(ex.last_error, ValueError) and "Something went wrong" in ex.message


def test_catalog_recipes_are_the_notebook_inputs():
    """The six catalogued explorers are built from notebook 03's photo and settings."""
    from cnnviz.explorers import catalog

    entries = {e.title: e for e in catalog.entries() if e.notebook == "03"}
    assert list(entries) == ["kernel gallery", "custom kernel", "Sobel edges", "median vs blur",
                             "bilateral vs Gaussian", "border modes"]
    assert entries["kernel gallery"].origin() == kernel_gallery(PHOTO).origin
    assert entries["border modes"].origin() == border_modes(PHOTO, row=40, col=62).origin
    noisy = NOISY_EYE.astype(np.float32)
    assert entries["bilateral vs Gaussian"].origin() == bilateral_vs_gaussian(
        noisy, probe=(82, 46)).origin
