# %% [markdown]
# # 03 Filters: what a kernel can do
# Blur, sharpen, shift and find edges in a photo with small kernels, type in a kernel of your own, meet two filters that no kernel can imitate, and see what happens at the border.

# %% [markdown] tags=["navigation"]
# [← 02 Convolution step by step](02_convolution_step_by_step.ipynb) · [Contents](../README.md#notebooks) · [04 Padding, stride, dilation and output size →](04_padding_stride_dilation.ipynb)

# %% [markdown]
# ## What you will learn
#
# - How the numbers in a kernel decide what it does: averaging blurs, a lone 1 copies or moves the image, differences between neighbours find edges.
# - A quick way to read any kernel: the sum of its numbers says what happens to a flat patch of the image.
# - How edge detection works, from a single step to Sobel's gradients `Gx`, `Gy` and their magnitude, and what a threshold does with them.
# - Two useful filters that are *not* kernels: the median filter, which removes salt-and-pepper noise, and the bilateral filter, which smooths without blurring edges.
# - Four ways to fill the missing pixels at the border (zeros, reflect, replicate, circular), and what each one does to the edge of a picture.
# - Why a CNN learns its kernels instead of using hand-made ones.

# %%
import numpy as np
import matplotlib.pyplot as plt
from numpy.lib.stride_tricks import sliding_window_view

import cnnviz
from cnnviz import filters
from cnnviz.images import load_sample, step_edge, add_salt_and_pepper
from cnnviz.explorers.gallery import kernel_gallery, custom_kernel, sobel_edges
from cnnviz.explorers.nonlinear import median_vs_blur, bilateral_vs_gaussian, border_modes
from cnnviz.exercises import nb03

plt.rcParams.update({"figure.dpi": 80, "figure.figsize": (8, 3)})

# %% [markdown]
# ## 1. A gallery of kernels
#
# In notebook 02 a kernel slid over a small matrix, and every output value was the sum of the window's values times the kernel's numbers. Nothing changes when the matrix is a photo: each output pixel is a weighted sum of the input pixel at the same place and its neighbours, and the kernel holds the weights. With `padding="same"` the output keeps the photo's size; section 6 shows how the missing pixels outside the photo are filled in.
#
# We work on a smaller copy of the grey cat from notebook 01, so that the explorers respond quickly. `cnnviz.filters.KERNELS` holds the classic kernels by name:

# %%
photo = load_sample("chelsea", grey=True, size=(150, 225))
print("photo:", photo.shape)
for name, kernel in filters.KERNELS.items():
    print(f"{name:16s} {kernel.shape[0]}x{kernel.shape[1]}, numbers add up to {kernel.sum():g}")

# %% [markdown]
# Pick a kernel from the list. In the middle you see its numbers, coloured red for positive and blue for negative, with white at zero. On the right is the photo after correlation with that kernel. Some things to look for:
#
# - **Identity** and **Shift right** look like the photo itself. The shift moves everything by one pixel, too little to see at this size (the next cell checks it with numbers).
# - **Box blur** and **Gaussian blur** average a neighbourhood. For the Gaussian, the size and sigma sliders become active: a bigger sigma spreads the weights further and blurs more. A large sigma in a small window is cut off at the window's edge and starts to look like a box.
# - **Sharpen** is the identity plus "how much brighter am I than my neighbours", so fine detail stands out. It can push pixels below 0 or above 1; the grey picture clips those.
# - The **edge** kernels, **Sobel**, **Prewitt** and **Laplacian** have numbers that add up to zero. Their result is close to zero wherever the photo is flat, and positive or negative where brightness changes, so it is drawn on the red-blue map with its own colour bar. A few pixels respond far more strongly than the rest (half as strongly again, or more), so the colours stop short of them; the caption gives both numbers.
# - **Emboss** is a diagonal edge detector with the photo added back on top, so the cat looks pressed into metal.

# %% tags=["nbval-ignore-output"]
kernel_gallery(photo)

# %% [markdown]
# The shift is small but exact. The kernel has a single 1, left of the centre, so output pixel `(i, j)` copies input pixel `(i, j - 1)`: every column moves one place to the right. The first column has no left neighbour inside the photo; with zero padding, used here, it becomes black. (The gallery fills the border by mirroring the photo instead, so there the first column copies its right-hand neighbour; section 6 compares the options.)

