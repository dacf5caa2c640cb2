"""tg.utils.data (PyTorch's torch.utils.data) and tg.Generator: datasets, samplers, collation and
the DataLoader, checked on their own and, where PyTorch is installed, against torch.utils.data
(batches, types, dtypes, lengths and exception types; shuffled orders differ by design)."""
from __future__ import annotations

import collections

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu.utils.data import (
    BatchSampler,
    ConcatDataset,
    DataLoader,
    Dataset,
    IterableDataset,
    RandomSampler,
    SequentialSampler,
    Subset,
    SubsetRandomSampler,
    TensorDataset,
    default_collate,
    default_convert,
    random_split,
)


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


def _data(n=10):
    return tg.arange(float(2 * n)).reshape(n, 2), tg.arange(n)


# ---- datasets ------------------------------------------------------------------------------------

def test_tensor_dataset_rows_and_length():
    x, y = _data()
    ds = TensorDataset(x, y)
    assert len(ds) == 10
    xi, yi = ds[3]
    assert xi.tolist() == [6.0, 7.0] and yi.item() == 3 and yi.dtype == tg.int64


def test_tensor_dataset_refuses_tensors_of_different_lengths():
    with pytest.raises(AssertionError, match="size mismatch.*5, 4"):  # (PyTorch's type)
        TensorDataset(tg.zeros(5, 2), tg.zeros(4))
    with pytest.raises(TypeError, match="must be a Tensor"):
        TensorDataset(np.zeros(3))


def test_subset_concat_and_plus():
    x, y = _data(6)
    ds = TensorDataset(x, y)
    sub = Subset(ds, [4, 0])
    assert len(sub) == 2 and sub[0][1].item() == 4 and sub[1][1].item() == 0
    both = ds + sub
    assert isinstance(both, ConcatDataset) and len(both) == 8
    assert both[6][1].item() == 4 and both[-1][1].item() == 0 and both[5][1].item() == 5
    with pytest.raises(IndexError):
        both[8]
    with pytest.raises(AssertionError, match="should not be an empty"):  # (PyTorch's type)
        ConcatDataset([])


def test_random_split_with_counts_and_fractions_is_a_partition():
    parts = random_split(range(10), [3, 7], generator=tg.Generator().manual_seed(1))
    assert [len(p) for p in parts] == [3, 7]
    assert sorted(list(parts[0]) + list(parts[1])) == list(range(10))
    fractions = random_split(range(11), [0.5, 0.3, 0.2])
    assert [len(p) for p in fractions] == [6, 3, 2]  # floor 5, 3, 2, then the remainder to the first
    again = random_split(range(10), [3, 7], generator=tg.Generator().manual_seed(1))
    assert list(again[0]) == list(parts[0])
    with pytest.raises(ValueError, match="sum of input lengths"):
        random_split(range(10), [3, 3])


def test_random_split_lengths_match_pytorch(torch):
    for n, lengths in [(11, [0.5, 0.3, 0.2]), (10, [0.25, 0.75]), (7, [1 / 3, 1 / 3, 1 / 3]), (5, [2, 3])]:
        ours = [len(p) for p in random_split(range(n), lengths)]
        theirs = [len(p) for p in torch.utils.data.random_split(range(n), lengths)]
        assert ours == theirs, (n, lengths)


# ---- samplers --------------------------------------------------------------------------------------

def test_samplers():
    assert list(SequentialSampler(range(4))) == [0, 1, 2, 3]
    tg.manual_seed(0)
    first = list(RandomSampler(range(20)))
    assert sorted(first) == list(range(20)) and first != list(range(20))
    tg.manual_seed(0)
    assert list(RandomSampler(range(20))) == first  # repeatable from the framework's seed
    drawn = list(RandomSampler(range(3), replacement=True, num_samples=50))
    assert len(drawn) == 50 and set(drawn) <= {0, 1, 2}
    counts = collections.Counter(RandomSampler(range(3), num_samples=7))  # two permutations and one more
    assert sorted(counts.values()) == [2, 2, 3]
    assert sorted(SubsetRandomSampler([5, 7, 9])) == [5, 7, 9]
    assert list(BatchSampler(range(5), 2, drop_last=False)) == [[0, 1], [2, 3], [4]]
    assert list(BatchSampler(range(5), 2, drop_last=True)) == [[0, 1], [2, 3]]
    assert len(BatchSampler(range(5), 2, False)) == 3 and len(BatchSampler(range(5), 2, True)) == 2
    with pytest.raises(ValueError, match="batch_size"):
        BatchSampler(range(5), 0, False)
    with pytest.raises(ValueError, match="num_samples"):
        RandomSampler(range(5), num_samples=0)


# ---- collation ---------------------------------------------------------------------------------------

Point = collections.namedtuple("Point", "x y")


