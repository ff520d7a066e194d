"""Notebook 09: the backward pass of convolution and pooling, drawn from
:mod:`cnnviz.lessons.backprop`.

* :func:`gradient_stepper`: pick one entry of dL/dW or dL/dx of a small convolution
  and see the numbers that multiply into it, their products and their sum (for
  dL/dx in two views: the taps that touched the pixel, or the full convolution of
  the padded G with the kernel turned 180 degrees);
* :func:`stride_backward_explorer`: with stride s, G spread out with s - 1 zeros
  before the full convolution; the gradient on the padding dropped;
* :func:`pool_backward_explorer`: max pooling routes each gradient to its winner,
  average pooling spreads it over the window; overlapping windows add.

The gradient check of the same notebook is :mod:`cnnviz.explorers.gradient_check`.
"""

from __future__ import annotations

import numpy as np

from ..errors import DoesNotFit
from ..lessons.backprop import (
    EXAMPLES, POOL_INPUT, gradient_step, pool_backward, strided_backward,
)
from . import catalog, draw
from ._base import Explorer

#: the figures, in inches at draw.DPI
STEP_SIZE = (10.4, 4.3)
STRIDE_SIZE = (10.4, 4.0)
POOL_SIZE = (10.4, 3.4)


def _limits(*arrays):
    return draw.symmetric_limits(np.concatenate([np.ravel(a) for a in arrays]))


# ----------------------------------------------------------------- gradient stepper
def plot_gradient_step(state, fig=None, artists=None):
    """What is read | what it multiplies | the products | the gradient; the sum below."""
    if artists is None:
        fig = fig or draw.new_figure(*STEP_SIZE)
        artists = dict(
            left=draw.Panel(fig, [0.01, 0.17, 0.22, 0.80]),
            right=draw.Panel(fig, [0.25, 0.17, 0.26, 0.80]),
            products=draw.Panel(fig, [0.53, 0.17, 0.20, 0.80], bar=True),
            result=draw.Panel(fig, [0.75, 0.17, 0.24, 0.80], bar=True),
            text=draw.Picture(fig, [0.01, 0.01, 0.98, 0.15]),
        )
    names = ("left", "right", "products", "result")
    result = state.grad_w if state.target == "dW" else state.grad_x
    shapes = [state.left.shape, state.right.shape, state.products.shape, result.shape]
    cell = draw.panel_cell(fig, [artists[k] for k in names], shapes, 44)
    if state.target == "dW":
        left_title = ("input x", "the window dW[%d, %d] reads" % (state.row, state.col))
        right_title = ("G = dL/dZ", "every entry of G")
    elif state.view == "taps":
        left_title = ("kernel W", "the taps that touched x[%d, %d]" % (state.row, state.col))
        right_title = ("G = dL/dZ", "the outputs x[%d, %d] fed" % (state.row, state.col))
    else:
        left_title = ("kernel turned 180°", "slides over padded G")
        right_title = ("G padded by k - 1", "the window over x[%d, %d]" % (state.row, state.col))
    lo, hi = _limits(state.left)
    artists["left"].show(state.left, cell, title=left_title, cmap=draw.DIVERGING, vmin=lo,
                         vmax=hi)
    artists["left"].outline(*state.left_box)
    lo, hi = _limits(state.right)
    artists["right"].show(state.right, cell, title=right_title, cmap=draw.DIVERGING, vmin=lo,
                          vmax=hi)
    artists["right"].outline(*state.right_box)
    p_lim = _limits(state.products)
    artists["products"].show(state.products, cell, cmap=draw.DIVERGING, vmin=p_lim[0],
                             vmax=p_lim[1], mask=state.used, bar_limits=p_lim,
                             title=("products", f"sum = {draw.number(state.total)}"))
    r_lim = _limits(result)
    artists["result"].show(result, cell, cmap=draw.DIVERGING, vmin=r_lim[0], vmax=r_lim[1],
                           bar_limits=r_lim, title=(f"dL/d{state.target[1:]}",
                                                    f"entry {state.entry} of {state.n_entries}"))
    artists["result"].outline(state.row, state.col, 1, 1)
    line = f"{state.target}[{state.row}, {state.col}] = {state.sum_text}"
    artists["text"].show(line, lambda size: draw.text_box(line, size, fig, sep=" + ",
                                                          indent="    "))
    return fig, artists


