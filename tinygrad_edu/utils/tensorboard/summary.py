"""From values to encoded `Summary` messages: scalars, histograms, images, text; the same
computations as PyTorch's torch/utils/tensorboard/summary.py, so TensorBoard shows the same thing."""
from __future__ import annotations

import numpy as np

from . import events
from .images import convert_to_HWC, encode_png, to_uint8


def to_numpy(value) -> np.ndarray:
    """A Tensor (detached: one that requires grad is fine), an ndarray or a number, as an ndarray
    (a number becomes a 1-element array, as in PyTorch)."""
    if isinstance(value, np.ndarray):
        return value
    if np.isscalar(value):
        return np.array([value])
    from ...tensor import Tensor
    if isinstance(value, Tensor):
        return np.asarray(value)
    raise NotImplementedError(f"Got {type(value)}, but numpy array or tinygrad_edu tensor are expected.")


def scalar(tag: str, value, new_style: bool = False, double_precision: bool = False) -> bytes:
    """A `simple_value` (float32), or with `new_style` a 0-d tensor for the "scalars" plugin."""
    array = to_numpy(value).squeeze()
    if array.ndim != 0:
        raise AssertionError(f"Tensor should contain one element (0 dimensions). "
                             f"Was given size: {array.size} and {array.ndim} dimensions.")
    number = float(array)
    if not new_style:
        return events.summary(events.summary_value(tag, simple_value=number))
    tensor = (events.tensor_message(events.DT_DOUBLE, double_val=[number]) if double_precision
              else events.tensor_message(events.DT_FLOAT, float_val=[number]))
    return events.summary(events.summary_value(tag, tensor=tensor, metadata=events.summary_metadata("scalars")))


def tensorflow_bins() -> list[float]:
    """TensorBoard's default bucket edges: ±1e-12·1.1^k up to 1e20, and 0 (1,549 edges),
    grown by repeated multiplication exactly as PyTorch's SummaryWriter grows them."""
    v, buckets = 1e-12, []
    while v < 1e20:
        buckets.append(v)
        v *= 1.1
    return [-b for b in reversed(buckets)] + [0] + buckets


def make_histogram(values: np.ndarray, bins, max_bins: int | None = None) -> bytes:
    """A HistogramProto: counts from `np.histogram(values, bins)`, trimmed to the buckets that
    hold values (plus one empty bucket on the left, since TensorBoard stores right edges only)."""
    if values.size == 0:
        raise ValueError("The input has no element.")
    values = values.reshape(-1)
    counts, limits = np.histogram(values, bins=bins)
    num_bins = len(counts)
    if max_bins is not None and num_bins > max_bins:  # merge each `subsampling` neighbouring buckets
        subsampling = num_bins // max_bins
        remainder = num_bins % subsampling
        if remainder != 0:
            counts = np.pad(counts, pad_width=[[0, subsampling - remainder]], mode="constant", constant_values=0)
        counts = counts.reshape(-1, subsampling).sum(axis=-1)
        new_limits = np.empty((counts.size + 1,), limits.dtype)
        new_limits[:-1] = limits[:-1:subsampling]
        new_limits[-1] = limits[-1]
        limits = new_limits
    # the first and the last bucket that hold values
    cum_counts = np.cumsum(np.greater(counts, 0))
    start, end = np.searchsorted(cum_counts, [0, cum_counts[-1] - 1], side="right")
    start, end = int(start), int(end) + 1
    counts = counts[start - 1:end] if start > 0 else np.concatenate([[0], counts[:end]])
    limits = limits[start:end + 1]
    if counts.size == 0 or limits.size == 0:
        raise ValueError("The histogram is empty, please file a bug report.")
    return events.histogram_message(values.min(), values.max(), len(values), values.sum(), values.dot(values),
                                    limits.tolist(), counts.tolist())


def histogram(tag: str, values, bins, max_bins: int | None = None) -> bytes:
    hist = make_histogram(to_numpy(values).astype(float), bins, max_bins)
    return events.summary(events.summary_value(tag, histo=hist))


def histogram_raw(tag: str, min, max, num, sum, sum_squares, bucket_limits, bucket_counts) -> bytes:
    hist = events.histogram_message(min, max, num, sum, sum_squares, bucket_limits, bucket_counts)
    return events.summary(events.summary_value(tag, histo=hist))


def image(tag: str, value, dataformats: str = "NCHW") -> bytes:
    """One PNG image; a batch (dataformats with N) becomes a grid of up to 8 columns."""
    pixels = to_uint8(convert_to_HWC(to_numpy(value), dataformats))
    height, width, channels = pixels.shape
    encoded = events.image_message(height, width, channels, encode_png(pixels))
    return events.summary(events.summary_value(tag, image=encoded))


def text(tag: str, text_string: str) -> bytes:
    """A 1-element string tensor for the "text" plugin, under the tag `<tag>/text_summary`.
    (The plugin's content, TextPluginData(version=0), encodes to no bytes at all.)"""
    tensor = events.tensor_message(events.DT_STRING, (1,), string_val=[text_string.encode("utf-8")])
    return events.summary(events.summary_value(tag + "/text_summary", tensor=tensor,
                                               metadata=events.summary_metadata("text")))
