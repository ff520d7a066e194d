"""The training state of notebook 10: a Trainer that steps, resets and repeats itself, and
the experiments' helpers, against loops and the library's own training loop."""

import threading

import numpy as np
import pytest

from cnnviz.datasets import make_shapes
from cnnviz.layers import Conv2d, Dense, Flatten, MaxPool2d, ReLU, Sequential, Softmax
from cnnviz.lessons import training as lesson
from cnnviz.optim import SGD, Adam
from cnnviz.params import dense_params


@pytest.fixture(scope="module")
def small():
    return lesson.data(96, 40)


def test_same_seed_same_run_and_reset_repeats_it(small):
    """Two trainers with one seed take identical steps; reset() replays the run exactly."""
    a = lesson.Trainer(None, *small, optimiser="Adam", lr=0.01, batch_size=16, seed=3)
    b = lesson.Trainer(None, *small, optimiser="Adam", lr=0.01, batch_size=16, seed=3)
    a.run(10), b.run(10)
    assert a.losses == b.losses
    weights = {k: v.copy() for k, v in a.model.parameters().items()}
    a.reset()
    assert a.step == 0 and a.losses == [] and a.accuracies == []
    a.run(10)
    for k, v in a.model.parameters().items():
        np.testing.assert_array_equal(v, weights[k])
    c = lesson.Trainer(None, *small, optimiser="Adam", lr=0.01, batch_size=16, seed=4)
    c.run(10)
    assert c.losses != a.losses


def test_trainer_steps_like_a_hand_written_loop(small):
    """Each step: forward the minibatch of the seeded permutation, loss, backward, SGD update."""
    x, y, xt, yt = small
    t = lesson.Trainer(None, x, y, xt, yt, optimiser="SGD + momentum", lr=0.05, batch_size=32, seed=1)
    t.run(5)                                          # 3 steps per epoch: crosses an epoch
    ref = Sequential(lesson.shapes_cnn(pretrained=False).layers).initialize(1)
    body = Sequential(ref.layers[:-1])
    opt = SGD(ref.parameters(), lr=0.05, momentum=0.9)
    rng = np.random.default_rng(1)
    from cnnviz.losses import CrossEntropyLoss
    loss_fn = CrossEntropyLoss()
    losses = []
    order = np.concatenate([rng.permutation(96), rng.permutation(96)])
    batches = [order[0:32], order[32:64], order[64:96], order[96:128], order[128:160]]
    for batch in batches:
        losses.append(float(loss_fn.forward(body.forward(x[batch]), y[batch])))
        body.backward(loss_fn.backward())
        opt.step(body.grads)
    np.testing.assert_allclose(t.losses, losses, rtol=1e-6)
    assert (t.step, t.epoch) == (5, 2)


@pytest.mark.parametrize("name, cls, momentum", [("SGD", SGD, 0.0), ("SGD + momentum", SGD, 0.9),
                                                 ("Adam", Adam, None)])
def test_optimiser_names(name, cls, momentum):
    """Each name builds its optimiser; an unknown name is refused with the choices."""
    opt = lesson.make_optimiser(name, {"w": np.zeros(2)}, lr=0.1)
    assert isinstance(opt, cls) and opt.lr == 0.1
    if momentum is not None:
        assert opt.momentum == momentum
    with pytest.raises(ValueError, match=r"optimiser must be one of 'SGD', 'SGD \+ momentum', 'Adam'; got 'RMSprop'"):
        lesson.make_optimiser("RMSprop", {"w": np.zeros(2)}, lr=0.1)


def test_settings_change_between_steps(small):
    """A new learning rate or optimiser applies from the next step, weights kept."""
    t = lesson.Trainer(None, *small, optimiser="SGD", lr=0.01, batch_size=16, seed=0)
    t.run(2)
    t.optimiser, t.lr = "Adam", 0.003
    before = t.model.parameters()["Conv2d-1.weight"].copy()
    t.run(1)
    assert isinstance(t._opt, Adam) and t._opt.lr == 0.003
    step = np.abs(t.model.parameters()["Conv2d-1.weight"] - before)
    # Adam's first step is lr * sign(g): 0.003 for every weight with a gradient (a dead
    # channel's weights have none and stay put)
    assert step.max() == pytest.approx(0.003, rel=1e-3) and np.all(step <= 0.003 * 1.001)
    assert np.mean(np.isclose(step, 0.003, rtol=1e-2)) > 0.5


def test_divergence_stops_the_run(small):
    """A huge learning rate makes the loss run off: the run stops and says at which step."""
    t = lesson.Trainer(None, *small, optimiser="SGD + momentum", lr=5.0, batch_size=16, seed=0)
    taken = t.run(30)
    assert t.diverged is not None and taken == t.diverged < 30
    assert all(np.isfinite(t.losses)) and len(t.losses) == t.diverged
    assert t.run(5) == 0
    t.reset()
    assert t.diverged is None


def test_accuracy_is_recorded_once_per_step(small):
    """accuracy() equals predict's agreement and is added to the history once per step."""
    t = lesson.Trainer(None, *small, seed=0)
    t.run(3)
    acc = t.accuracy()
    t.accuracy()
    pred = t.model.forward(small[2]).argmax(axis=1)
    assert acc == pytest.approx(np.mean(pred == small[3]))
    assert t.accuracies == [(3, acc)]


