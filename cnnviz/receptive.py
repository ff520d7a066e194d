"""Receptive fields: the patch of the input that one unit of a layer can see.

Along each axis, a layer with kernel ``k``, stride ``s`` and dilation ``d`` widens
the field by ``k - 1`` of its input's steps, and each of those steps is ``j``
input pixels apart (the jump)::

    r_l = r_{l-1} + (k_l - 1) * d_l * j_{l-1}        j_l = j_{l-1} * s_l

with ``r_0 = 1`` and ``j_0 = 1``. Padding moves the field: the first unit's field
starts ``start_l = start_{l-1} - p_l * j_{l-1}`` (``start_0 = 0``, negative when it
reaches into the padding). Two stacked 3x3 convolutions see 5x5, three 7x7.
"""

from __future__ import annotations

from dataclasses import dataclass

from ._validate import _show
from .layers import (
    Conv2d, Flatten, GlobalAvgPool2d, Layer, Residual, Sequential, _check_shape, _Pool2d,
)


@dataclass(frozen=True)
class ReceptiveField:
    """The receptive field of the units of one layer, per axis ``(height, width)``.

    Attributes
    ----------
    name : str
        The layer's name, as in :meth:`Sequential.summary` (``"Conv2d-3"``).
    output_shape : tuple
        The layer's output shape.
    size : (int, int)
        Rows and columns of input pixels one unit depends on, ``r``.
    jump : (int, int)
        Input pixels between the fields of neighbouring units, ``j``.
    start : (int, int)
        Input row and column where the field of unit ``(0, 0)`` begins; negative
        when it begins in the padding.
    input_size : (int, int)
        Height and width of the network's input, for :meth:`window`.

    Examples
    --------
    >>> from cnnviz.layers import Conv2d
    >>> row = receptive_field([Conv2d(1, 1, 3), Conv2d(1, 1, 3, stride=2)], (1, 9, 9))[-1]
    >>> row.size, row.jump, row.start
    ((5, 5), (2, 2), (0, 0))
    >>> row.window(1, 2)                     # rows 2 to 6, columns 4 to 8 of the input
    ((2, 7), (4, 9))
    """

    name: str
    output_shape: tuple
    size: tuple
    jump: tuple
    start: tuple
    input_size: tuple

    def window(self, i, j, *, clip=False):
        """The input rows ``[top, bottom)`` and columns ``[left, right)`` that unit ``(i, j)`` sees.

        With ``clip=True`` the window is cut to the input (the padding dropped).
        """
        spans = []
        for index, size, jump, start, n in zip((i, j), self.size, self.jump, self.start,
                                               self.input_size):
            lo = start + index * jump
            hi = lo + size
            spans.append((max(lo, 0), min(hi, n)) if clip else (lo, hi))
        return tuple(spans)


class ReceptiveFields:
    """The rows of :func:`receptive_field`, one per layer; prints as a table.

    Indexing and iteration give the :class:`ReceptiveField` rows.

    >>> from cnnviz.layers import Conv2d
    >>> fields = receptive_field([Conv2d(1, 1, 3), Conv2d(1, 1, 3)], (1, 8, 8))
    >>> len(fields), fields[-1].size
    (2, (5, 5))
    """

    def __init__(self, rows):
        self.rows = tuple(rows)

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        return self.rows[i]

    def __iter__(self):
        return iter(self.rows)

    def __str__(self):
        header = ("Layer", "Output shape", "Field", "Jump", "Start")
        cells = [(r.name, str(r.output_shape), "x".join(map(str, r.size)),
                  "x".join(map(str, r.jump)), str(r.start)) for r in self.rows]
        widths = [max([len(header[i])] + [len(c[i]) for c in cells]) for i in range(5)]
        lines = ["  ".join(f"{v:<{w}}" for v, w in zip(row, widths)).rstrip()
                 for row in [header, *cells]]
        lines.insert(1, "-" * len(lines[0]))
        return "\n".join(lines)

    __repr__ = __str__


def _step(state, kernel, stride, dilation, pad_before):
    """One layer along one axis: (size, jump, start) to the next (size, jump, start)."""
    size, jump, start = state
    return size + (kernel - 1) * dilation * jump, jump * stride, start - pad_before * jump


def _layer_field(layer, shape, fields):
    """The (size, jump, start) per axis after ``layer``, given those before it."""
    out_shape = layer.output_shape(shape)
    if isinstance(layer, Conv2d):
        pads = layer._pads()
        return out_shape, tuple(
            _step(f, k, s, d, p[0]) for f, k, s, d, p in
            zip(fields, layer.kernel_size, layer.stride, layer.dilation, pads))
    if isinstance(layer, _Pool2d):
        return out_shape, tuple(
            _step(f, k, s, 1, p) for f, k, s, p in
            zip(fields, layer.kernel_size, layer.stride, layer.padding))
    if isinstance(layer, Residual):
        return out_shape, _residual_field(layer, shape, fields)
    if len(shape) == 3 and (isinstance(layer, (GlobalAvgPool2d, Flatten)) or len(out_shape) == 1):
        # Every unit of the output depends on every position of the map: a kernel
        # as large as the map, applied once.
        return out_shape, tuple(_step(f, n, 1, 1, 0) for f, n in zip(fields, shape[1:]))
    if len(shape) == len(out_shape) and shape[1:] == out_shape[1:]:
        return out_shape, fields        # position by position: ReLU, BatchNorm2d, ...
    raise ValueError(
        f"receptive_field does not know how {layer!r} maps input positions to output "
        f"positions (input shape {shape}, output shape {out_shape})"
    )


