"""`default_collate`: how a DataLoader joins a list of examples into one batch (PyTorch's rules).

    Tensors                -> stacked along a new first axis
    numpy arrays           -> made Tensors, then stacked
    Python floats / ints   -> a 1-D Tensor (float64 / int64; bools give bool)
    numpy scalars          -> a 1-D Tensor of their dtype
    strings, bytes         -> left as they are (the list, or tuple, of them)
    dicts (any Mapping)    -> the same mapping type: each key's values collated
    tuples                 -> a list, per position: (x, y) examples give [xs, ys]
    lists (any Sequence)   -> the same sequence type, per position (a namedtuple keeps its type)

The rules live in `default_collate_fn_map` (element type -> function), which `collate` consults
before it looks into mappings and sequences, as in PyTorch's `torch.utils.data._utils.collate`:
a collate_fn can reuse `collate` with its own map for one more type.

`default_convert` is what a DataLoader does to examples it does not batch (`batch_size=None`):
numpy arrays and numbers become Tensors, inside dicts and sequences too; nothing is stacked.
"""
from __future__ import annotations

import copy
from collections.abc import Mapping, MutableMapping, MutableSequence, Sequence

import numpy as np

from ...creation import as_tensor, tensor
from ...functions import stack
from ...tensor import Tensor

_ERROR = "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}"


def _is_text_array(array: np.ndarray) -> bool:
    """Strings, bytes or Python objects: numpy arrays that cannot become a Tensor."""
    return array.dtype.kind in "OSUV"


def collate_tensor_fn(batch, *, collate_fn_map=None) -> Tensor:
    return stack(list(batch), 0)


def collate_numpy_array_fn(batch, *, collate_fn_map=None) -> Tensor:
    if _is_text_array(batch[0]):
        raise TypeError(_ERROR.format(batch[0].dtype))
    return collate([as_tensor(b) for b in batch], collate_fn_map=collate_fn_map)


def collate_numpy_scalar_fn(batch, *, collate_fn_map=None) -> Tensor:
    return as_tensor(np.array(batch))


def collate_float_fn(batch, *, collate_fn_map=None) -> Tensor:
    return tensor(list(batch), dtype=np.float64)


def collate_int_fn(batch, *, collate_fn_map=None) -> Tensor:
    return tensor(list(batch))  # (bools give a bool tensor; an int first and a float later, a float one)


def collate_str_fn(batch, *, collate_fn_map=None):
    return batch


# Looked up by the first element's exact type, then by isinstance in this order (so np.float64,
# a float subclass, is a numpy scalar; np.str_, a str subclass, stays a string).
default_collate_fn_map: dict = {
    Tensor: collate_tensor_fn,
    np.ndarray: collate_numpy_array_fn,
    (np.bool_, np.number, np.object_): collate_numpy_scalar_fn,
    float: collate_float_fn,
    int: collate_int_fn,
    str: collate_str_fn,
    bytes: collate_str_fn,
}


def collate(batch, *, collate_fn_map: dict | None = None):
    """Collate `batch` by the type of its first element: a function of `collate_fn_map` for it
    (exact type first, then the first key it is an instance of), else recursively into
    mappings, namedtuples and sequences. `TypeError` for anything else."""
    elem = batch[0]  # (IndexError for an empty batch, as in PyTorch)
    elem_type = type(elem)
    if collate_fn_map is not None:
        if elem_type in collate_fn_map:
            return collate_fn_map[elem_type](batch, collate_fn_map=collate_fn_map)
        for collate_type, fn in collate_fn_map.items():
            if isinstance(elem, collate_type):
                return fn(batch, collate_fn_map=collate_fn_map)
    if isinstance(elem, Mapping):
        collated = {key: collate([d[key] for d in batch], collate_fn_map=collate_fn_map) for key in elem}
        return _same_kind_mapping(elem, collated)
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # a namedtuple keeps its type
        return elem_type(*(collate(samples, collate_fn_map=collate_fn_map) for samples in zip(*batch)))
    if isinstance(elem, Sequence):
        size = len(elem)
        if any(len(e) != size for e in batch):
            raise RuntimeError(f"default_collate: each element in list of batch should be of equal size "
                               f"(got lengths {[len(e) for e in batch]})")
        collated = [collate(samples, collate_fn_map=collate_fn_map) for samples in zip(*batch)]
        if isinstance(elem, tuple):
            return collated  # (a plain tuple gives a list, as in PyTorch)
        return _same_kind_sequence(elem, collated)
    raise TypeError(_ERROR.format(elem_type.__name__))


def _same_kind_mapping(like: Mapping, items: dict) -> Mapping:
    """`items` in a mapping of the type of `like` (a copy of it when mutable, so that e.g. a
    defaultdict keeps its default); a plain dict when the type cannot be rebuilt."""
    try:
        if isinstance(like, MutableMapping):
            clone = copy.copy(like)
            clone.update(items)
            return clone
        return type(like)(items)
    except TypeError:
        return items


def _same_kind_sequence(like: Sequence, items: list) -> Sequence:
    """`items` in a sequence of the type of `like`; a plain list when it cannot be rebuilt."""
    try:
        if isinstance(like, MutableSequence):
            clone = copy.copy(like)
            for i, item in enumerate(items):
                clone[i] = item
            return clone
        return type(like)(items)
    except TypeError:
        return items


def default_collate(batch: list):
    """Join the examples of `batch` into one batch, by the type of its first example.

    >>> import tinygrad_edu as tg
    >>> xs, ys = default_collate([(tg.zeros(2), 0), (tg.ones(2), 1)])
    >>> xs.shape, ys
    ((2, 2), tensor([0, 1]))
    """
    return collate(batch, collate_fn_map=default_collate_fn_map)


def default_convert(data):
    """numpy arrays (and numpy scalars) in `data` made Tensors (sharing memory), at any depth of
    mappings, tuples and lists (a plain tuple becomes a list, as in PyTorch; other containers
    keep their type); everything else unchanged."""
    if isinstance(data, Tensor):
        return data
    if isinstance(data, (np.ndarray, np.generic)) and not isinstance(data, (str, bytes)):
        if isinstance(data, np.ndarray) and _is_text_array(data):
            return data
        return as_tensor(data)
    if isinstance(data, Mapping):
        return _same_kind_mapping(data, {key: default_convert(data[key]) for key in data})
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, Sequence) and not isinstance(data, (str, bytes)):
        return _same_kind_sequence(data, [default_convert(d) for d in data])
    return data