def test_reset_from_another_thread_is_atomic(small):
    """reset() while another thread trains leaves a consistent state (step matches losses)."""
    t = lesson.Trainer(None, *small, batch_size=8, seed=0)
    stop = threading.Event()

    def train():
        while not stop.is_set():
            t.run(1)

    worker = threading.Thread(target=train)
    worker.start()
    for _ in range(5):
        t.reset()
        with t.lock:
            assert t.step == len(t.losses)
    stop.set()
    worker.join()


def test_smoothed_is_a_running_mean():
    """smoothed(l, w)[i] is the mean of l[max(0, i-w+1) : i+1]."""
    rng = np.random.default_rng(0)
    losses = rng.random(50)
    want = [losses[max(0, i - 6):i + 1].mean() for i in range(50)]
    np.testing.assert_allclose(lesson.smoothed(losses, window=7), want)
    assert lesson.smoothed([]).size == 0


def test_confusion_matrix_counts_like_a_loop():
    """Row = true class, column = prediction, counted one image at a time."""
    rng = np.random.default_rng(1)
    pred, true = rng.integers(0, 4, 200), rng.integers(0, 4, 200)
    want = np.zeros((4, 4), int)
    for p, t in zip(pred, true):
        want[t, p] += 1
    np.testing.assert_array_equal(lesson.confusion_matrix(pred, true), want)


def test_dense_twin_has_the_counted_parameters():
    """784 h + h + 4 h + 4 weights; with 6 hidden units more than the CNN's."""
    for h in (1, 6, 10):
        net = lesson.dense_twin(h)
        assert net.summary((1, 28, 28)).total_params == dense_params(784, h) + dense_params(h, 4)
    cnn = lesson.shapes_cnn(pretrained=False).summary((1, 28, 28)).total_params
    assert lesson.dense_twin(6).summary((1, 28, 28)).total_params >= cnn


def test_corner_shapes_are_in_the_corners():
    """The ink of the first half lies up and left of the middle (13.5), of the second half
    down and right, further than make_shapes' usual images; labels are its classes."""
    def centres(images):
        out = []
        for image in images[:, 0]:
            rows, cols = np.nonzero(image > 0.5)
            out.append((rows.mean() + cols.mean()) / 2)
        return np.array(out)

    x, y = lesson.corner_shapes(40)
    assert x.shape == (40, 1, 28, 28) and set(y.tolist()) <= {0, 1, 2, 3}
    c = centres(x)
    assert np.all(c[:20] < 13.5) and np.all(c[20:] > 13.5)
    usual = np.abs(centres(make_shapes(40, seed=5).images) - 13.5).mean()
    assert np.abs(c - 13.5).mean() > usual + 1


def test_mistakes_are_the_wrong_answers_most_confident_first():
    """mistakes() lists exactly the wrongly predicted images, sorted by confidence."""
    x, y, _ = make_shapes(60, seed=3)
    net = lesson.shapes_cnn(pretrained=False).initialize(0)
    wrong, probs = lesson.mistakes(net, x, y, limit=100)
    all_probs = net.forward(x)
    assert set(wrong.tolist()) == set(np.flatnonzero(all_probs.argmax(1) != y).tolist())
    assert np.all(np.diff(probs.max(axis=1)) <= 0)
    np.testing.assert_allclose(probs, all_probs[wrong], rtol=1e-6)


def test_loss_curves_start_from_one_place(small):
    """Every run of loss_curves starts from the same weights: equal first losses."""
    x, y, _, _ = small
    runs = lesson.loss_curves([("SGD", 0.01), ("Adam", 0.003), ("SGD + momentum", 5.0)], x, y,
                              steps=6, batch_size=16)
    firsts = {k: v["losses"][0] for k, v in runs.items()}
    assert len(set(firsts.values())) == 1
    assert runs[("SGD + momentum", 5.0)]["diverged"] is not None
    assert runs[("SGD", 0.01)]["diverged"] is None and len(runs[("SGD", 0.01)]["losses"]) == 6


def test_training_state_shows_conv1_and_its_maps(small):
    """The snapshot's kernels are conv1's weights and its maps are ReLU(conv1(probe))."""
    x, y, xt, yt = small
    t = lesson.Trainer(None, x, y, xt, yt, seed=0)
    t.run(2)
    state = lesson.training_state(t, xt[0])
    conv = t.model.layers[0]
    np.testing.assert_array_equal(state.kernels, conv.weight[:, 0])
    np.testing.assert_allclose(state.maps, np.maximum(conv.forward(xt[0][None]), 0)[0], rtol=1e-6)
    assert state.step == 2 and len(state.losses) == 2


def test_any_sequential_trains():
    """A learner's own network (here a smaller CNN) trains in the Trainer too."""
    net = Sequential([Conv2d(1, 4, 3, padding=1), ReLU(), MaxPool2d(2), Flatten(),
                      Dense(4 * 14 * 14, 4), Softmax()])
    x, y, xt, yt = lesson.data(64, 16)
    t = lesson.Trainer(net, x, y, xt, yt, seed=0)
    t.run(12)
    assert np.mean(t.losses[-4:]) < np.mean(t.losses[:4])
    with pytest.raises(TypeError, match=r"model must be a cnnviz Sequential; got"):
        lesson.Trainer([1], x, y, xt, yt)
