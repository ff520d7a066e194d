"""Helpers for driving explorers in tests."""

import io

import numpy as np
from PIL import Image

from cnnviz.explorers._base import control_values


def sweep(control, points=8):
    """Values across a control's range (see cnnviz.explorers._base.control_values)."""
    return control_values(control, points)


def drive(ex, name, points=8):
    """Set every value of one control in turn, checking each gives a picture or a message."""
    control = ex.controls[name]
    for value in sweep(control, points):
        control.value = value
        assert ex.last_error is None, (name, value, ex.last_error)
        assert ex.state is not None or ex.message, (name, value)


def assert_every_value_draws(ex):
    """Each value of each control: no bug, no explanation, a new state, and a picture that
    changes for at least one value of every control that has more than one."""
    for name, control in ex.controls.items():
        start, pictures = control.value, {ex.png}
        for value in sweep(control):
            control.value = value
            assert ex.last_error is None, (name, value, ex.last_error)
            assert ex.message is None and ex.state is not None, (name, value, ex.message)
            pictures.add(ex.png)
        if len(sweep(control)) > 1:
            assert len(pictures) > 1, f"moving {name} never changed the picture"
        control.value = start


def pixels(explorer):
    """The explorer's current picture as an RGB array."""
    return np.asarray(Image.open(io.BytesIO(explorer.png)).convert("RGB"))


def assert_every_control_changes_the_picture(ex):
    """Each control swept over its range: no bug recorded, and some value changes the
    picture (unless the control is disabled)."""
    assert ex.last_error is None and ex.message is None
    for cname, control in ex.controls.items():
        start_value, start = control.value, pixels(ex)
        changed = False
        for value in sweep(control):
            control.value = value
            assert ex.last_error is None, (cname, value, ex.last_error)
            if ex.message is None and not np.array_equal(pixels(ex), start):
                changed = True
        control.value = start_value
        assert changed or ex.controls[cname].disabled, cname


def random_settings(ex, *, seed=7, rounds=25):
    """Set every control of ``ex`` to a seeded random value of its own, all at once (one
    update per round); yields the explorer after each round for the caller's checks."""
    rng = np.random.default_rng(seed)
    for _ in range(rounds):
        with ex.hold():
            for control in ex.controls.values():
                values = sweep(control)
                control.value = values[int(rng.integers(len(values)))]
        yield ex


def assert_random_settings_never_break(ex, *, seed=7, rounds=25):
    """Seeded random settings of all controls at once: a picture or an explanation, no bug."""
    for ex in random_settings(ex, seed=seed, rounds=rounds):
        assert ex.last_error is None, ex.last_error
        assert ex.state is not None or ex.message
