# %% [markdown]
# # 11 Data augmentation and transfer learning
# Turn, zoom, shift, mirror, brighten and add noise to a picture without changing its label, then measure what that buys a network tested on shapes it never saw in that pose; and reuse a trained network's filters for four new shapes from a handful of examples, all in numpy with nothing downloaded.

# %% [markdown] tags=["navigation"]
# [← 10 Training a CNN live](10_training.ipynb) · [Contents](../README.md#notebooks) · [12 What the network looks at →](12_what_the_network_looks_at.ipynb)

# %% [markdown]
# ## What you will learn
#
# - What each augmentation of `cnnviz.augment` does to a picture: `rotate` (counter-clockwise for positive angles, as in Pillow), `zoom` about the centre, `shift`, `flip`, `brightness` and `add_noise`, and why each keeps the label.
# - How `random_augment` gives every picture of a batch its own random draw within set ranges, so each epoch sees new pictures.
# - What augmentation buys, measured: a network trained on upright, centred, same-sized shapes, with and without augmentation, tested on shapes that are turned, moved and rescaled; and which single augmentation matters most.
# - Transfer learning: keep a trained network's convolution layers **frozen** and train only a new dense head for classes it has never seen; compare it with training from scratch and with fine-tuning everything, from 5 to 50 examples per class.
# - The same idea at full scale: how few of VGG19's parameters you train when its convolutions are frozen.

# %%
import numpy as np
import matplotlib.pyplot as plt

from cnnviz import augment
from cnnviz.datasets import NEW_CLASS_NAMES, draw_shape, make_shapes
from cnnviz.layers import Dense
from cnnviz.lessons.augmentation import (
    CANONICAL, TRANSFER_MODES, canonical_shapes, head_names, new_head, sample_pictures,
    train_augmented, transfer_experiment,
)
from cnnviz.explorers.augmentation import augmentation_explorer, draws_explorer
from cnnviz.models import vgg19
from cnnviz.pretrained import shapes_cnn
from cnnviz.training import evaluate
from cnnviz.exercises import nb11

plt.rcParams.update({"figure.dpi": 80, "figure.figsize": (8, 3)})

# %% [markdown]
# ## 1. New pictures from old ones
#
# A network learns what its training pictures show, and little else. If every triangle it ever saw pointed up and sat in the middle, a triangle in a corner, lying on its side, is something new to it. Collecting more photos is expensive; **augmentation** makes new training pictures from the ones we have, with changes that do not change the answer. A cat turned by 20 degrees is still a cat, and a triangle moved three pixels to the left is still a triangle.
#
# `cnnviz.augment` has one function per change. Rotation, zoom and shift all move pixels: every output pixel asks where it came from in the input and reads that point, interpolating between the four pixels around it. Where that point lies outside the picture, `fill` comes in (black by default). Turns by multiples of 90 degrees on a square picture, whole-pixel shifts and a zoom of 1 land exactly on pixel centres, so they move pixels without blurring them:

# %%
triangle = draw_shape("triangle", angle=-90)[0]          # a 28x28 triangle, pointing up
print("rotate(90) == np.rot90:   ", np.array_equal(augment.rotate(triangle, 90), np.rot90(triangle)))
print("shift right 3 == slicing: ", np.array_equal(augment.shift(triangle, 3, 0)[:, 3:], triangle[:, :-3]))
print("zoom(1) changes nothing:  ", np.array_equal(augment.zoom(triangle, 1), triangle))

fig, axes = plt.subplots(1, 7, figsize=(10, 1.9))
pictures = [triangle, augment.rotate(triangle, 30), augment.zoom(triangle, 1.4),
            augment.shift(triangle, 4, -3), augment.flip(triangle),
            augment.brightness(triangle, 0.5), augment.add_noise(triangle, 0.15)]
titles = ["original", "rotate 30", "zoom 1.4", "shift (4, -3)", "flip", "brightness 0.5", "noise 0.15"]
for ax, picture, title in zip(axes, pictures, titles):
    ax.imshow(picture, cmap="gray", vmin=0, vmax=1)
    ax.set_title(title, fontsize=9)
    ax.axis("off")
