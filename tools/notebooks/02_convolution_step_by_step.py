# %% [markdown]
# # 02 Convolution step by step
# Slide a small kernel over an image one position at a time, watch each output number being made from a window of products, and meet the 180° flip that separates true convolution from what deep learning calls convolution.

# %% [markdown] tags=["navigation"]
# [← 01 Pixels as matrices](01_pixels_as_matrices.ipynb) · [Contents](../README.md#notebooks) · [03 Filters: what a kernel can do →](03_filters.ipynb)

# %% [markdown]
# ## What you will learn
#
# - What one step of a convolution computes: a window of the input, multiplied cell by cell with a small kernel, then added up into a single number.
# - How sliding the kernel over every position builds an output matrix, the *feature map*, and why a 5x5 input and a 3x3 kernel give a 3x3 feature map.
# - That the "convolution" of deep learning is, strictly speaking, *cross-correlation*: true convolution first turns the kernel by 180°. You will see when the difference matters and when it does not.
# - How to write the whole operation yourself with two loops.

# %%
import numpy as np

import cnnviz
from cnnviz.filters import BOX_BLUR, VERTICAL_EDGE
from cnnviz.lessons.stepper import FIVE_BY_FIVE, written_sum
from cnnviz.explorers.stepper import convolution_stepper, flip_explorer
from cnnviz.exercises import nb02

# %% [markdown]
# ## 1. One step: a window, a few products, one sum
#
# A *kernel* (also called a *filter*) is a small matrix of numbers, its *weights*. Lay it on top of the image so that every weight covers one pixel. The pixels under the kernel form the *window*. Multiply each weight by the pixel beneath it and add up all the products: the result is one number of the output.
#
# The smallest example that shows every part is a 3x3 input holding the numbers 0 to 8 and a 2x2 kernel.

# %%
x = np.arange(9).reshape(3, 3)
k = np.array([[0, 1],
              [2, 3]])
print("input x:")
print(x)
print("kernel k:")
print(k)

# %% [markdown]
# Put the kernel on the top-left corner of the input. The window is then the top-left 2x2 block, `x[0:2, 0:2]`. In NumPy, `*` between two arrays of the same shape multiplies them cell by cell (it is *not* the matrix product), which is exactly the step we need.

# %%
window = x[0:2, 0:2]
products = window * k
print("window:")
print(window)
print("window * k, cell by cell:")
print(products)
terms = " + ".join(f"{a}×{b}" for a, b in zip(window.flat, k.flat))
print(f"sum: {terms} = {products.sum()}")

# %% [markdown]
# This one number, 19, is the top-left value of the output. As a formula: the output at row $i$, column $j$ is
#
# $$\text{out}[i, j] = \sum_{u} \sum_{v} x[i + u,\; j + v] \cdot k[u, v],$$
#
# where $u$ runs over the rows of the kernel and $v$ over its columns. For $(i, j) = (0, 0)$ it is the sum printed above.

# %% [markdown]
# ## 2. Slide the kernel to every position
#
# Now move the kernel one column to the right and do the same again; when it reaches the right edge, bring it back to the left, one row down. Only four positions keep a 2x2 kernel entirely inside a 3x3 input, so the output has four numbers. `written_sum` prints each sum term by term (window value × kernel weight):

# %%
for i, j in [(0, 0), (0, 1), (1, 0), (1, 1)]:
    window = x[i:i + 2, j:j + 2]
    print(f"out[{i}, {j}] = {written_sum(window, k)}")

# %% [markdown]
# `cnnviz.correlate2d` does all the steps at once. It must agree with the sums we just wrote out:

# %%
out = cnnviz.correlate2d(x, k)
print(out)
by_hand = [[np.sum(x[i:i + 2, j:j + 2] * k) for j in range(2)] for i in range(2)]
assert np.array_equal(out, by_hand)          # cnnviz computes exactly the sums above

# %% [markdown]
# Notice that the same four weights were used at every position. That is the *weight sharing* promised at the end of notebook 01: this kernel has 4 numbers to learn, however large the image is.

