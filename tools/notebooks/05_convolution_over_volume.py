# %% [markdown]
# # 05 Convolution over volume
# Slide 3x3x3 filters over a colour photo: watch each channel's share add up to one map, stack many maps into an output volume, and meet the 1x1 convolution.

# %% [markdown] tags=["navigation"]
# [← 04 Padding, stride, dilation and output size](04_padding_stride_dilation.ipynb) · [Contents](../README.md#notebooks) · [06 Pooling →](06_pooling.ipynb)

# %% [markdown]
# ## What you will learn
#
# - Why a filter for a colour image is a small block of shape `(3, 3, 3)` that reaches through all the channels, and why it still produces one flat map.
# - How that map is three ordinary 2-D convolutions, one per channel, added together with one bias.
# - How `K` filters give an output volume of shape `(K, H', W')`, and how a layer stores them: weights `(C_out, C_in, kh, kw)` and one bias per output channel.
# - Shapes and parameter counts you can check by hand, for example `(3, 32, 32)` through 16 filters of 3x3 gives `(16, 30, 30)`.
# - What happens when a filter's depth does not match its input.
# - The 1x1 convolution: a dense layer applied to every pixel's channels.

# %%
import numpy as np
import matplotlib.pyplot as plt

import cnnviz
from cnnviz.images import load_sample
from cnnviz.explorers.filter_stack import filter_stack_explorer
from cnnviz.explorers.volume import partial_sums_explorer
from cnnviz.lessons.volume import COLOUR_FILTERS
from cnnviz.exercises import nb05

plt.rcParams.update({"figure.dpi": 80, "figure.figsize": (8, 3)})

# %% [markdown]
# ## 1. A colour image is a volume
#
# In notebook 01 a colour photo turned out to be three matrices stacked on top of each other, red, green and blue, with shape `(3, H, W)`. Picture it as a block of numbers: 3 deep, `H` high and `W` wide. Deep-learning people call such a block a **volume**, and its depth the number of **channels**.
#
# Notebooks 02 to 04 slid a flat 3x3 kernel over a flat grey image. We could turn every colour photo grey first, but that throws away exactly what tells a red nose from a brown patch of fur of the same brightness. Instead, the filter becomes a block too: a 3x3 window **as deep as the input**, one 3x3 slice for each channel. Here is a small copy of the cat and one such filter, a "redness" detector from the collection `COLOUR_FILTERS` that the explorers below use.

# %%
rgb = load_sample("chelsea", size=(96, 144))   # a small copy keeps the explorers quick
weight = COLOUR_FILTERS["redness"]
print("input x: ", rgb.shape, "  = (channels, height, width)")
print("filter w:", weight.shape, "    = (channels, kernel height, kernel width)")
for c, colour in enumerate(["red", "green", "blue"]):
    print(f"slice w[{c}] for {colour}, times 9:", (weight[c] * 9).round(2).tolist())

# %% [markdown]
# At one position, the filter covers the same 3x3 window in all three channels: a 3x3x3 block of the input. Multiply the 27 pairs of numbers, add them all up, add the bias `b`, and you get **one** number. In symbols, for the output pixel at row `i` and column `j`:
#
# `out[i, j] = b + sum over c, u, v of x[c, i + u, j + v] * w[c, u, v]`
#
# The sum runs over the channel `c` as well as over the window, so the depth disappears: a filter of depth 3 still produces one flat 2-D map. Let us compute one value by hand and compare it with `cnnviz.conv2d`, which expects a stack of filters, so our single filter goes in as `weight[None]` with shape `(1, 3, 3, 3)`.

# %%
i, j, b = 40, 60, 0.1
window = rgb[:, i:i + 3, j:j + 3]             # all 3 channels of one 3x3 window
value = np.sum(window * weight) + b           # 27 products, one sum, one bias
out = cnnviz.conv2d(rgb, weight[None], np.array([b]))
print("window:", window.shape, "  value by hand:", round(float(value), 4))
print("conv2d output:", out.shape, "  its value at (40, 60):", round(float(out[0, i, j]), 4))
assert np.isclose(value, out[0, i, j])

