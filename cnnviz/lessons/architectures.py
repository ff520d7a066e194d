"""Notebook 13: receptive fields, effective receptive fields and famous architectures.

The state behind the notebook's two explorers, and the small experiments of its
prose, numpy only:

- :func:`build_stack` and :func:`receptive_state`: a stack of convolutions (and
  2x2 max pools) built from a few settings, and what one of its units sees, with
  the numbers of the recurrence ``r_l = r_{l-1} + (k_l - 1) d_l j_{l-1}``,
  ``j_l = j_{l-1} s_l`` (see :func:`cnnviz.receptive_field`);
- :func:`unit_input_gradient` and :func:`effective_field`: how much one unit
  depends on each input pixel (Luo et al., 2016), and :func:`mass_width`, the side
  of the centred square that holds most of it;
- :func:`gradient_through_depth`: the gradient that reaches the first layer of a
  deep plain stack against a residual one;
- :data:`ARCHITECTURES`, :func:`architecture_row` and :func:`gallery_state`: LeNet-5
  to MobileNetV2 side by side.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validate import _show, as_array, nonnegative_int, one_of, positive_int
from ..errors import SettingError
from ..layers import Conv2d, Dense, MaxPool2d, ReLU, Residual, Sequential, _Pool2d
from ..models import alexnet, lenet5, mobilenet_v2, resnet18, vgg16
from ..params import conv2d_params
from ..receptive import receptive_field
from ..shapes import conv_output_size, pool_output_size

#: the kernel sizes the receptive field explorer offers (odd, so padding keeps the size)
KERNEL_SIZES = (1, 3, 5, 7)
#: channels of every convolution in the parameter comparison (the VGG argument)
COMPARE_CHANNELS = 64


# --------------------------------------------------------------------- receptive fields
@dataclass(frozen=True)
class StackLayer:
    """One layer of the explorer's stack: a convolution, optionally then a 2x2 max pool."""

    kernel: int = 3
    stride: int = 1
    dilation: int = 1
    pool: bool = False


def _as_spec(spec, i):
    if isinstance(spec, StackLayer):
        return spec
    if isinstance(spec, dict):
        return StackLayer(**spec)
    if isinstance(spec, (tuple, list)) and 1 <= len(spec) <= 4:
        return StackLayer(*spec)
    raise TypeError(f"layers[{i}] must be a StackLayer, a dict or a tuple (kernel, stride, "
                    f"dilation, pool); got {_show(spec)}")


