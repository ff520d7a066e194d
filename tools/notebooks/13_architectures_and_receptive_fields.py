# %% [markdown]
# # 13 Famous architectures and receptive fields
# Build a stack of convolutions and see which input pixels one of its units can see, measure how much of that square it really uses, then put LeNet-5, AlexNet, VGG16, ResNet-18 and MobileNetV2 side by side and try the four ideas that took networks from one to the next.

# %% [markdown] tags=["navigation"]
# [← 12 What the network looks at](12_what_the_network_looks_at.ipynb) · [Contents](../README.md#notebooks) · [14 Beyond the plain convolution →](14_beyond_plain_convolution.ipynb)

# %% [markdown]
# ## What you will learn
#
# - The **receptive field** of a unit: the patch of the input it depends on, and the recurrence that gives its size layer by layer, `r_l = r_(l-1) + (k_l - 1) d_l j_(l-1)`, with the **jump** `j_l = j_(l-1) s_l`.
# - Why VGG stacks 3x3 convolutions: the same field as one large kernel, with fewer weights and more ReLUs.
# - The **effective** receptive field: a unit depends mostly on the middle of its square, and the deeper the stack, the smaller that middle is compared with the square.
# - How five famous networks compare in parameters, multiply-adds, activation memory, depth and receptive field, and what their ImageNet accuracy was.
# - The ideas behind the step from one to the next: 1x1 convolutions, residual connections, depthwise-separable convolutions and batch normalisation.

# %%
import numpy as np
import matplotlib.pyplot as plt

import cnnviz
from cnnviz import models
from cnnviz.images import load_sample
from cnnviz.datasets import draw_shape, make_shapes
from cnnviz.pretrained import shapes_cnn
from cnnviz.lessons.architectures import (
    architecture_table, effective_field, gradient_through_depth, mass_width,
    random_conv_stack, share_inside, unit_input_gradient,
)
from cnnviz.explorers.receptive_fields import receptive_field_explorer
from cnnviz.explorers.architectures import architecture_gallery
from cnnviz.exercises import nb13

plt.rcParams.update({"figure.dpi": 80, "figure.figsize": (8, 3)})

# %% [markdown]
# ## 1. What one unit can see
#
# A unit of the first convolution layer sees a window as large as its kernel: a 3x3 kernel reads 3x3 input pixels. A unit of the second layer reads a 3x3 window of the first layer's map, and each of those nine values saw its own 3x3 patch of the input. Neighbouring patches overlap, so together they cover 5x5 input pixels. That patch is the unit's **receptive field**: the only input pixels that can change it.
#
# Along one axis, a layer with kernel `k`, stride `s` and dilation `d` adds `k - 1` of its input's steps to the field, and one step of its input is `j` input pixels wide (the **jump**, 1 for the input itself). Starting from `r_0 = 1` and `j_0 = 1`:
#
# `r_l = r_(l-1) + (k_l - 1) * d_l * j_(l-1)`        `j_l = j_(l-1) * s_l`
#
# A stride, or a pool (whose window moves by its own size), multiplies the jump, so every layer after it adds more. `cnnviz.receptive_field` applies the recurrence to any network; here are two and three stacked 3x3 convolutions, and a 3x3 convolution, a 2x2 pool and another 3x3 convolution:

# %%
two = [cnnviz.Conv2d(1, 1, 3), cnnviz.Conv2d(1, 1, 3)]
three = two + [cnnviz.Conv2d(1, 1, 3)]
pooled = [cnnviz.Conv2d(1, 1, 3), cnnviz.MaxPool2d(2), cnnviz.Conv2d(1, 1, 3)]
for name, stack in [("two 3x3", two), ("three 3x3", three), ("3x3, pool 2, 3x3", pooled)]:
    fields = cnnviz.receptive_field(stack, (1, 32, 32))
    print(f"{name:17} fields {[row.size[0] for row in fields]}, jumps {[row.jump[0] for row in fields]}")


# %% [markdown]
# The recurrence is short enough to write as a loop. Here it is, checked against the library on the pooled stack:

