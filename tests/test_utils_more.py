"""tg.utils names beyond data loading basics: WeightedRandomSampler, ChainDataset, StackDataset,
DistributedSampler (tg.utils.data); DLPack interop (Tensor.__dlpack__, tg.from_dlpack,
tg.utils.dlpack); tg.utils.benchmark (Timer, Measurement, Compare); tg.utils.hooks.RemovableHandle
and tg.utils.swap_tensors. Each checked by hand and, where PyTorch is installed, against it."""
from __future__ import annotations

import itertools
import math
import weakref

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import nn
from tinygrad_edu.utils import benchmark, swap_tensors
from tinygrad_edu.utils.data import (
    ChainDataset,
    DataLoader,
    Dataset,
    DistributedSampler,
    IterableDataset,
    StackDataset,
    TensorDataset,
    WeightedRandomSampler,
)
from tinygrad_edu.utils.dlpack import DLDeviceType, from_dlpack, to_dlpack
from tinygrad_edu.utils.hooks import RemovableHandle


def _error(fn):
    """(exception type name, message) of what fn() raises, or None."""
    try:
        fn()
    except Exception as err:  # noqa: BLE001  (any type: the types are compared)
        return type(err).__name__, str(err)
    return None


# ---- WeightedRandomSampler -----------------------------------------------------------------------
def test_weighted_sampler_draws_what_multinomial_draws():
    w = [0.1, 0.9, 0.4, 0.7, 3.0, 0.6]
    for replacement in (True, False):
        sampler = WeightedRandomSampler(w, 5, replacement, generator=tg.Generator().manual_seed(3))
        expected = tg.multinomial(tg.tensor(w), 5, replacement, generator=tg.Generator().manual_seed(3))
        assert list(sampler) == expected.tolist()
        assert len(sampler) == 5 and sampler.weights.dtype == tg.float64 and sampler.weights.shape == (6,)


def test_weighted_sampler_follows_the_weights():
    sampler = WeightedRandomSampler(np.array([1.0, 0.0, 3.0]), 4000, generator=tg.Generator().manual_seed(0))
    counts = np.bincount(list(sampler), minlength=3)
    assert counts[1] == 0                          # weight 0: never drawn with replacement
    assert abs(counts[2] / 4000 - 0.75) < 0.03     # 3 / (1 + 3)
    first, second = list(sampler), list(sampler)   # a new draw on each pass
    assert first != second


def test_weighted_sampler_without_replacement():
    sampler = WeightedRandomSampler(tg.tensor([0.0, 2.0, 5.0, 0.0]), 4, replacement=False)
    drawn = list(sampler)
    assert sorted(drawn) == [0, 1, 2, 3]           # each index once
    assert set(drawn[:2]) == {1, 2}                # the zero weights come last
    assert list(WeightedRandomSampler([0.0, 1.0], 2, replacement=False)) == [1, 0]
    with pytest.raises(RuntimeError, match="n_sample > prob_dist"):
        list(WeightedRandomSampler([0.0, 1.0, 0.0], 4, replacement=False))


BAD_WEIGHTED = [((1.0, 2.0), 0, True), ((1.0, 2.0), 1.0, True), ((1.0, 2.0), True, True),
                ((1.0, 2.0), np.int64(2), True), ((1.0, 2.0), 2, 1), ([[1.0, 2.0]], 2, True), (5.0, 2, True)]


@pytest.mark.parametrize("weights, num_samples, replacement", BAD_WEIGHTED)
def test_weighted_sampler_refuses_bad_arguments(weights, num_samples, replacement):
    with pytest.raises(ValueError, match="WeightedRandomSampler"):
        WeightedRandomSampler(weights, num_samples, replacement)


@pytest.mark.parametrize("weights", [[1.0, -2.0], [0.0, 0.0], [float("nan"), 1.0]])
def test_weighted_sampler_bad_weights_raise_when_drawn(weights):
    sampler = WeightedRandomSampler(weights, 2)    # (PyTorch too checks them only when drawing)
    with pytest.raises(RuntimeError, match="multinomial"):
        list(sampler)


def test_weighted_sampler_errors_as_torch():
    torch = pytest.importorskip("torch")
    from torch.utils.data import WeightedRandomSampler as TorchSampler

    for weights, num_samples, replacement in BAD_WEIGHTED:
        ours = _error(lambda: WeightedRandomSampler(weights, num_samples, replacement))
        theirs = _error(lambda: TorchSampler(weights, num_samples, replacement))
        assert ours[0] == theirs[0] and ours[1].endswith(theirs[1]), (ours, theirs)
    for weights, k, replacement in [([1.0, -2.0], 2, True), ([0.0, 0.0], 2, True), ([0.0, 1.0, 0.0], 4, False)]:
        assert _error(lambda: list(WeightedRandomSampler(weights, k, replacement)))[0] == \
            _error(lambda: list(TorchSampler(weights, k, replacement)))[0]
    assert list(TorchSampler([0.0, 1.0], 2, replacement=False)) == [1, 0]
    assert TorchSampler(torch.tensor([1, 2]), 2).weights.dtype == torch.float64


