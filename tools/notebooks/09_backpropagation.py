# %% [markdown]
# # 09 Backpropagation through convolution and pooling
# Run a convolution backwards: pick one number of the gradient and see exactly which products made it, follow stride, padding and pooling through the backward pass, and check every formula against finite differences.

# %% [markdown] tags=["navigation"]
# [← 08 A full CNN forward pass](08_full_forward_pass.ipynb) · [Contents](../README.md#notebooks) · [10 Training a CNN live →](10_training.ipynb)

# %% [markdown]
# ## What you will learn
#
# - The chain rule on one convolution layer: the gradient of the loss with respect to each weight, each input pixel and the bias, as sums you can redo by hand.
# - That the weight gradient is the input correlated with the output's gradient `G`, and the input gradient is `G`, padded, convolved with the kernel turned 180°.
# - What stride and padding do to the backward pass: zeros spread between the entries of `G`, and a border that is cut off.
# - How max pooling routes each gradient to its window's winner, and average pooling spreads it evenly.
# - How to check a gradient with central differences, and why the step must be neither too large nor too small (with a different best step in float64 and float32).
# - What the gradient looks like inside a trained network, layer by layer.

# %%
import numpy as np
import matplotlib.pyplot as plt

import cnnviz
from cnnviz.datasets import CLASS_NAMES, make_shapes
from cnnviz.pretrained import shapes_cnn
from cnnviz.lessons.backprop import (
    WORKED_INPUT, WORKED_KERNEL, gradient_check, layer_gradients, strided_backward,
)
from cnnviz.explorers.backprop import gradient_stepper, pool_backward_explorer, stride_backward_explorer
from cnnviz.explorers.gradient_check import gradient_check_explorer
from cnnviz.exercises import nb09

plt.rcParams.update({"figure.dpi": 80, "figure.figsize": (8, 3)})

# %% [markdown]
# ## 1. The chain rule on one convolution
#
# Notebook 08 ran a network forwards: pixels in, probabilities out. Learning means changing every weight a little in the direction that lowers the loss, and for that we need the **gradient**: for each weight, how much the loss changes when that weight moves. Backpropagation computes all of them in one pass from the output back to the input, applying the chain rule once per layer.
#
# Take the worked example of notebook 02: a 3x3 input `x`, a 2x2 kernel `W`, and the 2x2 output `Z = correlate2d(x, W) + b`. As the loss use the simplest one, the sum of the outputs: `L = Z[0,0] + Z[0,1] + Z[1,0] + Z[1,1]`. Then each output's gradient `G = dL/dZ` is 1.
#
# Each output is a sum of products `x[i+u, j+v] * W[u, v]`. The chain rule says: the gradient of `L` with respect to any number is the sum, over the outputs that number took part in, of the output's gradient times what it was multiplied by there. So
#
# - **each tap** `W[u, v]` of the kernel gets the sum of the input pixels it touched, one per output (each weighted by that output's gradient);
# - **each input pixel** `x[r, c]` gets the sum of the kernel taps that touched it;
# - **the bias** gets one `G` per output: it was added to every output once.
#
# Here are those three sentences as loops, then cnnviz's `conv2d_backward`, which does the same with matrix products:

# %%
x = WORKED_INPUT.astype(float)              # [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
W = WORKED_KERNEL.astype(float)             # [[0, 1], [2, 3]]
G = np.ones((2, 2))                         # dL/dZ for L = sum of the outputs
kh, kw = W.shape
oh, ow = G.shape

dW = np.zeros_like(W)
dx = np.zeros_like(x)
for i in range(oh):                         # every output ...
    for j in range(ow):
        for u in range(kh):                 # ... and every product inside it
            for v in range(kw):
                dW[u, v] += x[i + u, j + v] * G[i, j]   # the pixel this tap touched
                dx[i + u, j + v] += W[u, v] * G[i, j]   # the tap that touched this pixel
db = G.sum()
print("dL/dW =\n", dW)
print("dL/dx =\n", dx)
print("dL/db =", db)

gx, gw, gb = cnnviz.conv2d_backward(x[None], W[None, None], G[None])
print("cnnviz.conv2d_backward agrees:",
      np.array_equal(gw[0, 0], dW), np.array_equal(gx[0], dx), np.array_equal(gb, [db]))