# %% [markdown]
# ## 3. Watch it happen
#
# The explorer below shows one step at a time. Press ▶ to play the steps, or drag the **step** slider.
#
# - **input**: the orange frame is the window.
# - **kernel**: the weights. Red is positive, blue negative, white zero; the colour bar gives the scale.
# - **window × kernel**: each cell is a pixel of the window times the weight on top of it; the title gives their sum.
# - **output**: cells computed so far are filled in, grey cells are still to come, and the orange cell is the one this step computes. The line at the bottom writes the sum out.
#
# Try the other examples. With the **6x6 step edge** and a vertical edge kernel, the output is 0 wherever the window sees a flat region and -3 wherever the window straddles the step: the kernel answers the question "is there a vertical edge here?". Leave the **operation** switch alone for now; section 5 explains it.

# %% tags=["nbval-ignore-output"]
convolution_stepper()

# %% [markdown]
# ## 4. How big is the output?
#
# Without any padding, the kernel must stay inside the input. Count the places its top-left corner can go: in an input with $H$ rows, a kernel with $k_h$ rows fits in rows $0, 1, \dots, H - k_h$, which is $H - k_h + 1$ positions. The same holds for the columns, so
#
# $$\text{output shape} = (H - k_h + 1,\; W - k_w + 1).$$
#
# A 5x5 input and a 3x3 kernel therefore give a 3x3 feature map. Here is a 5x5 input that is dark on the left and bright on the right, with a vertical edge kernel from `cnnviz.filters`:

# %%
print("input:")
print(FIVE_BY_FIVE)
print("kernel:")
print(VERTICAL_EDGE)
feature_map = cnnviz.correlate2d(FIVE_BY_FIVE, VERTICAL_EDGE)
print("feature map:")
print(feature_map)
H, W = FIVE_BY_FIVE.shape
kh, kw = VERTICAL_EDGE.shape
print("shape:", feature_map.shape, " formula:", (H - kh + 1, W - kw + 1))

# %% [markdown]
# This kernel adds up the left column of its window and subtracts the right column. Where the window holds the jump from dark (about 1) to bright (about 8), the result is strongly negative (about -20); in the first column of the feature map, where the window has not reached the jump yet, it is small (between -3 and -1).
#
# The formula does not need square shapes. `cnnviz.conv_output_size` computes one dimension at a time; a 4x7 input with a 2x3 kernel gives a 3x5 output:

# %%
shape = (cnnviz.conv_output_size(4, 2), cnnviz.conv_output_size(7, 3))
print("4x7 input, 2x3 kernel ->", shape)
print("the shape correlate2d gives:", cnnviz.correlate2d(np.ones((4, 7)), np.ones((2, 3))).shape)

# %% [markdown]
# The output is smaller than the input, because a window never hangs over the border. Notebook 04 adds *padding* (a border of zeros that lets the kernel reach the edge pixels) and *stride* (steps longer than one pixel), which change this formula.

# %% [markdown]
# ## 5. Cross-correlation or convolution?
#
# What we have computed so far has a precise name: **cross-correlation**. In mathematics and signal processing, **convolution** means something slightly different: the kernel is first turned by 180° (flipped upside down *and* left to right), and then slid over the input in the same way:
#
# $$\text{conv}[i, j] = \sum_{u} \sum_{v} x[i + u,\; j + v] \cdot k[k_h - 1 - u,\; k_w - 1 - v].$$
#
# The flip gives convolution tidy mathematical properties, which is why signal processing keeps it. For example, with the *full* output (every position where $a$ and $b$ overlap at all, which needs the padding of notebook 04), convolving $a$ with $b$ gives the same result as convolving $b$ with $a$. The outputs of this notebook, which keep the kernel inside the input, are not symmetric in that way: there the kernel must be the smaller of the two.
#
# **Deep learning libraries skip the flip.** The layers called "convolution" in PyTorch, TensorFlow and Keras compute cross-correlation. Nothing is lost: a network *learns* its kernels, and if the flipped version of a kernel would work better, training simply finds the flipped numbers. cnnviz follows the same convention: `cnnviz.conv2d` and `cnnviz.correlate2d` do not flip, and `cnnviz.convolve2d` is true convolution.
#
# Here is the worked example again, with the flip:

