"""Notebook 03's kernel explorers (cnnviz.explorers.gallery), driven headlessly as a learner
would drive them; the median, bilateral and border explorers are in test_explorer_nonlinear."""

import numpy as np
import pytest

import cnnviz
from cnnviz import filters
from cnnviz.explorers.draw import DIVERGING, GREY
from cnnviz.explorers.gallery import CELLS, custom_kernel, kernel_gallery, sobel_edges
from cnnviz.explorers.nonlinear import bilateral_vs_gaussian, border_modes, median_vs_blur
from cnnviz.lessons.gallery import apply_kernel, gallery_state, sobel_state
from cnnviz.images import load_sample, step_edge
from explorer_support import drive, sweep
from traitlets import TraitError

PHOTO = load_sample(grey=True, size=(150, 225))
EYE = load_sample(grey=True)[50:170, 100:280]
NOISY_EYE = np.clip(EYE + np.random.default_rng(0).normal(0, 0.05, EYE.shape), 0, 1)
SIGNED = {"Vertical edge", "Horizontal edge", "Sobel x", "Sobel y", "Prewitt x", "Prewitt y",
          "Laplacian"}


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
