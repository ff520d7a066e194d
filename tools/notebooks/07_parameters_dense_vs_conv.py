# %% [markdown]
# # 07 Parameters: dense vs convolutional
# Count what a layer has to learn: a convolution's small shared filters against a dense layer and an unshared "locally connected" layer with the same output, then read whole networks layer by layer.

# %% [markdown] tags=["navigation"]
# [← 06 Pooling](06_pooling.ipynb) · [Contents](../README.md#notebooks) · [08 A full CNN forward pass →](08_full_forward_pass.ipynb)

# %% [markdown]
# ## What you will learn
#
# - How to count a convolution layer's parameters, `K x (k x k x C_in + 1)`, and why the size of the image is not in the formula.
# - What a dense layer producing the same output would cost, and why the difference runs into the millions.
# - The two ideas behind the saving: **local connectivity** (each neuron looks at a small window, through all the channels) and **parameter sharing** (every position uses the same filters).
# - How to read a model summary, the layer-by-layer table that deep-learning frameworks print, and check every row of it by hand.
# - Where the parameters of classic networks sit: mostly in the dense layers at the end.

# %%
import cnnviz
from cnnviz.models import example_classifier, lenet5, vgg16
from cnnviz.explorers.model_share import model_share_explorer
from cnnviz.explorers.parameters import parameter_calculator
from cnnviz.lessons.parameters import layer_counts, model_share
from cnnviz.exercises import nb07

# %% [markdown]
# ## 1. What a convolution layer learns
#
# A network learns by adjusting numbers: every weight and every bias is one **parameter**. Counting them tells you how much memory a layer takes (4 bytes each, as 32-bit floats) and how much it can store: the more parameters, the more easily a network memorises its training images instead of learning something general, and the more data it needs.
#
# Notebook 05 showed what a convolution layer holds. Each filter is a block as deep as its input: `C_in` channels of `k x k` weights, plus one bias. A layer with `K` filters keeps them in a weight array of shape `(K, C_in, k, k)` and a bias of shape `(K,)`, and its parameters are simply all the numbers in those two arrays:
#
# `parameters = K x (k x k x C_in + 1)`
#
# Take a 32x32 colour image and six 5x5 filters:

# %%
C_in, k, K = 3, 5, 6
per_filter = k * k * C_in                 # weights in one filter
params = K * (per_filter + 1)             # and one bias per filter
print(f"one filter: {k}x{k}x{C_in} = {per_filter} weights + 1 bias")
print(f"{K} filters: {K} x ({per_filter} + 1) = {params} parameters")

conv = cnnviz.Conv2d(C_in, K, k)
print("the layer's arrays:", conv.param_shapes())
print("output for a (3, 32, 32) input:", conv.output_shape((3, 32, 32)))
assert params == conv.num_params == cnnviz.conv2d_params(C_in, K, k)    # the formula is what the layer holds

# %% [markdown]
# Look at what is missing from the formula: the height and width of the image. The same six filters slide over every position, so the layer learns 456 numbers whether the picture is a thumbnail or a large photo. Only the output grows:

# %%
for size in (32, 224, 1000):
    print(f"{f'{size}x{size}':>9} input -> output {conv.output_shape((3, size, size))}, "
          f"{conv.num_params} parameters")

# %% [markdown]
# ## 2. The same output from a dense layer
#
# A dense layer (notebook 01) gives every output its own weight for every input, plus a bias. To compare like with like, let it take the same input and produce the same number of outputs as the convolution above: the 32x32x3 input flattened to 3,072 numbers, and 28x28x6 = 4,704 outputs. (A well-known tutorial writes 28 x 28 x 6 as 4,074. It is 4,704.)

# %%
n_in = 32 * 32 * 3
n_out = 28 * 28 * 6
weights = n_in * n_out
print(f"inputs {n_in:,}, outputs {n_out:,}")
print(f"dense weights: {n_in:,} x {n_out:,} = {weights:,}")
print(f"with one bias per output: {cnnviz.dense_params(n_in, n_out):,} parameters")
print(f"the convolution: {params} parameters, about {weights // params:,} times fewer")

