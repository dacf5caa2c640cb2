"""tg.utils.tensorboard.SummaryWriter: the event files are read back byte by byte here (every CRC
checked, every Event decoded), then by TensorBoard's own EventAccumulator and compared with
PyTorch's writer when those are installed."""
from __future__ import annotations

import glob
import os
import re
import struct
import warnings
import zlib

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu.utils.tensorboard import SummaryWriter
from tinygrad_edu.utils.tensorboard import writer as writer_module
from tinygrad_edu.utils.tensorboard.protobuf import decode_message, read_varint, varint
from tinygrad_edu.utils.tensorboard.record_file import crc32c, frame_record, masked_crc32c, read_records

# ---------------------------------------------------------------- an independent reader


def _double(raw: bytes) -> float:
    return struct.unpack("<d", raw)[0]


def _signed(value: int) -> int:
    return value - (1 << 64) if value >= 1 << 63 else value


def _decode_tensor(raw: bytes) -> dict:
    fields = decode_message(raw)
    shape = [decode_message(dim).get(1, [0])[0] for dim in decode_message(fields[2][0]).get(2, [])] \
        if 2 in fields else None
    floats = [v for packed in fields.get(5, []) for v in struct.unpack(f"<{len(packed) // 4}f", packed)]
    doubles = [v for packed in fields.get(6, []) for v in struct.unpack(f"<{len(packed) // 8}d", packed)]
    return {"dtype": fields.get(1, [0])[0], "shape": shape, "float_val": floats, "double_val": doubles,
            "string_val": fields.get(8, [])}


def _decode_value(raw: bytes) -> dict:
    fields = decode_message(raw)
    value = {"tag": fields[1][0].decode()}
    if 2 in fields:
        value["simple_value"] = struct.unpack("<f", fields[2][0])[0]
    if 4 in fields:
        image = decode_message(fields[4][0])
        value["image"] = {"height": image[1][0], "width": image[2][0], "colorspace": image[3][0], "png": image[4][0]}
    if 5 in fields:
        histo = decode_message(fields[5][0])
        scalars = {name: _double(histo[n][0]) if n in histo else 0.0
                   for n, name in enumerate(["min", "max", "num", "sum", "sum_squares"], start=1)}
        for n, name in ((6, "bucket_limit"), (7, "bucket")):
            packed = histo.get(n, [b""])[0]
            scalars[name] = list(struct.unpack(f"<{len(packed) // 8}d", packed))
        value["histo"] = scalars
    if 8 in fields:
        value["tensor"] = _decode_tensor(fields[8][0])
    if 9 in fields:
        plugin = decode_message(decode_message(fields[9][0])[1][0])
        value["plugin_name"] = plugin[1][0].decode()
        value["plugin_content"] = plugin.get(2, [b""])[0]
    return value


def decode_event(raw: bytes) -> dict:
    fields = decode_message(raw)
    event = {"wall_time": _double(fields[1][0]) if 1 in fields else 0.0,
             "step": _signed(fields[2][0]) if 2 in fields else 0}
    if 3 in fields:
        event["file_version"] = fields[3][0].decode()
    if 5 in fields:
        event["values"] = [_decode_value(v) for v in decode_message(fields[5][0]).get(1, [])]
    if 7 in fields:
        event["session_log_status"] = decode_message(fields[7][0]).get(1, [0])[0]
    return event


def event_files(log_dir) -> list[str]:
    return sorted(glob.glob(os.path.join(str(log_dir), "events.out.tfevents.*")))


def read_events(log_dir) -> list[dict]:
    """The events of every event file directly in log_dir, in file order."""
    return [decode_event(record) for path in event_files(log_dir) for record in read_records(path)]


def values_by_tag(log_dir) -> dict[str, list[tuple[int, dict]]]:
    out: dict[str, list] = {}
    for event in read_events(log_dir):
        for value in event.get("values", []):
            out.setdefault(value["tag"], []).append((event["step"], value))
    return out


