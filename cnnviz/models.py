"""Well-known architectures as :class:`~cnnviz.layers.Sequential` descriptions.

They exist to be summarised (shapes and parameter counts), not trained here:
weights are only allocated if you call ``.initialize()``. Dropout and other
layers without parameters or shape changes are left out.
"""

from __future__ import annotations

from .layers import (
    BatchNorm2d, Conv2d, Dense, Flatten, GlobalAvgPool2d, MaxPool2d, ReLU, ReLU6, Residual,
    Sequential,
)


def lenet5(num_classes=10) -> Sequential:
    """LeNet-5 in its modern form (ReLU, max pooling) for a 1x32x32 input.

    >>> lenet5().summary((1, 32, 32)).total_params
    61706
    """
    return Sequential([
        Conv2d(1, 6, 5), ReLU(), MaxPool2d(2),
        Conv2d(6, 16, 5), ReLU(), MaxPool2d(2),
        Flatten(),
        Dense(16 * 5 * 5, 120), ReLU(),
        Dense(120, 84), ReLU(),
        Dense(84, num_classes),
    ])


def alexnet(num_classes=1000) -> Sequential:
    """AlexNet in torchvision's single-GPU layout, for a 3x224x224 input.

    >>> alexnet().summary((3, 224, 224)).total_params
    61100840
    """
    return Sequential([
        Conv2d(3, 64, 11, stride=4, padding=2), ReLU(), MaxPool2d(3, stride=2),
        Conv2d(64, 192, 5, padding=2), ReLU(), MaxPool2d(3, stride=2),
        Conv2d(192, 384, 3, padding=1), ReLU(),
        Conv2d(384, 256, 3, padding=1), ReLU(),
        Conv2d(256, 256, 3, padding=1), ReLU(), MaxPool2d(3, stride=2),
        Flatten(),
        Dense(256 * 6 * 6, 4096), ReLU(),
        Dense(4096, 4096), ReLU(),
        Dense(4096, num_classes),
    ])


def _vgg(blocks, num_classes, include_top):
    layers, channels = [], 3
    for width, repeat in blocks:
        for _ in range(repeat):
            layers += [Conv2d(channels, width, 3, padding=1), ReLU()]
            channels = width
        layers.append(MaxPool2d(2))
    if include_top:
        layers += [
            Flatten(),
            Dense(512 * 7 * 7, 4096), ReLU(),
            Dense(4096, 4096), ReLU(),
            Dense(4096, num_classes),
        ]
    return Sequential(layers)


def vgg16(num_classes=1000, *, include_top=True) -> Sequential:
    """VGG16 (configuration D) for a 3x224x224 input.

    >>> vgg16().summary((3, 224, 224)).total_params
    138357544
    >>> vgg16(include_top=False).num_params
    14714688
    """
    return _vgg([(64, 2), (128, 2), (256, 3), (512, 3), (512, 3)], num_classes, include_top)


def vgg19(num_classes=1000, *, include_top=True) -> Sequential:
    """VGG19 (configuration E) for a 3x224x224 input.

    >>> vgg19().summary((3, 224, 224)).total_params
    143667240
    >>> vgg19(include_top=False).num_params
    20024384
    """
    return _vgg([(64, 2), (128, 2), (256, 4), (512, 4), (512, 4)], num_classes, include_top)


def example_classifier() -> Sequential:
    """The curriculum's binary classifier for a 3x128x128 input (3x3 convs, 3x3 pools).

    >>> example_classifier().summary((3, 128, 128)).total_params
    2892993
    """
    return Sequential([
        Conv2d(3, 512, 3), ReLU(), MaxPool2d(3),
        Conv2d(512, 256, 3), ReLU(), MaxPool2d(3),
        Conv2d(256, 128, 3, padding="same"), ReLU(),
        Conv2d(128, 64, 3), ReLU(), MaxPool2d(3),
        Flatten(),
        Dense(576, 256), ReLU(),
        Dense(256, 512), ReLU(),
        Dense(512, 1024), ReLU(),
        Dense(1024, 512), ReLU(),
        Dense(512, 1),
    ])


