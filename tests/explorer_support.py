"""Helpers for driving explorers in tests."""

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
