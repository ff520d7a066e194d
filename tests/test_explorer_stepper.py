"""Notebook 02's explorers and exercises, driven headlessly as a learner would drive them."""

import html

import numpy as np
import pytest

from cnnviz import convolve2d, correlate2d
from cnnviz.checks import CheckError
from cnnviz.errors import DoesNotFit, SettingError
from cnnviz.exercises import nb02
from cnnviz.explorers import catalog, draw
from cnnviz.explorers.stepper import convolution_stepper, flip_explorer
from cnnviz.filters import BOX_BLUR, EMBOSS, SHIFT, SOBEL_X, VERTICAL_EDGE
from cnnviz.lessons import stepper as lesson
from cnnviz.lessons.stepper import (
    EXAMPLES, FIVE_BY_FIVE, WORKED_INPUT, WORKED_KERNEL, NoSuchStep, convolution_step,
    flip_comparison, step_count, written_sum,
)
from explorer_support import sweep

NAMES = list(EXAMPLES)
CORNER = np.zeros((6, 6))
CORNER[2:, 3:] = 1


# ------------------------------------------------------------------------- the state
@pytest.mark.parametrize("step,total,text", [
    (1, 19, "0×0 + 1×1 + 3×2 + 4×3 = 19"),
    (2, 25, "1×0 + 2×1 + 4×2 + 5×3 = 25"),
    (3, 37, "3×0 + 4×1 + 6×2 + 7×3 = 37"),
    (4, 43, "4×0 + 5×1 + 7×2 + 8×3 = 43"),
])
def test_worked_example_steps(step, total, text):
    """Each step of the worked example gives its output value and writes out its sum."""
    state = convolution_step(WORKED_INPUT, WORKED_KERNEL, step=step)
    assert state.total == total
    assert state.sum_text == text
    assert state.output[state.row, state.col] == total


def test_steps_go_in_reading_order_and_fill_the_output():
    """Step k computes cell divmod(k - 1, ow); cells of earlier steps count as done."""
    for step in range(1, 10):
        state = convolution_step(FIVE_BY_FIVE, VERTICAL_EDGE, step=step)
        assert (state.row, state.col) == divmod(step - 1, 3)
        assert state.done.sum() == step and state.done[state.row, state.col]
        assert not state.done.flat[step:].any()


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("flip", [False, True])
def test_every_step_agrees_with_cnnviz(name, flip):
    """The sum of the products at every step is the library's output value there."""
    image, kernel = EXAMPLES[name]
    reference = convolve2d(image, kernel) if flip else correlate2d(image, kernel)
    first = convolution_step(image, kernel, step=1, flip=flip)
    assert np.array_equal(first.output, reference)
    totals = [convolution_step(image, kernel, step=k, flip=flip).total
              for k in range(1, first.n_steps + 1)]
    np.testing.assert_allclose(np.reshape(totals, reference.shape), reference)


def test_five_by_five_with_three_by_three_gives_three_by_three():
    """A 5x5 input and a 3x3 kernel make a 3x3 feature map: 9 steps."""
    state = convolution_step(FIVE_BY_FIVE, BOX_BLUR, step=1)
    assert state.output.shape == (3, 3) and state.n_steps == 9


def test_flip_rotates_the_kernel():
    """With flip=True the sliding kernel is the given one rotated by 180 degrees."""
    state = convolution_step(WORKED_INPUT, WORKED_KERNEL, step=1, flip=True)
    assert np.array_equal(state.used_kernel, [[3, 2], [1, 0]])
    assert state.sum_text == "0×3 + 1×2 + 3×1 + 4×0 = 5"
    assert np.array_equal(state.output, [[5, 11], [23, 29]])


def test_written_sum_brackets_negative_factors():
    """Negative factors are bracketed, so '2×(-1)' cannot be misread as a subtraction."""
    assert written_sum([[2, 5]], [[-1, 1]]) == "2×(-1) + 5×1 = 3"
    assert written_sum([[0.5]], [[0.25]]) == "0.5×0.25 = 0.125"


