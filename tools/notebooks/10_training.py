# %% [markdown]
# # 10 Training a CNN live
# Train the shapes CNN yourself, in numpy, while you watch: start, pause and reset the run, change the optimiser and the learning rate, see the loss fall and the first layer's kernels change; then measure why convolution beats a dense network, what overfitting looks like, and draw shapes for your own network to read.

# %% [markdown] tags=["navigation"]
# [← 09 Backpropagation through convolution and pooling](09_backpropagation.ipynb) · [Contents](../README.md#notebooks) · [11 Data augmentation and transfer learning →](11_augmentation_and_transfer.ipynb)

# %% [markdown]
# ## What you will learn
#
# - What one training step is: forward a small batch of images, measure the loss, backpropagate its gradient, and nudge every weight against it.
# - How plain SGD, SGD with momentum and Adam turn a gradient into a step, and how their loss curves differ from the same start.
# - How to steer a live training run, and what the first layer's kernels look like before and after.
# - Why a convolutional network beats a dense one with as many weights, measured, including on shapes moved toward the corners of the picture.
# - What overfitting looks like (a small training set learned by heart), and what a learning rate that is too small or too large does.
# - How to read the trained network's mistakes: a confusion matrix, the images it gets wrong, and shapes you draw yourself.

# %%
import numpy as np
import matplotlib.pyplot as plt

import cnnviz
from cnnviz.datasets import CLASS_NAMES
from cnnviz.optim import SGD
from cnnviz.pretrained import shapes_cnn
from cnnviz.training import evaluate, predict
from cnnviz.lessons import training as lesson
from cnnviz.explorers.forward import demo_samples
from cnnviz.explorers.training import training_panel
from cnnviz.explorers.drawing import drawing_explorer, forward_explorer
from cnnviz.exercises import nb10

plt.rcParams.update({"figure.dpi": 80, "figure.figsize": (8, 3)})

# %% [markdown]
# ## 1. One training step
#
# Notebook 08 loaded weights that someone else had trained. Here we start from random weights. The data is the same kind of picture: `make_shapes` draws circles, squares, triangles and crosses, each with a label. We keep two sets apart: images to **train** on, and **held-out** images, drawn from another seed, that training never sees. Only the held-out images tell us whether the network has learned shapes or just memorised its examples.

# %%
x, y, x_test, y_test = lesson.data(8000, 300)
print("training images:", x.shape, " held-out images:", x_test.shape)
print("per class in training:", dict(zip(CLASS_NAMES, np.bincount(y).tolist())))

# %% [markdown]
# One **training step** is four lines:
#
# 1. forward a minibatch of images through the network and get one score (logit) per class;
# 2. the **cross-entropy loss** turns the scores into probabilities with softmax and takes `-log` of the probability of the true class, averaged over the batch. It is small when the network is confident and right;
# 3. backward: the gradient of the loss with respect to every weight (the backward passes of conv, ReLU, pooling and dense, chained);
# 4. the optimiser moves each weight a little against its gradient.
#
# The network ends with a softmax layer, but training feeds the loss the logits before it: the loss applies a numerically safe log-softmax itself, and the gradient comes out simply as `probabilities - one_hot(label)`.

# %%
net = shapes_cnn(pretrained=False).initialize(0)     # the architecture of notebook 08, random weights
logits_part = cnnviz.Sequential(net.layers[:-1])     # everything but the final Softmax
loss_fn = cnnviz.CrossEntropyLoss()
opt = SGD(net.parameters(), lr=0.05, momentum=0.9)

batch = np.arange(32)                                # the first 32 training images
for step in range(5):
    loss = loss_fn.forward(logits_part.forward(x[batch]), y[batch])   # 1, 2
    logits_part.backward(loss_fn.backward())                          # 3
    opt.step(logits_part.grads)                                       # 4
    print(f"step {step + 1}: loss on this batch {loss:.2f}")

# %% [markdown]
# A network that knew nothing and said so would give every class a quarter, for a loss of `-log(1/4)`, printed below. Random weights start in that region, a little above it: they spread the probabilities over the four classes, but unevenly, and are somewhat sure of wrong answers. Each step lowers the loss on this one batch; real training takes each step on a fresh batch, so the loss measures how well the network does on images it has not just been fitted to.

# %%
print(f"-log(1/4) = {-np.log(0.25):.2f}")