# %%
def field_size(layers):
    """layers: (kernel, stride, dilation) per layer; returns the field and the jump."""
    r, j = 1, 1
    for k, s, d in layers:
        r = r + (k - 1) * d * j
        j = j * s
    return r, j

by_hand = field_size([(3, 1, 1), (2, 2, 1), (3, 1, 1)])
library = cnnviz.receptive_field(pooled, (1, 32, 32))[-1]
print("by hand:", by_hand, "  cnnviz:", (library.size[0], library.jump[0]))
assert by_hand == (library.size[0], library.jump[0])

# %% [markdown]
# ### The VGG argument
#
# Two stacked 3x3 convolutions see as much as one 5x5, and three see as much as one 7x7. Simonyan and Zisserman built VGG on that: on `C` channels in and out, three 3x3 layers have `3 * 9 * C^2` weights, one 7x7 layer `49 * C^2`. And the stack puts a ReLU after each layer, three non-linearities instead of one. With 64 channels:

# %%
C = 64
for n, k in [(2, 5), (3, 7)]:
    stacked = n * cnnviz.conv2d_params(C, C, 3, bias=False)
    single = cnnviz.conv2d_params(C, C, k, bias=False)
    print(f"{n} x 3x3: {stacked:>7,} weights   one {k}x{k}: {single:>7,} weights   "
          f"({single / stacked:.2f} times as many)")

# %% [markdown]
# ### The receptive field explorer
#
# Build a stack of up to three convolutions (kernel, stride, dilation, and a 2x2 max pool after it if you tick the box; each convolution is padded so that stride 1 keeps the size). Pick a layer (pools count as layers) and a unit in its map with the sliders on the first row. On the cat, the orange square is that unit's receptive field; the dashed purple one is the field of its right-hand neighbour, one jump further. The grey frame is the zero padding: near the border a field reaches into it. On the right, the recurrence with your numbers, and the weights of one convolution as wide as the field against those of your stack.
#
# Things to try:
#
# - Untick the pool: three 3x3 layers, the 7x7 of the VGG argument. Then set every kernel to 1: a stack of 1x1 convolutions sees one pixel, however deep.
# - Stride 2 in the first layer: the jump doubles, and every later 3x3 adds twice as much.
# - Dilation 2 or 3 in the last layer: the field grows fast, with no extra weights.
# - Move the unit to a corner: its field hangs over the padding.

# %% tags=["nbval-ignore-output"]
cat = load_sample("chelsea", grey=True, size=(64, 64))
receptive_field_explorer(cat)

# %% [markdown]
# The explorer takes a network of your own too, passed as `model=` (any `cnnviz.Sequential` with square kernels and strides), and then offers its layers instead of the stack's settings. Here is the trained shapes network of notebook 08 on one of its triangles: how much of the 28x28 picture does a unit of each layer see, and which layer is the first whose units can take in a whole shape?

# %% tags=["nbval-ignore-output"]
triangle = draw_shape("triangle")[0]
receptive_field_explorer(triangle, model=shapes_cnn())

# %% [markdown]
# ## 2. The effective receptive field
#
# The receptive field says which pixels a unit *can* depend on. How much it depends on each of them is a different question, and the gradient answers it: `d(unit) / d(input)`, computed by the backward pass as in notebook 08. Luo et al. (2016) measured it on many networks and found a blob much smaller than the square, brightest in the middle. The reason is counting: a pixel in the middle of the field reaches the unit along many paths through the layers between, a pixel at the edge along only one.
#
# First, a check that the gradient's footprint is the field. Two 3x3 convolutions with positive weights: the gradient of the middle unit is nonzero on a 5x5 square, exactly the field.

# %%
positive = cnnviz.Sequential([cnnviz.Conv2d(1, 1, 3, padding=1), cnnviz.Conv2d(1, 1, 3, padding=1)])
positive.initialize(seed=0)
for conv in positive:
    conv.weight = np.abs(conv.weight) + 0.1
grad = unit_input_gradient(positive, np.ones((1, 1, 9, 9)), 2)[0, 0]
print((grad != 0).astype(int))

# %% [markdown]
# Now deeper stacks of 3x3 convolutions and ReLUs with random weights (He initialisation), with four channels, averaged over eight random inputs of 48x48. For each depth: the theoretical field, and the side of the square around its centre that holds half, and 90%, of the dependence (the sum of the gradient's magnitudes).