plt.show()

# %% [markdown]
# A positive angle turns the picture **counter-clockwise** on screen, as Pillow's `Image.rotate` does; a shift `(dx, dy)` moves the content right by `dx` and down by `dy` pixels. Brightness multiplies every value and clips to [0, 1]; noise adds a Gaussian draw to every pixel.
#
# Try each one on the cat photo and on a shape; the explorer opens with the cat turned by 20 degrees, zoomed by 1.2 and moved right by a tenth of its width. The caption measures how much each pixel changed on average; the label does not change at all. Notice what comes in at the edges when you turn or shrink the picture, and how little of the cat is left after a large zoom.

# %% tags=["nbval-ignore-output"]
augmentation_explorer(sample_pictures(), picture="cat")

# %% [markdown]
# During training, each picture gets its own random setting, drawn again every epoch. `random_augment(images, rotation=30, zoom=(0.83, 1.2), shift=3, seed=0)` turns each image by an angle between -30 and 30 degrees, zooms it by a factor between 0.83 and 1.2 and shifts it by up to 3 pixels each way. The grid shows sixteen draws from one picture with the same ranges; the seed makes them repeatable. Widen a range and watch the grid fill with poses the original never had.

# %% tags=["nbval-ignore-output"]
draws_explorer(sample_pictures(), picture="shape")

# %% [markdown]
# ## 2. Does it help? Measured
#
# Here is the experiment. The training set holds 800 shapes (circles, squares, triangles and crosses), every one drawn **the same size, upright and centred**: `make_shapes` with `scale`, `angle` and `position` each held to one value ("upright" is angle 0, where a square stands on a corner). The held-out set holds 500 shapes of the default data set: any size from 0.22 to 0.42 of the picture, any angle, anywhere in the picture. Nothing in the training set looks like most of the test set:

# %%
train_set = canonical_shapes(800, seed=1)
held_out = make_shapes(500, seed=2)
print("training ranges:", CANONICAL)

fig, axes = plt.subplots(2, 8, figsize=(10, 2.8))
for k in range(8):
    for row, (data, name) in enumerate([(train_set, "train"), (held_out, "held out")]):
        axes[row, k].imshow(data.images[k, 0], cmap="gray", vmin=0, vmax=1)
        axes[row, k].set_title(data.class_names[data.labels[k]], fontsize=9)
        axes[row, k].set_xticks([])
        axes[row, k].set_yticks([])
    axes[0, 0].set_ylabel("train")
    axes[1, 0].set_ylabel("held out")
plt.show()

# %% [markdown]
# We train the small CNN of notebook 08 (the shipped architecture, fresh weights) with Adam for 15 passes over the 800 pictures. The data set is small and the training short so that each run takes seconds, not minutes. Without augmentation the 15 passes repeat the same 800 pictures; with augmentation each pass draws new ones: turned by any angle (`rotation=180`), zoomed by 0.7 to 1.4, shifted by up to 6 pixels and mirrored half the time. `train_augmented` in `cnnviz.lessons.augmentation` is the loop, a dozen lines around `cnnviz.training.train`.

# %%
RANGES = dict(rotation=180, zoom=(0.7, 1.4), shift=6, flip=True)


def trained(**ranges):
    """A fresh shapes CNN trained on the training set with these augmentations."""
    net = shapes_cnn(pretrained=False).initialize(seed=0)
    return train_augmented(net, train_set.images, train_set.labels, epochs=15, seed=0, **ranges)


def held_out_accuracy(**ranges):
    return evaluate(trained(**ranges), held_out.images, held_out.labels)


net_plain = trained()
plain = evaluate(net_plain, held_out.images, held_out.labels)
augmented = held_out_accuracy(**RANGES)
print(f"without augmentation: {evaluate(net_plain, train_set.images, train_set.labels):.1%} "
      f"of its training pictures right, {plain:.1%} of the held-out shapes")
print(f"with augmentation:    {augmented:.1%} of the held-out shapes (chance: 25%)")

