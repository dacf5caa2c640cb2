"""How a tensor prints: the same text as PyTorch's (torch/_tensor_str.py, PyTorch 2.x), so a
printed result can be compared with PyTorch's by eye.

The rules, for floating point tensors: look at the finite non-zero values. If they are all
whole numbers, print them as `2.` (no digits after the point); otherwise with 4 digits after
the point (`0.1235`). Switch to scientific notation (`1.0000e+10`) when the largest is over 1e8,
the smallest under 1e-4, or the largest over 1000 times the smallest. Pad every number to the
widest one, wrap rows at 80 characters, and show only the first and last 3 items of each
dimension when there are more than 1000 elements. Integers and bools print as Python does.

After the numbers come, like PyTorch: `size=` for an empty tensor of another shape than (0,),
`dtype=` when it is not the default for its kind (the default float dtype, int64, bool; an empty
tensor shows every dtype but the default float), then `grad_fn=<MulBackward0>` or
`requires_grad=True`. The dtype is written as numpy names it (`dtype=float32`, where PyTorch
writes `dtype=torch.float32`), and a tensor with a `name` ends with `name='...'`.

>>> import tinygrad_edu as tg
>>> tg.tensor([4.5, 1.0]), tg.tensor(2.0), tg.tensor([1, 2])
(tensor([4.5000, 1.0000]), tensor(2.), tensor([1, 2]))
>>> tg.tensor([1e10, 1.0]), tg.tensor([1.0], dtype=tg.float32)
(tensor([1.0000e+10, 1.0000e+00]), tensor([1.], dtype=float32))
"""
from __future__ import annotations

import contextlib
import dataclasses
import math
from typing import Any

import numpy as np

from . import dtype as _dtype


@dataclasses.dataclass
class _PrintOptions:
    precision: int = 4
    threshold: float = 1000
    edgeitems: int = 3
    linewidth: int = 80
    sci_mode: bool | None = None


PRINT_OPTS = _PrintOptions()


def set_printoptions(precision: int | None = None, threshold: float | None = None,
                     edgeitems: int | None = None, linewidth: int | None = None,
                     profile: str | None = None, sci_mode: bool | None = None) -> None:
    """PyTorch's `torch.set_printoptions`: digits after the point (`precision`, 4), the element
    count above which a tensor is summarised (`threshold`, 1000), the items kept at each end of
    a summarised dimension (`edgeitems`, 3), the line width (`linewidth`, 80), a `profile`
    ('default', 'short' or 'full') and `sci_mode` (True/False forces scientific notation on or
    off; None chooses, as above)."""
    profiles = {"default": (4, 1000, 3, 80), "short": (2, 1000, 2, 80), "full": (4, math.inf, 3, 80)}
    if profile is not None:
        if profile not in profiles:
            raise ValueError(f"set_printoptions: profile must be one of {sorted(profiles)}, got {profile!r}")
        (PRINT_OPTS.precision, PRINT_OPTS.threshold, PRINT_OPTS.edgeitems,
         PRINT_OPTS.linewidth) = profiles[profile]
    if precision is not None:
        PRINT_OPTS.precision = precision
    if threshold is not None:
        PRINT_OPTS.threshold = threshold
    if edgeitems is not None:
        PRINT_OPTS.edgeitems = edgeitems
    if linewidth is not None:
        PRINT_OPTS.linewidth = linewidth
    PRINT_OPTS.sci_mode = sci_mode


def get_printoptions() -> dict[str, Any]:
    """The current print options, as keyword arguments for `set_printoptions`."""
    return dataclasses.asdict(PRINT_OPTS)


@contextlib.contextmanager
def printoptions(**kwargs):
    """Change the print options inside a `with` block only."""
    old = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**old)


class _Formatter:
    """Chooses one format for all the numbers of a tensor (from the values it will show)."""

    def __init__(self, values: np.ndarray) -> None:
        self.floating = values.dtype.kind == "f"
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1
        flat = values.reshape(-1)
        if not self.floating:
            self.max_width = max([len(f"{v}") for v in flat.tolist()], default=1)
            return
        finite = flat[np.isfinite(flat) & (flat != 0)]
        if finite.size == 0:
            return
        magnitude = np.abs(finite.astype(np.float64))
        smallest, largest = magnitude.min(), magnitude.max()
        self.int_mode = bool(np.all(finite == np.ceil(finite)))
        if PRINT_OPTS.sci_mode is None:
            self.sci_mode = bool(largest / smallest > 1000.0 or largest > 1.0e8 or smallest < 1.0e-4)
        else:
            self.sci_mode = PRINT_OPTS.sci_mode
        p = PRINT_OPTS.precision
        numbers = finite.tolist()
        if self.sci_mode:
            self.max_width = max(len(f"{v:.{p}e}") for v in numbers)
        elif self.int_mode:  # + 1 for the "." that marks a float
            self.max_width = max(len(f"{v:.0f}") + 1 for v in numbers)
        else:
            self.max_width = max(len(f"{v:.{p}f}") for v in numbers)

    def width(self) -> int:
        return self.max_width

    def format(self, value) -> str:
        if self.floating:
            p = PRINT_OPTS.precision
            if self.sci_mode:
                text = f"{value:{self.max_width}.{p}e}"
            elif self.int_mode:
                text = f"{value:.0f}" + ("" if math.isinf(value) or math.isnan(value) else ".")
            else:
                text = f"{value:.{p}f}"
        else:
            text = f"{value}"
        return " " * (self.max_width - len(text)) + text


