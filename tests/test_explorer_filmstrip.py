"""The forward explorer's stored filmstrip (cnnviz.explorers.filmstrip): every layer of a few
samples in one picture, and the explorer that stores it."""

import io

import pytest
from PIL import Image

from cnnviz.datasets import CLASS_NAMES
from cnnviz.explorers.filmstrip import filmstrip_figure, filmstrip_png
from cnnviz.explorers.forward import forward_explorer
from cnnviz.layers import Conv2d, Dense, Flatten, MaxPool2d, ReLU, Sequential
from cnnviz.lessons.forward import demo_samples
from cnnviz.pretrained import INPUT_SHAPE, shapes_cnn

NET = shapes_cnn()
IMAGES, LABELS, _ = demo_samples()


# -------------------------------------------------------------------------- filmstrip
def test_filmstrip_shows_every_layer_of_each_sample_with_the_kernels():
    """Two bands of ten panels: input, then layers 1-9 titled by name and shape; conv1 holds 8 kernel-map pairs."""
    fig = filmstrip_figure(NET, IMAGES, (3, 6), labels=LABELS)
    titles = [ax.get_title() for ax in fig.axes]
    assert len(fig.axes) == 20
    for name, shape in zip(NET.layer_names()[:7], NET.output_shapes(INPUT_SHAPE)[:7]):
        assert sum(t.startswith(f"{name.split('-')[1]} {name} {shape}") for t in titles) == 2, name
    assert sum("kernel" in t for t in titles) == 2
    conv1 = fig.axes[1].get_images()[0].get_array()
    assert conv1.shape[0] == 2 * 28 + 2                    # two rows of four pairs
    heads = [t.get_text() for t in fig.texts]
    assert heads[0].startswith(f"sample 3: a {CLASS_NAMES[LABELS[3]]}")
    assert heads[1].startswith(f"sample 6: a {CLASS_NAMES[LABELS[6]]}")


def test_stored_picture_is_the_filmstrip_when_asked():
    """With filmstrip=(i, j) the saved PNG is exactly the filmstrip of those samples."""
    import base64

    def stored(ex):
        bundle = ex._repr_mimebundle_()
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        return base64.b64decode(data["image/png"])

    strip = forward_explorer(NET, IMAGES, LABELS, sample=3, filmstrip=(3, 6))
    live = forward_explorer(NET, IMAGES, LABELS, sample=3)
    expected = filmstrip_png(NET, IMAGES, (3, 6), labels=LABELS, class_names=CLASS_NAMES)
    assert stored(strip) == expected
    assert stored(live) != expected
    # drawn at twice the density, shown at its 1x size
    assert Image.open(io.BytesIO(expected)).size == (2 * 880, 2 * round(2 * 3.8 * 80))
    metadata = strip._repr_mimebundle_()[1]
    assert metadata["image/png"] == {"width": 880, "height": round(2 * 3.8 * 80)}


def test_the_filmstrip_refuses_a_network_it_cannot_lay_out():
    """The stored filmstrip is drawn for the shapes network's nine layers: another is refused, by name."""
    net = Sequential([Conv2d(1, 3, 5, padding=2), ReLU(), MaxPool2d(4), Flatten(),
                      Dense(3 * 7 * 7, 10), ReLU(), Dense(10, 3)])
    net.initialize(seed=0)
    with pytest.raises(ValueError, match=r"filmstrip needs a network laid out as the shapes network \(Conv2d, ReLU"):
        forward_explorer(net, IMAGES, LABELS, class_names=("a", "b", "c"), filmstrip=(0,))
    with pytest.raises(ValueError, match=r"got Conv2d, ReLU, MaxPool2d, Flatten, Dense, ReLU, Dense$"):
        filmstrip_figure(net, IMAGES, (0,), class_names=("a", "b", "c"))
    assert forward_explorer(net, IMAGES, LABELS, class_names=("a", "b", "c")).last_error is None
