"""Notebook 10's training panel (cnnviz.explorers.training), driven headlessly: controls,
Start, Pause, Reset, the foreground run. The drawing explorer's tests are in
test_explorer_drawing.py."""

import time

import numpy as np
import pytest

from cnnviz.explorers import catalog
from cnnviz.explorers.training import CHUNK, REDRAW_EVERY, training_panel
from cnnviz.lessons import training as lesson
from explorer_support import sweep


@pytest.fixture(scope="module")
def data():
    return lesson.data(320, 60)


def panel(data, **kwargs):
    return training_panel(*data, **{"steps": 30, **kwargs})


def test_every_control_is_swept_without_error(data):
    """Each control, across its values, gives a state carrying that setting (no bug)."""
    ex = panel(data)
    for name, control in ex.controls.items():
        for value in sweep(control):
            control.value = value
            assert ex.last_error is None, (name, value, ex.last_error)
            assert getattr(ex.state, "lr" if name == "lr" else name) == value
            assert getattr(ex.trainer, name) == value


def test_random_settings_then_a_run_change_state_and_figure(data):
    """Random settings, then a few steps: the curve, the kernels and the picture change."""
    rng = np.random.default_rng(0)
    ex = panel(data)
    for _ in range(3):
        ex.set(optimiser=str(rng.choice(lesson.OPTIMISERS)), lr=float(rng.choice([0.001, 0.003, 0.01])),
               batch_size=int(rng.choice(lesson.BATCH_SIZES)))
        before_png, before_kernels = ex.png, ex.state.kernels.copy()
        before_steps = ex.trainer.step
        ex.run(8)
        assert ex.last_error is None and ex.message is None
        assert ex.trainer.step == before_steps + 8 and len(ex.state.losses) == ex.trainer.step
        assert not np.array_equal(ex.state.kernels, before_kernels)
        assert ex.png != before_png
        assert ex.state.accuracies[-1][0] == ex.trainer.step


def test_foreground_run_is_deterministic(data):
    """Two panels with one seed, run without touching a button, end with equal weights."""
    a, b = panel(data), panel(data)
    a.run(), b.run()
    assert a.trainer.step == b.trainer.step == 30
    for k, v in a.trainer.model.parameters().items():
        np.testing.assert_array_equal(v, b.trainer.model.parameters()[k])
    assert a.bar.n == 30


def test_start_trains_in_the_background_and_pause_stops_it_quickly(data):
    """Start returns at once and the steps go on; Pause stops them within half a second."""
    ex = panel(data, steps=100000)
    ex.start_button.click()
    assert ex.running
    deadline = time.perf_counter() + 20
    while ex.trainer.step < 2 * CHUNK and time.perf_counter() < deadline:
        time.sleep(0.02)
    assert ex.trainer.step >= 2 * CHUNK                  # it trains while this thread runs
    t0 = time.perf_counter()
    ex.pause_button.click()
    assert time.perf_counter() - t0 < 0.5 and not ex.running
    stopped = ex.trainer.step
    time.sleep(0.2)
    assert ex.trainer.step == stopped                    # nothing more after Pause
    assert ex.last_error is None


def test_reset_while_running_goes_back_to_the_start(data):
    """Reset during a run stops it within half a second and restores the starting weights."""
    ex = panel(data, steps=100000)
    start = {k: v.copy() for k, v in ex.trainer.model.parameters().items()}
    ex.start()
    time.sleep(0.3)
    t0 = time.perf_counter()
    ex.reset_button.click()
    assert time.perf_counter() - t0 < 0.5 and not ex.running
    assert ex.trainer.step == 0 and ex.state.step == 0 and len(ex.state.losses) == 0
    for k, v in ex.trainer.model.parameters().items():
        np.testing.assert_array_equal(v, start[k])
    assert ex.bar.n == 0


def test_the_panel_redraws_while_it_trains(data):
    """In the background the figure is redrawn at least every REDRAW_EVERY seconds plus a chunk."""
    ex = panel(data, steps=100000)
    drawn = len(ex.timings)
    ex.start()
    time.sleep(4 * REDRAW_EVERY + 0.5)
    ex.pause()
    assert len(ex.timings) - drawn >= 3
    assert ex.last_error is None


def test_start_stops_by_itself_at_the_budget_and_can_go_on(data):
    """Start trains the budget of steps and stops; Start again trains as many more."""
    ex = panel(data, steps=12)
    ex.start()
    ex._thread.join(timeout=30)
    assert ex.trainer.step == 12 and not ex.running
    ex.start()
    ex._thread.join(timeout=30)
    assert ex.trainer.step == 24


def test_divergence_is_a_message_not_a_nan_plot(data):
    """A learning rate of 3 with SGD runs off: the figure explains it; Reset brings the plot back."""
    ex = panel(data)
    ex.set(optimiser="SGD + momentum", lr=3.0)
    ex.run(30)
    assert ex.trainer.diverged is not None and ex.state is None
    assert "The loss ran off at step" in ex.message and "too large" in ex.message
    assert ex.last_error is None
    ex.reset()
    assert ex.message is None and ex.state.step == 0


def test_the_catalogued_panel_matches_the_notebook_inputs():
    """The catalog entry builds the notebook's panel (its data, 600 steps)."""
    entry = catalog.get("10-training-panel")
    (x, y, xt, yt), kwargs = entry.recipe()
    assert x.shape == (8000, 1, 28, 28) and xt.shape == (300, 1, 28, 28)
    assert kwargs == {"steps": 600}


def test_the_panel_trains_a_learners_own_network(data):
    """Any Sequential: a dense network (no kernels to show) and a wider CNN train and draw."""
    from cnnviz.layers import Conv2d, Dense, Flatten, MaxPool2d, ReLU, Sequential, Softmax
    wide = Sequential([Conv2d(1, 12, 5, padding=2), ReLU(), MaxPool2d(2), Flatten(),
                       Dense(12 * 14 * 14, 4), Softmax()])
    for net in (lesson.dense_twin(6), wide):
        ex = panel(data, model=net)
        ex.run(6)
        assert ex.last_error is None and ex.state.step == 6
        assert len(ex.state.kernels) == (0 if net is not wide else 12)
        assert ex.trainer.model is net
