# %% [markdown]
# # 04 Padding, stride, dilation and output size
# Count where a kernel can stand, and see how padding, stride and dilation change the output's size, which pixels get read, and how often.

# %% [markdown] tags=["navigation"]
# [← 03 Filters: what a kernel can do](03_filters.ipynb) · [Contents](../README.md#notebooks) · [05 Convolution over volume →](05_convolution_over_volume.ipynb)

# %% [markdown]
# ## What you will learn
#
# - Why a kernel of size `k` fits `n - k + 1` times along an input of size `n`.
# - **Stride**: taking bigger steps gives a smaller output, and when the steps do not land exactly on the edge, the last rows and columns are never read.
# - **Padding**: a border of zeros around the input; the three common choices, *valid*, *same* and *full*, and why *same* padding is `p = (k - 1) / 2`.
# - **Dilation**: spreading a kernel's taps apart so that it covers more pixels with the same number of weights.
# - The formula that combines all four, `out = floor((n + 2p - d(k-1) - 1) / s) + 1`, used by PyTorch and by cnnviz, and how to check a real network's numbers with it.
# - Why pixels at the border take part in fewer windows than pixels in the middle, and how padding evens that out.

# %%
import numpy as np

import cnnviz
from cnnviz.shapes import effective_kernel_size, window_coverage
from cnnviz.explorers import size_explorer
from cnnviz.exercises import nb04

# %% [markdown]
# ## 1. How many places can a kernel stand?
#
# In notebook 02 a 3x3 kernel slid over a 5x5 input and produced a 3x3 feature map. Why 3? Look at one row first. A window of width `k` starts at column 0, moves one column at a time, and must stop when its right edge reaches the last column. Its last start is therefore column `n - k`, and the starts `0, 1, ..., n - k` are `n - k + 1` positions. Rows work the same way, so a square input gives a square output.
#
# For a 7x7 input and a 3x3 kernel that is `7 - 3 + 1 = 5`:

# %%
n, k = 7, 3
starts = list(range(0, n - k + 1))
print("window starts along one side:", starts)
print("output size:", len(starts))

feature_map = cnnviz.correlate2d(np.ones((n, n)), np.ones((k, k)))
print("shape of the feature map cnnviz computes:", feature_map.shape)
assert feature_map.shape == (len(starts), len(starts))    # one output value per window start

# %% [markdown]
# ## 2. Every window on one picture
#
# The explorer below draws the same thing for any setting. On the left is the input as a grid of cells:
#
# - grey cells are the input, white cells (once you add padding) are zeros around it;
# - a **dot** marks the top-left cell of every window the kernel visits, so the dots show every position at once;
# - the **orange** cells are the pixels that one chosen window multiplies by the kernel (pick it with the *window* slider, counted row by row); a **light orange** cell is a tap of that window that lands on padding;
# - **purple** cells are input pixels that no window reads at all, and **light purple** cells are padding that no window reads (none of either yet: wait for section 3).
#
# In the middle is the output, one cell per window, with the chosen window's cell in orange. On the right, each input pixel shows how many windows read it: white means never, and the darker the blue, the more windows (section 7 comes back to this). Underneath, the formula for the output size is worked out with your numbers. When a control cannot change anything at the current setting (a stride with room for only one window, say), a line under the formula says so.
#
# Move the *window* slider and watch the orange square and the orange output cell move together. Then change the input size and the kernel size: the number of dots per row is always the output size.

# %% tags=["nbval-ignore-output"]
size_explorer(7, 3)

# %% [markdown]
# ## 3. Stride: taking bigger steps
#
# The **stride** `s` is how far a window moves between positions. With stride 2 the windows start at columns 0, 2, 4, ...: half as many positions along each side, so roughly a quarter as many output values. Strided convolutions are one of the ways a network shrinks its feature maps (pooling, in notebook 06, is the other).
#
# The last start must still leave room for the whole window, so it can be at most `n - k`. The starts are the multiples of `s` from 0 up to `n - k`, and there are `floor((n - k) / s) + 1` of them. For 7x7 with a 3x3 kernel and stride 2 the starts are 0, 2 and 4:

# %%
print(cnnviz.explain_output_size(7, 3, stride=2))

