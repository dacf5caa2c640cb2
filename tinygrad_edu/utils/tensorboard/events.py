"""TensorBoard's messages (tensorboard/compat/proto/event.proto, summary.proto, tensor.proto,
tensor_shape.proto), each a function that returns its encoded bytes.

    Event          wall_time 1 double, step 2 int64, file_version 3 string (oneof what),
                   summary 5 Summary (oneof what), session_log 7 SessionLog (oneof what),
                   source_metadata 10 SourceMetadata {writer 1 string}
    SessionLog     status 1 enum (START = 1)
    Summary        repeated Value value 1
    Value          tag 1 string, simple_value 2 float, image 4 Image, histo 5 HistogramProto,
                   tensor 8 TensorProto (those four: oneof value), metadata 9 SummaryMetadata
    Image          height 1 int32, width 2 int32, colorspace 3 int32, encoded_image_string 4 bytes
    HistogramProto min 1, max 2, num 3, sum 4, sum_squares 5 (doubles),
                   bucket_limit 6, bucket 7 (packed repeated doubles)
    SummaryMetadata  plugin_data 1 {plugin_name 1 string, content 2 bytes}
    TensorProto    dtype 1 enum, tensor_shape 2 {repeated dim 2 {size 1 int64}},
                   float_val 5 packed float, double_val 6 packed double, string_val 8 repeated bytes

Fields are written in field-number order, as protobuf's own serializer does, so that these
bytes equal the ones PyTorch's writer produces for the same values.
"""
from __future__ import annotations

from .protobuf import bytes_field, double_field, float_field, int_field, message_field, packed_doubles, packed_floats

FILE_VERSION = "brain.Event:2"
SESSION_LOG_START = 1
DT_FLOAT, DT_DOUBLE, DT_STRING = 1, 2, 7  # tensorflow/core/framework/types.proto


def event(wall_time: float, step: int | None = None, *, file_version: str | None = None,
          summary: bytes | None = None, session_log_status: int | None = None,
          source_writer: str | None = None) -> bytes:
    out = double_field(1, wall_time) + int_field(2, 0 if step is None else step)
    if file_version is not None:
        out += bytes_field(3, file_version, always=True)
    if summary is not None:
        out += message_field(5, summary)
    if session_log_status is not None:
        out += message_field(7, int_field(1, session_log_status))
    if source_writer is not None:
        out += message_field(10, bytes_field(1, source_writer))
    return out


def summary(*values: bytes) -> bytes:
    return b"".join(message_field(1, value) for value in values)


def summary_value(tag: str, *, simple_value: float | None = None, image: bytes | None = None,
                  histo: bytes | None = None, tensor: bytes | None = None,
                  metadata: bytes | None = None) -> bytes:
    out = bytes_field(1, tag)
    if simple_value is not None:
        out += float_field(2, simple_value, always=True)
    if image is not None:
        out += message_field(4, image)
    if histo is not None:
        out += message_field(5, histo)
    if tensor is not None:
        out += message_field(8, tensor)
    if metadata is not None:
        out += message_field(9, metadata)
    return out


def image_message(height: int, width: int, colorspace: int, encoded_image: bytes) -> bytes:
    return int_field(1, height) + int_field(2, width) + int_field(3, colorspace) + bytes_field(4, encoded_image)


def histogram_message(min: float, max: float, num: float, sum: float, sum_squares: float,
                      bucket_limit, bucket) -> bytes:
    return (double_field(1, min) + double_field(2, max) + double_field(3, num) + double_field(4, sum)
            + double_field(5, sum_squares) + packed_doubles(6, bucket_limit) + packed_doubles(7, bucket))


def summary_metadata(plugin_name: str, content: bytes = b"") -> bytes:
    return message_field(1, bytes_field(1, plugin_name) + bytes_field(2, content))


def tensor_message(dtype: int, shape: tuple[int, ...] | None = None, *, float_val=None, double_val=None,
                   string_val=None) -> bytes:
    out = int_field(1, dtype)
    if shape is not None:
        out += message_field(2, b"".join(message_field(2, int_field(1, size)) for size in shape))
    if float_val is not None:
        out += packed_floats(5, float_val)
    if double_val is not None:
        out += packed_doubles(6, double_val)
    for string in string_val or ():
        out += bytes_field(8, string, always=True)
    return out
