"""The text table of `key_averages().table(...)`: PyTorch's columns, widths and number formats
(`torch.autograd.profiler_util._build_table`, for the CPU), so that a table printed here can be
laid next to one printed by PyTorch for the same program."""
from __future__ import annotations

import math

US_IN_SECOND = 1000.0 * 1000.0
US_IN_MS = 1000.0
COLUMN_WIDTH = 12
SPACING = 2
FLOP_UNITS = ["FLOPs", "KFLOPs", "MFLOPs", "GFLOPs", "TFLOPs", "PFLOPs"]
SORT_KEYS = ("cpu_time", "cpu_time_total", "self_cpu_time_total", "count", "cpu_memory_usage",
             "self_cpu_memory_usage", "flops", "device_time", "device_time_total", "self_device_time_total")


def format_time(time_us: float) -> str:
    """A time in microseconds as PyTorch prints it: "12.345us", "1.234ms", "2.000s".

    >>> format_time(12.3456), format_time(1234.5), format_time(2e6)
    ('12.346us', '1.234ms', '2.000s')
    """
    if time_us >= US_IN_SECOND:
        return f"{time_us / US_IN_SECOND:.3f}s"
    if time_us >= US_IN_MS:
        return f"{time_us / US_IN_MS:.3f}ms"
    return f"{time_us:.3f}us"


def _in_unit(time_us: float, time_unit: str | None) -> str:
    if time_unit == "s":
        return f"{time_us / US_IN_SECOND:.3f}s"
    if time_unit == "ms":
        return f"{time_us / US_IN_MS:.3f}ms"
    if time_unit == "us":
        return f"{time_us:.3f}us"
    return format_time(time_us)


def format_time_share(time_us: float, total_us: float) -> str:
    """`time_us` as a percentage of `total_us` ("NaN" when nothing was timed at all)."""
    if total_us == 0:
        return "NaN"
    return f"{time_us * 100.0 / total_us:.2f}%"


def format_memory(nbytes: int) -> str:
    """A number of bytes as PyTorch prints it: "512 B", "2.34 KB", "1.00 MB"."""
    for size, unit in ((1024 ** 3, "GB"), (1024 ** 2, "MB"), (1024, "KB")):
        if abs(nbytes) >= size:
            return f"{nbytes / size:.2f} {unit}"
    return f"{nbytes} B"


def device_attribute(name: str) -> str:
    """PyTorch's name of a device column ("cuda_time_total", "self_xpu_time_total") as the
    attribute that holds it here ("device_time_total"); other names stay as they are."""
    return name.replace("cuda", "device").replace("xpu", "device").replace("privateuse1", "device")


def _sort_value(event, sort_by: str):
    try:
        return getattr(event, device_attribute(sort_by))
    except AttributeError:
        raise AttributeError(f"table: sort_by={sort_by!r} is not an attribute of "
                             f"{type(event).__name__}; sort by one of {', '.join(SORT_KEYS)}") from None


def _trim_path(path: str, width: int) -> str:
    if len(path) > width:
        path = path[len(path) - width:]
        if len(path) > 3:
            path = "..." + path[3:]
    return path


def build_table(events, sort_by: str | None = None, header: str | None = None, row_limit: int = 100,
                max_src_column_width: int = 75, max_name_column_width: int = 55,
                max_shapes_column_width: int = 80, with_flops: bool = False, profile_memory: bool = False,
                top_level_events_only: bool = False, time_unit: str | None = None) -> str:
    """The table of `events` (FunctionEvents or FunctionEventAvgs); "" for no events."""
    if len(events) == 0:
        return ""
    if sort_by is not None:
        events = sorted(events, key=lambda event: _sort_value(event, sort_by), reverse=True)
    has_input_shapes = any(event.input_shapes is not None and len(event.input_shapes) > 0 for event in events)
    stacks = [event.stack for event in events if event.stack]

    name_width = max(len(event.key) for event in events) + 4
    if max_name_column_width is not None:
        name_width = min(name_width, max_name_column_width)
    shapes_width = max(len(str(event.input_shapes)) for event in events) + 4
    if max_shapes_column_width is not None:
        shapes_width = min(shapes_width, max_shapes_column_width)
    src_width = None
    if stacks:
        src_width = max(len(entry) for stack in stacks for entry in stack) + 4
        if max_src_column_width is not None:
            src_width = min(src_width, max_src_column_width)

    headers = ["Name", "Self CPU %", "Self CPU", "CPU total %", "CPU total", "CPU time avg"]
    if profile_memory:
        headers += ["CPU Mem", "Self CPU Mem"]
    headers.append("# of Calls")
    widths, aligns = [name_width] + [COLUMN_WIDTH] * (len(headers) - 1), [">"] * len(headers)
    if has_input_shapes:
        headers.append("Input Shapes")
        widths.append(shapes_width)
        aligns.append(">")
    if stacks:
        headers.append("Source Location")
        widths.append(src_width)
        aligns.append("<")
    flops_scale = None
    if with_flops:
        flops = [event.flops for event in events if event.flops > 0]
        if flops:  # one unit for the column, chosen by the smallest count (as PyTorch)
            power = int(max(0, min(math.log10(min(flops)) / 3, len(FLOP_UNITS) - 1)))
            flops_scale = 10.0 ** (-3 * power)
            headers.append(f"Total {FLOP_UNITS[power]}")
            widths.append(COLUMN_WIDTH)
            aligns.append(">")

    row_format = "".join("{: " + align + str(width) + "}" + " " * SPACING for align, width in zip(aligns, widths))
    separator = "".join("-" * width + " " * SPACING for width in widths)
    line_length = sum(widths) + SPACING * (len(widths) - 1)
    self_total = sum(event.self_cpu_time_total for event in events)

    lines = []
    if header is not None:
        lines += ["=" * line_length, header]
    if top_level_events_only:
        lines += ["=" * line_length, "This report only display top-level ops statistics"]
    lines += [separator, row_format.format(*headers), separator]
    shown = 0
    for event in events:
        if shown == row_limit:
            break
        if top_level_events_only and event.cpu_parent is not None:
            continue
        shown += 1
        name = event.key
        if max_name_column_width is not None and len(name) >= max_name_column_width - 3:
            name = name[:max_name_column_width - 3] + "..."
        row = [name,
               format_time_share(event.self_cpu_time_total, self_total),
               _in_unit(event.self_cpu_time_total, time_unit),
               format_time_share(event.cpu_time_total, self_total),
               _in_unit(event.cpu_time_total, time_unit),
               _in_unit(event.cpu_time, time_unit)]
        if profile_memory:
            row += [format_memory(event.cpu_memory_usage), format_memory(event.self_cpu_memory_usage)]
        row.append(event.count)
        if has_input_shapes:
            row.append(str(event.input_shapes)[:shapes_width])
        if stacks:
            row.append(_trim_path(event.stack[0], src_width) if event.stack else "")
        if flops_scale is not None:
            row.append("--" if event.flops <= 0 else f"{event.flops * flops_scale:8.3f}")
        lines.append(row_format.format(*row))
        if stacks:  # the rest of the stack, one entry a line, under the first
            blanks = [""] * (len(headers) - 1 - (flops_scale is not None))
            for entry in event.stack[1:]:
                extra = [""] if flops_scale is not None else []
                lines.append(row_format.format(*(blanks + [_trim_path(entry, src_width)] + extra)))
            lines.append(row_format.format(*([""] * len(headers))))
    lines += [separator, f"Self CPU time total: {_in_unit(self_total, time_unit)}"]
    return "".join(line + "\n" for line in lines)
