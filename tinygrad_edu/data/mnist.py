"""MNIST from files the user already has: the original IDX files or the CSV files of Rashid's book.

Nothing is downloaded. `load_mnist(directory)` looks for, in order, the IDX files of
Y. LeCun, C. Cortes and C. J. C. Burges's MNIST database under both common spellings,
`train-images-idx3-ubyte` and `train-images.idx3-ubyte`, each plain or gzipped (`.gz`), with the
matching `train-labels-idx1-ubyte` file (`t10k-...` for the test set), and then the CSV files of
T. Rashid's "Make Your Own Neural Network" (2016), `mnist_train.csv` (`mnist_test.csv`).

IDX layout: two zero bytes, a dtype code byte, a byte with the number of dimensions, then each
dimension as a big-endian int32, then the values, big-endian, in C order.
"""
from __future__ import annotations

import gzip
import os
import zlib
from pathlib import Path

import numpy as np

_IDX_DTYPES: dict[int, np.dtype] = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_GZIP_MAGIC = b"\x1f\x8b"
_IDX_PREFIX = {"train": "train", "test": "t10k"}


def _read_maybe_gzipped(path: Path) -> bytes:
    raw = path.read_bytes()
    # Sniff the gzip signature rather than trust the suffix: renamed files are common.
    if raw[:2] != _GZIP_MAGIC:
        return raw
    try:
        return gzip.decompress(raw)
    except (OSError, EOFError, zlib.error) as error:
        raise ValueError(f"load_idx: {path} is not a readable gzip file ({error})") from error


def load_idx(path: str | os.PathLike) -> np.ndarray:
    """Read one IDX file (plain or gzip-compressed) into an array of its stored shape.

    The values keep their stored type, converted to native byte order (uint8 for MNIST).

    >>> images = load_idx("train-images-idx3-ubyte.gz")   # doctest: +SKIP
    >>> images.shape, images.dtype                          # doctest: +SKIP
    ((60000, 28, 28), dtype('uint8'))
    """
    path = Path(path)
    data = _read_maybe_gzipped(path)
    if len(data) < 4:
        raise ValueError(f"load_idx: {path} is truncated: {len(data)} bytes, the header needs 4")
    if data[0] != 0 or data[1] != 0 or data[2] not in _IDX_DTYPES:
        raise ValueError(
            f"load_idx: {path} has a bad magic number 0x{data[:4].hex()} "
            f"(expected 0x0000 then a type code in {sorted(hex(code) for code in _IDX_DTYPES)})"
        )
    dtype = _IDX_DTYPES[data[2]]
    ndim = data[3]
    header_size = 4 + 4 * ndim
    if len(data) < header_size:
        raise ValueError(
            f"load_idx: {path} is truncated: the header declares {ndim} dimensions "
            f"({header_size} bytes), the file has {len(data)} bytes"
        )
    shape = tuple(int(n) for n in np.frombuffer(data, dtype=">u4", count=ndim, offset=4))
    expected = header_size + int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(data) != expected:
        problem = "truncated" if len(data) < expected else "longer than its header says"
        raise ValueError(
            f"load_idx: {path} is {problem}: shape {shape} of {dtype.name} needs {expected} bytes, "
            f"the file has {len(data)}"
        )
    values = np.frombuffer(data, dtype=dtype, offset=header_size).reshape(shape)
    return values.astype(dtype.newbyteorder("="))


def load_mnist_csv(path: str | os.PathLike) -> tuple[np.ndarray, np.ndarray]:
    """Read a CSV in the book's format: per line a label, then the pixel values 0..255.

    A first line that does not start with a number (a column header) is skipped.
    Returns images as float64 of shape (n, n_pixels) scaled to 0..1, and int64 labels.
    """
    path = Path(path)
    with open(path) as file:
        first_line = file.readline()
    if not first_line.strip():
        raise ValueError(f"load_mnist_csv: {path} is empty")
    first_field = first_line.split(",", 1)[0].strip()
    has_header = not first_field.lstrip("+-").replace(".", "", 1).isdigit()
    try:
        table = np.loadtxt(path, delimiter=",", dtype=np.float64, ndmin=2, skiprows=int(has_header))
    except ValueError as error:
        raise ValueError(f"load_mnist_csv: {path} is not a numeric CSV table ({error})") from error
    if table.shape[0] == 0 or table.shape[1] < 2:
        raise ValueError(f"load_mnist_csv: {path} has no rows of a label and pixels (shape {table.shape})")
    return table[:, 1:] / 255.0, table[:, 0].astype(np.int64)


def load_mnist(directory: str | os.PathLike, kind: str = "train") -> tuple[np.ndarray, np.ndarray]:
    """Load the MNIST training or test set from local files.

    Returns `(images, labels)`: images float64 of shape (n, 784) scaled to 0..1, labels int64.

    >>> images, labels = load_mnist("~/data/mnist", kind="test")   # doctest: +SKIP
    """
    if kind not in _IDX_PREFIX:
        raise ValueError(f"load_mnist: kind must be 'train' or 'test', got {kind!r}")
    directory = Path(directory).expanduser()
    prefix = _IDX_PREFIX[kind]
    if not directory.is_dir():
        raise FileNotFoundError(f"load_mnist: {directory} is not a folder (give the folder that holds the MNIST files)")
    images_names = _idx_names(prefix, "images", 3)
    labels_names = _idx_names(prefix, "labels", 1)
    images_file = _first_existing(directory, images_names)
    labels_file = _first_existing(directory, labels_names)
    if images_file is not None and labels_file is not None:
        images, labels = load_idx(images_file), load_idx(labels_file)
        if images.shape[0] != labels.shape[0]:
            raise ValueError(
                f"load_mnist: {images_file} holds {images.shape[0]} images "
                f"but {labels_file} holds {labels.shape[0]} labels"
            )
        return images.reshape(images.shape[0], -1).astype(np.float64) / 255.0, labels.astype(np.int64)

    csv_file = directory / f"mnist_{kind}.csv"
    if csv_file.is_file():
        return load_mnist_csv(csv_file)

    found = images_file or labels_file
    half = f" (found {found.name} but not its partner)" if found is not None else ""
    raise FileNotFoundError(
        f"load_mnist: no MNIST {kind} set in {directory}{half}; looked for the images in "
        f"{' / '.join(images_names)} with the labels in {' / '.join(labels_names)} "
        f"(each also with .gz), or the book's CSV {csv_file.name}"
    )


def _idx_names(prefix: str, what: str, dims: int) -> tuple[str, str]:
    # The original files are `train-images-idx3-ubyte`; many copies spell it `train-images.idx3-ubyte`.
    return f"{prefix}-{what}-idx{dims}-ubyte", f"{prefix}-{what}.idx{dims}-ubyte"


def _first_existing(directory: Path, names: tuple[str, ...]) -> Path | None:
    for name in names:
        for candidate in (directory / name, directory / f"{name}.gz"):
            if candidate.is_file():
                return candidate
    return None