# %% [markdown]
# The output is 94x142: without padding a 3x3 window fits `96 - 3 + 1 = 94` times down and `144 - 3 + 1 = 142` times across, just as in notebook 04. The channels do not change that.
#
# ## 2. Three partial sums, one map
#
# The big sum can be done in any order. Do the window first and the channels last:
#
# `out[i, j] = b + (sum over u, v of x[0, ...] * w[0, ...]) + (same for channel 1) + (same for channel 2)`
#
# Each bracket is an ordinary 2-D convolution of one colour plane with one slice of the filter, exactly what notebook 02 did step by step. So a convolution over a volume is three flat convolutions, one per channel, added pixel by pixel, plus the bias.

# %%
partials = [cnnviz.correlate2d(rgb[c], weight[c]) for c in range(3)]
for c, colour in enumerate(["red", "green", "blue"]):
    print(f"{colour + ' part':>10} at (40, 60): {partials[c][i, j]:+.4f}")
total = partials[0] + partials[1] + partials[2] + b
print(f"{'sum + bias':>10} at (40, 60): {total[i, j]:+.4f}")
assert np.allclose(total, out[0], atol=1e-6)

# %% [markdown]
# The explorer shows the same thing for the whole photo. Top row: the three colour planes and the photo. Middle row: the filter's three slices, each under the plane it slides over, and the bias. Bottom row: the partial map of each channel and, on the right, their sum plus the bias, which is the filter's output. All four maps share one colour scale: orange-brown is positive, purple negative, white zero (not red and blue, which here would look like the red and blue planes). The circle marks one output pixel, and the caption adds up its numbers; the black square on the planes is the 3x3 window it reads.
#
# Things to try:
#
# - **redness**: the red part is positive almost everywhere (the red plane is bright), the green and blue parts are negative. Where the photo is grey or white they cancel; on the nose and the orange fur red wins.
# - **red-green edge**: the red and green parts are nearly mirror images. Where only the brightness changes they cancel; what is left marks where the mix of red and green changes.
# - **blue only**: two slices are all zeros, so two partial maps are plain white, and the output is the blue plane.
# - Move the **bias**: only the sum changes, by the same amount everywhere.

# %% tags=["nbval-ignore-output"]
partial_sums_explorer(rgb)

# %% [markdown]
# ## 3. A small example to check by hand: 6x6x3 with two filters
#
# Small integers make it possible to follow every number. Take a 6x6 input with 3 channels and **two** filters of 3x3x3, each with its own bias. Each filter gives one 4x4 map (`6 - 3 + 1 = 4`), and the two maps together make an output of depth 2: "4x4x2" in the height-width-depth language of many tutorials, `(2, 4, 4)` channels first. Here are all the numbers, the channels side by side:

# %%
rng = np.random.default_rng(0)
x = rng.integers(0, 4, size=(3, 6, 6)).astype(float)       # 3 channels of 6x6, values 0..3
w = rng.integers(-1, 2, size=(2, 3, 3, 3)).astype(float)   # 2 filters of 3x3x3, values -1..1
b = np.array([1.0, -2.0])                                  # one bias per filter

def side_by_side(blocks, names):
    """Print 2-D integer arrays next to each other, each under its name."""
    width = 3 * blocks[0].shape[1]
    print("   ".join(f"{name:<{width}}" for name in names))
    for r in range(blocks[0].shape[0]):
        print("   ".join("".join(f"{v:3d}" for v in block[r].astype(int)) for block in blocks))

side_by_side(list(x), ["x[0] red", "x[1] green", "x[2] blue"])
for f in range(2):
    print()
    side_by_side(list(w[f]), [f"w[{f}, 0]", f"w[{f}, 1]", f"w[{f}, 2]"])
    print(f"bias b[{f}] = {b[f]:+.0f}")

# %% [markdown]
# Each filter's three slices go over the three channels; filter 0's bias is +1, filter 1's is -2. The output:

# %%
y = cnnviz.conv2d(x, w, b)
print("x", x.shape, "  w", w.shape, "  b", b.shape, "  ->  y", y.shape)
print(y.astype(int))

# %% [markdown]
# The first printed block is filter 0's map, the second filter 1's. Here is the top-left value of filter 1's map, channel by channel, and the loop version `conv2d_naive`, which computes every output value this way, agreeing with the fast `conv2d` everywhere:

