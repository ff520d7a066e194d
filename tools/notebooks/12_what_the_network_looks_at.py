# %% [markdown]
# # 12 What the network looks at
# Compute, in numpy, four ways of asking a trained network why it said what it said (saliency, occlusion, Grad-CAM and activation maximisation), try them on shapes you pick, and then test them: which maps still look convincing when the network's weights are replaced by random numbers?

# %% [markdown] tags=["navigation"]
# [← 11 Data augmentation and transfer learning](11_augmentation_and_transfer.ipynb) · [Contents](../README.md#notebooks) · [13 Famous architectures and receptive fields →](13_architectures_and_receptive_fields.ipynb)

# %% [markdown]
# ## What you will learn
#
# - **Saliency** (Simonyan et al., 2013): the gradient of a class score with respect to the input pixels, one backward pass.
# - **Occlusion** (Zeiler & Fergus, 2014): cover a square of the picture and measure how much the class probability drops; one forward pass per square.
# - **Grad-CAM** (Selvaraju et al., 2017): weigh each channel of a layer by the mean gradient of the score, `alpha_k`, and keep `ReLU(sum_k alpha_k A_k)`: a coarse map at the layer's resolution.
# - **Activation maximisation**: the input that excites one channel, or one class, most, found by gradient ascent.
# - The **sanity check** of Adebayo et al. (2018): a map that barely changes when the weights are randomised explains the picture, not the network.

# %%
import numpy as np
import matplotlib.pyplot as plt

from cnnviz.datasets import CLASS_NAMES, draw_shape, make_shapes
from cnnviz.filters import sobel_magnitude
from cnnviz.interpret import activation_maximization, grad_cam, occlusion, saliency
from cnnviz.pretrained import shapes_cnn
from cnnviz.lessons.interpretation import (
    channel_activations, channel_weights, map_layers, rank_correlation, sanity_state,
)
from cnnviz.explorers.interpretation import (
    draw_and_explain, explain_explorer, grad_cam_explorer, occlusion_explorer, shape_samples,
)
from cnnviz.explorers.maximisation import filter_explorer, training_images
from cnnviz.explorers.sanity import sanity_explorer
from cnnviz.exercises import nb12

plt.rcParams.update({"figure.dpi": 80, "figure.figsize": (8, 3)})
net = shapes_cnn()
print(net.summary((1, 28, 28)))

# %% [markdown]
# ## 1. Feature maps again, then saliency
#
# The network is the small shapes classifier of notebook 08: two convolutions with ReLU and max pooling, a dense layer and a softmax over circle, square, triangle and cross. Its feature maps are the first answer to "what does it look at": here are the eight maps of the first ReLU for a square. One of them is black on every typical picture: that channel is dead, and so it cannot contribute to anything below.

# %%
square = draw_shape("square", angle=15)
maps = net.forward(square[None], return_all=True)[1][0]      # ReLU-2: (8, 28, 28)
fig, axes = plt.subplots(1, 9, figsize=(11, 1.6))
axes[0].imshow(square[0], cmap="gray")
axes[0].set_title("input")
for k, ax in enumerate(axes[1:]):
    ax.imshow(maps[k], cmap="gray")
    ax.set_title(f"channel {k}")
for ax in axes:
    ax.axis("off")
plt.show()
print("channels that are zero everywhere:", [k for k in range(8) if not maps[k].any()])

# %% [markdown]
# Feature maps show what a layer computes, not what the decision rests on. **Saliency** asks the decision directly: how much does the class score move when one pixel changes a little? That is the gradient `d(score) / d(image)`, one backward pass through the network (the score is the logit before the softmax, so a saturated probability does not flatten it). Here is `|gradient|` for one training-like picture of each class:

# %%
data = make_shapes(8, seed=3)
fig, axes = plt.subplots(2, 4, figsize=(8, 4))
for k, name in enumerate(CLASS_NAMES):
    image = data.images[list(data.labels).index(k)]
    grad = saliency(net, image, k)
    axes[0, k].imshow(image[0], cmap="gray")
    axes[0, k].set_title(name)
    axes[1, k].imshow(np.abs(grad).max(axis=0), cmap="inferno")
    axes[1, k].set_title("|d score / d pixel|")
