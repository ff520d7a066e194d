"""Notebook 10: train a CNN live and watch what it learns.

:func:`training_panel`: Start / Pause / Reset, the optimiser, learning rate and
  batch size; a live loss curve with the held-out accuracy, conv1's eight kernels
  and their maps on one image, a tqdm bar. Training runs in a background thread
  (see DEVELOPERS.md, "Live training"), so the buttons answer while it runs;
  :meth:`TrainingExplorer.run` trains in the foreground instead, for a notebook
  run from top to bottom without anyone pressing a button.

State: :mod:`cnnviz.lessons.training`. The explorers on the trained network (draw
your own, the forward pass) are :mod:`cnnviz.explorers.drawing`.
"""

from __future__ import annotations

import threading
import time

import numpy as np
from PIL import Image as PILImage
from PIL import ImageDraw

from ..lessons import training as lesson
from ..lessons.training import Diverged
from . import catalog, draw
from ._base import Explorer

#: figure size in inches (at draw.DPI) of the training panel
FIGURE = (10, 4.4)
#: seconds between redraws while training runs (at least twice a second)
REDRAW_EVERY = 0.5
#: steps taken between checks for Pause / Reset (a few milliseconds each)
CHUNK = 4
#: the notebook's run: training and held-out images, steps, settings
DEFAULT = dict(train_size=8000, held_out_size=300, steps=600, optimiser="Adam", lr=0.01,
               batch_size=32, seed=0)
#: index of the held-out image whose conv1 maps the panel shows
PROBE = 3

_CELL_KERNEL = 10       # screen pixels per kernel weight
_CELL_MAP = 3           # screen pixels per map pixel