@pytest.mark.parametrize("name", ["5x5 input, vertical edge kernel",
                                  "6x6 step edge, vertical edge kernel"])
@pytest.mark.parametrize("flip", [False, True])
def test_products_hold_no_negative_zero(name, flip):
    """0 x (-1) is 0 in the products the grid prints, never -0, at every step."""
    image, kernel = EXAMPLES[name]
    zeros_seen = 0
    for step in range(1, convolution_step(image, kernel, step=1).n_steps + 1):
        state = convolution_step(image, kernel, step=step, flip=flip)
        zero = state.products == 0
        zeros_seen += int(zero.sum())
        assert not np.signbit(state.products[zero]).any()
        assert "-0" not in [f"{v:.3g}" for v in state.products.ravel()]
        np.testing.assert_array_equal(state.products, state.window * state.used_kernel)
    assert zeros_seen > 0  # the examples do multiply zeros by -1


def test_kernel_larger_than_input_is_explained():
    """A kernel that fits nowhere raises DoesNotFit saying how large it may be, with both shapes."""
    with pytest.raises(DoesNotFit,
                       match=r"A 4x4 kernel does not fit inside a 3x3 input.*at most 3x3") as info:
        convolution_step(WORKED_INPUT, np.ones((4, 4)), step=1)
    err = info.value
    assert (err.image_shape, err.kernel_shape) == ((3, 3), (4, 4))
    assert (err.axis, err.size, err.kernel_size, err.padding, err.shortfall) == ("rows", 3, 4, 0, 1)


def test_kernel_too_wide_names_the_columns():
    """Only the columns too short: the error names that axis and its numbers."""
    with pytest.raises(DoesNotFit, match="A 2x5 kernel does not fit inside a 3x4 input") as info:
        convolution_step(np.ones((3, 4)), np.ones((2, 5)), step=1)
    assert (info.value.axis, info.value.size, info.value.kernel_size) == ("columns", 4, 5)


def test_missing_step_is_explained():
    """A step past the last position names the valid range; step 0 is a plain bad argument."""
    with pytest.raises(NoSuchStep,
                       match=r"There is no step 5: .* so the steps go from 1 to 4") as info:
        convolution_step(WORKED_INPUT, WORKED_KERNEL, step=5)
    assert (info.value.step, info.value.n_steps, info.value.output_shape) == (5, 4, (2, 2))
    assert isinstance(info.value, SettingError)
    with pytest.raises(ValueError, match="step must be a positive integer; got 0") as info:
        convolution_step(WORKED_INPUT, WORKED_KERNEL, step=0)
    assert not isinstance(info.value, SettingError)


def _loop_step(image, kernel, step, flip):
    """One step by hand: the output cell of step ``step`` as a double loop over the kernel."""
    kernel = np.asarray(kernel, float)
    if flip:
        kernel = np.array([[kernel[kernel.shape[0] - 1 - u, kernel.shape[1] - 1 - v]
                            for v in range(kernel.shape[1])] for u in range(kernel.shape[0])])
    ow = image.shape[1] - kernel.shape[1] + 1
    row, col = (step - 1) // ow, (step - 1) % ow
    total = 0.0
    for u in range(kernel.shape[0]):
        for v in range(kernel.shape[1]):
            total += image[row + u, col + v] * kernel[u, v]
    return row, col, total


