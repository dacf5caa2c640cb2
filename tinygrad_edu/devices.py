"""Devices: tinygrad_edu computes with numpy, so there is one device, the CPU.

PyTorch code passes `device=` everywhere and moves tensors with `.to(device)`; here those accept
the CPU (`"cpu"`, `"cpu:0"`, `tg.device("cpu")`) and do nothing, and anything else raises a
RuntimeError that says why. A `tg.device("cuda")` object can still be made (as in PyTorch without
a GPU): only using it fails.

>>> import tinygrad_edu as tg
>>> dev = tg.device("cuda" if tg.cuda.is_available() else "cpu")
>>> dev, dev.type, tg.zeros(2, device=dev).device
(device(type='cpu'), 'cpu', device(type='cpu'))
"""
from __future__ import annotations

# The device types PyTorch knows (torch.device names them in its error for an unknown type).
_KNOWN_TYPES = ("cpu", "cuda", "mps", "xpu", "xla", "meta", "hip", "ipu", "mkldnn", "opengl", "opencl",
                "ideep", "ve", "fpga", "maia", "lazy", "vulkan", "hpu", "mtia", "privateuseone")


class device:  # noqa: N801 (PyTorch's name: torch.device)
    """Where a tensor lives: `device("cpu")`, `device("cpu:0")`, `device("cpu", 0)`; `.type` and
    `.index` as in PyTorch. Only the CPU can hold tensors here."""

    __slots__ = ("type", "index")

    def __init__(self, type: "str | device | int", index: int | None = None) -> None:  # noqa: A002
        if isinstance(type, device):
            kind, index = type.type, type.index if index is None else index
        elif isinstance(type, int) and not isinstance(type, bool):
            kind, index = "cuda", type  # PyTorch reads a bare int as a CUDA device index
        elif isinstance(type, str):
            kind, _, number = type.partition(":")
            if number:
                if index is not None:
                    raise RuntimeError(f"device: type {type!r} already has an index; do not pass index={index}")
                if not number.isdigit():
                    raise RuntimeError(f"device: invalid device string {type!r} (expected e.g. 'cpu' or 'cpu:0')")
                index = int(number)
        else:
            raise TypeError(f"device: expected a string such as 'cpu', got {type.__class__.__name__}")
        if kind not in _KNOWN_TYPES:
            raise RuntimeError(f"device: expected one of {', '.join(_KNOWN_TYPES)} at the start of the "
                               f"device string, got {kind!r}")
        if index is not None and (not isinstance(index, int) or index < 0):
            raise RuntimeError(f"device: the index must be a non-negative int, got {index!r}")
        object.__setattr__(self, "type", kind)
        object.__setattr__(self, "index", index)

    def __setattr__(self, name, value) -> None:
        raise AttributeError("device objects are immutable")

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __repr__(self) -> str:
        index = "" if self.index is None else f", index={self.index}"
        return f"device(type={self.type!r}{index})"

    def __eq__(self, other) -> bool:
        # As in PyTorch, a device equals only another device (device("cpu") == "cpu" is False);
        # compare `t.device.type == "cpu"` to test for a kind of device.
        if not isinstance(other, device):
            return NotImplemented
        return self.type == other.type and self.index == other.index

    def __hash__(self) -> int:
        return hash((self.type, self.index))

    def __reduce__(self):
        return (device, (self.type, self.index))

    def __enter__(self) -> "device":
        """`with tg.device("cpu"):` -- the default already; any other device raises."""
        check_device(self, "with device(...)")
        return self

    def __exit__(self, *exc) -> None:
        return None


CPU = device("cpu")


def check_device(where, op: str) -> None:
    """Refuse any device but the CPU (`None` means the default, the CPU)."""
    if where is None or where is CPU:
        return
    try:
        kind = where.type if isinstance(where, device) else device(where).type
    except TypeError:
        raise TypeError(f"{op}: device must be a string such as 'cpu' or a tg.device, got "
                        f"{where.__class__.__name__}") from None
    if kind != "cpu":
        raise RuntimeError(f"tinygrad_edu runs on the CPU (numpy); got device {str(device(where))!r} "
                           f"in {op}. Use device='cpu' (or leave device out).")


_default = CPU


def set_default_device(where) -> None:
    """PyTorch's `torch.set_default_device`: only the CPU (or None) is accepted here."""
    check_device(where, "set_default_device")


def get_default_device() -> device:
    """The device new tensors are made on: always the CPU."""
    return _default