# %%
inputs = np.random.default_rng(1).standard_normal((8, 4, 48, 48))
maps = {}
print("depth  field  half in  90% in")
for depth in [2, 5, 10, 20]:
    net = random_conv_stack(depth, channels=4, seed=0)
    row = cnnviz.receptive_field(net, (4, 48, 48))[-1]
    window = row.window(24, 24)
    erf = effective_field(net, inputs, 2 * depth)
    maps[depth] = (erf, window)
    print(f"{depth:5}  {row.size[0]:5}  {mass_width(erf, 0.5, window=window):7}  "
          f"{mass_width(erf, 0.9, window=window):6}")


# %% [markdown]
# The theoretical field grows by 2 per layer; the square that holds most of the dependence grows much more slowly, so it becomes an ever smaller part of the field: that is Luo et al.'s result. Here is the deepest stack's map, with its theoretical field in orange:

# %%
def show_field(ax, erf, window, title):
    (top, bottom), (left, right) = window
    ax.imshow(erf, cmap="magma")
    ax.add_patch(plt.Rectangle((left - 0.5, top - 0.5), right - left, bottom - top,
                               fill=False, ec="#e66100", lw=2))
    ax.set_title(title)
    ax.axis("off")

erf, window = maps[20]
fig, axes = plt.subplots(1, 2, figsize=(8, 3.6))
show_field(axes[0], erf, window, "20 random layers: |d unit / d input|")
(top, bottom), _ = window
axes[1].plot(np.arange(top, bottom), erf[top:bottom, 24] / erf[top:bottom, 24].max(), "o-",
             color="#5e3c99")
axes[1].set_xlabel("input row (column 24)")
axes[1].set_title("one row through the middle")
plt.tight_layout()
plt.show()

# %% [markdown]
# And the trained shapes network of notebook 08, averaged over 64 of its images. Its second convolution (with the ReLU after it) sees an 8x8 field. It is only two convolutions deep, so its blob is not much smaller than the square, but the middle still counts more than the edge: the middle 4x4, a quarter of the field's area, holds this much of the dependence:

# %%
shapes_net = shapes_cnn()
images = make_shapes(64, seed=0)[0]
row = cnnviz.receptive_field(shapes_net, (1, 28, 28))[4]          # ReLU-5
window = row.window(7, 7)
erf = effective_field(shapes_net, images, "ReLU-5", row=7, col=7)
print(f"{row.name}: field {row.size[0]}x{row.size[0]}, the middle 4x4 holds "
      f"{share_inside(erf, window, 4):.0%} of the dependence")

fig, ax = plt.subplots(figsize=(3.2, 3.2))
show_field(ax, erf, window, "trained network, ReLU-5")
plt.show()

# %% [markdown]
# ## 3. Five famous networks
#
# `cnnviz.models` describes five networks layer by layer, in the layouts torchvision uses: LeNet-5 (1998, handwritten digits at 32x32), AlexNet (2012), VGG16 (2014), ResNet-18 (2015) and MobileNetV2 (2018), the last four for 224x224 colour images. Their summaries cost no memory: every count follows from the shapes (notebook 07). The summaries now also count **multiply-adds**, `C_out * oh * ow * (C_in / groups) * kh * kw` for a convolution, and **activations**, the values a layer outputs, which a training step has to keep for the backward pass. Here is ResNet-18; each residual block is one row:

# %%
print(models.resnet18().summary((3, 224, 224)))

# %% [markdown]
# The gallery puts the five side by side: parameters, multiply-adds and activations for one image, the depth (the layers with weights along the main path, the way the names ResNet-18 and VGG16 count them), the receptive field of the last layer with a convolution, and the ImageNet top-1 accuracy torchvision reports for its trained weights. The chart plots accuracy against the measure you choose, on a log scale; pick a network to compare it with the largest of the others.
#
# `architecture_gallery` takes any networks as `{name: (model, input_shape)}` (or `(model, input_shape, top1)`), so your own can join the table.

# %% tags=["nbval-ignore-output"]
architecture_gallery()

