"""Notebook 02: convolution one step at a time.

Two explorers, drawing the state of :mod:`cnnviz.lessons.stepper`:

* :func:`convolution_stepper` slides a small kernel over a small input; a slider
  (or its Play button) picks the step, and the figure shows the window on the
  input, the kernel, the element-wise products, their sum written out, and the
  output filling in cell by cell. A toggle rotates the kernel by 180 degrees,
  turning cross-correlation (what deep learning calls convolution) into true
  convolution.
* :func:`flip_explorer` puts the two operations side by side for a named kernel,
  so that one sees when the flip matters (edge and shift kernels) and when it does
  not (symmetric kernels).
"""

from __future__ import annotations

import html

import numpy as np

from .._validate import as_array
from ..errors import DoesNotFit
from ..filters import KERNELS
from ..lessons.stepper import EXAMPLES, convolution_step, flip_comparison, step_count
from . import catalog, draw
from ._base import Explorer

#: both figures, in inches at draw.DPI
FIG_SIZE = (9.6, 4.5)
#: the operation toggle: label -> flip
OPERATIONS = (("cross-correlation", False), ("convolution (flip kernel)", True))


# ------------------------------------------------------------------------ the stepper
def plot_convolution_step(state, fig=None, artists=None):
    """Input with the window | kernel | products | output so far; the sum written out below."""
    if artists is None:
        fig = fig or draw.new_figure(*FIG_SIZE)
        artists = dict(
            image=draw.Panel(fig, [0.01, 0.17, 0.30, 0.80]),
            kernel=draw.Panel(fig, [0.335, 0.17, 0.20, 0.80], bar=True),
            products=draw.Panel(fig, [0.56, 0.17, 0.20, 0.80], bar=True),
            output=draw.Panel(fig, [0.785, 0.17, 0.205, 0.80], bar=True),
            text=draw.Picture(fig, [0.01, 0.01, 0.98, 0.15]),
        )
    names = ("image", "kernel", "products", "output")
    shapes = [state.image.shape, state.used_kernel.shape, state.products.shape,
              state.output.shape]
    cell = draw.panel_cell(fig, [artists[k] for k in names], shapes, 48)
    kh, kw = state.used_kernel.shape
    (H, W), (oh, ow) = state.image.shape, state.output.shape
    k_lim = draw.symmetric_limits(state.kernel)
    p_lim = draw.symmetric_limits(np.abs(state.image).max() * np.abs(state.kernel).max())
    o_lim = draw.symmetric_limits(state.output)

    def span(first, size, name):
        return f"{name} {first}" if size == 1 else f"{name}s {first}-{first + size - 1}"

    window = f"window: {span(state.row, kh, 'row')}, {span(state.col, kw, 'column')}"
    artists["image"].show(state.image, cell, title=(f"input ({H}x{W})", window),
                          cmap=draw.GREY, vmin=state.image.min(), vmax=state.image.max())
    artists["image"].outline(state.row, state.col, kh, kw)
    artists["kernel"].show(state.used_kernel, cell, cmap=draw.DIVERGING, vmin=k_lim[0],
                           vmax=k_lim[1], bar_limits=k_lim,
                           title=("kernel", "rotated 180°" if state.flip else "as given"))
    artists["products"].show(state.products, cell, cmap=draw.DIVERGING, vmin=p_lim[0],
                             vmax=p_lim[1], bar_limits=p_lim,
                             title=("window × kernel", f"sum = {draw.number(state.total)}"))
    artists["output"].show(state.output, cell, cmap=draw.DIVERGING, vmin=o_lim[0],
                           vmax=o_lim[1], mask=state.done, bar_limits=o_lim,
                           title=(f"output ({oh}x{ow})", f"step {state.step} of {state.n_steps}"))
    artists["output"].outline(state.row, state.col, 1, 1)
    line = f"output[{state.row}, {state.col}] = {state.sum_text}"
    artists["text"].show(line, lambda size: draw.text_box(line, size, fig, sep=" + ",
                                                          indent="    "))
    return fig, artists


