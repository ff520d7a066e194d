"""Tests for cnnviz.layers and cnnviz.models: output shapes, parameter counts, summaries.

The whole-network tests reproduce published parameter counts and assert every
layer's output shape; where PyTorch is installed each network is also rebuilt
from torch.nn modules and compared layer by layer.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

import cnnviz
from cnnviz import models
from cnnviz.layers import AvgPool2d, Conv2d, Dense, Flatten, Linear, MaxPool2d, ReLU, Sequential


def rows_of(net, input_shape):
    """(layer class, output shape, params) for every row of the summary."""
    summary = net.summary(input_shape)
    names = [row.name for row in summary.rows]
    assert names == [f"{type(layer).__name__}-{i}" for i, layer in enumerate(net, 1)]
    return [(name.rsplit("-", 1)[0], row.output_shape, row.params)
            for name, row in zip(names, summary.rows)], summary.total_params


def expand(spec):
    """Expected rows from a compact spec: the string "ReLU" repeats the previous shape."""
    rows = []
    for item in spec:
        rows.append(("ReLU", rows[-1][1], 0) if item == "ReLU" else item)
    return rows


# ------------------------------------------------------------------ published networks
LENET5 = expand([
    ("Conv2d", (6, 28, 28), 156), "ReLU", ("MaxPool2d", (6, 14, 14), 0),
    ("Conv2d", (16, 10, 10), 2_416), "ReLU", ("MaxPool2d", (16, 5, 5), 0),
    ("Flatten", (400,), 0),
    ("Dense", (120,), 48_120), "ReLU",
    ("Dense", (84,), 10_164), "ReLU",
    ("Dense", (10,), 850),
])

ALEXNET = expand([
    ("Conv2d", (64, 55, 55), 23_296), "ReLU", ("MaxPool2d", (64, 27, 27), 0),
    ("Conv2d", (192, 27, 27), 307_392), "ReLU", ("MaxPool2d", (192, 13, 13), 0),
    ("Conv2d", (384, 13, 13), 663_936), "ReLU",
    ("Conv2d", (256, 13, 13), 884_992), "ReLU",
    ("Conv2d", (256, 13, 13), 590_080), "ReLU", ("MaxPool2d", (256, 6, 6), 0),
    ("Flatten", (9216,), 0),
    ("Dense", (4096,), 37_752_832), "ReLU",
    ("Dense", (4096,), 16_781_312), "ReLU",
    ("Dense", (1000,), 4_097_000),
])

EXAMPLE_CLASSIFIER = expand([
    ("Conv2d", (512, 126, 126), 14_336), "ReLU", ("MaxPool2d", (512, 42, 42), 0),
    ("Conv2d", (256, 40, 40), 1_179_904), "ReLU", ("MaxPool2d", (256, 13, 13), 0),
    ("Conv2d", (128, 13, 13), 295_040), "ReLU",
    ("Conv2d", (64, 11, 11), 73_792), "ReLU", ("MaxPool2d", (64, 3, 3), 0),
    ("Flatten", (576,), 0),
    ("Dense", (256,), 147_712), "ReLU",
    ("Dense", (512,), 131_584), "ReLU",
    ("Dense", (1024,), 525_312), "ReLU",
    ("Dense", (512,), 524_800), "ReLU",
    ("Dense", (1,), 513),
])


def vgg_rows(convs_per_block, include_top=True):
    """VGG's rows: 3x3 'same' convolutions, a 2x2 pool halving the size after each block."""
    spec, channels, size = [], 3, 224
    for width, repeat in zip((64, 128, 256, 512, 512), convs_per_block):
        for _ in range(repeat):
            spec += [("Conv2d", (width, size, size), width * (channels * 9 + 1)), "ReLU"]
            channels = width
        size //= 2
        spec.append(("MaxPool2d", (width, size, size), 0))
    if include_top:
        spec += [("Flatten", (25_088,), 0),
                 ("Dense", (4096,), 102_764_544), "ReLU",
                 ("Dense", (4096,), 16_781_312), "ReLU",
                 ("Dense", (1000,), 4_097_000)]
    return expand(spec)


