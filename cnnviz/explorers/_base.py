"""The machinery every explorer shares: controls, a state, a figure updated in place.

An explorer has three layers, each testable alone:

1. a state function, ``compute(**settings) -> state``: numpy only, no drawing (it
   lives in :mod:`cnnviz.lessons` or the core). It raises a
   :class:`cnnviz.errors.SettingError` when a combination of settings cannot work;
2. ``plot_*(state, fig=None, artists=None) -> (fig, artists)``: draws ``state`` on a
   matplotlib figure with the toolkit of :mod:`cnnviz.explorers.draw`. Called with
   ``artists=None`` it builds the axes; called again with the artists it returned,
   it only updates them (``set_data``, ``set_text``), which keeps a slider smooth;
3. :class:`Explorer`: the controls, their layout and their constraints, wired to the
   two; it shows the figure as a PNG in an ``ipywidgets.Image``.

A :class:`~cnnviz.errors.SettingError` is explained on the figure in place of the
plots. Any other exception is a bug: it is shown too (a learner never sees a
traceback) but recorded in ``Explorer.last_error``, and the tests that sweep every
control require that to stay ``None``.

The figure is a plain :class:`matplotlib.figure.Figure` on the Agg canvas, never a
pyplot figure, so nothing piles up in the notebook and no backend is needed.
"""

from __future__ import annotations

import base64
import contextlib
import io
import textwrap
import time

import numpy as np
from PIL import Image as PILImage

from ..errors import NothingSelected, SettingError
from .draw import (  # noqa: F401  (re-exported: the names the explorer modules import)
    DIVERGING, DPI, GREY, TextLayer, _CaptionParser, bare, caption_rgb, colour_table,
    figure_rgb, font, matrix_extent, matrix_rgb, new_figure, png_bytes, render_png,
    show_matrix, symmetric_limits, update_matrix,
)

#: pixel density of the picture stored in a saved notebook, relative to the live one:
#: text stays crisp on a high-density screen, and the picture is shown at its 1x size
STORED_SCALE = 2


def control_values(control, points=8):
    """Values to try on a control: about ``points`` across a slider's range, both ends
    included; every option of a dropdown or toggle; both states of a checkbox.

    A slider's values are multiples of its step from its minimum, as the slider itself
    offers them. Used by the tests (every control swept) and the explorer benchmark.
    """
    if hasattr(control, "options"):
        return [opt[1] if isinstance(opt, tuple) else opt for opt in control.options]
    if isinstance(control.value, bool):
        return [False, True]
    values = np.linspace(control.min, control.max, points)
    if isinstance(control.value, (int, np.integer)):
        step = max(1, int(getattr(control, "step", 1) or 1))
        values = control.min + np.round((values - control.min) / step).astype(int) * step
        values = np.unique(np.clip(values, control.min, control.max))
    return [v.item() for v in values]