# %% [markdown]
# ### Three optimisers
#
# The optimiser decides how a gradient `g` becomes a step (`lr` is the learning rate):
#
# - **SGD**: `w = w - lr g`. Simple, but slow along directions where the gradient is small, and it zig-zags where the loss curves steeply.
# - **SGD with momentum**: a velocity remembers past steps, `v = mu v - lr g`, then `w = w + v` (with `mu` about 0.9). Steps that agree add up; steps that alternate cancel.
# - **Adam**: keeps running averages of `g` and `g**2` for every weight and steps by `lr * mean / sqrt(mean square)`: roughly `lr` per step whatever the scale of the gradient, so one learning rate suits weights whose gradients differ a lot in size.
#
# `cnnviz.optim.SGD` and `cnnviz.optim.Adam` implement them; the tests check them against PyTorch's.

# %% [markdown]
# ## 2. A training run you can steer
#
# The panel below trains the same network on the 8,000 training images, 32 at a time. The cell trains a fixed, seeded run right away, so running the notebook from top to bottom always gives the same network. Afterwards the buttons are yours:
#
# - **Start** trains on in the background; the notebook stays usable while it runs. **Pause** stops it, **Reset** goes back to the random starting weights.
# - The optimiser, learning rate and batch size apply from the next step, even while it trains.
# - Left: the loss of every step (grey), its running mean (blue), and the accuracy on the held-out images (orange), measured at every redraw.
# - Right: the eight 3x3 kernels of the first convolution layer, each above its feature map on one held-out image. Watch them turn from noise into edge and line detectors.

# %% tags=["nbval-ignore-output"]
panel = training_panel(x, y, x_test, y_test, steps=600)
panel.show()
panel.run()

# %%
trainer = panel.trainer
print(f"after {trainer.step} steps ({trainer.epoch} passes over the data): "
      f"held-out accuracy {evaluate(trainer.model, x_test, y_test):.0%}")

# %% [markdown]
# Try it: press **Reset**, pick plain **SGD** with learning rate 0.01, press **Start**, and compare the curve with Adam's. Then try a learning rate of 3 and see what happens to the loss.
#
# ## 3. What the network learned, and where it fails
#
# The network in the panel is now trained. `net` below is that network, a `cnnviz.Sequential` like the one notebook 08 loaded; every explorer takes it in place of the shipped one. (If you pressed the buttons, it is the network as you left it.)
#
# A **confusion matrix** counts, for every true class (row), what the network answered (column). The diagonal holds the right answers; everything else is a mistake, and where it sits says which shapes get confused.

# %%
net = trainer.model
predicted = predict(net, x_test)
counts = lesson.confusion_matrix(predicted, y_test)
print(f"right on {np.trace(counts) / counts.sum():.0%} of the held-out images")

fig, ax = plt.subplots(figsize=(4, 3.4))
ax.imshow(counts, cmap="Blues")
for i in range(4):
    for j in range(4):
        ax.text(j, i, counts[i, j], ha="center", va="center",
                color="white" if counts[i, j] > counts.max() / 2 else "black")
ax.set_xticks(range(4), CLASS_NAMES)
ax.set_yticks(range(4), CLASS_NAMES)
ax.set_xlabel("the network said")
ax.set_ylabel("true shape")
plt.show()

# %% [markdown]
# And the mistakes themselves, the most confident first, with the probability the network gave its wrong answer:

# %%
wrong, probs = lesson.mistakes(net, x_test, y_test, limit=8)
fig, axes = plt.subplots(1, 8, figsize=(10, 1.9))
for ax in axes:
    ax.set_axis_off()
for ax, i, p in zip(axes, wrong, probs):
    ax.imshow(x_test[i, 0], cmap="gray", vmin=0, vmax=1)
    ax.set_title(f"{CLASS_NAMES[y_test[i]]}\nsaid {CLASS_NAMES[p.argmax()]} {p.max():.0%}",
                 fontsize=8)
plt.show()

ink = (x_test > 0.5).sum(axis=(1, 2, 3))            # bright pixels per image: how big the shape is
all_wrong = predicted != y_test
print("the mistakes have", "less" if ink[all_wrong].mean() < ink[~all_wrong].mean() else "more",
      "ink on average than the images it gets right")