for ax in axes.ravel():
    ax.axis("off")
plt.tight_layout()
plt.show()

# %% [markdown]
# The maps are speckled, and they are not confined to the strokes: the background has gradient too, and the brightest pixels can sit inside the shape, where a new stroke would change what the shape is. A gradient is a very local question (what if this one pixel were a little brighter?), and its answer jumps from pixel to pixel. Keep that in mind for section 6.

# %% [markdown]
# ## 2. Occlusion: cover a square and watch the probability
#
# Occlusion needs no gradient. Cover a `patch x patch` square with black (0), run the network, and record how much the probability of the class drops; slide the square by `stride` pixels and repeat. The map has one value per position of the square, `((28 - patch) // stride + 1)` per side. One covered copy per position goes through the network: at patch 7 and stride 1 that is 22 x 22 = 484 forward passes, done in chunks of the batch.

# %%
drop = occlusion(net, square, 1, patch=7, stride=1)
i, j = np.unravel_index(np.argmax(drop), drop.shape)
print("map:", drop.shape, " the costliest square starts at row", i, "column", j,
      " drop in p(square):", round(float(drop.max()), 2))

# %% [markdown]
# In the explorer, pick a picture and a class, then move the patch size and the stride. The orange square is the one whose cover costs most; the middle panel is the map itself (red: covering lowers the probability; blue: it raises it); the right panel spreads each square's drop over the pixels it covers.
#
# Things to try:
#
# - Patch 1: single pixels hardly matter, the network reads whole strokes. Grow the patch until the map lights up.
# - Pick the wrong class for a picture (the square as a triangle): the map is almost empty, because a drop can only be as large as the probability the class had to begin with.
# - The cross: covering any square hardly changes its probability. Why might that be? Section 4 has a clue.
# - Stride 7 with patch 7: 16 squares instead of 484 forward passes, and a blockier map.

# %% tags=["nbval-ignore-output"]
occlusion_explorer(shape_samples())

# %% [markdown]
# ## 3. Grad-CAM: a gradient read at a coarse layer
#
# Grad-CAM looks at the output `A` of one layer, `K` channels of `h x w`. It asks how much the score depends on each channel as a whole, `alpha_k = mean over positions of d(score) / dA_k`, and then keeps the places where the helpful channels are active: `map = ReLU(sum_k alpha_k A_k)`. The map has the layer's resolution, 14 x 14 at `ReLU-5`, and the ReLU throws away the places that speak against the class.
#
# The whole method is those two lines. Here they are by hand, from the layer's output and the gradient the backward pass delivers there, checked against `cnnviz.grad_cam`:

# %%
cross = draw_shape("cross", angle=20)
layer = 4                                                    # ReLU-5
A = net.forward(cross[None], return_all=True)[layer][0]      # (16, 14, 14)
alpha = channel_weights(net, cross, 3, layer=layer)          # mean of d(score)/dA_k, (16,)
by_hand = np.maximum(np.tensordot(alpha, A, axes=1), 0)
print("map", by_hand.shape, " channels with alpha_k > 0:", int((alpha > 0).sum()), "of", len(alpha))
print("same as cnnviz.grad_cam:", np.allclose(by_hand, grad_cam(net, cross, 3, layer=layer)))

# %% [markdown]
# In the explorer choose the layer (each convolution, ReLU and pool), the class, and how strongly the map covers the picture. The rightmost panel shows the `alpha_k` of every channel.
#
# - Ask a square what would make it a *triangle* or a *cross*: Grad-CAM of a wrong class marks the parts of the picture that look most like that class.
# - Move from `Conv2d-1` to `MaxPool2d-6`: the map gets coarser, 28 x 28, 14 x 14, then 7 x 7.
# - At `MaxPool2d-6`, try the circle for its own class.

# %% tags=["nbval-ignore-output"]
grad_cam_explorer(shape_samples())