def build_stack(layers, *, channels=1) -> Sequential:
    """A stack of ``Conv2d`` (padding ``d (k - 1) / 2``, so stride 1 keeps the size),
    each followed by a ``MaxPool2d(2)`` when its ``pool`` is set.

    Parameters
    ----------
    layers : sequence of StackLayer, dict or (kernel, stride, dilation, pool)
        ``kernel`` odd.
    channels : int
        Input and output channels of every convolution.

    Examples
    --------
    >>> build_stack([(3, 1, 1, True), (3,)])
    Sequential([
        Conv2d(1, 1, kernel_size=3, padding=1),
        MaxPool2d(kernel_size=2),
        Conv2d(1, 1, kernel_size=3, padding=1),
    ])
    """
    if isinstance(layers, (StackLayer, dict)) or not isinstance(layers, (list, tuple)):
        raise TypeError(f"layers must be a list of layer settings; got {_show(layers)}")
    channels = positive_int(channels, "channels")
    out = []
    for i, spec in enumerate(layers):
        spec = _as_spec(spec, i)
        k = positive_int(spec.kernel, "kernel")
        if k % 2 == 0:
            raise ValueError(f"kernel must be odd, so that the padding is the same on both "
                             f"sides; got {k}")
        d = positive_int(spec.dilation, "dilation")
        out.append(Conv2d(channels, channels, k, stride=positive_int(spec.stride, "stride"),
                          padding=d * (k - 1) // 2, dilation=d))
        if spec.pool:
            out.append(MaxPool2d(2))
    return Sequential(out)


def _layer_settings(layer):
    """(kernel, stride, dilation) of a layer that moves a window; None for the others."""
    if isinstance(layer, Conv2d):
        return layer.kernel_size[0], layer.stride[0], layer.dilation[0]
    if isinstance(layer, _Pool2d):
        return layer.kernel_size[0], layer.stride[0], 1
    return None


def _map_sizes(model, size):
    """Each layer's output side for a square input of ``size``; SettingError when a pool runs
    out of rows (convolutions padded by d (k - 1) / 2 always fit)."""
    sizes = []
    for i, layer in enumerate(model.layers, 1):
        if isinstance(layer, Conv2d):
            (lo, hi), _ = layer._pads()
            k, s, d = _layer_settings(layer)
            if size + lo + hi < d * (k - 1) + 1:
                raise SettingError(
                    f"Layer {i} does not fit: its {k}x{k} kernel (dilation {d}) needs "
                    f"{d * (k - 1) + 1} rows, but its input has {size} (with padding {lo + hi}).",
                    layer=i, size=size, span=d * (k - 1) + 1)
            size = conv_output_size(size + lo + hi, k, stride=s, dilation=d)
        elif isinstance(layer, _Pool2d):
            k, s, _ = _layer_settings(layer)
            if size < k:
                raise SettingError(
                    f"Layer {i}, a {k}x{k} pool, has nothing left to pool: the map before it "
                    f"is {size}x{size}. Use fewer strides or pools, or fewer layers.",
                    layer=i, size=size, kernel=k)
            size = pool_output_size(size, k, stride=s)
        sizes.append(size)
    return sizes


def _main_path_convs(layer):
    """The convolutions inside a residual block's main path (none for other layers)."""
    if not isinstance(layer, Residual):
        return []
    convs = []
    for inner in layer.block:
        convs += [inner] if isinstance(inner, Conv2d) else _main_path_convs(inner)
    return convs


def _in_channels(model):
    first = next((lay for lay in model.layers if isinstance(lay, (Conv2d, Residual))), None)
    if isinstance(first, Residual):
        return _in_channels(first.block)
    return first.in_channels if first is not None else 1


def map_sizes(model, size):
    """The side of every layer's output map for a square one-channel-per-input picture of
    ``size``, None for layers that give a vector.

    Raises a :class:`~cnnviz.errors.SettingError` when the picture does not fit the model.

    >>> map_sizes(build_stack([(3, 2), (3, 1, 1, True)]), 64)
    [32, 32, 16]
    """
    if all(_layer_settings(layer) is not None for layer in model.layers):
        return _map_sizes(model, size)
    try:
        shapes = model.output_shapes((_in_channels(model), size, size))
    except ValueError as err:
        raise SettingError(f"The {size}x{size} picture does not fit the network: {err}",
                           size=size) from None
    return [shape[1] if len(shape) == 3 else None for shape in shapes]


@dataclass(frozen=True)
class RecurrenceStep:
    """One line of the recurrence: ``size = size_before + (kernel - 1) dilation jump_before``.

    ``kernel``, ``stride`` and ``dilation`` are None for a layer that is not one window
    (a residual block: its field is the union of its paths').
    """

    name: str
    kernel: int | None
    stride: int | None
    dilation: int | None
    size_before: int
    jump_before: int
    size: int
    jump: int


@dataclass(frozen=True)
class ReceptiveState:
    """What the receptive field explorer shows.

    Attributes
    ----------
    model : Sequential
        The stack.
    image : ndarray (H, W)
        The input picture.
    fields : ReceptiveFields
        :func:`cnnviz.receptive_field` of the stack, one row per layer.
    layer : int
        The chosen layer, 1-based (as in the summary's names).
    unit : (int, int)
        Row and column of the chosen unit in that layer's map.
    map_size : int
        The side of that layer's (square) output map.
    window : ((top, bottom), (left, right))
        The input rows and columns the unit sees, padding included (may be negative).
    steps : tuple of RecurrenceStep
        The recurrence, layer by layer, up to the chosen one.
    stack_weights, single_weights : int
        Weights (no biases) of the stack's convolutions up to the chosen layer (those on
        the main path of residual blocks included) with :data:`COMPARE_CHANNELS`
        channels, and of one convolution whose kernel is as
        wide as the field.
    """

    model: Sequential
    image: np.ndarray
    fields: object
    layer: int
    unit: tuple
    map_size: int
    window: tuple
    steps: tuple
    stack_weights: int
    single_weights: int

    @property
    def field(self):
        """The chosen layer's row of :attr:`fields`."""
        return self.fields[self.layer - 1]

    @property
    def size(self) -> int:
        """The receptive field's side, in input pixels."""
        return self.field.size[0]

    @property
    def jump(self) -> int:
        return self.field.jump[0]

    @property
    def clipped(self):
        """:attr:`window` cut to the image."""
        return self.field.window(*self.unit, clip=True)


def receptive_state(model, image, *, layer=None, row=None, col=None) -> ReceptiveState:
    """The receptive field of unit ``(row, col)`` of layer ``layer`` of ``model``, on ``image``.

    Parameters
    ----------
    model : Sequential
        A network whose layers keep the map square (the stacks of :func:`build_stack`,
        or any with square kernels, strides and paddings), starting with a convolution
        (or a residual block); its first layer's input channels are taken for the
        picture's.
    image : ndarray (H, W), H == W
        The picture the fields are drawn on (one grey channel).
    layer : int, optional
        1-based; the last layer by default.
    row, col : int, optional
        The unit in that layer's map; its centre by default.

    Raises
    ------
    SettingError
        When the stack does not fit the image (a pool with nothing left to pool).

    Examples
    --------
    >>> state = receptive_state(build_stack([(3,), (3,), (3,)]), np.zeros((16, 16)))
    >>> state.size, state.jump, state.unit, state.window
    (7, 1, (8, 8), ((5, 12), (5, 12)))
    >>> [step.size for step in state.steps]
    [3, 5, 7]
    >>> state.stack_weights, state.single_weights       # 3 x 9 C^2 against 49 C^2
    (110592, 200704)
    """
    if not isinstance(model, Sequential):
        raise TypeError(f"model must be a cnnviz.Sequential; got {_show(model)}")
    if not len(model):
        raise ValueError("model must have at least one layer")
    image = as_array(image, "image", ndims=(2,))
    if image.shape[0] != image.shape[1]:
        raise ValueError(f"image must be square; got shape {image.shape}")
    sizes = map_sizes(model, image.shape[0])
    fields = receptive_field(model, (_in_channels(model), *image.shape))
    layer = len(model) if layer is None else positive_int(layer, "layer")
    if layer > len(model):
        raise ValueError(f"layer must be between 1 and {len(model)}; got {layer}")
    n = sizes[layer - 1]
    if n is None:
        raise ValueError(f"layer must give a map (channels, height, width); layer {layer}, "
                         f"{model.layer_names()[layer - 1]}, gives a vector")
    unit = []
    for name, value in (("row", row), ("col", col)):
        value = n // 2 if value is None else nonnegative_int(value, name)
        if value >= n:
            raise ValueError(f"{name} must be below the map's size {n}; got {value}")
        unit.append(value)
    steps, size, jump = [], 1, 1
    stack = single = 0
    names = model.layer_names()
    for i, lay in enumerate(model.layers[:layer]):
        settings = _layer_settings(lay)
        new = fields[i].size[0]
        if settings is None:
            stack += sum(conv2d_params(COMPARE_CHANNELS, COMPARE_CHANNELS, conv.kernel_size,
                                       bias=False) for conv in _main_path_convs(lay))
            if (new, fields[i].jump[0]) != (size, jump):    # a residual block, say
                steps.append(RecurrenceStep(names[i], None, None, None, size, jump, new,
                                            fields[i].jump[0]))
                size, jump = new, fields[i].jump[0]
            continue
        k, s, d = settings
        steps.append(RecurrenceStep(names[i], k, s, d, size, jump, new, fields[i].jump[0]))
        size, jump = new, fields[i].jump[0]
        if isinstance(lay, Conv2d):
            stack += conv2d_params(COMPARE_CHANNELS, COMPARE_CHANNELS, k, bias=False)
    single = conv2d_params(COMPARE_CHANNELS, COMPARE_CHANNELS, fields[layer - 1].size[0],
                           bias=False)
    row_field = fields[layer - 1]
    return ReceptiveState(model, image, fields, layer, tuple(unit), n,
                          row_field.window(*unit), tuple(steps), stack, single)


def stack_state(image, *, depth=3, layer=None, row=None, col=None, **settings):
    """:func:`receptive_state` of the stack the explorer's controls describe.

    ``settings`` holds ``k1, s1, d1, pool1`` (kernel, stride, dilation, pool) for
    layers 1 to ``depth``; missing ones take the defaults of :class:`StackLayer`.
    ``layer`` counts the stack's layers, pools included.

    >>> stack_state(np.zeros((32, 32)), depth=2, k1=3, pool1=True, k2=3).size
    8
    """
    depth = positive_int(depth, "depth")
    specs = [StackLayer(settings.get(f"k{i}", 3), settings.get(f"s{i}", 1),
                        settings.get(f"d{i}", 1), bool(settings.get(f"pool{i}", False)))
             for i in range(1, depth + 1)]
    return receptive_state(build_stack(specs), image, layer=layer, row=row, col=col)


def stack_map_sizes(image_size, *, depth=3, **settings):
    """The output side of every layer of the controls' stack, or None when it does not fit.

    For the explorer's constraints (the unit sliders stop at the map's edge).

    >>> stack_map_sizes(64, depth=2, k1=3, s1=2, pool1=True, k2=5)
    [32, 16, 16]
    """
    specs = [StackLayer(settings.get(f"k{i}", 3), settings.get(f"s{i}", 1),
                        settings.get(f"d{i}", 1), bool(settings.get(f"pool{i}", False)))
             for i in range(1, depth + 1)]
    try:
        return _map_sizes(build_stack(specs), image_size)
    except SettingError:
        return None


# ---------------------------------------------------------- the effective receptive field
def _layer_index(model, layer):
    names = model.layer_names()
    if isinstance(layer, str):
        if layer not in names:
            raise ValueError(f"layer must be a layer's name, one of {names}; got {layer!r}")
        return names.index(layer) + 1
    layer = positive_int(layer, "layer")
    if layer > len(model):
        raise ValueError(f"layer must be between 1 and {len(model)}; got {layer}")
    return layer


def unit_input_gradient(model, images, layer, *, row=None, col=None, channel=None):
    """d(unit)/d(input) for one unit of layer ``layer``, for each image of a batch.

    The unit is position ``(row, col)`` (the map's centre by default) of one channel
    of the layer's output, or the sum over its channels when ``channel`` is None.

    Parameters
    ----------
    model : Sequential, initialised
    images : ndarray (N, C, H, W)
    layer : int (1-based) or str
        A layer's position, or its name from the summary such as ``"ReLU-5"``.

    Returns
    -------
    ndarray (N, C, H, W)
        The gradient of that unit with respect to each image.

    Examples
    --------
    >>> net = build_stack([(3,), (3,)]).initialize(seed=0)
    >>> grad = unit_input_gradient(net, np.ones((1, 1, 9, 9)), 2)
    >>> np.argwhere(grad[0, 0] != 0).min(axis=0), np.argwhere(grad[0, 0] != 0).max(axis=0)
    (array([2, 2]), array([6, 6]))
    """
    if not isinstance(model, Sequential):
        raise TypeError(f"model must be a cnnviz.Sequential; got {_show(model)}")
    images = as_array(images, "images", ndims=(4,))
    index = _layer_index(model, layer)
    sub = Sequential(model.layers[:index])
    out = sub.forward(images)
    if out.ndim != 4:
        raise ValueError(f"layer {index} gives an output of shape {out.shape[1:]}, not a map "
                         "(channels, height, width)")
    _, channels, h, w = out.shape
    row = h // 2 if row is None else nonnegative_int(row, "row")
    col = w // 2 if col is None else nonnegative_int(col, "col")
    if row >= h or col >= w:
        raise ValueError(f"(row, col) must lie in the layer's {h}x{w} map; got ({row}, {col})")
    seed = np.zeros_like(out)
    if channel is None:
        seed[:, :, row, col] = 1
    else:
        channel = nonnegative_int(channel, "channel")
        if channel >= channels:
            raise ValueError(f"channel must be below {channels}; got {channel}")
        seed[:, channel, row, col] = 1
    return sub.backward(seed)


def effective_field(model, images, layer, **unit):
    """The mean magnitude of :func:`unit_input_gradient` over the images and input channels.

    Returns
    -------
    ndarray (H, W)
        How strongly the unit depends on each input pixel, on average; it sums to 1
        (unless the unit depends on nothing).

    >>> net = build_stack([(3,)] * 4).initialize(seed=0)
    >>> erf = effective_field(net, np.random.default_rng(0).random((2, 1, 15, 15)), 4)
    >>> erf.shape, round(float(erf.sum()), 6)
    ((15, 15), 1.0)
    """
    grad = np.abs(unit_input_gradient(model, images, layer, **unit)).mean(axis=(0, 1))
    total = grad.sum()
    return grad / total if total > 0 else grad


def mass_width(weights, share=0.9, *, window=None):
    """The side of the smallest square, centred on ``window``'s centre, holding ``share``
    of the sum of ``weights``' magnitudes.

    Parameters
    ----------
    weights : ndarray (H, W)
        An effective receptive field (see :func:`effective_field`).
    share : float in (0, 1]
    window : ((top, bottom), (left, right)), optional
        The theoretical field (:meth:`cnnviz.receptive.ReceptiveField.window`); its centre
        is the squares' centre, between two pixels when its side is even. The whole
        map by default.

    Returns
    -------
    int
        The side, of the same parity as the window's; squares are cut to the map at
        its edges. 0 when every weight is 0.

    Examples
    --------
    >>> w = np.zeros((9, 9)); w[4, 4] = 0.5; w[2, 4] = 0.5
    >>> mass_width(w, 0.5), mass_width(w, 1.0)
    (1, 5)
    >>> mass_width(w, 1.0, window=((1, 7), (1, 7)))      # centred between rows 3 and 4
    4
    """
    weights = np.abs(as_array(weights, "weights", ndims=(2,)))
    if not 0 < share <= 1:
        raise ValueError(f"share must be in (0, 1]; got {share!r}")
    h, w = weights.shape
    if window is None:
        window = ((0, h), (0, w))
    (top, bottom), (left, right) = window
    total = weights.sum()
    if total == 0:
        return 0
    side = 2 - (bottom - top) % 2         # 1 for an odd window, 2 for an even one
    while True:
        lo_r, lo_c = (top + bottom - side) // 2, (left + right - side) // 2
        box = weights[max(lo_r, 0):max(lo_r + side, 0), max(lo_c, 0):max(lo_c + side, 0)]
        if box.sum() >= share * total * (1 - 1e-12) or side >= 2 * max(h, w):
            return side
        side += 2


def share_inside(weights, window, side):
    """The share of the sum of ``weights``' magnitudes inside the ``side`` x ``side`` square
    centred on ``window``'s centre (see :func:`mass_width`).

    >>> w = np.ones((8, 8))
    >>> share_inside(w, ((0, 8), (0, 8)), 4)                # a quarter of the area
    0.25
    """
    weights = np.abs(as_array(weights, "weights", ndims=(2,)))
    side = positive_int(side, "side")
    (top, bottom), (left, right) = window
    if side % 2 != (bottom - top) % 2:
        raise ValueError(f"side must have the parity of the window's side {bottom - top}; "
                         f"got {side}")
    total = weights.sum()
    lo_r, lo_c = (top + bottom - side) // 2, (left + right - side) // 2
    box = weights[max(lo_r, 0):max(lo_r + side, 0), max(lo_c, 0):max(lo_c + side, 0)]
    return float(box.sum() / total) if total > 0 else 0.0


def random_conv_stack(depth, *, channels=4, seed=0) -> Sequential:
    """``depth`` times [3x3 convolution (padding 1), ReLU], with random He-initialised weights.

    >>> random_conv_stack(5).summary((4, 32, 32)).rows[-1].output_shape
    (4, 32, 32)
    """
    depth = positive_int(depth, "depth")
    layers = []
    for _ in range(depth):
        layers += [Conv2d(channels, channels, 3, padding=1), ReLU()]
    return Sequential(layers).initialize(seed)


# --------------------------------------------------------------- residual connections
def deep_stack(depth=20, *, residual=False, channels=8, size=16, batch=4, weight_scale=1.0,
               seed=0):
    """The experiment of :func:`gradient_through_depth`: its layers, input and output gradient.

    Returns
    -------
    layers : list
        ``depth`` blocks, each a ``Sequential([conv, ReLU])`` or a ``Residual([conv, ReLU])``.
    x : ndarray (batch, channels, size, size)
        The input.
    g : ndarray, the shape of ``x``
        dL/d(output), fixed: the loss is ``sum(out * g)``.

    The weights, ``x`` and ``g`` are drawn in the same order for the plain and the residual
    stack, so with the same seed the two differ only by the skip connections.

    >>> layers, x, g = deep_stack(3, channels=2, size=4, batch=1)
    >>> len(layers), x.shape, g.shape
    (3, (1, 2, 4, 4), (1, 2, 4, 4))
    """
    depth = positive_int(depth, "depth")
    channels, size, batch = (positive_int(v, n) for v, n in
                             ((channels, "channels"), (size, "size"), (batch, "batch")))
    rng = np.random.default_rng(seed)
    layers = []
    for _ in range(depth):
        conv = Conv2d(channels, channels, 3, padding=1)
        conv.weight = rng.standard_normal(conv.param_shapes()["weight"]) * (
            weight_scale * np.sqrt(1.0 / (channels * 9)))
        conv.bias = np.zeros(channels)
        layers.append(Residual([conv, ReLU()]) if residual else Sequential([conv, ReLU()]))
    x = rng.standard_normal((batch, channels, size, size))
    g = rng.standard_normal(x.shape)
    return layers, x, g


def gradient_through_depth(depth=20, *, residual=False, channels=8, size=16, batch=4,
                           weight_scale=1.0, seed=0):
    """The size of the gradient at the input of every layer of a deep stack.

    ``depth`` layers of [3x3 convolution, ReLU], plain or each wrapped in a
    :class:`~cnnviz.layers.Residual` (``x + ReLU(conv(x))``); weights drawn with
    standard deviation ``weight_scale * sqrt(1 / fan_in)`` (1 is LeCun's scale, half
    the variance of He's). The loss is ``sum(out * g)`` for a fixed random ``g``, so
    the gradient at the output is ``g`` (see :func:`deep_stack`).

    Returns
    -------
    ndarray (depth + 1,)
        The root mean square of dL/d(input of layer l), l = 1 .. depth, and last that
        of dL/d(output), ``g``.

    >>> plain = gradient_through_depth(10)
    >>> res = gradient_through_depth(10, residual=True)
    >>> bool(plain[0] < plain[-1] < res[0])
    True
    """
    layers, x, g = deep_stack(depth, residual=residual, channels=channels, size=size,
                              batch=batch, weight_scale=weight_scale, seed=seed)
    for layer in layers:
        x = layer.forward(x)
    norms = [np.sqrt(np.mean(g ** 2))]
    for layer in reversed(layers):
        g = layer.backward(g)
        norms.append(np.sqrt(np.mean(g ** 2)))
    return np.array(norms[::-1])


# ---------------------------------------------------------------- the architecture gallery
#: (name, factory, input shape, ImageNet top-1 % with torchvision's weights, year)
ARCHITECTURES = (
    ("LeNet-5", lenet5, (1, 32, 32), None, 1998),
    ("AlexNet", alexnet, (3, 224, 224), 56.5, 2012),
    ("VGG16", vgg16, (3, 224, 224), 71.6, 2014),
    ("ResNet-18", resnet18, (3, 224, 224), 69.8, 2015),
    ("MobileNetV2", mobilenet_v2, (3, 224, 224), 71.9, 2018),
)

#: the columns of the gallery, as (key, heading)
METRICS = (("params", "parameters"), ("multiply_adds", "multiply-adds"),
           ("activations", "activations"))


def _weighted_layers(stack):
    """Convolution and dense layers along the main path (shortcuts not counted)."""
    count = 0
    for layer in stack:
        if isinstance(layer, Residual):
            count += _weighted_layers(layer.block)
        elif isinstance(layer, (Conv2d, Dense)):
            count += 1
    return count


def _has_conv(layer):
    if isinstance(layer, Residual):
        return any(_has_conv(inner) for inner in layer.block)
    return isinstance(layer, Conv2d)


@dataclass(frozen=True)
class ArchitectureRow:
    """One network of the gallery: its counts for one sample of ``input_shape``.

    ``depth`` counts the convolution and dense layers along the main path (a
    residual block's shortcut not counted), the way the names ResNet-18 and VGG16
    count; ``field`` is the receptive field (height) of the last layer that holds a
    convolution; ``top1`` the published ImageNet top-1 accuracy in %, or None.
    """

    name: str
    input_shape: tuple
    params: int
    multiply_adds: int
    activations: int
    depth: int
    field: int
    field_layer: str
    top1: float | None = None
    year: int | None = None


def architecture_row(name, model, input_shape, top1=None, year=None) -> ArchitectureRow:
    """Count a network's parameters, multiply-adds, activations, depth and last field.

    Nothing is allocated: the counts follow from the shapes.

    >>> row = architecture_row("LeNet-5", lenet5(), (1, 32, 32))
    >>> row.params, row.depth, row.field, row.field_layer
    (61706, 5, 14, 'Conv2d-4')
    """
    if not isinstance(model, Sequential):
        raise TypeError(f"model must be a cnnviz.Sequential; got {_show(model)}")
    summary = model.summary(input_shape)
    convs = [i for i, layer in enumerate(model.layers) if _has_conv(layer)]
    if convs:
        fields = receptive_field(model, input_shape)
        field, field_layer = fields[convs[-1]].size[0], fields[convs[-1]].name
    else:
        field, field_layer = 1, ""
    return ArchitectureRow(str(name), tuple(input_shape), summary.total_params,
                           summary.total_multiply_adds, summary.total_activations,
                           _weighted_layers(model), field, field_layer,
                           None if top1 is None else float(top1), year)


def architecture_table(models=None):
    """:func:`architecture_row` for each network: :data:`ARCHITECTURES` by default, or a
    mapping ``name -> (model, input_shape)`` or ``(model, input_shape, top1)``.

    >>> [row.name for row in architecture_table()]
    ['LeNet-5', 'AlexNet', 'VGG16', 'ResNet-18', 'MobileNetV2']
    """
    if models is None:
        return [architecture_row(name, make(), shape, top1, year)
                for name, make, shape, top1, year in ARCHITECTURES]
    if not hasattr(models, "items"):
        raise TypeError("models must map names to (model, input_shape) or (model, input_shape, "
                        f"top1); got {_show(models)}")
    rows = []
    for name, entry in models.items():
        if not isinstance(entry, (tuple, list)) or len(entry) not in (2, 3):
            raise TypeError(f"models[{name!r}] must be (model, input_shape) or (model, "
                            f"input_shape, top1); got {_show(entry)}")
        rows.append(architecture_row(name, *entry))
    return rows


@dataclass(frozen=True)
class GalleryState:
    """What the gallery shows: every row, the metric on the chart's x axis, the chosen one."""

    rows: tuple
    metric: str
    highlight: str

    @property
    def chosen(self) -> ArchitectureRow:
        return next(row for row in self.rows if row.name == self.highlight)

    def ratio(self, other, key=None):
        """How many times the chosen network's ``key`` (the metric) is ``other``'s."""
        key = key or self.metric
        mine = getattr(self.chosen, key)
        theirs = getattr(next(r for r in self.rows if r.name == other), key)
        return mine / theirs


def gallery_state(rows, *, metric="params", highlight=None) -> GalleryState:
    """The gallery's state: ``rows`` from :func:`architecture_table`, the chart's metric
    (``"params"``, ``"multiply_adds"`` or ``"activations"``) and the network to highlight.

    >>> state = gallery_state(architecture_table(), highlight="ResNet-18")
    >>> state.chosen.params, round(state.ratio("VGG16"), 3)
    (11689512, 0.084)
    """
    rows = tuple(rows)
    if not rows:
        raise ValueError("rows must hold at least one network")
    metric = one_of(metric, "metric", [key for key, _ in METRICS])
    names = [row.name for row in rows]
    highlight = names[-1] if highlight is None else highlight
    if highlight not in names:
        raise ValueError(f"highlight must be one of {names}; got {highlight!r}")
    return GalleryState(rows, metric, highlight)


__all__ = [
    "ARCHITECTURES", "ArchitectureRow", "COMPARE_CHANNELS", "GalleryState", "KERNEL_SIZES",
    "METRICS", "ReceptiveState", "RecurrenceStep", "StackLayer", "architecture_row",
    "architecture_table", "build_stack", "deep_stack", "effective_field", "gallery_state",
    "gradient_through_depth", "map_sizes", "mass_width", "random_conv_stack", "receptive_state",
    "share_inside", "stack_map_sizes", "stack_state", "unit_input_gradient",
]