class Explorer:
    """Controls, a state function and a plot function, wired together.

    Parameters
    ----------
    compute : callable
        ``compute(**values) -> state``, where ``values`` maps control names to values.
    plot : callable
        ``plot(state, fig=None, artists=None) -> (fig, artists)``.
    controls : dict
        Control name -> ipywidgets control (a ValueWidget).
    fig : Figure
        The figure ``plot`` draws on.
    caption : callable, optional
        ``caption(state) -> str`` (HTML) shown under the figure, and drawn under the
        stored picture.
    layout : list of lists of str, optional
        Rows of control names, top to bottom; every control appears once. A row may
        also hold a widget that is not a control (a Play button linked to a slider),
        placed as given. By default all controls share one row that wraps (or rows
        of ``columns`` controls).
    constrain : callable, optional
        ``constrain(values) -> {name: {"min": .., "max": .., "disabled": .., "value": ..}}``,
        pure: from the controls' values, each control's limits (``step`` too, for a
        slider whose useful values are spaced by another control), whether it is disabled,
        and a value it must take (a padding that follows a named mode, say). Applied
        before every compute, until the values stop changing; a value outside its new
        limits is clipped into them.
    explain : callable, optional
        ``explain(err) -> str``: the learner's sentence for a
        :class:`~cnnviz.errors.SettingError`, built from its fields (default ``str(err)``).
    stored_scale : float
        Pixel density of the stored picture (see :data:`STORED_SCALE`).

    Attributes
    ----------
    state : object
        The latest state, or ``None`` when the setting was impossible.
    message : str or None
        The explanation shown instead of a picture, if any.
    last_error : BaseException or None
        An unexpected error (a bug, never a learner's setting); tests assert it stays None.
    timings : list of float
        Seconds spent per update (constraints + compute + draw + PNG), for the benchmark.
    """

    def __init__(self, compute, plot, controls, fig, *, caption=None, layout=None,
                 constrain=None, explain=None, columns=None, stored_scale=STORED_SCALE):
        import ipywidgets as widgets

        self.compute = compute
        self.plot = plot
        self.controls = dict(controls)
        self.fig = fig
        self.caption = caption
        self.constrain = constrain
        self.explain = explain or str
        self.stored_scale = stored_scale
        self.artists = None
        self.state = None
        self.message = None
        self.last_error = None
        self._held = False
        self._hidden_axes = []
        self.timings = []
        self.png = b""
        self.origin = None  # set by a catalogued factory: which one, from which inputs
        # parse_math=False: a message quoting a file name such as "price_$5_$6.png" is
        # text, not matplotlib mathtext (which would fail to parse and break every redraw).
        # The lines are wrapped by _show_message: matplotlib's own wrap=True measures the
        # lines as mathtext whatever parse_math says.
        self._message_text = fig.text(
            0.5, 0.5, "", ha="center", va="center", fontsize=12, parse_math=False,
            bbox=dict(boxstyle="round,pad=0.8", fc="#fff8e1", ec="#b26a00"), zorder=10,
        )
        self._message_text.set_visible(False)
        # Shown at the figure's own pixel size (a stretched PNG looks blurred), but
        # never wider than the notebook.
        width = int(round(fig.get_figwidth() * fig.dpi))
        self.image = widgets.Image(
            format="png", layout=widgets.Layout(width=f"{width}px", max_width="100%", height="auto")
        )
        self.text = widgets.HTML()
        self.widget = widgets.VBox([*self._rows(layout, columns), self.image, self.text])
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        self.update()

    def _rows(self, layout, columns):
        import ipywidgets as widgets

        if layout is not None:
            names = [name for row in layout for name in row if isinstance(name, str)]
            if sorted(names) != sorted(self.controls):
                raise ValueError(f"layout must name every control once: controls "
                                 f"{sorted(self.controls)}, layout {names}")
            return [widgets.HBox([self.controls[n] if isinstance(n, str) else n for n in row])
                    for row in layout]
        boxes = list(self.controls.values())
        if columns:
            return [widgets.HBox(boxes[i:i + columns]) for i in range(0, len(boxes), columns)]
        return [widgets.HBox(boxes, layout=widgets.Layout(flex_flow="row wrap"))]

    # -- the update cycle -------------------------------------------------------
    def values(self):
        """The current value of every control, by name."""
        return {name: c.value for name, c in self.controls.items()}

    def _on_change(self, change):
        if not self._held:
            self.update()

    @contextlib.contextmanager
    def hold(self, *, redraw=True):
        """Change several controls inside ``with explorer.hold():`` and redraw once at the end."""
        if self._held:  # nested: the outermost hold decides
            yield self
            return
        self._held = True
        try:
            yield self
        finally:
            self._held = False
            if redraw:
                self.update()

    def apply_constraints(self):
        """Set each control's limits, disabled state and forced value from ``constrain``.

        Runs until nothing changes (a clipped value can move another control's
        limits); four rounds at most, which no real chain of controls exceeds.
        """
        if self.constrain is None:
            return
        with self.hold(redraw=False):
            for _ in range(4):
                changed = False
                for name, limits in self.constrain(self.values()).items():
                    changed |= _limit(self.controls[name], limits)
                if not changed:
                    return
        raise RuntimeError("constrain did not settle after 4 rounds: the limits it returns "
                           "keep moving the values")

    def update(self):
        """Apply the constraints, recompute the state and redraw the figure in place."""
        start = time.perf_counter()
        self.state, self.message = None, None
        try:
            self.apply_constraints()
            values = self.values()
            empty = [name for name, value in values.items() if value is None]
            if empty:  # a dropdown can be left with no option selected
                raise NothingSelected(empty[0])
            self.state = self.compute(**values)
        except SettingError as err:  # an impossible setting, explained in words
            self.message = self._sentence(err)
        except Exception as err:  # a bug: still no traceback in front of a learner
            self._record(err, "Something went wrong")
        if self.state is not None:
            self._show_message(None)  # before plotting: a plot may hide axes of its own
            try:
                self.fig, self.artists = self.plot(self.state, self.fig, self.artists)
            except Exception as err:
                self.state = None
                self._record(err, "Something went wrong while drawing")
        try:
            if self.message is not None:
                self._show_message(self.message)
            self.png = render_png(self.fig)
            self.image.value = self.png
            if self.caption is not None:
                self.text.value = self.caption(self.state) if self.state is not None else ""
        except Exception as err:  # drawing the picture or the caption failed: a bug
            self._record(err, "Something went wrong while drawing")
            self.text.value = ""
            self.state = None
            self._show_message(self.message)
            try:
                self.png = render_png(self.fig)       # only the message now: plain text
            except Exception:  # an artist outside the axes is broken: keep the last picture
                pass
            self.image.value = self.png
        self.timings.append(time.perf_counter() - start)

    def _sentence(self, err):
        try:
            return self.explain(err)
        except Exception as bug:  # an explain hook that fails is a bug of its own
            self._record(bug, "Something went wrong while explaining a setting")
            return self.message or str(err)

    def _record(self, err, what):
        self.last_error = err
        self.message = f"{what}: {err}"

    def _show_message(self, message):
        """Hide the visible axes behind an explanation, or bring back exactly those axes."""
        if message is None:
            for ax in self._hidden_axes:
                ax.set_visible(True)
            self._hidden_axes = []
            self._message_text.set_visible(False)
            return
        if not self._hidden_axes:
            self._hidden_axes = [ax for ax in self.fig.axes if ax.get_visible()]
        for ax in self._hidden_axes:
            ax.set_visible(False)
        self._message_text.set_text("\n".join(textwrap.wrap(message, 60)))
        self._message_text.set_visible(True)

    # -- for tests and the notebook ----------------------------------------------
    def set(self, **values):
        """Set several controls at once (each change triggers one update)."""
        for name, value in values.items():
            if name not in self.controls:
                raise ValueError(f"unknown control {name!r}; controls are {sorted(self.controls)}")
            self.controls[name].value = value
        return self

    def static_png(self) -> bytes:
        """The explorer as a reader without a kernel sees it, in one PNG: the figure at
        ``stored_scale`` times the pixel density and, under it, the caption."""
        scale = self.stored_scale
        picture = None
        if self.state is not None and scale != 1:
            w, h = self.fig.get_size_inches()
            fig = new_figure(w, h, dpi=self.fig.dpi * scale)
            try:
                fig, _ = self.plot(self.state, fig, None)
                picture = figure_rgb(fig)
            except Exception as err:  # the stored view must not break a notebook's run
                self._record(err, "Something went wrong while drawing the stored picture")
        if picture is None:
            scale = 1
            picture = figure_rgb(self.fig)
        if self.caption is not None and self.text.value:
            words = caption_rgb(self.text.value, picture.shape[1], pixels=round(13 * scale),
                                margin=round(8 * scale))
            if words.size:
                picture = np.concatenate([picture, words], axis=0)
        self._stored_size = (round(picture.shape[1] / scale), round(picture.shape[0] / scale))
        return png_bytes(picture, compress_level=9)

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        data, metadata = bundle if isinstance(bundle, tuple) else (bundle, {})
        # A static picture for viewers without a kernel (GitHub, nbviewer), shown at
        # its 1x size.
        self._stored_size = None
        png = self.static_png()
        data["image/png"] = base64.b64encode(png).decode("ascii")
        if self._stored_size is not None:
            width, height = self._stored_size
        else:  # static_png replaced by a picture of its own (notebook 08's filmstrip)
            with PILImage.open(io.BytesIO(png)) as picture:
                width, height = picture.size
        metadata = dict(metadata or {})
        metadata["image/png"] = {"width": width, "height": height}
        if getattr(self, "origin", None) is not None:  # see cnnviz.explorers.catalog
            metadata["cnnviz_explorer"] = dict(self.origin)
        data["text/plain"] = f"<{type(self).__name__}: {', '.join(self.controls)}>"
        return data, metadata


def _limit(control, limits):
    """Apply ``{"min", "max", "step", "disabled", "value", "options"}`` to a control;
    True if anything changed."""
    changed = False
    if limits.get("options") is not None and tuple(control.options) != tuple(limits["options"]):
        control.options = tuple(limits["options"])
        changed = True
    for key in ("min", "max", "step", "disabled"):
        if key in limits and limits[key] is not None and getattr(control, key) != limits[key]:
            if key == "min" and limits[key] > control.max:      # widen before narrowing
                control.max = limits["max"] if "max" in limits else limits[key]
            if key == "max" and limits[key] < control.min:
                control.min = limits["min"] if "min" in limits else limits[key]
            setattr(control, key, limits[key])
            changed = True
    if "value" in limits and limits["value"] is not None and control.value != limits["value"]:
        control.value = limits["value"]
        changed = True
    return changed


__all__ = ["STORED_SCALE", "Explorer", "control_values"]
