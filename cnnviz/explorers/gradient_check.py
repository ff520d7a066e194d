"""Notebook 09: the gradient check, drawn from :mod:`cnnviz.lessons.backprop`.

:func:`gradient_check_explorer`: relative error of central differences against
backpropagation, over the step, on a log-log plot, float64 and float32; a slider
picks the step, a toggle what is differentiated (the conv weights or the input).
"""

from __future__ import annotations

import numpy as np

from ..lessons.backprop import CHECK_TARGETS, EPS_EXPONENTS, gradient_check
from . import catalog, draw
from ._base import Explorer

#: the figure, in inches at draw.DPI
CHECK_SIZE = (9.0, 4.0)
#: the colour of each dtype's curve
COLOURS = {"float64": draw.BLUE, "float32": draw.HIGHLIGHT}
#: where the log-log plot sits on the figure, and its axes inside that part
PLOT_PART = 0.66
PLOT_AXES = (0.09, 0.14, 0.56, 0.80)
ERROR_LIMITS = (1e-16, 3.0)


def _error_plot(state, size_inches, dpi):
    """The static part of the gradient check's figure (axes, both curves, the stars) as RGB.

    Drawn on a figure of its own once per target: matplotlib's axes and log ticks take
    tens of milliseconds to draw, too slow to redraw at every move of the step slider.
    """
    eps = 10.0 ** np.array(state.exponents, dtype=float)
    fig = draw.new_figure(*size_inches, dpi=dpi)
    x0, y0, w, h = PLOT_AXES
    ax = fig.add_axes([x0 / PLOT_PART, y0, w / PLOT_PART, h])
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(eps.min() / 3, eps.max() * 3)
    ax.set_ylim(*ERROR_LIMITS)
    ax.set_xlabel("step eps")
    ax.set_ylabel("relative error")
    ax.grid(True, which="major", color="#dddddd", lw=0.6)
    ax.axhline(1e-7, color=draw.NEUTRAL, lw=1, ls=":")
    for d, colour in COLOURS.items():
        errs = np.asarray(state.errors[d], dtype=float)
        ax.plot(eps, np.maximum(errs, 1e-17), "o-", color=colour, ms=4, lw=1.5)
        b = state.best(d)
        ax.plot([10.0 ** b], [max(state.error(d, b), 1e-17)], "*", color=colour, ms=14,
                mec="black", mew=0.6)
    return draw.figure_rgb(fig).copy()


def plot_gradient_check(state, fig=None, artists=None):
    """Relative error against the step, log-log, one line per dtype; the chosen step marked."""
    eps = 10.0 ** np.array(state.exponents, dtype=float)
    if artists is None:
        fig = fig or draw.new_figure(*CHECK_SIZE)
        plot = draw.Picture(fig, [0, 0, PLOT_PART, 1])
        # the moving line, on a transparent axes lying exactly over the drawn one
        over = fig.add_axes(list(PLOT_AXES), zorder=3)
        over.set_xscale("log")
        over.set_yscale("log")
        over.set_xlim(eps.min() / 3, eps.max() * 3)
        over.set_ylim(*ERROR_LIMITS)
        over.set_axis_off()
        chosen = over.axvline(1e-5, color=draw.ACCENT, lw=1.5)
        artists = dict(plot=plot, over=over, chosen=chosen,
                       text=draw.Picture(fig, [0.67, 0.05, 0.32, 0.90]))
    w, h = fig.get_size_inches()
    artists["plot"].show((state.target, fig.dpi), lambda size: _error_plot(
        state, (w * PLOT_PART, h), fig.dpi))
    e = 10.0 ** state.eps_exponent
    artists["chosen"].set_xdata([e, e])
    lines = ["gradient of the loss", f"with respect to the {state.target}", "",
             f"step eps = 1e{state.eps_exponent}"]
    for d in COLOURS:
        err = state.error(d)
        lines.append(f"{d}: " + ("step too small" if np.isnan(err)
                                 else f"relative error {err:.1e}"))
    lines += ["", "blue: float64, orange: float32", "stars: each dtype's best step",
              "dotted: the 1e-7 pass mark", "purple: the step you picked"]
    key = tuple(lines)
    s = draw.scale(fig)
    artists["text"].show(key, lambda size: draw.text_rgb(
        key, tuple(size), pixels=round(draw.TEXT_PX * s), line_px=round(draw.LINE_PX * s)))
    return fig, artists


def caption_gradient_check(state):
    b64, b32 = state.best("float64"), state.best("float32")
    return (f"<b>Gradient check</b> of conv → ReLU → max pool → dense, cross-entropy loss: "
            f"with a large step the central difference misses the curvature (error falls like "
            f"eps²); with a tiny one it measures round-off (error grows like 1/eps). The best "
            f"step here is 1e{b64} in float64 (error {state.error('float64', b64):.0e}) and "
            f"1e{b32} in float32 (error {state.error('float32', b32):.0e}).")


@catalog.factory
def gradient_check_explorer(*, target="conv weights", eps_exponent=-5):
    """The gradient check's error against the step; a slider for the step, a toggle for
    what is differentiated."""
    import ipywidgets as widgets

    controls = dict(
        target=widgets.ToggleButtons(options=CHECK_TARGETS, value=target,
                                     description="w.r.t."),
        eps_exponent=widgets.IntSlider(eps_exponent, min(EPS_EXPONENTS), max(EPS_EXPONENTS),
                                       description="log10 eps"),
    )
    return Explorer(lambda target, eps_exponent: gradient_check(target=target,
                                                                eps_exponent=eps_exponent),
                    plot_gradient_check, controls, draw.new_figure(*CHECK_SIZE),
                    caption=caption_gradient_check, layout=[["target", "eps_exponent"]])


catalog.register("09", "gradient check", gradient_check_explorer)


__all__ = ["CHECK_SIZE", "caption_gradient_check", "gradient_check_explorer", "plot_gradient_check"]
