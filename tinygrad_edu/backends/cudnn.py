"""cuDNN flags, as in `torch.backends.cudnn`: programs set `deterministic` and `benchmark` for
repeatable GPU runs. They are plain attributes here and change nothing (there is no cuDNN; the
CPU computations are always repeatable for a given `tg.manual_seed`)."""

enabled: bool = True
deterministic: bool = False
benchmark: bool = False
allow_tf32: bool = True


def is_available() -> bool:
    return False


def version() -> None:
    """None: no cuDNN library is loaded."""
    return None