# %% [markdown]
# Read two of them back. `dW[0, 0]` is the top-left tap: it sat on the top-left pixel of each of the four windows, which hold 0, 1, 3 and 4, so its gradient is their sum. The centre pixel `x[1, 1]` (the 4) lies in all four windows, once under each tap, so its gradient is the sum of all four taps; the corner pixels lie in one window each and get one tap. The loops also show the two formulas of this notebook:
#
# - `dL/dW[u, v] = sum_ij x[i+u, j+v] G[i, j]`: the input **correlated with `G`**, with `G` playing the kernel;
# - `dL/dx[r, c] = sum_ij G[i, j] W[r-i, c-j]`: every output sends its gradient back over its window, weighted by the kernel.
#
# Nothing here needs `G` to be all ones. With another loss, each product is weighted by its output's gradient; the stepper below has examples of that.

# %% [markdown]
# ## 2. The gradient stepper
#
# Notebook 02's stepper showed how one output is made from a window and the kernel. This one runs it backwards: the *entry* slider picks one number of the gradient, and the figure shows what multiplies into it, the products, and their sum written out.
#
# - With **dL/dW**, the orange box on the input is the window the tap read: as large as the output, since the tap visited every output position. Multiplied element by element with `G` and summed, it gives the tap's gradient. Step through the four taps: it is a correlation of `x` with `G`.
# - With **dL/dx** and *dx as* **taps**, the figure shows which taps of the kernel touched the chosen pixel and which outputs they fed (orange on `G`). A corner pixel takes part once, the centre pixel four times.
# - Switch *dx as* to **full convolution**: the same numbers, seen differently. `G` is padded by `k - 1 = 1` zero on every side, and the kernel, turned by 180°, slides over it as in a forward pass. The products that land on padding are zero; the others are exactly the taps of the other view.
#
# Try the second example, where `G` is no longer all ones, and the third, with a 3x3 edge kernel on a 4x4 input.

# %% tags=["nbval-ignore-output"]
gradient_stepper()

# %% [markdown]
# The second view is why the backward pass of a convolution is itself a convolution: **dL/dx is `G`, zero-padded by `k - 1`, convolved with the kernel turned 180°**. A library can run the forward and the backward pass on the same fast code. Check it on the worked example:

# %%
G_padded = np.pad(G, 1)                     # k - 1 = 1 zero on every side
full = cnnviz.correlate2d(G_padded, np.rot90(W, 2))
print(full)
print("equals dL/dx:", np.array_equal(full, dx))

# %% [markdown]
# ## 3. Stride and padding, backwards
#
# With stride `s` the kernel jumps `s` pixels between outputs, so the forward pass skipped `s - 1` positions each time. Backwards, those skipped positions had no output and send no gradient: `G` is **spread out with `s - 1` zeros between its entries** before the full convolution. And the gradient that lands on padding belongs to zeros that were never part of the input, so it is **dropped**: the full convolution covers the padded input, and its border of width `p` is cut off.
#
# A 7x7 input, a 3x3 kernel, stride 2 and padding 1, checked against `conv2d_backward`:

# %%
state = strided_backward(7, stride=2, padding=1)
print("G:", state.grad_out.shape, "-> spread out and padded:", state.spread.shape,
      "-> gradient on the padded input:", state.grad_padded.shape, "-> dL/dx:", state.grad_x.shape)
gx, _, _ = cnnviz.conv2d_backward(np.zeros((1, 7, 7)), state.kernel[None, None],
                                  state.grad_out[None], stride=2, padding=1)
print("equals conv2d_backward:", np.array_equal(gx[0], state.grad_x))

# %% [markdown]
# In the explorer, grey cells are the zeros: the ones inserted between the entries of `G` (inside the orange box) and the `k - 1` border around it. Move the *stride* slider: at stride 1 nothing is inserted, at 3 two zeros go between neighbours. Move *padding*: the third panel grows by the padding, and only the part inside its orange box, the real input, is kept. Some settings leave the last rows and columns of the padded input unread by any window (the `floor` in the output size): they get a gradient of exactly 0, which the line under the figure counts.

# %% tags=["nbval-ignore-output"]
stride_backward_explorer()