NETWORKS = {
    "lenet5": (models.lenet5, (1, 32, 32), LENET5, 61_706),
    "alexnet": (models.alexnet, (3, 224, 224), ALEXNET, 61_100_840),
    "vgg16": (models.vgg16, (3, 224, 224), vgg_rows((2, 2, 3, 3, 3)), 138_357_544),
    "vgg19": (models.vgg19, (3, 224, 224), vgg_rows((2, 2, 4, 4, 4)), 143_667_240),
    "example_classifier": (models.example_classifier, (3, 128, 128), EXAMPLE_CLASSIFIER,
                           2_892_993),
}


@pytest.mark.parametrize("name", NETWORKS)
def test_network_rows_and_published_total(name):
    """Every layer's output shape and count, and the published total parameter count."""
    build, input_shape, expected_rows, expected_total = NETWORKS[name]
    net = build()
    rows, total = rows_of(net, input_shape)
    assert rows == expected_rows
    assert total == expected_total == net.num_params
    assert sum(params for _, _, params in expected_rows) == expected_total


@pytest.mark.parametrize("build,expected", [(models.vgg16, 14_714_688), (models.vgg19, 20_024_384)])
def test_vgg_without_top(build, expected):
    """VGG without its classifier: the published convolutional-base counts, ending at 512x7x7."""
    net = build(include_top=False)
    rows, total = rows_of(net, (3, 224, 224))
    assert total == expected
    assert rows[-1] == ("MaxPool2d", (512, 7, 7), 0)
    assert not any(kind in ("Dense", "Flatten") for kind, _, _ in rows)


def test_num_classes_changes_only_the_last_layer():
    """num_classes sets the last layer's width and its count, nothing else."""
    rows, total = rows_of(models.lenet5(num_classes=3), (1, 32, 32))
    assert rows[:-1] == LENET5[:-1]
    assert rows[-1] == ("Dense", (3,), 84 * 3 + 3)
    assert total == 61_706 - 850 + 255


def torch_twin_rows(net, input_shape):
    """(output shape, params) per layer, from the equivalent torch.nn modules.

    Parameter counts come from full-size modules on the "meta" device (no memory);
    spatial sizes from a one-channel twin of every conv and pool run on a real
    tensor, which is cheap, while the channel count is the full module's.
    """
    torch = pytest.importorskip("torch")
    nn = torch.nn
    channels, x = input_shape[0], torch.zeros(1, 1, *input_shape[1:])
    features, rows = None, []
    for layer in net:
        module = None
        if isinstance(layer, Conv2d):
            module = nn.Conv2d(layer.in_channels, layer.out_channels, layer.kernel_size,
                               stride=layer.stride, padding=layer.padding,
                               dilation=layer.dilation, bias=layer.use_bias, device="meta")
            assert module.in_channels == channels, layer
            thin = nn.Conv2d(1, 1, layer.kernel_size, stride=layer.stride,
                             padding=layer.padding, dilation=layer.dilation, bias=False)
            x, channels = thin(x), module.out_channels
            shape = (channels, *x.shape[2:])
        elif isinstance(layer, MaxPool2d):
            x = nn.MaxPool2d(layer.kernel_size, layer.stride, layer.padding,
                             ceil_mode=layer.ceil_mode)(x)
            shape = (channels, *x.shape[2:])
        elif isinstance(layer, Flatten):
            features = channels * x.shape[2] * x.shape[3]
            shape = (features,)
        elif isinstance(layer, Dense):
            module = nn.Linear(layer.in_features, layer.out_features, bias=layer.use_bias,
                               device="meta")
            assert module.in_features == features, layer  # torch would refuse the input
            features = module.out_features
            shape = (features,)
        elif not isinstance(layer, ReLU):  # pragma: no cover - the models use only these
            raise AssertionError(f"no torch twin for {layer!r}")
        params = 0 if module is None else sum(p.numel() for p in module.parameters())
        rows.append((tuple(int(n) for n in shape), params))
    return rows


@pytest.mark.parametrize("name", NETWORKS)
def test_network_matches_its_torch_twin(name):
    """Each layer's output shape and parameter count equal those of the torch.nn equivalent."""
    torch = pytest.importorskip("torch")
    build, input_shape, _, _ = NETWORKS[name]
    net = build()
    with torch.no_grad():
        expected = torch_twin_rows(net, input_shape)
    summary = net.summary(input_shape)
    assert [(row.output_shape, row.params) for row in summary.rows] == expected