def _mosaic(state, size, scale):
    """Two rows of four: each kernel with its map under it, on white, ``size`` (w, h)."""
    w, h = size
    out = np.full((h, w, 3), 255, np.uint8)
    k = max(1, round(_CELL_KERNEL * scale))
    m = max(1, round(_CELL_MAP * scale))
    line = round(draw.LINE_PX * scale)
    out[:line] = draw.text_rgb(("conv1: kernels (red +, blue -) over their maps",), (w, line), align="center",
                               pixels=round(draw.TEXT_PX * scale), line_px=line)
    if not len(state.kernels):
        out[line:line * 2] = draw.text_rgb(("(this network has no convolution layer)",), (w, line),
                                           align="center", pixels=round(draw.TEXT_PX * scale),
                                           line_px=line)
        return out
    lim = draw.symmetric_limits(state.kernels)[1]
    hi = float(state.maps.max()) or 1.0
    col_w, row_h = w // 4, (h - line) // 2
    for c in range(min(8, len(state.kernels))):
        kern = np.kron(draw.colours_of(state.kernels[c], cmap=draw.DIVERGING, vmin=-lim, vmax=lim),
                       np.ones((k, k, 1), np.uint8))
        fmap = np.kron(draw.colours_of(state.maps[c], cmap=draw.GREY, vmin=0, vmax=hi),
                       np.ones((m, m, 1), np.uint8))
        x0, y0 = (c % 4) * col_w, line + (c // 4) * row_h + round(4 * scale)
        for pic in (kern, fmap):
            ph, pw = pic.shape[:2]
            left = x0 + (col_w - pw) // 2
            ph, pw = min(ph, h - y0), min(pw, w - max(left, 0))
            if ph > 0 and pw > 0 and left >= 0:
                out[y0:y0 + ph, left:left + pw] = pic[:ph, :pw]
            y0 += ph + round(4 * scale)
    return out


def _status(state):
    acc = state.accuracies[-1][1] if state.accuracies else None
    loss = state.smooth[-1] if len(state.smooth) else None
    parts = [f"step {state.step}", f"epoch {state.epoch} ({state.steps_per_epoch} steps each)",
             f"loss {loss:.3f}" if loss is not None else "loss: not trained yet",
             f"held-out accuracy {acc:.1%}" if acc is not None else "held-out accuracy: -"]
    return "   ".join(parts)


def _nice_top(value):
    """The smallest of 0.5, 1, 2, 5, 10, ... at least ``value``: y limits that rarely move."""
    for top in (0.5, 1, 2, 3, 5, 10, 20):
        if value <= top:
            return top
    return 20


def curve_rgb(state, size, scale):
    """The loss curve (grey per step, blue running mean) and the held-out accuracy (orange
    dots, right-hand scale 0-100%) as one Pillow picture of ``size`` (w, h)."""
    w, h = size
    px = lambda v: round(v * scale)  # noqa: E731  (pixels at draw.DPI -> this picture's)
    img = PILImage.new("RGB", (w, h), "white")
    pen = ImageDraw.Draw(img)
    small = draw.font(px(draw.TEXT_PX - 2))
    left, right, top, bottom = px(44), w - px(44), px(8), h - px(36)
    n = len(state.losses)
    x_max = 50
    while x_max < n:                                # 50, 100, 200, 400, ...: few rescales
        x_max *= 2
    y_max = _nice_top(float(np.max(state.losses[:50])) if n else 2.0)
    sx = lambda step: left + (right - left) * step / x_max  # noqa: E731
    sy = lambda loss: bottom - (bottom - top) * min(loss, y_max) / y_max  # noqa: E731
    black, grey = (0, 0, 0), (draw.BORDER,) * 3
    for k in range(5):                              # y ticks: loss on the left, accuracy right
        y = bottom - (bottom - top) * k / 4
        pen.line([(left - px(4), y), (left, y)], fill=black)
        pen.line([(right, y), (right + px(4), y)], fill=black)
        pen.text((left - px(6), y), f"{y_max * k / 4:g}", font=small, fill=draw.rgb(draw.BLUE),
                 anchor="rm")
        pen.text((right + px(6), y), f"{25 * k}%", font=small, fill=draw.rgb(draw.HIGHLIGHT),
                 anchor="lm")
    for k in range(5):
        x = left + (right - left) * k / 4
        pen.line([(x, bottom), (x, bottom + px(4))], fill=black)
        pen.text((x, bottom + px(6)), f"{x_max * k // 4}", font=small, fill=black, anchor="mt")
    pen.text(((left + right) / 2, h - px(2)), "step", font=small, fill=black, anchor="mb")
    if n > 1:
        steps = np.arange(1, n + 1)
        xs, raw, mean = sx(steps), [sy(v) for v in state.losses], [sy(v) for v in state.smooth]
        pen.line(list(zip(xs, raw)), fill=(190, 190, 190), width=1)
        pen.line(list(zip(xs, mean)), fill=draw.rgb(draw.BLUE), width=max(1, px(2)))
    dots = [(sx(step), bottom - (bottom - top) * acc) for step, acc in state.accuracies]
    if len(dots) > 1:
        pen.line(dots, fill=draw.rgb(draw.HIGHLIGHT), width=max(1, px(1)))
    r = px(2.5)
    for x, y in dots:
        pen.ellipse([x - r, y - r, x + r, y + r], fill=draw.rgb(draw.HIGHLIGHT))
    pen.rectangle([left, top, right, bottom], outline=black)
    return np.asarray(img)


def plot_training(state, fig=None, artists=None):
    """The loss curve and held-out accuracy, and conv1's kernels over their maps.

    Both halves are pictures (:class:`~cnnviz.explorers.draw.Picture`): a redraw while
    training costs a few milliseconds, not the tens a matplotlib axis with ticks takes.
    """
    if fig is None:
        fig = draw.new_figure(*FIGURE)
    s = draw.scale(fig)
    if artists is None:
        artists = dict(status=draw.Picture(fig, [0.0, 0.9, 1.0, 0.09]),
                       legend=draw.Picture(fig, [0.0, 0.82, 0.5, 0.07]),
                       curve=draw.Picture(fig, [0.0, 0.02, 0.5, 0.8]),
                       maps=draw.Picture(fig, [0.52, 0.02, 0.47, 0.87]))
    a = artists
    text = _status(state)
    a["status"].show(text, lambda size: draw.text_rgb((text,), size, align="center",
                                                      pixels=round(draw.TEXT_PX * s * 1.1),
                                                      line_px=round(draw.LINE_PX * s)))
    a["legend"].show("legend", lambda size: draw.text_rgb(
        ("loss: grey each step, blue mean of 20; orange: held-out accuracy",),
        size, align="center", pixels=round((draw.TEXT_PX - 1) * s), line_px=round(draw.LINE_PX * s)))
    a["curve"].show((len(state.losses), len(state.accuracies), state.step),
                    lambda size: curve_rgb(state, size, s))
    a["maps"].show((state.step, state.kernels.tobytes()), lambda size: _mosaic(state, size, s))
    return fig, artists


def caption_training(state):
    return (f"<b>{state.optimiser}</b>, learning rate {state.lr:g}, batch {state.batch_size}. "
            "Grey: the loss of each step; blue: its running mean; orange: the accuracy on "
            "images the network never trains on.")


class TrainingExplorer(Explorer):
    """An :class:`Explorer` whose state is a training run, with Start / Pause / Reset."""

    def __init__(self, trainer, probe, budget, **kwargs):
        import ipywidgets as widgets
        from tqdm.notebook import tqdm

        self.trainer = trainer
        self.probe = probe
        self.budget = budget                    # steps Start trains for, in all, before stopping
        self._draw_lock = threading.RLock()
        self._stop = threading.Event()
        self._thread = None
        self._handle = None
        self.redraw_seconds = []
        self.bar = tqdm(total=budget, desc="steps", display=False)
        self.start_button = widgets.Button(description="Start", icon="play",
                                           button_style="success")
        self.pause_button = widgets.Button(description="Pause", icon="pause")
        self.reset_button = widgets.Button(description="Reset", icon="undo")
        self.start_button.on_click(lambda _: self.start())
        self.pause_button.on_click(lambda _: self.pause())
        self.reset_button.on_click(lambda _: self.reset())
        buttons = [self.start_button, self.pause_button, self.reset_button, self.bar.container]
        kwargs["layout"] = [*kwargs["layout"], buttons]
        super().__init__(**kwargs)

    # -- drawing, from either thread ------------------------------------------------
    def update(self):
        with self._draw_lock:
            super().update()

    def redraw(self):
        """Measure the held-out accuracy, move the bar and redraw the figure.

        The seconds each redraw took (all three) go to ``redraw_seconds``."""
        start = time.perf_counter()
        self.trainer.accuracy()
        self.bar.n = min(self.trainer.step, self.bar.total)
        self.bar.refresh()
        self.update()
        self.redraw_seconds.append(time.perf_counter() - start)

    # -- training --------------------------------------------------------------------
    @property
    def running(self):
        return self._thread is not None and self._thread.is_alive()

    def _train(self, until, stop):
        last = time.perf_counter()
        while not stop.is_set() and self.trainer.step < until and not self.trainer.diverged:
            self.trainer.run(min(CHUNK, until - self.trainer.step))
            if time.perf_counter() - last >= REDRAW_EVERY:
                self.redraw()
                last = time.perf_counter()
        self.redraw()

    def run(self, steps=None):
        """Train ``steps`` steps (the budget by default) in the foreground, redrawing as it goes."""
        self.pause()
        until = self.trainer.step + (self.budget if steps is None else steps)
        self._grow_bar(until)
        self._train(until, threading.Event())
        self.refresh_stored()

    def start(self):
        """Train in a background thread until Pause, Reset, divergence or the budget."""
        if self.running:
            return
        if self.trainer.step >= self.bar.total:        # finished: Start trains as much again
            self._grow_bar(self.trainer.step + self.budget)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._train, args=(self.bar.total, self._stop),
                                        daemon=True, name="cnnviz-training")
        self._thread.start()

    def pause(self):
        """Stop the training thread after its current step (a few milliseconds)."""
        self._stop.set()
        if self.running and threading.current_thread() is not self._thread:
            self._thread.join(timeout=2)

    def reset(self):
        """Pause, then back to the seeded starting weights and an empty curve."""
        self.pause()
        self.trainer.reset()
        self.bar.reset(total=self.budget)
        self.redraw()

    def _grow_bar(self, total):
        self.bar.total = total
        self.bar.refresh()

    # -- the stored picture ------------------------------------------------------------
    def show(self):
        """Display the panel so that :meth:`run` can refresh its stored picture at the end."""
        from IPython.display import display

        self._handle = display(self, display_id=True)
        return None

    def refresh_stored(self):
        if self._handle is not None:
            self._handle.update(self)


