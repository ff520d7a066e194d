# %% [markdown]
# # 14 Beyond the plain convolution
# Run a convolution backwards with a transposed convolution and watch its stamps make checkerboards, write a convolution as one matrix, slide kernels along a signal with causal and dilated padding, split channels into groups, and compute the same numbers with Fourier transforms, timed on your own machine.

# %% [markdown] tags=["navigation"]
# [← 13 Famous architectures and receptive fields](13_architectures_and_receptive_fields.ipynb) · [Contents](../README.md#notebooks)

# %% [markdown]
# ## What you will learn
#
# - What a **transposed convolution** does: every input value stamps a scaled copy of the kernel onto the output, and overlapping stamps add up. Its output size, `(n - 1)s - 2p + d(k - 1) + output_padding + 1`, and why it makes **checkerboard artifacts** when the kernel size is not a multiple of the stride.
# - That a convolution is a (large, mostly empty) **matrix** `M`, with `conv2d(x) = M @ x`, and that `M` transposed is the transposed convolution: the gradient of a convolution with respect to its input, not its inverse.
# - **1-D convolution** on a signal, **causal** padding, which lets an output see only the past, and a stack of **dilated** causal convolutions whose view doubles with every layer (WaveNet's idea).
# - What **groups** do to a convolution's weight tensor, up to the depthwise convolution.
# - The **convolution theorem**: correlation by FFT gives the same numbers, and wins once kernels are large.

# %%
import numpy as np
import matplotlib.pyplot as plt

import cnnviz
from cnnviz.lessons.beyond import (
    causal_stack_output, causal_stack_state, make_signal, transposed_state,
)
from cnnviz.explorers.transposed_views import matrix_explorer, transposed_explorer
from cnnviz.explorers.beyond import fft_explorer, groups_explorer, sequence_explorer
from cnnviz.exercises import nb14

plt.rcParams.update({"figure.dpi": 80, "figure.figsize": (8, 3)})

# %% [markdown]
# ## 1. Transposed convolution
#
# A convolution with stride 2 turns a large map into a small one. Decoders, segmentation networks and image generators need the opposite: a small map in, a larger one out. The **transposed convolution** does it by running a convolution's bookkeeping backwards. Where a convolution reads a window and writes one number, a transposed convolution reads one number and writes a window: input value `x[i, j]` adds `x[i, j] * kernel` to the output, with its top-left corner at `(i*s, j*s)`. Where the stamps overlap, they add. Padding `p` then crops `p` pixels from every side.
#
# Here it is with loops, for a 2x2 input and a 3x3 kernel at stride 2, checked against `cnnviz.conv_transpose2d` (which takes PyTorch's weight layout, `(C_in, C_out, kh, kw)`):

# %%
x = np.array([[1.0, 2.0],
              [3.0, -1.0]])
kernel = np.array([[0.0, 1.0, 0.0],
                   [1.0, 2.0, 1.0],
                   [0.0, 1.0, 0.0]])
s, k = 2, 3
out = np.zeros(((len(x) - 1) * s + k,) * 2)
for i in range(x.shape[0]):
    for j in range(x.shape[1]):
        out[i * s:i * s + k, j * s:j * s + k] += x[i, j] * kernel   # one stamp

library = cnnviz.conv_transpose2d(x[None, None], kernel[None, None], stride=s)[0, 0]
print(out)
print("same as cnnviz.conv_transpose2d:", np.array_equal(out, library))
print(cnnviz.explain_conv_transpose_output_size(2, 3, stride=2))

# %% [markdown]
# The explorer steps through the stamps. The input is small integers and the kernel ones, so each stamp is the input value repeated over a 3x3 square, and you can follow every sum. Move **step** to add one stamp at a time; change the kernel, the stride and the padding, and read the output-size formula with your numbers on the right.

# %% tags=["nbval-ignore-output"]
transposed_explorer(2, 3, stride=2, step=1)

