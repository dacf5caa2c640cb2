"""as_strided (ops/strided.py) and the storage attributes (storage.py): views of a tensor's memory.

The cases read only places that the input's own elements cover (a view reaching into its base
gives the base's elements no gradient, in PyTorch too, so a finite difference would disagree):
sliding windows that overlap (their gradients add up), a transposed input, and an expanded one
(whose elements share places)."""
import tinygrad_edu as tg

from . import not_differentiable, register

register("tg.as_strided", lambda x: tg.as_strided(x, (x.numel() - 1, 2), (1, 1)),  # overlapping windows
         [(6,)], [(2, 3)], [(1, 2)], [(3, 1)])
register("Tensor.as_strided", lambda x: x.transpose(0, 1).as_strided((2, 2), (1, 2), 1) * x.sum(),
         [(2, 3)], [(3, 2)], [(5, 1)])
register("Tensor.as_strided(expanded input)", lambda x: x.expand(2, *x.shape).as_strided((x.numel(),), (1,)),
         [(3,)], [(2, 2)], [(1,)])

not_differentiable(
    "the memory a tensor lives in (address, size, bytes): no numbers to differentiate",
    "Tensor.storage", "Tensor.untyped_storage",
)