# %%
shifted = cnnviz.correlate2d(photo, filters.KERNELS["Shift right"], padding="same")
print("first column, top 3 pixels:", shifted[:3, 0])
print("every other column is its left neighbour:", np.array_equal(shifted[:, 1:], photo[:, :-1]))

# %% [markdown]
# ### Reading a kernel by its sum
#
# On a flat patch, where every pixel has the same value `v`, the weighted sum is simply `v` times the sum of the kernel's numbers. So:
#
# - sum 1 (blurs, sharpen, identity, emboss): flat regions keep their brightness;
# - sum 0 (edge detectors, Laplacian): flat regions become 0, and only changes give a response;
# - any other sum makes the whole picture brighter or darker by that factor.

# %%
flat = np.full((5, 5), 0.4)
for name in ["Box blur", "Sharpen", "Emboss", "Sobel x", "Laplacian"]:
    kernel = filters.KERNELS[name]
    out = cnnviz.correlate2d(flat, kernel)          # no padding: every window is inside
    value = np.round(out[1, 1], 2) + 0.0            # + 0.0 turns -0.0 into 0.0
    print(f"{name:10s} sum {kernel.sum():4.1f}: a flat 0.4 becomes {value:.2f}")
    assert np.isclose(out[1, 1], 0.4 * kernel.sum())   # v times the sum, whatever the kernel

# %% [markdown]
# ## 2. Make your own kernel
#
# Type numbers into the nine boxes; the picture updates after each one. The boxes accept values from -50 to 50. The explorer starts from the identity. Some ideas to try:
#
# - Put a 2 in the centre: sum 2, every pixel twice as bright, and every pixel brighter than 0.5 clips to white (for this photo, about four pixels in ten).
# - Sharpen: 5 in the centre and -1 above, below, left and right.
# - A diagonal edge detector: `2, 1, 0` in the top row, `1, 0, -1` in the middle and `0, -1, -2` at the bottom.
# - Set the centre to -1 and everything else to 0. The sum is negative, so every value is at or below zero and the result is drawn in shades of blue, darkest where the photo was brightest: a photographic negative.
#
# The caption under the figure says what the sum means for your kernel and how many pixels are clipped.

# %% tags=["nbval-ignore-output"]
custom_kernel(photo)

# %% [markdown]
# ## 3. Edges
#
# ### A single step
#
# An edge is a place where brightness jumps. The simplest one is a step: dark on the left, bright on the right. `VERTICAL_EDGE` subtracts the right column of each 3x3 window from its left column. Inside either half the two columns are equal and the answer is 0; only the windows that straddle the step see a difference. Here we fill the border by repeating the edge pixels (`pad_mode="replicate"`), so that the border itself does not look like an edge.

# %%
step = step_edge((6, 10))                  # columns 0-4 are 0.2, columns 5-9 are 0.8
print("one row of the step:    ", step[0])
response = cnnviz.correlate2d(step, filters.VERTICAL_EDGE, padding="same", pad_mode="replicate")
print("one row of the response:", np.round(response[0], 2) + 0.0)

responding = np.flatnonzero(np.abs(response).max(axis=0) > 1e-6)
print("columns with a response:", responding)

# %% [markdown]
# Each window at the step sees three dark pixels (0.2) on its left and three bright ones (0.8) on its right, so the response is 3 x (0.2 - 0.8) = -1.8. It is negative because this kernel computes *left minus right* and the image gets brighter to the right. A step from bright to dark would give +1.8. The sign tells you the direction of the change and the size tells you how strong it is.

# %%
fig, axes = plt.subplots(1, 2, figsize=(8, 2.2))
axes[0].imshow(step, cmap="gray", vmin=0, vmax=1)
axes[0].set_title("the step")
limit = np.abs(response).max()
shown = axes[1].imshow(response, cmap="RdBu_r", vmin=-limit, vmax=limit)
axes[1].set_title("response to VERTICAL_EDGE")
fig.colorbar(shown, ax=axes[1])
for ax in axes:
    ax.axis("off")