def _stack_field(stack, shape, fields, rows=None):
    for i, layer in enumerate(stack.layers, 1):
        try:
            shape, fields = _layer_field(layer, shape, fields)
        except ValueError as err:
            raise ValueError(f"layer {i}, {layer!r}: {err}") from None
        if rows is not None:
            rows.append((shape, fields))
    return fields


def _residual_field(layer, shape, fields):
    """The union of the fields of the block and the shortcut (the identity keeps ``fields``)."""
    branches = [_stack_field(layer.block, shape, fields)]
    branches.append(fields if layer.shortcut is None else
                    _stack_field(layer.shortcut, shape, fields))
    merged = []
    for (r1, j1, s1), (r2, j2, s2) in zip(*branches):
        if j1 != j2:
            raise ValueError(
                f"the block and the shortcut step through the input differently (jumps {j1} "
                f"and {j2}), so their units do not line up"
            )
        start = min(s1, s2)
        merged.append((max(s1 + r1, s2 + r2) - start, j1, start))
    return tuple(merged)


def receptive_field(model, input_shape) -> ReceptiveFields:
    """Receptive field size, jump and start of every layer of a network.

    Parameters
    ----------
    model : Sequential, or a list of layers
    input_shape : (C, H, W)
        One sample's shape, needed for "same" padding and for layers that see the
        whole map.

    Returns
    -------
    ReceptiveFields
        One :class:`ReceptiveField` row per layer of ``model``, with ``.size``,
        ``.jump`` and ``.start`` as (height, width).

    Notes
    -----
    Per axis, ``r_l = r_{l-1} + (k_l - 1) d_l j_{l-1}``, ``j_l = j_{l-1} s_l`` and
    ``start_l = start_{l-1} - p_l j_{l-1}``, with ``p_l`` the padding before the
    first row or column (the top or left one), for :class:`Conv2d`,
    :class:`MaxPool2d` and :class:`AvgPool2d`. Layers that work position by
    position (ReLU, BatchNorm2d, ReLU6, ...) pass the field through unchanged;
    :class:`GlobalAvgPool2d`, :class:`Flatten` and the layers after them see the
    whole map, as if through a kernel of its size.

    A :class:`Residual` adds the outputs of two branches, so one of its units sees
    the union of what the block and the shortcut see: the first unit's field spans
    from the smaller of the two starts to the larger of the two ends (the identity
    shortcut sees the block's input field). The branches must have the same jump.

    The field is theoretical: the input pixels a unit *can* depend on. Where it
    lies on the image, a network with positive weights depends on every one of
    them (the footprint of d(unit)/d(input)). Near the border it can depend on
    fewer than the field cut to the image: a path through an intermediate layer's
    zero padding carries nothing. How much a unit depends on each pixel (the
    effective receptive field) is another question, measured with input gradients.

    Examples
    --------
    >>> from cnnviz.layers import Conv2d, MaxPool2d, ReLU
    >>> stack = [Conv2d(1, 1, 3), ReLU(), Conv2d(1, 1, 3), Conv2d(1, 1, 3)]
    >>> [row.size for row in receptive_field(stack, (1, 32, 32))]
    [(3, 3), (3, 3), (5, 5), (7, 7)]
    >>> print(receptive_field([Conv2d(1, 1, 3, padding=1), MaxPool2d(2), Conv2d(1, 1, 3)],
    ...                       (1, 32, 32)))
    Layer        Output shape  Field  Jump  Start
    ---------------------------------------------
    Conv2d-1     (1, 32, 32)   3x3    1x1   (-1, -1)
    MaxPool2d-2  (1, 16, 16)   4x4    2x2   (-1, -1)
    Conv2d-3     (1, 14, 14)   8x8    2x2   (-1, -1)
    """
    if isinstance(model, Layer) or isinstance(model, (list, tuple)):
        model = Sequential([model] if isinstance(model, Layer) else list(model))
    if not isinstance(model, Sequential):
        raise TypeError(f"model must be a Sequential or a list of layers; got {_show(model)}")
    shape = _check_shape(input_shape)
    if len(shape) != 3:
        raise ValueError(f"input_shape must be (channels, height, width); got {shape}")
    steps = []
    _stack_field(model, shape, ((1, 1, 0), (1, 1, 0)), rows=steps)
    return ReceptiveFields(
        ReceptiveField(name, out_shape, tuple(f[0] for f in fields), tuple(f[1] for f in fields),
                       tuple(f[2] for f in fields), shape[1:])
        for name, (out_shape, fields) in zip(model.layer_names(), steps)
    )


__all__ = ["ReceptiveField", "ReceptiveFields", "receptive_field"]
