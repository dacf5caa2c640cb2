"""Apple's Metal (MPS) backend: not available (tinygrad_edu runs on the CPU)."""


def is_available() -> bool:
    return False


def is_built() -> bool:
    return False
