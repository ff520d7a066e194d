"""Helpers for driving explorers in tests."""

import numpy as np


def sweep(control, points=8):
    """About ``points`` values across a numeric control's range, both ends included;
    every option of a dropdown or toggle."""
    if hasattr(control, "options"):
        return [opt[1] if isinstance(opt, tuple) else opt for opt in control.options]
    if isinstance(control.value, bool):
        return [False, True]
    values = np.linspace(control.min, control.max, points)
    if isinstance(control.value, (int, np.integer)):
        values = np.unique(np.round(values).astype(int))
    return [v.item() for v in values]