# %% [markdown]
# The same numbers as a table you can compute with, and both charts at once:

# %%
table = architecture_table()
for r in table:
    top1 = "  -  " if r.top1 is None else f"{r.top1:.1f}%"
    print(f"{r.name:12} {r.params:>12,} params {r.multiply_adds:>15,} mult-adds "
          f"{r.activations:>11,} activations  depth {r.depth:3}  field {r.field:4}  {top1}")

scored = [r for r in table if r.top1 is not None]
fig, axes = plt.subplots(1, 2, figsize=(9, 3.2), sharey=True)
for ax, key, label in [(axes[0], "params", "parameters"), (axes[1], "multiply_adds", "multiply-adds")]:
    xs = [getattr(r, key) for r in scored]
    ax.scatter(xs, [r.top1 for r in scored], color="#5e3c99")
    for r, x in zip(scored, xs):
        ax.annotate(r.name, (x, r.top1), textcoords="offset points", xytext=(5, 4))
    ax.set_xscale("log")
    ax.set_xlim(min(xs) / 3, max(xs) * 4)
    ax.margins(y=0.15)
    ax.set_xlabel(label + " (log scale)")
axes[0].set_ylabel("ImageNet top-1 (%)")
plt.tight_layout()
plt.show()

# %% [markdown]
# Read the charts from left to right in time. VGG16 beat AlexNet by going deep with small kernels, at the price of more than twice the parameters and about twenty times the multiply-adds (the printed table says how many times exactly). ResNet-18 got nearly as far with a twelfth of VGG16's parameters, and MobileNetV2 went further still with fewer parameters and multiply-adds than any of them except LeNet. Most of AlexNet's and VGG16's parameters sit in their dense layers at the top; the later networks average each map down to one number instead (`GlobalAvgPool2d`), so their dense layer is small.

# %%
for name in ["AlexNet", "VGG16"]:
    net = {"AlexNet": models.alexnet, "VGG16": models.vgg16}[name]()
    dense = sum(layer.num_params for layer in net if isinstance(layer, cnnviz.Dense))
    print(f"{name}: {dense / net.num_params:.0%} of the parameters are in the dense layers")
print(f"VGG16 / AlexNet multiply-adds: {table[2].multiply_adds / table[1].multiply_adds:.1f}")
print(f"VGG16 / ResNet-18 parameters: {table[2].params / table[3].params:.1f}")

# %% [markdown]
# ## 4. The ideas that made each step
#
# ### 1x1 convolutions
#
# A 1x1 convolution (notebook 05) mixes the channels at each pixel and looks at no neighbours: it is a dense layer applied at every position. Network in Network (Lin et al., 2013) and Inception (Szegedy et al., 2014) use it to make cheap layers between the expensive ones, and ResNet's deeper versions and MobileNetV2 use it to shrink and widen the channels around a 3x3 convolution. On 256 channels:

# %%
for k in [1, 3]:
    print(f"Conv2d(256, 64, {k}): {cnnviz.Conv2d(256, 64, k).num_params:,} parameters")

rng = np.random.default_rng(0)
x = rng.standard_normal((1, 256, 5, 5))
one_by_one = cnnviz.Conv2d(256, 64, 1)
one_by_one.initialize(rng)
per_pixel = np.einsum("oc,nchw->nohw", one_by_one.weight[:, :, 0, 0], x) + one_by_one.bias[:, None, None]
print("a 1x1 convolution is a dense layer at each pixel:", np.allclose(one_by_one.forward(x), per_pixel))

# %% [markdown]
# ### Residual connections
#
# He et al. (2016) found that a plain network of 56 layers trained *worse* than one of 20, on the training data itself. Their fix: let each block learn only a change to its input, `out = x + F(x)`. The gradient then reaches the input along two paths, through `F` and straight along the identity.
#
# A tiny experiment: 20 layers of [3x3 convolution, ReLU] on 8 channels, with weights drawn at LeCun's scale (standard deviation `sqrt(1 / fan_in)`, half the variance He initialisation would give), once plain and once with every layer wrapped in a `Residual`, so that it computes `x + ReLU(conv(x))`. The weights, the input and the gradient at the output are the same in both. How large is the gradient at the input of each layer, compared with the one at the output?