# %%
flipped = np.rot90(k, 2)            # turned by 180°: the same as k[::-1, ::-1]
print("kernel turned by 180°:")
print(flipped)
print("first step:", written_sum(x[0:2, 0:2], flipped))
conv = cnnviz.convolve2d(x, k)
print("convolve2d: ", conv.tolist())
print("correlate2d:", cnnviz.correlate2d(x, k).tolist())
assert np.array_equal(conv, cnnviz.correlate2d(x, flipped))   # convolution = correlation with the turned kernel

# %% [markdown]
# Whether the flip changes anything depends on the kernel. A box blur looks the same after a 180° turn, so both operations agree. The vertical edge kernel turns into its own negative (the +1 column and the -1 column swap sides), so every output value changes sign:

# %%
blur_corr = cnnviz.correlate2d(FIVE_BY_FIVE, BOX_BLUR)
blur_conv = cnnviz.convolve2d(FIVE_BY_FIVE, BOX_BLUR)
print("box blur, correlate2d:")
print(np.round(blur_corr, 2))
print("box blur, convolve2d:")
print(np.round(blur_conv, 2))

edge_corr = cnnviz.correlate2d(FIVE_BY_FIVE, VERTICAL_EDGE)
edge_conv = cnnviz.convolve2d(FIVE_BY_FIVE, VERTICAL_EDGE)
print("vertical edge, correlate2d:")
print(edge_corr)
print("vertical edge, convolve2d:")
print(edge_conv)
print("convolve2d is exactly -correlate2d:", np.array_equal(edge_conv, -edge_corr))

# %% [markdown]
# In the step-by-step explorer of section 3, switch the **operation** to "convolution (flip kernel)" and compare: with the box blur nothing changes but the kernel's label, while with the edge kernels every sign flips.
#
# The explorer below applies each named kernel of `cnnviz.filters` both ways to a small image with a bright block in one corner, so it has a vertical and a horizontal edge. Kernels that look the same after a 180° turn (identity, box blur, Gaussian blur, sharpen, Laplacian) give identical outputs. Edge kernels (vertical, horizontal, Sobel, Prewitt) change sign. The shift kernel moves the picture the other way, and emboss lights it from the opposite side.

# %% tags=["nbval-ignore-output"]
corner = np.zeros((6, 6))
corner[2:, 3:] = 1                  # a bright block in the bottom-right corner
flip_explorer(corner, kernel="Vertical edge")

# %% [markdown]
# ## Summary
#
# - One step of a convolution multiplies a window of the input cell by cell with the kernel and adds up the products: for the worked example, 0×0 + 1×1 + 3×2 + 4×3 = 19.
# - Sliding the kernel over every position fills the output, here [[19, 25], [37, 43]]. The same weights are used at every position.
# - Without padding and with steps of one pixel, an $H \times W$ input and a $k_h \times k_w$ kernel give an output of shape $(H - k_h + 1, W - k_w + 1)$: 5x5 with 3x3 gives 3x3.
# - Deep learning's "convolution" is cross-correlation (`cnnviz.correlate2d`, `cnnviz.conv2d`). True convolution (`cnnviz.convolve2d`) turns the kernel by 180° first. For a kernel that looks the same turned by 180° (a box blur, say) the two agree; an edge kernel's output changes sign. "Symmetric" is not enough: `[[1, 2], [2, 5]]` equals its transpose, yet turned by 180° it becomes `[[5, 2], [2, 1]]`.

# %% [markdown]
# ## Exercises
#
# Replace each `...` with your answer and run the cell. The check tells you if you are right, and if not, what it expected.
#
# **1.** Sobel's kernel for vertical edges, `cnnviz.filters.SOBEL_X`, is `[[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]`: it subtracts the left column of the window from the right one, and counts the middle row twice. Work out `cnnviz.correlate2d(FIVE_BY_FIVE, SOBEL_X)[1, 1]` by hand: find the window (which rows and columns of `FIVE_BY_FIVE`?), write out the sum, and type the result. Use Python as a calculator only.