# %% [markdown]
# ## 4. Pooling, backwards
#
# A pooling layer has no weights, so it needs only the gradient with respect to its input.
#
# - **Max pooling** passed one value per window, the winner's. Nudge any other pixel of the window a little and the output does not move, so its gradient is 0; nudge the winner and the output moves with it. Each output's gradient goes **to its winner alone**. On ties, it goes to the winner `max_pool2d` picked: the first maximum in reading order.
# - **Average pooling** gave each of the `k²` pixels of a window a weight `1 / k²` in the mean, so each gets `g / k²`.
# - Where windows **overlap** (stride smaller than the window), a pixel belongs to several, and the shares add up.

# %%
m = np.array([[1., 3, 2, 2],
              [3, 0, 2, 1],
              [0, 0, 5, 4],
              [0, 0, 4, 5]])
g = np.array([[10., 20], [30, 40]])         # gradient of the four pooled values
print("max pooling backwards (ties: the first maximum in reading order):")
print(cnnviz.max_pool2d_backward(m[None], g[None], 2)[0])
print("average pooling backwards (g / 4 to every pixel):")
print(cnnviz.avg_pool2d_backward(m[None], g[None], 2)[0])
print("max pooling, 3x3 windows with stride 1: the 5 at (2, 2) wins all four windows")
print(cnnviz.max_pool2d_backward(m[None], g[None], 3, stride=1)[0])

# %% [markdown]
# The explorer pools a 6x6 map with small integer gradients. Its second panel is the mask of winners (how many windows each pixel won; blank where none), the fourth the gradient of the one window picked by *which window*, the last the total. Things to try:
#
# - In max mode, step to window 4 (rows 2 and 3, columns 0 and 1): it holds two 7s. The gradient goes to the first in reading order, the one in row 2, and the other 7 gets nothing.
# - Set the window to 3 and the stride to 1: the windows overlap, one large value wins several windows and collects all their gradients, while most pixels get nothing.
# - Switch to **average**: every pixel of a window gets a share, and with overlap the pixels in the middle of the map collect more shares than those at the border.

# %% tags=["nbval-ignore-output"]
pool_backward_explorer()


# %% [markdown]
# ## 5. Checking a gradient
#
# A formula for a gradient can be wrong in a way no error message reveals: a missing flip, a transposed index. The cure is to measure the gradient without any formula. Move one input entry by a small step `eps` up and down, and divide the change of the loss by `2 eps`:
#
# `dL/dx_i ≈ (L(x + eps e_i) - L(x - eps e_i)) / (2 eps)`
#
# `cnnviz.numerical_gradient` does that for every entry. On the worked example, against section 1's loops:

# %%
def loss_of_x(v):
    return cnnviz.correlate2d(v, W).sum()

numeric = cnnviz.numerical_gradient(loss_of_x, x)
print(np.round(numeric, 6) + 0.0)
print("close to the loops' dL/dx:", np.allclose(numeric, dx))

# %% [markdown]
# The measurement has two errors that pull in opposite directions. A large step misses the curvature of the loss: the error of a central difference shrinks like `eps²`. A tiny step subtracts two nearly equal numbers, each rounded to the precision of the dtype, and the rounding is divided by `2 eps`: that error grows like `1 / eps`. The total is smallest in between, near the cube root of the dtype's precision (about `1e-16` for float64, `6e-8` for float32).
#
# The explorer checks a small network, conv 3x3 → ReLU → max pool 2 → dense → cross-entropy, on an 8x8 input: the **relative error** `|a - n| / (|a| + |n|)` between the analytic gradient `a` from backpropagation and the numerical one `n`, for steps from `1` down to `1e-12`, in float64 (blue) and float32 (orange). Points are missing where the step is so small that `x ± eps` rounds back to `x` in float32. The stars mark each dtype's best step; the dotted line is `1e-7`, below which a float64 check means the formula is right. Move *log10 eps* along the U, and switch *w.r.t.* between the conv weights and the input.

# %% tags=["nbval-ignore-output"]
gradient_check_explorer()

# %%
for target in ("conv weights", "input"):
    check = gradient_check(target=target)
    print(f"w.r.t. the {target}: best step 1e{check.best('float64')} in float64, "
          f"1e{check.best('float32')} in float32; float64 error below 1e-7 at its best step:",
          check.error("float64", check.best("float64")) < 1e-7)

