# %% [markdown]
# # 01 Pixels as matrices
# Zoom into a photo until it turns into numbers, split colour into three matrices, and count what a plain dense network would have to learn.

# %% [markdown] tags=["navigation"]
# [Contents](../README.md#notebooks) · [02 Convolution step by step →](02_convolution_step_by_step.ipynb)

# %% [markdown]
# ## What you will learn
#
# - A grey photo is a matrix: one number per pixel, its brightness.
# - A colour photo is three matrices stacked, red, green and blue, and libraries disagree on where that stack goes: `(H, W, 3)` in Pillow and matplotlib, `(3, H, W)` in PyTorch and in cnnviz.
# - Why feeding those numbers straight into a dense layer is wasteful: the parameter count explodes, and the layer cannot tell which pixels are neighbours.

# %%
import numpy as np
import matplotlib.pyplot as plt

import cnnviz
from cnnviz.images import load_sample
from cnnviz.explorers import pixel_zoom, channel_explorer
from cnnviz.exercises import nb01

plt.rcParams.update({"figure.dpi": 80, "figure.figsize": (8, 3)})

# %% [markdown]
# ## 1. A photo is a grid of numbers
#
# Here is Chelsea the cat, loaded as a grey image. `load_image` (and `load_sample`, which loads the photos that ship with cnnviz) returns floating-point numbers between 0 (black) and 1 (white). The array has one row per pixel row and one column per pixel column: its shape is the image's height and width.

# %%
grey = load_sample("chelsea", grey=True)
print("shape:", grey.shape, " dtype:", grey.dtype)
print(f"smallest: {grey.min():.3f} ({grey.min() * 255:.0f} of 255)   "
      f"largest: {grey.max():.3f} ({grey.max() * 255:.0f} of 255)")
print("the 4x6 pixels at the top left, scaled to 0-255:")
print(np.round(grey[:4, :6] * 255).astype(int))

# %% [markdown]
# Files usually store each pixel as a whole number from 0 to 255 (one byte), and dividing by 255 gives the 0-1 range that neural networks prefer. The file of this photo is in colour, though: each grey value was made from the pixel's red, green and blue bytes as `0.299 R + 0.587 G + 0.114 B` (how much each colour contributes to the brightness we see). So `grey * 255` is not a whole number, and the cell above rounds it to the nearest integer. Nothing else changes: the matrix *is* the picture, and `imshow` simply paints each number as a shade of grey.

# %%
fig, ax = plt.subplots()
ax.imshow(grey, cmap="gray", vmin=0, vmax=1)
ax.set_title(f"a {grey.shape[0]} x {grey.shape[1]} matrix, drawn")
ax.axis("off")
plt.show()

# %% [markdown]
# ## 2. Zoom in until you see the numbers
#
# Move the sliders. The orange square on the left is the patch shown on the right, where every cell prints its value. Bright fur gives bigger numbers, dark places smaller ones; this photo has no pure white or pure black, and its values run only between the smallest and largest printed above. Make the patch bigger than 12x12 and the numbers no longer fit, but the colours still follow the values. Nothing about the patch on the right tells you that it is part of a cat: a network only ever sees numbers like these.

# %% tags=["nbval-ignore-output"]
pixel_zoom(grey)

# %% [markdown]
# ## 3. Colour is three matrices
#
# A colour pixel mixes red, green and blue light, so a colour photo needs three numbers per pixel. Pillow and matplotlib keep the three values of a pixel together, giving the shape `(H, W, 3)` ("channels last"). PyTorch, and cnnviz, keep each colour's whole matrix together, giving `(3, H, W)` ("channels first"). It is the same data, arranged differently: `np.moveaxis` converts one to the other.

# %%
rgb = load_sample("chelsea")                 # channels first, like PyTorch
print("cnnviz / PyTorch layout:", rgb.shape)
hwc = np.moveaxis(rgb, 0, -1)                # channels last, like Pillow and matplotlib
print("Pillow / matplotlib layout:", hwc.shape)
row, col = 150, 200
print(f"pixel ({row}, {col}) as (R, G, B):", np.round(hwc[row, col] * 255).astype(int))
assert np.array_equal(rgb[:, row, col], hwc[row, col])

# %% [markdown]
# Pick a channel below. Each plane is an ordinary grey matrix: bright where the photo has a lot of that colour. The cat's orange fur is bright in red, darker in green and darker still in blue. The eyes are a surprise: they look green, yet in the patch the explorer starts on, inside the left eye, red is the brightest of the three planes (the cell after the explorer prints the averages). Red and green both stand far above blue there, a yellowish mix: the name we give a colour does not tell you which of its three numbers is the largest.

# %% tags=["nbval-ignore-output"]
channel_explorer(rgb)

