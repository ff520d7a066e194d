# %% [markdown]
# # 08 A full CNN forward pass
# Follow one image through a small trained network, layer by layer, from pixels to the probability of each shape; check every shape against the summary table, measure the accuracy on images it has never seen, and try a picture of your own.

# %% [markdown] tags=["navigation"]
# [← 07 Parameters: dense vs convolutional](07_parameters_dense_vs_conv.ipynb) · [Contents](../README.md#notebooks) · [09 Backpropagation through convolution and pooling →](09_backpropagation.ipynb)

# %% [markdown]
# ## What you will learn
#
# - How the pieces of the earlier notebooks (convolution over volumes, ReLU, pooling, flattening, a dense layer) chain into a working image classifier, and what softmax adds at the very end.
# - What each layer makes of one image: its output maps, their shape, and how many parameters the layer learns.
# - How to read a network's summary table, and how to check it against the shapes you see while stepping through.
# - That a forward pass is nothing but the functions you already know, applied one after another: you will redo it by hand and get the same numbers.
# - How well the network does on fresh images, where it goes wrong, whether its confidence can be trusted, and why it answers confidently even for a picture it was never meant to see.

# %%
import io

import numpy as np
import matplotlib.pyplot as plt
from PIL import Image, ImageDraw

import cnnviz
from cnnviz.datasets import CLASS_NAMES, make_shapes
from cnnviz.images import sample_path
from cnnviz.pretrained import INPUT_SHAPE, WEIGHTS_PATH, shapes_cnn, training_record
from cnnviz.calibration import calibration_bins, expected_calibration_error
from cnnviz.explorers.forward import forward_explorer
from cnnviz.lessons.forward import demo_samples, forward_pass, percent, read_picture
from cnnviz.exercises import nb08

plt.rcParams.update({"figure.dpi": 80, "figure.figsize": (8, 3)})

# %% [markdown]
# ## 1. The task: four shapes, drawn by cnnviz
#
# A classifier needs a task. Ours is small enough to train on a laptop CPU in seconds to minutes (the record in section 2 says how long it took), yet not trivial: tell apart **circles, squares, triangles and crosses** in 28x28 grey images (the size of the classic MNIST digits).
#
# Nothing is downloaded. `cnnviz.datasets.make_shapes` draws every image itself with Pillow: a light outline on a dark background, with a random size, position, rotation, stroke width and brightness, plus some noise. So the network cannot get away with memorising a few fixed pixels; it has to learn what makes a shape a triangle. Everything follows from one seed, so the same seed gives the same images on every machine.
#
# The explorer below uses a fixed set of 64 of them.

# %%
images, labels, class_names = demo_samples()          # make_shapes(64, seed=8)
print("images:", images.shape, images.dtype, f"values from {images.min():.0f} to {images.max():.0f}")
print("labels:", labels[:12], "...")
print("classes:", class_names)
print("images per class:", np.bincount(labels))

fig, axes = plt.subplots(2, 8, figsize=(10, 3))
for k, ax in enumerate(axes.flat):
    ax.imshow(images[k, 0], cmap="gray", vmin=0, vmax=1)
    ax.set_title(f"{k}: {class_names[labels[k]]}", fontsize=9)
    ax.axis("off")
plt.show()

# %% [markdown]
# Each image has shape `(1, 28, 28)`: one channel, channels first, as every cnnviz layer expects. A stack of them is a batch `(N, 1, 28, 28)`. The label is a number from 0 to 3, an index into `CLASS_NAMES`.

# %% [markdown]
# ## 2. The network, and where its weights come from
#
# The network has the classic layout of a small CNN:
#
# conv 3x3 (8 filters) → ReLU → max pool 2x2 → conv 3x3 (16 filters) → ReLU → max pool 2x2 → flatten → dense (4) → softmax
#
# `shapes_cnn()` builds it with the trained weights that ship with cnnviz, in a small file next to the code.

# %%
net = shapes_cnn()
print(net)
print(f"weights: {WEIGHTS_PATH.name}, {WEIGHTS_PATH.stat().st_size / 1000:.1f} KB")