# %% [markdown]
# At the last pooling layer the circle's own map can be zero everywhere (and, in the table below, the first layers' maps for many crosses). That is not a bug in the code; it is a limit of the method. After `MaxPool2d-6` comes the dense layer, which weighs every position of every channel separately: a channel may help the circle score on the ring and hurt it in the middle. Grad-CAM averages those weights into one `alpha_k` per channel, and the averages can cancel, so that `sum_k alpha_k A_k` is negative everywhere and the ReLU leaves nothing. How often, on 40 training-like pictures, is the map of the true class zero at each layer?

# %%
test = make_shapes(40, seed=3)
print(f"{'layer':12}" + "".join(f"{name:>10}" for name in CLASS_NAMES))
for index, name in map_layers(net, (1, 28, 28)):
    zero = [sum(grad_cam(net, img, k, layer=index).max() <= 0
                for img, label in zip(test.images, test.labels) if label == k)
            for k in range(len(CLASS_NAMES))]
    print(f"{name:12}" + "".join(f"{z:>7} /{int((test.labels == k).sum()):>2}"
                                 for k, z in enumerate(zero)))

# %% [markdown]
# ## 4. Draw and explain
#
# Now draw the question yourself. Draw a shape on the black pad with the mouse (it opens with a triangle on it: press Clear first); after every stroke the network reads the drawing, at 28 x 28 like its training pictures, and the three maps are drawn for the class it predicts. Choose the layer of Grad-CAM and the size of the occluding square below the pad.
#
# - Draw a square, then add one diagonal stroke: when does it stop being a square, and which map shows the new stroke mattering?
# - Draw a shape small, in a corner: the network was trained on shapes whose radius is a fifth to two fifths of the picture's side.
# - Draw an open circle (a C): which map marks the gap?

# %% tags=["nbval-ignore-output"]
draw_and_explain()

# %% [markdown]
# The same three maps for the pictures of the other explorers, among them a small square in a corner and a cross off-centre, both turned:

# %% tags=["nbval-ignore-output"]
explain_explorer(shape_samples())

# %% [markdown]
# A picture with nothing on it is a fair question too: the network has to pick one of its four classes whatever it is shown.

# %%
blank = np.zeros((1, 28, 28))
small = draw_shape("circle", center=(20, 8), radius=4)
for name, picture in [("blank picture", blank), ("small circle in a corner", small)]:
    probs = net.forward(picture[None])[0]
    print(f"{name:26}", ", ".join(f"{c} {p:.2f}" for c, p in zip(CLASS_NAMES, probs)))

# %% [markdown]
# On a blank picture the network splits its vote between triangle and cross, and the small circle is no circle to it. A classifier cannot say "none of these": it must give one of its four answers, and the maps of this section explain that answer, right or wrong.

# %% [markdown]
# ## 5. What each filter wants
#
# Turn the question around: instead of explaining one picture, make the picture that a channel likes best. **Activation maximisation** starts from noise and climbs the gradient of the channel's mean activation (or of a class score), with a penalty on pixel values that do not help and pixels clipped to the range the network was trained on. Each picture takes many gradient steps, a few hundred milliseconds; the explorer computes all of them once, when it is built, and only looks them up when you move the slider. Next to each wanted input are the training-like pictures (200, drawn like the training set) that excite the channel most.
#
# - `conv1`: a first-layer channel sees only 3x3 pixels at a time, so the kernel itself, shown beside its wanted input, is the plainest answer to what it wants. Channel 1 is the dead one: with no gradient to climb, the penalty fades its picture to black.
# - `conv2`: these combine the first layer's maps over a larger patch of the picture. Compare each wanted input with the pictures that excite the channel most: do they share strokes, corners, or only brightness?
# - `class scores`: what the network thinks a circle, a square, a triangle or a cross looks like.

# %% tags=["nbval-ignore-output"]
filter_explorer(training_images())

# %% [markdown]
# The class pictures on their own, and what the network says about each:

# %%
fig, axes = plt.subplots(1, 4, figsize=(8, 2.2))
for k, (name, ax) in enumerate(zip(CLASS_NAMES, axes)):
    wanted = activation_maximization(net, "score", k)
    ax.imshow(wanted[0], cmap="gray", vmin=0, vmax=1)
    ax.set_title(f"wanted: {name}")
    ax.axis("off")
    print(f"{name:9} -> the network says {CLASS_NAMES[int(net.forward(wanted[None]).argmax())]}")
