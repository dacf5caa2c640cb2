"""More of PyTorch's Tensor methods for indexing, scatter and selection.

`Tensor` inherits them from `IndexingMethods`; tensor.py fills in `Tensor` and `_ops` once they exist
(as for tensor_math.py).
"""
from __future__ import annotations

Tensor = _ops = None  # set by tensor.py


class IndexingMethods:
    pass
