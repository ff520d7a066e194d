"""Notebook 11: data augmentation, one picture at a time and sixteen at once.

Two explorers: sliders for each augmentation of :mod:`cnnviz.augment` on the cat
photo or a shape, and a grid of sixteen random draws within the same ranges (what
a network sees in one epoch of augmented training). The state is
:mod:`cnnviz.lessons.augmentation`.
"""

from __future__ import annotations

from ..lessons.augmentation import DRAWS, PICTURES, augment_picture, random_draws, sample_pictures
from . import catalog, draw
from ._base import Explorer

#: figure sizes in inches (at draw.DPI)
AUGMENT_FIGURE = (9, 3.8)
DRAWS_FIGURE = (10, 5.2)
#: the grid of draws: rows x columns
GRID = (4, 4)


def _image(ax, picture):
    shown = ax.imshow(picture, cmap=draw.GREY, vmin=0, vmax=1, interpolation="nearest")
    draw.bare(ax)
    return shown


def _fit(artist, picture):
    """Show ``picture`` on ``artist``, resizing the axes' limits when its shape changed."""
    artist.set_data(picture)
    H, W = picture.shape
    artist.set_extent((-0.5, W - 0.5, H - 0.5, -0.5))
    artist.axes.set_xlim(-0.5, W - 0.5)
    artist.axes.set_ylim(H - 0.5, -0.5)


# ------------------------------------------------------------------- one picture
def plot_augmentation(state, fig=None, artists=None):
    """Left: the picture as it is. Right: the same picture after the chosen augmentations."""
    if artists is None:
        fig = fig or draw.new_figure(*AUGMENT_FIGURE)
        ax_in, ax_out = fig.subplots(1, 2)
        fig.subplots_adjust(left=0.02, right=0.98, top=0.84, bottom=0.03, wspace=0.08)
        artists = dict(original=_image(ax_in, state.original),
                       augmented=_image(ax_out, state.augmented),
                       title=ax_out.set_title("", fontsize=10), shape=None)
        ax_in.set_title("the picture (label unchanged)", fontsize=11)
    if artists["shape"] != state.original.shape:
        _fit(artists["original"], state.original)
        _fit(artists["augmented"], state.augmented)
        artists["shape"] = state.original.shape
    artists["original"].set_data(state.original)
    artists["augmented"].set_data(state.augmented)
    steps = state.steps
    lines = [", ".join(steps[i:i + 3]) for i in range(0, len(steps), 3)] or ["no augmentation"]
    artists["title"].set_text("\n".join(lines))
    return fig, artists


def _augment_caption(state):
    steps = state.steps
    if not steps:
        return "Every slider at its neutral value: the picture comes out as it went in."
    changed = abs(state.augmented - state.original).mean()
    return (f"<b>{len(steps)} augmentation{'s' if len(steps) > 1 else ''}</b>: "
            f"{', '.join(steps)}. Mean change per pixel {changed:.3f}; the label stays "
            f"\"{'cat' if state.picture == 'cat' else 'triangle'}\".")


@catalog.factory
def augmentation_explorer(pictures, *, picture="cat", rotation=20, zoom=1.2, shift_x=10):
    """Sliders for rotation, zoom, shift, flip, brightness and noise on one picture.

    Parameters
    ----------
    pictures : dict of str to ndarray (H, W)
        Grey pictures in [0, 1] by name (:func:`cnnviz.lessons.augmentation.sample_pictures`).
    picture : str
        The one shown first.
    rotation, zoom, shift_x : number
        The sliders' first values (degrees, factor, percent of the width), so the
        explorer opens on an augmented picture.
    """
    import ipywidgets as widgets

    controls = dict(
        picture=widgets.Dropdown(options=tuple(pictures), value=picture, description="picture"),
        rotation=widgets.IntSlider(rotation, -180, 180, step=5, description="rotate (deg)"),
        zoom=widgets.FloatSlider(zoom, min=0.5, max=2.0, step=0.1, description="zoom"),
        shift_x=widgets.IntSlider(shift_x, -30, 30, step=5, description="right (%)"),
        shift_y=widgets.IntSlider(0, -30, 30, step=5, description="down (%)"),
        flip=widgets.Checkbox(False, description="mirror left-right"),
        brightness=widgets.FloatSlider(1.0, min=0.0, max=2.0, step=0.1, description="brightness"),
        noise=widgets.FloatSlider(0.0, min=0.0, max=0.5, step=0.05, description="noise (std)"),
    )
    return Explorer(
        lambda **v: augment_picture(pictures, **v), plot_augmentation, controls,
        draw.new_figure(*AUGMENT_FIGURE), caption=_augment_caption,
        layout=[["picture", "flip"], ["rotation", "zoom"], ["shift_x", "shift_y"],
                ["brightness", "noise"]],
    )


