"""PyTorch's old Tensor methods and attributes that code written for earlier versions still uses:

    removed       lstsq, solve, eig, symeig, reinforce: raise RuntimeError saying what replaces them
    deprecated    volatile (always False, warns), resize / resize_as (a reshape, warns)
    storage       set_ (share another tensor's memory), is_set_to (the same memory, shape and strides?)
    bookkeeping   is_xla, is_maia (False), to_dense (self: every tensor is dense),
                  module_load (how load_state_dict turns a saved value into a parameter)

`Tensor` inherits them from `LegacyMethods`; tensor.py fills in `Tensor` once it exists. The
module function `resize_as_` is `tg.resize_as_`.
"""
from __future__ import annotations

import warnings

import numpy as np

from . import functions_removed as _removed
from . import storage as _storage
from .autograd.grad_mode import _state as _grad_state
from .conversion import _is_dtype

Tensor = None  # set by tensor.py

_REINFORCE = ("reinforce() was removed.\nUse tg.distributions instead.\n"
              "See https://pytorch.org/docs/main/distributions.html\n\n"
              "Instead of:\n\nprobs = policy_network(state)\naction = probs.multinomial()\n"
              "next_state, reward = env.step(action)\naction.reinforce(reward)\naction.backward()\n\n"
              "Use:\n\nprobs = policy_network(state)\n"
              "# NOTE: categorical is equivalent to what used to be called multinomial\n"
              "m = tg.distributions.Categorical(probs)\naction = m.sample()\n"
              "next_state, reward = env.step(action)\nloss = -m.log_prob(action) * reward\nloss.backward()\n")


def _need_tensor(value, op: str, name: str) -> "Tensor":
    if not isinstance(value, Tensor):
        raise TypeError(f"{op}(): argument '{name}' (position 1) must be Tensor, not {type(value).__name__}")
    return value


def resize_as_(input: "Tensor", the_template: "Tensor", *, memory_format=None) -> "Tensor":
    """`input.resize_as_(the_template)`: give `input` the template's shape, in place."""
    return _need_tensor(input, "resize_as_", "input").resize_as_(the_template, memory_format=memory_format)