# %% [markdown]
# The weights were not written by hand: they were **learned**, by the command `python -m cnnviz.train`. Training started from random weights and nudged them, a small batch of images at a time, to make the network's answers on labelled examples more often right; here we only use the result. The training run left a record of how it was done:

# %%
record = training_record()
print(f"training data:   {record['train_data']}  ({record['train_size']:,} images)")
print(f"seed:            {record['seed']}")
print(f"epochs:          {record['epochs']} (passes over the training data), batches of {record['batch_size']}")
print(f"optimiser:       {record['optimizer']}")
print(f"loss:            {record['loss']}")
print(f"loss per epoch:  {record['epoch_loss']}")
print(f"training time:   about {record['train_seconds']:.0f} s on {record['cpu_count']} CPU cores")
calibration = record["calibration"]
print(f"calibration:     temperature T = {calibration['temperature']:.2f}, fitted on {calibration['fit_on']}")
held = record["held_out"]
print(f"held-out images: {held['size']:,} from make_shapes(seed={held['seed']}): accuracy {held['accuracy']:.1%}, "
      f"calibration error {held['ece_15_bins']:.3f} (before the temperature {held['ece_15_bins_before_calibration']:.3f})")

# %% [markdown]
# Because every random choice (the images, the starting weights, the order of the batches) comes from that seed, running the same command again gives the same weights. The **held-out** images were never used for training: they measure how the network does on shapes it has not seen, which is what matters. Section 7 checks the accuracy on another fresh set, and section 8 explains the *calibration error* and the *temperature*: how far the network's confidence can be trusted.
#
# Two choices in the record are there for that confidence. **Label smoothing** trains the network towards 98.5% for the right class (and 0.5% for each other) instead of 100%, so it never needs ever larger scores to become "more sure". Afterwards one number, the **temperature** `T`, was fitted on another 1,000 images: the final scores are divided by `T` before the softmax (folded into the dense layer's weights), which keeps every prediction and only tunes how sure they sound. Here `T` came out below 1, which sharpens: trained towards 98.5%, the network had become less sure of itself than it deserved (it is right more often than that), and the calibration error printed "before the temperature" is the larger one.

# %% [markdown]
# ## 3. The summary table
#
# Notebook 07 read summary tables of famous networks. Here is this one's, for a single `(1, 28, 28)` input (shapes never include the batch axis):

# %%
summary = net.summary(INPUT_SHAPE)
print(summary)

# %% [markdown]
# Every row follows from what you already know:
#
# - **Conv2d-1**: 8 filters of 3x3 on 1 channel. `padding=1` keeps the size at 28x28 (notebook 04), so the output is `(8, 28, 28)`. Parameters: 8 x (1 x 3 x 3 + 1) = 80.
# - **ReLU-2**: the same shape, nothing to learn.
# - **MaxPool2d-3**: 2x2 windows halve height and width: `(8, 14, 14)`, nothing to learn (notebook 06).
# - **Conv2d-4**: 16 filters, each 3x3 over all 8 input channels (notebook 05): `(16, 14, 14)`, and 16 x (8 x 3 x 3 + 1) = 1,168 parameters.
# - **ReLU-5** and **MaxPool2d-6**: `(16, 7, 7)`.
# - **Flatten-7**: 16 x 7 x 7 = 784 numbers in a row.
# - **Dense-8**: one weight from each of the 784 numbers to each of the 4 classes, plus 4 biases: 3,140 parameters, almost three quarters of the whole network.
# - **Softmax-9**: turns the 4 scores into 4 probabilities.

# %%
print("parameters by formula:", [cnnviz.conv2d_params(1, 8, 3), cnnviz.conv2d_params(8, 16, 3),
                                 cnnviz.dense_params(16 * 7 * 7, 4)], "total", summary.total_params)

# %% [markdown]
# ## 4. A forward pass by hand
#
# A **forward pass** runs an input through the layers in order, each layer's output becoming the next one's input. `net.forward(x, return_all=True)` does it and keeps every layer's output. To see that there is no magic inside, do the same pass by hand with the functions of the earlier notebooks, using the network's own weights:

# %%
x = images[0]                                          # one image, shape (1, 28, 28)
conv1, relu1, pool1, conv2, relu2, pool2, flatten, dense, softmax_layer = net.layers