# %% [markdown]
# The network that only ever saw centred, upright shapes gets fewer than half of the held-out shapes right, although it gets nearly all of its own training pictures right. The same network, the same number of training steps, but with every picture moved, turned and rescaled at random, gets far more of the held-out set right. Nothing new was collected: the difference is what the training pictures covered.
#
# Which of the four augmentations did the work? Train once more with each one alone:

# %%
alone = {name: held_out_accuracy(**{name: value}) for name, value in RANGES.items()}
results = {"none": plain, **alone, "all four": augmented}
for name, accuracy in results.items():
    print(f"{name:>9}: {accuracy:.1%}")
best = max(alone, key=alone.get)
print(f"alone, {best} helps most: {100 * (alone[best] - plain):+.1f} points over none; "
      f"all four together: {100 * (augmented - plain):+.1f} points")

fig, ax = plt.subplots(figsize=(7, 2.8))
bars = ax.bar(list(results), [100 * a for a in results.values()], color="#5e3c99")
bars[-1].set_color("#e66100")
ax.axhline(25, color="grey", ls="--", lw=1)
ax.text(-0.45, 27, "chance", color="grey", fontsize=9)
ax.set_ylabel("held-out accuracy (%)")
ax.set_ylim(0, 100)
ax.set_title("trained on upright, centred, same-sized shapes; tested on any pose")
plt.show()

# %% [markdown]
# Read the bars the other way round too. **Flipping** does nothing here: a mirrored circle, square, triangle or cross is a circle, square, triangle or cross in some other rotation, so it adds nothing the test set asks for. Each of the others covers one way in which the held-out set differs (place, angle, size), and no single one covers all three: the held-out shapes are moved *and* turned *and* rescaled at once, which is why the four together do much more than any one alone. The lesson is not "augmentation always helps" but "augment in the ways your test data differs from your training data"; an augmentation that produces pictures the test set never shows (an upside-down digit 6, say, which reads as a 9) can hurt.
#
# Convolution and pooling give a network some tolerance to small moves (notebook 06 measured how much of a pooled map survives a one-pixel shift), but none to rotation or size: a filter that learned a horizontal edge does not respond to a vertical one. Those have to come from the data.

# %% [markdown]
# ## 3. Transfer learning: new classes from few examples
#
# The shipped network of notebook 08 was trained on 20,000 pictures of circles, squares, triangles and crosses. Now we want it to tell apart four shapes it has never seen: stars, hexagons, arrows and hearts (`NEW_CLASS_NAMES`), and we only have a few labelled pictures of each.

# %%
fig, axes = plt.subplots(1, 8, figsize=(10, 1.6))
examples = make_shapes(8, seed=3, classes=NEW_CLASS_NAMES)
for ax, image, label in zip(axes, examples.images, examples.labels):
    ax.imshow(image[0], cmap="gray", vmin=0, vmax=1)
    ax.set_title(examples.class_names[label], fontsize=9)
    ax.axis("off")
plt.show()

# %% [markdown]
# Its convolution layers have learned to find edges, corners and line ends: useful for any outline shape, not only for the four it was trained on. Only the last dense layer, which turns the 784 features of the pooled maps into four class scores, is specific to circles, squares, triangles and crosses. So we replace that layer by a fresh one with four outputs for the new classes, and train in one of three ways:
#
# 1. **from scratch**: the same architecture with random weights, everything trained;
# 2. **frozen conv + new head**: the shipped convolutions kept exactly as they are (frozen), only the new head trained. `train(net, ..., trainable=head_names(net))` updates only the named weights;
# 3. **fine-tune all**: start from the shipped convolutions and the new head, and train everything with a smaller learning rate, so the filters can adapt a little without forgetting what they learned.

# %%
net = new_head(shapes_cnn(), len(NEW_CLASS_NAMES))
params = net.parameters()
trainable = head_names(net)
print(net.layers[-2], "is the new head; trainable:", trainable)
print(f"{sum(params[n].size for n in trainable):,} of {sum(p.size for p in params.values()):,} "
      "parameters are trained when the convolutions are frozen")