plt.show()

# %% [markdown]
# ### Sobel: gradients in x and y
#
# Sobel's kernels are built from two small pieces. `[-1, 0, 1]` takes a difference across three pixels (a derivative), and `[1, 2, 1]` averages three pixels with the middle one counted twice (a little smoothing, so that single noisy pixels matter less). `SOBEL_X` differentiates along each row and smooths down the columns; `SOBEL_Y` does the opposite:

# %%
print("SOBEL_X =\n", filters.SOBEL_X)
assert np.array_equal(filters.SOBEL_X, np.outer([1, 2, 1], [-1, 0, 1]))   # smoothing ⊗ derivative
print("SOBEL_Y is SOBEL_X turned on its side:", np.array_equal(filters.SOBEL_Y, filters.SOBEL_X.T))

# %% [markdown]
# `Gx` is large where brightness changes from left to right, `Gy` where it changes from top to bottom. An edge running at an angle shows up in both. The **magnitude** `sqrt(Gx² + Gy²)` combines them into one edge strength that does not depend on the edge's direction. Keeping only the pixels whose magnitude exceeds a **threshold** gives a black-and-white edge map, the first step of many classic edge detectors.

# %%
gx, gy = filters.sobel_gradients(photo)
magnitude = filters.sobel_magnitude(photo)
assert np.allclose(magnitude, np.sqrt(gx**2 + gy**2))
print(f"largest edge strength in the photo: {magnitude.max():.2f}")

# %% [markdown]
# Move the threshold. The orange line on the magnitude's colour bar marks it. A low threshold keeps the texture of the fur, a high one keeps only the outlines of the eyes and the nose. No single value is right for every photo: someone has to choose.

# %% tags=["nbval-ignore-output"]
sobel_edges(photo)

# %% [markdown]
# ## 4. A filter no kernel can do: the median
#
# Salt-and-pepper noise sets random pixels to pure black or pure white, as a damaged sensor or a bad transmission might. A blur does not remove these dots: it spreads each one over its neighbours. The **median filter** sorts the values in each window and keeps the middle one. A few extreme values end up at the ends of the sorted list and are simply ignored.
#
# Move the noise slider. Each title gives the average distance from the clean photo. At 10% noise the median is far better than a blur of the same size. Push the noise towards 50% and the 3x3 median gets worse too. It still ignores a mix of salt (white) and pepper (black), but where more than half of a window is salt the median *is* white, and where more than half is pepper it is black. With more noise, more windows are like that. A bigger window makes such windows rarer, but it also erases fine detail such as the whiskers.

# %% tags=["nbval-ignore-output"]
median_vs_blur(photo)

# %% [markdown]
# The same numbers without the explorer. `add_salt_and_pepper` uses a seeded random generator, so the noise, and these numbers, are the same on every run:

# %%
noisy = add_salt_and_pepper(photo, 0.1, seed=0)
blurred = cnnviz.correlate2d(noisy, filters.box_blur(3), padding="same", pad_mode="reflect")
cleaned = filters.median_filter(noisy, 3)
errors = {name: np.abs(image - photo).mean() * 255
          for name, image in [("noisy", noisy), ("box blur", blurred), ("median", cleaned)]}
for name, error in errors.items():
    print(f"{name:9s} average error {error:5.1f} of 255")

# %% [markdown]
# And with more noise. A window "goes wrong" when more than half of its pixels are salt, or more than half are pepper:

# %%
for amount in (0.1, 0.3, 0.5):
    speckled = add_salt_and_pepper(photo, amount, seed=0)
    salt = cnnviz.correlate2d(1.0 * (speckled == 1), np.ones((3, 3)), padding="same")  # per 3x3 window
    pepper = cnnviz.correlate2d(1.0 * (speckled == 0), np.ones((3, 3)), padding="same")
    wrong = np.mean((salt > 4.5) | (pepper > 4.5))
    median_errors = [np.abs(filters.median_filter(speckled, size) - photo).mean() * 255
                     for size in (3, 5)]
    print(f"noise {amount:.0%}: windows more than half salt or pepper {wrong:5.1%};  "
          f"median error 3x3 {median_errors[0]:4.1f}, 5x5 {median_errors[1]:4.1f} of 255")

