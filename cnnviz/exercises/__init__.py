"""Self-checks for each notebook's exercises: ``from cnnviz.exercises import nb01``.

Each function takes the learner's answer, computes the expected one with cnnviz,
and either confirms it or raises :class:`cnnviz.checks.CheckError` showing the
input, the expected and the actual answer. An answer left as ``...`` only prints
a reminder, so the notebooks run top to bottom before anyone has tried.
"""