def caption_convolution_step(state):
    """What this step computes, in a sentence (HTML)."""
    oh, ow = state.output.shape
    if state.flip:
        how = ("<b>True convolution</b>: the kernel is rotated by 180° before it slides "
               "(<code>cnnviz.convolve2d</code>).")
    else:
        how = ("<b>Cross-correlation</b>: the kernel slides as it is "
               "(<code>cnnviz.correlate2d</code>); deep learning calls this convolution.")
    return (f"{how} Step {state.step} of {state.n_steps}: the window's top-left corner is at "
            f"row {state.row}, column {state.col} of the input, and the sum of the "
            f"{state.products.size} products fills output[{state.row}, {state.col}]. "
            f"The output has {oh}x{ow} cells because the kernel fits in {oh} rows "
            f"and {ow} columns of positions.")


@catalog.factory
def convolution_stepper(examples=None, *, example=None, flip=False, interval=900):
    """Step a kernel over an input: a dropdown of examples, a flip toggle, a step slider and Play.

    Parameters
    ----------
    examples : dict, optional
        Name -> ``(image, kernel)``, 2-D arrays;
        :data:`cnnviz.lessons.stepper.EXAMPLES` by default. Keep them small (up to
        about 8x8), so every number fits in its cell.
    example : str, optional
        The example shown first (the first one by default).
    flip : bool
        Start with true convolution instead of cross-correlation.
    interval : int
        Milliseconds between steps when Play runs.

    The returned :class:`Explorer` has an extra attribute ``play``, the
    ``ipywidgets.Play`` that drives the step slider (linked to its value and its
    last step).
    """
    import ipywidgets as widgets

    given = EXAMPLES if examples is None else examples
    examples = {name: (as_array(image, f"the image of example {name!r}", ndims=2),
                       as_array(kernel, f"the kernel of example {name!r}", ndims=2))
                for name, (image, kernel) in dict(given).items()}
    if not examples:
        raise ValueError("examples must name at least one (image, kernel) pair")
    names = list(examples)
    example = names[0] if example is None else example
    if example not in examples:
        raise ValueError(f"example must be one of {names}; got {example!r}")

    controls = dict(
        example=widgets.Dropdown(options=names, value=example, description="example",
                                 layout=widgets.Layout(width="360px")),
        flip=widgets.ToggleButtons(options=OPERATIONS, value=bool(flip), description="operation",
                                   style=dict(button_width="190px")),
        step=widgets.IntSlider(1, 1, 1, description="step", continuous_update=True),
    )
    play = widgets.Play(value=1, min=1, max=1, interval=interval, description="play the steps")
    widgets.link((play, "value"), (controls["step"], "value"))
    widgets.link((controls["step"], "max"), (play, "max"))

    def constrain(values):
        # Each example has its own number of steps; slider and Play stop at the last one.
        if values["example"] not in examples:  # nothing selected: the figure says so
            return {}
        image, kernel = examples[values["example"]]
        return {"step": {"max": max(1, step_count(image.shape, kernel.shape))}}

    def explain(err):
        if isinstance(err, DoesNotFit):
            (H, W), (kh, kw) = err.image_shape, err.kernel_shape
            return (f"A {kh}x{kw} kernel does not fit inside a {H}x{W} input, so there is no "
                    f"position to put it. Without padding the kernel can be at most {H}x{W}: "
                    "pick another example.")
        return str(err)

    def compute(example, flip, step):
        image, kernel = examples[example]
        return convolution_step(image, kernel, step=step, flip=flip)

    explorer = Explorer(compute, plot_convolution_step, controls, draw.new_figure(*FIG_SIZE),
                        caption=caption_convolution_step, layout=[["example", "flip"],
                                                                  [play, "step"]],
                        constrain=constrain, explain=explain)
    explorer.play = play
    return explorer


catalog.register("02", "convolution stepper", convolution_stepper)


