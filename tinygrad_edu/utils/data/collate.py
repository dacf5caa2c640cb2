"""`default_collate`: how a DataLoader joins a list of examples into one batch (PyTorch's rules).

    Tensors                -> stacked along a new first axis
    numpy arrays           -> made Tensors, then stacked
    Python floats / ints   -> a 1-D Tensor (float64 / int64; bools give bool)
    numpy scalars          -> a 1-D Tensor of their dtype
    strings, bytes         -> left as a list
    dicts                  -> a dict: each key's values collated
    tuples, lists          -> per position: (x, y) examples give a list [xs, ys]
                              (a namedtuple keeps its type)

`default_convert` is what a DataLoader does to examples it does not batch (`batch_size=None`):
numpy arrays and numbers become Tensors, inside dicts and sequences too; nothing is stacked.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from ...creation import as_tensor, tensor
from ...functions import stack
from ...tensor import Tensor


def default_collate(batch: list):
    """Join the examples of `batch` into one batch, by the type of its first example.

    >>> import tinygrad_edu as tg
    >>> xs, ys = default_collate([(tg.zeros(2), 0), (tg.ones(2), 1)])
    >>> xs.shape, ys
    ((2, 2), tensor([0, 1]))
    """
    if len(batch) == 0:
        raise ValueError("default_collate: the batch is empty")
    elem = batch[0]
    if isinstance(elem, Tensor):
        return stack(batch, 0)
    if isinstance(elem, np.ndarray):
        if elem.dtype.kind in "OSUV":
            raise TypeError(f"default_collate: batch must contain tensors, numpy arrays, numbers, dicts "
                            f"or lists; found numpy array of dtype {elem.dtype}")
        return stack([as_tensor(b) for b in batch], 0)
    if isinstance(elem, np.generic):
        return as_tensor(np.array(batch))
    if isinstance(elem, float):
        return tensor(batch, dtype=np.float64)
    if isinstance(elem, int):  # (bool too: a bool tensor)
        return tensor(batch)
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, Mapping):
        return {key: default_collate([d[key] for d in batch]) for key in elem}
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # a namedtuple
        return type(elem)(*(default_collate(list(samples)) for samples in zip(*batch)))
    if isinstance(elem, Sequence):
        if any(len(e) != len(elem) for e in batch):
            raise RuntimeError("default_collate: each element in list of batch should be of equal size")
        return [default_collate(list(samples)) for samples in zip(*batch)]
    raise TypeError(f"default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; "
                    f"found {type(elem).__name__}")


def default_convert(data):
    """numpy arrays (and numpy scalars) in `data` made Tensors (sharing memory), at any depth of
    dicts, tuples and lists (a tuple becomes a list, as in PyTorch); everything else unchanged."""
    if isinstance(data, Tensor):
        return data
    if isinstance(data, (np.ndarray, np.generic)):
        if data.dtype.kind in "OSUV":
            return data
        return as_tensor(data)
    if isinstance(data, Mapping):
        return {key: default_convert(data[key]) for key in data}
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, Sequence) and not isinstance(data, (str, bytes)):
        converted = [default_convert(d) for d in data]
        if isinstance(data, tuple):
            return converted
        try:
            return type(data)(converted)
        except TypeError:
            return converted
    return data
