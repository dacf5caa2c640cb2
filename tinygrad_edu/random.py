"""The framework's one random generator, and `tg.Generator` for a stream of one's own.

Everything random in tinygrad_edu -- `rand`, `randn`, `nn.init`, `F.dropout`, dataset shuffling --
draws from this single `np.random.Generator`, so one `tg.manual_seed(n)` makes a whole run repeatable.
Functions that take `generator=` (as in PyTorch) draw from that one instead: a `tg.Generator`, or a
numpy Generator. The numbers are numpy's, so they differ from PyTorch's for the same seed.
"""
from __future__ import annotations

import contextlib
from collections.abc import Iterator

import numpy as np

from .devices import CPU, check_device

# As PyTorch's default generator: seeded at start from the operating system's entropy with a
# random 64-bit number, which `initial_seed()` reports until `manual_seed` replaces it.
_initial_seed: int = int(np.random.SeedSequence().entropy) % 2**64
_generator: np.random.Generator = np.random.default_rng(_initial_seed)


def manual_seed(seed: int) -> np.random.Generator:
    """Reseed the framework's random generator and return it.

    >>> import tinygrad_edu as tg
    >>> _ = tg.manual_seed(0)
    """
    global _generator, _initial_seed
    _initial_seed = _seed_value(seed, "manual_seed")
    _generator = np.random.default_rng(_initial_seed)
    return _generator


def initial_seed() -> int:
    """The seed the framework's generator last started from: the one given to the last
    `manual_seed` (a negative seed wrapped to 64 bits, as in PyTorch), or without one the random
    64-bit seed chosen when tinygrad_edu was imported. As `torch.initial_seed`.

    >>> import tinygrad_edu as tg
    >>> _ = tg.manual_seed(7)
    >>> tg.initial_seed()
    7
    """
    return _initial_seed


def _seed_value(seed, op: str) -> int:
    """A seed as numpy takes it: an int, negative ones wrapped to 64 bits as PyTorch does."""
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, (bool, np.bool_)):
        raise TypeError(f"{op}: the seed must be an int, got {type(seed).__name__}")
    return int(seed) % 2**64


def generator() -> np.random.Generator:
    """The generator currently in use (changes when `manual_seed` is called)."""
    return _generator


class Generator:
    """PyTorch's `torch.Generator`: a random stream of its own, for the functions that take
    `generator=` (`tg.randn`, `tg.randperm`, `random_split`, `DataLoader`, ...), so that drawing
    from it leaves the framework's generator alone.

    >>> import tinygrad_edu as tg
    >>> g = tg.Generator().manual_seed(42)
    >>> a = tg.randperm(5, generator=g)
    >>> b = tg.randperm(5, generator=tg.Generator().manual_seed(42))
    >>> bool((a == b).all())
    True
    """

    def __init__(self, device="cpu") -> None:
        check_device(device, "Generator")
        self.seed()

    def manual_seed(self, seed: int) -> "Generator":
        """Start again from `seed`; returns the generator itself (so it can be chained)."""
        self._initial_seed = _seed_value(seed, "Generator.manual_seed")
        self.rng = np.random.default_rng(self._initial_seed)
        return self

    def seed(self) -> int:
        """Start again from a fresh seed taken from the operating system; returns it."""
        self.manual_seed(int(np.random.SeedSequence().entropy) % 2**63)
        return self._initial_seed

    def initial_seed(self) -> int:
        """The seed this generator last started from."""
        return self._initial_seed

    def get_state(self):
        """The state, to `set_state` later: a uint8 Tensor of 48 bytes, as `tg.get_rng_state`
        (PyTorch's has 5056 bytes of a different generator; the two cannot be exchanged)."""
        from .random_state import pack_state

        return pack_state(self.rng, self._initial_seed)

    def set_state(self, new_state) -> "Generator":
        """Go back to a state from `get_state` (also its initial seed); returns the generator."""
        from .random_state import unpack_state

        state, self._initial_seed = unpack_state(new_state, "Generator.set_state")
        self.rng.bit_generator.state = state
        return self

    @property
    def device(self):
        return CPU

    def __repr__(self) -> str:
        return f"<tinygrad_edu.Generator, seed {self._initial_seed}>"


class _DefaultGenerator(Generator):
    """`tg.default_generator` (PyTorch's `torch.default_generator`): the framework's own generator
    seen as a `tg.Generator`, so code that passes it as `generator=` or seeds it directly draws
    from, and reseeds, the one stream that `tg.manual_seed` seeds.

    >>> import tinygrad_edu as tg
    >>> _ = tg.default_generator.manual_seed(3)
    >>> a = tg.rand(2)
    >>> _ = tg.manual_seed(3)
    >>> bool((tg.rand(2, generator=tg.default_generator) == a).all()), tg.default_generator.initial_seed()
    (True, 3)
    """

    def __init__(self) -> None:  # (no stream of its own to start)
        pass

    @property
    def rng(self) -> np.random.Generator:
        return _generator

    def manual_seed(self, seed: int) -> "Generator":
        manual_seed(seed)
        return self

    def seed(self) -> int:
        return seed()

    def initial_seed(self) -> int:
        return initial_seed()

    def get_state(self):
        return get_rng_state()

    def set_state(self, new_state) -> "Generator":
        set_rng_state(new_state)
        return self

    def __repr__(self) -> str:
        return f"<tinygrad_edu.default_generator, seed {initial_seed()}>"


default_generator = _DefaultGenerator()


def rng_of(generator, op: str) -> np.random.Generator:
    """The numpy generator to draw from: the framework's for None, else the one given."""
    if generator is None:
        return _generator
    if isinstance(generator, Generator):  # (tg.default_generator too)
        return generator.rng
    if isinstance(generator, np.random.Generator):
        return generator
    raise TypeError(f"{op}: generator must be a tg.Generator (or a numpy Generator), got "
                    f"{generator.__class__.__name__}")


# tg.random.get_rng_state / set_rng_state / seed, as torch.random has them (also tg.*): the state
# as bytes is random_state.py's subject; it imports this module, so it is imported when called.
def get_rng_state():
    """The framework generator's state as a uint8 Tensor (see `tg.get_rng_state`)."""
    from .random_state import get_rng_state

    return get_rng_state()


def set_rng_state(new_state) -> None:
    """Restore a state from `get_rng_state` (see `tg.set_rng_state`)."""
    from .random_state import set_rng_state

    set_rng_state(new_state)


def seed() -> int:
    """Seed the framework's generator non-deterministically; returns the seed (see `tg.seed`)."""
    from .random_state import seed

    return seed()


@contextlib.contextmanager
def fork_rng(devices=None, enabled: bool = True, _caller: str = "fork_rng", _devices_kw: str = "devices",
             device_type=None) -> Iterator[None]:
    """`with tg.random.fork_rng():` -- random numbers drawn inside the block do not change the
    sequence outside it: the framework generator's state is restored when the block ends (as
    `torch.random.fork_rng`; `devices` and `device_type` name GPUs, of which there are none).

    >>> import tinygrad_edu as tg
    >>> _ = tg.manual_seed(0)
    >>> with tg.random.fork_rng():
    ...     inside = tg.rand(1)
    >>> bool((tg.rand(1) == inside).all())
    True
    """
    if not enabled:
        yield
        return
    state = get_rng_state()
    try:
        yield
    finally:
        set_rng_state(state)