def test_default_collate_follows_pytorchs_rules():
    xs, ys = default_collate([(tg.zeros(2), 0), (tg.ones(2), 1)])
    assert xs.shape == (2, 2) and ys.tolist() == [0, 1] and ys.dtype == tg.int64
    assert default_collate([0.5, 1.5]).dtype == tg.float64
    assert default_collate([True, False]).dtype == tg.bool
    assert default_collate([np.float32(1), np.float32(2)]).dtype == tg.float32
    arrays = default_collate([np.zeros((2, 3), np.float32)] * 4)
    assert isinstance(arrays, tg.Tensor) and arrays.shape == (4, 2, 3) and arrays.dtype == tg.float32
    assert default_collate(["a", "b"]) == ["a", "b"]
    d = default_collate([{"x": 1.0, "n": "a"}, {"x": 2.0, "n": "b"}])
    assert d["x"].tolist() == [1.0, 2.0] and d["n"] == ["a", "b"]
    p = default_collate([Point(1, 2.0), Point(3, 4.0)])
    assert isinstance(p, Point) and p.x.tolist() == [1, 3] and p.y.dtype == tg.float64
    with pytest.raises(RuntimeError, match="equal size"):
        default_collate([[1, 2], [3]])
    with pytest.raises(TypeError, match="found object"):
        default_collate([object(), object()])


def test_default_collate_and_convert_match_pytorch(torch):
    from torch.utils.data import default_collate as torch_collate
    from torch.utils.data import default_convert as torch_convert

    cases = [[(np.ones(2), 3), (np.zeros(2), 4)], [0.5, 1.5], [1, 2], [True, False],
             [np.float32(1), np.float32(2)], [{"a": [1, 2.0]}, {"a": [3, 4.0]}], [Point(1, 2.0), Point(3, 4.0)]]

    def same(ours, theirs):
        if isinstance(theirs, torch.Tensor):
            assert isinstance(ours, tg.Tensor)
            assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "")
            np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
        elif isinstance(theirs, dict):
            assert ours.keys() == theirs.keys()
            for k in theirs:
                same(ours[k], theirs[k])
        elif isinstance(theirs, (list, tuple)):
            assert type(ours) is type(theirs) and len(ours) == len(theirs)
            for a, b in zip(ours, theirs):
                same(a, b)
        else:
            assert ours == theirs

    for batch in cases:
        same(default_collate(batch), torch_collate(batch))
    for data in [np.arange(3), (np.ones(2), "s"), {"k": np.float64(2.0)}, [np.ones(1), 5]]:
        same(default_convert(data), torch_convert(data))


# ---- the DataLoader ---------------------------------------------------------------------------------

def test_loader_batches_in_order_with_the_last_smaller_or_dropped():
    x, y = _data()
    loader = DataLoader(TensorDataset(x, y), batch_size=4)
    batches = list(loader)
    assert len(loader) == 3 and [b[0].shape for b in batches] == [(4, 2), (4, 2), (2, 2)]
    assert isinstance(batches[0], list) and batches[2][1].tolist() == [8, 9]
    dropped = DataLoader(TensorDataset(x, y), batch_size=4, drop_last=True)
    assert len(dropped) == 2 and len(list(dropped)) == 2


def test_loader_batches_equal_stacked_examples_and_carry_gradients():
    x = tg.randn(6, 3, requires_grad=True)
    ds = TensorDataset(x, tg.arange(6))
    for xb, yb in DataLoader(ds, batch_size=4, shuffle=True):
        expected = tg.stack([ds[i][0] for i in yb.tolist()])
        np.testing.assert_array_equal(xb.numpy(), expected.numpy())
        (xb * 2).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.full((6, 3), 2.0))


def test_shuffle_visits_everything_in_a_new_order_each_pass():
    x, y = _data(30)
    loader = DataLoader(TensorDataset(x, y), batch_size=7, shuffle=True)
    tg.manual_seed(3)
    first = [i for _, yb in loader for i in yb.tolist()]
    second = [i for _, yb in loader for i in yb.tolist()]
    assert sorted(first) == sorted(second) == list(range(30)) and first != second
    tg.manual_seed(3)
    assert [i for _, yb in loader for i in yb.tolist()] == first
    g = DataLoader(TensorDataset(x, y), batch_size=30, shuffle=True, generator=tg.Generator().manual_seed(5))
    h = DataLoader(TensorDataset(x, y), batch_size=30, shuffle=True, generator=tg.Generator().manual_seed(5))
    assert next(iter(g))[1].tolist() == next(iter(h))[1].tolist()


def test_loader_options():
    x, y = _data()
    ds = TensorDataset(x, y)
    one = list(DataLoader(ds, batch_size=None))
    assert len(one) == 10 and isinstance(one[0], list) and one[0][0].shape == (2,)  # (a tuple: a list, as in PyTorch)
    custom = list(DataLoader(ds, batch_size=3, collate_fn=lambda b: len(b)))
    assert custom == [3, 3, 3, 1]
    by_sampler = list(DataLoader(ds, batch_size=2, sampler=[9, 8, 7]))
    assert [b[1].tolist() for b in by_sampler] == [[9, 8], [7]]
    by_batches = list(DataLoader(ds, batch_sampler=[[1, 2], [0]]))
    assert [b[1].tolist() for b in by_batches] == [[1, 2], [0]]
    calls = []
    list(DataLoader(ds, batch_size=5, num_workers=2, pin_memory=True, worker_init_fn=calls.append))
    assert calls == [0, 1]