def caption_gradient_step(state):
    """What the entry sums, in a sentence (HTML)."""
    if state.target == "dW":
        how = (f"<b>dW[{state.row}, {state.col}]</b>: tap ({state.row}, {state.col}) of the "
               f"kernel touched one input pixel per output, so its gradient is the sum of "
               f"those {len(state.pairs)} pixels, each times its output's gradient: the input "
               f"correlated with G.")
    elif state.view == "taps":
        how = (f"<b>dx[{state.row}, {state.col}]</b>: this pixel fed {len(state.pairs)} "
               f"output(s), each through one tap of the kernel; its gradient adds those taps "
               f"times the outputs' gradients.")
    else:
        how = (f"<b>dx[{state.row}, {state.col}]</b>, the same number as a full convolution: "
               f"G padded by k - 1 zeros, and the kernel turned 180° sliding over it; the "
               f"{len(state.pairs)} products that do not fall on padding are the taps.")
    return f"{how} dL/db = the sum of G = {draw.number(state.grad_b)}."


@catalog.factory
def gradient_stepper(examples=None, *, example=None, target="dW", view="taps"):
    """Step through the entries of dL/dW or dL/dx of a small convolution.

    Parameters
    ----------
    examples : dict, optional
        Name -> ``(x, kernel, G)``; :data:`cnnviz.lessons.backprop.EXAMPLES` by default.
    example : str, optional
        The example shown first.
    target : {"dW", "dx"}
    view : {"taps", "full convolution"}
        How dL/dx is drawn.
    """
    import ipywidgets as widgets

    examples = dict(EXAMPLES if examples is None else examples)
    if not examples:
        raise ValueError("examples must name at least one (x, kernel, G) triple")
    names = list(examples)
    example = names[0] if example is None else example
    if example not in examples:
        raise ValueError(f"example must be one of {names}; got {example!r}")
    controls = dict(
        example=widgets.Dropdown(options=names, value=example, description="example",
                                 layout=widgets.Layout(width="380px")),
        target=widgets.ToggleButtons(options=(("dL/dW", "dW"), ("dL/dx", "dx")), value=target,
                                     description="gradient", style=dict(button_width="80px")),
        view=widgets.ToggleButtons(options=("taps", "full convolution"), value=view,
                                   description="dx as", style=dict(button_width="130px")),
        entry=widgets.IntSlider(1, 1, 1, description="entry"),
    )

    def constrain(values):
        if values["example"] not in examples:
            return {}
        x, kernel, _ = examples[values["example"]]
        n = np.size(kernel) if values["target"] == "dW" else np.size(x)
        return {"entry": {"max": int(n)}, "view": {"disabled": values["target"] == "dW"}}

    def explain(err):
        if isinstance(err, DoesNotFit):
            return f"The kernel does not fit inside the input: {err}"
        return str(err)

    def compute(example, target, view, entry):
        x, kernel, g = examples[example]
        return gradient_step(x, kernel, g, target=target, entry=entry, view=view)

    return Explorer(compute, plot_gradient_step, controls, draw.new_figure(*STEP_SIZE),
                    caption=caption_gradient_step, layout=[["example", "target"],
                                                           ["view", "entry"]],
                    constrain=constrain, explain=explain)


catalog.register("09", "gradient stepper", gradient_stepper)