z1 = cnnviz.conv2d(x, conv1.weight, conv1.bias, padding=1)    # 8 filters
a1 = np.maximum(z1, 0)                                          # ReLU
p1 = cnnviz.max_pool2d(a1, 2)
z2 = cnnviz.conv2d(p1, conv2.weight, conv2.bias, padding=1)   # 16 filters over 8 channels
a2 = np.maximum(z2, 0)
p2 = cnnviz.max_pool2d(a2, 2)
flat = p2.reshape(-1)                                           # channel by channel, row by row
scores = dense.weight @ flat + dense.bias                       # one score per class
probs = cnnviz.softmax(scores)

by_hand = [z1, a1, p1, z2, a2, p2, flat, scores, probs]
for name, out in zip(net.layer_names(), by_hand):
    print(f"{name:12s} {str(out.shape):14s} min {out.min() + 0.0:7.2f}  max {out.max() + 0.0:7.2f}")

# %% [markdown]
# The same numbers come out of the network, and the shapes are exactly those of the summary table:

# %%
outputs = net.forward(x, return_all=True)
for mine, theirs in zip(by_hand, outputs):
    np.testing.assert_allclose(mine, theirs, rtol=1e-5, atol=1e-5)
assert [out.shape for out in outputs] == [row.output_shape for row in summary.rows]
print("probabilities:", {name: percent(p) for name, p in zip(CLASS_NAMES, probs)}, " sum", round(float(probs.sum()), 4))
print("prediction:", CLASS_NAMES[int(np.argmax(probs))], "   true class:", CLASS_NAMES[labels[0]])

# %% [markdown]
# The last three steps deserve a word, because they are new:
#
# - **Flatten** changes no value, only the shape: the 16 maps of 7x7 are laid end to end, map 0 first, each row by row. From here on, position is no longer a separate axis: the dense layer has one weight for "map 3, row 2, column 5", another for the pixel next to it.
# - **Dense** computes one score per class: a weighted sum of all 784 numbers plus a bias. These raw scores are often called **logits**. A large score means "the evidence for this class is strong".
# - **Softmax** turns scores into probabilities: `p_k = exp(z_k) / sum_j exp(z_j)`. Each is between 0 and 1 and together they add up to 1. The largest score gets the largest probability; softmax keeps the order, and the prediction is simply the class with the largest value.

# %% [markdown]
# ## 5. Step through the pass
#
# The explorer shows the same pass as pictures. On the left is the input; in the middle the output of the layer you pick with the **layer** slider, with its shape and parameter count; on the right the class probabilities, which stay in view whatever the layer. The text under the figure explains the layer and lists the numbers. (Without a running kernel, for example on GitHub, you see instead every layer at once for two samples, a square and a triangle, with each first-layer kernel beside the map it makes.)
#
# Colours follow the rule of notebooks 02 to 04: a convolution's output can be negative, so it uses a diverging map centred on zero (red positive, blue negative, white zero), with a colour bar. (Notebook 05 used purple and orange instead, because there red and blue meant colour channels; these maps are grey, so red and blue are free again.) After a ReLU everything is zero or more, so grey is enough: black is 0. All maps of one layer share one colour scale, so you can compare them.
#
# Things to try:
#
# - Step from layer 1 to layer 2: every negative (blue) value becomes 0, drawn black. That is all a ReLU does.
# - Layer 3: the same maps at half the size, a little blockier.
# - Layer 4: sixteen maps, each mixing all eight maps of layer 3. Some light up along particular sides or curves of the outline, some barely respond to this image at all. Try a triangle and a cross and compare.
# - Layer 7: the 784 numbers of the flattened vector, drawn as 16 rows of 49, one row per map.
# - Layers 8 and 9: the four scores, then the four probabilities.
# - Move the **sample** slider and watch the probabilities. The cell below lists the samples the network gets wrong, and the ones it is least sure about: look at them. Is the doubt understandable?
# - Move the **softmax temperature**: the final scores are divided by it before the softmax. Above 1 the probabilities flatten towards 25% each; below 1 they sharpen towards 100% for the winner. The winner never changes, only how sure it sounds, which is why one fitted number can calibrate the network. Try it on the least sure sample.

