# %% [markdown]
# # 06 Pooling
# Shrink a feature map by keeping the largest (or the average) value of each small window, work out the output size, and test how much of the result survives a one-pixel shift.

# %% [markdown] tags=["navigation"]
# [← 05 Convolution over volume](05_convolution_over_volume.ipynb) · [Contents](../README.md#notebooks) · [07 Parameters: dense vs convolutional →](07_parameters_dense_vs_conv.ipynb)

# %% [markdown]
# ## What you will learn
#
# - What **max pooling** and **average pooling** do: cut a feature map into small windows and keep one number per window.
# - The output size, `floor((n + 2p - k) / s) + 1`: the formula from notebook 04, with the stride equal to the window unless you say otherwise, and what *ceil mode* changes.
# - That a pooling layer has nothing to learn: zero parameters.
# - How much of a feature map stays the same when the input moves by one pixel, before and after max pooling, and why the honest answer is "more, but far from all".
# - Which input pixel won each window (`return_indices`), the bookkeeping that backpropagation will need.

# %%
import numpy as np
import matplotlib.pyplot as plt

import cnnviz
from cnnviz.images import load_sample
from cnnviz.explorers import pooling_explorer, shift_explorer, winners_explorer
from cnnviz.lessons.pool_views import demo_matrix, shift_state
from cnnviz.shapes import explain_pool_output_size
from cnnviz.exercises import nb06

plt.rcParams.update({"figure.dpi": 80, "figure.figsize": (8, 3)})

# %% [markdown]
# ## 1. One number per window
#
# A convolution layer followed by a ReLU (notebooks 02 to 05) produces feature maps about as large as its input. Many networks then shrink them with a **pooling** layer. It cuts each map into small windows, most often 2x2, and replaces each window by a single number:
#
# - **max pooling** keeps the largest value of the window;
# - **average pooling** keeps the mean.
#
# With 2x2 windows that move 2 pixels at a time, each side is halved and a quarter of the values remain. That saves memory and computation in every later layer. It also means that one value of the next layer's input stands for a bigger patch of the image, so a 3x3 kernel there takes in a wider view. And the exact position of a feature inside a window stops mattering; section 5 measures how far that goes.
#
# Here is a 4x4 example. With a 2x2 window and stride 2 the four windows are the four quarters of the matrix. The top-left one holds 2, 8, 5 and 3: its maximum is 8 and its mean is 18 / 4 = 4.5.

# %%
x = np.array([[2, 8, 1, 0],
              [5, 3, 4, 6],
              [0, 1, 7, 2],
              [9, 4, 3, 5]])

k = s = 2                                   # window size and stride
by_hand_max = np.zeros((2, 2))
by_hand_mean = np.zeros((2, 2))
for i in range(2):
    for j in range(2):
        window = x[i * s:i * s + k, j * s:j * s + k]
        by_hand_max[i, j] = window.max()
        by_hand_mean[i, j] = window.mean()
print("max pooling:")
print(by_hand_max)
print("average pooling:")
print(by_hand_mean)

# cnnviz pools (C, H, W) feature maps: x[None] adds a channel axis of size 1
assert np.array_equal(cnnviz.max_pool2d(x[None], 2)[0], by_hand_max)
assert np.array_equal(cnnviz.avg_pool2d(x[None], 2)[0], by_hand_mean)

# %% [markdown]
# A convolution over a volume (notebook 05) combines all input channels into each output map. Pooling does not: it pools every channel on its own, so the number of channels stays the same and only the height and width shrink.

# %%
volume = np.random.default_rng(0).random((16, 32, 32))   # 16 feature maps of 32x32
pooled_volume = cnnviz.max_pool2d(volume, 2)
print(volume.shape, "->", pooled_volume.shape)
assert np.array_equal(pooled_volume[5], cnnviz.max_pool2d(volume[5:6], 2)[0])  # channel 5 alone

# %% [markdown]
# ## 2. Pooling a real feature map
#
# To see what pooling does to a picture, we need a feature map with some structure. Take the grey cat at 72x108 pixels, correlate it with the Sobel x kernel from notebook 03, and apply a ReLU, as a convolution layer would. The map is bright where the photo gets brighter from left to right, and exactly zero wherever the response was negative: about half of the pixels.