# %%
plain = gradient_through_depth(20)
residual = gradient_through_depth(20, residual=True)
print(f"plain:    gradient at layer 1 / at the output = {plain[0] / plain[-1]:.1e}")
print(f"residual: gradient at layer 1 / at the output = {residual[0] / residual[-1]:.1e}")

fig, ax = plt.subplots(figsize=(6, 3))
ax.semilogy(np.arange(1, 22), plain / plain[-1], "o-", color="#5e3c99", label="plain")
ax.semilogy(np.arange(1, 22), residual / residual[-1], "o-", color="#e66100", label="residual")
ax.set_xlabel("layer (21: the output)")
ax.set_ylabel("gradient size (output = 1)")
ax.legend()
plt.show()

# %% [markdown]
# In the plain stack each layer passes back about half of what it gets, in variance, so after 20 layers almost nothing reaches the first; its weights would barely move. In the residual stack the identity path hands each layer the gradient of the layer above unchanged, and the path through `F` adds its own share to it: here the gradient never shrinks on its way down (it even grows, which real ResNets keep in check with batch normalisation inside `F`). He initialisation, cnnviz's default, fixes the plain stack's start too; what it does not fix is the trouble He et al. saw during training, which residual connections did.

# %% [markdown]
# ### Depthwise-separable convolutions
#
# A standard 3x3 convolution from 32 to 64 channels filters space and mixes channels at once. MobileNet splits the two: a **depthwise** 3x3 convolution filters each channel alone (`groups=32`, one 3x3 filter per channel), then a **pointwise** 1x1 convolution mixes the channels.

# %%
standard = cnnviz.Conv2d(32, 64, 3, padding=1)
depthwise = cnnviz.Conv2d(32, 32, 3, padding=1, groups=32)
pointwise = cnnviz.Conv2d(32, 64, 1)
shape = (32, 56, 56)
print(f"standard:  {standard.num_params:6,} parameters, {standard.multiply_adds(shape):11,} multiply-adds")
print(f"separable: {depthwise.num_params:,} + {pointwise.num_params:,} = "
      f"{depthwise.num_params + pointwise.num_params:,} parameters, "
      f"{depthwise.multiply_adds(shape) + pointwise.multiply_adds(shape):11,} multiply-adds")

# %% [markdown]
# About an eighth of the cost, for a layer that can learn less (each output channel's spatial filter is no longer its own). MobileNetV2 wraps it in an *inverted residual*: a 1x1 convolution widens the channels six times, the depthwise 3x3 filters them, and a 1x1 convolution without a ReLU narrows them back.

# %% [markdown]
# ### Batch normalisation
#
# Ioffe and Szegedy (2015) standardise each channel over the batch, then let the network rescale it with two learned numbers per channel: `out = weight * (x - mean) / sqrt(var + eps) + bias`. Whatever the layer before does to the scale of its outputs, the next layer sees values of a steady size, which lets deep networks train with larger learning rates. ResNet and MobileNetV2 put one after every convolution.

# %%
bn = cnnviz.BatchNorm2d(3)
bn.initialize(np.random.default_rng(0))
wild = np.random.default_rng(2).normal(loc=[5, -2, 0], scale=[10, 0.1, 3], size=(16, 4, 4, 3))
wild = wild.transpose(0, 3, 1, 2)                   # (16, 3, 4, 4): three channels of very different scales
out = bn.forward(wild)
print("before: means", np.round(wild.mean(axis=(0, 2, 3)), 1), " stds", np.round(wild.std(axis=(0, 2, 3)), 2))
print("after:  means", np.round(out.mean(axis=(0, 2, 3)), 1) + 0.0, " stds", np.round(out.std(axis=(0, 2, 3)), 2))
print("parameters:", bn.num_params, "(a weight and a bias per channel)")