def test_weighted_sampler_in_a_dataloader():
    sampler = WeightedRandomSampler([0.0, 1.0, 1.0], 5, generator=tg.Generator().manual_seed(1))
    batches = [b.tolist() for b in DataLoader(range(3), batch_size=2, sampler=sampler)]
    assert [len(b) for b in batches] == [2, 2, 1] and 0 not in sum(batches, [])


# ---- ChainDataset, StackDataset ------------------------------------------------------------------
class Count(IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return iter(range(self.n))

    def __len__(self):
        return self.n


def test_chain_dataset_reads_the_streams_in_turn():
    chain = ChainDataset([Count(2), Count(3)])
    assert list(chain) == [0, 1, 0, 1, 2] and list(chain) == [0, 1, 0, 1, 2] and len(chain) == 5
    assert [b.tolist() for b in DataLoader(chain, batch_size=2)] == [[0, 1], [0, 1], [2]]
    assert list(ChainDataset([])) == [] and len(ChainDataset([])) == 0
    mixed = ChainDataset([Count(1), TensorDataset(tg.zeros(2))])
    with pytest.raises(AssertionError, match="only supports IterableDataset"):
        list(mixed)
    with pytest.raises(AssertionError, match="only supports IterableDataset"):
        len(mixed)


def test_chain_dataset_as_torch():
    pytest.importorskip("torch")
    import torch.utils.data as tud

    class TorchCount(tud.IterableDataset):
        def __init__(self, n):
            self.n = n

        def __iter__(self):
            return iter(range(self.n))

        def __len__(self):
            return self.n

    theirs = tud.ChainDataset([TorchCount(2), TorchCount(3)])
    ours = ChainDataset([Count(2), Count(3)])
    assert list(ours) == list(theirs) and len(ours) == len(theirs)
    assert _error(lambda: list(tud.ChainDataset([TorchCount(1), [1]])))[0] == \
        _error(lambda: list(ChainDataset([Count(1), [1]])))[0] == "AssertionError"


class Batched:
    """A dataset that also answers a list of indices at once (as `__getitems__` lets it)."""

    def __init__(self, data, short=False):
        self.data, self.short, self.batched_calls = data, short, 0

    def __len__(self):
        return len(self.data)

    def __getitem__(self, i):
        return self.data[i]

    def __getitems__(self, indices):
        self.batched_calls += 1
        items = [self.data[i] for i in indices]
        return items[:-1] if self.short else items


def test_stack_dataset_tuples_and_dicts():
    stacked = StackDataset([1, 2, 3], "abc")
    assert len(stacked) == 3 and stacked[1] == (2, "b") and stacked.datasets == ([1, 2, 3], "abc")
    named = StackDataset(x=[1, 2], y=["a", "b"])
    assert named[0] == {"x": 1, "y": "a"} and len(named) == 2
    batched = Batched([10, 20, 30])
    assert StackDataset(batched, "abc").__getitems__([2, 0]) == [(30, "c"), (10, "a")]
    assert StackDataset(n=batched, s="abc").__getitems__([1]) == [{"n": 20, "s": "b"}]
    assert batched.batched_calls == 2
    with pytest.raises(ValueError, match="output size mismatch. Expected 2, got 1"):
        StackDataset(Batched([1, 2], short=True), [3, 4]).__getitems__([0, 1])
    loader = DataLoader(StackDataset(x=TensorDataset(tg.arange(6.0).reshape(3, 2)), y=[0, 1, 1]), batch_size=3)
    batch = next(iter(loader))
    assert batch["y"].tolist() == [0, 1, 1] and batch["x"][0].shape == (3, 2)


@pytest.mark.parametrize("args, kwargs", [(([1, 2], [1]), {}), ((), {"a": [1], "b": [1, 2]}), (([1],), {"a": [1]}),
                                          ((), {})])
def test_stack_dataset_refuses(args, kwargs):
    with pytest.raises(ValueError, match="StackDataset"):
        StackDataset(*args, **kwargs)


def test_stack_dataset_as_torch():
    pytest.importorskip("torch")
    import torch.utils.data as tud

    for args, kwargs in [(([1, 2, 3], "abc"), {}), ((), {"x": [1, 2], "y": "ab"})]:
        ours, theirs = StackDataset(*args, **kwargs), tud.StackDataset(*args, **kwargs)
        assert len(ours) == len(theirs) and [ours[i] for i in range(len(ours))] == [theirs[i] for i in range(len(ours))]
        assert ours.__getitems__([1, 0]) == theirs.__getitems__([1, 0])
    for args, kwargs in [(([1, 2], [1]), {}), (([1],), {"a": [1]}), ((), {})]:
        assert _error(lambda: StackDataset(*args, **kwargs))[0] == _error(lambda: tud.StackDataset(*args, **kwargs))[0]


# ---- DistributedSampler ----------------------------------------------------------------------------
def test_distributed_sampler_needs_num_replicas_and_rank():
    for kwargs in ({}, {"num_replicas": 2}, {"rank": 0}):
        with pytest.raises(RuntimeError, match="num_replicas and rank must be given"):
            DistributedSampler(range(4), **kwargs)
    for rank, replicas in ((2, 2), (-1, 2), (0, 0)):
        with pytest.raises(ValueError, match=f"invalid rank {rank}, rank should be in the interval"):
            DistributedSampler(range(4), num_replicas=replicas, rank=rank)


def test_distributed_sampler_without_shuffle_by_hand():
    # 5 indices over 2 replicas: padded to 6 with index 0 again; each takes every 2nd
    assert [list(DistributedSampler(range(5), 2, r, shuffle=False)) for r in (0, 1)] == [[0, 2, 4], [1, 3, 0]]
    # drop_last: cut to 4
    assert [list(DistributedSampler(range(5), 2, r, shuffle=False, drop_last=True)) for r in (0, 1)] == [[0, 2], [1, 3]]
    # more replicas than examples: the order is repeated as often as needed
    assert [list(DistributedSampler(range(2), 5, r, shuffle=False)) for r in range(5)] == [[0], [1], [0], [1], [0]]
    assert len(DistributedSampler(range(0), 3, 1)) == 0 and list(DistributedSampler(range(0), 3, 1)) == []


def test_distributed_sampler_shuffled_shares():
    n, replicas = 23, 4
    for drop_last in (False, True):
        shares = [list(DistributedSampler(range(n), replicas, r, seed=7, drop_last=drop_last)) for r in range(replicas)]
        sizes = {len(s) for s in shares}
        assert sizes == ({math.ceil(n / replicas)} if not drop_last else {n // replicas})
        everything = sum(shares, [])
        if drop_last:  # disjoint: no index twice
            assert len(set(everything)) == len(everything) == 20
        else:          # every index, and 1 of them once more as padding
            assert set(everything) == set(range(n)) and len(everything) == 24
    sampler = DistributedSampler(range(n), replicas, 1, seed=7)
    first = list(sampler)
    assert list(sampler) == first                                  # same seed and epoch: same order
    assert list(DistributedSampler(range(n), replicas, 1, seed=7)) == first
    sampler.set_epoch(1)
    assert sampler.epoch == 1 and list(sampler) != first           # a new epoch: a new order
    assert list(DistributedSampler(range(n), replicas, 1, seed=8)) == list(sampler)  # seed + epoch is what counts
    # the permutation is numpy's for the seed seed + epoch (tg.randperm), not PyTorch's
    assert first == np.random.default_rng(7).permutation(n).tolist()[1::replicas]


def test_distributed_sampler_as_torch():
    torch = pytest.importorskip("torch")
    from torch.utils.data.distributed import DistributedSampler as TorchSampler

    for n, replicas, drop_last in itertools.product((0, 1, 5, 8, 13), (1, 2, 3, 7), (False, True)):
        for rank in range(replicas):
            ours = DistributedSampler(range(n), replicas, rank, shuffle=False, drop_last=drop_last)
            theirs = TorchSampler(range(n), replicas, rank, shuffle=False, drop_last=drop_last)
            assert list(ours) == list(theirs) and len(ours) == len(theirs)
            assert ours.total_size == theirs.total_size and ours.num_samples == theirs.num_samples
            shuffled = DistributedSampler(range(n), replicas, rank, drop_last=drop_last)
            assert len(shuffled) == len(TorchSampler(range(n), replicas, rank, drop_last=drop_last))
    assert _error(lambda: DistributedSampler(range(3), 2, 5))[0] == _error(lambda: TorchSampler(range(3), 2, 5))[0]
    # the shuffled order differs from PyTorch's: numpy's generator is not torch's
    g = torch.Generator()
    g.manual_seed(0)
    assert list(DistributedSampler(range(50), 1, 0)) != torch.randperm(50, generator=g).tolist()


# ---- DLPack --------------------------------------------------------------------------------------
def test_numpy_reads_and_writes_a_tensor_through_dlpack():
    t = tg.arange(4.0)
    assert t.__dlpack_device__() == (DLDeviceType.kDLCPU, 0) and t.__dlpack_device__()[0] == 1
    a = np.from_dlpack(t)
    a[0] = 7.0
    t[1] = 9.0
    assert t.tolist() == [7.0, 9.0, 2.0, 3.0] and a.tolist() == [7.0, 9.0, 2.0, 3.0]
    assert "dltensor_versioned" in repr(t.__dlpack__(max_version=(1, 0))) and '"dltensor"' in repr(t.__dlpack__())
    copied = np.from_dlpack(t, copy=True)
    copied[0] = -1.0
    assert t[0].item() == 7.0


def test_from_dlpack_shares_numpy_memory():
    for array in (np.zeros(3), np.arange(6, dtype=np.int32).reshape(2, 3), np.array([True, False])):
        t = tg.from_dlpack(array)
        assert t.dtype == array.dtype and t.shape == array.shape and np.shares_memory(t.data, array)
    a = np.zeros(3)
    t = tg.from_dlpack(a)
    t[0] = 5.0
    a[2] = 1.0
    assert a.tolist() == [5.0, 0.0, 1.0] and t.tolist() == [5.0, 0.0, 1.0]
    assert not np.shares_memory(tg.from_dlpack(a, copy=True).data, a)
    strided = np.arange(12.0).reshape(3, 4)[:, ::2]                  # not contiguous: still shared
    assert np.shares_memory(tg.from_dlpack(strided).data, strided)
    assert tg.from_dlpack is tg.utils.dlpack.from_dlpack


def test_legacy_capsules_both_ways():
    t = tg.arange(4)
    capsule = to_dlpack(t)
    assert '"dltensor"' in repr(capsule)
    back = from_dlpack(capsule)
    back[0] = -9                                    # writable, and the same memory
    assert t.tolist() == [-9, 1, 2, 3]
    with pytest.raises(RuntimeError, match="consumed only once"):
        from_dlpack(capsule)
    assert '"dltensor"' in repr(to_dlpack(tg.ones(2, requires_grad=True)))  # PyTorch's to_dlpack allows it


def test_dlpack_refusals():
    w = tg.ones(2, requires_grad=True)
    with pytest.raises(BufferError, match=r"Can't export tensors that require gradient, use tensor.detach\(\)"):
        w.__dlpack__()
    with pytest.raises(BufferError, match="require gradient"):
        tg.from_dlpack(w)
    assert np.shares_memory(np.from_dlpack(w.detach()), w.data)
    t = tg.zeros(2)
    with pytest.raises(AssertionError, match="stream should be None on cpu"):
        t.__dlpack__(stream=1)
    with pytest.raises(TypeError, match="stream must be"):
        t.__dlpack__(stream="default")
    assert t.__dlpack__(stream=None) is not None and t.__dlpack__(stream=-1) is not None
    with pytest.raises(RuntimeError, match="expected an object with __dlpack__"):
        from_dlpack([1, 2])
    with pytest.raises(TypeError, match="to_dlpack: expected a Tensor"):
        to_dlpack(np.zeros(2))
    with pytest.raises(RuntimeError, match="CPU"):
        from_dlpack(np.zeros(2), device="cuda")


def test_dlpack_with_torch_shares_memory_both_ways():
    torch = pytest.importorskip("torch")
    t = tg.arange(4.0)
    x = torch.from_dlpack(t)                        # torch reads our tensor
    x[0] = -1.0
    t[1] = 10.0
    assert t.tolist() == x.tolist() == [-1.0, 10.0, 2.0, 3.0]
    y = torch.arange(3, dtype=torch.int32)
    g = tg.from_dlpack(y)                           # we read torch's
    g[2] = 42
    y[0] = 7
    assert g.dtype == tg.int32 and g.tolist() == y.tolist() == [7, 1, 42]
    z = torch.zeros(2, 3)                           # legacy capsules, both ways
    h = from_dlpack(torch.utils.dlpack.to_dlpack(z))
    h[0, 0] = 3.0
    assert z[0, 0].item() == 3.0
    u = torch.from_dlpack(to_dlpack(t))
    u[3] = 8.0
    assert t[3].item() == 8.0
    assert torch.from_dlpack(tg.ones(3).expand(2, 3)).shape == (2, 3)
    # the same refusals, in the same words
    assert _error(lambda: torch.ones(1, requires_grad=True).__dlpack__()) == \
        _error(lambda: tg.ones(1, requires_grad=True).__dlpack__())
    assert _error(lambda: torch.from_dlpack(tg.ones(1, requires_grad=True)))[0] == "BufferError"
    for stream in (1, "a"):
        assert _error(lambda: torch.ones(1).__dlpack__(stream=stream)) == \
            _error(lambda: tg.ones(1).__dlpack__(stream=stream))
    capsule = torch.utils.dlpack.to_dlpack(torch.ones(1))
    torch.from_dlpack(capsule)
    assert _error(lambda: torch.from_dlpack(capsule)) == _error(lambda: from_dlpack(_consumed()))
    assert int(torch.utils.dlpack.DLDeviceType.kDLCPU) == int(DLDeviceType.kDLCPU)
    assert [(m.name, m.value) for m in torch.utils.dlpack.DLDeviceType] == [(m.name, m.value) for m in DLDeviceType]


def _consumed():
    capsule = to_dlpack(tg.ones(1))
    from_dlpack(capsule)
    return capsule


# ---- benchmark: Measurement, Timer, Compare -------------------------------------------------------
def _measurement(module, number, times, stmt="x+1", setup="pass", **labels):
    return module.Measurement(number, times, module.TaskSpec(stmt, setup, **labels))


def test_measurement_statistics_by_hand():
    m = _measurement(benchmark, 10, [1e-5, 1.2e-5, 1.1e-5, 1.3e-5], label="add", sub_label="float")
    assert m.times == pytest.approx([1e-6, 1.2e-6, 1.1e-6, 1.3e-6])
    assert m.median == pytest.approx(1.15e-6) and m.mean == pytest.approx(1.15e-6)
    assert m.iqr == pytest.approx(1.225e-6 - 1.075e-6)       # linear interpolation between the sorted times
    assert m.has_warnings and not m.meets_confidence(0.1) and m.meets_confidence(0.2)
    assert m.label == "add" and m.num_threads == 1 and m.stmt == "x+1" and m.env is None
    assert m.title == "add: float" and m.as_row_name == "float"
    assert repr(m).splitlines()[1:] == [
        "add: float", "  Median: 1.15 us", "  IQR:    0.15 us (1.08 to 1.22)",
        "  4 measurements, 10 runs per measurement, 1 thread",
        "  WARNING: Interquartile range is 13.0% of the median measurement.",
        "           This could indicate system fluctuation."]
    assert repr(m).startswith("<tinygrad_edu.utils.benchmark.common.Measurement object at 0x")
    single = _measurement(benchmark, 100, [2.5e-3], stmt="y = x @ x", setup="x = 1")
    assert repr(single).splitlines()[1:] == ["y = x @ x", "setup: x = 1", "  25.00 us",
                                             "  1 measurement, 100 runs , 1 thread"]
    assert not single.has_warnings and single.significant_figures == 3   # log10(25 us / 25 ns), the least interval
    with pytest.raises(AttributeError):
        single.not_a_field


def test_measurement_merge_and_helpers():
    spec = benchmark.TaskSpec("x", "pass", label="l")
    a, b = benchmark.Measurement(10, [1e-5], spec), benchmark.Measurement(2, [4e-6, 6e-6], spec)
    other = benchmark.Measurement(1, [1.0], benchmark.TaskSpec("y", "pass"))
    merged = benchmark.Measurement.merge([a, other, b])
    assert [m.task_spec for m in merged] == [spec, other.task_spec]
    assert merged[0].number_per_run == 1 and merged[0].raw_times == pytest.approx([1e-6, 2e-6, 3e-6])
    assert benchmark.select_unit(2.5e-5) == ("us", 1e-6) and benchmark.select_unit(1e-6) == ("us", 1e-6)
    assert benchmark.select_unit(999e-9) == ("ns", 1e-9) and benchmark.select_unit(12.0) == ("s", 1)
    assert benchmark.trim_sigfig(123456.0, 3) == 123000.0 and benchmark.trim_sigfig(3.14159, 2) == pytest.approx(3.1)
    assert benchmark.unit_to_english("ms") == "millisecond" and benchmark.ordered_unique([3, 1, 3, 2, 1]) == [3, 1, 2]


def test_measurement_as_torch():
    pytest.importorskip("torch")
    import torch.utils.benchmark as torch_benchmark

    rng = np.random.default_rng(0)
    for trial in range(300):
        n, scale = int(rng.integers(1, 14)), 10.0 ** rng.uniform(-9, 1)
        times = (scale * (1 + rng.uniform(0, (0.01, 0.2, 1.0)[trial % 3], n))).tolist()
        labels = {"label": "op", "sub_label": ("s", None)[trial % 2], "description": ("d", None)[trial % 3 == 0],
                  "num_threads": 1 + trial % 3}
        stmt, setup = ("a\nb", "s1\ns2") if trial % 5 == 0 else ("x", "pass")
        ours = _measurement(benchmark, 1 + trial, times, stmt, setup, **labels)
        theirs = _measurement(torch_benchmark, 1 + trial, times, stmt, setup, **labels)
        assert repr(ours).split("\n", 1)[1] == repr(theirs).split("\n", 1)[1]
        assert (ours.significant_figures, ours.has_warnings) == (theirs.significant_figures, theirs.has_warnings)
        assert ours.median == pytest.approx(theirs.median, rel=1e-15) and ours.mean == pytest.approx(theirs.mean)
    for x in (10.0 ** rng.uniform(-10, 3, 300)).tolist():   # Python floats, as Compare passes
        assert benchmark.select_unit(x) == torch_benchmark.select_unit(x)
        assert benchmark.trim_sigfig(x, 2) == torch_benchmark.trim_sigfig(x, 2)


class FakeClock:
    """A clock that only moves when read (by `overhead`) and when the timed statement ticks (by
    `cost` times the next jitter factor): timings that are the same on every run."""

    def __init__(self, cost, overhead=3e-8, jitter=(1.0,)):
        self.now, self.cost, self.overhead, self.jitter = 0.0, cost, overhead, itertools.cycle(jitter)

    def __call__(self):
        self.now += self.overhead
        return self.now

    def tick(self):
        self.now += self.cost * next(self.jitter)


def test_blocked_autorange_block_size_by_hand():
    clock = FakeClock(3e-6)
    calls = []
    m = benchmark.Timer("clock.tick()", globals={"clock": clock}, timer=clock).blocked_autorange(
        callback=lambda number, spent: calls.append((number, spent)))
    # a timing costs 3e-8 of its own; 100 runs take 3e-4: overhead ≤ 1e-4 of it, and ≥ 0.2 / 1000 s
    assert m.number_per_run == 100
    assert m.raw_times == pytest.approx([100 * 3e-6 + 3e-8] * len(m.raw_times))
    assert len(m.raw_times) == math.ceil(0.2 / (100 * 3e-6 + 3e-8))   # blocks until 0.2 s in total
    assert calls == [(100, t) for t in m.raw_times]
    assert m.median == pytest.approx(3.0003e-6) and not m.has_warnings
    clock = FakeClock(0.3)
    m = benchmark.Timer("clock.tick()", globals={"clock": clock}, timer=clock).blocked_autorange()
    assert m.number_per_run == 1 and len(m.raw_times) == 1           # one run is already > min_run_time


def test_timeit_and_adaptive_autorange_by_hand():
    clock = FakeClock(1e-3)
    m = benchmark.Timer("clock.tick()", globals={"clock": clock}, timer=clock).timeit(100)
    assert m.number_per_run == 100 and m.raw_times == pytest.approx([0.1 + 3e-8])
    assert clock.now == pytest.approx(102 * 1e-3 + 4 * 3e-8)             # a warm-up of 2 runs came first
    clock = FakeClock(1e-3, jitter=(1.0, 1.5))                            # spread too large: go on to max_run_time
    m = benchmark.Timer("clock.tick()", globals={"clock": clock}, timer=clock).adaptive_autorange(max_run_time=0.5)
    assert sum(m.raw_times) > 0.5 and m.has_warnings
    clock = FakeClock(1e-3)          # steady: stop once min_run_time has passed (10 blocks of 1 run)
    m = benchmark.Timer("clock.tick()", globals={"clock": clock}, timer=clock).adaptive_autorange()
    assert len(m.raw_times) == 10 and m.number_per_run == 1 and not m.has_warnings
    clock = FakeClock(1e-3)          # ... or after more than 3 blocks, when min_run_time is short
    m = benchmark.Timer("clock.tick()", globals={"clock": clock}, timer=clock).adaptive_autorange(min_run_time=1e-4)
    assert len(m.raw_times) == 4


def test_timer_as_torch_with_the_same_fake_clock():
    pytest.importorskip("torch")
    import torch.utils.benchmark as torch_benchmark

    for cost in (1e-7, 3e-6, 2e-4, 0.03):
        for method, kwargs in (("blocked_autorange", {}), ("blocked_autorange", {"min_run_time": 0.05}),
                               ("adaptive_autorange", {}), ("timeit", {"number": 100}),
                               ("adaptive_autorange", {"threshold": 0.01, "max_run_time": 1.0})):
            results = []
            for module in (benchmark, torch_benchmark):
                clock = FakeClock(cost, jitter=(1.0, 1.3, 0.9, 1.1, 1.0, 1.6))
                timer = module.Timer("clock.tick()", globals={"clock": clock}, timer=clock, label="tick",
                                     sub_label="fake", description="d")
                m = getattr(timer, method)(**kwargs)
                results.append((m.number_per_run, m.raw_times, repr(m).split("\n", 1)[1]))
            assert results[0] == results[1], (cost, method)


def test_timer_globals_setup_and_threads():
    seen = []
    before = tg.get_num_threads()
    timer = benchmark.Timer("seen.append((tg.get_num_threads(), y))", setup="y = 2 * x",
                            globals={"seen": seen, "x": 21}, num_threads=3)
    m = timer.timeit(5)
    assert seen == [(3, 42)] * 7 and tg.get_num_threads() == before        # 2 warm-up runs + 5
    assert m.num_threads == 3 and m.task_spec.setup == "y = 2 * x" and timer._globals["tg"] is tg
    code = benchmark.Timer("""
        a = 1
        b = a + 1
    """)
    assert code._task_spec.stmt == "a = 1\nb = a + 1"                     # dedented, first newline dropped
    assert code.timeit(3).raw_times[0] > 0


def test_timer_refusals():
    with pytest.raises(ValueError, match="only a `str` stmt"):
        benchmark.Timer(lambda: None)
    with pytest.raises(ValueError, match="global_setup is C\\+\\+ only"):
        benchmark.Timer("pass", global_setup="#include <x>")
    with pytest.raises(NotImplementedError, match="no C\\+\\+ API"):
        benchmark.Timer("pass", language="cpp")
    with pytest.raises(ValueError, match="invalid language"):
        benchmark.Timer("pass", language="rust")
    timer = benchmark.Timer("pass")
    for call in (timer.repeat, timer.autorange):
        with pytest.raises(NotImplementedError, match="blocked_autorange"):
            call()
    with pytest.raises(NotImplementedError, match="Callgrind"):
        timer.collect_callgrind()
    with pytest.raises(ValueError, match="Expected an instance of `Measurement`|expected an instance"):
        benchmark.Compare([1.0])


def _compare_cases(module):
    def m(times, sub_label, description, num_threads=1):
        return _measurement(module, 10, times, label="add", sub_label=sub_label, description=description,
                            num_threads=num_threads)

    return [m([1e-5, 1.1e-5, 1.05e-5], "float", "n=1"), m([4e-5, 4.2e-5, 4.1e-5, 4.0e-5], "float", "n=100"),
            m([1.5e-5, 1.6e-5, 3e-5, 1.4e-5], "int", "n=1"), m([1e-5, 1.1e-5], "float", "n=1", num_threads=2)]


def test_compare_table_by_hand():
    compare = benchmark.Compare(_compare_cases(benchmark))
    assert str(compare) == (
        "[----------- add -----------]\n"
        "             |  n=1  |  n=100\n"
        "1 threads: ------------------\n"
        "      float  |  1.1  |   4.1 \n"
        "      int    |  1.6  |       \n"
        "2 threads: ------------------\n"
        "      float  |  1.1  |       \n"
        "\n"
        "Times are in microseconds (us).\n")
    compare.trim_significant_figures()
    compare.highlight_warnings()
    assert str(compare).splitlines()[3:5] == ["      float  |   1         |    4  ",
                                              "      int    |  2 (! 31%)  |       "]
    assert str(compare).endswith("(! XX%) Measurement has high variance, where XX is the IQR / median * 100.\n")
    compare.colorize()
    assert "\033[92m" in str(compare)
    no_description = benchmark.Compare([_measurement(benchmark, 1, [1e-3, 1.1e-3], label="t")])
    assert "x+1  |  1.1" in str(no_description)     # (PyTorch fails on a column without a description)


def test_compare_as_torch():
    pytest.importorskip("torch")
    import torch.utils.benchmark as torch_benchmark

    rng = np.random.default_rng(1)
    for trial in range(150):
        cases = []
        for label, sub, description, threads in itertools.product(("add", "mul"), (None, "float", "int"),
                                                                  ("n=1", "n=1000"), (1, 4)):
            if rng.random() < 0.4:
                continue
            scale, n = 10.0 ** rng.uniform(-9, 1), int(rng.integers(1, 12))
            times = (scale * (1 + rng.uniform(0, (0.01, 0.3, 1.0)[trial % 3], n))).tolist()
            env = ("A", "Bee")[int(rng.integers(0, 2))] if trial % 4 == 0 else None
            cases.append((int(rng.integers(1, 1000)), times, dict(label=label, sub_label=sub, description=description,
                                                                  num_threads=threads, env=env)))
        if not cases:
            continue
        tables = []
        for module in (benchmark, torch_benchmark):
            compare = module.Compare([_measurement(module, n, times, **labels) for n, times, labels in cases])
            options = [(), ("trim_significant_figures",), ("highlight_warnings", "colorize")][trial % 3]
            for option in options:
                getattr(compare, option)()
            tables.append(str(compare))
        assert tables[0] == tables[1]
    rowwise = []
    for module in (benchmark, torch_benchmark):
        compare = module.Compare(_compare_cases(module))
        compare.colorize(rowwise=True)
        rowwise.append(str(compare))
    assert rowwise[0] == rowwise[1]


# ---- hooks, swap_tensors ---------------------------------------------------------------------------
def test_removable_handle_is_the_one_module_hooks_return():
    hooks = {}
    handle = RemovableHandle(hooks)
    hooks[handle.id] = print
    with handle:
        assert list(hooks) == [handle.id]
    assert hooks == {}
    handle.remove()                                  # twice: nothing
    other = RemovableHandle(hooks)
    assert other.id != handle.id
    layer = nn.Linear(2, 2)
    calls = []
    h = layer.register_forward_hook(lambda module, args, output: calls.append(output.shape))
    assert isinstance(h, RemovableHandle) and tg.utils.hooks.RemovableHandle is RemovableHandle
    layer(tg.ones(1, 2))
    h.remove()
    layer(tg.ones(1, 2))
    assert calls == [(1, 2)]


def test_swap_tensors_trades_everything():
    p = nn.Parameter(tg.ones(2))
    p.note = "p's"
    (p * 3).sum().backward()
    plain = tg.zeros(3)
    alias_p, alias_plain = p, plain
    swap_tensors(p, plain)
    assert alias_p is p and alias_plain is plain
    assert p.tolist() == [0.0, 0.0, 0.0] and not p.requires_grad and p.grad is None and not hasattr(p, "note")
    assert not isinstance(p, nn.Parameter)
    assert plain.tolist() == [1.0, 1.0] and plain.requires_grad and plain.grad.tolist() == [3.0, 3.0]
    assert plain.note == "p's" and isinstance(plain, nn.Parameter)
    swap_tensors(p, p)                               # with itself: nothing changes
    assert p.tolist() == [0.0, 0.0, 0.0]


def test_swap_tensors_keeps_a_module_s_parameter_object():
    layer = nn.Linear(2, 2)
    weight = layer.weight
    optimizer = tg.optim.SGD(layer.parameters(), lr=0.5)
    swap_tensors(layer.weight, nn.Parameter(tg.zeros(2, 2)))
    assert layer.weight is weight and layer.weight.abs().sum().item() == 0.0 and isinstance(weight, nn.Parameter)
    layer(tg.ones(1, 2)).sum().backward()            # the optimizer updates the new content
    optimizer.step()
    assert weight.tolist() == [[-0.5, -0.5], [-0.5, -0.5]]


def test_swap_tensors_refusals():
    a, b = tg.ones(1), tg.zeros(1)
    ref = weakref.ref(a)
    with pytest.raises(RuntimeError, match="Cannot swap t1 because it has weakref associated with it"):
        swap_tensors(a, b)
    with pytest.raises(RuntimeError, match="Cannot swap t2 because it has weakref associated with it"):
        swap_tensors(b, a)
    del ref
    swap_tensors(a, b)
    assert a.item() == 0.0
    constant = tg.ones(2)
    graph = constant * tg.ones(2, requires_grad=True)  # the graph remembers its constants weakly
    with pytest.raises(RuntimeError, match="weakref"):
        swap_tensors(constant, tg.zeros(2))
    del graph
    with pytest.raises(TypeError, match="t1 must be a Tensor"):
        swap_tensors(1, tg.ones(1))


def test_swap_tensors_as_torch():
    torch = pytest.importorskip("torch")
    a, b = torch.nn.Parameter(torch.ones(2)), torch.zeros(3)
    a.note = 1
    torch.utils.swap_tensors(a, b)
    p, q = nn.Parameter(tg.ones(2)), tg.zeros(3)
    p.note = 1
    swap_tensors(p, q)
    assert (a.tolist(), b.tolist(), a.requires_grad, b.requires_grad, hasattr(a, "note"), b.note) == \
        (p.tolist(), q.tolist(), p.requires_grad, q.requires_grad, hasattr(p, "note"), q.note)
    assert (isinstance(a, torch.nn.Parameter), isinstance(b, torch.nn.Parameter)) == \
        (isinstance(p, nn.Parameter), isinstance(q, nn.Parameter))
    t = torch.ones(1)
    ref_t = weakref.ref(t)
    u = tg.ones(1)
    ref_u = weakref.ref(u)
    assert _error(lambda: torch.utils.swap_tensors(t, torch.ones(1))) == _error(lambda: swap_tensors(u, tg.ones(1)))
    assert _error(lambda: torch.utils.swap_tensors(torch.ones(1), t)) == _error(lambda: swap_tensors(tg.ones(1), u))
    del ref_t, ref_u


def test_adding_streams_chains_them_as_in_pytorch():
    class Pair(Dataset):
        def __getitem__(self, i):
            return i

        def __len__(self):
            return 2

    chained = Count(2) + Count(3)
    assert isinstance(chained, ChainDataset) and list(chained) == [0, 1, 0, 1, 2]
    with pytest.raises(AssertionError, match="ConcatDataset does not support IterableDataset"):
        Pair() + Count(1)