# %% [markdown]
# ### It is the gradient of a convolution
#
# The name says "transposed", not "inverse". A convolution with stride 2 sends a 5x5 input to a 2x2 output; the transposed convolution with the same kernel sends a 2x2 map back to 5x5, but it does not give you the input back. What it gives is the **gradient of the convolution with respect to its input**: each output's gradient flows back over the window that output read, weighted by the kernel. That is how every network in this series backpropagates through a convolution:

# %%
rng = np.random.default_rng(0)
x5 = rng.standard_normal((1, 3, 5, 5))
w = rng.standard_normal((4, 3, 3, 3))          # conv2d: 3 channels in, 4 out
g = rng.standard_normal((1, 4, 2, 2))          # a gradient at the 2x2 output
grad_x = cnnviz.conv2d_backward(x5, w, g, stride=2)[0]
print("conv2d output:", cnnviz.conv2d(x5, w, stride=2).shape)
print("transposed convolution of g:", cnnviz.conv_transpose2d(g, w, stride=2).shape)
print("equals the input gradient:", np.allclose(cnnviz.conv_transpose2d(g, w, stride=2), grad_x))
print("gives the input back:", np.allclose(cnnviz.conv_transpose2d(cnnviz.conv2d(x5, w, stride=2), w, stride=2), x5))

# %% [markdown]
# ### Checkerboard artifacts
#
# Feed a transposed convolution a constant input and a kernel of ones, and each output pixel shows how many stamps landed on it. With a 3x3 kernel at stride 2 the stamps overlap on every other row and column: some pixels get one stamp, some two, some four. A network has to learn weights that cancel this uneven pattern, and in practice it often does not quite manage: Odena, Dumoulin and Olah (2016) traced the checkerboard patterns in generated images to it. When the kernel size is a multiple of the stride (4 at stride 2), every pixel inside the output gets the same number of stamps. Their fix was to **resize first** (nearest neighbour, by the stride) and then convolve: every pixel inside is then the sum of the same `k * k` taps.

# %%
for k in (3, 4):
    st = transposed_state(6, k, stride=2)
    print(f"kernel {k}, stride 2: stamps per pixel inside the output {st.interior_counts}")

# %% [markdown]
# The explorer below opens on a 5x5 input with all its stamps added; the bottom row shows the stamp counts of the transposed convolution beside resize-then-convolve. Move the kernel to 4, or the stride to 3, and watch the checkerboard come and go.

# %% tags=["nbval-ignore-output"]
transposed_explorer(5, 3, stride=2, step=25)

# %% [markdown]
# ## 2. Convolution as a matrix
#
# A convolution is linear: double the input and the output doubles; add two inputs and the outputs add. So it is a matrix. Flatten a 4x4 input into a vector of 16 numbers; a 3x3 kernel gives a 2x2 output, 4 numbers; the convolution is a 4x16 matrix `M`. Row `r` of `M` holds the kernel's nine weights at the columns of the pixels output `r` reads, and zeros everywhere else; the next row is the same weights shifted by one pixel. `cnnviz.conv2d_matrix` builds it:

# %%
kernel3 = np.arange(1.0, 10.0).reshape(1, 1, 3, 3)
M = cnnviz.conv2d_matrix((1, 4, 4), kernel3)
print("M:", M.shape, " non-zero entries:", int((M != 0).sum()), "of", M.size)
print(M.astype(int))
x4 = rng.standard_normal((1, 4, 4))
print("M @ x equals conv2d:", np.allclose(M @ x4.ravel(), cnnviz.conv2d(x4, kernel3).ravel()))

# %% [markdown]
# Its transpose `M.T` is 16x4: it takes 2x2 maps back to 4x4. That is the transposed convolution of section 1, and the gradient of `conv2d`:

# %%
g2 = rng.standard_normal((1, 1, 2, 2))
by_matrix = (M.T @ g2.ravel()).reshape(4, 4)
print("M.T:", M.T.shape)
print("M.T @ g equals conv_transpose2d:", np.allclose(by_matrix, cnnviz.conv_transpose2d(g2, kernel3)[0, 0]))
print("and conv2d_backward's input gradient:", np.allclose(by_matrix, cnnviz.conv2d_backward(x4[None], kernel3, g2)[0][0, 0]))