# %%
sample_probs = net.forward(images)
predictions = sample_probs.argmax(axis=1)
wrong = np.flatnonzero(predictions != labels)
print(f"right on {np.sum(predictions == labels)} of these 64 samples; wrong on samples {wrong.tolist()}")
for k in wrong:
    print(f"  sample {k}: a {CLASS_NAMES[labels[k]]}, predicted {CLASS_NAMES[predictions[k]]}")
print("least sure:")
for k in np.argsort(sample_probs.max(axis=1))[:3]:
    print(f"  sample {k}: a {CLASS_NAMES[labels[k]]}, predicted {CLASS_NAMES[predictions[k]]} "
          f"({percent(sample_probs[k].max())} sure)")

# %% tags=["nbval-ignore-output"]
forward_explorer(net, images, labels, sample=3, filmstrip=(3, 6))     # sample 3 is a square, 6 a triangle


# %% [markdown]
# ## 6. Your own picture
#
# Click **upload** in the explorer above and choose an image file (PNG, JPEG, ...). It is read with Pillow by `cnnviz.images.load_image`: colour becomes grey and the picture is squeezed to 28x28 pixels, whatever its size, so draw in a square and fill most of it. The explorer switches to **your picture** at once; **a sample** takes you back.
#
# The network only knows what it was trained on: a **light outline on a dark background**. Most drawings are the opposite, a dark line on white paper. So when a picture is mostly bright (its mean above 0.5), the explorer inverts it, `1 - value`, and says so on the figure; untick *invert bright pictures* to see what happens without. A file that is not a picture gets a message instead of a result.
#
# Here is what happens to an upload, done in code: a circle drawn with Pillow the way you might draw it in a paint program, black on white, 200x200 pixels. The bytes of its PNG file are exactly what the upload button hands over.

# %%
def png_bytes(draw_on, size=200):
    """A black drawing on a white square, as the bytes of a PNG file."""
    paper = Image.new("L", (size, size), 255)
    draw_on(ImageDraw.Draw(paper))
    buffer = io.BytesIO()
    paper.save(buffer, format="PNG")
    return buffer.getvalue()

drawing = png_bytes(lambda d: d.ellipse((40, 40, 160, 160), outline=0, width=14))
small = read_picture(drawing)                     # load_image(bytes, grey=True, size=28)
state = forward_pass(net, small, layer=9)         # the explorer's own computation
print("28x28 picture, mean brightness", round(float(small.mean()), 2), "-> inverted:", state.inverted)
print("prediction:", state.prediction, f"({percent(state.probabilities.max())} sure)")

original = np.asarray(Image.open(io.BytesIO(drawing))) / 255
fig, axes = plt.subplots(1, 3, figsize=(7, 2.6))
panels = [(original, "the drawing, 200x200"), (small, "squeezed to 28x28"),
          (state.image, "inverted: what the network sees")]
for ax, (picture, title) in zip(axes, panels):
    ax.imshow(picture, cmap="gray", vmin=0, vmax=1)
    ax.set_title(title, fontsize=10)
    ax.axis("off")
plt.show()

# %% [markdown]
# Now two pictures the network was never meant to see: a *filled* disc, and the cat from notebook 01.

# %%
disc = read_picture(png_bytes(lambda d: d.ellipse((40, 40, 160, 160), fill=0)))
cat = read_picture(sample_path("chelsea").read_bytes())
strangers = {name: forward_pass(net, picture, layer=9) for name, picture in [("filled disc", disc), ("cat", cat)]}
for name, s in strangers.items():
    print(f"{name:12s} inverted: {str(s.inverted):5s}  prediction: {s.prediction} ({percent(s.probabilities.max())} sure)")

# %% [markdown]
# A confident answer, both times, for pictures that are none of the four shapes. The network has four possible answers and softmax always shares out 100% among them: there is no "none of these". A high probability means the scores for one class beat the others by a wide margin, not that the picture looks like anything the network has seen. Keep this in mind whenever a classifier sounds sure of itself.

# %% [markdown]
# ## 7. How good is it on fresh shapes?
#
# 64 samples are too few to measure accuracy: one mistake more or less moves it by more than a point and a half. A fair test uses many images the network never saw, neither in training nor while fitting its temperature. The record says which seeds are taken; the next one gives 1,000 new images.