# %% [markdown]
# ## Summary
#
# - A unit's **receptive field** grows by `(k - 1) * d * j` per layer, where the jump `j` is the product of the strides before it: two 3x3 convolutions see 5x5, three 7x7, and a stride-2 pool in between doubles what every later layer adds.
# - Stacked 3x3 convolutions reach the field of one large kernel with fewer weights and more ReLUs: the VGG argument.
# - The **effective** receptive field, measured with the gradient `d(unit) / d(input)`, is a blob in the middle of the square, and a smaller part of it the deeper the stack.
# - From AlexNet to MobileNetV2, ImageNet accuracy rose, and after VGG16 the parameters and multiply-adds fell, thanks to small kernels, 1x1 convolutions, residual connections, global average pooling, depthwise-separable convolutions and batch normalisation.

# %% [markdown]
# ## Exercises
#
# Replace each `...` with your answer and run the cell. The check tells you if you are right, and if not, what it expected.
#
# **1.** What is the receptive field (one side, in input pixels) of the last layer of this stack, without padding: a 3x3 convolution with stride 2, a 5x5 convolution, a 2x2 max pool (stride 2), then a 3x3 convolution with dilation 2?

# %%
answer = ...
nb13.stack_field(answer)

# %% [markdown]
# **2.** A ResNet basic block on 48 channels: a 3x3 convolution (48 to 48 channels, no bias), a BatchNorm2d, a ReLU, another such 3x3 convolution and a BatchNorm2d, with the identity as shortcut. How many parameters does it learn?

# %%
answer = ...
nb13.block_params(answer)

# %% [markdown]
# **3.** How many multiply-adds does `Conv2d(48, 96, 3, stride=2, padding=1)` perform on one input of shape `(48, 40, 40)`? (Work out the output size first.)

# %%
answer = ...
nb13.conv_multiply_adds(answer)

# %% [markdown]
# <details><summary>Solutions</summary>
#
# 1. 29. Fields and jumps: 3 (jump 2), 3 + 4 * 2 = 11 (jump 2), 11 + 1 * 2 = 13 (jump 4), 13 + 2 * 2 * 4 = 29. Check with `cnnviz.receptive_field(nb13.field_stack(), (1, 64, 64))`.
# 2. 41,664: each convolution has 48 * 48 * 9 = 20,736 weights, each BatchNorm2d 2 * 48 = 96 parameters, so 2 * 20,736 + 2 * 96. The identity shortcut learns nothing. Check with `nb13.basic_block().num_params`.
# 3. 16,588,800: the output is 96 x 20 x 20 (`floor((40 + 2 - 3) / 2) + 1 = 20`), and each of its 38,400 values takes 48 * 9 = 432 multiply-adds.
# </details>

# %% [markdown]
# ## Further reading
#
# - Wenjie Luo, Yujia Li, Raquel Urtasun and Richard Zemel, [Understanding the Effective Receptive Field in Deep Convolutional Neural Networks](https://arxiv.org/abs/1701.04128) (2016).
# - André Araujo, Wade Norris and Jack Sim, [Computing Receptive Fields of Convolutional Neural Networks](https://distill.pub/2019/computing-receptive-fields/), Distill (2019): the recurrence, padding and networks with several paths.
# - Karen Simonyan and Andrew Zisserman, [Very Deep Convolutional Networks for Large-Scale Image Recognition](https://arxiv.org/abs/1409.1556) (VGG, 2014).
# - Kaiming He, Xiangyu Zhang, Shaoqing Ren and Jian Sun, [Deep Residual Learning for Image Recognition](https://arxiv.org/abs/1512.03385) (ResNet, 2015).
# - Mark Sandler et al., [MobileNetV2: Inverted Residuals and Linear Bottlenecks](https://arxiv.org/abs/1801.04381) (2018).
# - Sergey Ioffe and Christian Szegedy, [Batch Normalization](https://arxiv.org/abs/1502.03167) (2015); Min Lin, Qiang Chen and Shuicheng Yan, [Network In Network](https://arxiv.org/abs/1312.4400) (2013).
# - torchvision's [model documentation](https://pytorch.org/vision/stable/models.html): the accuracy, parameters and operations of each trained model.

# %% [markdown] tags=["navigation"]
# [← 12 What the network looks at](12_what_the_network_looks_at.ipynb) · [Contents](../README.md#notebooks) · [14 Beyond the plain convolution →](14_beyond_plain_convolution.ipynb)