# %% [markdown]
# Here `n - k = 4` is a multiple of 2, so the last window ends exactly on the last column. Make the input one pixel bigger and that is no longer true: `8 - 3 = 5` is not a multiple of 2. The windows still start at 0, 2 and 4, because a start at 6 would need columns 6, 7 and 8, and there is no column 8. The `floor` in the formula is exactly this: a window that would hang over the edge is not computed.
#
# The cost is that the last column (and the last row) is never read by any window. `window_coverage` counts how many windows read each input pixel; the zeros along the bottom and the right are those pixels:

# %%
print(cnnviz.explain_output_size(8, 3, stride=2))
coverage = window_coverage(8, 3, stride=2)
print(coverage)

# %% [markdown]
# In the explorer those pixels are purple, and white on the heat map. Try stride 3 (`8 - 3 = 5` is not a multiple of 3 either) and stride 4, which is longer than the kernel: now whole columns *between* the windows are skipped as well. Nothing breaks when this happens, but whatever is in those pixels cannot affect the output, which is worth knowing when you choose an input size.

# %% tags=["nbval-ignore-output"]
size_explorer(8, 3, stride=2)

# %% [markdown]
# ## 4. Padding: valid, same and full
#
# Every convolution without padding shrinks the input by `k - 1` pixels per side length. Stack ten 3x3 layers on a 32x32 image and 12x12 is left. **Padding** adds a border of `p` zeros on every side before the kernel slides, so the input the kernel sees is `n + 2p` pixels wide:

# %%
x = np.arange(1, 10).reshape(3, 3)
print(cnnviz.pad2d(x, 1).astype(int))

# %% [markdown]
# Replace `n` by `n + 2p` in the count from section 1 and the output size is `n + 2p - k + 1` (at stride 1). Three amounts of padding have names:
#
# - **valid**: `p = 0`. Only windows that lie entirely inside the input, so the output shrinks to `n - k + 1`.
# - **same**: the output has the *same* size as the input. Solving `n + 2p - k + 1 = n` gives `p = (k - 1) / 2`: 1 for a 3x3 kernel, 2 for 5x5, 3 for 7x7.
# - **full**: `p = k - 1`. Every window that overlaps the input by at least one pixel is computed, and the output *grows* to `n + k - 1`.
#
# For a 6x6 input and a 3x3 kernel:

# %%
n, k = 6, 3
for name, p in [("valid", 0), ("same", cnnviz.same_padding(k)), ("full", k - 1)]:
    size = cnnviz.conv_output_size(n, k, padding=p)
    by_name = cnnviz.correlate2d(np.ones((n, n)), np.ones((k, k)), padding=name).shape  # names work too
    print(f"{name:>5}: p = {p}, output {size}x{size}; correlate2d(..., padding={name!r}) gives {by_name}")

# %% [markdown]
# `(k - 1) / 2` is a whole number only when `k` is odd, which is one reason almost every CNN uses odd kernels (3x3, 5x5, 7x7): the kernel then has a centre pixel, and the same padding goes on both sides. For an even kernel the padding has to be lopsided; PyTorch puts the extra pixel at the bottom and right, and so does `cnnviz.same_padding`:

# %%
for k in (1, 3, 5, 7):
    p = cnnviz.same_padding(k)
    stays = cnnviz.conv_output_size(10, k, padding=p)
    print(f"k = {k}: same padding p = {p}, and a 10x10 input stays {stays}x{stays}")
print("k = 4: (before, after) =", cnnviz.same_padding(4))

# %% [markdown]
# Switch the *padding* dropdown between valid, same and full, or pick *custom* and use the `p` slider. White cells are the zeros. Note how, with full padding, the corner windows contain just one input pixel and eight zeros. With *same*, try a 4x4 kernel to see the even-kernel problem explained.

# %% tags=["nbval-ignore-output"]
size_explorer(6, 3, padding="same")

# %% [markdown]
# ## 5. Dilation: a kernel with holes
#
# A **dilated** kernel reads pixels that are `d` apart instead of neighbours: a 3x3 kernel with dilation 2 reads rows 0, 2, 4 and columns 0, 2, 4 of its window. It still has 9 weights, but they are spread over a 5x5 area. In general the taps span `d(k - 1) + 1` pixels, the *effective* kernel size. Dilation 1 is the ordinary kernel.
#
# Put the effective size in place of `k` and the count works as before. That is where the full formula comes from:
#
# `out = floor((n + 2p - d(k-1) - 1) / s) + 1`
#
# because `n + 2p - (d(k-1) + 1)` is `n + 2p - d(k-1) - 1`. With `d = 1` it is the familiar `floor((n + 2p - k) / s) + 1`.