# %%
parts = [np.sum(x[c, 0:3, 0:3] * w[1, c]) for c in range(3)]
print("channel parts:", [int(p) for p in parts], " + bias", int(b[1]), " =", int(sum(parts) + b[1]))
assert sum(parts) + b[1] == y[1, 0, 0]
assert np.array_equal(cnnviz.conv2d_naive(x, w, b), y)

# %% [markdown]
# ## 4. Many filters make an output volume
#
# One filter finds one kind of pattern and gives one map. A convolution layer has many filters, `K` of them, each with its own 3x3x3 weights and its own bias, and it stacks their maps: the output is a volume again, of depth `K`. Written as arrays:
#
# - weights: `(C_out, C_in, kh, kw)` = `(K, 3, 3, 3)`, one 3x3x3 block per filter;
# - bias: `(C_out,)` = `(K,)`, one number per filter;
# - output: `(C_out, H', W')` = `(K, 94, 142)`.
#
# Two different depths meet here. The **input's** depth fixes how deep each filter must be (3 for a colour photo). The **number of filters** is a choice of whoever designs the network, and it becomes the output's depth. The next layer sees a `K`-channel image, so its filters must be `K` deep.
#
# Move the slider: each filter adds one map to the stack. Each map is drawn on its own scale (white is 0 and the title gives the largest value), because the filters' outputs differ a lot in size.

# %% tags=["nbval-ignore-output"]
filter_stack_explorer(rgb)

# %% [markdown]
# All eight filters at once, as one layer:

# %%
w8 = np.stack(list(COLOUR_FILTERS.values()))     # (C_out, C_in, kh, kw)
b8 = np.zeros(len(w8))                           # (C_out,)
maps = cnnviz.conv2d(rgb, w8, b8)
print("weight", w8.shape, "  bias", b8.shape, "  output", maps.shape)
print("learnable numbers:", cnnviz.conv2d_params(3, 8, 3), "= 8 x (3*3*3 + 1) =", w8.size + b8.size, "numbers in w8 and b8")
# Each map depends on its own filter only.
assert np.allclose(maps[2], cnnviz.conv2d(rgb, w8[2:3])[0], atol=1e-6)

# %% [markdown]
# ## 5. The shapes of real layers
#
# For an input of shape `(C_in, n, n)` and `C_out` filters of size `k x k` (stride 1, no padding), the output has shape `(C_out, n - k + 1, n - k + 1)`. The input's channels only decide the filters' depth; they do not change the height and width of the output. Two classic cases, on 32x32 colour images (the size of the CIFAR-10 data set):
#
# - 16 filters of 3x3 give `(16, 30, 30)`. A well-known tutorial prints `(16, 29, 29)` for this layer; that is an off-by-one slip. A 3x3 window can start at columns 0, 1, ..., 29, which is 30 positions: `32 - 3 + 1 = 30`.
# - 6 filters of 5x5 give 28x28 maps, `32 - 5 + 1 = 28`, like the first layer of LeNet-5.
#
# Each filter has `C_in * k * k` weights and one bias, whatever the size of the image.

# %%
for c_in, n, c_out, k in [(3, 32, 16, 3), (3, 32, 6, 5)]:
    shape = cnnviz.conv2d(np.zeros((c_in, n, n)), np.zeros((c_out, c_in, k, k))).shape
    params = cnnviz.conv2d_params(c_in, c_out, k)
    print(f"({c_in}, {n}, {n}) through {c_out} filters of {k}x{k}: output {shape}, "
          f"{n} - {k} + 1 = {cnnviz.conv_output_size(n, k)}, parameters {c_out} x ({c_in}*{k}*{k} + 1) = {params}")

# %% [markdown]
# ## 6. When the depths do not match
#
# Every filter must reach through all the input's channels. A common slip is to take a kernel made for grey images, such as Sobel x from notebook 03, and apply it to a colour photo. As a layer's weight it has shape `(1, 1, 3, 3)`: one filter of depth 1, while the photo has depth 3. cnnviz refuses, and the message names both depths:

# %%
grey_filter = cnnviz.filters.SOBEL_X[None, None]      # (C_out, C_in, kh, kw) = (1, 1, 3, 3)
try:
    cnnviz.conv2d(rgb, grey_filter)
