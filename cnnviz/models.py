"""Well-known architectures as :class:`~cnnviz.layers.Sequential` descriptions.

They exist to be summarised (shapes and parameter counts), not trained here:
weights are only allocated if you call ``.initialize()``. Dropout and other
layers without parameters or shape changes are left out.
"""

from __future__ import annotations

from .layers import Conv2d, Dense, Flatten, MaxPool2d, ReLU, Sequential


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
