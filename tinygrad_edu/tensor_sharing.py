"""Tensor methods for sharing a tensor's numbers between processes (tg.multiprocessing):

    share_memory_    move the numbers into shared memory (in place; returns self)
    is_shared        are they in shared memory?

The shared memory is a named block of `multiprocessing.shared_memory` (see
multiprocessing/shared_arrays.py). `Tensor` inherits these from `SharingMethods`.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

import numpy as np

from .devices import MetaArray

if TYPE_CHECKING:
    from .tensor import Tensor


class SharingMethods:
    """share_memory_, is_shared (mixed into `Tensor`)."""

    def share_memory_(self) -> "Tensor":
        """Move this tensor's numbers into shared memory, so that processes forked afterwards, and
        processes it is sent to (`tg.multiprocessing.Queue`), read and write the same numbers.
        Values, dtype, shape, strides and `requires_grad` stay; the tensor keeps its identity (an
        optimizer holding it updates the shared numbers). Returns self; does nothing if the
        numbers are already shared.

        >>> import tinygrad_edu as tg
        >>> w = tg.zeros(2, 3, requires_grad=True)
        >>> w.is_shared(), w.share_memory_() is w, w.is_shared()
        (False, True, True)

        As in PyTorch, a view's whole storage (the memory it looks into) is moved; but here the
        tensor it is a view of keeps its own, unshared copy: share the base tensor first (or
        `model.share_memory()`) and make views afterwards.
        """
        share_memory_together([self])
        return self

    def is_shared(self) -> bool:
        """True if this tensor's numbers are in shared memory: after `share_memory_()`, for a view
        of such a tensor, and for a tensor received from another process.

        >>> import tinygrad_edu as tg
        >>> t = tg.ones(4).share_memory_()
        >>> t[1:].is_shared(), t.clone().is_shared()
        (True, False)
        """
        from .multiprocessing.shared_arrays import is_shared_array

        return is_shared_array(self.data)


def share_memory_together(tensors: Iterable["Tensor"]) -> None:
    """`share_memory_()` of each tensor, where tensors that share memory now (a tensor and its views,
    a module's tied weights) stay views of one shared block (Module.share_memory uses this)."""
    from .multiprocessing.shared_arrays import is_shared_array, share_array  # (it imports Tensor)
    from .nn.parameter import UninitializedTensorMixin

    tensors = list(tensors)
    moved: dict = {}
    old_counters: dict = {}
    for t in tensors:
        if isinstance(t, UninitializedTensorMixin):
            t.share_memory_()  # (raises: a lazy module's parameter has no numbers until its first forward)
        if isinstance(t.data, MetaArray) or not isinstance(t.data, np.ndarray):
            raise RuntimeError(f"share_memory_: only available on CPU tensors; this tensor of shape {t.shape} is "
                               f"on the meta device (it has no numbers to share)")
        if is_shared_array(t.data):
            continue
        t.data = share_array(t.data, moved)
        # a tensor that shared memory with tensors not in `tensors` no longer does: it gets a
        # version counter of its own (one per old counter, so the ones moved together still share)
        if t._version_counter is not None:
            key = id(t._version_counter)
            if key not in old_counters:
                old_counters[key] = (t._version_counter, [t._version])
            t._version_counter = old_counters[key][1]
        if t._view_of is not None and not any(t._view_of[0] is other for other in tensors):
            t._view_of = None