# %% [markdown]
# Each run trains for about 300 minibatch steps of 8 pictures, whatever the size of the training set, and is tested on 400 held-out pictures of the new shapes (any size, angle and place). Twelve runs in all, in a few seconds:

# %%
PER_CLASS = (5, 10, 20, 50)
transfer = transfer_experiment(shapes_cnn(), per_class=PER_CLASS, held_out=400, seed=0)
print("examples per class:" + "".join(f"{k:>8}" for k in PER_CLASS))
for mode, accuracies in transfer.items():
    print(f"{mode:>22}:" + "".join(f"{a:>8.1%}" for a in accuracies))

fig, ax = plt.subplots(figsize=(7, 3))
for mode, colour in zip(TRANSFER_MODES, ("#9a9a9a", "#e66100", "#5e3c99")):
    ax.plot(PER_CLASS, [100 * a for a in transfer[mode]], "o-", color=colour, label=mode)
ax.axhline(25, color="grey", ls="--", lw=1)
ax.set_xticks(PER_CLASS)
ax.set_xlabel("training examples per class")
ax.set_ylabel("held-out accuracy (%)")
ax.set_ylim(0, 100)
ax.legend(fontsize=9)
plt.show()

# %% [markdown]
# Every line climbs with more examples, and the frozen network is on top at every size in this run. From scratch, the network must learn its filters *and* its classifier from a few dozen pictures; the frozen network only learns the classifier, on top of filters that 20,000 pictures shaped. Fewer numbers to fit means less to get wrong from few examples, and the features it fits them on are already good ones for outlines.
#
# Fine-tuning everything has the same good start, but it also moves the filters, using the same few pictures, and in this run it stays below the frozen line at every size. That is the usual rule of thumb: **freeze when you have few examples and the new task looks like the old one**; fine-tune (with a small learning rate) when you have more data, or when the new pictures differ enough that the old filters no longer fit; train from scratch when you have plenty of data and nothing related to start from.

# %% [markdown]
# ## 4. The same idea at full scale
#
# Transfer learning is how most image classifiers are built in practice: take a network trained on ImageNet's 1.2 million photos, drop its dense top, freeze the convolutions and train a small head for your own classes. VGG19's convolutions (16 layers of 3x3 filters) on a 128x128 colour picture end in a 512x4x4 volume. Flatten it and add a dense layer with two outputs, for two new classes:

# %%
base = vgg19(include_top=False)
features = base.output_shapes((3, 128, 128))[-1]
frozen = base.num_params
head = Dense(int(np.prod(features)), 2)
head_params = head.num_params
print("VGG19 without its top ends in", features)
print(f"frozen (VGG19's convolutions): {frozen:>12,}")
print(f"trained (the new dense head):  {head_params:>12,}  = {np.prod(features):,} x 2 weights + 2 biases")
print(f"share trained: {head_params / (frozen + head_params):.3%}")


# %% [markdown]
# All but a sliver of the parameters stay as they are; the head is small enough to train on a few hundred photos on a laptop. And because the frozen part never changes, its output for each training photo can be computed once and stored: training the head then never runs the convolutions again.

# %% [markdown]
# ## Summary
#
# - Augmentations make new training pictures that keep their label: `rotate` (counter-clockwise for positive angles), `zoom` about the centre, `shift` (right and down), `flip`, `brightness`, `add_noise`. `random_augment` gives each picture its own draw within set ranges, repeatable by seed.
# - Augmentation widens what the training set covers. Measured here, a network trained on upright, centred, same-sized shapes got fewer than half of the shapes in any pose right, and far better with random turns, zooms and shifts; mirroring added nothing, because the test set never asked for it. Augment in the ways the test data differs.
# - Transfer learning keeps a trained network's convolutions frozen and trains a new dense head: with few examples per class of new shapes it beat training from scratch and fine-tuning everything in this run.
# - At full scale: VGG19 without its top keeps its 20 million parameters frozen and a two-class head on its 512x4x4 output trains sixteen thousand.