# %%
H, W = grey.shape
iris = np.round(rgb[:, H // 3:H // 3 + 6, W // 3:W // 3 + 6] * 255)   # the explorer's starting patch
for name, plane in zip(["red", "green", "blue"], iris):
    print(f"{name:5s} plane, average of the 6x6 patch: {plane.mean():.0f}")

# %% [markdown]
# ## 4. Why not feed the pixels to a dense layer?
#
# A dense (fully connected) layer gives every output unit its own weight for every input number, plus one bias. Flatten a modest 256x256 colour image and count:

# %%
inputs = 256 * 256 * 3
print(f"inputs: {inputs:,}")
print(f"dense layer with 1,000 units: {cnnviz.dense_params(inputs, 1000):,} parameters")
print(f"a 50x50 grey image into 1,000 units: {cnnviz.dense_params(50 * 50, 1000, bias=False):,} weights")

# %% [markdown]
# Almost 200 million numbers to learn, for one layer, from a small photo. There is a second problem, and it is worse. Flattening forgets which pixel sat next to which. Shuffle the pixels with a fixed permutation: to a dense layer nothing has changed (its weights would simply be shuffled the same way), but the picture, and every edge and texture in it, is gone.

# %%
small = load_sample("chelsea", grey=True, size=(64, 96))
rng = np.random.default_rng(0)
order = rng.permutation(small.size)
shuffled = small.reshape(-1)[order].reshape(small.shape)

fig, axes = plt.subplots(1, 2)
for ax, img, title in zip(axes, [small, shuffled], ["original", "same pixels, shuffled"]):
    ax.imshow(img, cmap="gray", vmin=0, vmax=1)
    ax.set_title(title)
    ax.axis("off")
plt.show()
print("the same numbers, only in another order:", np.array_equal(np.sort(small, axis=None), np.sort(shuffled, axis=None)))

# %% [markdown]
# Convolutional layers fix both problems at once: a small filter looks at a few neighbouring pixels, and the *same* filter is reused at every position. The next notebook slides one over an image, step by step.

# %% [markdown]
# ## Summary
#
# - A grey image is an `(H, W)` matrix of brightness values; cnnviz uses floats in [0, 1], files usually store integers 0-255.
# - A colour image is three such matrices. cnnviz and PyTorch use `(3, H, W)`, Pillow and matplotlib `(H, W, 3)`; `np.moveaxis` converts.
# - A 256x256x3 image has 196,608 numbers; one dense layer of 1,000 units on it has 196,609,000 parameters, and it ignores which pixels are neighbours.

# %% [markdown]
# ## Exercises
#
# Replace each `...` with your answer and run the cell. The check tells you if you are right, and if not, what it expected.
#
# **1.** How many numbers describe a 64x64 colour image?

# %%
answer = ...
nb01.count_inputs(answer)

# %% [markdown]
# **2.** What is the value, on the 0-255 scale and rounded to a whole number, of the grey cat at row 120, column 300? Compute it from `grey`, do not guess.

# %%
answer = ...
nb01.pixel_value(answer)

# %% [markdown]
# **3.** A dense layer takes a flattened 28x28 grey image and has 100 units, each with a bias. How many parameters does it have?

# %%
answer = ...
nb01.dense_weights(answer)


# %% [markdown]
# **4.** Write a function that turns a channels-last `(H, W, 3)` array into channels-first `(3, H, W)`.

# %%
def to_channels_first(image):
    ...  # your code here

nb01.channels_first(to_channels_first)

# %% [markdown]
# <details><summary>Solutions</summary>
#
# 1. `64 * 64 * 3` = 12,288.
# 2. `grey[120, 300] * 255` is 142.099, which rounds to 142: `int(np.round(grey[120, 300] * 255))`.
# 3. `28 * 28 * 100 + 100` = 78,500.
# 4. `return np.moveaxis(image, -1, 0)` (or `image.transpose(2, 0, 1)`).
# </details>

# %% [markdown]
# ## Further reading
#
# - The Pillow handbook's [concepts page](https://pillow.readthedocs.io/en/stable/handbook/concepts.html): modes such as `L`, `RGB`, `RGBA` and `P`.
# - NumPy's [`moveaxis`](https://numpy.org/doc/stable/reference/generated/numpy.moveaxis.html) and the PyTorch docs on [image tensors](https://pytorch.org/vision/stable/transforms.html) (`C, H, W`).
# - CS231n, [Convolutional Networks](https://cs231n.github.io/convolutional-networks/): the first section explains why full connectivity does not scale to images.

# %% [markdown] tags=["navigation"]
# [Contents](../README.md#notebooks) · [02 Convolution step by step →](02_convolution_step_by_step.ipynb)