plt.show()

# %% [markdown]
# They do not look like clean shapes. They are the patterns that push one score up and the others down as hard as possible, which is not the same as a typical member of the class: another reminder that a network's evidence is not a person's.

# %% [markdown]
# ## 6. Sanity checks: does the map depend on the network?
#
# Adebayo et al. (2018) asked a plain question: if a map explains the *network*, it must change when the network changes. So replace the weights of the top layer by random numbers (with the same spread as the trained ones), then the next layer too, and so on down to the first, and compare each method's map with its map on the trained network. A **rank correlation** of 1 means the same ordering of the pixels, 0 no relation. Beside them, a method with no network at all: the Sobel edge detector of notebook 03.
#
# It opens with the dense layer random. Move the slider to randomise none, one, two or all three weighted layers (Dense-8, then Conv2d-4, then Conv2d-1):

# %% tags=["nbval-ignore-output"]
sanity_explorer(shape_samples(), top=1)

# %% [markdown]
# Averaged over twelve pictures, the rank correlation of each map with its trained self, as the layers become random from the top, and the saliency map's correlation with the edge detector:

# %%
pictures = test.images[:12]
targets = [int(net.forward(img[None]).argmax()) for img in pictures]
print("random layers         saliency  Grad-CAM (ReLU-5)")
for top in range(4):
    states = [sanity_state(net, img, t, top=top) for img, t in zip(pictures, targets)]
    names = ", ".join(states[0].randomized) or "none"
    print(f"{names:22} {np.mean([s.similarity['saliency'] for s in states]):8.2f}"
          f"  {np.mean([s.similarity['Grad-CAM'] for s in states]):8.2f}")
edges = [rank_correlation(np.abs(saliency(net, img, t)).max(axis=0), sobel_magnitude(img[0]))
         for img, t in zip(pictures, targets)]
print(f"saliency of the trained network vs Sobel edges: {np.mean(edges):.2f}")

# %% [markdown]
# Read the table from the top. Grad-CAM at `ReLU-5` loses its resemblance to itself as soon as the dense layer is random: it depends on what the top of the network learned. Saliency changes more slowly: with the dense layer random, and with the second convolution random too, it keeps a good part of its ordering of the pixels, because its gradient still passes through trained first-layer filters and through the picture's own strokes. Only when the first convolution is random as well does it fall apart. A map that survives randomising most of the network is saying more about the picture and the first layer than about the decision; and the edge detector, which has no network at all, already shares part of saliency's ordering.
#
# What to distrust, then: a map that looks the same for a random network; a map that is zero (Grad-CAM at the last pool, section 3); and any map of a class the network never had a choice about (a blank picture still gets a class). What to trust more: occlusion, which changes the picture and measures the network's answer, at the price of one forward pass per square.

# %% [markdown]
# ## Summary
#
# - **Saliency** is one backward pass to the pixels: sharp, speckled, and partly a picture of the input's edges.
# - **Occlusion** covers squares and measures the drop in probability: slow (one forward pass per square) but it asks the network directly; the square's size decides what it can find.
# - **Grad-CAM** weighs a layer's channels by the mean gradient, `alpha_k`, and keeps `ReLU(sum_k alpha_k A_k)`: coarse, class-specific, and zero when the averaged weights cancel, as at the layer before a dense layer that reads positions.
# - **Activation maximisation** shows the input a channel or a class likes best: a pattern, not a typical picture; for a first-layer filter the kernel itself says more.
# - **Sanity check**: randomise the weights from the top; a map that hardly changes explains the picture, not the network.

# %% [markdown]
# ## Exercises
#
# Replace each `...` with your answer and run the cell. The check tells you if you are right, and if not, what it expected.
#
# **1.** A tiny layer has two channels of 2 x 2, `A`, and the backward pass delivers the gradient of the class score with respect to them, `G = d(score) / dA`:

