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