# %% [markdown]
# Look at what they have in common. Many are small shapes, only a few pixels across, where a corner and a curve differ by a pixel or two and the noise is as strong as the outline; on average the images it gets wrong have less ink than the rest (printed below). Your own network goes through notebook 08's forward-pass explorer the same way the shipped one did: step through its layers, and see what its first layer, the kernels you watched forming, makes of each image.

# %% tags=["nbval-ignore-output"]
samples, sample_labels, _ = demo_samples()
forward_explorer(net, samples, sample_labels)

# %% [markdown]
# ## 4. Why convolution: a dense network with as many weights
#
# Is the convolution doing anything a plain dense network (a multi-layer perceptron, **MLP**) could not? Here is an MLP for the same 28x28 images: flatten the 784 pixels, one hidden dense layer of 6 units with ReLU, then 4 scores. It has at least as many weights as the CNN:

# %%
mlp = lesson.dense_twin(6)
print(f"CNN: {net.summary((1, 28, 28)).total_params:,} parameters")
print(f"MLP: {mlp.summary((1, 28, 28)).total_params:,} parameters")

# %% [markdown]
# We train it exactly as the panel trained the CNN: the same images, the same optimiser and learning rate, the same batch size and number of steps. Then both face two tests: the usual held-out images, and shapes pushed toward the corners of the picture (top left or bottom right). Those are a translation test: `make_shapes` puts shapes anywhere inside the picture, but few this close to a corner.

# %%
mlp_trainer = lesson.Trainer(mlp, x, y, x_test, y_test, optimiser="Adam", lr=0.01, batch_size=32, seed=0)
mlp_trainer.run(trainer.step)

x_corner, y_corner = lesson.corner_shapes(500)
results = {}
for name, model in (("CNN", net), ("MLP", mlp)):
    results[name] = (evaluate(model, x_test, y_test), evaluate(model, x_corner, y_corner))
    print(f"{name}: held-out {results[name][0]:.0%}, shapes in the corners {results[name][1]:.0%}")

# %%
fig, axes = plt.subplots(1, 6, figsize=(8, 1.6))
for ax, image in zip(axes, x_corner[[0, 1, 2, 250, 251, 252]]):
    ax.imshow(image[0], cmap="gray", vmin=0, vmax=1)
    ax.set_axis_off()
fig.suptitle("shapes in the corners", fontsize=10)
plt.show()

# %%
drop = {name: held - corner for name, (held, corner) in results.items()}
better = "CNN" if results["CNN"][0] > results["MLP"][0] else "MLP"
print(f"on the usual held-out images the {better} is better")
kept = "CNN" if drop["CNN"] < drop["MLP"] else "MLP"
print(f"moving the shapes to the corners costs the CNN {drop['CNN']:.0%} and the MLP {drop['MLP']:.0%}: "
      f"the {kept} keeps more of its accuracy")


# %% [markdown]
# Read the numbers above, whichever way they went. With as many weights, the MLP has to spend them differently: each of its hidden units holds one weight per *pixel*, a template at one place in the picture, while each CNN kernel is nine weights used at *every* place. A CNN that has learned "a corner" finds it wherever it is; an MLP has to learn the corner again at each position it has seen, and has nothing for the positions it has not. Pooling and the final dense layer still tie the CNN to positions in part, which is why it can lose accuracy in the corners too (notebook 06 measured how little of a map survives a one-pixel shift).
#
# ## 5. Overfitting: 100 images against 2,000
#
# A network with thousands of weights can learn 100 images by heart. Below, the same CNN trains twice for the same number of steps: once on only 100 training images (each seen many times), once on 2,000. Every 25 steps we measure the accuracy on the images it trains on and on the held-out ones.

# %%
def accuracy_curves(n_train, steps=300, every=25):
    run = lesson.Trainer(None, x[:n_train], y[:n_train], x_test, y_test, optimiser="Adam",
                         lr=0.01, batch_size=32, seed=0)
    curve = []
    while run.step < steps:
        run.run(every)
        curve.append((run.step, evaluate(run.model, x[:n_train], y[:n_train]),
                      evaluate(run.model, x_test, y_test)))
    return np.array(curve)