# %%
span = effective_kernel_size(3, dilation=2)
print("a 3x3 kernel with dilation 2 spans", span, "pixels")
print(cnnviz.explain_output_size(7, 3, dilation=2))

# %% [markdown]
# Dilation lets a layer look at a wider area without more weights and without shrinking the feature map as much as a stride would; it is popular in segmentation networks. In the explorer the black outline shows the span and the orange cells the taps. Try a stride of 4 with a 2x2 kernel and dilation 2: whole rows fall between the taps of every window.

# %% tags=["nbval-ignore-output"]
size_explorer(7, 3, dilation=2)

# %% [markdown]
# ## 6. When no window fits
#
# If the kernel is wider than the padded input, there is no position at all: `n + 2p - d(k-1) - 1` is negative. A 7x7 kernel on a 5x5 input without padding is such a case. cnnviz refuses it with a message that says how much padding would help; PyTorch also raises an error.

# %%
try:
    cnnviz.conv_output_size(5, 7)
except ValueError as err:
    print("ValueError:", err)
size = cnnviz.conv_output_size(5, 7, padding=1)
print(f"with padding 1 the output is {size}x{size}")

# %% [markdown]
# The explorer explains the same thing on the figure. Raise `p` to 1 and the single window appears; raise it further and watch the output grow.

# %% tags=["nbval-ignore-output"]
size_explorer(5, 7, padding=0)


# %% [markdown]
# ## 7. How often is each pixel read?
#
# The heat maps on the right of the explorers count, for each input pixel, how many windows read it. That is also how many output values the pixel can influence. Without padding, a corner pixel is in exactly one window, while a pixel in the middle is in `k * k` of them: whatever happens at the border has much less say in the output.
#
# Counting by hand takes one loop over the windows. For stride 1 and no dilation a window is a plain `k x k` block of the padded input:

# %%
def count_reads(n, k, p):
    """How many windows (stride 1) read each pixel of an n x n input with padding p."""
    counts = np.zeros((n + 2 * p, n + 2 * p), dtype=int)
    out = cnnviz.conv_output_size(n, k, padding=p)
    for i in range(out):
        for j in range(out):
            counts[i:i + k, j:j + k] += 1      # the window of output cell (i, j)
    return counts[p:p + n, p:p + n]            # keep the input, drop the padding

print(count_reads(6, 3, 0))
for name, p in [("valid", 0), ("same", 1), ("full", 2)]:
    counts = count_reads(6, 3, p)
    assert np.array_equal(counts, window_coverage(6, 3, padding=p))   # the loop agrees with cnnviz
    print(f"{name:>5} (p = {p}): corner {counts[0, 0]}, edge {counts[0, 3]}, centre {counts[3, 3]}")

# %% [markdown]
# Padding raises the count at the corners relative to the centre: from 1 in 9 without padding, to 4 in 9 with same padding, to 9 in 9 with full padding, where every pixel is treated alike. The price is that the windows at the border now see zeros, which are not part of the image. Go back to any explorer above and switch between valid, same and full to watch the heat map flatten out.

# %% [markdown]
# ## 8. Real networks
#
# The formula is how you check the layer sizes printed in papers. AlexNet's first layer has 11x11 kernels with stride 4, and its output is 55x55. The paper says the input is 224x224, but the numbers only work for 227x227:

# %%
print(cnnviz.explain_output_size(227, 11, stride=4))
print()
print(cnnviz.explain_output_size(224, 11, stride=4))

# %% [markdown]
# With 224 the division does not come out even, the output is 54, and the last pixel row and column of every image are never read. PyTorch's torchvision version of AlexNet keeps 224 but pads by 2, which gives 55 again; now the pixel left over is padding, so every real pixel is read:

# %%
print("224 with padding 2:", cnnviz.conv_output_size(224, 11, stride=4, padding=2))
print("smallest read count without padding:", window_coverage(224, 11, stride=4).min())
print("smallest read count with padding 2: ", window_coverage(224, 11, stride=4, padding=2).min())

# %% [markdown]
# Two more you will meet: VGG uses 3x3 kernels with same padding, so its convolutions never change the size (only its pooling layers do), and ResNet starts with a 7x7 kernel, stride 2 and padding 3, which halves 224 to 112.