# ----------------------------------------------------------- stride and padding backwards
def plot_strided_backward(state, fig=None, artists=None):
    """G | G spread out and padded | the gradient on the padded input | dL/dx."""
    if artists is None:
        fig = fig or draw.new_figure(*STRIDE_SIZE)
        artists = dict(
            grad=draw.Panel(fig, [0.01, 0.14, 0.17, 0.84]),
            spread=draw.Panel(fig, [0.20, 0.14, 0.28, 0.84]),
            padded=draw.Panel(fig, [0.50, 0.14, 0.26, 0.84]),
            result=draw.Panel(fig, [0.78, 0.14, 0.21, 0.84], bar=True),
            text=draw.Picture(fig, [0.01, 0.01, 0.98, 0.12]),
        )
    names = ("grad", "spread", "padded", "result")
    shapes = [state.grad_out.shape, state.spread.shape, state.grad_padded.shape,
              state.grad_x.shape]
    cell = draw.panel_cell(fig, [artists[k] for k in names], shapes, 32)
    g_lim = _limits(state.grad_out)
    k = state.kernel.shape[0]
    n = state.grad_out.shape[0]
    artists["grad"].show(state.grad_out, cell, title=(f"G ({n}x{n})", f"stride {state.stride}"),
                         cmap=draw.DIVERGING, vmin=g_lim[0], vmax=g_lim[1])
    artists["spread"].show(state.spread, cell, mask=state.inserted, cmap=draw.DIVERGING,
                           vmin=g_lim[0], vmax=g_lim[1],
                           title=(f"{state.stride - 1} zero(s) between entries",
                                  f"and {k - 1} around: grey cells are 0"))
    d = (n - 1) * state.stride + 1
    artists["spread"].outline(k - 1, k - 1, d, d)
    lim = _limits(state.grad_padded)
    m = state.grad_padded.shape[0]
    artists["padded"].show(state.grad_padded, cell, cmap=draw.DIVERGING, vmin=lim[0],
                           vmax=lim[1], title=(f"full convolution ({m}x{m})",
                                               f"padding {state.padding}: border dropped"))
    artists["padded"].outline(state.padding, state.padding, state.size, state.size)
    artists["result"].show(state.grad_x, cell, cmap=draw.DIVERGING, vmin=lim[0], vmax=lim[1],
                           bar_limits=lim, title=(f"dL/dx ({state.size}x{state.size})",
                                                  "as conv2d_backward"))
    line = (f"{state.zeros_inserted} zeros inserted between the {state.grad_out.size} entries "
            f"of G; the last {state.unread} row(s) and column(s) of the padded input were never "
            f"read and get 0; the outer ring of {state.padding} (the padding) is dropped.")
    artists["text"].show(line, lambda size: draw.text_box(line, size, fig))
    return fig, artists


def caption_strided_backward(state):
    s, p, k = state.stride, state.padding, state.kernel.shape[0]
    return (f"<b>Stride {s}, padding {p}</b>: the {state.grad_out.shape[0]}x"
            f"{state.grad_out.shape[1]} gradient G gets {s - 1} zero(s) between neighbouring "
            f"entries (where the kernel jumped over positions), then {k - 1} zeros around it; "
            f"correlating that with the kernel turned 180° gives the gradient on the "
            f"{state.size + 2 * p}x{state.size + 2 * p} padded input, and cutting off its "
            f"border of {p} leaves dL/dx of the {state.size}x{state.size} input.")


@catalog.factory
def stride_backward_explorer(size=7, *, stride=2, padding=0):
    """Sliders for stride and padding of a 3x3 convolution on a ``size`` x ``size`` input."""
    import ipywidgets as widgets

    controls = dict(stride=widgets.IntSlider(stride, 1, 3, description="stride"),
                    padding=widgets.IntSlider(padding, 0, 2, description="padding"))
    return Explorer(lambda stride, padding: strided_backward(size, stride=stride,
                                                             padding=padding),
                    plot_strided_backward, controls, draw.new_figure(*STRIDE_SIZE),
                    caption=caption_strided_backward, layout=[["stride", "padding"]])


catalog.register("09", "stride and padding backwards", stride_backward_explorer)