# %%
print("A =", nb12.TINY_ACTIVATIONS.astype(int).tolist())
print("G =", nb12.TINY_GRADIENT.astype(int).tolist())

# %% [markdown]
# What is Grad-CAM's `alpha_1`, the weight of channel 1 (the second one)?

# %%
answer = ...
nb12.alpha_by_hand(answer)

# %% [markdown]
# **2.** And the Grad-CAM map itself, `ReLU(alpha_0 A_0 + alpha_1 A_1)`, as a 2 x 2 list of lists?

# %%
answer = ...
nb12.cam_by_hand(answer)

# %% [markdown]
# **3.** A square of radius 6.5 is drawn with its centre at `(x, y) = nb12.OCCLUDED_CENTER` (x counts columns from the left, y rows from the top), and covered by 14 x 14 squares, 14 pixels apart: a 2 x 2 occlusion map for the class the network predicts. Without running `occlusion`, which square `(row, col)` of the map lowers that class's probability most? (Section 4 tells you what the network calls such a picture; it does not change where the evidence is.)

# %%
print("centre (x, y):", nb12.OCCLUDED_CENTER)
answer = ...
nb12.worst_square(answer)


# %% [markdown]
# **4.** Write saliency yourself with the model's own passes: `model.forward(image[None], return_all=True)` keeps every layer's output, and each layer's `backward(grad)` turns the gradient at its output into the gradient at its input (notebook 08). Start from a gradient that is 1 at the target's score (the output of the layer before the softmax) and 0 elsewhere, and go back through every layer but the softmax.

# %%
def my_saliency(model, image, target):
    ...

nb12.saliency_by_backward(my_saliency)

# %% [markdown]
# <details><summary>Solutions</summary>
#
# 1. `alpha_1 = (-3 + 1 - 1 + 2) / 4 = -0.25`. (And `alpha_0 = (2 - 1 + 1 + 2) / 4 = 1`.)
# 2. `[[2, 0], [0.5, 1]]`: `1 * A_0 - 0.25 * A_1 = [[2, -0.75], [0.5, 1]]`, and the ReLU sets the negative value to 0. Check with `grad_cam(nb12.tiny_network(), nb12.TINY_ACTIVATIONS, 0, layer=0)`.
# 3. `(1, 0)`: the centre is at column 7, row 21, so the square lies in the bottom-left quadrant, rows 14-27 and columns 0-13. Covering it leaves an almost blank picture.
# 4. One way:
#
# ```python
# def my_saliency(model, image, target):
#     outputs = model.forward(image[None], return_all=True)
#     grad = np.zeros_like(outputs[-2])        # the scores, before the softmax
#     grad[0, target] = 1
#     for layer in reversed(model.layers[:-1]):
#         grad = layer.backward(grad)
#     return grad[0]
# ```
# </details>

# %% [markdown]
# ## Further reading
#
# - Karen Simonyan, Andrea Vedaldi and Andrew Zisserman, [Deep Inside Convolutional Networks: Visualising Image Classification Models and Saliency Maps](https://arxiv.org/abs/1312.6034) (2013).
# - Matthew Zeiler and Rob Fergus, [Visualizing and Understanding Convolutional Networks](https://arxiv.org/abs/1311.2901) (2014): occlusion, and what each layer responds to.
# - Ramprasaath Selvaraju et al., [Grad-CAM: Visual Explanations from Deep Networks via Gradient-based Localization](https://arxiv.org/abs/1610.02391) (2017).
# - Julius Adebayo et al., [Sanity Checks for Saliency Maps](https://arxiv.org/abs/1810.03292) (2018).
# - Chris Olah, Alexander Mordvintsev and Ludwig Schubert, [Feature Visualization](https://distill.pub/2017/feature-visualization/), Distill (2017): activation maximisation with the regularisers that make it work on large networks.

# %% [markdown] tags=["navigation"]
# [← 11 Data augmentation and transfer learning](11_augmentation_and_transfer.ipynb) · [Contents](../README.md#notebooks) · [13 Famous architectures and receptive fields →](13_architectures_and_receptive_fields.ipynb)