# --------------------------------------------------------------------------- summaries
def test_summary_text_exact():
    """The text summary: aligned columns, thousands separators, the three totals at the end."""
    net = Sequential([Conv2d(1, 6, 5), ReLU(), MaxPool2d(2), Flatten(), Dense(6 * 14 * 14, 10)])
    # multiply-adds: 6 filters x 28x28 positions x 25 taps; 1176 x 10 for the dense layer
    assert str(net.summary((1, 32, 32))) == "\n".join([
        "Layer        Output shape  Params  Mult-adds  Activations",
        "---------------------------------------------------------",
        "Conv2d-1     (6, 28, 28)      156    117,600        4,704",
        "ReLU-2       (6, 28, 28)        0          0        4,704",
        "MaxPool2d-3  (6, 14, 14)        0          0        1,176",
        "Flatten-4    (1176,)            0          0        1,176",
        "Dense-5      (10,)         11,770     11,760           10",
        "---------------------------------------------------------",
        "Total params: 11,926",
        "Total multiply-adds: 129,360",
        "Total activations: 11,770",
    ])


def test_summary_of_vgg16_uses_thousands_separators():
    """Large counts print as 102,764,544 and the totals with separators; repr is the text."""
    summary = models.vgg16().summary((3, 224, 224))
    text = str(summary)
    assert text.splitlines()[-3] == "Total params: 138,357,544"
    # VGG16 is known for about 15.5 billion multiply-adds per 224x224 image
    assert text.splitlines()[-2] == f"Total multiply-adds: {summary.total_multiply_adds:,}"
    assert round(summary.total_multiply_adds / 1e9, 1) == 15.5
    fc6 = next(line for line in text.splitlines() if line.startswith("Dense-33 "))
    assert fc6.split() == ["Dense-33", "(4096,)", "102,764,544", "102,760,448", "4,096"]
    assert repr(summary) == text
    assert len(text.splitlines()) == len(models.vgg16()) + 6


def test_summary_html_table():
    """_repr_html_ is a table: the input row, one row per layer, the totals with separators."""
    net = models.example_classifier()
    html = net.summary((3, 128, 128))._repr_html_()
    assert html.startswith("<table>") and html.endswith("</table>")
    assert "<th>Mult-adds</th><th>Activations</th>" in html
    body = re.search(r"<tbody>(.*)</tbody>", html).group(1)
    assert body.count("<tr>") == len(net) + 1
    assert "<td><i>input</i></td><td>(3, 128, 128)</td>" in body
    right = "<td style='text-align:right'>"
    macs = 512 * 126 * 126 * 3 * 9
    assert (f"<td>Conv2d-1</td><td>(512, 126, 126)</td>{right}14,336</td>{right}{macs:,}</td>"
            f"{right}{512 * 126 * 126:,}</td>") in body
    assert f"<td>Dense-21</td><td>(1,)</td>{right}513</td>{right}512</td>{right}1</td>" in body
    foot = re.search(r"<tfoot>(.*)</tfoot>", html).group(1)
    assert foot.count("<tr>") == 3 and "2,892,993" in foot


@pytest.mark.parametrize("name", NETWORKS)
def test_summary_multiply_adds_and_activations_follow_the_shapes(name):
    """Each row's multiply-adds are C_out*oh*ow*C_in*kh*kw (conv), in*out (dense) or 0; its
    activations the size of its output; the totals are the sums of the rows."""
    build, input_shape, _, _ = NETWORKS[name]
    net = build()
    summary = net.summary(input_shape)
    shape = input_shape
    for layer, row in zip(net, summary.rows):
        if isinstance(layer, Conv2d):
            kh, kw = layer.kernel_size
            expected = int(np.prod(row.output_shape)) * shape[0] * kh * kw
        elif isinstance(layer, Dense):
            expected = shape[0] * row.output_shape[0]
        else:
            expected = 0
        assert row.multiply_adds == expected, row
        assert row.activations == int(np.prod(row.output_shape)), row
        shape = row.output_shape
    assert summary.total_multiply_adds == sum(r.multiply_adds for r in summary.rows)
    assert summary.total_activations == sum(r.activations for r in summary.rows)