@pytest.mark.parametrize("seed", range(6))
def test_random_steps_agree_with_loops_and_scipy(seed):
    """Random shapes and steps: the window's sum is the loop's and SciPy's value at that cell."""
    signal = pytest.importorskip("scipy.signal", reason="SciPy is the independent reference")
    rng = np.random.default_rng(seed)
    H, W = rng.integers(1, 8, size=2)
    kh, kw = rng.integers(1, H + 1), rng.integers(1, W + 1)
    image, kernel = rng.normal(size=(H, W)), rng.normal(size=(kh, kw))
    n = step_count(image.shape, kernel.shape)
    assert n == (H - kh + 1) * (W - kw + 1)
    for flip in (False, True):
        reference = (signal.convolve2d(image, kernel, mode="valid") if flip else
                     signal.correlate2d(image, kernel, mode="valid"))
        assert n == reference.size
        for step in rng.integers(1, n + 1, size=4):
            state = convolution_step(image, kernel, step=int(step), flip=flip)
            row, col, total = _loop_step(image, kernel, int(step), flip)
            assert (state.row, state.col) == (row, col)
            np.testing.assert_allclose(state.total, total, atol=1e-12)
            np.testing.assert_allclose(state.total, reference[row, col], atol=1e-12)
            np.testing.assert_allclose(state.output, reference, atol=1e-12)
            np.testing.assert_array_equal(state.window, image[row:row + kh, col:col + kw])


@pytest.mark.parametrize("seed", range(4))
def test_step_count_is_the_size_of_the_output(seed):
    """step_count agrees with correlate2d's output size, and is 0 where correlate2d refuses."""
    rng = np.random.default_rng(seed)
    for _ in range(10):
        image_shape, kernel_shape = (tuple(rng.integers(1, 7, size=2)) for _ in range(2))
        if all(k <= n for n, k in zip(image_shape, kernel_shape)):
            out = correlate2d(np.ones(image_shape), np.ones(kernel_shape))
            assert step_count(image_shape, kernel_shape) == out.size
        else:
            assert step_count(image_shape, kernel_shape) == 0
            with pytest.raises(ValueError):
                correlate2d(np.ones(image_shape), np.ones(kernel_shape))


# ------------------------------------------------------------------------ the stepper
def test_step_slider_changes_state_and_picture():
    """Moving the step slider moves the window, fills one more cell and redraws."""
    ex = convolution_stepper()
    before, box = ex.png, ex.artists["image"].box
    assert (box.get_x(), box.get_y()) == (-0.5, -0.5)
    ex.controls["step"].value = 4
    assert (ex.state.row, ex.state.col, ex.state.total) == (1, 1, 43)
    assert ex.state.done.all()
    assert (box.get_x(), box.get_y()) == (0.5, 0.5)
    assert ex.png != before


def test_output_cells_fill_in_as_steps_go():
    """The output picture differs between steps: a computed cell is no longer blank."""
    ex = convolution_stepper()
    pictures = []
    for step in range(1, 5):
        ex.controls["step"].value = step
        pictures.append(ex.artists["output"].image.get_array().copy())
    assert all(not np.array_equal(a, b) for a, b in zip(pictures, pictures[1:]))


def test_play_drives_the_slider():
    """The Play widget is linked to the step slider and shares its range."""
    ex = convolution_stepper()
    ex.play.value = 3
    assert ex.controls["step"].value == 3 and ex.state.step == 3
    ex.controls["example"].value = NAMES[3]
    assert ex.play.max == ex.controls["step"].max == 16


def test_example_dropdown_resets_the_slider_range():
    """Each example sets the slider's last step; a step past it is pulled back inside."""
    ex = convolution_stepper()
    ex.set(example=NAMES[1], step=9)
    assert ex.controls["step"].max == 9
    ex.controls["example"].value = NAMES[0]
    assert ex.controls["step"].max == 4 and ex.controls["step"].value == 4
    assert ex.state.step == 4 and ex.message is None


def test_flip_toggle_symmetric_and_edge_kernels():
    """Flipping leaves a blur's output alone but swaps the signs of an edge kernel's output."""
    ex = convolution_stepper(example=NAMES[2])
    blur = ex.state.output.copy()
    before = ex.png
    ex.controls["flip"].value = True
    np.testing.assert_allclose(ex.state.output, blur)
    assert ex.png != before  # the kernel's title says it was rotated
    ex.set(example=NAMES[1], flip=False)
    edge = ex.state.output.copy()
    ex.controls["flip"].value = True
    np.testing.assert_allclose(ex.state.output, -edge)


