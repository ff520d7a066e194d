"""Helpers for driving explorers in tests."""

from cnnviz.explorers._base import control_values


def sweep(control, points=8):
    """Values across a control's range (see cnnviz.explorers._base.control_values)."""
    return control_values(control, points)