curves = {n: accuracy_curves(n) for n in (100, 2000)}
for n, curve in curves.items():
    train_acc, held_acc = curve[-1, 1], curve[-1, 2]
    gap = "more than 20 points" if train_acc - held_acc > 0.2 else (
        "within 10 points" if abs(train_acc - held_acc) <= 0.1 else "10 to 20 points")
    print(f"{n:>5} training images: training accuracy {'100%' if train_acc == 1 else 'below 100%'}, "
          f"held-out accuracy {gap} {'lower' if gap.startswith('more') else 'of it'}")

# %%
fig, axes = plt.subplots(1, 2, figsize=(9, 3), sharey=True)
for ax, (n, curve) in zip(axes, curves.items()):
    ax.plot(curve[:, 0], curve[:, 1], "o-", ms=3, label="training images")
    ax.plot(curve[:, 0], curve[:, 2], "o-", ms=3, label="held-out images")
    ax.set_title(f"{n} training images")
    ax.set_xlabel("step")
axes[0].set_ylabel("accuracy")
axes[0].legend()
plt.show()

# %% [markdown]
# With 100 images the training accuracy climbs to the top while the held-out accuracy stalls well below it (the plot shows by how much, the printout says it in round terms, the same on any computer): the network has learned these hundred pictures, noise and all, rather than what makes a square a square. That gap between the two curves is **overfitting**. With 2,000 images the two curves stay close: there are too many examples to memorise, so the only way to get them right is to learn the shapes. More data is the most reliable cure; notebook 06's pooling and the weight sharing of section 4 help too, because they leave the network fewer ways to memorise.
#
# ## 6. Optimisers from the same start
#
# Three runs, each from the same random weights and seeing the same minibatches of 2,000 images, one per optimiser, with a learning rate that suits it:

# %%
settings = [("SGD", 0.05), ("SGD + momentum", 0.05), ("Adam", 0.003)]
curves = lesson.loss_curves(settings, x[:2000], y[:2000], steps=150)

fig, ax = plt.subplots(figsize=(7, 3))
for (name, lr), run in curves.items():
    ax.plot(lesson.smoothed(run["losses"]), label=f"{name}, lr {lr:g}")
    print(f"{name:>15}, lr {lr:g}: loss {np.mean(run['losses'][-20:]):.2f} (mean of the last 20 steps)")
ax.set_xlabel("step")
ax.set_ylabel("loss (mean of 20 steps)")
ax.legend()
plt.show()

# %% [markdown]
# Plain SGD creeps; momentum, with the same learning rate, builds up speed along the directions the gradients agree on; Adam adapts the step of each weight to its own gradients. Which one ends lowest depends on the learning rates chosen; the printed losses are this run's.
#
# ## 7. The learning rate: too small, about right, too large
#
# The same network and data, SGD with momentum, three learning rates a hundred times apart:

# %%
settings = [("SGD + momentum", 0.0005), ("SGD + momentum", 0.05), ("SGD + momentum", 5.0)]
curves = lesson.loss_curves(settings, x[:2000], y[:2000], steps=150)

fig, ax = plt.subplots(figsize=(7, 3))
for (name, lr), run in curves.items():
    if run["diverged"] is not None:
        print(f"lr {lr:g}: the loss ran off at step {run['diverged']}; training stopped there")
        continue
    ax.plot(lesson.smoothed(run["losses"]), label=f"lr {lr:g}")
    print(f"lr {lr:g}: loss {np.mean(run['losses'][-20:]):.2f} after {len(run['losses'])} steps")
ax.set_xlabel("step")
ax.set_ylabel("loss (mean of 20 steps)")
ax.legend()
plt.show()

# %% [markdown]
# Too small a learning rate takes tiny steps: the loss barely moves. Too large a one overshoots: every step lands further up the other side of the valley, the weights grow, and the loss explodes into numbers that stop meaning anything. The training loop stops a run whose loss is no longer finite or is far above where it started, and says so, rather than plotting nonsense. In the panel of section 2, the same thing shows as a message.
#
# ## 8. Draw your own
#
# Draw a shape on the black square with the mouse (one stroke or several; **Clear** starts again). After each stroke your network reads the 28x28 picture on the left and shows its probabilities. The pad starts with a circle drawn from code. Try a cross drawn with wobbly lines, a square with a gap, a very small triangle in a corner, or something that is none of the four: the probabilities always add up to 1, so the network always answers. If you have no mouse, notebook 08's upload button takes a picture file, and the forward-pass explorer of section 3 has it too.

# %% tags=["nbval-ignore-output"]
drawing_explorer(net)