def test_empty_network_summary_prints():
    """A network without layers either is refused with a clear message or summarises to 0 params."""
    try:
        net = Sequential([])
    except ValueError as err:
        assert "layers" in str(err)
        return
    summary = net.summary((3, 8, 8))
    assert summary.total_params == summary.total_multiply_adds == summary.total_activations == 0
    assert str(summary).splitlines()[-3:] == [
        "Total params: 0", "Total multiply-adds: 0", "Total activations: 0"]
    assert "Total params" in summary._repr_html_()


# ----------------------------------------------------------- layers against the functions
def conv_layer_cases(seed, count):
    rng = np.random.default_rng(seed)
    cases = []
    for _ in range(count):
        k = (int(rng.integers(1, 6)), int(rng.integers(1, 6)))
        dilation = int(rng.integers(1, 3))
        padding = [0, 1, (2, 1), ((0, 2), (1, 0)), "valid", "same", "full"][rng.integers(0, 7)]
        stride = 1 if padding == "same" else (int(rng.integers(1, 4)), int(rng.integers(1, 4)))
        size = (int(rng.integers(dilation * 4 + 1, 16)), int(rng.integers(dilation * 4 + 1, 16)))
        cases.append((k, stride, padding, dilation, size))
    return cases


@pytest.mark.parametrize("k,stride,padding,dilation,size", conv_layer_cases(51, 20))
def test_conv2d_layer_shape_is_the_shape_conv2d_returns(k, stride, padding, dilation, size):
    """Conv2d.output_shape equals the shape of cnnviz.conv2d's actual output."""
    layer = Conv2d(2, 3, k, stride=stride, padding=padding, dilation=dilation)
    out = cnnviz.conv2d(np.zeros((2, *size)), np.zeros((3, 2, *k)), stride=stride,
                        padding=padding, dilation=dilation)
    assert layer.output_shape((2, *size)) == out.shape


@pytest.mark.parametrize("layer_cls,pool", [(MaxPool2d, cnnviz.max_pool2d),
                                            (AvgPool2d, cnnviz.avg_pool2d)])
