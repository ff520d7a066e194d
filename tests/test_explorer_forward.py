"""Notebook 08's explorer, driven headlessly as a learner would drive it."""

import datetime
import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image, ImageDraw

from cnnviz.datasets import CLASS_NAMES, draw_shape
from cnnviz.errors import SettingError
from cnnviz.explorers import catalog
from cnnviz.explorers.forward import forward_explorer, paint
from cnnviz.images import ImageError, NotAnImageError, TooManyPixelsError, load_image
from cnnviz.layers import Conv2d, Dense, Flatten, MaxPool2d, ReLU, Sequential
from cnnviz.lessons.forward import (
    MAX_MAPS, NetworkRefusesImage, NoPicture, NoSuchLayer, NotGrey, PictureRefused, demo_samples,
    forward_pass, grid_cells, percent, read_picture, refusal, uploaded_file,
)
from cnnviz.losses import softmax
from cnnviz.pretrained import INPUT_SHAPE, shapes_cnn
from explorer_support import sweep

NET = shapes_cnn()
IMAGES, LABELS, _ = demo_samples()


def png_bytes(image, mode="L"):
    """Encode a Pillow image as PNG bytes, as a browser would upload them."""
    buffer = io.BytesIO()
    image.convert(mode).save(buffer, format="PNG")
    return buffer.getvalue()


