"""Interactive explorers for the notebooks: state functions, plot functions, widgets.

Importing this package loads matplotlib (Agg canvas only) and, when an explorer
is built, ipywidgets. The math stays in :mod:`cnnviz`.
"""

from ._base import Explorer, new_figure, render_png
from .pixels import channel_explorer, pixel_zoom

__all__ = ["Explorer", "new_figure", "render_png", "channel_explorer", "pixel_zoom"]
