"""Events as a Chrome trace: the JSON "Trace Event Format" that chrome://tracing and
ui.perfetto.dev show as a timeline (Google, "Trace Event Format", 2016). Each event is a
*complete* event ("ph": "X") with its start "ts" and duration "dur" in microseconds, on one row per
thread; nesting shows because a child's range lies inside its parent's."""
from __future__ import annotations

import json
import os
import socket


def trace_dict(events, metadata: dict | None = None) -> dict:
    """The trace of `events` (FunctionEvents) as a dict, ready for `json.dump`."""
    pid = os.getpid()
    trace = [{"ph": "M", "name": "process_name", "pid": pid, "tid": 0, "args": {"name": "python"}}]
    for tid in sorted({event.thread for event in events}):
        trace.append({"ph": "M", "name": "thread_name", "pid": pid, "tid": tid,
                      "args": {"name": f"thread {tid} (python)"}})
    for index, event in enumerate(events):
        args = {"Ev Idx": index}
        if event.input_shapes:
            args["Input Dims"] = event.input_shapes
        if event.stack:
            args["Call stack"] = ";".join(event.stack)
        if event.cpu_memory_usage:
            args["Bytes allocated"] = event.cpu_memory_usage
        if event.flops:
            args["FLOPs"] = event.flops
        trace.append({"ph": "X", "cat": "user_annotation" if event.is_user_annotation else "cpu_op",
                      "name": event.trace_name, "pid": pid, "tid": event.thread,
                      "ts": round(event.time_range.start, 3), "dur": round(event.time_range.elapsed_us(), 3),
                      "args": args})
    result = {"schemaVersion": 1, "host_name": socket.gethostname(), "displayTimeUnit": "ms",
              "traceEvents": trace}
    result.update(metadata or {})
    return result


def export_chrome_trace(events, path: str, metadata: dict | None = None) -> None:
    """Write the trace of `events` to `path` (gzip-compressed when it ends in ".gz")."""
    text = json.dumps(trace_dict(events, metadata))
    if str(path).endswith(".gz"):
        import gzip
        with gzip.open(path, "wt", encoding="utf-8") as f:
            f.write(text)
    else:
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