# %% [markdown]
# Why can no kernel do this? A kernel computes a weighted sum, and weighted sums are **linear**: filtering `a + b` gives the same as filtering `a` and `b` separately and adding the results. The median is not linear. Below, image `a` has four bright pixels in a 3x3 window, image `b` has one. Each alone has median 0, but together they have five bright pixels out of nine, and the median jumps to 1. A kernel, whatever its numbers, would give the same answer both ways.

# %%
a = np.array([[1, 1, 1], [1, 0, 0], [0, 0, 0]], dtype=float)
b = np.array([[0, 0, 0], [0, 1, 0], [0, 0, 0]], dtype=float)
median = lambda image: float(np.median(image))
print("median(a) + median(b) =", median(a) + median(b), "  median(a + b) =", median(a + b))

kernel = np.random.default_rng(0).normal(size=(3, 3))     # any kernel at all
weighted = lambda image: float(cnnviz.correlate2d(image, kernel)[0, 0])
assert np.isclose(weighted(a + b), weighted(a) + weighted(b))
assert median(a + b) != median(a) + median(b)

# %% [markdown]
# ## 5. Smoothing that stops at edges: the bilateral filter
#
# A Gaussian blur gives each neighbour a weight that depends only on its distance. That also blurs across edges. The **bilateral filter** multiplies that weight by a second one that depends on how different the neighbour's brightness is from the centre pixel's:
#
# - `space σ` (the spatial sigma): how fast the weight falls with distance, as in the Gaussian;
# - `range σ` (the brightness sigma): how fast it falls with difference in brightness.
#
# Then it divides by the sum of the weights, so they add up to 1. A neighbour across an edge is much brighter or darker, so it gets almost no weight, and the edge is not smeared. Because the weights depend on the pixel values, the filter is not linear (filtering `a + b` is not filtering `a` plus filtering `b`), and again no single kernel can do this.
#
# We need something to smooth away, so here is a full-resolution crop around the eye on the left of the picture, with some seeded random noise added:

# %%
eye = load_sample("chelsea", grey=True)[50:170, 100:280]
rng = np.random.default_rng(0)
noisy_eye = np.clip(eye + rng.normal(0, 0.05, eye.shape), 0, 1).astype(np.float32)
print("eye crop:", eye.shape)

# %% [markdown]
# The orange square sits on the dark ring around the eye. The panel on the right shows the bilateral weights inside that square: they follow the dark ring and leave out the bright fur around it, which the Gaussian would have mixed in. Compare how sharp the ring stays in the two middle panels. Then raise `range σ` until the bilateral picture looks like the Gaussian one: once every brightness difference counts as small, only distance is left.

# %% tags=["nbval-ignore-output"]
bilateral_vs_gaussian(noisy_eye, probe=(82, 46))

# %% [markdown]
# That last observation, checked with numbers: with an enormous range sigma, the bilateral filter and the Gaussian blur agree.

# %%
gaussian_blur = cnnviz.correlate2d(noisy_eye, filters.gaussian(5, 1.0), padding="same", pad_mode="reflect")
almost_gaussian = filters.bilateral_filter(noisy_eye, 5, 1.0, 1000.0)
print("the same to within 0.00001:", np.allclose(almost_gaussian, gaussian_blur, atol=1e-5))

# %% [markdown]
# ## 6. What happens at the border
#
# A 3x3 window centred on a corner pixel sticks out of the image by one pixel on two sides, and a 7x7 window by three. To keep the output as large as the input, the filter has to invent the pixels outside. There are four common choices, shown here on a single row `1 2 3 4` padded by two pixels on each side:

# %%
row = np.array([[1.0, 2, 3, 4]])
for mode in cnnviz.convolution.PAD_MODES:
    print(f"{mode:9s}", cnnviz.pad2d(row, (0, 2), mode=mode)[0])