# %%
grey = load_sample("chelsea", grey=True, size=(72, 108))
edges = cnnviz.correlate2d(grey, cnnviz.filters.SOBEL_X, padding=1, pad_mode="replicate")
fmap = np.maximum(edges, 0)                 # ReLU: keep the positive responses only
pooled = cnnviz.max_pool2d(fmap[None], 2)[0]
print("feature map:", fmap.shape, f" share of zeros: {(fmap == 0).mean():.0%}")
print("after 2x2 max pooling:", pooled.shape)

fig, axes = plt.subplots(1, 3, figsize=(10, 2.6))
for ax, img, title in zip(axes, [grey, fmap, pooled],
                          ["photo 72 x 108", "ReLU(Sobel x) 72 x 108", "2x2 max pooled 36 x 54"]):
    ax.imshow(img, cmap="gray", vmin=0, vmax=1 if img is grey else fmap.max())
    ax.set_title(title)
    ax.axis("off")
plt.show()

# %% [markdown]
# The pooled map has a quarter of the values, yet the edges of the eyes, the nose and the stripes are all still there, and they even look brighter: each 2x2 block took on the value of its strongest pixel.
#
# The explorer below pools the same map. On the left is the feature map, in the middle the pooled map drawn in the same shades, and on the right the numbers of one window, the one under the orange square. The *zoom* sliders move it from window to window: they step by the stride, and each value is the top-left pixel of a window. In max mode the winning value is outlined. Under the figure, the output size is worked out with your settings.
#
# Things to try:
#
# - Switch to **average**. The pooled map turns darker and blurrier: a thin bright edge in a window of mostly zeros is diluted by the mean, while max pooling keeps it at full strength. After a ReLU, max pooling answers the question "did this feature show up anywhere in the window?", which is why it is the usual choice.
# - Set the window to 4 and the stride to 4: 18x27 values, coarse blocks.
# - Set the window to 3 and the stride to 2: the windows now **overlap**, as in AlexNet's pooling layers.
# - Set the stride larger than the window: pixels between windows are never looked at.

# %% tags=["nbval-ignore-output"]
pooling_explorer(fmap)

# %% [markdown]
# ## 3. The output size
#
# Pooling windows are placed exactly like the kernel of a convolution, so the counting from notebook 04 applies unchanged: along a side of `n` pixels, a window of size `k` with stride `s` and padding `p` fits
#
# `out = floor((n + 2p - k) / s) + 1`
#
# times. Two habits are different from convolution. First, the stride **defaults to the window size**: `MaxPool2d(2)` in cnnviz and in PyTorch means a 2x2 window *and* stride 2, so that the windows tile the map. Second, padding is rare, and it may be at most half the window (`p <= k // 2`). For max pooling the padding is filled with minus infinity, so it can never win.

# %%
for n, k, s in [(4, 2, 2), (72, 2, 2), (108, 5, 5), (126, 3, 3)]:
    print(f"n={n:>3}, k={k}, s={s}:  floor(({n} - {k}) / {s}) + 1 = "
          f"{cnnviz.pool_output_size(n, k, stride=s)}")
print("MaxPool2d(2) on 4 pixels, stride left out:", cnnviz.pool_output_size(4, 2), "windows")

# %% [markdown]
# The `floor` matters when the division is not exact. 21 windows of 5 pixels cover 105 of the 108 columns, and the last 3 columns are ignored, just like the unread pixels of notebook 04.
#
# **Ceil mode** rounds up instead, which adds one more window at the end. That window hangs over the edge; only its part inside the map counts (max pooling takes the largest value there, average pooling divides by the number of pixels there). PyTorch offers this as `ceil_mode=True`; the default is floor. On a row of five numbers with a 1x2 window:

# %%
row = np.array([[[3., 1, 4, 1, 5]]])        # one channel, one row, five columns
floor_out = cnnviz.max_pool2d(row, (1, 2))[0, 0]
ceil_out = cnnviz.max_pool2d(row, (1, 2), ceil_mode=True)[0, 0]
print("floor mode:", floor_out, "  (the 5 is never looked at)")
print("ceil mode: ", ceil_out, "  (the last window holds only the 5)")

# %% [markdown]
# Rounding up has one catch. When the stride is longer than the window, the extra window may start *after* the last pixel, and a window with nothing in it makes no sense. The rule (PyTorch's, and cnnviz's) is that **the last window must start inside the input** (or inside its padding on the left or top); if it would not, it is dropped. With 72 rows, a window of 2 and a stride of 8, rounding up asks for 10 windows, but the tenth would start at row 9 * 8 = 72, one past the last row:

# %%
print(explain_pool_output_size(72, 2, stride=8, ceil_mode=True))
print("floor mode gives", cnnviz.pool_output_size(72, 2, stride=8), "as well")

# %% [markdown]
# Tick *ceil mode* in the explorer of section 2 and set a window of 2 and a stride of 8 to see the same line there. (With the explorer's first settings, a window and stride of 2, ceil mode changes nothing: 72 - 2 and 108 - 2 divide by 2 exactly, and the figure says so.) Then, with ceil mode still ticked, set the window and the stride to 5 and move both *zoom* sliders to their maximum: the last window sticks out over the corner, and its missing cells are white.
#
# ## 4. Nothing to learn
#
# A convolution layer learns its kernels. A pooling layer follows a fixed rule, "take the maximum" or "take the mean", so it has no weights and no bias. Training never changes it; its window size and stride are choices made by whoever designs the network.

# %%
conv = cnnviz.Conv2d(64, 64, 3)
print("Conv2d(64, 64, 3):", f"{conv.num_params:,}", "parameters (64 * 64 * 3 * 3 weights + 64 biases)")
print("MaxPool2d(2):     ", cnnviz.MaxPool2d(2).num_params, "parameters")
print("AvgPool2d(2):     ", cnnviz.AvgPool2d(2).num_params, "parameters")

# %% [markdown]
# Average pooling is in fact a convolution whose kernel is fixed instead of learned: every weight is `1 / k²`, the stride is `k`, and each channel is filtered on its own. Max pooling cannot be written as any kernel, for the same reason as the median filter in notebook 03: a maximum is not a weighted sum.

# %%
box = np.full((2, 2), 1 / 4)
same = np.allclose(cnnviz.correlate2d(fmap, box, stride=2), cnnviz.avg_pool2d(fmap[None], 2)[0])
print("2x2 average pooling equals correlation with a 2x2 kernel of 1/4 at stride 2:", same)
assert same


# %% [markdown]
# ## 5. Does a one-pixel shift survive pooling?
#
# A cat moved one pixel to the right is still the same cat, and we would like a network to give the same answer. A convolution does not do that by itself: shift its input and the feature map shifts along with it, so at any fixed position the values change. Max pooling is often said to help, because a strong response that moves a little *within its window* leaves the window's maximum where it was. How much does it help? Let us count.
#
# Crop the feature map twice, the second crop one column earlier, so that its content sits one pixel further right. Then compare the two maps position by position, before and after 2x2 max pooling. Positions where both maps are zero are not counted: two dark pixels agreeing says nothing about the feature.

# %%
def fraction_same(a, b):
    """Share of the positions (non-zero in a or in b) where a and b hold the same value."""
    counted = (a != 0) | (b != 0)
    return ((a == b) & counted).sum() / counted.sum()

original = fmap[:, 3:]                      # columns 3 to 107
shifted = fmap[:, 2:-1]                     # columns 2 to 106: everything one pixel further right
assert np.array_equal(shifted[:, 1:], original[:, :-1])

pooled_original = cnnviz.max_pool2d(original[None], 2)[0]
pooled_shifted = cnnviz.max_pool2d(shifted[None], 2)[0]
before = fraction_same(original, shifted)
after = fraction_same(pooled_original, pooled_shifted)
print(f"unchanged before pooling:       {before:.0%}")
print(f"unchanged after 2x2 max pooling: {after:.0%}")
assert np.isclose(after, shift_state(fmap, shift=1).same_after)     # the explorer below counts the same way