# %%
print("VGG 3x3, p=1: 224 ->", cnnviz.conv_output_size(224, 3, padding=1))
print("ResNet 7x7, s=2, p=3: 224 ->", cnnviz.conv_output_size(224, 7, stride=2, padding=3))

# %% [markdown]
# ## Summary
#
# - A kernel of size `k` fits `n - k + 1` times along `n` pixels; with padding `p`, stride `s` and dilation `d` the output size is `floor((n + 2p - d(k-1) - 1) / s) + 1`, which is `floor((n + 2p - k) / s) + 1` without dilation. `cnnviz.explain_output_size` works it out step by step.
# - Valid padding (`p = 0`) shrinks the output, same padding (`p = (k - 1) / 2` for odd `k`) keeps its size at stride 1, full padding (`p = k - 1`) grows it to `n + k - 1`.
# - When `n + 2p - d(k-1) - 1` is not a multiple of the stride, the division rounds down and the last rows and columns are never read; a stride longer than the kernel also skips pixels between windows.
# - Dilation spreads `k` taps over `d(k - 1) + 1` pixels: a wider view for the same number of weights.
# - Without padding, border pixels take part in far fewer windows than central ones; padding evens this out.
# - AlexNet's 11x11, stride-4 layer turns 227 into 55; 224 does not divide evenly.

# %% [markdown]
# ## Exercises
#
# Replace each `...` with your answer and run the cell. The check tells you if you are right, and if not, what it expected.
#
# **1.** A 64x64 input goes through a 5x5 kernel with stride 2 and padding 1. What is the output size (one side)? Work it out with the formula before you check.

# %%
answer = ...
nb04.output_size(answer)

# %% [markdown]
# **2.** Which padding keeps a 32x32 input at 32x32 through a 7x7 kernel with dilation 5, at stride 1? Combine the "same" padding of section 4 with the effective kernel size of section 5.

# %%
answer = ...
nb04.keep_size_padding(answer)

# %% [markdown]
# **3.** A 12x12 input, a 3x3 kernel, no padding. Find a stride greater than 1 that leaves some input pixels unread. (The explorer in section 3 can help: they turn purple.)

# %%
answer = ...
nb04.unread_stride(answer)


# %% [markdown]
# **4.** Write the output-size formula without dilation as a function, using only `//`, `+`, `-` and `*`.

# %%
def output_size(n, k, s, p):
    ...  # your code here

nb04.output_size_function(output_size)

# %% [markdown]
# <details><summary>Solutions</summary>
#
# 1. `(64 + 2*1 - 5) // 2 + 1` = `61 // 2 + 1` = 31.
# 2. The dilated kernel spans `d(k - 1) + 1 = 5 × 6 + 1 = 31` pixels, so it acts like a 31x31 kernel, and same padding is `(31 - 1) / 2` = 15, which is `d(k - 1) / 2` and `cnnviz.same_padding(7, dilation=5)`.
# 3. Any stride except 1 and 3 works for `12 - 3 = 9`: for example 2 (9 is odd, so the last row and column are left over), or 4 (9 is not a multiple of 4, and each step is longer than the kernel, so pixels between windows are skipped too). With stride 3 the windows touch edge to edge and cover everything.
# 4. `return (n + 2 * p - k) // s + 1`. Python's `//` rounds down, which is the floor in the formula.
# </details>

# %% [markdown]
# ## Further reading
#
# - Vincent Dumoulin and Francesco Visin, [A guide to convolution arithmetic for deep learning](https://arxiv.org/abs/1603.07285): every combination of padding, stride and dilation, with animations, and transposed convolution too.
# - PyTorch's [`torch.nn.Conv2d`](https://pytorch.org/docs/stable/generated/torch.nn.Conv2d.html): the *Shape* section states the formula used here, and the `padding="same"` option.
# - CS231n, [Convolutional Networks](https://cs231n.github.io/convolutional-networks/): the section on spatial arrangement discusses zero padding, stride and the AlexNet input size.
# - Fisher Yu and Vladlen Koltun, [Multi-Scale Context Aggregation by Dilated Convolutions](https://arxiv.org/abs/1511.07122): why dilation helps in segmentation.

# %% [markdown] tags=["navigation"]
# [← 03 Filters: what a kernel can do](03_filters.ipynb) · [Contents](../README.md#notebooks) · [05 Convolution over volume →](05_convolution_over_volume.ipynb)