# %% [markdown]
# More than fourteen million numbers against 456, for the same input and the same output shape. The dense layer is not wrong: it could compute exactly what the convolution computes. Set each output's weights to zero everywhere except under its 5x5x3 window, and make the weights under the windows equal to the filter's at every position, and you have the convolution. So a convolution *is* a dense layer, with two constraints built in. Each constraint has a name.
#
# ## 3. Local connectivity and parameter sharing
#
# **Local connectivity.** Each output neuron is connected to a small window of the input, `k x k` pixels wide and high, but always through the **full depth** of the input. Take a 16x16x20 volume, the output of some earlier layer with 20 channels, and 3x3 filters: a neuron sees 3 x 3 x 20 = 180 numbers, where a dense neuron would see all 5,120. The pixels in the window are neighbours, which is exactly the information that flattening throws away.

# %%
c = layer_counts(16, 20, filters=8, kernel_size=3, padding=1)
print(f"input {c.input_shape}: {c.inputs:,} numbers")
print(f"one neuron of a 3x3 convolution sees 3 x 3 x 20 = {c.fan_in} of them")

# %% [markdown]
# Local connectivity alone would still allow a different filter at every position. Such a **locally connected** layer exists (some face-recognition networks used one, since eyes and mouths sit in known places in an aligned face photo), and it is expensive: its parameter count is the convolution's times the number of output positions.
#
# **Parameter sharing.** A convolution uses the same `K` filters at every position. The bet is that something worth detecting in one place, an edge, a corner, a patch of fur, is worth detecting everywhere, so a filter learned at one position can be reused at all the others. It also means that whatever the filter learns from the top of an image helps at the bottom.
#
# AlexNet's first layer shows the size of that saving. It applies 96 filters of 11x11x3 with stride 4 to a 227x227 colour image:

# %%
out = cnnviz.conv_output_size(227, 11, stride=4)
neurons = out * out * 96
fan_in = 11 * 11 * 3
unshared = neurons * (fan_in + 1)         # every neuron its own weights and bias
shared = 96 * fan_in + 96                 # 96 filters, reused at every position
print(f"output {out}x{out}x96 = {neurons:,} neurons, each with {fan_in} weights and 1 bias")
print(f"without sharing: {neurons:,} x {fan_in + 1} = {unshared:,} parameters")
print(f"with sharing:    96 x {fan_in} + 96 = {shared:,} parameters")
print(f"sharing divides by {unshared // shared:,} = {out} x {out}, the number of positions")

alex1 = layer_counts(227, 3, 96, 11, stride=4)
assert (alex1.local_params, alex1.conv_params) == (unshared, shared)    # the calculator below agrees
print(f"a dense layer with the same output: {alex1.dense_weights:,} weights")
print(f"at 4 bytes each: {alex1.dense_weights * 4 / 1e9:.0f} GB")

# %% [markdown]
# Sharing divides the count by the number of positions, 55 x 55 = 3,025: from about 106 million to 35 thousand. The dense layer, at almost 45 billion weights, would need about 180 GB of memory for one layer.
#
# Why 227? Notebook 04 worked it out: with an 11-pixel kernel and stride 4, `(227 - 11) / 4 = 54` exactly, so the windows fit 55 times. The AlexNet paper says 224, but `(224 - 11) / 4 = 53.25`, which rounds down to 53: 53 + 1 = 54 windows, and the last row and column of the image are never read. torchvision's AlexNet keeps 224 and adds 2 pixels of padding on every side: `(224 + 4 - 11) / 4 = 54.25`, again 55 windows, and the leftover row is now padding, not picture.

# %%
for size, padding in [(227, 0), (224, 0), (224, 2)]:
    print(f"input {size}, padding {padding}: {cnnviz.conv_output_size(size, 11, stride=4, padding=padding)}")