def _summarized(values: np.ndarray) -> np.ndarray:
    """Only the items that a summarised print shows (the first and last `edgeitems` per dim)."""
    edge = PRINT_OPTS.edgeitems
    if values.ndim == 0:
        return values
    if values.ndim == 1:
        return np.concatenate((values[:edge], values[-edge:])) if len(values) > 2 * edge else values
    if not edge:
        return values.reshape((0,) * values.ndim)
    rows = list(range(edge)) + list(range(len(values) - edge, len(values))) \
        if len(values) > 2 * edge else range(len(values))
    return np.stack([_summarized(values[i]) for i in rows])


def _vector(values: np.ndarray, indent: int, summarize: bool, formatter: _Formatter) -> str:
    element_length = formatter.width() + 2  # the number, a comma and a space
    per_line = max(1, math.floor((PRINT_OPTS.linewidth - indent) / element_length))
    edge = PRINT_OPTS.edgeitems
    if summarize and not edge:
        items = ["..."]
    elif summarize and len(values) > 2 * edge:
        items = ([formatter.format(v) for v in values[:edge].tolist()] + [" ..."]
                 + [formatter.format(v) for v in values[-edge:].tolist()])
    else:
        items = [formatter.format(v) for v in values.tolist()]
    lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
    return "[" + ("," + "\n" + " " * (indent + 1)).join(lines) + "]"


def _nested(values: np.ndarray, indent: int, summarize: bool, formatter: _Formatter) -> str:
    if values.ndim == 0:
        return formatter.format(values.item())
    if values.ndim == 1:
        return _vector(values, indent, summarize, formatter)
    edge = PRINT_OPTS.edgeitems
    if summarize and len(values) > 2 * edge:
        rows = ([_nested(values[i], indent + 1, summarize, formatter) for i in range(edge)] + ["..."]
                + [_nested(values[i], indent + 1, summarize, formatter)
                   for i in range(len(values) - edge, len(values))])
    else:
        rows = [_nested(row, indent + 1, summarize, formatter) for row in values]
    return "[" + ("," + "\n" * (values.ndim - 1) + " " * (indent + 1)).join(rows) + "]"


def array_str(values: np.ndarray, indent: int) -> str:
    """The bracketed numbers of a tensor, as PyTorch prints them, for a first line indented by
    `indent` characters (the length of "tensor(")."""
    if values.size == 0:
        return "[]"
    summarize = values.size > PRINT_OPTS.threshold
    formatter = _Formatter(_summarized(values) if summarize else values)
    return _nested(values, indent, summarize, formatter)


def _add_suffixes(text: str, suffixes: list[str], indent: int) -> str:
    """Append `, suffix` items, starting a new line when one would pass the line width."""
    parts = [text]
    last_line = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if last_line + len(suffix) + 2 > PRINT_OPTS.linewidth:
            parts.append(",\n" + " " * indent + suffix)
            last_line = indent + len(suffix)
        else:
            parts.append(", " + suffix)
            last_line += len(suffix) + 2
    parts.append(")")
    return "".join(parts)


def tensor_repr(t) -> str:
    """`repr(t)`: PyTorch's text for a tensor (see the module docstring)."""
    prefix = "tensor("
    indent = len(prefix)
    values = t.data
    default_float = _dtype.get_default_dtype()
    suffixes = []
    if values.size == 0:
        if values.ndim != 1:
            suffixes.append(f"size={tuple(values.shape)}")
        if values.dtype != default_float:  # nothing shows whether an empty tensor holds ints
            suffixes.append(f"dtype={values.dtype.name}")
        body = "[]"
    else:
        if not PRINT_OPTS.edgeitems:
            suffixes.append(f"size={tuple(values.shape)}")
        if values.dtype not in (default_float, np.dtype(np.int64), np.dtype(np.bool_)):
            suffixes.append(f"dtype={values.dtype.name}")
        body = array_str(values, indent)
    if t.grad_fn is not None:
        suffixes.append(f"grad_fn=<{t.grad_fn.name()}>")
    elif t.requires_grad:
        suffixes.append("requires_grad=True")
    if t.name:
        suffixes.append(f"name={t.name!r}")
    text = _add_suffixes(prefix + body, suffixes, indent)
    if _is_parameter(t):
        text = "Parameter containing:\n" + text
    return text


def _is_parameter(t) -> bool:
    from .nn.parameter import Parameter  # nn imports Tensor, so not at the top

    return isinstance(t, Parameter)


def tensor_format(t, spec: str) -> str:
    """`format(t, spec)` / f"{t:.4f}": a one-element tensor formats its number (as
    `t.item()` would); with no spec, any other tensor formats as its repr."""
    if t.data.ndim == 0 or (spec and t.data.size == 1):
        return format(t.data.reshape(()).item(), spec)
    if not spec:
        return tensor_repr(t)
    raise TypeError(f"unsupported format string passed to Tensor.__format__: {spec!r} formats one "
                    f"number, but this tensor has shape {tuple(t.shape)} ({t.data.size} elements); "
                    f"format t.item() of a one-element tensor, or the numbers of t.tolist()")