def test_stepper_sweeps_every_control_without_error():
    """Every example, operation and step gives a picture, never an exception."""
    ex = convolution_stepper()
    for name in sweep(ex.controls["example"]):
        ex.controls["example"].value = name
        for flip in sweep(ex.controls["flip"]):
            ex.controls["flip"].value = flip
            for step in range(1, ex.controls["step"].max + 1):
                ex.controls["step"].value = step
                assert ex.last_error is None
                assert ex.state is not None and ex.message is None


def test_stepper_shows_an_impossible_custom_example_in_words():
    """A kernel that fits nowhere is explained on the figure; a valid example brings it back."""
    ex = convolution_stepper({"too big": (np.ones((2, 2)), np.ones((3, 3))),
                              "fine": (WORKED_INPUT, WORKED_KERNEL)})
    assert ex.state is None and ex.last_error is None
    assert ex.message == ("A 3x3 kernel does not fit inside a 2x2 input, so there is no position "
                          "to put it. Without padding the kernel can be at most 2x2: pick "
                          "another example.")
    assert ex.controls["step"].max == 1 and ex.play.max == 1
    assert not ex.artists  # nothing was ever drawn
    panels = ("image", "kernel", "products", "output")
    for _ in range(2):  # good, impossible, good again: the picture hides and comes back
        ex.controls["example"].value = "fine"
        assert ex.message is None and ex.state.total == 19
        assert all(ex.artists[k].ax.get_visible() for k in panels)
        ex.controls["example"].value = "too big"
        assert ex.state is None and not any(ex.artists[k].ax.get_visible() for k in panels)


# --------------------------------------------------------------------- flip explorer
@pytest.mark.parametrize("kernel,relation", [
    (BOX_BLUR, "same"), (VERTICAL_EDGE, "negated"), (SOBEL_X, "negated"),
    (SHIFT, "different"), (EMBOSS, "different"),
])
def test_flip_comparison_relation(kernel, relation):
    """Symmetric kernels agree, edge kernels swap signs, shift and emboss change."""
    state = flip_comparison(CORNER, kernel)
    assert state.relation == relation
    assert np.array_equal(state.correlated, correlate2d(CORNER, kernel))
    assert np.array_equal(state.convolved, convolve2d(CORNER, kernel))
    if relation == "same":
        np.testing.assert_allclose(state.convolved, state.correlated)
    if relation == "negated":
        np.testing.assert_allclose(state.convolved, -state.correlated)
    if relation == "different":
        assert not np.allclose(state.convolved, state.correlated)


def test_flip_explorer_dropdown_changes_picture():
    """Every kernel of the dropdown gives its own picture and no error."""
    ex = flip_explorer(CORNER)
    pngs = set()
    for name in sweep(ex.controls["kernel"]):
        ex.controls["kernel"].value = name
        assert ex.last_error is None and ex.state.name == name
        pngs.add(ex.png)
    assert len(pngs) == len(ex.controls["kernel"].options)


def test_flip_explorer_explains_a_kernel_too_big():
    """A kernel larger than the input is explained on the figure, from the error's fields."""
    ex = flip_explorer(np.ones((2, 2)), {"Box blur": BOX_BLUR})
    assert ex.state is None and ex.last_error is None
    assert ex.message == ("The Box blur kernel is 3x3, larger than the 2x2 input, so it fits "
                          "nowhere. Try a larger input or a smaller kernel.")


def test_flip_comparison_too_big_carries_its_fields():
    """The state function's DoesNotFit names the kernel and both shapes."""
    with pytest.raises(DoesNotFit,
                       match="The Sobel kernel is 3x3, larger than the 2x4 input") as info:
        flip_comparison(np.ones((2, 4)), SOBEL_X, name="Sobel")
    err = info.value
    assert (err.name, err.image_shape, err.kernel_shape) == ("Sobel", (2, 4), (3, 3))
    assert err.axis == "rows"