# %%
used = [record["seed"], held["seed"], int(calibration["fit_on"].split("seed=")[1].rstrip(")"))]
fresh_seed = max(used) + 1
print(f"seeds used: training {used[0]}, held-out {used[1]}, temperature {used[2]}; fresh images from seed {fresh_seed}")
test_images, test_labels, _ = make_shapes(1000, seed=fresh_seed)
test_probs = net.forward(test_images)                   # (1000, 4): one row per image
test_pred = test_probs.argmax(axis=1)
print(f"accuracy on 1,000 fresh shapes: {np.mean(test_pred == test_labels):.1%}")

confusion = np.zeros((4, 4), dtype=int)                 # rows: true class, columns: predicted
np.add.at(confusion, (test_labels, test_pred), 1)
print("\nconfusion matrix (rows: true class, columns: predicted)")
print(" " * 9 + "".join(f"{name:>9s}" for name in CLASS_NAMES))
for name, row in zip(CLASS_NAMES, confusion):
    print(f"{name:>9s}" + "".join(f"{n:9d}" for n in row))

# %% [markdown]
# The diagonal of the confusion matrix counts the right answers; everything off it is a mistake, and tells you which classes get mixed up. Here are the misclassified images:

# %%
missed = np.flatnonzero(test_pred != test_labels)
print(f"{len(missed)} of 1,000 misclassified: images {missed.tolist()}")
fig, axes = plt.subplots(1, len(missed), figsize=(2 * len(missed), 2.6), squeeze=False)
for ax, k in zip(axes[0], missed):
    ax.imshow(test_images[k, 0], cmap="gray", vmin=0, vmax=1)
    ax.set_title(f"{CLASS_NAMES[test_labels[k]]}\nseen as {CLASS_NAMES[test_pred[k]]} "
                 f"({percent(test_probs[k].max(), 0)})", fontsize=9)
    ax.axis("off")
plt.show()

# %% [markdown]
# Look at each one: would you have hesitated? At 28x28 a corner covers a pixel or two, and the noise can hide it; some mistakes are easy to understand, others are not. Is the network less sure of itself on them than on the images it gets right?

# %%
confidence = test_probs.max(axis=1)
right_conf, wrong_conf = confidence[test_pred == test_labels], confidence[missed]
print(f"median confidence when right: {percent(np.median(right_conf))}, when wrong: {percent(np.median(wrong_conf))}")

# %% [markdown]
# ## 8. Can its confidence be trusted?
#
# A network that says "90% sure" should be right about 9 times in 10 when it says so. To check, sort the 1,000 answers by their confidence (the largest probability) into 15 equal bins, 0 to 6.7%, 6.7% to 13.3%, ..., 93.3% to 100%, and compare in each bin the fraction that is right with the mean confidence. The **expected calibration error** (ECE) averages the gaps, each bin weighted by its share of the answers: 0 means the confidence can be taken at its word.

# %%
counts, bin_accuracy, bin_confidence = calibration_bins(test_probs, test_labels, n_bins=15)
print("confidence bin   answers   right   mean confidence")
for b in np.flatnonzero(counts):
    print(f"{100 * b / 15:5.1f}-{100 * (b + 1) / 15:5.1f}%   {counts[b]:7d}   {bin_accuracy[b]:6.1%}   {bin_confidence[b]:10.1%}")
ece = expected_calibration_error(test_probs, test_labels, n_bins=15)
print(f"expected calibration error: {ece:.3f}")

# %% [markdown]
# Most answers land in the top bin, where the network is right about as often as it is sure. The few in the lower bins are the hard images. There are too few of them for each bin's fraction right to mean much (a bin of 4 answers can only be 0, 25, 50, 75 or 100% right), but taken together they are right less often than the answers of the top bin, as their lower confidence says. Confidence like this is useful: an answer at 60% deserves a second look, one above 99.9% rarely does. But it is calibrated only on images like those it was trained on: the filled disc and the cat above were answered with confidence all the same.

