"""More of PyTorch's Tensor methods for shape and reduction.

`Tensor` inherits them from `ShapingMethods`; tensor.py fills in `Tensor` and `_ops` once they exist
(as for tensor_math.py).
"""
from __future__ import annotations

Tensor = _ops = None  # set by tensor.py


class ShapingMethods:
    pass