# %% [markdown]
# In the explorer, pick an **output** to outline its row of `M` (orange), laid out on the left as the input it reads; pick an **input pixel** to outline its column (purple), laid out on the right as the outputs that read it. The kernel's weights are 1 to 9, so you can tell each tap apart. A column of `M` is one pixel's stamp: the transposed convolution, seen from the matrix.

# %% tags=["nbval-ignore-output"]
matrix_explorer(4, 3, output=0, pixel=5)

# %% [markdown]
# No library builds `M` to compute a convolution: it grows with the square of the image (a 224x224 RGB image and 64 filters of 3x3 would need hundreds of billions of entries), and almost all of them are zero. `conv2d_matrix` refuses matrices over its memory limit, naming the size. The matrix is a way to think, not a way to compute.

# %% [markdown]
# ## 3. 1-D and causal convolution
#
# Sound, sensor readings and text are sequences: one axis, time. A 1-D convolution slides a kernel of `k` taps along it, exactly as a 2-D one slides over rows and columns. `cnnviz.conv1d` takes `(C, L)` or `(N, C, L)` inputs and `(C_out, C_in, k)` weights, like PyTorch's `F.conv1d`. Here is a noisy signal, two sines and Gaussian noise, smoothed by a moving average of 9 taps and differentiated by a kernel that subtracts a sample from the one two steps later:

# %%
signal = make_signal(120)
smooth = cnnviz.conv1d(signal[None], np.ones((1, 1, 9)) / 9, padding="same")[0]
slope = cnnviz.conv1d(signal[None], np.array([[[-0.5, 0.0, 0.5]]]), padding="same")[0]
fig, ax = plt.subplots(figsize=(9, 2.6))
ax.plot(signal, color="0.6", lw=1, label="signal")
ax.plot(smooth, color="#e66100", lw=2, label="moving average, 9 taps")
ax.plot(slope, color="#5e3c99", lw=1.2, label="derivative")
ax.legend(fontsize=8, loc="lower left", ncol=3)
ax.set_xlabel("time step")
plt.show()

# %% [markdown]
# ### Causal padding
#
# With "same" padding, output `t` reads samples on both sides of `t`, so a 9-tap average at time `t` already knows four samples of the future. A model that predicts the next sample, or runs live on a stream, may not look ahead. **Causal** padding puts all `(k - 1) * d` zeros on the left: the output is as long as the input and output `t` depends on samples `0..t` alone. A test that cannot be fooled: change the future and see whether the past outputs move.

# %%
later = signal.copy()
later[60:] += 5.0                                  # change everything from t = 60 on
for padding in ("same", "causal"):
    a = cnnviz.conv1d(signal[None], np.ones((1, 1, 9)) / 9, padding=padding)[0]
    b = cnnviz.conv1d(later[None], np.ones((1, 1, 9)) / 9, padding=padding)[0]
    print(f"{padding:6}: outputs before t = 60 unchanged: {np.allclose(a[:60], b[:60])}")

# %% [markdown]
# ### A dilated causal stack
#
# A causal layer with `k = 2` sees two samples: now and one step back. Stacking layers helps only slowly: each adds one sample. WaveNet (van den Oord et al., 2016) dilated them instead, doubling the dilation from layer to layer: 1, 2, 4, 8. Each layer then adds `(k - 1) * d` samples, so four layers see `1 + 1 + 2 + 4 + 8` samples, and ten layers over a thousand, with two weights per layer. The receptive field, traced through the stack and checked with an impulse: the samples whose change moves the newest output.

# %%
stack = causal_stack_state((1, 2, 4, 8), kernel_size=2)
print("receptive field of the stack:", stack.field)
impulse_response = []
for t in range(32):
    x = np.zeros(32)
    x[t] = 1.0
    impulse_response.append(causal_stack_output(x, [np.ones(2)] * 4, (1, 2, 4, 8))[-1])
print("input samples that reach the last output:", int(np.count_nonzero(impulse_response)))