def _basic_block(in_channels, out_channels, stride):
    """ResNet's basic block: two 3x3 conv + BatchNorm, added to the input, then a ReLU."""
    shortcut = None
    if stride != 1 or in_channels != out_channels:
        shortcut = [Conv2d(in_channels, out_channels, 1, stride=stride, bias=False),
                    BatchNorm2d(out_channels)]
    block = Residual([
        Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, bias=False),
        BatchNorm2d(out_channels), ReLU(),
        Conv2d(out_channels, out_channels, 3, padding=1, bias=False), BatchNorm2d(out_channels),
    ], shortcut=shortcut)
    return [block, ReLU()]


def resnet18(num_classes=1000) -> Sequential:
    """ResNet-18 (He et al., 2016) in torchvision's layout, for a 3x224x224 input.

    A 7x7 stride-2 convolution and a 3x3 stride-2 max pool, then four stages of two
    basic blocks (64, 128, 256 and 512 channels; the first block of each later stage
    halves the size, its shortcut a 1x1 stride-2 convolution + BatchNorm), global
    average pooling and one dense layer. Each :class:`~cnnviz.layers.Residual` is
    one row of the summary, the ReLU after the sum the next.

    >>> net = resnet18()
    >>> summary = net.summary((3, 224, 224))
    >>> summary.total_params, summary.rows[-1].output_shape
    (11689512, (1000,))
    >>> summary.total_multiply_adds
    1814073344
    """
    layers = [
        Conv2d(3, 64, 7, stride=2, padding=3, bias=False), BatchNorm2d(64), ReLU(),
        MaxPool2d(3, stride=2, padding=1),
    ]
    channels = 64
    for width, stride in ((64, 1), (128, 2), (256, 2), (512, 2)):
        layers += _basic_block(channels, width, stride) + _basic_block(width, width, 1)
        channels = width
    layers += [GlobalAvgPool2d(), Dense(512, num_classes)]
    return Sequential(layers)


def _inverted_residual(in_channels, out_channels, stride, expand):
    """MobileNetV2's block: 1x1 expand, 3x3 depthwise, 1x1 linear projection."""
    hidden = in_channels * expand
    layers = []
    if expand != 1:
        layers += [Conv2d(in_channels, hidden, 1, bias=False), BatchNorm2d(hidden), ReLU6()]
    layers += [
        Conv2d(hidden, hidden, 3, stride=stride, padding=1, groups=hidden, bias=False),
        BatchNorm2d(hidden), ReLU6(),
        Conv2d(hidden, out_channels, 1, bias=False), BatchNorm2d(out_channels),
    ]
    if stride == 1 and in_channels == out_channels:
        return [Residual(layers)]
    return layers


def mobilenet_v2(num_classes=1000) -> Sequential:
    """MobileNetV2 (Sandler et al., 2018) in torchvision's layout (width 1.0), for 3x224x224.

    A 3x3 stride-2 convolution to 32 channels, then 17 inverted residual blocks:
    each widens its input ``t`` times with a 1x1 convolution, filters every channel
    alone with a 3x3 depthwise convolution (``groups`` = channels) and projects
    back down with a 1x1 convolution that has no activation. Blocks that keep the
    shape are :class:`~cnnviz.layers.Residual` rows; the others are plain layers.
    A 1x1 convolution to 1280 channels, global average pooling and one dense layer
    finish it (dropout is left out: it has no parameters).

    >>> net = mobilenet_v2()
    >>> net.summary((3, 224, 224)).total_params
    3504872
    """
    layers = [Conv2d(3, 32, 3, stride=2, padding=1, bias=False), BatchNorm2d(32), ReLU6()]
    channels = 32
    # (expansion t, output channels c, repeats n, stride of the first s), from the paper.
    for t, c, n, s in ((1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2),
                       (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)):
        for i in range(n):
            layers += _inverted_residual(channels, c, s if i == 0 else 1, t)
            channels = c
    layers += [Conv2d(channels, 1280, 1, bias=False), BatchNorm2d(1280), ReLU6(),
               GlobalAvgPool2d(), Dense(1280, num_classes)]
    return Sequential(layers)