@catalog.factory
def training_panel(images, labels, test_images, test_labels, *, model=None, optimiser="Adam",
                   lr=0.01, batch_size=32, seed=0, steps=600):
    """The live training panel on ``(images, labels)``, judged on the held-out images.

    Parameters
    ----------
    images, labels, test_images, test_labels : ndarray
        Training and held-out data (:func:`cnnviz.lessons.training.data`).
    model : Sequential, optional
        Any network taking (1, 28, 28) images whose first layer with weights is a
        Conv2d with one input channel; the shapes CNN by default.
    optimiser, lr, batch_size : where the controls start.
    seed : int
        Starting weights and minibatch order.
    steps : int
        How many steps Start (or :meth:`TrainingExplorer.run`) trains before stopping.
    """
    import ipywidgets as widgets

    trainer = lesson.Trainer(model, images, labels, test_images, test_labels,
                             optimiser=optimiser, lr=lr, batch_size=batch_size, seed=seed)
    probe = np.asarray(test_images[PROBE])
    style = {"description_width": "initial"}
    controls = dict(
        optimiser=widgets.ToggleButtons(options=lesson.OPTIMISERS, value=optimiser,
                                        description="optimiser", style=style),
        lr=widgets.SelectionSlider(options=lesson.LEARNING_RATES, value=lr,
                                   description="learning rate", style=style,
                                   layout=widgets.Layout(width="360px")),
        batch_size=widgets.Dropdown(options=lesson.BATCH_SIZES, value=batch_size,
                                    description="batch size", style=style,
                                    layout=widgets.Layout(width="180px")),
    )

    def compute(optimiser, lr, batch_size):
        with trainer.lock:                          # settings apply from the next step
            trainer.optimiser, trainer.lr, trainer.batch_size = optimiser, lr, batch_size
        state = lesson.training_state(trainer, probe)
        if state.diverged is not None:
            raise Diverged(f"The loss ran off at step {state.diverged} (it grew past "
                           f"{lesson.DIVERGED_LOSS:g} or stopped being a number): learning rate "
                           f"{lr:g} is too large for {optimiser}. Press Reset and pick a smaller one.",
                           step=state.diverged, lr=lr)
        return state

    return TrainingExplorer(trainer, probe, steps, compute=compute, plot=plot_training,
                            controls=controls, fig=draw.new_figure(*FIGURE),
                            caption=caption_training,
                            layout=[["optimiser"], ["lr", "batch_size"]])


def _panel_recipe():
    x, y, xt, yt = lesson.data(DEFAULT["train_size"], DEFAULT["held_out_size"])
    return (x, y, xt, yt), {"steps": DEFAULT["steps"]}


catalog.register("10", "training panel", training_panel, _panel_recipe)


__all__ = ["TrainingExplorer", "plot_training", "training_panel"]
