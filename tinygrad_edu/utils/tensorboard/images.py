"""Images for TensorBoard: arrange any layout as height x width x channels, lay a batch out as a
grid, and encode the pixels as PNG with zlib (no imaging library needed).

PNG (W3C, "Portable Network Graphics (PNG) Specification", 2003): an 8-byte signature, then
chunks, each `length (4 bytes, big endian), type (4 letters), data, CRC-32 of type and data`.
IHDR gives width, height, bit depth 8 and the colour type (2 = RGB, 6 = RGBA); IDAT holds the
rows, each preceded by its filter byte (0: stored as is), compressed with zlib (deflate); IEND
closes the file.
"""
from __future__ import annotations

import struct
import zlib

import numpy as np

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_COLOR_TYPES = {3: 2, 4: 6}  # channels -> PNG colour type (truecolour, truecolour with alpha)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def encode_png(pixels: np.ndarray) -> bytes:
    """PNG bytes of a uint8 array of shape (height, width, 3 or 4).

    >>> png = encode_png(np.zeros((2, 5, 3), dtype=np.uint8))
    >>> png[:8] == PNG_SIGNATURE, struct.unpack(">II", png[16:24])   # IHDR: width, height
    (True, (5, 2))
    """
    if pixels.dtype != np.uint8 or pixels.ndim != 3 or pixels.shape[2] not in _COLOR_TYPES:
        raise TypeError(f"encode_png: expected uint8 pixels of shape (height, width, 3 or 4), "
                        f"got {pixels.dtype} of shape {pixels.shape}")
    height, width, channels = pixels.shape
    header = struct.pack(">IIBBBBB", width, height, 8, _COLOR_TYPES[channels], 0, 0, 0)
    rows = np.zeros((height, 1 + width * channels), dtype=np.uint8)  # column 0: filter byte 0 ("none")
    rows[:, 1:] = np.ascontiguousarray(pixels).reshape(height, width * channels)
    return (PNG_SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(rows.tobytes(), 6))
            + _chunk(b"IEND", b""))


def make_grid(images: np.ndarray, ncols: int = 8) -> np.ndarray:
    """PyTorch's layout of a batch (N, 1 or 3, H, W): up to `ncols` images a row, left to right,
    the rest of the last row black; one channel is repeated to three. Returns (3, H*rows, W*cols)."""
    if images.shape[1] == 1:
        images = np.concatenate([images, images, images], 1)
    if images.ndim != 4 or images.shape[1] != 3:
        raise AssertionError("Input should be a 4D numpy array with 3 channels")
    count, _, height, width = images.shape
    ncols = min(count, ncols)
    nrows = -(-count // ncols)
    canvas = np.zeros((3, height * nrows, width * ncols), dtype=images.dtype)
    for i in range(count):
        y, x = divmod(i, ncols)
        canvas[:, y * height:(y + 1) * height, x * width:(x + 1) * width] = images[i]
    return canvas


def convert_to_HWC(tensor: np.ndarray, input_format: str) -> np.ndarray:  # (PyTorch's name)
    """Rearrange an image (or a batch, as a grid) given as `input_format` ("CHW", "HWC", "HW",
    "NCHW", ...) to height x width x channels; one channel (or none) becomes three grey ones."""
    if len(set(input_format)) != len(input_format):
        raise AssertionError(f"You can not use the same dimension shorthand twice. input_format: {input_format}")
    if tensor.ndim != len(input_format):
        raise AssertionError(f"size of input tensor and input format are different. "
                             f"tensor shape: {tensor.shape}, input_format: {input_format}")
    input_format = input_format.upper()
    if len(input_format) == 4:
        nchw = tensor.transpose([input_format.find(c) for c in "NCHW"])
        return make_grid(nchw).transpose(1, 2, 0)
    if len(input_format) == 3:
        hwc = tensor.transpose([input_format.find(c) for c in "HWC"])
        return np.concatenate([hwc, hwc, hwc], 2) if hwc.shape[2] == 1 else hwc
    if len(input_format) == 2:
        hw = tensor.transpose([input_format.find(c) for c in "HW"])
        return np.stack([hw, hw, hw], 2)
    raise AssertionError(f"dataformats must have 2, 3 or 4 letters (HW, CHW, NCHW, ...), got {input_format!r}")


def to_uint8(hwc: np.ndarray) -> np.ndarray:
    """PyTorch's scaling: uint8 values are kept, anything else is taken to be in [0, 1] and
    multiplied by 255; then clipped to [0, 255] and truncated to uint8."""
    scale = 1 if hwc.dtype == np.uint8 else 255
    return (hwc.astype(np.float32) * scale).clip(0, 255).astype(np.uint8)


def figure_to_image(figures, close: bool = True) -> np.ndarray:
    """Render a matplotlib figure (CHW, uint8) or a list of them (NCHW) with the Agg canvas."""
    import matplotlib.backends.backend_agg as backend_agg
    import matplotlib.pyplot as plt

    def render(figure) -> np.ndarray:
        canvas = backend_agg.FigureCanvasAgg(figure)
        canvas.draw()
        rgba = np.frombuffer(canvas.buffer_rgba(), dtype=np.uint8)
        width, height = figure.canvas.get_width_height()
        chw = np.moveaxis(rgba.reshape(height, width, 4)[:, :, :3], 2, 0)
        if close:
            plt.close(figure)
        return chw

    if isinstance(figures, list):
        return np.stack([render(figure) for figure in figures])
    return render(figures)