except ValueError as err:
    print("ValueError:", err)

# %% [markdown]
# One way to fix it is to give the filter a slice for every channel. Repeating Sobel x three times and dividing by 3 gives an edge detector for brightness, and it is exactly the "vertical edge" filter of the explorers:

# %%
colour_filter = np.repeat(grey_filter, 3, axis=1) / 3      # (1, 3, 3, 3)
print("repeated filter:", colour_filter.shape, " output:", cnnviz.conv2d(rgb, colour_filter).shape)
assert np.array_equal(colour_filter[0], COLOUR_FILTERS["vertical edge"])

# %% [markdown]
# The same rule holds deeper in a network: after the 8-filter layer above, the next layer's input has 8 channels, so its filters must have depth 8, for example 4 filters of shape `(8, 3, 3)`, a weight of shape `(4, 8, 3, 3)`.

# %%
second = cnnviz.conv2d(maps, np.ones((4, 8, 3, 3)) / 72)
print("8-channel input", maps.shape, "-> 4 filters of depth 8 ->", second.shape)

# %% [markdown]
# ## 7. The 1x1 convolution: a dense layer at every pixel
#
# A 1x1 filter sees a single pixel, but all of its channels. With `K` such filters the weight has shape `(K, C, 1, 1)`, really a `K x C` matrix `M`, and
#
# `out[k, i, j] = b[k] + sum over c of M[k, c] * x[c, i, j]`
#
# At every pixel, the vector of its `C` channel values is multiplied by the same matrix: a dense layer with `C` inputs and `K` outputs, applied to each pixel separately and sharing its weights across all of them. The height and width stay the same (`n - 1 + 1 = n`); only the number of channels changes. Real networks use 1x1 convolutions to mix channels and to shrink a deep volume cheaply, for example from 256 channels to 64, before an expensive 3x3 layer.
#
# A familiar example: the usual conversion of a colour pixel to grey, `0.299 R + 0.587 G + 0.114 B`, is a 1x1 convolution with one filter. These are the weights cnnviz (and Pillow) use when loading a photo as grey.

# %%
luma = np.array([0.299, 0.587, 0.114])
grey = cnnviz.conv2d(rgb, luma.reshape(1, 3, 1, 1))        # weight (C_out, C_in, 1, 1) = (1, 3, 1, 1)
print("1x1 convolution:", rgb.shape, "->", grey.shape)
per_pixel = np.einsum("c,chw->hw", luma, rgb)             # at every pixel: luma . (R, G, B)
assert np.allclose(grey[0], per_pixel, atol=1e-6)
assert np.allclose(grey[0], load_sample("chelsea", grey=True, size=(96, 144)), atol=1e-6)

fig, axes = plt.subplots(1, 2, figsize=(7, 2.6))
axes[0].imshow(np.moveaxis(rgb, 0, -1))
axes[0].set_title(f"input {rgb.shape}")
axes[1].imshow(grey[0], cmap="gray", vmin=0, vmax=1)
axes[1].set_title(f"after a 1x1 convolution {grey.shape}")
for ax in axes:
    ax.axis("off")
plt.show()

# %% [markdown]
# The same works for any matrix. Below, four 1x1 filters with random weights and biases are compared with a plain matrix product: flatten the photo to one column per pixel, shape `(3, H*W)`, multiply by the `4 x 3` matrix, add the bias and fold the result back into `(4, H, W)`.

# %%
rng = np.random.default_rng(1)
M = rng.normal(size=(4, 3))                # a dense layer from 3 channels to 4
bias = rng.normal(size=4)
conv = cnnviz.conv2d(rgb, M[:, :, None, None], bias)
columns = rgb.reshape(3, -1)               # (3, H*W): one column per pixel
dense = (M @ columns + bias[:, None]).reshape(4, 96, 144)
print("1x1 convolution:", conv.shape, "  dense layer on every pixel:", dense.shape)
assert np.allclose(conv, dense, atol=1e-6)

