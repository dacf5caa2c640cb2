"""The random generator's state as a byte tensor: `tg.get_rng_state`, `tg.set_rng_state`, `tg.seed`
(also `tg.random.*`), and what `tg.Generator.get_state`/`set_state` use.

A checkpoint that saves `get_rng_state()` and later calls `set_rng_state(state)` draws the same
numbers again: the state is everything the generator needs to go on from where it was.

Our generator is numpy's PCG64 (O'Neill, "PCG: A Family of Simple Fast Space-Efficient
Statistically Good Algorithms for Random Number Generation", 2014), whose whole state is two
128-bit numbers and a buffered 32-bit half-draw. PyTorch's CPU generator is a Mersenne Twister
(Matsumoto and Nishimura, 1998) with 624 words of state, so its state tensor has 5056 bytes and
ours has `STATE_SIZE` = 48; the two cannot be exchanged. The 48 bytes, little-endian:

    bytes  0..15   PCG64 state (128-bit)
    bytes 16..31   PCG64 increment (128-bit, odd)
    bytes 32..35   1 if a 32-bit half-draw is buffered, else 0
    bytes 36..39   that buffered 32-bit value
    bytes 40..47   the initial seed (restored too, as PyTorch restores it)
"""
from __future__ import annotations

import numpy as np

from . import random as _random

STATE_SIZE = 48
_FIELDS = (("state", 16), ("inc", 16), ("has_uint32", 4), ("uinteger", 4), ("seed", 8))


def pack_state(rng: np.random.Generator, initial_seed: int):
    """The state of numpy generator `rng` (and its initial seed) as a 1-D uint8 Tensor."""
    from .tensor import Tensor

    state = rng.bit_generator.state
    if state["bit_generator"] != "PCG64":
        raise RuntimeError(f"get_rng_state: only PCG64 generators can be saved, this one is {state['bit_generator']}")
    values = {"state": state["state"]["state"], "inc": state["state"]["inc"],
              "has_uint32": state["has_uint32"], "uinteger": state["uinteger"], "seed": initial_seed}
    raw = b"".join(int(values[name]).to_bytes(size, "little") for name, size in _FIELDS)
    return Tensor(np.frombuffer(raw, dtype=np.uint8).copy())


def unpack_state(new_state, op: str) -> tuple[dict, int]:
    """(numpy bit-generator state, initial seed) from a tensor made by `pack_state`, checking it
    as PyTorch does: TypeError for a non-tensor or a dtype other than uint8, RuntimeError for the
    wrong number of bytes."""
    from .tensor import Tensor

    if not isinstance(new_state, Tensor):
        raise TypeError(f"{op}: expected a uint8 Tensor (tg.ByteTensor) holding the state, but got "
                        f"{type(new_state).__name__}")
    if new_state.dtype != np.uint8:
        raise TypeError(f"{op}: RNG state must be a uint8 Tensor (tg.ByteTensor), got dtype {new_state.dtype}")
    if new_state.numel() != STATE_SIZE:
        raise RuntimeError(f"{op}: expected a generator state of {STATE_SIZE} bytes (as get_rng_state() returns) "
                           f"but found the input RNG state size to be {new_state.numel()}")
    raw = np.ascontiguousarray(new_state.data).reshape(-1).tobytes()
    values, start = {}, 0
    for name, size in _FIELDS:
        values[name] = int.from_bytes(raw[start:start + size], "little")
        start += size
    if values["inc"] % 2 == 0:  # PCG64's increment is always odd: these bytes never came from get_rng_state
        raise RuntimeError(f"{op}: this is not a generator state made by get_rng_state() (its increment is even)")
    state = {"bit_generator": "PCG64", "state": {"state": values["state"], "inc": values["inc"]},
             "has_uint32": values["has_uint32"], "uinteger": values["uinteger"]}
    return state, values["seed"]


def get_rng_state():
    """The framework generator's state: a uint8 Tensor of 48 bytes (PyTorch's has 5056, see the
    module docstring), to give to `set_rng_state` later. As `torch.get_rng_state`.

    >>> import tinygrad_edu as tg
    >>> state = tg.get_rng_state()
    >>> a = tg.rand(3)
    >>> tg.set_rng_state(state)
    >>> bool((tg.rand(3) == a).all())
    True
    """
    return pack_state(_random.generator(), _random.initial_seed())


def set_rng_state(new_state) -> None:
    """Put the framework's generator back into `new_state` (from `get_rng_state`): the numbers
    drawn afterwards are the ones drawn after that `get_rng_state`. Also restores
    `initial_seed()`. As `torch.set_rng_state`."""
    state, seed = unpack_state(new_state, "set_rng_state")
    _random.generator().bit_generator.state = state
    _random._initial_seed = seed


def seed() -> int:
    """Seed the framework's generator with a fresh random 64-bit number from the operating system
    and return it (so a run can be repeated with `manual_seed(that number)`). As `torch.seed`."""
    new_seed = int(np.random.SeedSequence().entropy) % 2**64
    _random.manual_seed(new_seed)
    return new_seed