# %% [markdown]
# ## 4. A calculator
#
# The sliders set a convolution layer: the input's size and channels, the number of filters, the kernel size, stride and padding. On the left are the input and output volumes. Height and width are drawn to scale; depth grows more slowly than the number of channels, so read the numbers underneath. The orange block is the receptive field of one output neuron (the orange cube at the top right of the output): a `k x k` window through every channel of the input. On the right, three layers that produce the same output volume, on a log scale where each grid line is a thousand times the one before: the convolution, a locally connected layer, and a dense layer. The exact numbers are in the text under the picture.
#
# Things to try:
#
# - Drag the **image size**. The orange bar does not move. The locally connected bar grows with the number of positions, the dense bar much faster, because both its inputs and its outputs grow.
# - Set **stride** 2. The output has about a quarter of the positions; the convolution still learns the same filters.
# - Set **kernel size** 1: a 1x1 convolution (notebook 05), whose neurons see only the `C_in` numbers of one pixel.
# - AlexNet: size 227, 3 channels, 96 filters, kernel 11, stride 4. Then size 224, and padding 2.
# - The 16x16x20 volume of section 3 with 3x3 filters and padding 1.

# %% tags=["nbval-ignore-output"]
parameter_calculator()

# %% [markdown]
# ## 5. Model summaries
#
# A real network stacks many layers, and frameworks print a table with one row per layer: its name, the shape of its output and its parameter count (`model.summary()` in Keras, `torchinfo.summary` for PyTorch). cnnviz does the same with `Sequential.summary(input_shape)`. It only follows shapes and counts, and creates no weights, so even a network with a hundred million parameters is summarised instantly.
#
# Here is LeNet-5 in its modern form (ReLU and max pooling) on a 32x32 grey image, the input of LeCun's digit recogniser:

# %%
lenet_summary = lenet5().summary((1, 32, 32))
lenet_summary

# %% [markdown]
# The rows for ReLU, pooling and flattening show 0: they compute, but learn nothing. Every other row can be checked with the two formulas of this notebook. The first convolution sees 1 channel, the second sees the 6 maps of the first; the flattened 16x5x5 = 400 numbers feed the dense layers.

# %%
by_hand = [
    6 * (5 * 5 * 1 + 1),         # Conv2d-1: six 5x5 filters on 1 channel
    16 * (5 * 5 * 6 + 1),        # Conv2d-4: sixteen 5x5 filters on 6 channels
    120 * (16 * 5 * 5 + 1),      # Dense-8: 400 inputs to 120 units
    84 * (120 + 1),              # Dense-10
    10 * (84 + 1),               # Dense-12: one unit per digit
]
learned = [row.params for row in lenet_summary.rows if row.params > 0]
print("by hand:", by_hand, " total:", f"{sum(by_hand):,}")
assert learned == by_hand and lenet_summary.total_params == sum(by_hand)     # every row checks
print(f"Dense-8's share: {by_hand[2] / sum(by_hand):.0%}")

# %% [markdown]
# The first dense layer alone, 48,120 parameters, holds more than three quarters of the network.
#
# The second network is a binary classifier for 128x128 colour images. Its one output is a score for "yes", a *logit*: the network as listed has no final sigmoid, so the score can be any number, and a sigmoid (or the loss, which applies one itself) turns it into a probability. All its convolutions are 3x3 with stride 1, all but one without padding; its pooling layers take 3x3 windows with stride 3, so each divides the size by three (rounding down).

# %%
clf_summary = example_classifier().summary((3, 128, 128))
clf_summary

# %% [markdown]
# Every row, worked out by hand: a 3x3 convolution without padding makes the height and the width 2 smaller, `padding="same"` keeps them, a pool gives `floor((n - 3) / 3) + 1`, and the parameters follow from the formulas above.