# %% [markdown]
# - **zeros** adds black pixels. A bright photo then gets a dark frame, and edge detectors see a false edge all around it.
# - **reflect** mirrors the image at its edge (the edge pixel itself is not repeated).
# - **replicate** repeats the edge pixel outwards.
# - **circular** wraps around: the left border is filled from the right side of the image. This makes sense for patterns that repeat; in a photo it brings in pixels from the far side.
#
# The explorer cuts a 48x48 piece around the eye on the left out of the photo and blurs it as if it were a whole image. Because the piece came from a larger photo, we know the real pixels around it and can compute the blur it *should* have had. The last panel shows the difference. Try each border mode, then make the blur larger: the band of wrong pixels grows with the kernel.

# %% tags=["nbval-ignore-output"]
border_modes(photo, row=40, col=62)

# %% [markdown]
# The largest error for each mode, with a 7x7 blur, on the piece the explorer starts with:

# %%
piece = photo[40:88, 62:110]
blur = filters.box_blur(7)
truth = cnnviz.correlate2d(photo[37:91, 59:113], blur)     # the real neighbours, 3 pixels around
worst = {}
for mode in cnnviz.convolution.PAD_MODES:
    result = cnnviz.correlate2d(piece, blur, padding="same", pad_mode=mode)
    worst[mode] = np.abs(result - truth).max()
    print(f"{mode:9s} largest error {worst[mode]:.3f}")
print("best to worst:", ", ".join(sorted(worst, key=worst.get)))

# %% [markdown]
# Zeros is by far the worst: the frame it invents is black, and this photo is not. Of the other three, replicate comes closest on this piece, while reflect and circular are about equally far off. Which of them wins depends on what the picture looks like near its border, so try other places in the explorer; only zeros is wrong for every photo that is not black at its edge.

# %% [markdown]
# CNN layers usually pad with zeros anyway (it is the default of PyTorch's `Conv2d`, which also offers the other three through `padding_mode`). A network learns to live with its black frame, and the next notebook counts exactly how padding changes the size of the output.

# %% [markdown]
# ## 7. Hand-made filters need someone who knows the answer
#
# Every kernel in this notebook was designed by a person who knew what they wanted: an average, a difference, a derivative with a little smoothing. That works for blurs and edges. But what are the nine numbers for "the corner of a cat's eye" or "the texture of fur"? Nobody knows.
#
# A CNN does not need to know. It treats the kernel's numbers as parameters, starts from random values, and adjusts them to reduce its mistakes on many examples. Here is a small taste of that idea. Suppose we have the photo and the output we would like, and we look for the nine numbers that reproduce that output as closely as possible. Every 3x3 window of the photo becomes one row of a matrix, and least squares finds the best kernel:

# %%
wanted = cnnviz.correlate2d(photo, filters.SOBEL_X)           # the output we would like
windows = sliding_window_view(photo, (3, 3)).reshape(-1, 9)   # one row per 3x3 window
found, *_ = np.linalg.lstsq(windows, wanted.reshape(-1), rcond=None)
found = found.reshape(3, 3)
print(np.round(found, 3) + 0.0)    # + 0.0 turns -0.0 into 0.0
assert np.allclose(found, filters.SOBEL_X, atol=1e-6)

# %% [markdown]
# Sobel's kernel comes back from the examples alone. A real CNN goes one step further. It is never shown an edge map; it only gets labels such as "cat" or "not a cat", and gradient descent finds whichever kernels help to tell them apart. The first layers of trained networks often end up with edge and blob detectors much like the ones above. Deeper layers combine them into detectors that nobody could have written by hand.

# %% [markdown]
# ## Summary
#
# - A kernel's output is a weighted sum of a neighbourhood. Positive weights that add up to 1 blur, a lone 1 copies or shifts, and weights that add up to 0 respond only to change (edges).
# - The sum of a kernel's numbers is what it does to a flat region: 1 keeps the brightness, 0 gives zero, and any other value scales it.
# - `VERTICAL_EDGE` on a step from 0.2 to 0.8 gives -1.8 on the two columns at the step and 0 elsewhere. Sobel's `Gx` and `Gy` are smoothed derivatives, and their magnitude `sqrt(Gx² + Gy²)` measures edge strength in any direction. A threshold turns it into an edge map.
# - The median and bilateral filters are not linear (their result for `a + b` is not their result for `a` plus their result for `b`), so no kernel can do what they do. The median removes salt-and-pepper noise (average error 3.6 of 255 against 11.6 for a box blur at 10% noise); the bilateral filter smooths without crossing edges.
# - At the border, zero padding invents black pixels; reflect, replicate and circular copy pixels of the image (circular from the far side), and on a photo they come much closer to the truth.
# - Hand-made kernels need someone who knows the answer. A CNN learns its kernels from examples.