# %% [markdown]
# Before pooling, not a single non-zero value stays put: neighbouring pixels of a photo practically never hold exactly the same number. After pooling, about one value in five survives. That is real, but it is partial: four in five pooled values still change. A pooled value survives only if its window's winner was not in the column that slides out, and nothing larger slides in; with a 2x2 window and a one-pixel shift, the winner sits in the leaving column about half the time.
#
# Try it in the explorer: blue marks positions with the same value, orange those that changed, grey those that are zero in both maps. A larger window keeps more values (about two in five for 4x4), at the price of a coarser map. Now set the shift to 2 with a 2x2 window: almost nothing stays in place. The pooled map has not been scrambled, though; it has moved by exactly one cell, as the check below the explorer shows.

# %% tags=["nbval-ignore-output"]
shift_explorer(fmap)

# %%
shifted_two = fmap[:, 1:-2]                 # content two pixels further right
pooled_two = cnnviz.max_pool2d(shifted_two[None], 2)[0]
print(f"unchanged in place after a 2-pixel shift: {fraction_same(pooled_original, pooled_two):.0%}")
moved = np.array_equal(pooled_two[:, 1:], pooled_original[:, :-1])
print("but it equals the old pooled map moved one cell to the right:", moved)

# %% [markdown]
# So max pooling buys a little tolerance to shifts that are smaller than its window, and what it buys depends on where the shift falls relative to the grid of windows. Real networks stack several pooling (or strided) layers and are trained on images with their subjects in many positions, and even then their outputs can change noticeably when the input moves by a single pixel; the papers in *Further reading* measure this and propose a remedy.
#
# ## 6. Which pixel won?
#
# Max pooling keeps each window's largest value and forgets where it was. The layer can keep a note, though: with `return_indices=True`, `cnnviz.max_pool2d` (like PyTorch's) also returns, for every output value, the position of the input pixel that won. The position is given as one number, `row * W + col`: the pixel's place if the map were flattened row by row, as in notebook 01. On ties, the first pixel in reading order wins.

# %%
pooled_x, indices = cnnviz.max_pool2d(x[None], 2, return_indices=True)
print("pooled:")
print(pooled_x[0])
print("winner indices (row * 4 + col):")
print(indices[0])
rows, cols = np.unravel_index(indices[0], x.shape)
print("winners' rows:", rows.tolist(), " columns:", cols.tolist())
assert np.array_equal(x.ravel()[indices[0]], pooled_x[0])

# %% [markdown]
# Why keep this? A pooled value depends on its window's winner only: nudge any other pixel of the window a little and the maximum does not move. When a network learns by backpropagation, each output's gradient therefore goes back to the winner alone, and every other pixel gets zero. `cnnviz.MaxPool2d` remembers the indices during its forward pass for exactly that. A first look, sending a gradient of 1 back from every output:

# %%
layer = cnnviz.MaxPool2d(2)
layer.forward(x[None].astype(float))
grad = layer.backward(np.ones((1, 2, 2)))[0]
print(grad)

# %% [markdown]
# In the explorer below, the winners of a 6x6 matrix are framed in orange, and the right-hand panel counts how many windows each pixel won. The *window* slider picks one window (counted row by row), outlined in blue together with its output and its index. With stride 2 every window has its own winner. Set the stride to 1: the windows overlap, a single large value wins several of them, and in backpropagation it would collect the gradients of all of them, while most pixels win nothing at all.

# %% tags=["nbval-ignore-output"]
winners_explorer(demo_matrix())