# %% [markdown]
# In the explorer, the top plot is the signal (grey) and a 1-D convolution of it (orange); pick the kernel, its size and the padding, and move **output t** to see the samples it reads (purple). With "same" padding some of them lie after `t`; with "causal", none. The bottom plot is the dilated stack for the newest output: each row a layer, the signal at the bottom; change the number of layers and the kernel size of the stack.

# %% tags=["nbval-ignore-output"]
sequence_explorer("moving average", 5, padding="causal", time=60)

# %% [markdown]
# ## 4. Grouped and depthwise convolution
#
# A plain convolution's every filter spans every input channel: the weight has shape `(C_out, C_in, k, k)`. With `groups=g` the channels are split into `g` groups, and each output channel reads only the `C_in / g` input channels of its own group: the weight is `(C_out, C_in / g, k, k)`, `g` times fewer weights. With as many groups as channels, each filter reads one channel: the **depthwise** convolution of MobileNet, shown in notebook 13. A grouped convolution is the same as `g` separate convolutions side by side:

# %%
xg = rng.standard_normal((1, 8, 6, 6))
for groups in (1, 2, 8):
    layer = cnnviz.Conv2d(8, 8, 3, groups=groups, bias=False)
    print(f"groups {groups}: weight {layer.param_shapes()['weight']}, {layer.num_params} weights")
wg = rng.standard_normal((8, 4, 3, 3))            # groups=2: each filter reads 4 channels
split = np.concatenate([cnnviz.conv2d(xg[:, :4], wg[:4]), cnnviz.conv2d(xg[:, 4:], wg[4:])], axis=1)
print("groups=2 equals two convolutions side by side:", np.allclose(cnnviz.conv2d(xg, wg, groups=2), split))

# %% [markdown]
# The explorer draws both views: which input channels each output channel reads (a block per group), and the weight tensor itself, one row of `C_in / g` kernels per output channel.

# %% tags=["nbval-ignore-output"]
groups_explorer(8, 8, groups=2)

# %% [markdown]
# ## 5. Convolution by FFT
#
# The **convolution theorem** says that a convolution in space is a product of Fourier transforms: transform the image and the kernel, multiply the two spectra (with the kernel's conjugated, for a correlation), transform back. The direct sum costs `k * k` multiply-adds per output; the FFT costs about `log(H W)` per pixel, whatever the kernel size. `cnnviz.correlate2d(..., method="fft")` computes it, with the same padding, stride and dilation options as the direct method, and the same numbers up to float rounding:

# %%
image = rng.standard_normal((64, 64))
big = rng.standard_normal((15, 15))
direct = cnnviz.correlate2d(image, big, padding=3, stride=2)
by_fft = cnnviz.correlate2d(image, big, padding=3, stride=2, method="fft")
print("shapes:", direct.shape, by_fft.shape, " equal to float rounding:", np.allclose(direct, by_fft, atol=1e-9))

# %% [markdown]
# Which one is faster depends on the kernel size, the image size and the machine. The explorer measures both on a 64x64 image for kernels from 3x3 to 31x31 when it is built, on the machine running this notebook, and marks the **crossover**: the kernel size from which the FFT is faster. Its picture is therefore different on every machine, and every run; the numbers below it are yours. On most machines the direct sum wins for the smallest kernels and the FFT for the largest, which is why deep learning libraries use the direct method (or Winograd's) for the 3x3 kernels of CNNs, and FFTs for long filters in signal processing.

# %% tags=["nbval-ignore-output"]
timing = fft_explorer(64, tuple(range(3, 32, 4)), repeats=5)
timing

# %%
table = timing.state.table
print("the two methods agree for every kernel:", bool(table.difference.max() < 1e-9))
print("the FFT is faster for the 31x31 kernel:", bool(table.fft[-1] < table.direct[-1]))