# %% [markdown]
# ## Exercises
#
# Replace each `...` with your answer and run the cell. The check tells you if you are right, and if not, what it expected.
#
# **1.** Write a 3x3 kernel that moves an image one pixel **down** under `cnnviz.correlate2d`. Remember where the 1 of "Shift right" sits.

# %%
answer = ...
nb03.shift_down(answer)

# %% [markdown]
# **2.** Correlate `step_edge((6, 8), low=0.1, high=0.9)` with `filters.VERTICAL_EDGE`, without padding. What is the most negative value of the result? Work it out on paper first, then check with code.

# %%
answer = ...
nb03.step_response(answer)

# %% [markdown]
# **3.** A 7x7 black image has a white vertical line, one pixel wide, in column 3. What value does a 3x3 median filter give at the centre of the line, pixel `(3, 3)`? What would a 3x3 box blur give there, and what does this say about using the median on thin details such as whiskers?

# %%
answer = ...
nb03.median_of_line(answer)


# %% [markdown]
# **4.** Write `edge_strength(image)`, which returns the Sobel magnitude `sqrt(Gx² + Gy²)`, using only `cnnviz.correlate2d`, `filters.SOBEL_X` and `filters.SOBEL_Y`. Keep the image's size and pad with `pad_mode="replicate"`, as `filters.sobel_magnitude` does.

# %%
def edge_strength(image):
    ...  # your code here

nb03.sobel_by_hand(edge_strength)

# %% [markdown]
# <details><summary>Solutions</summary>
#
# 1. `np.array([[0, 1, 0], [0, 0, 0], [0, 0, 0]])`. Output pixel `(i, j)` must copy input pixel `(i - 1, j)`, the one above it, so the 1 goes above the centre (compare "Shift right", whose 1 is left of the centre). `filters.shift(1, 0)` builds the same kernel.
# 2. -2.4. Each window on the step has three pixels of 0.1 in its left column and three of 0.9 in its right one: 3 x 0.1 - 3 x 0.9 = -2.4. In code: `cnnviz.correlate2d(step_edge((6, 8), low=0.1, high=0.9), filters.VERTICAL_EDGE).min()`.
# 3. 0. The window holds three white pixels and six black ones, so the middle of the sorted values is black and the line disappears. A box blur gives 3/9 = 0.33: a faint grey line. The median removes any detail thinner than half its window, wanted or not.
# 4. `gx = cnnviz.correlate2d(image, filters.SOBEL_X, padding="same", pad_mode="replicate")`, the same with `SOBEL_Y` for `gy`, then `return np.sqrt(gx**2 + gy**2)`.
# </details>

# %% [markdown]
# ## Further reading
#
# - Victor Powell, [Image Kernels, explained visually](https://setosa.io/ev/image-kernels/): an interactive page where you can edit a kernel live.
# - The scikit-image reference for [`skimage.filters`](https://scikit-image.org/docs/stable/api/skimage.filters.html): Sobel, Prewitt, median, Gaussian and many more, each with a picture.
# - C. Tomasi and R. Manduchi, [Bilateral Filtering for Gray and Color Images](https://doi.org/10.1109/ICCV.1998.710815) (ICCV 1998), the paper that named the bilateral filter.
# - PyTorch's [`Conv2d`](https://pytorch.org/docs/stable/generated/torch.nn.Conv2d.html) documentation, for `padding_mode` (`'zeros'`, `'reflect'`, `'replicate'`, `'circular'`).
# - CS231n, [Visualizing what ConvNets learn](https://cs231n.github.io/understanding-cnn/): the learned first-layer filters of a real network.

# %% [markdown] tags=["navigation"]
# [← 02 Convolution step by step](02_convolution_step_by_step.ipynb) · [Contents](../README.md#notebooks) · [04 Padding, stride, dilation and output size →](04_padding_stride_dilation.ipynb)
