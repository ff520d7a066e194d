"""The state behind each explorer, and the teaching maths it shows: numpy and Pillow only.

An explorer is a state function, a plot and a few lines of wiring. The state
function lives here, so that a learner's script, a test, or a notebook's prose can
compute exactly what the explorer shows without matplotlib or ipywidgets being
imported. General pieces of maths live in the core modules instead
(:func:`cnnviz.shapes.conv_output_size`, :mod:`cnnviz.filters`, ...).
"""