def decode_png(png: bytes) -> np.ndarray:
    """Pixels of a PNG written with filter 0 on every row (checks the signature and each chunk's CRC)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    position, chunks = 8, {}
    while position < len(png):
        (length,) = struct.unpack(">I", png[position:position + 4])
        kind, data = png[position + 4:position + 8], png[position + 8:position + 8 + length]
        assert struct.unpack(">I", png[position + 8 + length:position + 12 + length])[0] == zlib.crc32(kind + data)
        chunks[kind] = chunks.get(kind, b"") + data
        position += 12 + length
    width, height, depth, color_type = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert depth == 8 and b"IEND" in chunks
    channels = {2: 3, 6: 4}[color_type]
    rows = np.frombuffer(zlib.decompress(chunks[b"IDAT"]), dtype=np.uint8).reshape(height, 1 + width * channels)
    assert (rows[:, 0] == 0).all()
    return rows[:, 1:].reshape(height, width, channels)


# ---------------------------------------------------------------- the format's pieces


def test_crc32c_check_values():
    # the CRC-32C check value, and the test vectors of RFC 3720 (iSCSI), section B.4
    assert crc32c(b"123456789") == 0xE3069283
    assert crc32c(bytes(32)) == 0x8A9136AA
    assert crc32c(b"\xff" * 32) == 0x62A8AB43
    assert crc32c(bytes(range(32))) == 0x46DD794E
    assert crc32c(b"") == 0


def test_masked_crc_and_record_framing():
    crc = crc32c(b"abc")
    assert masked_crc32c(b"abc") == (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF
    record = frame_record(b"abc")
    assert len(record) == 8 + 4 + 3 + 4
    assert struct.unpack("<Q", record[:8])[0] == 3 and record[12:15] == b"abc"
    assert struct.unpack("<I", record[8:12])[0] == masked_crc32c(record[:8])
    assert struct.unpack("<I", record[15:])[0] == masked_crc32c(b"abc")


def test_varints():
    assert varint(0) == b"\x00" and varint(1) == b"\x01" and varint(127) == b"\x7f"
    assert varint(128) == b"\x80\x01" and varint(300) == b"\xac\x02"
    assert varint(-1) == b"\xff" * 9 + b"\x01"  # an int64 of -1: its 64-bit two's complement
    for n in (0, 1, 300, 2**32 + 5, 2**63 - 1):
        assert read_varint(varint(n), 0) == (n, len(varint(n)))
    assert _signed(read_varint(varint(-7), 0)[0]) == -7


def test_a_damaged_file_is_refused(tmp_path):
    with SummaryWriter(tmp_path) as writer:
        writer.add_scalar("x", 1.0, 0)
    path = event_files(tmp_path)[0]
    content = bytearray(open(path, "rb").read())
    content[-6] ^= 0xFF  # a byte of the last record's data
    open(path, "wb").write(bytes(content))
    with pytest.raises(ValueError, match="CRC of its data"):
        read_records(path)
    open(path, "wb").write(bytes(content[:-2]))
    with pytest.raises(ValueError, match="cut off"):
        read_records(path)


# ---------------------------------------------------------------- the writer, read back here


def test_file_name_and_first_event(tmp_path):
    writer = SummaryWriter(tmp_path, filename_suffix=".v2")
    assert writer.get_logdir() == tmp_path
    files = event_files(tmp_path)
    assert len(files) == 1
    name = os.path.basename(files[0])
    assert re.fullmatch(rf"events\.out\.tfevents\.\d{{10}}\.[^.]+.*\.{os.getpid()}\.\d+\.v2", name), name
    events = read_events(tmp_path)  # written at once, before any add_*
    assert len(events) == 1 and events[0]["file_version"] == "brain.Event:2" and events[0]["wall_time"] > 1e9
    writer.close()


def test_default_log_dir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    writer = SummaryWriter(comment="_lr0.1")
    writer.close()
    log_dir = writer.get_logdir()
    assert re.fullmatch(r"runs/[A-Z][a-z]{2}\d\d_\d\d-\d\d-\d\d_.+_lr0\.1", log_dir.replace(os.sep, "/")), log_dir
    assert len(event_files(tmp_path / log_dir)) == 1


def test_scalars(tmp_path):
    weight = tg.tensor([0.25], requires_grad=True)
    with SummaryWriter(tmp_path) as writer:
        for step in range(4):
            writer.add_scalar("loss", 1.0 / (step + 1), step)
        writer.add_scalar("weight", weight * 2, 10, walltime=1234.5)  # a tensor that requires grad
        writer.add_scalar("numpy", np.float32(3.5), -2)
        writer.add_scalar("nostep", tg.tensor(7))
        writer.add_scalar("new", 1.0 / 3, 1, new_style=True)
        writer.add_scalar("new64", 1.0 / 3, 1, new_style=True, double_precision=True)
    tags = values_by_tag(tmp_path)
    assert [(step, v["simple_value"]) for step, v in tags["loss"]] == [
        (0, 1.0), (1, 0.5), (2, np.float32(1 / 3)), (3, 0.25)]  # float32, as TensorBoard stores it
    assert tags["weight"][0][0] == 10 and tags["weight"][0][1]["simple_value"] == 0.5
    weight_events = [e for e in read_events(tmp_path) if e.get("values", [{}])[0].get("tag") == "weight"]
    assert [e["wall_time"] for e in weight_events] == [1234.5]
    assert tags["numpy"] == [(-2, {"tag": "numpy", "simple_value": 3.5})]
    assert tags["nostep"][0][0] == 0
    new, new64 = tags["new"][0][1], tags["new64"][0][1]
    assert new["plugin_name"] == "scalars" and new["tensor"]["dtype"] == 1
    assert new["tensor"]["float_val"] == [np.float32(1 / 3)] and new["tensor"]["shape"] is None
    assert new64["tensor"]["dtype"] == 2 and new64["tensor"]["double_val"] == [1 / 3]


def test_scalar_errors(tmp_path):
    with SummaryWriter(tmp_path) as writer:
        with pytest.raises(AssertionError, match="one element"):
            writer.add_scalar("x", tg.ones(3))
        with pytest.raises(NotImplementedError, match="numpy array or tinygrad_edu tensor"):
            writer.add_scalar("x", [1.0])


def test_add_scalars_writes_one_run_per_tag(tmp_path):
    with SummaryWriter(tmp_path) as writer:
        for step in range(3):
            writer.add_scalars("run/14h", {"xsinx": step * np.sin(step), "xcosx": float(step)}, step)
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_dir()) == ["run_14h_xcosx", "run_14h_xsinx"]
    cos = values_by_tag(tmp_path / "run_14h_xcosx")
    assert list(cos) == ["run/14h"] and [(s, v["simple_value"]) for s, v in cos["run/14h"]] == [(0, 0), (1, 1), (2, 2)]
    assert "run/14h" not in values_by_tag(tmp_path)


def test_histogram_buckets_by_hand(tmp_path):
    values = np.array([0.5, 1.5, 1.7, 2.5])
    with SummaryWriter(tmp_path) as writer:
        writer.add_histogram("h", values, 3, bins=[0, 1, 2, 3])
        writer.add_histogram("w", tg.tensor(values, requires_grad=True), 4)
    histo = values_by_tag(tmp_path)["h"][0][1]["histo"]
    # np.histogram gives counts [1, 2, 1]; TensorBoard stores right edges, so an empty bucket leads
    assert histo["bucket_limit"] == [0, 1, 2, 3] and histo["bucket"] == [0, 1, 2, 1]
    assert (histo["min"], histo["max"], histo["num"]) == (0.5, 2.5, 4)
    assert histo["sum"] == pytest.approx(6.2) and histo["sum_squares"] == pytest.approx(values @ values)
    step, default = values_by_tag(tmp_path)["w"][0]
    limits = default["histo"]["bucket_limit"]
    assert step == 4 and sum(default["histo"]["bucket"]) == 4 and limits == sorted(limits)
    # the default edges are ±1e-12·1.1^k: the edge right of 0.5 is the first one >= 0.5
    assert limits[1] >= 0.5 > limits[0] and limits[1] / limits[0] == pytest.approx(1.1)


def test_histogram_max_bins_and_errors(tmp_path):
    values = np.arange(100.0)
    with SummaryWriter(tmp_path) as writer:
        writer.add_histogram("h", values, 0, bins=20, max_bins=5)
        with pytest.raises(ValueError, match="no element"):
            writer.add_histogram("empty", np.zeros(0))
        with pytest.raises(ValueError, match="bucket_limits"):
            writer.add_histogram_raw("raw", 0, 1, 2, 1, 1, [1.0, 2.0], [2.0])
        writer.add_histogram_raw("raw", 0, 1, 2, 1, 1, [0.5, 1.0], [1, 1], global_step=1)
    tags = values_by_tag(tmp_path)
    histo = tags["h"][0][1]["histo"]
    # 20 buckets of width 99/20 over [0, 99], merged 4 by 4 into 5
    assert histo["bucket"] == [0, 20, 20, 20, 20, 20]
    assert histo["bucket_limit"] == pytest.approx([0, 19.8, 39.6, 59.4, 79.2, 99])
    assert tags["raw"][0][1]["histo"]["bucket"] == [1, 1]


def test_images(tmp_path):
    rng = np.random.default_rng(0)
    chw = rng.random((3, 6, 7))
    hwc_uint8 = rng.integers(0, 256, (5, 4, 4), dtype=np.uint8)
    with SummaryWriter(tmp_path) as writer:
        writer.add_image("chw", tg.tensor(chw, requires_grad=True), 1)
        writer.add_image("rgba", hwc_uint8, 2, dataformats="HWC")
        writer.add_image("gray", np.full((2, 3), 2.0), 3, dataformats="HW")  # clipped to 255
        writer.add_images("batch", rng.random((10, 1, 4, 5)), 4)
        with pytest.raises(AssertionError, match="size of input tensor and input format are different"):
            writer.add_image("bad", np.zeros((2, 3)))
    tags = values_by_tag(tmp_path)
    image = tags["chw"][0][1]["image"]
    assert (image["height"], image["width"], image["colorspace"]) == (6, 7, 3)
    assert struct.unpack(">II", image["png"][16:24]) == (7, 6)  # IHDR: width, height
    np.testing.assert_array_equal(decode_png(image["png"]),
                                  (chw.transpose(1, 2, 0).astype(np.float32) * 255).astype(np.uint8))
    rgba = tags["rgba"][0][1]["image"]
    assert rgba["colorspace"] == 4
    np.testing.assert_array_equal(decode_png(rgba["png"]), hwc_uint8)  # uint8 kept as it is
    assert (decode_png(tags["gray"][0][1]["image"]["png"]) == 255).all()
    batch = tags["batch"][0][1]["image"]
    assert (batch["height"], batch["width"]) == (2 * 4, 8 * 5)  # 10 images: 8 a row, then 2
    grid = decode_png(batch["png"])
    assert (grid[4:, 10:] == 0).all()  # the rest of the second row is black


def test_figure(tmp_path):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    figure = plt.figure(figsize=(2, 1), dpi=50)
    plt.plot([0, 1], [1, 0])
    with SummaryWriter(tmp_path) as writer:
        writer.add_figure("fig", figure, 0)
        writer.add_figure("figs", [plt.figure(figsize=(1, 1), dpi=20) for _ in range(3)], 1)
    assert not plt.fignum_exists(figure.number)  # close=True
    tags = values_by_tag(tmp_path)
    image = tags["fig"][0][1]["image"]
    assert (image["width"], image["height"]) == (100, 50)
    assert decode_png(image["png"]).shape == (50, 100, 3)
    assert (tags["figs"][0][1]["image"]["width"], tags["figs"][0][1]["image"]["height"]) == (60, 20)


def test_text(tmp_path):
    with SummaryWriter(tmp_path) as writer:
        writer.add_text("notes", "learning rate *0.1* — héllo", 5)
    step, value = values_by_tag(tmp_path)["notes/text_summary"][0]
    assert step == 5 and value["plugin_name"] == "text" and value["plugin_content"] == b""
    assert value["tensor"]["dtype"] == 7 and value["tensor"]["shape"] == [1]
    assert value["tensor"]["string_val"] == ["learning rate *0.1* — héllo".encode()]


def test_hparams(tmp_path):
    with SummaryWriter(tmp_path) as writer:
        writer.add_hparams({"lr": 0.1, "optimizer": "sgd", "nesterov": True, "skip": None},
                           {"hparam/accuracy": 0.75}, run_name="trial")
        with pytest.raises(TypeError, match="should be dictionary"):
            writer.add_hparams([("lr", 0.1)], {})
        with pytest.raises(ValueError, match="value should be one of"):
            writer.add_hparams({"shape": (1, 2)}, {})
    tags = values_by_tag(tmp_path / "trial")
    assert [t for t in tags] == ["_hparams_/experiment", "_hparams_/session_start_info",
                                 "_hparams_/session_end_info", "hparam/accuracy"]
    assert tags["hparam/accuracy"][0][1]["simple_value"] == 0.75
    start = decode_message(decode_message(tags["_hparams_/session_start_info"][0][1]["plugin_content"])[3][0])
    entries = {decode_message(e)[1][0].decode(): decode_message(decode_message(e)[2][0]) for e in start[1]}
    assert set(entries) == {"lr", "optimizer", "nesterov"}
    assert _double(entries["lr"][2][0]) == 0.1 and entries["optimizer"][3] == [b"sgd"]
    assert _double(entries["nesterov"][2][0]) == 1.0  # as in PyTorch: a bool is checked as an int first


def test_purge_step_flush_close_and_reopen(tmp_path):
    writer = SummaryWriter(tmp_path, purge_step=7, max_queue=100)
    writer.add_scalar("x", 1.0, 7)
    assert [e.get("session_log_status") for e in read_events(tmp_path)] == [None]  # still pending
    writer.flush()
    events = read_events(tmp_path)
    assert [(e["step"], e.get("file_version"), e.get("session_log_status")) for e in events[:3]] == [
        (0, "brain.Event:2", None), (7, "brain.Event:2", None), (7, None, 1)]
    assert events[3]["values"][0]["tag"] == "x"
    writer.close()
    writer.close()  # a second close does nothing
    writer.add_scalar("x", 2.0, 8)  # after close: a new file
    writer.close()
    assert len(event_files(tmp_path)) == 2
    assert [(s, v["simple_value"]) for s, v in values_by_tag(tmp_path)["x"]] == [(7, 1.0), (8, 2.0)]


def test_max_queue_flushes_without_being_asked(tmp_path):
    writer = SummaryWriter(tmp_path, max_queue=3)
    for step in range(3):
        writer.add_scalar("x", step, step)
    assert len(values_by_tag(tmp_path)["x"]) == 3
    writer.close()


def test_graph_warns_once_and_embedding_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(writer_module, "_graph_warned", False)
    model = tg.nn.Linear(2, 1)
    with SummaryWriter(tmp_path) as writer:
        with pytest.warns(UserWarning, match="tg.viz.to_dot"):
            writer.add_graph(model, tg.ones(1, 2))
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            writer.add_graph(model, tg.ones(1, 2))
        with pytest.raises(NotImplementedError, match="add_embedding"):
            writer.add_embedding(tg.randn(4, 3))
        with pytest.raises(NotImplementedError, match="add_audio"):
            writer.add_audio("a", tg.zeros(1, 10))
    assert len(read_events(tmp_path)) == 1  # only the file version


def test_the_package_never_imports_tensorboard_or_torch():
    import sys
    package_dir = os.path.dirname(writer_module.__file__)
    for path in glob.glob(os.path.join(package_dir, "*.py")):
        source = open(path, encoding="utf-8").read()
        assert not re.search(r"^\s*(import|from)\s+(tensorboard|torch|google|PIL)\b", source, re.M), path
    assert "tinygrad_edu.utils.tensorboard" in sys.modules


# ---------------------------------------------------------------- TensorBoard reads the files


def _write_everything(writer_class, log_dir, values: dict):
    with writer_class(str(log_dir)) as writer:
        for step in range(3):
            writer.add_scalar("loss", values["loss"][step], step, walltime=100.0 + step)
        writer.add_histogram("weights", values["weights"], 1, walltime=200.0)
        writer.add_histogram("auto", values["weights"], 1, bins="auto", walltime=200.0)
        writer.add_image("image", values["image"], 2, walltime=300.0)
        writer.add_text("notes", "hello *tensorboard*", 3, walltime=400.0)


def _values(rng):
    return {"loss": [1.0, 0.5, 0.25], "weights": rng.standard_normal(300), "image": rng.random((3, 4, 6))}


def test_tensorboard_reads_the_files(tmp_path):
    pytest.importorskip("tensorboard")
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    values = _values(np.random.default_rng(1))
    _write_everything(SummaryWriter, tmp_path, values)
    accumulator = EventAccumulator(str(tmp_path), size_guidance={"scalars": 0, "histograms": 0, "images": 0,
                                                                 "tensors": 0})
    accumulator.Reload()
    tags = accumulator.Tags()
    assert tags["scalars"] == ["loss"] and sorted(tags["histograms"]) == ["auto", "weights"]
    assert tags["images"] == ["image"] and tags["tensors"] == ["notes/text_summary"]
    assert [(e.step, e.wall_time, e.value) for e in accumulator.Scalars("loss")] == [
        (0, 100.0, 1.0), (1, 101.0, 0.5), (2, 102.0, 0.25)]
    histo = accumulator.Histograms("weights")[0].histogram_value
    assert histo.num == 300 and sum(histo.bucket) == 300 and histo.min == values["weights"].min()
    image = accumulator.Images("image")[0]
    assert (image.step, image.width, image.height) == (2, 6, 4)
    assert image.encoded_image_string.startswith(b"\x89PNG")
    text = accumulator.Tensors("notes/text_summary")[0]
    assert text.step == 3 and text.tensor_proto.string_val == [b"hello *tensorboard*"]
    assert accumulator.SummaryMetadata("notes/text_summary").plugin_data.plugin_name == "text"


def test_the_same_events_as_pytorchs_writer(tmp_path):
    torch = pytest.importorskip("torch")
    pytest.importorskip("tensorboard")
    from torch.utils.tensorboard import SummaryWriter as TorchSummaryWriter
    from torch.utils.tensorboard import summary as torch_summary
    values = _values(np.random.default_rng(2))
    _write_everything(SummaryWriter, tmp_path / "tg", values)
    torch_values = dict(values, weights=torch.tensor(values["weights"]), image=torch.tensor(values["image"]))
    _write_everything(TorchSummaryWriter, tmp_path / "torch", torch_values)
    ours, theirs = read_events(tmp_path / "tg"), read_events(tmp_path / "torch")
    assert len(ours) == len(theirs) == 8
    for mine, reference in zip(ours[1:], theirs[1:]):  # (the first holds the time and the writer's name)
        image_mine = mine["values"][0].pop("image", None)
        image_ref = reference["values"][0].pop("image", None)
        assert mine == reference
        if image_ref is not None:  # PNGs compressed differently, the same pixels
            import io

            from PIL import Image
            assert {k: v for k, v in image_mine.items() if k != "png"} == \
                   {k: v for k, v in image_ref.items() if k != "png"}
            np.testing.assert_array_equal(decode_png(image_mine["png"]),
                                          np.asarray(Image.open(io.BytesIO(image_ref["png"]))))
    # and the Summary bytes themselves, message for message
    from tinygrad_edu.utils.tensorboard import summary as our_summary
    bins = SummaryWriter(tmp_path / "bins").default_bins
    weights = values["weights"]
    for kind, max_bins in ((bins, None), ("fd", None), (30, 4), (bins, 9)):
        assert our_summary.histogram("h", weights, kind, max_bins).hex() == \
            torch_summary.histogram("h", torch.tensor(weights), kind, max_bins=max_bins).SerializeToString().hex()
    for value, options in ((0.0, {}), (-2.5, {}), (1 / 3, {"new_style": True}),
                           (1 / 3, {"new_style": True, "double_precision": True})):
        assert our_summary.scalar("s", value, **options) == \
            torch_summary.scalar("s", value, **options).SerializeToString()
    assert our_summary.text("t", "héllo") == torch_summary.text("t", "héllo").SerializeToString()


def test_hparams_as_pytorch_builds_them():
    pytest.importorskip("torch")
    pytest.importorskip("tensorboard")
    from tensorboard.compat.proto.summary_pb2 import Summary
    from tensorboard.plugins.hparams.plugin_data_pb2 import HParamsPluginData
    from torch.utils.tensorboard import summary as torch_summary

    from tinygrad_edu.utils.tensorboard.hparams import hparams
    hparam_dict = {"lr": 0.1, "batch": 4, "optimizer": "sgd", "flag": False, "skip": None}
    metric_dict = {"hp/accuracy": 0.9, "hp/loss": 1}
    domains = {"optimizer": ["sgd", "adam"], "batch": [4, 8]}
    for mine, reference in zip(hparams(hparam_dict, metric_dict, domains),
                               torch_summary.hparams(hparam_dict, metric_dict, domains)):
        mine = Summary.FromString(mine)
        assert mine.value[0].tag == reference.value[0].tag
        assert mine.value[0].metadata.plugin_data.plugin_name == "hparams"
        # (a map's entries may be serialized in any order: compare the decoded messages)
        assert HParamsPluginData.FromString(mine.value[0].metadata.plugin_data.content) == \
            HParamsPluginData.FromString(reference.value[0].metadata.plugin_data.content)