def test_pool_layer_shape_is_the_shape_pooling_returns(layer_cls, pool):
    """Pool layers' output_shape equals the shape the pooling function returns."""
    rng = np.random.default_rng(52)
    for _ in range(20):
        k = int(rng.integers(1, 5))
        stride = None if rng.integers(0, 2) else int(rng.integers(1, 4))
        padding, ceil_mode = int(rng.integers(0, k // 2 + 1)), bool(rng.integers(0, 2))
        size = (int(rng.integers(k, 14)), int(rng.integers(k, 14)))
        layer = layer_cls(k, stride=stride, padding=padding, ceil_mode=ceil_mode)
        out = pool(np.zeros((3, *size)), k, stride=stride, padding=padding, ceil_mode=ceil_mode)
        assert layer.output_shape((3, *size)) == out.shape


def test_initialize_gives_reproducible_he_scaled_weights():
    """initialize(seed) fills float32 weights of the right shapes, He-scaled, zero biases."""
    net = Sequential([Conv2d(16, 32, 3), ReLU(), Flatten(), Dense(32 * 6 * 6, 200)])
    assert net[0].parameters() == {} and net[3].parameters() == {}
    net.initialize(seed=3)
    conv, dense = net[0], net[3]
    assert conv.weight.shape == (32, 16, 3, 3) and conv.weight.dtype == np.float32
    assert dense.weight.shape == (200, 1152) and dense.bias.shape == (200,)
    assert not conv.bias.any() and not dense.bias.any()
    np.testing.assert_allclose(conv.weight.std(), np.sqrt(2 / (16 * 9)), rtol=0.05)
    np.testing.assert_allclose(dense.weight.std(), np.sqrt(2 / 1152), rtol=0.05)
    sizes = sum(a.size for layer in net for a in layer.parameters().values())
    assert sizes == net.num_params
    again = Sequential([Conv2d(16, 32, 3), ReLU(), Flatten(), Dense(32 * 6 * 6, 200)]).initialize(3)
    np.testing.assert_array_equal(again[0].weight, conv.weight)
    other = Sequential([Conv2d(16, 32, 3)]).initialize(4)
    assert not np.array_equal(other[0].weight, conv.weight)


def test_bias_false_drops_the_bias():
    """bias=False removes out_channels / out_features parameters and the bias array."""
    conv, dense = Conv2d(3, 8, 3, bias=False), Dense(10, 4, bias=False)
    assert conv.num_params == 8 * 27 and dense.num_params == 40
    Sequential([conv, dense]).initialize(0)
    assert set(conv.parameters()) == {"weight"} and set(dense.parameters()) == {"weight"}


@pytest.mark.parametrize("layer,input_shape", [
    (Conv2d(3, 16, 3), (3, 12, 12)),
    (Conv2d(3, 16, (3, 5), stride=2, padding=1, dilation=2, bias=False), (3, 12, 12)),
    (Conv2d(3, 16, 3, padding="same"), (3, 12, 12)),
    (Conv2d(4, 8, 3, groups=4, bias=False), (4, 12, 12)),
    (MaxPool2d(3, stride=2), (3, 12, 12)),
    (MaxPool2d((2, 3), padding=1, ceil_mode=True), (3, 12, 12)),
    (AvgPool2d(2), (3, 12, 12)),
    (Dense(576, 256), (576,)),
    (Dense(4, 1, bias=False), (4,)),
    (ReLU(), (3, 12, 12)),
    (Flatten(), (3, 12, 12)),
], ids=lambda v: repr(v) if not isinstance(v, tuple) else "")
def test_repr_rebuilds_the_layer(layer, input_shape):
    """repr(layer) is code that builds a layer with the same repr, count and output shape."""
    namespace = {"Conv2d": Conv2d, "MaxPool2d": MaxPool2d, "AvgPool2d": AvgPool2d,
                 "Dense": Dense, "ReLU": ReLU, "Flatten": Flatten}
    twin = eval(repr(layer), namespace)  # noqa: S307 - evaluating our own repr
    assert type(twin) is type(layer) and repr(twin) == repr(layer)
    assert twin.num_params == layer.num_params
    assert twin.output_shape(input_shape) == layer.output_shape(input_shape)


def test_linear_is_dense_and_shape_preserving_layers():
    """Linear is another name for Dense; ReLU and Softmax keep the shape; Flatten multiplies it."""
    assert Linear is Dense
    assert ReLU().output_shape((8, 5, 5)) == (8, 5, 5)
    assert cnnviz.Softmax().output_shape((4,)) == (4,)
    assert Flatten().output_shape((64, 3, 3)) == (576,)
    assert Sequential([Flatten(), Linear(576, 2)]).summary((64, 3, 3)).total_params == 1_154


# ------------------------------------------------------------- ResNet-18 and MobileNetV2
def torch_resnet18_rows(nn):
    """torchvision's ResNet-18, written out as one module per row of cnnviz's summary.

    A basic block is split where cnnviz splits it: the sum (Residual) and the ReLU after it.
    """
    class BasicBlockSum(nn.Module):
        def __init__(self, inplanes, planes, stride):
            super().__init__()
            self.conv1 = nn.Conv2d(inplanes, planes, 3, stride, 1, bias=False)
            self.bn1 = nn.BatchNorm2d(planes)
            self.relu = nn.ReLU()
            self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
            self.bn2 = nn.BatchNorm2d(planes)
            self.downsample = None
            if stride != 1 or inplanes != planes:
                self.downsample = nn.Sequential(nn.Conv2d(inplanes, planes, 1, stride, bias=False),
                                                nn.BatchNorm2d(planes))

        def forward(self, x):
            out = self.bn2(self.conv2(self.relu(self.bn1(self.conv1(x)))))
            return out + (x if self.downsample is None else self.downsample(x))

    rows = [nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(),
            nn.MaxPool2d(3, 2, 1)]
    inplanes = 64
    for planes, stride in ((64, 1), (128, 2), (256, 2), (512, 2)):
        for s in (stride, 1):
            rows += [BasicBlockSum(inplanes, planes, s), nn.ReLU()]
            inplanes = planes
    return rows + [nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten()), nn.Linear(512, 1000)]


def torch_mobilenet_v2_rows(nn):
    """torchvision's MobileNetV2 (width 1.0): a block with a residual connection is one row,
    the layers of a block without one are rows of their own, as in cnnviz's summary."""
    class InvertedResidual(nn.Module):
        def __init__(self, layers):
            super().__init__()
            self.conv = nn.Sequential(*layers)

        def forward(self, x):
            return x + self.conv(x)

    def conv_bn(inp, oup, k, stride=1, groups=1, act=True):
        layers = [nn.Conv2d(inp, oup, k, stride, (k - 1) // 2, groups=groups, bias=False),
                  nn.BatchNorm2d(oup)]
        return layers + ([nn.ReLU6()] if act else [])

    rows = conv_bn(3, 32, 3, 2)
    inp = 32
    for t, c, n, s in [[1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2],
                       [6, 96, 3, 1], [6, 160, 3, 2], [6, 320, 1, 1]]:
        for i in range(n):
            stride = s if i == 0 else 1
            hidden = int(round(inp * t))
            layers = [] if t == 1 else conv_bn(inp, hidden, 1)
            layers += conv_bn(hidden, hidden, 3, stride, groups=hidden)
            layers += conv_bn(hidden, c, 1, act=False)
            rows += [InvertedResidual(layers)] if stride == 1 and inp == c else layers
            inp = c
    rows += conv_bn(320, 1280, 1)
    return rows + [nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten()), nn.Linear(1280, 1000)]


def torch_rows(modules, input_shape):
    """(output shape, params, multiply-adds) of each row module, run on the meta device."""
    torch = pytest.importorskip("torch", reason="PyTorch is not installed; skipping the twin")
    macs = []

    def count(module, inputs, output):
        if isinstance(module, torch.nn.Conv2d):
            kh, kw = module.kernel_size
            macs[-1] += output.numel() * module.in_channels // module.groups * kh * kw
        elif isinstance(module, torch.nn.Linear):
            macs[-1] += module.in_features * module.out_features

    x = torch.empty(1, *input_shape, device="meta")
    rows = []
    with torch.no_grad():
        for module in modules:
            module = module.to("meta")
            hooks = [m.register_forward_hook(count) for m in module.modules()]
            macs.append(0)
            x = module(x)
            for h in hooks:
                h.remove()
            rows.append((tuple(x.shape[1:]), sum(p.numel() for p in module.parameters()), macs[-1]))
    return rows


@pytest.mark.parametrize("build, twin, total, macs", [
    (models.resnet18, torch_resnet18_rows, 11_689_512, 1.81),
    (models.mobilenet_v2, torch_mobilenet_v2_rows, 3_504_872, 0.30),
])
def test_resnet18_and_mobilenet_v2_match_torch_layer_by_layer(build, twin, total, macs):
    """Every row's output shape, parameters and multiply-adds equal torch.nn modules built the
    same way; the totals are the published ones (torchvision: 1.81 and 0.30 GFLOPS)."""
    torch = pytest.importorskip("torch", reason="PyTorch is not installed; skipping the twin")
    summary = build().summary((3, 224, 224))
    expected = torch_rows(twin(torch.nn), (3, 224, 224))
    assert [(r.output_shape, r.params, r.multiply_adds) for r in summary.rows] == expected
    assert summary.total_params == total
    assert round(summary.total_multiply_adds / 1e9, 2) == macs


def test_resnet18_and_mobilenet_v2_published_counts_without_weights():
    """Published parameter totals and a (1000,) output, from shapes alone: no weight allocated."""
    for build, total in ((models.resnet18, 11_689_512), (models.mobilenet_v2, 3_504_872)):
        net = build()
        summary = net.summary((3, 224, 224))
        assert summary.total_params == total == net.num_params
        assert summary.rows[-1].output_shape == (1000,)
        assert net.parameters() == {}
    depthwise = [layer for layer in models.mobilenet_v2() if isinstance(layer, Conv2d)
                 and layer.groups > 1]
    assert all(layer.groups == layer.in_channels == layer.out_channels for layer in depthwise)


def test_small_resnet_runs_forward_and_backward():
    """A resnet18 on a small input runs a forward and backward pass with the right shapes."""
    net = models.resnet18(num_classes=3).initialize(0)
    x = np.random.default_rng(0).standard_normal((2, 3, 32, 32)).astype(np.float32)
    out = net.forward(x)
    assert out.shape == (2, 3) and np.isfinite(out).all()
    grad = net.backward(np.ones_like(out))
    assert grad.shape == x.shape and np.abs(grad).sum() > 0
