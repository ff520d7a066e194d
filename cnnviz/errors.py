"""Errors that explain a setting, as opposed to errors that reveal a bug.

A learner who moves a slider to a setting that cannot work (a kernel larger than
the padded input, say) should read why, in a sentence, on the figure. A bug (a
broadcasting mistake in a state function) should never be dressed up as such a
sentence: it must reach the developer. The two are told apart by type:

- :class:`SettingError` and its subclasses are raised where a combination of
  settings is impossible. They carry the numbers as fields, so an explorer can
  word the sentence for its own controls, and a plain ``str()`` that reads well
  on its own.
- Anything else, a plain ``ValueError`` included, is a bug when it happens inside
  an explorer: the explorer records it in ``last_error``, and the tests that
  sweep every control fail on it.

``SettingError`` is a ``ValueError``, so code that catches ``ValueError`` (and the
tests that pin messages with ``pytest.raises(ValueError, match=...)``) work as before.
"""

from __future__ import annotations


class SettingError(ValueError):
    """A setting, or a combination of settings, that cannot work, with its numbers.

    ``fields`` holds the numbers that explain it (also readable as attributes).

    >>> err = SettingError("stride 0 cannot move a window", stride=0)
    >>> err.stride, str(err)
    (0, 'stride 0 cannot move a window')
    >>> isinstance(err, ValueError)
    True
    """

    def __init__(self, message: str, **fields):
        super().__init__(message)
        self.fields = dict(fields)

    def __getattr__(self, name):
        fields = self.__dict__.get("fields", {})
        if name in fields:
            return fields[name]
        raise AttributeError(name)

    def __reduce__(self):  # keep the fields through pickling (multiprocessing, pytest-xdist)
        return (_rebuild, (type(self), str(self), self.fields))


def _rebuild(cls, message, fields):
    return cls(message, **fields)


class DoesNotFit(SettingError):
    """No window fits: the (dilated) kernel is larger than the padded input.

    Fields: ``size`` (input length along the axis), ``kernel_size``, ``padding``
    (total of both sides), ``dilation``, ``span`` (the dilated kernel's extent,
    ``dilation * (kernel_size - 1) + 1``) and ``axis`` (a word such as "rows", or None).

    >>> err = DoesNotFit(size=5, kernel_size=7, padding=0, dilation=1)
    >>> err.span, err.shortfall
    (7, 2)
    >>> print(err)
    No window fits: a kernel of 7 needs 7 pixels, but the input of 5 with padding 0 is only 5 long.
    """

    def __init__(self, message: str | None = None, *, size, kernel_size, padding, dilation=1,
                 axis=None, **fields):
        span = dilation * (kernel_size - 1) + 1
        if message is None:
            where = f" along the {axis}" if axis else ""
            message = (f"No window fits{where}: a kernel of {kernel_size}"
                       + (f" with dilation {dilation}" if dilation != 1 else "")
                       + f" needs {span} pixels, but the input of {size} with padding "
                       f"{padding} is only {size + padding} long.")
        super().__init__(message, size=size, kernel_size=kernel_size, padding=padding,
                         dilation=dilation, span=span, axis=axis, **fields)

    @property
    def shortfall(self) -> int:
        """How many pixels the padded input lacks for one window."""
        return self.span - (self.size + self.padding)

    def __reduce__(self):
        fields = dict(self.fields)
        fields.pop("span")
        return (_rebuild_fit, (str(self), fields))


def _rebuild_fit(message, fields):
    return DoesNotFit(message, **fields)


class NothingSelected(SettingError):
    """A control (a dropdown) holds no value: field ``control``, its name."""

    def __init__(self, control: str):
        super().__init__(f"Nothing is selected in '{control}': pick one of its options.",
                         control=control)

    def __reduce__(self):
        return (NothingSelected, (self.fields["control"],))


__all__ = ["DoesNotFit", "NothingSelected", "SettingError"]