# %% [markdown]
# ## Exercises
#
# Replace each `...` with your answer and run the cell. The check tells you if you are right, and if not, what it expected.
#
# **1.** Write `my_shift(image, dx, dy)` for a grey `(H, W)` image and whole-pixel shifts smaller than the picture: the content moves right by `dx` and down by `dy`, zeros come in. Use numpy slicing (one slice of the input copied into one slice of a zero array), no loops and no `np.roll`.

# %%
def my_shift(image, dx, dy):
    """Move a grey image right by dx and down by dy whole pixels; zeros come in."""
    H, W = image.shape
    ...  # your code here: a zero array, one slice of image copied into one slice of it, return it


nb11.my_shift(my_shift)

# %% [markdown]
# **2.** A network is trained on upright, centred, same-sized shapes, as in section 2. Its test set holds shapes of that same size, in the middle of the picture, but each turned by an angle anywhere from 0 to 360 degrees (`nb11.TEST_SET`). Which one augmentation does training need? Answer with its number in `nb11.AUGMENTATIONS`, counting from 1.

# %%
print(list(enumerate(nb11.AUGMENTATIONS, 1)))
answer = ...
nb11.augmentation_needed(answer)

# %% [markdown]
# **3.** You freeze VGG16 without its top (`cnnviz.models.vgg16(include_top=False)`) and give it 96x96 colour pictures. You flatten its output and add one dense layer for 5 classes. How many parameters do you train? (Work out the output shape first: each of VGG16's five max-pooling layers halves the height and width.)

# %%
answer = ...
nb11.trainable_params(answer)

# %% [markdown]
# <details><summary>Solutions</summary>
#
# 1. Cut the part that stays inside from the input and paste it shifted:
#
#    ```python
#    def my_shift(image, dx, dy):
#        out = np.zeros_like(image)
#        H, W = image.shape
#        out[max(dy, 0):H + min(dy, 0), max(dx, 0):W + min(dx, 0)] = \
#            image[max(-dy, 0):H + min(-dy, 0), max(-dx, 0):W + min(-dx, 0)]
#        return out
#    ```
#
#    For `dx = 2` the output's columns 2 to W-1 get the input's columns 0 to W-3; for `dx = -2` the output's columns 0 to W-3 get the input's columns 2 to W-1.
# 2. 1, rotation: size and place are the same as in training; only the angle differs, and a flip would not produce a turned shape.
# 3. 23,045. 96 halved five times is 3, so the output is 512x3x3 = 4,608 features; the head has 4,608 x 5 weights and 5 biases.
# </details>

# %% [markdown]
# ## Further reading
#
# - Patrice Simard, Dave Steinkraus and John Platt, [Best Practices for Convolutional Neural Networks Applied to Visual Document Analysis](https://www.microsoft.com/en-us/research/publication/best-practices-for-convolutional-neural-networks-applied-to-visual-document-analysis/) (ICDAR 2003): elastic and affine distortions of MNIST digits as training data.
# - Alex Krizhevsky, Ilya Sutskever and Geoffrey Hinton, [ImageNet Classification with Deep Convolutional Neural Networks](https://doi.org/10.1145/3065386): random crops, flips and colour changes, section 4.1 "Data Augmentation".
# - Jason Yosinski, Jeff Clune, Yoshua Bengio and Hod Lipson, [How transferable are features in deep neural networks?](https://arxiv.org/abs/1411.1792) (NeurIPS 2014): which layers transfer, and when fine-tuning beats freezing.
# - Connor Shorten and Taghi Khoshgoftaar, [A survey on Image Data Augmentation for Deep Learning](https://doi.org/10.1186/s40537-019-0197-0) (Journal of Big Data, 2019).
# - The Keras guide [Transfer learning & fine-tuning](https://keras.io/guides/transfer_learning/): freezing layers, a new head, and fine-tuning with a low learning rate in a framework.

# %% [markdown] tags=["navigation"]
# [← 10 Training a CNN live](10_training.ipynb) · [Contents](../README.md#notebooks) · [12 What the network looks at →](12_what_the_network_looks_at.ipynb)
