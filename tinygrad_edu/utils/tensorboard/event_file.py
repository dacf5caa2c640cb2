"""One event file: its name, its first record, and when pending records reach the disk."""
from __future__ import annotations

import itertools
import os
import socket
import threading
import time

from . import events
from .record_file import frame_record

_file_counter = itertools.count()  # (the last part of the file name: files made in one process differ)
_counter_lock = threading.Lock()


class EventFileWriter:
    """Appends encoded `Event`s to `events.out.tfevents.<time>.<host>.<pid>.<n><suffix>` in `log_dir`.

    Records wait in memory until `max_queue` of them are pending, or until an event arrives
    `flush_secs` after the last flush, or until `flush()`/`close()`. (PyTorch's writer uses a
    thread that also flushes while the program is idle; nothing here runs in the background.)
    """

    def __init__(self, log_dir: str, max_queue: int = 10, flush_secs: float = 120, filename_suffix: str = ""):
        self.log_dir = str(log_dir)
        os.makedirs(self.log_dir, exist_ok=True)
        with _counter_lock:
            number = next(_file_counter)
        name = f"events.out.tfevents.{int(time.time()):010d}.{socket.gethostname()}.{os.getpid()}.{number}"
        self.path = os.path.join(self.log_dir, name + filename_suffix)
        self._file = open(self.path, "wb")  # (open until close())
        self._pending: list[bytes] = []
        self._max_queue, self._flush_secs = max_queue, flush_secs
        self._last_flush = time.time()
        # the first record says which format follows; TensorBoard skips a file without it
        self.add_event(events.event(time.time(), file_version=events.FILE_VERSION,
                                    source_writer="tinygrad_edu.utils.tensorboard"))
        self.flush()

    def add_event(self, encoded_event: bytes) -> None:
        if self._file is None:
            raise OSError(f"the event file {self.path} is closed")
        self._pending.append(frame_record(encoded_event))
        if len(self._pending) >= self._max_queue or time.time() - self._last_flush >= self._flush_secs:
            self.flush()

    def flush(self) -> None:
        if self._file is None:
            return
        self._file.write(b"".join(self._pending))
        self._file.flush()
        self._pending.clear()
        self._last_flush = time.time()

    def close(self) -> None:
        if self._file is None:
            return
        self.flush()
        self._file.close()
        self._file = None
