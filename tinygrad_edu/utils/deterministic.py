"""`tg.utils.deterministic`, PyTorch's `torch.utils.deterministic`: one switch.

`fill_uninitialized_memory` (True at start): while `tg.use_deterministic_algorithms(True)` is on,
the functions that hand out memory without writing it (`tg.empty`, `empty_like`, `empty_strided`,
`empty_permuted`, `Tensor.new_empty`, the new elements of `resize_`) fill it with NaN (floats) or
the largest value (integers; True for bool), as PyTorch does, so that a program that reads memory
it never wrote shows it at once instead of reading whatever was there. Set it to False to leave
that memory as it comes (zeros here).

>>> import tinygrad_edu as tg
>>> tg.use_deterministic_algorithms(True)
>>> tg.empty(2)
tensor([nan, nan])
>>> tg.use_deterministic_algorithms(False)
"""
fill_uninitialized_memory = True
