"""cnnviz: the math behind interactive notebooks on how convolutional networks see.

Arrays are channels-first, like PyTorch: an image or feature map is ``(C, H, W)``,
a batch ``(N, C, H, W)``, convolution weights ``(C_out, C_in, kh, kw)``.
Importing cnnviz loads numpy and Pillow only; plotting and widgets live in
:mod:`cnnviz.explorers`, imported on demand.
"""

from . import augment, datasets, filters, images, interpret, losses, models, pretrained
from .convolution import (
    col2im, conv2d, conv2d_backward, conv2d_backward_naive, conv2d_naive, convolve2d, correlate2d,
    im2col, pad2d,
)
from .layers import (
    AvgPool2d, BatchNorm2d, Conv2d, Dense, Flatten, GlobalAvgPool2d, Linear, MaxPool2d, ReLU,
    ReLU6, Residual, Sequential, Softmax,
)
from .gradcheck import numerical_gradient
from .images import load_image
from .losses import CrossEntropyLoss, cross_entropy, softmax
from .params import conv2d_params, dense_params, locally_connected_params
from .pooling import avg_pool2d, avg_pool2d_backward, max_pool2d, max_pool2d_backward
from .receptive import receptive_field
from .shapes import conv_output_size, explain_output_size, pool_output_size, same_padding
from .shapes import conv_transpose_output_size, explain_conv_transpose_output_size
from .matrices import conv2d_matrix
from .sequence import conv1d, conv1d_naive
from .transposed import ConvTranspose2d, conv_transpose2d, conv_transpose2d_naive

__version__ = "0.1.0"

__all__ = [
    "CrossEntropyLoss", "augment", "col2im", "conv2d_backward", "cross_entropy", "datasets", "im2col",
    "interpret",
    "losses", "pretrained", "softmax",
    "AvgPool2d", "Conv2d", "Dense", "Flatten", "Linear", "MaxPool2d", "ReLU", "Sequential",
    "Softmax", "avg_pool2d", "avg_pool2d_backward", "conv2d", "conv2d_backward_naive",
    "conv2d_naive", "conv2d_params", "conv_output_size",
    "convolve2d", "correlate2d", "dense_params", "explain_output_size", "filters", "images", "load_image", "locally_connected_params",
    "max_pool2d", "max_pool2d_backward", "models", "numerical_gradient",
    "pad2d", "pool_output_size", "same_padding",
    "BatchNorm2d", "GlobalAvgPool2d", "ReLU6", "Residual", "receptive_field",
    "ConvTranspose2d", "conv_transpose2d", "conv_transpose2d_naive",
    "conv_transpose_output_size", "explain_conv_transpose_output_size",
    "conv1d", "conv1d_naive", "conv2d_matrix",
]