# %% [markdown]
# In float32, the precision of a trained network's weights, even the best step leaves a relative error far above float64's pass mark: a float32 gradient check can only tell a right formula from a badly wrong one. Check formulas in float64, with a few entries of a small case, never while training (each entry costs two forward passes).

# %% [markdown]
# ## 6. A whole network, backwards
#
# The layers of notebook 08's network each have a backward pass, and `Sequential.backward` runs them last to first. Take the image of a test batch the trained network is least sure about, use as loss minus the log of the probability of its true class, and look at the gradient that reaches each layer's output. Each map is the largest gradient magnitude over the channels, at each position.

# %%
net = shapes_cnn()
data = make_shapes(64, seed=8)
images, labels = data[0], data[1]
p_true = net.forward(images)[np.arange(len(labels)), labels]
k = int(np.argmin(p_true))
print(f"image {k}: a {CLASS_NAMES[labels[k]]}, probability of its class {p_true[k]:.2f}")

names, outputs, grads = layer_gradients(net, images[k], labels[k])
maps = [(n, np.abs(g).max(axis=0)) for n, g in zip(names, grads) if g.ndim == 3]
fig, axes = plt.subplots(1, len(maps) + 1, figsize=(11, 2.3))
axes[0].imshow(images[k, 0], cmap="gray")
axes[0].set_title("input")
for ax, (name, mag) in zip(axes[1:], maps):
    ax.imshow(mag, cmap="magma")
    ax.set_title(f"after {name}\n{mag.shape[0]}x{mag.shape[1]}", fontsize=9)
for ax in axes:
    ax.axis("off")
plt.show()
for name, g in zip(names, grads):
    print(f"dL/d(output of {name:<11}) shape {str(g.shape):<13} non-zero: {np.mean(g != 0):.0%}")

# %% [markdown]
# Read the list from the bottom up, the way the gradient travels. A max pooling layer with 2x2 windows passes gradient to one pixel in four, its window's winner: the output of the ReLU before it has a non-zero gradient at a quarter of its positions, the grid of dots in the maps. A ReLU passes gradient only where it was on, so the convolution's output keeps fewer still. Every layer has a gradient, pooling layers included, though only the convolutions and the dense layer use theirs to change weights.
#
# The weight gradient of the first convolution is eight 3x3 pictures, one per kernel: the direction in which each kernel would move to make this image's class more probable.

# %%
dW1 = net.grads["Conv2d-1.weight"][:, 0]    # (8, 3, 3)
lim = np.abs(dW1).max()
fig, axes = plt.subplots(1, 8, figsize=(11, 1.7))
for c, ax in enumerate(axes):
    ax.imshow(dW1[c], cmap="RdBu_r", vmin=-lim, vmax=lim)
    ax.set_title(f"dW, kernel {c}", fontsize=9)
    ax.axis("off")
plt.show()
print("kernels with a zero gradient:", [c for c in range(8) if not dW1[c].any()])


# %% [markdown]
# A kernel whose ReLU is off everywhere on this image passes no gradient back, so its weight gradient is zero: the shipped network has such a dead channel, and the list above names it.

# %% [markdown]
# ## Summary
#
# - With `G = dL/dZ`, a convolution's weight gradient is the input correlated with `G`; the bias gradient is the sum of `G`; the input gradient is `G` padded by `k - 1` zeros and convolved with the kernel turned 180°. On notebook 02's example with `L` the sum of the outputs, each tap gets the sum of the pixels it touched and each pixel the sum of the taps that touched it.
# - With stride `s`, `G` first gets `s - 1` zeros between its entries; the gradient landing on padding is dropped, and unread rows get zero.
# - Max pooling sends each gradient to its window's winner (the first maximum on ties), average pooling `g / k²` to every pixel of the window; overlapping windows add. Neither has weights to learn.
# - Central differences check any gradient. Their error falls like `eps²` and then grows like `1 / eps`: the best step is larger in float32 than in float64, and only float64 can confirm a formula to many digits.
# - In a trained network, ReLU and max pooling make the backward gradients sparse: they flow through the pixels that won.