class Squares(Dataset):
    def __len__(self):
        return 5

    def __getitem__(self, i):
        return {"x": np.full(2, i, np.float32), "y": i * i}


class Stream(IterableDataset):
    def __iter__(self):
        return iter(range(7))


def test_loader_over_custom_and_iterable_datasets():
    batch = next(iter(DataLoader(Squares(), batch_size=5)))
    assert batch["x"].shape == (5, 2) and batch["x"].dtype == tg.float32 and batch["y"].tolist() == [0, 1, 4, 9, 16]
    stream = DataLoader(Stream(), batch_size=3)
    assert [b.tolist() for b in stream] == [[0, 1, 2], [3, 4, 5], [6]]
    with pytest.raises(ValueError, match="shuffle"):
        DataLoader(Stream(), shuffle=True)
    with pytest.raises(TypeError):
        len(stream)  # a stream without a length


@pytest.mark.parametrize("kwargs,match", [
    (dict(sampler=[0, 1], shuffle=True), "mutually exclusive with shuffle"),
    (dict(batch_sampler=[[0]], batch_size=2), "batch_sampler option is mutually exclusive"),
    (dict(batch_size=None, drop_last=True), "batch_size=None"),
    (dict(num_workers=-1), "num_workers"),
])
def test_loader_refuses_contradictory_options(kwargs, match):
    with pytest.raises(ValueError, match=match):
        DataLoader(TensorDataset(*_data()), **kwargs)


@pytest.mark.parametrize("kwargs", [dict(sampler=[0, 1], shuffle=True), dict(batch_sampler=[[0]], batch_size=2),
                                    dict(batch_size=None, drop_last=True), dict(num_workers=-1)])
def test_loader_errors_have_pytorchs_types(torch, kwargs):
    x = np.arange(20.0).reshape(10, 2)
    with pytest.raises(ValueError):
        torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.from_numpy(x)), **kwargs)


@pytest.mark.parametrize("batch_size,drop_last", [(1, False), (3, False), (3, True), (10, False), (4, True)])
def test_sequential_loader_matches_pytorch(torch, batch_size, drop_last):
    x, y = np.arange(20.0).reshape(10, 2), np.arange(10)
    ours = DataLoader(TensorDataset(tg.tensor(x), tg.tensor(y)), batch_size=batch_size, drop_last=drop_last)
    theirs = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.from_numpy(x), torch.from_numpy(y)),
                                         batch_size=batch_size, drop_last=drop_last)
    assert len(ours) == len(theirs)
    if batch_size == 1:
        unbatched = torch.utils.data.DataLoader(theirs.dataset, batch_size=None)
        assert type(next(iter(DataLoader(ours.dataset, batch_size=None)))) is type(next(iter(unbatched)))
    for (xa, ya), (xb, yb) in zip(ours, theirs, strict=True):
        np.testing.assert_array_equal(xa.numpy(), xb.numpy())
        np.testing.assert_array_equal(ya.numpy(), yb.numpy())
        assert str(ya.dtype) == str(yb.dtype).replace("torch.", "")


# ---- tg.Generator ----------------------------------------------------------------------------------

def test_generator_streams_are_their_own():
    g = tg.Generator().manual_seed(42)
    assert isinstance(g.manual_seed(42), tg.Generator) and g.initial_seed() == 42
    a = tg.randn(4, generator=g)
    tg.manual_seed(0)
    tg.randn(10)  # the framework's generator moves; g does not care
    b = tg.randn(4, generator=tg.Generator().manual_seed(42))
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    state = g.get_state()
    first = tg.rand(3, generator=g)
    g.set_state(state)
    np.testing.assert_array_equal(tg.rand(3, generator=g).numpy(), first.numpy())
    assert g.device == tg.device("cpu") and isinstance(tg.Generator().seed(), int)
    assert tg.Generator().manual_seed(-1).initial_seed() == 2**64 - 1  # wrapped, as in PyTorch
    with pytest.raises(TypeError, match="generator must be a tg.Generator"):
        tg.randperm(3, generator=7)
    with pytest.raises(TypeError, match="seed must be an int"):
        tg.Generator().manual_seed(1.5)
    with pytest.raises(RuntimeError, match="CPU"):
        tg.Generator(device="cuda")


def test_generator_matches_pytorchs_interface(torch):
    for name in ("manual_seed", "seed", "initial_seed", "get_state", "set_state", "device"):
        assert hasattr(torch.Generator(), name) and hasattr(tg.Generator(), name)
    assert torch.Generator().manual_seed(-1).initial_seed() == tg.Generator().manual_seed(-1).initial_seed()


@pytest.mark.parametrize("module", ["tinygrad_edu.utils.data", "tinygrad_edu.utils.data.dataset",
                                    "tinygrad_edu.utils.data.sampler", "tinygrad_edu.utils.data.collate",
                                    "tinygrad_edu.utils.data.dataloader", "tinygrad_edu.random"])
def test_docstring_examples(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
