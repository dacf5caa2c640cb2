"""How a Tensor crosses a process boundary: pickled by `multiprocessing`'s `ForkingPickler` (what
`Queue.put`, `Pipe.send`, `Pool` and the arguments of a `spawn`ed `Process` use), a tensor is sent
as a handle to its shared memory -- not as a copy of its numbers -- as PyTorch's
`torch/multiprocessing/reductions.py` does:

- a tensor that is not in shared memory is moved there first (`share_memory_()`: the sender's
  tensor is shared from then on), so the receiver's tensor and the sender's are the same numbers:
  a write in one process is seen in the other;
- `requires_grad` (and being an `nn.Parameter`) carries over; `.grad` does not, nor the graph:
  a tensor that requires grad and was computed (not a leaf) is refused, as PyTorch refuses it.

Plain `pickle` (and `tg.save`) are not affected: they still copy the numbers.
"""
from __future__ import annotations

import warnings
from multiprocessing.reduction import ForkingPickler

import numpy as np

from ..devices import MetaArray
from ..tensor import Tensor
from .shared_arrays import Handle, array_from_handle, handle_of


def rebuild_tensor(handle: Handle, requires_grad: bool, is_parameter: bool, name: str | None) -> Tensor:
    """The receiving side: a leaf tensor on the sender's shared memory."""
    array = array_from_handle(handle)
    if is_parameter:
        from ..nn.parameter import Parameter

        return Parameter(array, requires_grad=requires_grad)
    tensor = Tensor(array, name=name)
    if requires_grad:
        tensor.requires_grad_(True)
    return tensor


def reduce_tensor(tensor: Tensor):
    """The sending side (registered with ForkingPickler for Tensor)."""
    if tensor.requires_grad and tensor.grad_fn is not None:
        raise RuntimeError(
            "Cowardly refusing to serialize non-leaf tensor which requires_grad, since autograd does not "
            "support crossing process boundaries.  If you just want to transfer the data, call detach() on "
            "the tensor before serializing (e.g., putting it on the queue)."
        )
    for hook in tensor._hooks or ():
        warnings.warn(f"backward hook {hook!r} on tensor will not be serialized: the receiving process gets "
                      f"the tensor without its hooks", stacklevel=2)
    if not isinstance(tensor.data, np.ndarray) or isinstance(tensor.data, MetaArray):
        return tensor.__reduce_ex__(2)  # (a meta tensor has no numbers to share: pickled as usual)
    from ..nn.parameter import Parameter

    tensor.share_memory_()
    return rebuild_tensor, (handle_of(tensor.data), tensor.requires_grad, isinstance(tensor, Parameter), tensor.name)


def init_reductions() -> None:
    """Register `reduce_tensor` with multiprocessing's pickler (done when the package is imported,
    as `import torch` does). `nn.Parameter` needs no entry: a parameter's class is Tensor here."""
    ForkingPickler.register(Tensor, reduce_tensor)