# --------------------------------------------------------------------- pooling backwards
def plot_pool_backward(state, fig=None, artists=None):
    """x | windows won (or covering) | G | the window's share | dL/dx."""
    if artists is None:
        fig = fig or draw.new_figure(*POOL_SIZE)
        w = 0.188
        artists = {name: draw.Panel(fig, [0.01 + i * (w + 0.01), 0.02, w, 0.96],
                                    bar=name in ("share", "total"))
                   for i, name in enumerate(("x", "won", "grad", "share", "total"))}
    names = ("x", "won", "grad", "share", "total")
    shapes = [state.x.shape] * 2 + [state.grad_out.shape] + [state.x.shape] * 2
    cell = draw.panel_cell(fig, [artists[k] for k in names], shapes, 36)
    k = state.kernel_size
    r0, c0 = state.row * state.stride, state.col * state.stride
    artists["x"].show(state.x, cell, title=("input x", f"window {state.window}"),
                      cmap=draw.GREY, vmin=state.x.min(), vmax=state.x.max())
    artists["x"].outline(r0, c0, k, k)
    won = state.winners.astype(float)
    if state.mode == "max":
        title = ("windows won", "blank: none (the mask)")
    else:
        title = ("windows per pixel", "blank: in none")
    artists["won"].show(won, cell, title=title, mask=state.winners > 0, cmap="Oranges",
                        vmin=0, vmax=max(1.0, won.max()))
    artists["won"].outline(r0, c0, k, k)
    artists["grad"].show(state.grad_out, cell, title=("G = dL/d(pooled)",
                                                      f"{state.grad_out.shape[0]}x"
                                                      f"{state.grad_out.shape[1]}"),
                         cmap=draw.DIVERGING, vmin=-state.grad_out.max(),
                         vmax=state.grad_out.max())
    artists["grad"].outline(state.row, state.col, 1, 1)
    lim = _limits(state.grad_x)
    share = "to its winner" if state.mode == "max" else f"g / {k * k} each"
    artists["share"].show(state.share, cell, cmap=draw.DIVERGING, vmin=lim[0], vmax=lim[1],
                          bar_limits=lim, title=("this window's gradient", share))
    artists["share"].outline(r0, c0, k, k)
    artists["total"].show(state.grad_x, cell, cmap=draw.DIVERGING, vmin=lim[0], vmax=lim[1],
                          bar_limits=lim, title=("dL/dx", "all windows added"))
    artists["total"].outline(r0, c0, k, k)
    return fig, artists


def caption_pool_backward(state):
    k, s = state.kernel_size, state.stride
    g = draw.number(state.grad_out[state.row, state.col])
    if state.mode == "max":
        what = (f"<b>Max pooling</b>: window {state.window}'s gradient {g} goes to its "
                f"winner alone (the first maximum in reading order on ties, as max_pool2d "
                f"picks it); every other pixel of the window gets 0.")
        most = int(state.winners.max())
        extra = (f" With stride {s} < window {k} the windows overlap: a pixel that wins "
                 f"{most} windows collects {most} gradients." if s < k and most > 1 else "")
    else:
        what = (f"<b>Average pooling</b>: window {state.window}'s gradient {g} is spread as "
                f"{g} / {k * k} = {draw.number(state.grad_out[state.row, state.col] / k / k)} "
                f"over its {k * k} pixels.")
        extra = " The windows overlap, and the shares add." if s < k else ""
    unread = int((state.winners == 0).sum()) if state.mode == "average" else 0
    gap = (f" {unread} pixel(s) lie in no window and get 0." if unread else "")
    return what + extra + gap


@catalog.factory
def pool_backward_explorer(x=None, *, mode="max", kernel_size=2, stride=2):
    """Max or average pooling backwards on a small map, one window at a time."""
    import ipywidgets as widgets

    x = POOL_INPUT if x is None else np.asarray(x)
    controls = dict(
        mode=widgets.ToggleButtons(options=("max", "average"), value=mode,
                                   description="pooling"),
        kernel_size=widgets.IntSlider(kernel_size, 2, 4, description="window"),
        stride=widgets.IntSlider(stride, 1, 4, description="stride"),
        window=widgets.IntSlider(1, 1, 1, description="which window"),
    )
    H, W = x.shape[-2:]

    def constrain(values):
        k, s = values["kernel_size"], values["stride"]
        n = ((H - k) // s + 1) * ((W - k) // s + 1)
        return {"window": {"max": n}}

    return Explorer(lambda **v: pool_backward(x, **v), plot_pool_backward, controls,
                    draw.new_figure(*POOL_SIZE), caption=caption_pool_backward,
                    layout=[["mode", "kernel_size"], ["stride", "window"]], constrain=constrain)


catalog.register("09", "pooling backwards", pool_backward_explorer)


__all__ = [
    "POOL_SIZE", "STEP_SIZE", "STRIDE_SIZE", "caption_gradient_step", "caption_pool_backward",
    "caption_strided_backward", "gradient_stepper", "plot_gradient_step", "plot_pool_backward",
    "plot_strided_backward", "pool_backward_explorer", "stride_backward_explorer",
]
