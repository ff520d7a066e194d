"""Interactive explorers for the notebooks: state functions, plot functions, widgets.

Importing this package loads matplotlib (Agg canvas only, no pyplot) and, when an
explorer is built, ipywidgets. The math stays in :mod:`cnnviz`. Each topic has its
own module, with the same three layers: a pure ``*_state`` function, a ``plot_*``
function, and a factory that returns an :class:`Explorer`.
"""

from ._base import Explorer, TextLayer, new_figure, render_png
from .receptive_fields import receptive_field_explorer
from .architectures import architecture_gallery
from .backprop import gradient_stepper, pool_backward_explorer, stride_backward_explorer
from .beyond import fft_explorer, groups_explorer, sequence_explorer
from .filter_stack import filter_stack_explorer
from .model_share import model_share_explorer
from .parameters import parameter_calculator
from .filmstrip import filmstrip_figure
from .forward import forward_explorer
from .gradient_check import gradient_check_explorer
from .gallery import custom_kernel, kernel_gallery, sobel_edges
from .nonlinear import bilateral_vs_gaussian, border_modes, median_vs_blur
from .interpretation import (
    draw_and_explain, explain_explorer, grad_cam_explorer, occlusion_explorer,
)
from .maximisation import filter_explorer
from .pixels import channel_explorer, pixel_zoom
from .pool_views import pooling_explorer, shift_explorer
from .pool_winners import winners_explorer
from .sanity import sanity_explorer
from .sizes import size_explorer
from .stepper import convolution_stepper, flip_explorer
from .transposed_views import matrix_explorer, transposed_explorer
from .volume import partial_sums_explorer

__all__ = [
    "Explorer", "TextLayer", "new_figure", "render_png",
    "parameter_calculator", "model_share_explorer",
    "pixel_zoom", "channel_explorer",
    "convolution_stepper", "flip_explorer",
    "kernel_gallery", "custom_kernel", "sobel_edges", "median_vs_blur", "bilateral_vs_gaussian",
    "border_modes",
    "size_explorer",
    "partial_sums_explorer", "filter_stack_explorer",
    "pooling_explorer", "shift_explorer", "winners_explorer",
    "forward_explorer", "filmstrip_figure",
    "gradient_stepper", "stride_backward_explorer", "pool_backward_explorer",
    "gradient_check_explorer",
    "occlusion_explorer", "grad_cam_explorer", "explain_explorer", "draw_and_explain",
    "filter_explorer", "sanity_explorer",
    "receptive_field_explorer", "architecture_gallery",
    "transposed_explorer", "matrix_explorer", "sequence_explorer", "groups_explorer",
    "fft_explorer",
]