# --------------------------------------------------------------------- many draws
def plot_draws(state, fig=None, artists=None):
    """The picture on the left; a 4x4 grid of random draws, each titled with its settings."""
    if artists is None:
        fig = fig or draw.new_figure(*DRAWS_FIGURE)
        grid = fig.add_gridspec(GRID[0], GRID[1] + 2, left=0.01, right=0.99, top=0.93,
                                bottom=0.01, wspace=0.08, hspace=0.3)
        ax_in = fig.add_subplot(grid[1:3, :2])
        ax_in.set_title("the picture", fontsize=11)
        cells = [fig.add_subplot(grid[r, 2 + c]) for r in range(GRID[0]) for c in range(GRID[1])]
        # Sixteen titles are one layer of Pillow text: sixteen matplotlib texts cost too long.
        tops = [(ax.get_position().x0 + ax.get_position().width / 2, ax.get_position().y1)
                for ax in cells]
        artists = dict(original=_image(ax_in, state.original),
                       draws=[_image(ax, d) for ax, d in zip(cells, state.draws)],
                       titles=draw.TextLayer(fig), tops=tops, shape=None)
    if artists["shape"] != state.original.shape:
        for artist, picture in zip([artists["original"], *artists["draws"]],
                                   [state.original, *state.draws]):
            _fit(artist, picture)
        artists["shape"] = state.original.shape
    artists["original"].set_data(state.original)
    p = state.params
    for artist, picture in zip(artists["draws"], state.draws):
        artist.set_data(picture)
    titles = [f"{'mirror ' if p.flipped[k] else ''}{_signed(p.degrees[k])}\u00b0 "
              f"x{p.factor[k]:.2f} ({_signed(p.dx[k])}, {_signed(p.dy[k])})" for k in range(DRAWS)]
    layer = artists["titles"]

    def painter(canvas):
        font = layer.font(8)
        for title, (fx, fy) in zip(titles, artists["tops"]):
            x, y = layer.xy(fx, fy)
            canvas.text((x, y - 3 * layer.px_per_pt), title, font=font, fill=(0, 0, 0, 255),
                        anchor="md")

    layer.paint(painter)
    return fig, artists


def _signed(value):
    """A whole number with its sign, and no "-0": +12, -3, +0."""
    return f"{round(float(value)) + 0:+d}"


def _draws_caption(state):
    lo, hi = state.zoom
    return (f"<b>{DRAWS} draws</b>, each with its own angle in &plusmn;{state.rotation:g}&deg;, "
            f"zoom from {lo:.2f} to {hi:.2f} and shift up to {state.shift:.1f} pixels either way"
            f"{', mirrored half the time' if state.flip else ''}: titles give angle, zoom and "
            f"shift (right, down). Seed {state.seed}; one epoch of augmented training sees "
            "pictures like these instead of the one on the left.")


@catalog.factory
def draws_explorer(pictures, *, picture="shape"):
    """Ranges for :func:`cnnviz.augment.random_augment` and a grid of 16 draws within them."""
    import ipywidgets as widgets

    controls = dict(
        picture=widgets.Dropdown(options=tuple(pictures), value=picture, description="picture"),
        rotation=widgets.IntSlider(30, 0, 180, step=5, description="rotate \u00b1 (deg)"),
        zoom=widgets.FloatSlider(1.2, min=1.0, max=2.0, step=0.1, description="zoom up to"),
        shift=widgets.IntSlider(10, 0, 30, step=5, description="shift \u00b1 (%)"),
        flip=widgets.Checkbox(False, description="mirror half"),
        seed=widgets.IntSlider(0, 0, 20, description="seed"),
    )
    return Explorer(
        lambda **v: random_draws(pictures, **v), plot_draws, controls,
        draw.new_figure(*DRAWS_FIGURE), caption=_draws_caption,
        layout=[["picture", "flip", "seed"], ["rotation", "zoom", "shift"]],
    )


def _recipe(picture):
    return lambda: ((sample_pictures(),), {"picture": picture})


# The explorers as notebook 11 builds them.
catalog.register("11", "augmentation", augmentation_explorer, _recipe("cat"))
catalog.register("11", "random draws", draws_explorer, _recipe("shape"))

__all__ = ["AUGMENT_FIGURE", "DRAWS_FIGURE", "PICTURES", "augmentation_explorer", "draws_explorer",
           "plot_augmentation", "plot_draws"]