# %% [markdown]
# ## Exercises
#
# Replace each `...` with your answer and run the cell. The check tells you if you are right, and if not, what it expected.
#
# **1.** Write the backward pass of `correlate2d` (stride 1, no padding) with loops: `conv_backward(x, kernel, g)` returns the pair `(dx, dW)`. Section 1's loops are a start; make them work for any shapes.

# %%
def conv_backward(x, kernel, g):
    ...

nb09.conv_backward(conv_backward)


# %% [markdown]
# **2.** Write the mask of max pooling's winners: `max_pool_mask(x, k)` returns a boolean array of `x`'s shape, True at the winner of each `k x k` window (stride `k`), with ties going to the first maximum in reading order. (`np.argmax` on a flattened window picks the first.)

# %%
def max_pool_mask(x, k):
    ...

nb09.max_pool_mask(max_pool_mask)

# %% [markdown]
# **3.** A 2x2 kernel slides over the 4x4 input below and the loss's gradient with respect to the 3x3 output is `G`. Work out `dL/dW[1, 0]` by hand (the tap in the second row, first column).

# %%
print("x =\n", nb09.DW_INPUT)
print("G =\n", nb09.DW_GRAD)
answer = ...
nb09.dw_entry(answer)

# %% [markdown]
# **4.** `nb09.FLOAT32_CASE` holds a float32 function `f`, a point `x32` and the exact gradient `exact` there. Measure the relative error `|a - n| / (|a| + |n|)` of `n = cnnviz.numerical_gradient(f, x32, eps=10.0 ** k)` against `a = exact` for `k` from -1 to -6, and answer with the exponent `k` of the best step.

# %%
f, x32, exact = nb09.FLOAT32_CASE
answer = ...
nb09.best_float32_eps(answer)

# %% [markdown]
# <details><summary>Solutions</summary>
#
# 1. Loop over the outputs `(i, j)` and the taps `(u, v)`, as in section 1, with `oh, ow = g.shape` and `kh, kw = kernel.shape`: `dW[u, v] += x[i + u, j + v] * g[i, j]` and `dx[i + u, j + v] += kernel[u, v] * g[i, j]`; return `dx, dW`.
# 2. For each window `x[i*k:(i+1)*k, j*k:(j+1)*k]`, `r, c = divmod(np.argmax(window), k)` and set `mask[i*k + r, j*k + c] = True`; pixels outside every window stay False.
# 3. `2`: `dL/dW[1, 0] = sum_ij x[i + 1, j] G[i, j]` = 1×1 + 4×0 + 0×2 + 3×0 + 1×1 + 2×(-1) + 0×2 + 2×1 + 1×0 = 2.
# 4. `-2`, a step of 0.01: `[np.linalg.norm(a - n) / (np.linalg.norm(a) + np.linalg.norm(n)) for n in (cnnviz.numerical_gradient(f, x32, eps=10.0 ** k) for k in range(-1, -7, -1))]` with `a = exact` is smallest there; larger steps miss the curvature, smaller ones measure float32's rounding.
# </details>

# %% [markdown]
# ## Further reading
#
# - CS231n, [Backpropagation, Intuitions](https://cs231n.github.io/optimization-2/) and the gradient-checking section of [Neural Networks Part 3](https://cs231n.github.io/neural-networks-3/#gradcheck): the relative error, and why float64.
# - Andrej Karpathy, [micrograd](https://github.com/karpathy/micrograd): backpropagation in a page of Python, tested against PyTorch.
# - Vincent Dumoulin and Francesco Visin, [A guide to convolution arithmetic for deep learning](https://arxiv.org/abs/1603.07285): the transposed convolution, which is the backward pass of a convolution with respect to its input.
# - PyTorch, [Autograd mechanics](https://pytorch.org/docs/stable/notes/autograd.html) and [`torch.autograd.gradcheck`](https://pytorch.org/docs/stable/generated/torch.autograd.gradcheck.html): how a library records a forward pass to run it backwards, and checks it by finite differences.

# %% [markdown] tags=["navigation"]
# [← 08 A full CNN forward pass](08_full_forward_pass.ipynb) · [Contents](../README.md#notebooks) · [10 Training a CNN live →](10_training.ipynb)