# %% [markdown]
# ## Summary
#
# - A **transposed convolution** stamps a scaled kernel for every input value and adds the overlaps; its output side is `(n - 1)s - 2p + d(k - 1) + output_padding + 1`. It is the gradient of a convolution with respect to its input, not an inverse. When `k` is not a multiple of `s` the stamps overlap unevenly: **checkerboards**, which resizing first and then convolving avoids.
# - A convolution is a sparse matrix `M` with the kernel's weights along each row; `M.T` is the transposed convolution.
# - **1-D convolution** slides along time; **causal** padding puts `(k - 1) d` zeros on the left so that no output sees the future; doubling dilations make the field grow exponentially with depth.
# - **Groups** split the channels: weight `(C_out, C_in / groups, k, k)`, `groups` times fewer weights; depthwise when every channel is its own group.
# - **By FFT**, correlation gives the same numbers at a cost that does not grow with the kernel: it wins for large kernels.

# %% [markdown]
# ## Exercises
#
# Replace each `...` with your answer and run the cell. The check tells you if you are right, and if not, what it expected.
#
# **1.** What is the output side of `conv_transpose2d` on a 7x7 input with a 4x4 kernel, stride 3, padding 1 and output_padding 2 (dilation 1)?

# %%
answer = ...
nb14.transposed_size(answer)

# %% [markdown]
# **2.** Write down, by hand, the matrix `M` of the correlation of a 3x3 input (one channel, no padding, stride 1) with the kernel `[[1, 2], [3, 4]]`, as a nested list or a numpy array: one row per output (row by row), one column per input pixel (row by row).

# %%
answer = ...
nb14.matrix_by_hand(answer)

# %% [markdown]
# **3.** A stack of three causal convolutions with kernel size 3 and dilations 1, 2 and 4. How many samples of the signal does its last layer see?

# %%
answer = ...
nb14.stack_field(answer)

# %% [markdown]
# <details><summary>Solutions</summary>
#
# 1. 22: `(7 - 1) * 3 - 2 * 1 + 1 * (4 - 1) + 2 + 1 = 18 - 2 + 3 + 2 + 1`. Check with `cnnviz.conv_transpose_output_size(7, 4, stride=3, padding=1, output_padding=2)`.
# 2. A 2x2 output, so 4 rows of 9 columns; each row is the kernel's taps at the pixels its window covers:
#    `[[1, 2, 0, 3, 4, 0, 0, 0, 0], [0, 1, 2, 0, 3, 4, 0, 0, 0], [0, 0, 0, 1, 2, 0, 3, 4, 0], [0, 0, 0, 0, 1, 2, 0, 3, 4]]`. Check with `cnnviz.conv2d_matrix((1, 3, 3), np.array([[[[1, 2], [3, 4]]]]))`.
# 3. 15: `1 + (3 - 1) * (1 + 2 + 4)`. Each layer adds `(k - 1) * d` samples.
# </details>

# %% [markdown]
# ## Further reading
#
# - Vincent Dumoulin and Francesco Visin, [A guide to convolution arithmetic for deep learning](https://arxiv.org/abs/1603.07285) (2016): output sizes and pictures of transposed convolutions, and the matrix view.
# - Augustus Odena, Vincent Dumoulin and Chris Olah, [Deconvolution and Checkerboard Artifacts](https://distill.pub/2016/deconv-checkerboard/), Distill (2016).
# - Aäron van den Oord et al., [WaveNet: A Generative Model for Raw Audio](https://arxiv.org/abs/1609.03499) (2016): dilated causal convolutions.
# - PyTorch's [ConvTranspose2d](https://pytorch.org/docs/stable/generated/torch.nn.ConvTranspose2d.html) and [Conv1d](https://pytorch.org/docs/stable/generated/torch.nn.Conv1d.html) documentation.
# - Michael Mathieu, Mikael Henaff and Yann LeCun, [Fast Training of Convolutional Networks through FFTs](https://arxiv.org/abs/1312.5851) (2013); Andrew Lavin and Scott Gray, [Fast Algorithms for Convolutional Neural Networks](https://arxiv.org/abs/1509.09308) (2015, Winograd).

# %% [markdown] tags=["navigation"]
# [← 13 Famous architectures and receptive fields](13_architectures_and_receptive_fields.ipynb) · [Contents](../README.md#notebooks)
