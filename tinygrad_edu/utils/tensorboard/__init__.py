"""`tg.utils.tensorboard`: PyTorch's `torch.utils.tensorboard.SummaryWriter`, writing event files
that TensorBoard reads (`tensorboard --logdir runs`), with numpy and the standard library only.

    writer.py       SummaryWriter: add_scalar(s), add_histogram, add_image(s), add_figure, add_text, add_hparams
    summary.py      values -> Summary messages (PyTorch's histogram buckets, image scaling)
    images.py       image layouts, the batch grid, PNG encoding (zlib)
    hparams.py      the HPARAMS plugin's messages
    events.py       Event, Summary, HistogramProto, TensorProto ... field by field
    protobuf.py     the protocol buffer wire format (varints, keys, packed fields) and a decoder
    record_file.py  TFRecord framing with masked CRC32C, and a reader that checks it
    event_file.py   one events.out.tfevents.* file and when it is flushed
"""
from .writer import SummaryWriter

__all__ = ["SummaryWriter"]