def drawing(shape="circle", size=120):
    """A dark outline on white paper, like a drawing made in a paint program."""
    image = Image.new("L", (size, size), 255)
    draw = ImageDraw.Draw(image)
    m, s = size // 5, size - size // 5
    if shape == "circle":
        draw.ellipse((m, m, s, s), outline=0, width=size // 20)
    else:
        draw.rectangle((m, m, s, s), outline=0, width=size // 20)
    return image


def upload_value(content, name="drawing.png", kind="image/png"):
    """What ipywidgets 8's FileUpload holds after a learner picks one file."""
    return ({
        "name": name, "type": kind, "size": len(content), "content": memoryview(content),
        "last_modified": datetime.datetime(2024, 5, 1, tzinfo=datetime.timezone.utc),
    },)


def explorer():
    return forward_explorer(NET, IMAGES, LABELS)


def visible_maps(ex):
    return sum(im.get_visible() for im in ex.artists["maps"])


# --------------------------------------------------------------------------- the state
def test_outputs_are_the_networks_outputs_and_shapes_match_the_summary():
    """Every layer's output is Sequential.forward's, with the summary table's shape."""
    summary = NET.summary(INPUT_SHAPE)
    expected = NET.forward(IMAGES[3], return_all=True)
    for layer, row in enumerate(summary.rows, 1):
        state = forward_pass(NET, IMAGES[3], layer=layer)
        assert state.name == row.name and state.shape == row.output_shape
        assert state.params == row.params
        np.testing.assert_array_equal(state.output, expected[layer - 1])


def test_probabilities_sum_to_one_and_predict_the_drawn_shape():
    """The last output is a probability per class, and clean shapes are recognised."""
    for name in CLASS_NAMES:
        state = forward_pass(NET, draw_shape(name), layer=9)
        assert state.probabilities.sum() == pytest.approx(1.0)
        assert state.prediction == name


def test_parameter_notes_explain_the_counts():
    """The caption's arithmetic for conv and dense layers gives the summary's counts."""
    conv = forward_pass(NET, IMAGES[0], layer=4)
    assert conv.params_note == "16 filters x (8 x 3 x 3 = 72 weights) + 16 biases"
    assert 16 * 72 + 16 == conv.params == 1168
    assert forward_pass(NET, IMAGES[0], layer=2).params_note == "nothing to learn"
    assert forward_pass(NET, IMAGES[0], layer=6).note.endswith("Here 14x14 becomes 7x7.")


def test_bright_pictures_are_inverted_only_when_asked():
    """A mostly bright image is turned into 1 - image, unless invert is False."""
    bright = 1.0 - IMAGES[0, 0]
    state = forward_pass(NET, bright, layer=1)
    assert state.inverted
    np.testing.assert_allclose(state.image, IMAGES[0, 0], atol=1e-6)
    assert not forward_pass(NET, bright, layer=1, invert=False).inverted
    assert not forward_pass(NET, IMAGES[0, 0], layer=1).inverted


def test_impossible_inputs_are_explained():
    """A missing layer, a colour image or a wrong size get plain-language errors."""
    with pytest.raises(NoSuchLayer, match="this network has 9 layers: pick a layer from 1 to 9; got 12") as e:
        forward_pass(NET, IMAGES[0], layer=12)
    assert (e.value.layer, e.value.layers) == (12, 9)
    with pytest.raises(NotGrey, match=r"grey image with one channel; got shape \(3, 28, 28\)") as e:
        forward_pass(NET, np.zeros((3, 28, 28)), layer=1)
    assert e.value.shape == (3, 28, 28)
    with pytest.raises(NetworkRefusesImage, match="the network cannot take this image: layer 8, Dense") as e:
        forward_pass(NET, np.zeros((32, 32)), layer=1)
    assert e.value.shape == (32, 32) and e.value.reason.startswith("layer 8, Dense")
    for err in (NoSuchLayer, NotGrey, NetworkRefusesImage, NoPicture, PictureRefused):
        assert issubclass(err, SettingError) and issubclass(err, ValueError)
    with pytest.raises(ValueError, match=r"class_names must have one name per class score of the network \(4\); got 3"):
        forward_pass(NET, IMAGES[0], layer=1, class_names=("a", "b", "c"))


def test_grid_cells_stay_inside_the_box_without_overlapping():
    """Each number of maps gets square cells inside the box that do not overlap."""
    box = (225, 54, 318, 300)
    for n in range(1, MAX_MAPS + 1):
        cells = grid_cells(n, box)
        assert len(cells) == n
        for x, y, w, h in cells:
            assert w == pytest.approx(h)
            assert box[0] <= x and x + w <= box[0] + box[2] + 1e-9
            assert box[1] <= y and y + h <= box[1] + box[3] + 1e-9
        for i, (x1, y1, w1, _) in enumerate(cells):
            for x2, y2, _, _ in cells[i + 1:]:
                assert abs(x1 - x2) >= w1 - 1e-9 or abs(y1 - y2) >= w1 - 1e-9


# -------------------------------------------------------------------------- the widget
def test_layer_slider_shows_each_layers_maps():
    """Stepping through the layers shows as many maps as channels (up to 16), then none."""
    ex = explorer()
    expected = {1: 8, 2: 8, 3: 8, 4: 16, 5: 16, 6: 16, 7: 0, 8: 0, 9: 0}
    pictures = set()
    for layer, maps in expected.items():
        ex.controls["layer"].value = layer
        assert ex.state.layer == layer and ex.last_error is None
        assert visible_maps(ex) == maps
        if maps:                                          # the last cell shows the last map
            np.testing.assert_array_equal(ex.artists["maps"][maps - 1].get_array(),
                                          paint(ex.state.output[maps - 1], *ex.artists["scale"]))
        pictures.add(ex.png)
    assert len(pictures) == len(expected)


def test_conv_maps_use_a_diverging_scale_centred_on_zero():
    """Conv outputs are signed (diverging, symmetric); ReLU outputs are grey from 0."""
    ex = explorer()
    ex.controls["layer"].value = 4
    cmap, low, high = ex.artists["scale"]
    assert cmap == "RdBu_r" and low == -high
    assert high == pytest.approx(np.abs(ex.state.output).max())
    # A zero in a conv map is painted the diverging map's middle colour: near white.
    assert paint(np.zeros(1), cmap, low, high)[0, :3].min() > 240
    ex.controls["layer"].value = 5
    cmap, low, high = ex.artists["scale"]
    assert cmap == "gray" and low == 0 and high == pytest.approx(ex.state.output.max())


def test_flatten_is_drawn_as_one_row_per_channel():
    """At Flatten the maps disappear and a 16 x 49 strip shows the 784 numbers in order."""
    ex = explorer()
    ex.controls["layer"].value = 7
    assert visible_maps(ex) == 0 and ex.artists["strip"].get_visible()
    strip = ex.artists["strip"].get_array()
    assert strip.shape == (16, 49, 4)
    channel_5 = ex.state.outputs[5][5].ravel()                 # MaxPool2d-6's map 5, row by row
    np.testing.assert_array_equal(ex.state.output[5 * 49:6 * 49], channel_5)
    np.testing.assert_array_equal(strip[5], paint(channel_5, *ex.artists["scale"]))


def test_score_bars_follow_the_logits():
    """At Dense the bars' heights are proportional to the scores and point up or down."""
    ex = explorer()
    ex.controls["layer"].value = 8
    scores = ex.state.output
    heights = [path.vertices[2, 1] - path.vertices[0, 1] for path in ex.artists["scores"].get_paths()]
    assert len(heights) == 4
    ratio = np.array(heights) / np.abs(scores)
    np.testing.assert_allclose(ratio, ratio[0])
    tops = [path.vertices[0, 1] for path in ex.artists["scores"].get_paths()]
    base = min(tops[k] for k in range(4) if scores[k] < 0)   # negative bars start at zero
    assert all((tops[k] < base) == (scores[k] > 0) for k in range(4))


def test_probability_bars_always_show_the_prediction():
    """The probability bars' lengths follow the probabilities on every layer."""
    ex = explorer()
    for layer in (1, 7, 9):
        ex.controls["layer"].value = layer
        paths = ex.artists["probs"].get_paths()[4:]           # the first four are tracks
        widths = np.array([p.vertices[1, 0] - p.vertices[0, 0] for p in paths])
        np.testing.assert_allclose(widths / widths.sum(), ex.state.probabilities, atol=1e-6)


def test_sample_slider_changes_the_input_and_the_caption():
    """Each sample is fed to the network, and the caption names its true class."""
    ex = explorer()
    ex.controls["sample"].value = 11
    np.testing.assert_array_equal(ex.state.image, IMAGES[11, 0])
    assert ex.state.label == LABELS[11]
    assert f"the true class is {CLASS_NAMES[LABELS[11]]}" in ex.text.value
    assert "Output shape <b>(8, 28, 28)</b>" in ex.text.value
    assert "<b>80 parameters</b>" in ex.text.value


def test_every_control_value_gives_a_picture_or_an_explanation():
    """Sweeping every control never raises; each setting shows a state or a message."""
    ex = explorer()
    for name, control in ex.controls.items():
        for value in sweep(control):
            control.value = value
            assert ex.last_error is None, (name, value)
            assert ex.state is not None or ex.message
    ex.set(source="upload")
    assert ex.state is None and ex.message.startswith("No picture yet") and ex.last_error is None


def test_uploading_a_drawing_switches_to_it_and_inverts_it():
    """A dark drawing on white is decoded to 28x28, inverted, and classified."""
    ex = explorer()
    before = ex.png
    content = png_bytes(drawing("circle"))
    ex.upload.value = upload_value(content)
    assert ex.last_error is None and ex.message is None
    assert ex.controls["source"].value == "upload" and ex.controls["sample"].disabled
    assert ex.state.source == "your picture" and ex.state.inverted
    expected = 1.0 - load_image(content, grey=True, size=28)
    np.testing.assert_allclose(ex.state.image, expected, atol=1e-6)
    assert ex.state.prediction == "circle"
    assert "was mostly bright, so it was inverted" in ex.text.value
    assert ex.png != before
    ex.controls["invert"].value = False
    assert not ex.state.inverted


def test_uploading_a_colour_picture_makes_it_grey():
    """A colour JPEG becomes one grey 28x28 channel."""
    image = drawing("square").convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG")
    ex = explorer()
    ex.upload.value = upload_value(buffer.getvalue(), "photo.jpg", "image/jpeg")
    assert ex.state.image.shape == (28, 28) and ex.state.inverted
    assert 0 <= ex.state.image.min() and ex.state.image.max() <= 1


def test_a_file_that_is_not_a_picture_becomes_a_message():
    """A garbage upload is explained on the figure; the samples still work afterwards."""
    ex = explorer()
    ex.upload.value = upload_value(b"\x00\x01 definitely not a PNG", "notes.txt", "text/plain")
    assert ex.last_error is None and ex.state is None
    assert ex.message.startswith("'notes.txt' is not a picture that Pillow can read")
    assert ex.artists["canvas"].get_visible() is False
    ex.controls["layer"].value = 5                       # still a message, never a traceback
    assert ex.state is None and ex.last_error is None
    ex.controls["source"].value = "sample"
    assert ex.state is not None and ex.message is None
    assert not ex.controls["sample"].disabled


def test_a_huge_picture_is_refused_before_decoding():
    """A file whose header claims 90 million pixels is refused with a plain message."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header_only = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 10000, 9000, 8, 0, 0, 0, 0))
                   + chunk(b"IEND", b""))
    ex = explorer()
    ex.upload.value = upload_value(header_only, "huge.png")
    assert ex.state is None and ex.last_error is None
    assert ex.message == ("'huge.png' is too large to load safely: it has 90,000,000 pixels, and "
                          "at most 12,500,000 are accepted. Choose a smaller picture.")


def png_with_chunk(kind, payload):
    """An 8x8 grey PNG with one extra chunk before its pixels."""
    data = png_bytes(Image.new("L", (8, 8), 128))
    extra = struct.pack(">I", len(payload)) + kind + payload
    extra += struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF)
    at = data.index(b"IDAT") - 4
    return data[:at] + extra + data[at:]


def float_tiff_with_nan():
    values = np.full((40, 40), 0.5, dtype=np.float32)
    values[3, 4] = np.nan
    buffer = io.BytesIO()
    Image.fromarray(values, "F").save(buffer, format="TIFF")
    return buffer.getvalue()


@pytest.mark.parametrize("content, name, message", [
    (png_with_chunk(b"zTXt", b"Comment\x00\x00" + zlib.compress(b"\x00" * 8_000_000, 9)), "bomb.png",
     "'bomb.png' holds compressed data that unpacks to far more than a picture needs"),
    (png_with_chunk(b"iCCP", b"icc\x00\x00" + zlib.compress(b"\x00" * 8_000_000, 9)), "icc.png",
     "'icc.png' holds compressed data that unpacks to far more than a picture needs"),
    (b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n", "drawing.png",
     "'drawing.png' is in the EPS format, which is not accepted here. Save it as a PNG or a JPEG"),
    (float_tiff_with_nan(), "scan.tif",
     "'scan.tif' has 1 pixels that are not numbers (NaN or infinity)."),
    (png_bytes(drawing())[:60], "cut.png",
     "'cut.png' looks like a picture but could not be decoded: the file may be damaged"),
])
def test_each_refusal_is_worded_by_its_cause(content, name, message):
    """The learner's sentence follows the type of the refusal: an 8x8 PNG with a chunk bomb
    is not 'too many pixels', an EPS file is named as such, NaN pixels are said to be NaN."""
    with pytest.raises(PictureRefused) as caught:
        read_picture(content, name=name)
    assert str(caught.value).startswith(message)
    # the sentence is chosen by the type of load_image's refusal, itself a SettingError
    assert isinstance(caught.value.cause, ImageError) and isinstance(caught.value.cause, SettingError)
    with pytest.raises(type(caught.value.cause)):
        load_image(content, grey=True, size=28, max_pixels=12_500_000)
    assert refusal(caught.value.cause, name) == str(caught.value)
    assert "pixels" not in str(caught.value) or "NaN" in message
    ex = explorer()
    ex.upload.value = upload_value(content, name)
    assert ex.state is None and ex.last_error is None and ex.message == str(caught.value)


def test_a_file_name_with_dollar_signs_is_drawn_as_text():
    """A refusal quoting 'price_$5_$6.png' is drawn as plain text (no mathtext), and the
    sliders still work afterwards."""
    ex = explorer()
    ex.upload.value = upload_value(b"oops", "price_$5_$6.png")
    assert ex.last_error is None and ex.state is None
    assert ex.message.startswith("'price_$5_$6.png' is not a picture")
    assert ex.png.startswith(b"\x89PNG")
    for layer in sweep(ex.controls["layer"], 3):
        ex.controls["layer"].value = layer
        assert ex.last_error is None and ex.message.startswith("'price_$5_$6.png'")
    ex.controls["source"].value = "sample"
    assert ex.state is not None and ex.last_error is None


PAYLOAD = '<img src=x onerror=alert(1)>'


def test_class_names_are_escaped_in_every_caption():
    """Class names are text in the caption's HTML: a markup payload never reaches it raw,
    on any layer, sample or input."""
    names = tuple(f"{PAYLOAD}{i}&" for i in range(4))
    ex = forward_explorer(NET, IMAGES, LABELS, class_names=names)
    upload = upload_value(png_bytes(drawing()))
    seen = 0
    for source in ("sample", "upload"):
        if source == "upload":
            ex.upload.value = upload
        for layer in sweep(ex.controls["layer"]):
            for sample in sweep(ex.controls["sample"], 3):
                ex.set(layer=layer, sample=sample, source=source)
                assert ex.last_error is None
                text = ex.text.value
                assert "<img" not in text and "&lt;img src=x onerror=alert(1)&gt;" in text
                seen += text.count("&lt;img")
    assert seen > 0


def test_an_empty_upload_changes_nothing():
    """Clearing the upload widget keeps the current picture."""
    ex = explorer()
    ex.upload.value = upload_value(png_bytes(drawing()))
    ex.upload.value = ()
    assert ex.state.source == "your picture" and ex.message is None


def test_uploaded_file_and_read_picture():
    """The helpers take the last uploaded file and refuse empty or broken files."""
    content = png_bytes(drawing())
    assert uploaded_file(upload_value(content)) == ("drawing.png", content)
    assert read_picture(content).shape == (28, 28)
    with pytest.raises(ValueError, match="'empty.png' is empty"):
        read_picture(b"", name="empty.png")
    with pytest.raises(ValueError, match="'half.png' looks like a picture but could not be decoded"):
        read_picture(content[:20], name="half.png")


def catalogued():
    [entry] = [e for e in catalog.entries() if e.notebook == "08"]
    return entry


def test_the_catalog_builds_the_notebooks_explorer():
    """The catalog lists notebook 08's explorer, built from the notebook's inputs."""
    entry = catalogued()
    assert entry.title == "a full forward pass"
    ex = entry.build()
    assert ex.state is not None and ex.last_error is None
    assert ex.state.source == "sample 3" and ex.state.label == LABELS[3]
    assert ex.origin["inputs"] == catalog.call_fingerprint(
        forward_explorer.__wrapped_factory__, (NET, IMAGES, LABELS), {"sample": 3, "filmstrip": (3, 6)})


def test_invert_checkbox_always_says_what_it_does():
    """On a sample (already dark) the checkbox changes no pixel, so the caption explains it."""
    ex = catalogued().build()
    assert "already mostly dark, so it goes in as it is" in ex.text.value
    ex.controls["invert"].value = False
    assert "Inverting is off" in ex.text.value
    assert ex.last_error is None


# ------------------------------------------------------------------------ temperature
@pytest.mark.parametrize("t", [0.25, 0.5, 2.0, 4.0])
def test_temperature_divides_the_scores_before_the_softmax(t):
    """Layer 9 at temperature T is softmax(scores / T); the scores and the prediction stay."""
    plain = forward_pass(NET, IMAGES[5], layer=9)
    hot = forward_pass(NET, IMAGES[5], layer=9, temperature=t)
    np.testing.assert_allclose(hot.outputs[-2], plain.outputs[-2])
    np.testing.assert_allclose(hot.probabilities, softmax(plain.outputs[-2].astype(float) / t),
                               rtol=1e-5, atol=1e-7)
    assert hot.prediction == plain.prediction
    runner_up = lambda state: np.sort(state.probabilities)[-2]          # noqa: E731
    assert (runner_up(hot) < runner_up(plain)) == (t < 1)


def test_temperature_slider_flattens_and_sharpens_the_bars_and_says_so():
    """Moving the slider changes the probability bars and names the temperature on figure and caption."""
    ex = explorer()
    ex.controls["layer"].value = 9
    before = ex.state.probabilities.copy()
    ex.controls["temperature"].value = 4.0
    assert ex.state.temperature == 4.0 and not np.allclose(ex.state.probabilities, before)
    assert "at temperature 4: softmax of the scores divided by 4, flatter" in ex.text.value
    ex.controls["temperature"].value = 0.25
    assert "sharper" in ex.text.value


@pytest.mark.parametrize("bad", [0, -1.0, float("nan"), "2", True])
def test_bad_temperatures_are_refused(bad):
    """A temperature that is not a positive number is refused with its value."""
    with pytest.raises(ValueError, match=r"temperature must be a positive number; got"):
        forward_pass(NET, IMAGES[0], layer=9, temperature=bad)


def test_percent_never_rounds_to_a_certainty():
    """No probability strictly between 0 and 1 prints as 100% or 0%; others round as usual."""
    rng = np.random.default_rng(3)
    for p in np.concatenate([rng.random(200), 1 - 10.0 ** -rng.uniform(3, 9, 50),
                             10.0 ** -rng.uniform(3, 9, 50), [0.0, 1.0]]):
        for digits in (0, 1):
            text = percent(p, digits)
            assert text not in ("100%", "0%", "100.0%", "0.0%"), (p, text)
            if 10.0 ** -digits / 100 < p < 1 - 10.0 ** -digits / 100:
                assert text == f"{p:.{digits}%}" or text.startswith(("> ", "< "))


# ----------------------------------------------------------- a learner's own network
def own_network(seed):
    """A small network of a learner's: no Softmax at the end, a hidden Dense layer, 3 classes."""
    net = Sequential([Conv2d(1, 3, 5, padding=2), ReLU(), MaxPool2d(4), Flatten(),
                      Dense(3 * 7 * 7, 10), ReLU(), Dense(10, 3)])
    net.initialize(seed=seed)
    return net


@pytest.mark.parametrize("seed", [0, 1])
def test_any_sequential_is_explored(seed):
    """A learner's network without a final Softmax: every layer is shown, every output is the
    network's own, and the probabilities are a softmax of its last scores (at any temperature)."""
    rng = np.random.default_rng(seed)
    net, names = own_network(seed), ("round", "square", "pointy")
    images = rng.random((5, 1, 28, 28)).astype(np.float32) * 0.4
    labels = rng.integers(0, 3, 5)
    ex = forward_explorer(net, images, labels, class_names=names)
    expected = net.forward(images[2], return_all=True)
    for name, control in ex.controls.items():
        for value in sweep(control):
            control.value = value
            assert ex.last_error is None, (name, value)
            assert ex.state is not None or ex.message.startswith("No picture yet"), (name, value)
    ex.set(source="sample", sample=2, temperature=1.0)
    for layer in range(1, len(net) + 1):
        ex.set(layer=layer)
        np.testing.assert_array_equal(ex.state.output, expected[layer - 1])
    np.testing.assert_allclose(ex.state.probabilities, softmax(expected[-1].astype(float)),
                               rtol=1e-5, atol=1e-7)
    ex.set(temperature=2.0)
    np.testing.assert_allclose(ex.state.probabilities, softmax(expected[-1].astype(float) / 2),
                               rtol=1e-5, atol=1e-7)
    assert "without a Softmax" in ex.text.value and "Scores: round" in ex.text.value
    ex.set(layer=5)                                 # the hidden Dense: a strip, not class bars
    assert ex.artists["strip"].get_visible() and not ex.artists["scores"].get_paths()
    assert ex.state.note.startswith("Every output number is a weighted sum")
    ex.set(layer=7)                                 # the class scores: three bars
    assert len(ex.artists["scores"].get_paths()) == 3


def test_a_network_that_cannot_take_the_images_is_explained():
    """A network built for 32x32 inputs is told, in words, that a 28x28 image does not fit."""
    net = Sequential([Conv2d(1, 2, 3), Flatten(), Dense(2 * 30 * 30, 4)])
    net.initialize(seed=0)
    ex = forward_explorer(net, IMAGES, LABELS)
    assert ex.state is None and ex.last_error is None
    assert ex.message.startswith("the network cannot take this image: layer 3, Dense")


def test_a_plain_value_error_in_the_state_is_recorded_as_a_bug(monkeypatch):
    """Only SettingErrors are explained: a ValueError from a broken state function is a bug."""
    import cnnviz.explorers.forward as module

    def broken(*args, **kwargs):
        return np.ones(3) + np.ones(4)              # a broadcasting mistake

    monkeypatch.setattr(module, "forward_pass", broken)
    ex = forward_explorer(NET, IMAGES, LABELS)
    assert isinstance(ex.last_error, ValueError) and not isinstance(ex.last_error, SettingError)


def test_image_errors_are_setting_errors_with_fields():
    """load_image's refusals are SettingErrors (explained, not bugs) whose numbers are fields."""
    with pytest.raises(NotAnImageError) as e:
        load_image(b"not a picture at all")
    assert isinstance(e.value, SettingError) and isinstance(e.value, ValueError)
    assert e.value.fields["source"] == e.value.source
    err = TooManyPixelsError("too many", source="x.png", pixels=90, limit=10)
    assert (err.pixels, err.limit, err.fields) == (90, 10, {"source": "x.png", "pixels": 90, "limit": 10})


def test_the_stored_picture_is_the_live_figure_at_twice_the_density():
    """Without a filmstrip, the stored PNG is the figure drawn at 2x, with the caption under it."""
    ex = forward_explorer(NET, IMAGES, LABELS, layer=4)
    stored = Image.open(io.BytesIO(ex.static_png()))
    assert stored.size[0] == 2 * 880 and stored.size[1] > 2 * 368
    assert ex.last_error is None


def test_every_kind_of_image_refusal_has_a_sentence_of_its_own():
    """Each ImageError subclass of cnnviz.images is worded by refusal(), none by the fallback."""
    import cnnviz.images as images

    kinds = [c for c in vars(images).values()
             if isinstance(c, type) and issubclass(c, ImageError) and c is not ImageError]
    assert len(kinds) == 6
    fields = {"format": "EPS", "pixels": 90, "limit": 10, "count": 2}
    sentences = set()
    for kind in kinds:
        import inspect

        wanted = {k: fields[k] for k in inspect.signature(kind).parameters if k in fields}
        sentence = refusal(kind("load_image's words", source="x", **wanted), "a.png")
        assert sentence.startswith("'a.png' ") and "could not be used" not in sentence, kind
        assert "load_image's words" not in sentence
        sentences.add(sentence)
    assert len(sentences) == len(kinds)
    assert refusal(ImageError("new kind", source="x"), "a.png") == "'a.png' could not be used: new kind"
