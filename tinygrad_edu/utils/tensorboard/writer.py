"""`SummaryWriter`: PyTorch's `torch.utils.tensorboard.SummaryWriter`, writing the event files
TensorBoard reads (`tensorboard --logdir runs`) with only numpy and the standard library."""
from __future__ import annotations

import os
import time
import warnings

from . import events, summary
from .event_file import EventFileWriter
from .hparams import hparams
from .images import figure_to_image

_graph_warned = False


class SummaryWriter:
    """Writes scalars, histograms, images, figures, text and hyperparameters to an event file in
    `log_dir` for TensorBoard (default `runs/<Mon DD_HH-MM-SS>_<hostname><comment>`).

    >>> import tempfile, tinygrad_edu as tg
    >>> with tempfile.TemporaryDirectory() as logs, SummaryWriter(logs) as writer:
    ...     for step in range(3):
    ...         writer.add_scalar("loss", 1.0 / (step + 1), step)
    ...     writer.add_histogram("weights", tg.randn(100), 0)
    """

    def __init__(self, log_dir: str | None = None, comment: str = "", purge_step: int | None = None,
                 max_queue: int = 10, flush_secs: int = 120, filename_suffix: str = "") -> None:
        if not log_dir:
            import socket
            from datetime import datetime
            current_time = datetime.now().strftime("%b%d_%H-%M-%S")
            log_dir = os.path.join("runs", current_time + "_" + socket.gethostname() + comment)
        self.log_dir = log_dir
        self.purge_step = purge_step
        self.max_queue = max_queue
        self.flush_secs = flush_secs
        self.filename_suffix = filename_suffix
        self.file_writer = self.all_writers = None
        self._get_file_writer()
        self.default_bins = summary.tensorflow_bins()

    def _get_file_writer(self) -> EventFileWriter:
        """The writer of the main event file; a new file after `close()`."""
        if self.all_writers is None or self.file_writer is None:
            self.file_writer = EventFileWriter(self.log_dir, self.max_queue, self.flush_secs, self.filename_suffix)
            self.all_writers = {self.file_writer.log_dir: self.file_writer}
            if self.purge_step is not None:
                # TensorBoard hides the events of steps >= purge_step written before this restart
                now = time.time()
                self.file_writer.add_event(events.event(now, self.purge_step, file_version=events.FILE_VERSION))
                self.file_writer.add_event(events.event(now, self.purge_step,
                                                        session_log_status=events.SESSION_LOG_START))
                self.purge_step = None
        return self.file_writer

    @staticmethod
    def _add_summary(file_writer: EventFileWriter, encoded_summary: bytes, global_step=None, walltime=None) -> None:
        wall_time = time.time() if walltime is None else walltime
        step = None if global_step is None else int(global_step)
        file_writer.add_event(events.event(wall_time, step, summary=encoded_summary))

    def get_logdir(self) -> str:
        """The directory the event files are written to."""
        return self.log_dir

    def add_scalar(self, tag: str, scalar_value, global_step: int | None = None, walltime: float | None = None,
                   new_style: bool = False, double_precision: bool = False) -> None:
        """One number (a Python number, a 1-element tensor or array) at `global_step`; stored as
        float32, or with `new_style` as a tensor (float64 with `double_precision`)."""
        encoded = summary.scalar(tag, scalar_value, new_style=new_style, double_precision=double_precision)
        self._add_summary(self._get_file_writer(), encoded, global_step, walltime)

    def add_scalars(self, main_tag: str, tag_scalar_dict: dict, global_step: int | None = None,
                    walltime: float | None = None) -> None:
        """Several curves in one chart: each value goes to its own run, the sub-directory
        `<log_dir>/<main_tag>_<tag>` (slashes in main_tag become "_"), under the tag `main_tag`."""
        walltime = time.time() if walltime is None else walltime
        log_dir = self._get_file_writer().log_dir
        for tag, scalar_value in tag_scalar_dict.items():
            run_dir = log_dir + "/" + main_tag.replace("/", "_") + "_" + tag
            if run_dir not in self.all_writers:
                self.all_writers[run_dir] = EventFileWriter(run_dir, self.max_queue, self.flush_secs,
                                                            self.filename_suffix)
            self._add_summary(self.all_writers[run_dir], summary.scalar(main_tag, scalar_value), global_step, walltime)

    def add_histogram(self, tag: str, values, global_step: int | None = None, bins="tensorflow",
                      walltime: float | None = None, max_bins: int | None = None) -> None:
        """The distribution of `values`: `bins="tensorflow"` is TensorBoard's default buckets
        (exponentially spaced around 0), anything else is passed to `np.histogram` ("auto", "fd",
        a number of bins, the edges)."""
        if isinstance(bins, str) and bins == "tensorflow":
            bins = self.default_bins
        self._add_summary(self._get_file_writer(), summary.histogram(tag, values, bins, max_bins=max_bins),
                          global_step, walltime)

    def add_histogram_raw(self, tag: str, min, max, num, sum, sum_squares, bucket_limits, bucket_counts,
                          global_step: int | None = None, walltime: float | None = None) -> None:
        """A histogram already counted: the right edge and the count of each bucket."""
        if len(bucket_limits) != len(bucket_counts):
            raise ValueError("len(bucket_limits) != len(bucket_counts), see the document.")
        encoded = summary.histogram_raw(tag, min, max, num, sum, sum_squares, bucket_limits, bucket_counts)
        self._add_summary(self._get_file_writer(), encoded, global_step, walltime)

    def add_image(self, tag: str, img_tensor, global_step: int | None = None, walltime: float | None = None,
                  dataformats: str = "CHW") -> None:
        """An image, (3, H, W) by default (`dataformats` "HWC", "HW", ... for other layouts);
        uint8 values are kept, other values are taken to be in [0, 1]. Stored as PNG."""
        self._add_summary(self._get_file_writer(), summary.image(tag, img_tensor, dataformats=dataformats),
                          global_step, walltime)

    def add_images(self, tag: str, img_tensor, global_step: int | None = None, walltime: float | None = None,
                   dataformats: str = "NCHW") -> None:
        """A batch of images, (N, 3, H, W) by default, shown as one grid of up to 8 columns."""
        self._add_summary(self._get_file_writer(), summary.image(tag, img_tensor, dataformats=dataformats),
                          global_step, walltime)

    def add_figure(self, tag: str, figure, global_step: int | None = None, close: bool = True,
                   walltime: float | None = None) -> None:
        """A matplotlib figure (or a list of them, as a grid), rendered to an image; needs matplotlib."""
        if isinstance(figure, list):
            self.add_image(tag, figure_to_image(figure, close), global_step, walltime, dataformats="NCHW")
        else:
            self.add_image(tag, figure_to_image(figure, close), global_step, walltime, dataformats="CHW")

    def add_text(self, tag: str, text_string: str, global_step: int | None = None,
                 walltime: float | None = None) -> None:
        """A string (TensorBoard renders it as Markdown), under the tag `<tag>/text_summary`."""
        self._add_summary(self._get_file_writer(), summary.text(tag, text_string), global_step, walltime)

    def add_hparams(self, hparam_dict: dict, metric_dict: dict, hparam_domain_discrete: dict | None = None,
                    run_name: str | None = None, global_step: int | None = None) -> None:
        """One row of TensorBoard's HPARAMS table: the hyperparameters (bool, str, int, float or a
        tensor) and the metrics, written to the run `<log_dir>/<run_name>` (default: the time)."""
        if type(hparam_dict) is not dict or type(metric_dict) is not dict:
            raise TypeError("hparam_dict and metric_dict should be dictionary.")
        experiment, session_start, session_end = hparams(hparam_dict, metric_dict, hparam_domain_discrete)
        if not run_name:
            run_name = str(time.time())
        log_dir = os.path.join(self._get_file_writer().log_dir, run_name)
        with SummaryWriter(log_dir=log_dir) as run:
            for encoded in (experiment, session_start, session_end):
                self._add_summary(run.file_writer, encoded, global_step)
            for k, v in metric_dict.items():
                run.add_scalar(k, v, global_step)

    def add_graph(self, model, input_to_model=None, verbose: bool = False, use_strict_trace: bool = True) -> None:
        """Not written: PyTorch traces the model with TorchScript, which has no counterpart here.
        Warns (once) and does nothing; `tg.viz.to_dot(model(x), params=dict(model.named_parameters()))`
        draws the recorded graph instead."""
        global _graph_warned
        if not _graph_warned:
            _graph_warned = True
            warnings.warn("SummaryWriter.add_graph: graphs are not written to TensorBoard (PyTorch traces the model "
                          "with TorchScript, which tinygrad_edu does not have); draw the recorded graph with "
                          "tg.viz.to_dot(model(x), params=dict(model.named_parameters())) instead", stacklevel=2)

    def add_embedding(self, mat, metadata=None, label_img=None, global_step=None, tag="default",
                      metadata_header=None) -> None:
        """Not available: raises NotImplementedError."""
        raise NotImplementedError("SummaryWriter.add_embedding: the embedding projector's files are not written "
                                  "by tinygrad_edu; log the points with add_histogram or add_figure (a scatter plot)")

    def _not_written(self, name: str):
        raise NotImplementedError(f"SummaryWriter.{name} is not available in tinygrad_edu; add_scalar, add_scalars, "
                                  "add_histogram, add_image(s), add_figure, add_text and add_hparams are")

    def add_tensor(self, tag, tensor, global_step=None, walltime=None) -> None:
        """Not available: raises NotImplementedError."""
        self._not_written("add_tensor")

    def add_image_with_boxes(self, tag, img_tensor, box_tensor, global_step=None, walltime=None, rescale=1,
                             dataformats="CHW", labels=None) -> None:
        """Not available: raises NotImplementedError."""
        self._not_written("add_image_with_boxes")

    def add_video(self, tag, vid_tensor, global_step=None, fps=4, walltime=None) -> None:
        """Not available: raises NotImplementedError."""
        self._not_written("add_video")

    def add_audio(self, tag, snd_tensor, global_step=None, sample_rate=44100, walltime=None) -> None:
        """Not available: raises NotImplementedError."""
        self._not_written("add_audio")

    def add_pr_curve(self, tag, labels, predictions, global_step=None, num_thresholds=127, weights=None,
                     walltime=None) -> None:
        """Not available: raises NotImplementedError."""
        self._not_written("add_pr_curve")

    def add_mesh(self, tag, vertices, colors=None, faces=None, config_dict=None, global_step=None,
                 walltime=None) -> None:
        """Not available: raises NotImplementedError."""
        self._not_written("add_mesh")

    def add_custom_scalars(self, layout) -> None:
        """Not available: raises NotImplementedError."""
        self._not_written("add_custom_scalars")

    def flush(self) -> None:
        """Write what is pending in every event file of this writer to disk."""
        if self.all_writers is None:
            return
        for writer in self.all_writers.values():
            writer.flush()

    def close(self) -> None:
        """Flush and close the event files (a later add_* call starts a new file)."""
        if self.all_writers is None:
            return
        for writer in self.all_writers.values():
            writer.close()
        self.file_writer = self.all_writers = None

    def __enter__(self) -> SummaryWriter:
        return self

    def __exit__(self, exc_type, exc_val, exc_tb) -> None:
        self.close()