# %%
expected = {  # layer: (output shape, parameters)
    "Conv2d-1": ((512, 126, 126), 512 * (3 * 3 * 3 + 1)),       # 128 - 3 + 1 = 126
    "MaxPool2d-3": ((512, 42, 42), 0),                           # 126 / 3 = 42
    "Conv2d-4": ((256, 40, 40), 256 * (3 * 3 * 512 + 1)),
    "MaxPool2d-6": ((256, 13, 13), 0),                           # floor(37 / 3) + 1 = 13
    "Conv2d-7": ((128, 13, 13), 128 * (3 * 3 * 256 + 1)),        # "same" padding keeps 13
    "Conv2d-9": ((64, 11, 11), 64 * (3 * 3 * 128 + 1)),
    "MaxPool2d-11": ((64, 3, 3), 0),                             # floor(8 / 3) + 1 = 3
    "Flatten-12": ((576,), 0),                                   # 3 * 3 * 64 = 576
    "Dense-13": ((256,), 256 * (576 + 1)),
    "Dense-15": ((512,), 512 * (256 + 1)),
    "Dense-17": ((1024,), 1024 * (512 + 1)),
    "Dense-19": ((512,), 512 * (1024 + 1)),
    "Dense-21": ((1,), 1 * (512 + 1)),
}
rows = {row.name: (row.output_shape, row.params) for row in clf_summary.rows}
for name, want in expected.items():
    assert rows[name] == want, (name, rows[name], want)
by_hand = [p for _, p in expected.values() if p > 0]
print("parameters by hand:", [f"{p:,}" for p in by_hand])
print(f"total: {sum(by_hand):,}")
assert clf_summary.total_params == sum(by_hand)

# %% [markdown]
# The heaviest layer here is a convolution: Conv2d-4 has 256 filters, each 3x3 deep through 512 channels. The first convolution is cheap (its input has only 3 channels) even though its output is by far the biggest volume. A convolution's parameter count depends on the kernel size, the depth going in and the number of filters coming out, never on the width and height of the image.
#
# ## 6. Where the parameters are
#
# Pick a network. Each bar is one layer that learns something, as a share of the network's total: orange for convolutions, purple for dense layers. Open "Every layer" under the picture for the full summary. The AlexNet here is torchvision's, the layout most code uses today: its first layer has 64 filters (11x11, stride 4, padding 2) where the paper's, counted in section 3, has 96.

# %% tags=["nbval-ignore-output"]
model_share_explorer("VGG16")

# %% [markdown]
# In LeNet-5, AlexNet and VGG the dense layers at the end hold most of the parameters. VGG16's first dense layer takes the flattened 7x7x512 output of its last pooling layer, 25,088 numbers, to 4,096 units: that one layer has 102,764,544 parameters, three quarters of the whole network. Without its dense "top", VGG16 keeps only 14,714,688, the convolutions; that part is what people usually reuse when they start from a trained network.
#
# The example classifier is different: it shrinks its maps to 3x3x64 before flattening, so its dense layers stay small and the convolutions weigh more. Many later networks go further and average each final map down to a single number before one small dense layer.

# %%
labels = {"AlexNet": "AlexNet (torchvision)"}
for name in ("LeNet-5", "AlexNet", "VGG16", "example classifier"):
    m = model_share(name)
    print(f"{labels.get(name, name):<22} {m.total:>12,} parameters, {100 * m.dense_total / m.total:5.1f}% in dense layers")
vgg = model_share("VGG16")
first_dense = vgg.rows[-3]
print(f"\nVGG16's {first_dense.name}: 7 x 7 x 512 = {7 * 7 * 512:,} inputs to 4,096 units, "
      f"{first_dense.params:,} parameters ({first_dense.params / vgg.total:.0%} of {vgg.total:,})")
print(f"VGG16 without its dense top: {vgg16(include_top=False).num_params:,} parameters")