@pytest.mark.parametrize("seed", range(4))
def test_flip_comparison_against_scipy(seed):
    """Both outputs equal SciPy's (valid mode); the relation follows the kernel's symmetry."""
    signal = pytest.importorskip("scipy.signal", reason="SciPy is the independent reference")
    rng = np.random.default_rng(seed)
    image = rng.normal(size=tuple(rng.integers(3, 8, size=2)))
    base = rng.normal(size=(3, 3))
    turned = base[::-1, ::-1]
    for kernel, relation in ((base + turned, "same"), (base - turned, "negated"),
                             (base, "different")):
        state = flip_comparison(image, kernel)
        assert state.relation == relation and state.verdict == lesson.VERDICTS[relation]
        np.testing.assert_allclose(state.correlated, signal.correlate2d(image, kernel, "valid"))
        np.testing.assert_allclose(state.convolved, signal.convolve2d(image, kernel, "valid"))
        np.testing.assert_array_equal(state.flipped, np.rot90(kernel, 2))


def test_malformed_examples_are_refused_when_built():
    """A custom example that is not two 2-D arrays is refused by the factory, naming it."""
    with pytest.raises(ValueError, match=r"the image of example 'flat' must be 2-D; got 1-D"):
        convolution_stepper({"flat": (np.ones(4), np.ones((2, 2)))})
    with pytest.raises(ValueError, match=r"kernel 'cube' must be 2-D; got 3-D"):
        flip_explorer(np.ones((4, 4)), {"cube": np.ones((2, 2, 2))})


def test_a_bug_in_the_state_is_recorded_not_explained(monkeypatch):
    """A broadcasting mistake inside the step reaches last_error, so the sweeps fail on it."""
    ex = convolution_stepper()

    def broken(image, kernel, *, step, flip=False):   # the window taken one row too short
        return np.asarray(image)[:1, :3] * np.asarray(kernel)

    monkeypatch.setattr("cnnviz.explorers.stepper.convolution_step", broken)
    ex.controls["step"].value = 2
    assert isinstance(ex.last_error, ValueError) and "broadcast" in str(ex.last_error)
    assert not isinstance(ex.last_error, SettingError)
    assert ex.message.startswith("Something went wrong")


def test_catalog_builds_them_as_notebook_02_does():
    """The catalog's recipes give the notebook's explorers: the stepper on its examples, the flip
    explorer on the corner image with the vertical edge kernel."""
    entries = {e.title: e for e in catalog.entries() if e.notebook == "02"}
    assert sorted(entries) == ["convolution stepper", "cross-correlation vs convolution"]
    flip = entries["cross-correlation vs convolution"].build()
    assert np.array_equal(flip.state.image, CORNER) and flip.state.name == "Vertical edge"
    direct = flip_explorer(CORNER, kernel="Vertical edge")
    assert direct.origin == flip.origin == entries["cross-correlation vs convolution"].origin()
    stepper = entries["convolution stepper"].build()
    assert stepper.origin == convolution_stepper().origin
    assert stepper.controls["example"].options == tuple(EXAMPLES)


@pytest.mark.parametrize("title", ["convolution stepper", "cross-correlation vs convolution"])
def test_stored_picture_is_the_live_one_at_twice_the_density(title):
    """The stored figure, shrunk back to 1x, looks like the live figure (same layout)."""
    import io

    from PIL import Image

    entry = next(e for e in catalog.entries() if e.notebook == "02" and e.title == title)
    ex = entry.build()
    live = np.asarray(Image.open(io.BytesIO(ex.png)).convert("L"), float)
    stored = Image.open(io.BytesIO(ex.static_png())).convert("L")
    assert stored.width == 2 * live.shape[1]
    figure = stored.crop((0, 0, stored.width, 2 * live.shape[0]))
    small = np.asarray(figure.resize(live.shape[::-1], Image.BOX), float)
    # Same places drawn (only the edges of letters and lines differ), much the same greys:
    # cells one pixel larger at 2x already break the first bound.
    assert ((live < 250) != (small < 250)).mean() < 0.03
    assert np.mean(np.abs(small - live)) < 10