class LegacyMethods:
    """Removed, deprecated and storage-level Tensor methods (mixed into `Tensor`)."""

    is_xla = False   # no XLA (TPU) tensors here
    is_maia = False  # no MAIA tensors here

    # ---- removed: they raise, naming the replacement ---------------------------------------------
    def lstsq(self, other):
        """Removed (PyTorch 1.9): raises RuntimeError pointing to `tg.linalg.lstsq`."""
        raise RuntimeError(_removed.LSTSQ)

    def solve(self, other):
        """Removed (PyTorch 1.9): raises RuntimeError pointing to `tg.linalg.solve`."""
        raise RuntimeError(_removed.SOLVE)

    def eig(self, eigenvectors: bool = False):
        """Removed (PyTorch 1.9): raises RuntimeError pointing to `tg.linalg.eigh`."""
        raise RuntimeError(_removed.EIG)

    def symeig(self, eigenvectors: bool = False):
        """Removed (PyTorch 1.9): raises RuntimeError pointing to `tg.linalg.eigh`."""
        raise RuntimeError(_removed.SYMEIG)

    def reinforce(self, reward):
        """Removed (PyTorch 0.3): raises RuntimeError showing the tg.distributions way."""
        raise RuntimeError(_REINFORCE)

    # ---- deprecated ------------------------------------------------------------------------------
    @property
    def volatile(self) -> bool:
        """Removed flag of PyTorch's old Variables: always False, with a warning (use no_grad)."""
        warnings.warn("volatile was removed (Variable.volatile is always False)", UserWarning, stacklevel=2)
        return False

    @volatile.setter
    def volatile(self, value) -> None:
        warnings.warn("volatile was removed and now has no effect. Use `with tg.no_grad():` instead.",
                      UserWarning, stacklevel=2)

    def resize(self, *sizes) -> "Tensor":
        """Deprecated (warns): this tensor's elements in the shape `sizes`, which must hold as many
        elements (a view when the memory allows, like reshape); differentiable.

        >>> import warnings
        >>> import tinygrad_edu as tg
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     tg.arange(6).resize(3, 2).shape
        (3, 2)
        """
        warnings.warn("non-inplace resize is deprecated", UserWarning, stacklevel=2)
        return self._resized(sizes)

    def resize_as(self, tensor: "Tensor") -> "Tensor":
        """Deprecated (warns): `resize(*tensor.shape)`."""
        warnings.warn("non-inplace resize_as is deprecated", UserWarning, stacklevel=2)
        return self._resized(_need_tensor(tensor, "resize_as", "tensor").shape)

    def _resized(self, sizes: tuple) -> "Tensor":
        # PyTorch multiplies the arguments: sizes given as one tuple do not count as ints
        count = 1
        for n in sizes:
            count = count * n if isinstance(n, (int, np.integer)) and not isinstance(n, bool) else sizes
        shown = "x".join(map(str, sizes))
        if count != self.numel():
            raise RuntimeError(f"resize: requested resize to {shown} ({count} elements in total), but the given "
                               f"tensor has a size of {'x'.join(map(str, self.shape))} ({self.numel()} elements). "
                               f"The (non-in-place) resize can only change the shape of a tensor, while preserving "
                               f"the number of elements; use resize_ to change it.")
        return self.reshape(tuple(int(n) for n in sizes))

    # ---- storage ---------------------------------------------------------------------------------
    def set_(self, source=None, storage_offset: int = 0, size=None, stride=None) -> "Tensor":
        """Make this tensor look at `source`'s memory, in place: afterwards a change of either is
        seen in both. With only `source`, self gets its shape and strides; with `size` (and
        `stride`, contiguous by default), self is the view `source.as_strided(size, stride,
        storage_offset)` (the offset counted from the start of source's memory). With no source,
        self becomes empty. The dtypes must be equal; not recorded by autograd.

        >>> import tinygrad_edu as tg
        >>> s = tg.arange(4.0)
        >>> t = tg.zeros(2).set_(s)
        >>> t[0] = 9.0
        >>> s, t.is_set_to(s)
        (tensor([9., 1., 2., 3.]), True)
        """
        if self.requires_grad and self.grad_fn is None and _grad_state.enabled:
            raise RuntimeError(f"set_: a leaf tensor that requires grad (shape {self.shape}) is being used in an "
                               f"in-place operation; do it under tg.no_grad()")
        if source is None:
            array = np.empty(0, dtype=self.data.dtype)
        elif not isinstance(source, Tensor):
            raise TypeError(f"set_() received an invalid combination of arguments - got ({type(source).__name__}), "
                            f"but expected one of: (), (Tensor source), (Tensor source, int storage_offset, tuple "
                            f"of ints size, tuple of ints stride = None)")
        elif source.dtype != self.dtype:
            raise RuntimeError(f"set_: could not set a tensor of dtype {self.dtype} to a tensor of dtype "
                               f"{source.dtype}")
        elif size is None:
            array = source.data
        else:
            size = tuple(int(n) for n in size)
            if stride is None:  # C-contiguous strides, in elements
                stride = tuple(int(np.prod(size[d + 1:])) for d in range(len(size)))
            array = source.detach().as_strided(size, stride, storage_offset).data
        self.data = array
        self.__dict__.pop("_view_of", None)  # no longer a view that follows another tensor's history
        self._version += 1
        return self

    def is_set_to(self, tensor: "Tensor") -> bool:
        """True if both tensors look at the same memory with the same start, shape and strides
        (`t.set_(s)` makes it so; a view of another shape or start is not)."""
        _need_tensor(tensor, "is_set_to", "tensor")
        a, b = self.data, tensor.data
        return (_storage.root_array(a) is _storage.root_array(b) and _storage.address(a) == _storage.address(b)
                and a.shape == b.shape and a.strides == b.strides and a.dtype == b.dtype)

    # ---- bookkeeping -----------------------------------------------------------------------------
    def to_dense(self, dtype=None, *, masked_grad: bool = True) -> "Tensor":
        """Self (every tensor here is dense, "strided"), or a copy in `dtype` if it differs."""
        if dtype is None or (_is_dtype(dtype) and np.dtype(dtype) == self.dtype):
            return self
        return self.to(dtype)

    def module_load(self, other, assign: bool = False) -> "Tensor":
        """What `nn.Module.load_state_dict` makes of the saved value `other` for this parameter or
        buffer when it swaps tensors: `other.detach()` with `assign=True`, otherwise
        `self.copy_(other).detach()` (other's values in self's dtype, written into self)."""
        if assign:
            return other.detach()
        return self.copy_(other).detach()