# %% [markdown]
# ## Summary
#
# - A pooling layer cuts each feature map into windows and keeps one number per window: the largest (max pooling) or the mean (average pooling). Each channel is pooled on its own, so `(C, H, W)` becomes `(C, H', W')`.
# - The output size is `floor((n + 2p - k) / s) + 1`, and the stride defaults to the window size: a 2x2 window with stride 2 turns 4x4 into 2x2 and 72x108 into 36x54. Ceil mode rounds up, but a last window must start inside the input (or its padding).
# - Pooling has no parameters: `MaxPool2d(2).num_params == 0`, against 36,928 for a `Conv2d(64, 64, 3)`. Average pooling is a fixed convolution; max pooling is not linear.
# - After a one-pixel shift, no non-zero value of the cat's edge map stays the same, and about 20% of the 2x2 max-pooled values do. Pooling gives some tolerance to small shifts, not invariance.
# - `return_indices=True` says which input pixel won each window; backpropagation sends each gradient to that winner only.

# %% [markdown]
# ## Exercises
#
# Replace each `...` with your answer and run the cell. The check tells you if you are right, and if not, what it expected.
#
# **1.** A 28x28 feature map goes through max pooling with a 3x3 window and stride 2 (floor mode, no padding). What is the output size (one side)?

# %%
answer = ...
nb06.pooled_size(answer)

# %% [markdown]
# **2.** Max-pool this matrix by hand with a 2x2 window and **stride 1**, so the windows overlap. Write the result as a nested list, row by row.

# %%
m = nb06.MATRIX
print(m)
answer = ...
nb06.max_pool_by_hand(answer)

# %% [markdown]
# **3.** ResNet, a well-known image network, follows its first convolution with a max pooling of 3x3 windows, stride 2 and **padding 1**. Its input there is a volume of 64 maps of 112x112. What is the shape of the pooled volume? Answer with a tuple `(channels, height, width)`.

# %%
answer = ...
nb06.padded_pool_shape(answer)

# %% [markdown]
# **4.** Pool `m` again, now with a 2x2 window and stride 2. For each window, what index `row * 4 + col` does `return_indices` report for its winner? Answer with a 2x2 nested list.

# %%
answer = ...
nb06.winner_indices(answer)

# %% [markdown]
# <details><summary>Solutions</summary>
#
# 1. `floor((28 - 3) / 2) + 1` = `12 + 1` = 13 (`cnnviz.pool_output_size(28, 3, stride=2)`).
# 2. `[[9, 9, 8], [7, 8, 8], [7, 6, 6]]`. For example, the top-left window holds 1, 9, 3, 5 and the one to its right 9, 2, 5, 8: the 9 wins both.
# 3. `(64, 56, 56)`: the channels stay, and each side is `floor((112 + 2 * 1 - 3) / 2) + 1 = 55 + 1 = 56`, half the size (`cnnviz.pool_output_size(112, 3, stride=2, padding=1)`). The layer still learns nothing.
# 4. `[[1, 6], [8, 10]]`: the 9 at row 0, column 1; the 8 at (1, 2); the 7 at (2, 0); the 6 at (2, 2).
# </details>

# %% [markdown]
# ## Further reading
#
# - CS231n, [Convolutional Networks](https://cs231n.github.io/convolutional-networks/): the section on the pooling layer, including overlapping pooling and the idea of doing without it.
# - PyTorch's [`torch.nn.MaxPool2d`](https://pytorch.org/docs/stable/generated/torch.nn.MaxPool2d.html): the shape formula, `ceil_mode` and `return_indices`.
# - Vincent Dumoulin and Francesco Visin, [A guide to convolution arithmetic for deep learning](https://arxiv.org/abs/1603.07285): its section on pooling arithmetic.
# - Jost Tobias Springenberg et al., [Striving for Simplicity: The All Convolutional Net](https://arxiv.org/abs/1412.6806): replacing pooling layers by convolutions with stride 2.
# - Aharon Azulay and Yair Weiss, [Why do deep convolutional networks generalize so poorly to small image transformations?](https://arxiv.org/abs/1805.12177), and Richard Zhang, [Making Convolutional Networks Shift-Invariant Again](https://arxiv.org/abs/1904.11486): how much a one-pixel shift really changes a network's output, and a fix (blur before subsampling).

# %% [markdown] tags=["navigation"]
# [← 05 Convolution over volume](05_convolution_over_volume.ipynb) · [Contents](../README.md#notebooks) · [07 Parameters: dense vs convolutional →](07_parameters_dense_vs_conv.ipynb)