# %% [markdown]
# ## Summary
#
# - A convolution layer learns `K x (k x k x C_in + 1)` parameters: six 5x5x3 filters are 456, whatever the image size.
# - A dense layer with the same input and output learns `inputs x outputs` weights plus a bias per output: from 32x32x3 to 28x28x6 that is 3,072 x 4,704 = 14,450,688 weights.
# - Two ideas make the difference. Local connectivity: a neuron sees a `k x k` window through all channels (3 x 3 x 20 = 180 inputs on a 16x16x20 volume). Parameter sharing: all positions use the same filters, which divides the count by the number of positions (AlexNet's first layer: 105,705,600 without sharing, 34,944 with).
# - A model summary lists each layer's output shape and parameters; LeNet-5 has 61,706, the example classifier 2,892,993, VGG16 138,357,544, most of them in its dense layers.

# %% [markdown]
# ## Exercises
#
# Replace each `...` with your answer and run the cell. The check tells you if you are right, and if not, what it expected.
#
# **1.** A convolution layer has ten 3x3 filters and works on a 32x32 colour image. How many parameters does it learn?

# %%
answer = ...
nb07.conv_params(answer)

# %% [markdown]
# **2.** Without padding and with stride 1, that layer produces a 30x30x10 output. How many parameters (weights and biases) would a dense layer need to produce the same number of outputs from the flattened 32x32x3 input?

# %%
answer = ...
nb07.dense_equivalent(answer)

# %% [markdown]
# **3.** A layer of 5x5 filters works on a feature map with 96 channels. How many input numbers does one of its neurons see?

# %%
answer = ...
nb07.fan_in(answer)

# %% [markdown]
# **4.** In the example classifier, `Conv2d-7` uses 3x3 filters with "same" padding. Suppose it used 5x5 filters instead (with padding 2, so its output stays `(128, 13, 13)`). How many parameters would it have?

# %%
answer = ...
nb07.wider_kernel(answer)

# %% [markdown]
# <details><summary>Solutions</summary>
#
# 1. `10 * (3 * 3 * 3 + 1)` = 280.
# 2. `3072 * 9000 + 9000` = 27,657,000: 32 x 32 x 3 = 3,072 inputs, 30 x 30 x 10 = 9,000 outputs.
# 3. `5 * 5 * 96` = 2,400.
# 4. Its input is the pooled `(256, 13, 13)` volume and its output has 128 channels, so it has 128 filters of 5x5x256: `128 * (5 * 5 * 256 + 1)` = 819,328, against 295,040 with 3x3 filters: the parameters grow with the kernel's area, the output does not change.
# </details>

# %% [markdown]
# ## Further reading
#
# - CS231n, [Convolutional Networks](https://cs231n.github.io/convolutional-networks/): the sections on local connectivity and parameter sharing, with AlexNet's first layer as the example, and a case study of VGG's memory and parameters layer by layer.
# - Alex Krizhevsky, Ilya Sutskever and Geoffrey Hinton, [ImageNet Classification with Deep Convolutional Neural Networks](https://doi.org/10.1145/3065386) (NeurIPS 2012, reprinted in Communications of the ACM in 2017): AlexNet. torchvision's version follows Krizhevsky's later [One weird trick for parallelizing convolutional neural networks](https://arxiv.org/abs/1404.5997), which is why its first layer has 64 filters rather than 96.
# - Karen Simonyan and Andrew Zisserman, [Very Deep Convolutional Networks for Large-Scale Image Recognition](https://arxiv.org/abs/1409.1556): VGG, with its parameter counts in Table 2.
# - Yaniv Taigman et al., [DeepFace: Closing the Gap to Human-Level Performance in Face Verification](https://doi.org/10.1109/CVPR.2014.220) (CVPR 2014): a network with several locally connected layers, which pay off because its face photos are aligned.
# - Min Lin, Qiang Chen and Shuicheng Yan, [Network In Network](https://arxiv.org/abs/1312.4400): global average pooling instead of large dense layers at the end.

# %% [markdown] tags=["navigation"]
# [← 06 Pooling](06_pooling.ipynb) · [Contents](../README.md#notebooks) · [08 A full CNN forward pass →](08_full_forward_pass.ipynb)