# %% [markdown]
# ## Summary
#
# - A CNN classifier is a chain of layers you already know: conv → ReLU → pool, twice, then flatten → dense → softmax. A forward pass applies them in order; redoing it by hand with `cnnviz.conv2d`, `np.maximum`, `cnnviz.max_pool2d`, a reshape, a matrix product and `cnnviz.softmax` gives the same numbers as `net.forward`.
# - For a `(1, 28, 28)` input the shapes go `(8, 28, 28)` → `(8, 14, 14)` → `(16, 14, 14)` → `(16, 7, 7)` → `(784,)` → `(4,)`, exactly as the summary table says. The network has 4,388 parameters: 80 in the first conv layer, 1,168 in the second, 3,140 in the dense layer.
# - Conv outputs are signed and shown with a diverging colour map; after a ReLU they are zero or more. Pooling halves the maps; flatten only changes the shape.
# - The dense layer gives one score (logit) per class; softmax turns the scores into probabilities that add up to 1, and the prediction is the largest.
# - The weights were learned by `python -m cnnviz.train` (seed 0, 20,000 images, 3 epochs, label smoothing and a fitted temperature) and reach about 99% accuracy on fresh shapes. The expected calibration error measures whether confidence matches accuracy; the temperature divides the scores before the softmax, changing how sure the network sounds but never its answer.
# - Confidence is not understanding: a filled disc or a cat still gets a confident answer.

# %% [markdown]
# ## Exercises
#
# Replace each `...` with your answer and run the cell. The check tells you if you are right, and if not, what it expected.
#
# **1.** Suppose the same layers got bigger grey images, `(1, 36, 36)` instead of `(1, 28, 28)`. How many numbers would `Flatten-7` pass on? Work it out from what each layer does to the size (you can check with `net.summary`, leaving out the last two layers, whose weights fit 28x28 only).

# %%
answer = ...
nb08.flatten_length(answer)

# %% [markdown]
# **2.** For those 36x36 images the dense layer would need one weight per flattened number and class, plus a bias per class. How many parameters would `Dense-8` have then?

# %%
answer = ...
nb08.dense_params(answer)


# %% [markdown]
# **3.** Write the softmax with a temperature, as the explorer's slider uses it: `tempered(scores, t)` returns the probabilities `exp(z_k / t) / sum_j exp(z_j / t)` for a 1-D array of scores. The check compares it with `cnnviz.softmax(scores / t)` on four cases.

# %%
def tempered(scores, t):
    ...  # your code here

nb08.tempered_softmax(tempered)

# %% [markdown]
# <details><summary>Solutions</summary>
#
# 1. 1,296: `padding=1` keeps 36x36 through each convolution, the two poolings take 36 to 18 to 9, and there are 16 channels: 16 x 9 x 9. Check: `cnnviz.Sequential(net.layers[:7]).output_shapes((1, 36, 36))[-1]`.
# 2. 4 x 1,296 weights + 4 biases = 5,188 (`cnnviz.dense_params(1296, 4)`), against 3,140 for 28x28: the dense layer grows with the image, the convolutions do not.
# 3. `z = np.asarray(scores) / t`, then `e = np.exp(z - z.max())` and `return e / e.sum()` (subtracting the largest keeps `exp` from overflowing and changes nothing).
# </details>

# %% [markdown]
# ## Further reading
#
# - CS231n, [Convolutional Networks](https://cs231n.github.io/convolutional-networks/): the section on layer patterns describes exactly this INPUT → [CONV → RELU → POOL] x 2 → FC layout, and why it works.
# - Zijie J. Wang et al., [CNN Explainer](https://poloclub.github.io/cnn-explainer/): an interactive forward pass through a small CNN in the browser, with the same layers as here on colour images.
# - The PyTorch tutorial [Training a Classifier](https://pytorch.org/tutorials/beginner/blitz/cifar10_tutorial.html) builds a network with the same layout for CIFAR-10 photos; its `forward` method is our section 4 in PyTorch.
# - Chuan Guo et al., [On Calibration of Modern Neural Networks](https://arxiv.org/abs/1706.04599): how far a network's confidence can be from its real chance of being right.

# %% [markdown] tags=["navigation"]
# [← 07 Parameters: dense vs convolutional](07_parameters_dense_vs_conv.ipynb) · [Contents](../README.md#notebooks) · [09 Backpropagation through convolution and pooling →](09_backpropagation.ipynb)
