"""More of PyTorch's Tensor methods for elementwise math.

`Tensor` inherits them from `PointwiseMethods`; tensor.py fills in `Tensor` and `_ops` once they exist
(as for tensor_math.py).
"""
from __future__ import annotations

Tensor = _ops = None  # set by tensor.py


class PointwiseMethods:
    pass
