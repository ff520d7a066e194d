"""The state behind each explorer, and the teaching maths it shows: numpy and Pillow only.

An explorer is a state function, a plot and a few lines of wiring. The state
function lives here, so that a learner's script, a test, or a notebook's prose can
compute exactly what the explorer shows without matplotlib or ipywidgets being
imported. General pieces of maths live in the core modules instead
(:func:`cnnviz.shapes.conv_output_size`, :mod:`cnnviz.filters`, ...).
"""


def number(value) -> str:
    """A number as the lessons and figures print it: 19, -3, 0.111, and never "-0".

    >>> [number(v) for v in (19.0, -3, 1 / 9, -0.0, -1e-20)]
    ['19', '-3', '0.111', '0', '-1e-20']
    """
    text = f"{value:.3g}"
    return "0" if text == "-0" else text


def read_only(values, dtype=float):
    """``values`` as a new numpy array that cannot be written to (a lesson's fixed example).

    >>> read_only([[0, 1], [2, 3]], int).flags.writeable
    False
    """
    import numpy as np

    arr = np.array(values, dtype=dtype)
    arr.setflags(write=False)
    return arr


__all__ = ["number", "read_only"]
