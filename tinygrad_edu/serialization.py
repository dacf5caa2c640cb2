"""Saving and loading state dicts in numpy's `.npz` format.

The file holds the arrays (`a0`, `a1`, ...) and one JSON description of the structure
(`__structure__`): nested dicts and lists of numbers, strings, None, arrays and Tensors.
Nothing is pickled, so loading a file cannot run code. Writes go to a temporary file that is
renamed into place, so a crash never leaves half a file behind.
"""
from __future__ import annotations

import json
import os
import tempfile
import zipfile
from pathlib import Path

import numpy as np

from .tensor import Tensor

_STRUCTURE_KEY = "__structure__"
_FORMAT = "tinygrad_edu.save/1"


class LoadError(ValueError, RuntimeError):
    """A file that `tg.load` cannot read: damaged, truncated, or not written by `tg.save`."""


def _encode(obj, arrays: list, where: str):
    """The JSON-able description of obj; arrays go into `arrays` and are referred to by index."""
    if isinstance(obj, Tensor):
        arrays.append(obj.data)
        return {"tensor": len(arrays) - 1}
    if isinstance(obj, np.ndarray):
        if obj.dtype.kind not in "biufc":
            raise TypeError(f"save: {where} is an array of dtype {obj.dtype}; only numeric arrays can be saved")
        arrays.append(obj)
        return {"array": len(arrays) - 1}
    if isinstance(obj, dict):
        items = []
        for key, value in obj.items():
            if not isinstance(key, (str, int)) or isinstance(key, bool):
                raise TypeError(f"save: dict keys must be str or int, {where} has key {key!r}")
            items.append([key, _encode(value, arrays, f"{where}[{key!r}]")])
        return {"dict": items}
    if isinstance(obj, (list, tuple)):
        kind = "list" if isinstance(obj, list) else "tuple"
        return {kind: [_encode(v, arrays, f"{where}[{i}]") for i, v in enumerate(obj)]}
    if isinstance(obj, np.generic):
        obj = obj.item()
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return {"value": obj}
    raise TypeError(
        f"save: cannot save {where} of type {type(obj).__name__}; a state dict holds dicts, lists, "
        f"numbers, strings, arrays and Tensors"
    )


def _decode(desc, arrays):
    (kind, value), = desc.items()
    if kind == "tensor":
        return Tensor(arrays[f"a{value}"])
    if kind == "array":
        return arrays[f"a{value}"]
    if kind == "dict":
        return {key: _decode(v, arrays) for key, v in value}
    if kind == "list":
        return [_decode(v, arrays) for v in value]
    if kind == "tuple":
        return tuple(_decode(v, arrays) for v in value)
    if kind == "value":
        return value
    raise KeyError(kind)


def save(obj, path: str | os.PathLike) -> None:
    """Write a state dict (or any nest of dicts/lists of arrays, Tensors, numbers and strings)
    to exactly `path` (no suffix is added).

    >>> import tinygrad_edu as tg, tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "model.npz")
    >>> tg.save({"w": tg.ones(2)}, path)
    >>> tg.load(path)["w"]
    tensor([1., 1.])
    """
    path = Path(path)
    arrays: list[np.ndarray] = []
    structure = {"format": _FORMAT, "root": _encode(obj, arrays, "the object")}
    payload = {f"a{i}": a for i, a in enumerate(arrays)}
    payload[_STRUCTURE_KEY] = np.frombuffer(json.dumps(structure).encode(), dtype=np.uint8)
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():  # else mkstemp would name its temporary file in the error
        raise FileNotFoundError(f"save: the folder {directory} does not exist (saving to {path})")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **payload)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def load(path: str | os.PathLike):
    """Read what `save` wrote. Arrays saved as Tensors come back as Tensors (not requiring grad).
    A damaged or foreign file raises `LoadError`; nothing is returned half-read."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"load: no such file: {path}")
    try:
        with np.load(path, allow_pickle=False) as archive:
            if _STRUCTURE_KEY not in archive.files:
                raise LoadError(f"load: {path} is an .npz file but was not written by tg.save")
            structure = json.loads(archive[_STRUCTURE_KEY].tobytes().decode())
            if structure.get("format") != _FORMAT:
                raise LoadError(f"load: {path} has an unknown format {structure.get('format')!r}")
            arrays = {name: archive[name] for name in archive.files if name != _STRUCTURE_KEY}
            return _decode(structure["root"], arrays)
    except LoadError:
        raise
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, KeyError, json.JSONDecodeError,
            UnicodeDecodeError, AttributeError, TypeError) as err:
        raise LoadError(
            f"load: {path} is damaged or is not a tinygrad_edu save file ({type(err).__name__}: {err})"
        ) from err