# %% [markdown]
# ## Summary
#
# - A training step forwards a minibatch, measures the cross-entropy on the logits, backpropagates and lets the optimiser update every weight. SGD steps by `-lr g`; momentum keeps a velocity `v = mu v - lr g` and steps by it; Adam scales each weight's step by its own gradient statistics.
# - A few seconds of training in numpy take the shapes CNN from random guessing to the held-out accuracy printed in section 2; the first layer's kernels go from noise to small edge and line detectors.
# - The confusion matrix and the gallery of mistakes show where a trained network fails; most failures are ambiguous pictures.
# - A dense network with at least as many weights as the CNN was trained the same way; section 4 printed how each did on held-out images and on shapes in the corners. Weight sharing gives the CNN the same detector at every position.
# - A hundred images are learned by heart (training accuracy at the top, held-out accuracy stalling): overfitting; two thousand are not.
# - Too small a learning rate crawls, too large a one diverges; a good one is in between, and depends on the optimiser.

# %% [markdown]
# ## Exercises
#
# Replace each `...` with your answer and run the cell. The check tells you if you are right, and if not, what it expected.
#
# **1.** Write one step of SGD with momentum: `momentum_step(w, v, g, lr, mu)` returns the new weights and the new velocity, `(new_w, new_v)`, for arrays `w`, `v`, `g`. Use the formula of section 1; the check compares it with `cnnviz.optim.SGD` on four cases.

# %%
def momentum_step(w, v, g, lr, mu):
    ...  # your code here

nb10.momentum_step(momentum_step)

# %% [markdown]
# **2.** An MLP for 28x28 grey images: `Flatten`, `Dense(784, 10)`, `ReLU`, `Dense(10, 4)`. How many parameters (weights and biases) does it learn? Work it out before you check with `summary`.

# %%
answer = ...
nb10.mlp_params(answer)

# %% [markdown]
# **3.** A loss with one weight: `L(w) = 2 (w - 3)^2`, starting at `w = 0`. Plain gradient descent, `w = w - lr * dL/dw`, takes 8 steps. Pick a learning rate that brings the loss below 0.05 in those 8 steps. (Work out what one step does to the distance `w - 3`; `nb10.descend(lr)` lists the losses of any rate you want to try.)

# %%
answer = ...
nb10.learning_rate(answer)

# %% [markdown]
# <details><summary>Solutions</summary>
#
# 1. `new_v = mu * v - lr * g`, then `new_w = w + new_v`, and `return new_w, new_v`.
# 2. 784 x 10 weights + 10 biases in the first layer, 10 x 4 + 4 in the second: 7,850 + 44 = 7,894 (`lesson.dense_twin(10).summary((1, 28, 28)).total_params` gives the same, Softmax adding nothing).
# 3. `dL/dw = 4 (w - 3)`, so one step multiplies the distance `w - 3` by `1 - 4 lr`. From 3 away, after 8 steps the loss is `2 * 9 * (1 - 4 lr)^16`; it is below 0.05 when `|1 - 4 lr|` is below about 0.69, that is for a learning rate between about 0.08 and 0.42. A rate of 0.25 lands on `w = 3` in one step; above 0.5 the distance grows at every step, and the loss diverges.
# </details>

# %% [markdown]
# ## Further reading
#
# - CS231n, [Neural Networks Part 3: Learning and Evaluation](https://cs231n.github.io/neural-networks-3/): sanity checks, loss curves, the learning rate, momentum and Adam, with pictures of what good and bad curves look like.
# - Diederik P. Kingma and Jimmy Ba, [Adam: A Method for Stochastic Optimization](https://arxiv.org/abs/1412.6980): the optimiser of section 1, in two pages of algorithm.
# - Gabriel Goh, [Why Momentum Really Works](https://distill.pub/2017/momentum/): an interactive essay on momentum, with sliders for the learning rate and `mu`.
# - Andrej Karpathy, [A Recipe for Training Neural Networks](https://karpathy.github.io/2019/04/25/recipe/): how practitioners train, starting by overfitting a small batch on purpose.

# %% [markdown] tags=["navigation"]
# [← 09 Backpropagation through convolution and pooling](09_backpropagation.ipynb) · [Contents](../README.md#notebooks) · [11 Data augmentation and transfer learning →](11_augmentation_and_transfer.ipynb)