# -------------------------------------------------------------------------- exercises
def _loop_correlate(image, kernel):
    image, kernel = np.asarray(image, float), np.asarray(kernel, float)
    kh, kw = kernel.shape
    out = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(image[i:i + kh, j:j + kw] * kernel)
    return out


def test_exercise_accepts_a_correct_loop(capsys):
    """A plain double loop passes the cross-correlation check on every case."""
    nb02.cross_correlation(_loop_correlate)
    nb02.true_convolution(lambda x, k: _loop_correlate(x, np.asarray(k)[::-1, ::-1]))
    out = capsys.readouterr().out
    assert "Correct: your cross-correlation agrees with cnnviz on 6 cases." in out
    assert "Correct: your convolution agrees with cnnviz on 6 cases." in out


def test_exercise_catches_a_loop_that_swaps_height_and_width():
    """A loop that mixes up kh and kw passes square cases but fails on a non-square one."""
    def swapped(image, kernel):
        image, kernel = np.asarray(image, float), np.asarray(kernel, float)
        kh, kw = kernel.shape
        out = np.zeros((image.shape[0] - kw + 1, image.shape[1] - kh + 1))
        for i in range(out.shape[0]):
            for j in range(out.shape[1]):
                out[i, j] = np.sum(image[i:i + kw, j:j + kh] * kernel.T)
        return out

    assert np.allclose(swapped(FIVE_BY_FIVE, BOX_BLUR), correlate2d(FIVE_BY_FIVE, BOX_BLUR))
    with pytest.raises(CheckError, match=r"(?s)differs from cnnviz.*input: .*expected: .*got: "):
        nb02.cross_correlation(swapped)


def test_exercise_catches_a_flipped_kernel():
    """Convolution passed off as cross-correlation fails on the worked example."""
    with pytest.raises(CheckError, match=r"expected: \[\[19\.0, 25\.0\], \[37\.0, 43\.0\]\]"):
        nb02.cross_correlation(convolve2d)


def test_unfinished_exercises_only_remind(capsys):
    """`...` and a body that returns None print a reminder instead of failing."""
    def unfinished(image, kernel):
        ...

    nb02.cross_correlation(...)
    nb02.cross_correlation(unfinished)
    nb02.true_convolution(unfinished)
    nb02.output_shape(...)
    nb02.output_value(...)
    out = capsys.readouterr().out
    assert out.count("Not tried yet") == 5


def test_output_value_and_shape_checks():
    """The by-hand checks accept the right answer and reject a near miss."""
    expected = correlate2d(FIVE_BY_FIVE, SOBEL_X)[1, 1]
    nb02.output_value(expected)
    with pytest.raises(CheckError, match=r"SOBEL_X\)\[1, 1\]"):
        nb02.output_value(expected + 1)
    nb02.output_shape([4, 6])
    with pytest.raises(CheckError, match=r"expected: \(4, 6\)"):
        nb02.output_shape((6, 4))
    with pytest.raises(CheckError, match="got:      'four by six'"):
        nb02.output_shape("four by six")


PAYLOAD = "<img src=x onerror=alert(1)>"


def test_kernel_names_are_escaped_in_the_flip_caption():
    """Kernel names are text in the caption's HTML, for every kernel in the dropdown."""
    kernels = {PAYLOAD: VERTICAL_EDGE, f"{PAYLOAD} & shift": SHIFT, "<b>box</b>": BOX_BLUR}
    ex = flip_explorer(CORNER, kernels)
    for name in sweep(ex.controls["kernel"]):
        ex.controls["kernel"].value = name
        assert ex.last_error is None and ex.state.name == name
        assert "<img" not in ex.text.value and "<b>box" not in ex.text.value
        assert html.escape(name) in ex.text.value


def test_example_names_never_reach_the_stepper_caption_raw():
    """An example named with markup is shown as text: the caption holds no raw markup."""
    ex = convolution_stepper({PAYLOAD: (WORKED_INPUT, WORKED_KERNEL)})
    for step in sweep(ex.controls["step"]):
        ex.controls["step"].value = step
        assert ex.last_error is None and "<img" not in ex.text.value
