"""`spawn(fn, args, nprocs)`: run `fn(i, *args)` in `nprocs` new processes and wait for them,
as PyTorch's `torch.multiprocessing.spawn`. If one fails, the others are stopped and the parent
raises `ProcessRaisedException` with the child's traceback (or `ProcessExitedException` if the
child died without one: a signal, `os._exit`).

Each child writes the traceback of an exception it did not catch to a file of its own (pickled);
the parent reads it when it sees that child exit with a non-zero code. (PyTorch also asks Linux to
send the children SIGINT if the parent dies, through prctl; not done here.)
"""
from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.connection
import os
import pickle
import signal
import sys
import tempfile
import time
import traceback
import warnings
from typing import Callable

log = logging.getLogger(__name__)


class ProcessException(Exception):
    """A process started by `spawn` failed; `error_index` is its index, `error_pid` its pid."""

    def __init__(self, msg: str, error_index: int, error_pid: int) -> None:
        super().__init__(msg)
        self.msg = msg
        self.error_index = error_index
        self.error_pid = error_pid

    def __reduce__(self):
        return type(self), (self.msg, self.error_index, self.error_pid)


class ProcessRaisedException(ProcessException):
    """A process failed with an exception: the message holds its traceback."""


class ProcessExitedException(ProcessException):
    """A process exited with a non-zero code or was killed by a signal, without an exception."""

    def __init__(self, msg: str, error_index: int, error_pid: int, exit_code: int,
                 signal_name: str | None = None) -> None:
        super().__init__(msg, error_index, error_pid)
        self.exit_code = exit_code
        self.signal_name = signal_name

    def __reduce__(self):
        return type(self), (self.msg, self.error_index, self.error_pid, self.exit_code, self.signal_name)


def _wrap(fn: Callable, i: int, args: tuple, error_file: str) -> None:
    """What each child runs: fn(i, *args), its traceback saved for the parent if it raises."""
    try:
        fn(i, *args)
    except KeyboardInterrupt:
        pass  # (the parent stopped this process)
    except Exception:
        with open(error_file, "wb") as file:
            pickle.dump(traceback.format_exc(), file)
        sys.exit(1)


class ProcessContext:
    """The processes `spawn(..., join=False)` started: `pids()`, `join(timeout=None)`."""

    def __init__(self, processes: list, error_files: list) -> None:
        self.error_files = error_files
        self.processes = processes
        self.sentinels = {process.sentinel: index for index, process in enumerate(processes)}

    def pids(self) -> list[int]:
        return [int(process.pid) for process in self.processes]

    def _join_all(self, timeout: float) -> None:
        end = time.monotonic() + timeout
        for process in self.processes:
            process.join(max(0.0, end - time.monotonic()))

    def join(self, timeout: float | None = None, grace_period: float | None = None) -> bool:
        """Wait (at most `timeout` seconds) until a process exits. True when all have exited
        successfully, False if some still run. If one failed, stop the others (SIGTERM after
        `grace_period` seconds, SIGKILL if they still run after another) and raise
        `ProcessRaisedException` (with the child's traceback) or `ProcessExitedException`."""
        if not self.sentinels:
            return True
        ready = multiprocessing.connection.wait(list(self.sentinels), timeout=timeout)
        failed = None
        for sentinel in ready:
            index = self.sentinels.pop(sentinel)
            self.processes[index].join()
            if self.processes[index].exitcode != 0:
                failed = index
                break
        if failed is None:
            return not self.sentinels
        self._stop_the_others(grace_period)
        process, error_file = self.processes[failed], self.error_files[failed]
        original_trace = None
        if os.access(error_file, os.R_OK):
            with open(error_file, "rb") as file:
                original_trace = pickle.load(file)
        for path in self.error_files:  # (tracebacks of other children that failed too are not shown)
            if os.path.exists(path):
                os.unlink(path)
        if original_trace is None:
            code = process.exitcode
            if code < 0:
                try:
                    name = signal.Signals(-code).name
                except ValueError:
                    name = f"<Unknown signal {-code}>"
                raise ProcessExitedException(f"process {failed:d} terminated with signal {name}", error_index=failed,
                                             error_pid=process.pid, exit_code=code, signal_name=name)
            raise ProcessExitedException(f"process {failed:d} terminated with exit code {code:d}", error_index=failed,
                                         error_pid=process.pid, exit_code=code)
        message = f"\n\n-- Process {failed:d} terminated with the following error:\n{original_trace}"
        raise ProcessRaisedException(message, failed, process.pid)

    def _stop_the_others(self, grace_period: float | None) -> None:
        if grace_period is not None:
            self._join_all(grace_period)
        for process in self.processes:
            if process.is_alive():
                log.warning("Terminating process %s via signal SIGTERM", process.pid)
                process.terminate()
        self._join_all(30 if grace_period is None else grace_period)
        for process in self.processes:
            if process.is_alive():
                log.warning("Unable to shutdown process %s via SIGTERM , forcefully exiting via SIGKILL", process.pid)
                process.kill()
            process.join()


class SpawnContext(ProcessContext):
    """The old name of ProcessContext (PyTorch renamed it in 1.4); warns."""

    def __init__(self, processes: list, error_files: list) -> None:
        warnings.warn("SpawnContext is renamed to ProcessContext since 1.4 release.", stacklevel=2)
        super().__init__(processes, error_files)


def _error_file() -> str:
    """A fresh path for a child's traceback: the file exists only if the child failed."""
    with tempfile.NamedTemporaryFile(prefix="tinygrad-edu-errorfile-", suffix=".pickle", delete=False) as file:
        name = file.name
    os.unlink(name)
    return name


def start_processes(fn: Callable, args: tuple = (), nprocs: int = 1, join: bool = True, daemon: bool = False,
                    start_method: str = "spawn") -> ProcessContext | None:
    """`spawn` with any start method ('spawn', 'fork', 'forkserver')."""
    context = multiprocessing.get_context(start_method)
    processes, error_files = [], []
    for i in range(nprocs):
        error_file = _error_file()
        process = context.Process(target=_wrap, args=(fn, i, args, error_file), daemon=daemon)
        process.start()
        processes.append(process)
        error_files.append(error_file)
    started = ProcessContext(processes, error_files)
    if not join:
        return started
    while not started.join():
        pass
    return None


def spawn(fn: Callable, args: tuple = (), nprocs: int = 1, join: bool = True, daemon: bool = False,
          start_method: str = "spawn") -> ProcessContext | None:
    """Start `nprocs` processes that each run `fn(i, *args)` (i = 0 .. nprocs-1), with the 'spawn'
    start method; wait for them if `join`, else return their `ProcessContext`.

    `fn` must be importable by the children: a function defined at the top level of a module
    (spawned children import it, they do not inherit it). If a child raises, the others are
    stopped and `ProcessRaisedException` is raised here with the child's traceback.

        def train(rank, model):   # in a module
            ...
        tg.multiprocessing.spawn(train, args=(model,), nprocs=2)

    `start_method` other than 'spawn' is deprecated (FutureWarning, as in PyTorch) and ignored:
    use `start_processes` to choose another.
    """
    if start_method != "spawn":
        warnings.warn(f"This method only supports start_method=spawn (got: {start_method}).\nTo use a different "
                      f"start_method use:\n\t\t tinygrad_edu.multiprocessing.start_processes(...)", FutureWarning,
                      stacklevel=2)
    return start_processes(fn, args, nprocs, join, daemon, start_method="spawn")
