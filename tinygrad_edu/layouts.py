"""`tg.layout`, PyTorch's `torch.layout`: how a tensor's elements are laid out in memory.

Every tensor here is dense, as a numpy array is: `t.layout` is `tg.strided`, and the element at
index (i, j, ...) sits at offset i·stride(0) + j·stride(1) + ... of its storage. The sparse
layouts exist so that code naming them runs (`t.layout == tg.sparse_coo` is False); no tensor
has one.

>>> import tinygrad_edu as tg
>>> x = tg.tensor([[1, 2, 3, 4, 5], [6, 7, 8, 9, 10]])
>>> x.layout == tg.strided, x.stride(), x.t().stride()
(True, (5, 1), (1, 5))
"""
from __future__ import annotations


class NamedConstant:
    """A constant of PyTorch's that is one object per name (a layout, a memory format), compared
    by identity and printed as `tinygrad_edu.<name>`."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"tinygrad_edu.{self.name}"

    def __reduce__(self) -> str:
        return self.name  # pickled as the module-level name, so a copy is the same object


class layout(NamedConstant):  # noqa: N801 (PyTorch's name: torch.layout)
    """One memory layout, compared by identity: `t.layout == tg.strided`."""

    __slots__ = ()


strided = layout("strided")
sparse_coo = layout("sparse_coo")
sparse_csr = layout("sparse_csr")
sparse_csc = layout("sparse_csc")
sparse_bsr = layout("sparse_bsr")
sparse_bsc = layout("sparse_bsc")

__all__ = ["layout", "strided", "sparse_coo", "sparse_csr", "sparse_csc", "sparse_bsr", "sparse_bsc"]
