"""Notebook 10, second half: the network the learner trained, reading a drawing.

- :func:`drawing_explorer`: a :class:`~cnnviz.explorers.canvas.DrawingPad` and the
  network's probabilities for the drawing, updated after every stroke;
- :data:`forward_explorer`: notebook 08's forward-pass explorer, on that network;
- :func:`notebook_run`: the notebook's default training run, the network both
  are built on in the catalog.

The training panel that trains the network is :mod:`cnnviz.explorers.training`.
State: :mod:`cnnviz.lessons.drawing` and :mod:`cnnviz.lessons.training`.
"""

from __future__ import annotations

import numpy as np
from PIL import Image as PILImage

from ..datasets import CLASS_NAMES
from ..errors import SettingError
from ..lessons import training as lesson
from ..lessons.drawing import shape_strokes
from ..losses import softmax
from . import catalog, draw
from ._base import Explorer
from .forward import demo_samples
from .forward import forward_explorer as _forward_explorer
from .training import DEFAULT

#: figure size in inches (at draw.DPI) of the drawing explorer
DRAW_FIGURE = (5.2, 2.4)


def drawing_state(net, image, class_names=CLASS_NAMES):
    """The drawing and the network's probabilities for it: ``(image, probabilities)``."""
    logits = net.forward(image[None])[0]
    probs = logits if np.isclose(logits.sum(), 1) and logits.min() >= 0 else softmax(logits)
    return {"image": image[0], "probs": np.asarray(probs, float), "names": tuple(class_names)}


def plot_drawing(state, fig=None, artists=None):
    """The 28x28 image the network reads and a bar per class."""
    if fig is None:
        fig = draw.new_figure(*DRAW_FIGURE)
    if artists is None:
        pic = draw.Picture(fig, [0.03, 0.1, 0.36, 0.8])
        ax = fig.add_axes([0.62, 0.12, 0.34, 0.76])
        bars = ax.barh(range(len(state["names"])), np.zeros(len(state["names"])),
                       color=draw.NEUTRAL)
        ax.set_yticks(range(len(state["names"])), state["names"])
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.set_xlabel("probability")
        artists = dict(pic=pic, bars=bars)
    grey = state["image"]
    artists["pic"].show(grey.tobytes(), lambda size: np.asarray(PILImage.fromarray(
        draw.colours_of(grey, cmap=draw.GREY, vmin=0, vmax=1)).resize(size, PILImage.NEAREST)))
    best = int(np.argmax(state["probs"]))
    for i, (bar, p) in enumerate(zip(artists["bars"], state["probs"])):
        bar.set_width(p)
        bar.set_color(draw.HIGHLIGHT if i == best else draw.NEUTRAL)
    return fig, artists


def caption_drawing(state):
    best = int(np.argmax(state["probs"]))
    return (f"The network reads your drawing as <b>{state['names'][best]}</b> "
            f"({state['probs'][best]:.0%}). Left: the 28x28 picture it sees.")


@catalog.factory
def drawing_explorer(net, *, shape="circle", class_names=CLASS_NAMES):
    """Draw on the pad; ``net``'s probabilities follow every stroke.

    ``shape`` is drawn on the pad to begin with (``None``: an empty pad), so the
    stored picture shows something. The pad is ``explorer.pad``; an upload of a
    picture stays possible through 08's forward-pass explorer.
    """
    from .canvas import DrawingPad

    pad = DrawingPad()
    if shape is not None:
        pad.draw(shape_strokes(shape))

    def compute():
        image = pad.image()
        if not image.any():
            raise SettingError("Nothing drawn yet: draw a shape on the black square.")
        return drawing_state(net, image, class_names)

    explorer = Explorer(compute, plot_drawing, {}, draw.new_figure(*DRAW_FIGURE),
                        caption=caption_drawing, layout=[[pad.widget]])
    explorer.pad = pad
    pad.observe(lambda _: explorer.update())
    return explorer


# --------------------------------------------------------------------------- catalog
_RUN = {}


def notebook_run():
    """The notebook's data and its trained network (the default run), made once."""
    if not _RUN:
        x, y, xt, yt = lesson.data(DEFAULT["train_size"], DEFAULT["held_out_size"])
        trainer = lesson.Trainer(None, x, y, xt, yt, optimiser=DEFAULT["optimiser"],
                                 lr=DEFAULT["lr"], batch_size=DEFAULT["batch_size"],
                                 seed=DEFAULT["seed"])
        trainer.run(DEFAULT["steps"])
        _RUN.update(data=(x, y, xt, yt), net=trainer.model)
    return _RUN


#: notebook 08's forward-pass explorer, stamped for the catalog, on the learner's network
forward_explorer = catalog.factory(_forward_explorer)


def _forward_recipe():
    images, labels, _ = demo_samples()
    return (notebook_run()["net"], images, labels), {}


catalog.register("10", "draw your own", drawing_explorer,
                 lambda: ((notebook_run()["net"],), {}))
catalog.register("10", "forward pass of your network", forward_explorer, _forward_recipe)


__all__ = ["drawing_explorer", "drawing_state", "forward_explorer", "notebook_run", "plot_drawing"]