# %% [markdown]
# ## Summary
#
# - An image with `C` channels is a volume `(C, H, W)`; every filter that slides over it has the same depth `C`, shape `(C, kh, kw)`.
# - A filter still gives one 2-D map: at each position it multiplies and adds over the window **and** the channels, then adds its bias. Equivalently, it is one flat convolution per channel, summed, plus the bias.
# - `K` filters give `K` maps, stacked into an output volume `(K, H', W')`. A layer stores weights `(C_out, C_in, kh, kw)` and a bias `(C_out,)`, that is `C_out * (C_in * kh * kw + 1)` parameters, whatever the image size.
# - 6x6x3 through two 3x3x3 filters gives 4x4x2, `(2, 4, 4)`; `(3, 32, 32)` through 16 filters of 3x3 gives `(16, 30, 30)` (not 29); 32x32 through 5x5 gives 28x28.
# - A filter whose depth differs from the input's channels is an error; cnnviz's message names both depths.
# - A 1x1 convolution is a dense layer applied to each pixel's channel vector: it changes the number of channels and keeps the height and width.

# %% [markdown]
# ## Exercises
#
# Replace each `...` with your answer and run the cell. The check tells you if you are right, and if not, what it expected.
#
# **1.** A `(3, 64, 64)` image goes through a layer of 10 filters of 5x5, with stride 1 and no padding. What is the shape of the output? Answer with a tuple `(channels, height, width)`.

# %%
answer = ...
nb05.output_shape(answer)

# %% [markdown]
# **2.** A layer has 64 filters of 3x3, and its input has 32 channels. How many learnable parameters (weights and biases) does it have? Work it out by hand; `cnnviz.conv2d_params` can confirm it afterwards.

# %%
answer = ...
nb05.layer_params(answer)


# %% [markdown]
# **3.** Write a convolution with one filter as a sum of flat convolutions: call `cnnviz.correlate2d` once per channel, add the results and the bias. `x` has shape `(C, H, W)`, `w` has shape `(C, kh, kw)`, and `b` is a number; the result is one map of shape `(H - kh + 1, W - kw + 1)`. The check compares it with `cnnviz.conv2d`.

# %%
def conv_one_filter(x, w, b):
    ...  # your code here

nb05.one_filter_conv(conv_one_filter)

# %% [markdown]
# **4.** Build the weight, shape `(3, 3, 1, 1)`, of a 1x1 convolution that swaps the red and blue channels of a photo and keeps green. (Hint: `weight[out, in, 0, 0]` says how much of input channel `in` goes into output channel `out`.)

# %%
answer = ...
nb05.swap_red_blue(answer)

# %% [markdown]
# <details><summary>Solutions</summary>
#
# 1. `(10, 60, 60)`: one channel per filter, and `64 - 5 + 1 = 60` on each side.
# 2. `64 * (32 * 3 * 3 + 1)` = 18,496, which is `cnnviz.conv2d_params(32, 64, 3)`.
# 3. `return sum(cnnviz.correlate2d(x[c], w[c]) for c in range(len(x))) + b`
# 4. `np.array([[0, 0, 1], [0, 1, 0], [1, 0, 0]]).reshape(3, 3, 1, 1)`: output red takes input blue, green takes green, blue takes red. Try it: `cnnviz.conv2d(rgb, answer)` and show the result with `plt.imshow(np.moveaxis(..., 0, -1))`.
# </details>

# %% [markdown]
# ## Further reading
#
# - CS231n, [Convolutional Networks](https://cs231n.github.io/convolutional-networks/): the section on the convolutional layer has an animated demo of two filters sliding over a 3-channel input volume.
# - PyTorch's [`torch.nn.Conv2d`](https://pytorch.org/docs/stable/generated/torch.nn.Conv2d.html): the *Variables* section gives the weight shape `(out_channels, in_channels, kernel_size[0], kernel_size[1])` (with groups, `in_channels / groups`).
# - Min Lin, Qiang Chen and Shuicheng Yan, [Network In Network](https://arxiv.org/abs/1312.4400): where the idea of a small dense network at every pixel, the 1x1 convolution, comes from.
# - Christian Szegedy et al., [Going deeper with convolutions](https://arxiv.org/abs/1409.4842): the Inception network, which uses 1x1 convolutions to reduce the number of channels before larger filters.

# %% [markdown] tags=["navigation"]
# [← 04 Padding, stride, dilation and output size](04_padding_stride_dilation.ipynb) · [Contents](../README.md#notebooks) · [06 Pooling →](06_pooling.ipynb)
