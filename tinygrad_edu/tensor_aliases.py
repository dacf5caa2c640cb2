"""Tensor methods that are other names of existing functions (see functions_aliases.py):

    hardshrink, prelu                    F.hardshrink, F.prelu
    igamma, igammac (and _ in place)     tg.special.gammainc, gammaincc
    unsafe_chunk, unsafe_split, ...      chunk, split, split_with_sizes
    conj, resolve_conj, resolve_neg      self (a real tensor has nothing to conjugate or negate lazily)
    real, imag                           properties: self; imag raises, as for torch's real tensors
    as_strided_, dense_dim               as_strided in place; the number of dense dims (all, when strided)

`Tensor` inherits these from `AliasMethods`; tensor.py fills in `Tensor` and `_ops` once they exist.
"""
from __future__ import annotations

import numpy as np

Tensor = _ops = None  # set by tensor.py


class AliasMethods:
    """hardshrink, prelu, igamma(c)(_), unsafe_*, conj, resolve_*, real, imag, as_strided_, dense_dim."""

    def hardshrink(self, lambd: float = 0.5) -> "Tensor":
        """x where |x| > lambd, else 0 (see `F.hardshrink`)."""
        from .nn.functional import hardshrink

        return hardshrink(self, lambd)

    def prelu(self, weight: "Tensor") -> "Tensor":
        """max(0, x) + weight · min(0, x), weight per channel (see `F.prelu`)."""
        from .nn.functional import prelu

        return prelu(self, weight)

    def igamma(self, other) -> "Tensor":
        """P(self, other), the regularized lower incomplete gamma function (`tg.special.gammainc`)."""
        from .special import gammainc

        return gammainc(self, other)

    def igammac(self, other) -> "Tensor":
        """Q(self, other) = 1 - P(self, other) (`tg.special.gammaincc`)."""
        from .special import gammaincc

        return gammaincc(self, other)

    def igamma_(self, other) -> "Tensor":
        """`igamma` in place."""
        return self._in_place_with("igamma_", lambda old: old.igamma(other), other)

    def igammac_(self, other) -> "Tensor":
        """`igammac` in place."""
        return self._in_place_with("igammac_", lambda old: old.igammac(other), other)

    def unsafe_chunk(self, chunks: int, dim: int = 0) -> tuple:
        """`chunk` (torch's unsafe one skips a check about in-place changes of the pieces)."""
        return self.chunk(chunks, dim)

    def unsafe_split(self, split_size, dim: int = 0) -> tuple:
        """`split` into pieces of `split_size` (an int, as torch's; `unsafe_split_with_sizes` takes sizes)."""
        if isinstance(split_size, bool) or not isinstance(split_size, (int, np.integer)):
            raise TypeError(f"unsafe_split(): argument 'split_size' (position 2) must be int, not "
                            f"{type(split_size).__name__}")
        return self.split(split_size, dim)

    def unsafe_split_with_sizes(self, split_sizes, dim: int = 0) -> tuple:
        """`split_with_sizes`."""
        return self.split_with_sizes(split_sizes, dim)

    def conj(self) -> "Tensor":
        """self: conjugating a real tensor changes nothing (torch returns the same object)."""
        return self

    def resolve_conj(self) -> "Tensor":
        """self: a real tensor has no pending conjugation."""
        return self

    def resolve_neg(self) -> "Tensor":
        """self: a real tensor has no pending negation."""
        return self

    def as_subclass(self, cls: type) -> "Tensor":
        """This tensor as an instance of `cls` (a subclass of Tensor), sharing its numbers and its
        version counter and staying on the graph (an alias: the gradient flows back to self), as
        PyTorch's. Ops on it accept it like any tensor and return plain Tensors (PyTorch would keep
        the subclass through `__torch_function__`, which tinygrad_edu does not have).

        >>> import tinygrad_edu as tg
        >>> class Tagged(tg.Tensor):
        ...     pass
        >>> x = tg.ones(2, requires_grad=True)
        >>> t = x.as_subclass(Tagged)
        >>> type(t).__name__, t.grad_fn.name()
        ('Tagged', 'AliasBackward0')
        >>> (t * 3).sum().backward(); x.grad
        tensor([3., 3.])
        """
        from .tensor import Tensor

        if not (isinstance(cls, type) and issubclass(cls, Tensor)):
            raise TypeError("Creating a Tensor subclass from a class that does not inherit from Tensor is not "
                            "possible. Make sure your class inherits from Tensor.")
        out = self[...]  # a view: same memory, same version counter, AliasBackward0 on the graph
        out.__class__ = cls
        return out

    def is_conj(self) -> bool:
        """False: a real tensor never carries a pending conjugation."""
        return False

    def is_neg(self) -> bool:
        """False: a real tensor never carries a pending negation."""
        return False

    def conj_physical(self) -> "Tensor":
        """The tensor itself: the conjugate of a real tensor is its values (PyTorch returns the
        same tensor object for a real input, too)."""
        return self

    def conj_physical_(self) -> "Tensor":
        """self, its values unchanged (conjugating real values changes nothing), but changed in place
        as PyTorch sees it: its version moves, and a leaf that requires grad refuses it."""
        return self._in_place("conj_physical_", lambda x: x.conj_physical())

    def is_pinned(self, device=None) -> bool:
        """False: page-locked memory is for copies to a GPU, and there is none."""
        return False

    def pin_memory(self, device=None) -> "Tensor":
        """self: there is no GPU to copy to, so nothing needs page-locked memory (PyTorch's
        `DataLoader(pin_memory=True)` code runs unchanged)."""
        return self

    def record_stream(self, stream) -> None:
        """Nothing to do: there are no CUDA streams."""

    @property
    def real(self) -> "Tensor":
        """self: the real part of a real tensor is the tensor."""
        return self

    @property
    def imag(self) -> "Tensor":
        """Raises RuntimeError, as torch does for a real tensor (complex dtypes are not supported here)."""
        raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")

    def dense_dim(self) -> int:
        """The number of dense dims: all of them for a strided (not sparse) tensor."""
        return self.ndim

    def as_strided_(self, size, stride, storage_offset: int | None = None) -> "Tensor":
        """`as_strided` in place: self becomes that view of its memory."""
        return self._reshape_in_place("as_strided_", lambda t: t.as_strided(size, stride, storage_offset))
