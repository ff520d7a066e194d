"""A drawing pad: the learner draws with the mouse, a network reads the drawing.

:class:`DrawingPad` is an ipycanvas canvas of 280x280 screen pixels with a Clear
button. It records every stroke (mouse down, moves, mouse up) and draws it as it
goes; :meth:`DrawingPad.image` gives the drawing as a ``(1, 28, 28)`` float32 image
in [0, 1], ink bright on a dark background like ``make_shapes``' images
(:func:`cnnviz.lessons.drawing.strokes_to_image`). Observers registered with
:meth:`DrawingPad.observe` are called with the pad after each finished stroke and
after Clear, so an explorer can show the network's probabilities as the learner
draws::

    pad = DrawingPad()
    pad.observe(lambda pad: show(net.forward(pad.image())))
    display(pad.widget)

Strokes can also be set from code (:meth:`DrawingPad.draw`), which is how a notebook
shows the pad with a drawing on it when nobody is there to draw, and how the tests
drive it without a browser.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from ..lessons.drawing import CANVAS_SIZE, PEN_WIDTH, check_strokes, strokes_to_image

_PAPER = "#000000"
_INK = "#ffffff"


class DrawingPad:
    """A canvas to draw on with the mouse, with a Clear button.

    Parameters
    ----------
    size : int
        Side of the image :meth:`image` returns (28 by default).
    pen_width : float
        Width of the pen in screen pixels (the canvas is 280 pixels wide).

    Attributes
    ----------
    strokes : list of ndarray
        The finished strokes, each of shape (k, 2): (x, y) in canvas pixels.
    widget : ipywidgets.VBox
        What to display: the canvas and the Clear button.
    """

    def __init__(self, *, size=28, pen_width=PEN_WIDTH):
        from ipycanvas import Canvas   # imported here: the module loads without a browser

        self.size = size
        self.pen_width = pen_width
        self.strokes = []
        self._current = None
        self._observers = []
        self.canvas = Canvas(width=CANVAS_SIZE, height=CANVAS_SIZE,
                             layout=widgets.Layout(width=f"{CANVAS_SIZE}px",
                                                   height=f"{CANVAS_SIZE}px"))
        self.canvas.line_cap = "round"
        self.canvas.line_join = "round"
        self.canvas.on_mouse_down(self._down)
        self.canvas.on_mouse_move(self._move)
        self.canvas.on_mouse_up(self._up)
        self.canvas.on_mouse_out(self._up)
        self.clear_button = widgets.Button(description="Clear", icon="eraser",
                                           layout=widgets.Layout(width="90px"))
        self.clear_button.on_click(lambda _: self.clear())
        self.widget = widgets.VBox([self.canvas, self.clear_button])
        self.widget.add_class("cnnviz-drawing-pad")
        self._paper()

    # ------------------------------------------------------------------ observers
    def observe(self, callback):
        """Call ``callback(pad)`` after every finished stroke and after Clear."""
        if not callable(callback):
            raise TypeError(f"callback must be callable, such as a function; got {callback!r}")
        self._observers.append(callback)

    def _notify(self):
        for callback in self._observers:
            callback(self)

    # -------------------------------------------------------------------- drawing
    def _paper(self):
        self.canvas.fill_style = _PAPER
        self.canvas.fill_rect(0, 0, CANVAS_SIZE, CANVAS_SIZE)
        self.canvas.stroke_style = _INK
        self.canvas.fill_style = _INK
        self.canvas.line_width = self.pen_width

    def _dot(self, x, y):
        self.canvas.fill_circle(x, y, self.pen_width / 2)

    def _down(self, x, y):
        self._current = [(float(x), float(y))]
        self._dot(x, y)

    def _move(self, x, y):
        if self._current is None:
            return
        x0, y0 = self._current[-1]
        if (x - x0) ** 2 + (y - y0) ** 2 < 1.0:   # the same pixel: nothing to add
            return
        self._current.append((float(x), float(y)))
        self.canvas.stroke_line(x0, y0, x, y)

    def _up(self, x=None, y=None):
        if self._current is None:
            return
        if x is not None and self._current[-1] != (float(x), float(y)):
            self._move(x, y)
        self.strokes.append(np.array(self._current))
        self._current = None
        self._notify()

    def draw(self, strokes):
        """Add ``strokes`` (lists of (x, y) canvas points) as if drawn, and tell observers."""
        strokes = check_strokes(strokes)
        for points in strokes:
            self._dot(*points[0])
            if len(points) > 1:
                self.canvas.stroke_lines(points.tolist())
            self.strokes.append(points)
        self._notify()

    def clear(self):
        """Wipe the drawing and tell the observers."""
        self.strokes = []
        self._current = None
        self._paper()
        self._notify()

    # ---------------------------------------------------------------------- image
    def image(self):
        """The drawing as float32 ``(1, size, size)`` in [0, 1] (ink bright)."""
        return strokes_to_image(self.strokes, size=self.size, pen_width=self.pen_width)

    def preview_rgb(self):
        """The image a network sees, as grey RGB uint8 (for a figure or the stored view)."""
        grey = np.clip(self.image()[0] * 255, 0, 255).astype(np.uint8)
        return np.repeat(grey[:, :, None], 3, axis=2)


__all__ = ["DrawingPad"]