# %%
answer = ...
nb02.output_value(answer)

# %% [markdown]
# **2.** What is the shape `(rows, columns)` of the output when a 3x4 kernel slides over a 6x9 input (no padding, steps of one pixel)?

# %%
answer = ...
nb02.output_shape(answer)


# %% [markdown]
# **3.** Write cross-correlation yourself, with two nested `for` loops over the output rows and columns. Work out the output shape from the shapes of `image` and `kernel`, so that it also works for inputs and kernels that are not square. The check compares your function with `cnnviz.correlate2d` on six cases.

# %%
def correlate(image, kernel):
    """Slide kernel over image (no padding, stride 1) and return the output matrix."""
    image = np.asarray(image, dtype=float)
    kernel = np.asarray(kernel, dtype=float)
    ...  # your code here: make the output array, fill it in, return it

nb02.cross_correlation(correlate)


# %% [markdown]
# **4.** Now write true convolution in one line, using your `correlate` from exercise 3 and a 180° turn of the kernel.

# %%
def convolve(image, kernel):
    ...  # your code here

nb02.true_convolution(convolve)

# %% [markdown]
# <details><summary>Solutions</summary>
#
# 1. The window is rows 1-3 and columns 1-3, `FIVE_BY_FIVE[1:4, 1:4]` = [[1, 3, 8], [0, 1, 9], [3, 2, 8]]. Right column minus left column, the middle row twice: (8 - 1) + 2 × (9 - 0) + (8 - 3) = 7 + 18 + 5 = **30**. Positive, because this Sobel kernel computes *right minus left* (the opposite of `VERTICAL_EDGE`) and the image gets brighter to the right.
# 2. (6 - 3 + 1, 9 - 4 + 1) = **(4, 6)**.
# 3. One way:
#
# ```python
# def correlate(image, kernel):
#     image = np.asarray(image, dtype=float)
#     kernel = np.asarray(kernel, dtype=float)
#     kh, kw = kernel.shape
#     out = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1))
#     for i in range(out.shape[0]):
#         for j in range(out.shape[1]):
#             out[i, j] = np.sum(image[i:i + kh, j:j + kw] * kernel)
#     return out
# ```
#
# 4. `return correlate(image, np.rot90(kernel, 2))`, or with slicing, `correlate(image, np.asarray(kernel)[::-1, ::-1])`.
# </details>

# %% [markdown]
# ## Further reading
#
# - CS231n, [Convolutional Networks](https://cs231n.github.io/convolutional-networks/): the convolutional layer section has an animated demo of a kernel sliding over a (3-channel) input.
# - Vincent Dumoulin and Francesco Visin, [A guide to convolution arithmetic for deep learning](https://arxiv.org/abs/1603.07285): pictures of every window position, and the output-size formulas that notebook 04 explores.
# - Goodfellow, Bengio and Courville, *Deep Learning*, [chapter 9](https://www.deeplearningbook.org/contents/convnets.html), section 9.1: the convolution operation, the flip, and why libraries use cross-correlation.
# - The PyTorch documentation of [`torch.nn.Conv2d`](https://pytorch.org/docs/stable/generated/torch.nn.Conv2d.html), which states that the layer computes a cross-correlation; SciPy's [`scipy.signal.correlate2d`](https://docs.scipy.org/doc/scipy/reference/generated/scipy.signal.correlate2d.html) and [`convolve2d`](https://docs.scipy.org/doc/scipy/reference/generated/scipy.signal.convolve2d.html) for both operations side by side.

# %% [markdown] tags=["navigation"]
# [← 01 Pixels as matrices](01_pixels_as_matrices.ipynb) · [Contents](../README.md#notebooks) · [03 Filters: what a kernel can do →](03_filters.ipynb)
