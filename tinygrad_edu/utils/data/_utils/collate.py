"""`collate`, `default_collate_fn_map` and the per-type collate functions, at PyTorch's path
`torch.utils.data._utils.collate` (they live in `tg.utils.data.collate`).

    >>> from tinygrad_edu.utils.data._utils.collate import collate, default_collate_fn_map
    >>> collate([{"a": 1}, {"a": 2}], collate_fn_map=default_collate_fn_map)
    {'a': tensor([1, 2])}
"""
from ..collate import (  # noqa: F401
    collate,
    collate_float_fn,
    collate_int_fn,
    collate_numpy_array_fn,
    collate_numpy_scalar_fn,
    collate_str_fn,
    collate_tensor_fn,
    default_collate,
    default_collate_fn_map,
    default_convert,
)