# ---------------------------------------------------------------- flip side by side
def plot_flip_comparison(state, fig=None, artists=None):
    """Input on the left; the kernel and the correlation above, the rotated kernel and the
    convolution below; one colour bar for both kernels, one for both outputs; a sentence on
    top says how the two outputs relate."""
    if artists is None:
        fig = fig or draw.new_figure(*FIG_SIZE)
        artists = dict(
            image=draw.Panel(fig, [0.01, 0.02, 0.30, 0.85], title_lines=1),
            kernel=draw.Panel(fig, [0.34, 0.45, 0.19, 0.42], title_lines=1),
            flipped=draw.Panel(fig, [0.34, 0.02, 0.19, 0.42], title_lines=1),
            correlated=draw.Panel(fig, [0.59, 0.45, 0.27, 0.42], title_lines=1),
            convolved=draw.Panel(fig, [0.59, 0.02, 0.27, 0.42], title_lines=1),
            kernel_bar=draw.Picture(fig, [0.535, 0.08, 0.05, 0.72]),
            output_bar=draw.Picture(fig, [0.875, 0.08, 0.06, 0.72]),
            text=draw.Picture(fig, [0.01, 0.88, 0.98, 0.115]),
        )
    shown = dict(image=state.image, kernel=state.kernel, flipped=state.flipped,
                 correlated=state.correlated, convolved=state.convolved)
    cell = draw.panel_cell(fig, [artists[k] for k in shown],
                           [v.shape for v in shown.values()], 40)
    k_lim = draw.symmetric_limits(state.kernel)
    o_lim = draw.symmetric_limits(np.concatenate([state.correlated.ravel(),
                                                  state.convolved.ravel()]))
    titles = dict(image=f"input ({state.image.shape[0]}x{state.image.shape[1]})",
                  kernel=f"kernel: {state.name}", flipped="rotated 180°",
                  correlated="correlate2d(input, kernel)",
                  convolved="convolve2d(input, kernel)")
    for name, values in shown.items():
        lo, hi = ((state.image.min(), state.image.max()) if name == "image" else
                  k_lim if name in ("kernel", "flipped") else o_lim)
        artists[name].show(values, cell, title=titles[name], vmin=lo, vmax=hi,
                           cmap=draw.GREY if name == "image" else draw.DIVERGING)
    s = draw.scale(fig)
    for bar, (lo, hi) in (("kernel_bar", k_lim), ("output_bar", o_lim)):
        artists[bar].show((lo, hi), lambda size, lo=lo, hi=hi: draw.colour_bar_rgb(
            lo, hi, tuple(size), orientation="vertical", scale=s))
    artists["text"].show(state.verdict, lambda size: draw.text_box(state.verdict, size, fig))
    return fig, artists


def caption_flip_comparison(state):
    """The kernel's name, the verdict, and whether the outputs are equal here (HTML)."""
    same = np.allclose(state.correlated, state.convolved)
    return (f"<b>{html.escape(state.name)}</b>: {state.verdict} "
            + ("Here the two outputs are equal." if same else "Here the two outputs differ."))


@catalog.factory
def flip_explorer(image, kernels=None, *, kernel=None):
    """A dropdown of named kernels; each is applied with and without the 180° flip.

    Parameters
    ----------
    image : array_like, shape (H, W)
        A small input (up to about 8x8) so every number fits in its cell.
    kernels : dict, optional
        Name -> 2-D kernel; by default the 3x3 kernels of :data:`cnnviz.filters.KERNELS`.
    kernel : str, optional
        The kernel shown first.
    """
    import ipywidgets as widgets

    image = as_array(image, "image", ndims=2)
    if kernels is None:
        kernels = {name: k for name, k in KERNELS.items() if k.shape == (3, 3)}
    kernels = {name: as_array(k, f"kernel {name!r}", ndims=2) for name, k in dict(kernels).items()}
    names = list(kernels)
    kernel = names[0] if kernel is None else kernel
    if kernel not in kernels:
        raise ValueError(f"kernel must be one of {names}; got {kernel!r}")
    controls = dict(kernel=widgets.Dropdown(options=names, value=kernel, description="kernel"))

    def explain(err):
        if isinstance(err, DoesNotFit):
            (H, W), (kh, kw) = err.image_shape, err.kernel_shape
            return (f"The {err.name} kernel is {kh}x{kw}, larger than the {H}x{W} input, so "
                    "it fits nowhere. Try a larger input or a smaller kernel.")
        return str(err)

    return Explorer(
        lambda kernel: flip_comparison(image, kernels[kernel], name=kernel),
        plot_flip_comparison, controls, draw.new_figure(*FIG_SIZE),
        caption=caption_flip_comparison, explain=explain,
    )


def _corner():
    """Notebook 02's input: a bright block in the bottom-right corner of a 6x6 image."""
    corner = np.zeros((6, 6))
    corner[2:, 3:] = 1
    return corner


catalog.register("02", "cross-correlation vs convolution", flip_explorer,
                 lambda: ((_corner(),), {"kernel": "Vertical edge"}))


__all__ = [
    "FIG_SIZE", "OPERATIONS", "caption_convolution_step", "caption_flip_comparison",
    "convolution_stepper", "flip_explorer", "plot_convolution_step", "plot_flip_comparison",
]
