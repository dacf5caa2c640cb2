# ruff: noqa: E501  (the case tables keep one case per entry; wrapping them would hide their structure)
"""tg.utils.data and tg.nn.utils against PyTorch 2.13, case by case.

Each case is a function of the library (`tg` or `torch`, whose names agree) and a hand-written
expectation for tinygrad_edu: a value in the `simple` form below, an exception type, or a
predicate. `test_case` checks the expectation (no torch needed); `test_case_matches_torch` runs
the same function with torch and compares values, dtypes, shapes, container types, warnings
and exception types. Random draws differ by design (numpy's generator), so random results are
compared by their properties (a permutation, counts, lengths).
"""
from __future__ import annotations

import collections
import math

import numpy as np
import pytest

import tinygrad_edu as tg
from tests.torch_sides import assert_expected, outcome, run_both

try:
    import torch
    import torch.nn.utils.prune  # noqa: F401  (not imported by torch.nn.utils itself)
except ImportError:  # pragma: no cover
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")

Pair = collections.namedtuple("Pair", "a b")


class Items(list):
    """A list subclass: default_collate keeps it (a copy of the first example, refilled)."""


# ---- normal forms --------------------------------------------------------------------------------

def _is_tensor(x) -> bool:
    return isinstance(x, tg.Tensor) or (torch is not None and isinstance(x, torch.Tensor))


def simple(x):
    """Tensors as (dtype name, values); containers kept with their type where it is not the
    plain one (namedtuple, OrderedDict, defaultdict, list subclass)."""
    if _is_tensor(x):
        return (str(x.dtype).replace("torch.", ""), x.tolist())
    if isinstance(x, dict):
        inner = {k: simple(v) for k, v in x.items()}
        return inner if type(x) is dict else (type(x).__name__, inner)
    if isinstance(x, tuple) and hasattr(x, "_fields"):
        return (type(x).__name__, tuple(simple(v) for v in x))
    if isinstance(x, (list, tuple)):
        inner = [simple(v) for v in x]
        if type(x) in (list, tuple):
            return inner if type(x) is list else tuple(inner)
        return (type(x).__name__, inner)
    if isinstance(x, (str, bytes)):  # (np.str_ too)
        return str(x) if isinstance(x, str) else bytes(x)
    if isinstance(x, (np.generic, np.ndarray)):
        return ("ndarray", str(x.dtype), np.asarray(x).tolist())
    return x


def _close(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


def _run(fn, lib):
    """(simple result or exception type, the warning categories)."""
    return outcome(fn, lib, simple)


# ---- the cases: name -> (fn(L), expected) ---------------------------------------------------------

def D(L):
    return L.utils.data


def _td(L, n=5):
    return D(L).TensorDataset(L.arange(2 * n, dtype=L.float64).reshape(n, 2), L.arange(n))


def _stream(L, n=5, length=True, reported=None):
    def it(self):
        return iter([(float(i), i) for i in range(n)])
    body = {"__iter__": it}
    if length:
        body["__len__"] = lambda self: n if reported is None else reported
    return type("Stream", (D(L).IterableDataset,), body)()


def _loader(L, ds=None, **kw):
    return list(D(L).DataLoader(_td(L) if ds is None else ds, **kw))


def _split(L, n, lengths):
    parts = D(L).random_split(range(n), lengths, generator=L.Generator().manual_seed(0))
    assert sorted(i for p in parts for i in p) == list(range(n))  # a partition
    return [len(p) for p in parts]


def _collate(*batch):
    return lambda L: D(L).default_collate(list(batch))


def _convert(data):
    return lambda L: D(L).default_convert(data)


F64, I64 = "float64", "int64"
ROWS = [[0.0, 1.0], [2.0, 3.0], [4.0, 5.0], [6.0, 7.0], [8.0, 9.0]]

COLLATE = {
    "tensors": (lambda L: D(L).default_collate([L.tensor([1.0, 2.0]), L.tensor([3.0, 4.0])]),
                (F64, [[1.0, 2.0], [3.0, 4.0]])),
    "tensors_0d_int": (lambda L: D(L).default_collate([L.tensor(1), L.tensor(2)]), (I64, [1, 2])),
    "tensors_ragged": (lambda L: D(L).default_collate([L.tensor([1.0, 2.0]), L.tensor([3.0])]), RuntimeError),
    "numpy_int32": (_collate(np.array([1, 2], np.int32), np.array([3, 4], np.int32)), ("int32", [[1, 2], [3, 4]])),
    "numpy_0d": (_collate(np.array(1.5), np.array(2.5)), (F64, [1.5, 2.5])),
    "numpy_strings": (_collate(np.array(["a"]), np.array(["b"])), TypeError),
    "numpy_objects": (_collate(np.array([1], dtype=object)), TypeError),
    "numpy_scalar_f32": (_collate(np.float32(1), np.float32(2)), ("float32", [1.0, 2.0])),
    "numpy_scalar_i16": (_collate(np.int16(1), np.int16(2)), ("int16", [1, 2])),
    "numpy_bool": (_collate(np.bool_(True), np.bool_(False)), ("bool", [True, False])),
    "numpy_str_": (_collate(np.str_("a"), np.str_("b")), ["a", "b"]),
    "floats": (_collate(1.0, 2.5), (F64, [1.0, 2.5])),
    "ints": (_collate(1, 2), (I64, [1, 2])),
    "bools": (_collate(True, False), ("bool", [True, False])),
    "int_then_float": (_collate(1, 2.5), (F64, [1.0, 2.5])),
    "complex": (_collate(1j, 2j), TypeError),
    "strings": (_collate("a", "b"), ["a", "b"]),
    "bytes": (_collate(b"a", b"b"), [b"a", b"b"]),
    "none": (_collate(None, None), TypeError),
    "set": (_collate({1}, {2}), TypeError),
    "empty": (_collate(), IndexError),
    "dicts_nested": (_collate({"x": 1, "y": {"z": [1.0, 2]}}, {"x": 2, "y": {"z": [3.0, 4]}}),
                     {"x": (I64, [1, 2]), "y": {"z": [(F64, [1.0, 3.0]), (I64, [2, 4])]}}),
    "ordered_dict": (_collate(collections.OrderedDict(a=1), collections.OrderedDict(a=2)),
                     ("OrderedDict", {"a": (I64, [1, 2])})),
    "defaultdict": (_collate(collections.defaultdict(int, a=1), collections.defaultdict(int, a=2)),
                    ("defaultdict", {"a": (I64, [1, 2])})),
    "dict_missing_key": (_collate({"a": 1}, {"b": 2}), KeyError),
    "tuples": (_collate((1, "a", 2.0), (2, "b", 3.0)), [(I64, [1, 2]), ("a", "b"), (F64, [2.0, 3.0])]),
    "lists": (_collate([1, 2], [3, 4]), [(I64, [1, 3]), (I64, [2, 4])]),
    "lists_ragged": (_collate([1, 2], [3]), RuntimeError),
    "list_subclass": (_collate(Items([1, 2]), Items([3, 4])), ("Items", [(I64, [1, 3]), (I64, [2, 4])])),
    "range": (_collate(range(2), range(2)), [(I64, [0, 0]), (I64, [1, 1])]),
    "namedtuple": (_collate(Pair(1, 2.0), Pair(3, 4.0)), ("Pair", ((I64, [1, 3]), (F64, [2.0, 4.0])))),
    "example_pairs": (lambda L: D(L).default_collate([(L.zeros(2), 0), (L.ones(2), 1)]),
                      [(F64, [[0.0, 0.0], [1.0, 1.0]]), (I64, [0, 1])]),
    "convert_array": (_convert(np.arange(3)), (I64, [0, 1, 2])),
    "convert_numpy_scalar": (_convert(np.float32(2)), ("float32", 2.0)),
    "convert_int": (_convert(3), 3),
    "convert_string": (_convert("s"), "s"),
    "convert_string_array": (_convert(np.array(["a"])), ("ndarray", "<U1", ["a"])),
    "convert_tuple": (_convert((np.zeros(1), 1)), [(F64, [0.0]), 1]),
    "convert_list": (_convert([np.zeros(1), 1]), [(F64, [0.0]), 1]),
    "convert_dict": (_convert({"a": np.zeros(1), "b": [np.ones(2)]}), {"a": (F64, [0.0]), "b": [(F64, [1.0, 1.0])]}),
    "convert_ordered_dict": (_convert(collections.OrderedDict(a=np.zeros(1))), ("OrderedDict", {"a": (F64, [0.0])})),
    "convert_namedtuple": (_convert(Pair(np.zeros(1), 2)), ("Pair", ((F64, [0.0]), 2))),
    "convert_range": (_convert(range(2)), [0, 1]),
}

LOADER = {
    "default": (lambda L: _loader(L)[:2], [[(F64, [[0.0, 1.0]]), (I64, [0])], [(F64, [[2.0, 3.0]]), (I64, [1])]]),
    "batch_2": (lambda L: [b[1] for b in _loader(L, batch_size=2)], [(I64, [0, 1]), (I64, [2, 3]), (I64, [4])]),
    "drop_last": (lambda L: [b[1] for b in _loader(L, batch_size=2, drop_last=True)], [(I64, [0, 1]), (I64, [2, 3])]),
    "batch_none": (lambda L: _loader(L, batch_size=None)[4], [(F64, [8.0, 9.0]), (I64, 4)]),  # (a tuple converted: a list)
    "batch_none_drop_last": (lambda L: _loader(L, batch_size=None, drop_last=True), ValueError),
    "len": (lambda L: [len(D(L).DataLoader(_td(L), batch_size=b, drop_last=d)) for b in (1, 2, 3, 5, 7)
                       for d in (False, True)], [5, 5, 3, 2, 2, 1, 1, 1, 1, 0]),
    "len_batch_none": (lambda L: len(D(L).DataLoader(_td(L), batch_size=None)), 5),
    "len_stream": (lambda L: [len(D(L).DataLoader(_stream(L), batch_size=b, drop_last=d)) for b in (1, 2, 3)
                              for d in (False, True)], [5, 5, 3, 2, 2, 1]),
    "len_stream_batch_none": (lambda L: len(D(L).DataLoader(_stream(L), batch_size=None)), 5),
    "len_stream_without_len": (lambda L: len(D(L).DataLoader(_stream(L, length=False))), TypeError),
    "stream": (lambda L: _loader(L, _stream(L), batch_size=2)[2], [(F64, [4.0]), (I64, [4])]),
    "stream_drop_last": (lambda L: len(_loader(L, _stream(L), batch_size=2, drop_last=True)), 2),
    "stream_batch_none": (lambda L: _loader(L, _stream(L), batch_size=None)[1], [1.0, 1]),
    "stream_shuffle": (lambda L: D(L).DataLoader(_stream(L), shuffle=True), ValueError),
    "stream_sampler": (lambda L: D(L).DataLoader(_stream(L), sampler=[0, 1]), ValueError),
    "stream_batch_sampler": (lambda L: D(L).DataLoader(_stream(L), batch_sampler=[[0, 1]]), ValueError),
    "stream_samplers": (lambda L: (lambda d: [type(d.sampler).__name__, type(d.batch_sampler).__name__])(
        D(L).DataLoader(_stream(L), batch_size=2)), ["_InfiniteConstantSampler", "BatchSampler"]),
    "stream_len_exceeded": (lambda L: (lambda d: (len(d), len(list(d))))(D(L).DataLoader(_stream(L, reported=3))), (3, 5)),
    "sampler": (lambda L: [b[1] for b in _loader(L, sampler=[4, 0, 2], batch_size=2)], [(I64, [4, 0]), (I64, [2])]),
    "sampler_and_shuffle": (lambda L: _loader(L, sampler=[4, 0, 2], shuffle=True), ValueError),
    "batch_sampler": (lambda L: [b[1] for b in _loader(L, batch_sampler=[[4, 0], [2]])], [(I64, [4, 0]), (I64, [2])]),
    "batch_sampler_len": (lambda L: len(D(L).DataLoader(_td(L), batch_sampler=[[4, 0], [2]])), 2),
    "batch_sampler_and_batch_size": (lambda L: _loader(L, batch_sampler=[[0]], batch_size=2), ValueError),
    "batch_sampler_and_drop_last": (lambda L: _loader(L, batch_sampler=[[0]], drop_last=True), ValueError),
    "batch_sampler_and_shuffle": (lambda L: _loader(L, batch_sampler=[[0]], shuffle=True), ValueError),
    "batch_sampler_and_sampler": (lambda L: _loader(L, batch_sampler=[[0]], sampler=[0]), ValueError),
    "collate_fn": (lambda L: _loader(L, batch_size=2, collate_fn=len), [2, 2, 1]),
    "collate_fn_unbatched": (lambda L: _loader(L, batch_size=None, collate_fn=lambda b: type(b).__name__)[:1], ["tuple"]),
    "numpy_examples": (lambda L: _loader(L, [np.arange(2) + i for i in range(3)], batch_size=2)[0], (I64, [[0, 1], [1, 2]])),
    "dict_examples": (lambda L: _loader(L, [{"x": i, "y": [float(i), "s"]} for i in range(3)], batch_size=2)[0],
                      {"x": (I64, [0, 1]), "y": [(F64, [0.0, 1.0]), ("s", "s")]}),
    "unbatched_converted": (lambda L: _loader(L, [(np.float32(1), np.arange(2))], batch_size=None),
                            [[("float32", 1.0), (I64, [0, 1])]]),
    "strings": (lambda L: _loader(L, ["ab", "cd", "ef"], batch_size=2), [["ab", "cd"], ["ef"]]),
    "twice": (lambda L: (lambda d: [b[1] for b in list(d) + list(d)])(D(L).DataLoader(_td(L), batch_size=3)),
              [(I64, [0, 1, 2]), (I64, [3, 4])] * 2),
    "shuffle_is_permutation": (lambda L: sorted(i for b in D(L).DataLoader(
        _td(L), batch_size=2, shuffle=True, generator=L.Generator().manual_seed(0)) for i in b[1].tolist()), [0, 1, 2, 3, 4]),
    "default_samplers": (lambda L: [type(D(L).DataLoader(_td(L), shuffle=s).sampler).__name__ for s in (None, False, True)],
                         ["SequentialSampler", "SequentialSampler", "RandomSampler"]),
    "batch_none_has_no_batch_sampler": (lambda L: D(L).DataLoader(_td(L), batch_size=None).batch_sampler, None),
    "num_workers_negative": (lambda L: D(L).DataLoader(_td(L), num_workers=-1), ValueError),
    "timeout_negative": (lambda L: D(L).DataLoader(_td(L), timeout=-1), ValueError),
    "persistent_workers_without_workers": (lambda L: D(L).DataLoader(_td(L), persistent_workers=True), ValueError),
    "prefetch_factor_without_workers": (lambda L: D(L).DataLoader(_td(L), prefetch_factor=2), ValueError),
    "prefetch_factor_negative": (lambda L: D(L).DataLoader(_td(L), num_workers=1, prefetch_factor=-1), ValueError),
    "prefetch_factor_default": (lambda L: [D(L).DataLoader(_td(L), num_workers=n).prefetch_factor for n in (0, 2)], [None, 2]),
    "multiprocessing_context_without_workers": (lambda L: D(L).DataLoader(_td(L), multiprocessing_context="spawn"), ValueError),
    "multiprocessing_context_unknown": (lambda L: D(L).DataLoader(_td(L), num_workers=1, multiprocessing_context="nope"),
                                        ValueError),
    "multiprocessing_context_type": (lambda L: D(L).DataLoader(_td(L), num_workers=1, multiprocessing_context=3), TypeError),
    "multiprocessing_context_name": (lambda L: type(D(L).DataLoader(_td(L), num_workers=1, multiprocessing_context="spawn")
                                                    .multiprocessing_context).__name__, "SpawnContext"),
    "set_batch_size_after_init": (lambda L: setattr(D(L).DataLoader(_td(L)), "batch_size", 3), ValueError),
    "set_sampler_after_init": (lambda L: setattr(D(L).DataLoader(_td(L)), "sampler", [0]), ValueError),
    "set_collate_fn_after_init": (lambda L: setattr(D(L).DataLoader(_td(L)), "collate_fn", len), None),
    "pin_memory": (lambda L: _loader(L, pin_memory=True, batch_size=5)[0][1], (I64, [0, 1, 2, 3, 4])),
    "worker_init_fn_unused_without_workers": (lambda L: len(_loader(L, worker_init_fn=lambda i: 1 / 0)), 5),
    "worker_info_in_main_process": (lambda L: [D(L).get_worker_info() for _ in D(L).DataLoader(_td(L), batch_size=5)], [None]),
    "two_workers_cover_all": (lambda L: sorted(i for b in D(L).DataLoader(_td(L), num_workers=2, batch_size=2)
                                               for i in b[1].tolist()), [0, 1, 2, 3, 4]),
}


class _Batched:
    """A dataset that only answers a whole batch (`__getitems__`), as Hugging Face's do."""

    def __init__(self, L):
        self.base = D(L).Dataset

    def __len__(self):
        return 5

    def __getitems__(self, indices):
        return [10 * i for i in indices]


def _subset_overriding_getitem(L):
    cls = type("MySubset", (D(L).Subset,), {"__getitem__": lambda self, i: 0})
    return cls([1], [0])


DATASETS = {
    "tensor_dataset": (lambda L: (len(_td(L)), _td(L)[2], _td(L)[-1][1]), (5, ((F64, [4.0, 5.0]), (I64, 2)), (I64, 4))),
    "tensor_dataset_slice": (lambda L: _td(L)[1:3][1], (I64, [1, 2])),
    "tensor_dataset_out_of_range": (lambda L: _td(L)[7], IndexError),
    "tensor_dataset_mismatch": (lambda L: D(L).TensorDataset(L.zeros(3), L.zeros(4)), AssertionError),
    "tensor_dataset_nothing": (lambda L: len(D(L).TensorDataset()), IndexError),
    "tensor_dataset_0d": (lambda L: D(L).TensorDataset(L.tensor(1.0)), IndexError),
    "subset": (lambda L: (lambda s: (len(s), s[0][1], s[-1][1]))(D(L).Subset(_td(L), [4, 0, 2])), (3, (I64, 4), (I64, 2))),
    "subset_getitems": (lambda L: D(L).Subset(list(range(10)), [4, 0, 2]).__getitems__([0, 2]), [4, 2]),
    "subset_list_index": (lambda L: D(L).Subset(_td(L), [4, 0, 2])[[0, 2]][1], (I64, [4, 2])),
    "subset_overriding_getitem_only": (_subset_overriding_getitem, NotImplementedError),
    "loader_uses_getitems": (lambda L: _loader(L, _Batched(L), batch_size=2), [(I64, [0, 10]), (I64, [20, 30]), (I64, [40])]),
    "loader_subset_getitems": (lambda L: _loader(L, D(L).Subset(_Batched(L), [4, 3, 2]), batch_size=2),
                               [(I64, [40, 30]), (I64, [20])]),
    "concat": (lambda L: (lambda c: (len(c), c[0], c[2], c[-1], c.cumulative_sizes))(D(L).ConcatDataset([[1, 2], [3], [4, 5, 6]])),
               (6, 1, 3, 6, [2, 3, 6])),
    "concat_with_empty_parts": (lambda L: (lambda c: (len(c), c[0], c[1]))(D(L).ConcatDataset([[], [1], [], [2]])), (2, 1, 2)),
    "concat_out_of_range": (lambda L: D(L).ConcatDataset([[1, 2], [3]])[3], IndexError),
    "concat_negative_out_of_range": (lambda L: D(L).ConcatDataset([[1, 2], [3]])[-4], ValueError),
    "concat_nothing": (lambda L: D(L).ConcatDataset([]), AssertionError),
    "concat_stream": (lambda L: D(L).ConcatDataset([_stream(L)]), AssertionError),
    "plus": (lambda L: (lambda c: (type(c).__name__, len(c), c[5][1]))(_td(L) + _td(L)), ("ConcatDataset", 10, (I64, 0))),
    "plus_streams": (lambda L: (lambda c: (type(c).__name__, len(c)))(_stream(L, 2) + _stream(L, 3)), ("ChainDataset", 5)),
    "chain": (lambda L: [x[1] for x in D(L).ChainDataset([_stream(L, 2), _stream(L, 3)])], [0, 1, 0, 1, 2]),
    "chain_with_map_dataset": (lambda L: list(D(L).ChainDataset([_stream(L, 2), [1, 2]])), AssertionError),
    "stack_tuples": (lambda L: D(L).StackDataset([1, 2], ["a", "b"])[1], (2, "b")),
    "stack_dicts": (lambda L: D(L).StackDataset(x=[1, 2], y=["a", "b"])[1], {"x": 2, "y": "b"}),
    "stack_mismatch": (lambda L: D(L).StackDataset([1, 2], ["a"]), ValueError),
    "stack_both_kinds": (lambda L: D(L).StackDataset([1, 2], y=[1, 2]), ValueError),
    "stack_nothing": (lambda L: D(L).StackDataset(), ValueError),
    "stack_getitems": (lambda L: D(L).StackDataset([1, 2, 3], ["a", "b", "c"]).__getitems__([2, 0]), [(3, "c"), (1, "a")]),
    "stack_loader": (lambda L: _loader(L, D(L).StackDataset(x=[1.0, 2.0, 3.0], y=["a", "b", "c"]), batch_size=2)[0],
                     {"x": (F64, [1.0, 2.0]), "y": ["a", "b"]}),
    "dataset_base_getitem": (lambda L: D(L).Dataset()[0], NotImplementedError),
    "iterable_dataset_abstract": (lambda L: D(L).IterableDataset(), TypeError),
    "split_counts": (lambda L: _split(L, 10, [3, 7]), [3, 7]),
    "split_count_zero": (lambda L: _split(L, 10, [0, 10]), [0, 10]),
    "split_fractions": (lambda L: _split(L, 10, [0.8, 0.2]), [8, 2]),
    "split_remainder_round_robin": (lambda L: _split(L, 11, [0.1, 0.2, 0.3, 0.4]), [2, 2, 3, 4]),
    "split_remainder_quarters": (lambda L: _split(L, 7, [0.25] * 4), [2, 2, 2, 1]),
    "split_thirds": (lambda L: _split(L, 10, [1 / 3] * 3), [4, 3, 3]),
    "split_fraction_gives_empty": (lambda L: _split(L, 2, [0.2, 0.2, 0.6]), [1, 0, 1]),
    "split_fractions_short": (lambda L: _split(L, 10, [0.5, 0.4]), ValueError),
    "split_fraction_out_of_range": (lambda L: _split(L, 10, [1.5, -0.5]), ValueError),
    "split_counts_short": (lambda L: _split(L, 10, [3, 3]), ValueError),
    "split_one_fraction": (lambda L: _split(L, 10, [1.0]), [10]),
    "split_nothing": (lambda L: _split(L, 10, []), ValueError),
    "split_result": (lambda L: (lambda p: [type(p).__name__, type(p[0]).__name__, type(p[0].indices).__name__])(
        D(L).random_split(range(4), [2, 2])), ["list", "Subset", "list"]),
}


def _gen(L):
    return L.Generator().manual_seed(0)


SAMPLERS = {
    "sequential": (lambda L: (list(D(L).SequentialSampler(range(4))), len(D(L).SequentialSampler(range(4)))), ([0, 1, 2, 3], 4)),
    "random_permutation": (lambda L: (lambda s: (len(s), sorted(s), type(next(iter(s))).__name__))(
        D(L).RandomSampler(range(6), generator=_gen(L))), (6, [0, 1, 2, 3, 4, 5], "int")),
    "random_more_than_n": (lambda L: (lambda s: (len(s), len(list(s)), sorted(set(s))))(
        D(L).RandomSampler(range(4), num_samples=9, generator=_gen(L))), (9, 9, [0, 1, 2, 3])),
    "random_fewer_than_n_distinct": (lambda L: (lambda s: (len(s), len(set(s))))(
        D(L).RandomSampler(range(10), num_samples=3, generator=_gen(L))), (3, 3)),
    "random_replacement": (lambda L: (lambda s: (len(s), len(list(s)), all(0 <= i < 3 for i in s)))(
        D(L).RandomSampler(range(3), replacement=True, num_samples=20, generator=_gen(L))), (20, 20, True)),
    "random_num_samples_zero": (lambda L: D(L).RandomSampler(range(3), num_samples=0), ValueError),
    "random_num_samples_float": (lambda L: D(L).RandomSampler(range(3), num_samples=2.0), ValueError),
    "random_replacement_not_bool": (lambda L: D(L).RandomSampler(range(3), replacement=1), TypeError),
    "random_empty_dataset": (lambda L: D(L).RandomSampler([]), ValueError),
    "subset_random": (lambda L: (lambda s: (len(s), sorted(s)))(D(L).SubsetRandomSampler([5, 7, 9], generator=_gen(L))),
                      (3, [5, 7, 9])),
    "weighted": (lambda L: (lambda s: (len(s), len(list(s)), set(s) <= {1, 3}, type(next(iter(s))).__name__))(
        D(L).WeightedRandomSampler([0.0, 1.0, 0.0, 3.0], 6, generator=_gen(L))), (6, 6, True, "int")),
    "weighted_without_replacement": (lambda L: sorted(D(L).WeightedRandomSampler([0.1, 1.0, 0.5, 3.0], 4, replacement=False,
                                                                                  generator=_gen(L))), [0, 1, 2, 3]),
    "weighted_without_replacement_too_many": (lambda L: list(D(L).WeightedRandomSampler([0.1, 1.0], 4, replacement=False)),
                                              RuntimeError),
    "weighted_weights_float64": (lambda L: D(L).WeightedRandomSampler([1, 2], 3).weights, (F64, [1.0, 2.0])),
    "weighted_num_samples_zero": (lambda L: D(L).WeightedRandomSampler([1.0], 0), ValueError),
    "weighted_num_samples_bool": (lambda L: D(L).WeightedRandomSampler([1.0], True), ValueError),
    "weighted_replacement_not_bool": (lambda L: D(L).WeightedRandomSampler([1.0], 2, replacement=1), ValueError),
    "weighted_2d": (lambda L: D(L).WeightedRandomSampler([[1.0]], 2), ValueError),
    "weighted_negative": (lambda L: list(D(L).WeightedRandomSampler([-1.0, 2.0], 2)), RuntimeError),
    "batch": (lambda L: [list(D(L).BatchSampler(range(7), b, d)) for b in (3, 9) for d in (False, True)],
              [[[0, 1, 2], [3, 4, 5], [6]], [[0, 1, 2], [3, 4, 5]], [[0, 1, 2, 3, 4, 5, 6]], []]),
    "batch_len": (lambda L: [len(D(L).BatchSampler(range(7), b, d)) for b in (1, 3, 7, 9) for d in (False, True)],
                  [7, 7, 3, 2, 1, 1, 1, 0]),
    "batch_size_zero": (lambda L: D(L).BatchSampler(range(3), 0, False), ValueError),
    "batch_size_bool": (lambda L: D(L).BatchSampler(range(3), True, False), ValueError),
    "batch_drop_last_not_bool": (lambda L: D(L).BatchSampler(range(3), 2, 0), ValueError),
    "sampler_base": (lambda L: iter(D(L).Sampler()), NotImplementedError),
    "sampler_base_takes_no_argument": (lambda L: D(L).Sampler(range(3)), TypeError),
    "distributed": (lambda L: [list(D(L).DistributedSampler(range(5), num_replicas=2, rank=k, shuffle=False, drop_last=d))
                               for d in (False, True) for k in (0, 1)], [[0, 2, 4], [1, 3, 0], [0, 2], [1, 3]]),
    "distributed_shuffled_partition": (lambda L: sorted(x for k in range(2) for x in D(L).DistributedSampler(
        range(6), num_replicas=2, rank=k, seed=3)), [0, 1, 2, 3, 4, 5]),
    "distributed_bad_rank": (lambda L: D(L).DistributedSampler(range(5), num_replicas=2, rank=2), ValueError),
    "distributed_attributes": (lambda L: (lambda s: (s.num_samples, s.total_size, s.epoch, s.set_epoch(3), s.epoch))(
        D(L).DistributedSampler(range(5), num_replicas=2, rank=1)), (3, 6, 0, None, 3)),
}


# ---- nn.utils ------------------------------------------------------------------------------------

def U(L):
    return L.nn.utils


def _params(L, grads=((3.0, 4.0), (12.0,)), dtype=None):
    out = []
    for g in grads:
        p = L.nn.Parameter(L.zeros(len(g), dtype=dtype or L.float64))
        p.grad = L.tensor(list(g), dtype=dtype or L.float64)
        out.append(p)
    return out


def _clip(L, *args, grads=((3.0, 4.0), (12.0,)), dtype=None, **kw):
    ps = _params(L, grads, dtype)
    total = U(L).clip_grad_norm_(ps, *args, **kw)
    return total, [p.grad for p in ps]


def _clip_value(L, value, **kw):
    ps = _params(L)
    return U(L).clip_grad_value_(ps, value, **kw), [p.grad for p in ps]


S13 = 1 / (13 + 1e-6)  # the scale for a total norm 13 and max_norm 1
CLIP = {
    "norm_2": (lambda L: _clip(L, 1.0), ((F64, 13.0), [(F64, [3 * S13, 4 * S13]), (F64, [12 * S13])])),
    "norm_below_max": (lambda L: _clip(L, 100.0), ((F64, 13.0), [(F64, [3.0, 4.0]), (F64, [12.0])])),
    "norm_inf": (lambda L: _clip(L, 1.0, norm_type=math.inf)[0], (F64, 12.0)),
    "norm_inf_string": (lambda L: _clip(L, 1.0, norm_type="inf")[0], (F64, 12.0)),
    "norm_0": (lambda L: _clip(L, 1.0, norm_type=0)[0], (F64, 2.0)),  # (the norm of the norms: 2 of them nonzero)
    "norm_1": (lambda L: _clip(L, 1.0, norm_type=1)[0], (F64, 19.0)),
    "norm_3": (lambda L: _clip(L, 1.0, norm_type=3.0)[0], (F64, (27 + 64 + 1728) ** (1 / 3))),
    "norm_minus_inf": (lambda L: _clip(L, 1.0, norm_type=-math.inf)[0], (F64, 3.0)),
    "norm_float32": (lambda L: _clip(L, 100.0, dtype=L.float32)[0], ("float32", 13.0)),
    "norm_nan": (lambda L: _clip(L, 1.0, grads=((float("nan"), 1.0),)), ((F64, math.nan), [(F64, [math.nan, math.nan])])),
    "norm_inf_grad": (lambda L: _clip(L, 1.0, grads=((float("inf"), 1.0),)), ((F64, math.inf), [(F64, [math.nan, 0.0])])),
    "norm_nan_error": (lambda L: _clip(L, 1.0, grads=((float("nan"), 1.0),), error_if_nonfinite=True), RuntimeError),
    "norm_inf_error": (lambda L: _clip(L, 1.0, grads=((float("inf"), 1.0),), error_if_nonfinite=True), RuntimeError),
    "norm_foreach": (lambda L: [_clip(L, 1.0, foreach=f)[0] for f in (True, False)], [(F64, 13.0)] * 2),
    "norm_single_tensor": (lambda L: (lambda p: (U(L).clip_grad_norm_(p, 10.0), p.grad))(_params(L)[0]),
                           ((F64, 5.0), (F64, [3.0, 4.0]))),
    "norm_generator": (lambda L: (lambda ps: U(L).clip_grad_norm_((p for p in ps), 100.0))(_params(L)), (F64, 13.0)),
    "norm_empty_generator": (lambda L: U(L).clip_grad_norm_((p for p in []), 1.0), (F64, 0.0)),
    "norm_empty_list": (lambda L: U(L).clip_grad_norm_([], 1.0), (F64, 0.0)),
    "norm_no_grads": (lambda L: U(L).clip_grad_norm_([L.nn.Parameter(L.zeros(2))], 1.0), (F64, 0.0)),
    "norm_zero_grads": (lambda L: _clip(L, 1.0, grads=((0.0, 0.0),)), ((F64, 0.0), [(F64, [0.0, 0.0])])),
    "norm_deprecated_name": (lambda L: U(L).clip_grad_norm(_params(L), 100.0), (F64, 13.0)),
    "total_norm": (lambda L: U(L).get_total_norm([L.tensor([3.0]), L.tensor([[4.0]])]), (F64, 5.0)),
    "total_norm_inf": (lambda L: U(L).get_total_norm([L.tensor([3.0]), L.tensor([[-4.0]])], norm_type="inf"), (F64, 4.0)),
    "total_norm_nothing": (lambda L: U(L).get_total_norm([]), (F64, 0.0)),
    "total_norm_integers": (lambda L: U(L).get_total_norm([L.tensor([3, 4])]), RuntimeError),
    "clip_with_norm": (lambda L: (lambda ps: (U(L).clip_grads_with_norm_(ps, 1.0, L.tensor(13.0)), ps[1].grad))(_params(L)),
                       (None, (F64, [12 * S13]))),
    "value": (lambda L: _clip_value(L, 3.5), (None, [(F64, [3.0, 3.5]), (F64, [3.5])])),
    "value_single_tensor": (lambda L: (lambda p: (U(L).clip_grad_value_(p, 3.5), p.grad))(_params(L)[0]),
                            (None, (F64, [3.0, 3.5]))),
    "value_foreach": (lambda L: _clip_value(L, 3.5, foreach=True)[1][1], (F64, [3.5])),
    "value_negative": (lambda L: _clip_value(L, -1.0)[1][1], (F64, [-1.0])),
    "to_vector": (lambda L: U(L).parameters_to_vector([L.ones(2, 2), L.zeros(3)]), (F64, [1.0] * 4 + [0.0] * 3)),
    "to_vector_mixed_dtypes": (lambda L: U(L).parameters_to_vector([L.ones(2, dtype=L.float32), L.zeros(1)]), (F64, [1.0, 1.0, 0.0])),
    "to_vector_nothing": (lambda L: U(L).parameters_to_vector([]), RuntimeError),
    "to_vector_differentiable": (lambda L: U(L).parameters_to_vector([L.nn.Parameter(L.ones(2))]).requires_grad, True),
    "from_vector": (lambda L: (lambda ps: (U(L).vector_to_parameters(L.arange(7.0), ps), ps))(
        [L.nn.Parameter(L.zeros(2, 2)), L.nn.Parameter(L.zeros(3))]), (None, [(F64, [[0.0, 1.0], [2.0, 3.0]]), (F64, [4.0, 5.0, 6.0])])),
    "from_vector_short": (lambda L: U(L).vector_to_parameters(L.arange(5.0), [L.nn.Parameter(L.zeros(2, 3))]), RuntimeError),
    "from_vector_not_tensor": (lambda L: U(L).vector_to_parameters([1.0], [L.zeros(1)]), TypeError),
    "from_vector_integers": (lambda L: U(L).vector_to_parameters(L.arange(4), [L.nn.Parameter(L.zeros(4))]), RuntimeError),
    "from_vector_takes_dtype": (lambda L: (lambda p: (U(L).vector_to_parameters(L.arange(2.0, dtype=L.float32), [p]), p)[1])(
        L.nn.Parameter(L.zeros(2))), ("float32", [0.0, 1.0])),
    "from_vector_shares_memory": (lambda L: (lambda p, v: (U(L).vector_to_parameters(v, [p]), v.mul_(2), p)[2])(
        L.nn.Parameter(L.zeros(3)), L.arange(3.0)), (F64, [0.0, 2.0, 4.0])),
}


def R(L):
    return L.nn.utils.rnn


def _seqs(L):
    return [L.tensor([1.0, 2.0, 3.0]), L.tensor([4.0]), L.tensor([5.0, 6.0])]


def _seqs2(L):
    return [L.arange(6.0).reshape(3, 2), L.arange(2.0).reshape(1, 2) + 10, L.arange(4.0).reshape(2, 2) + 20]


def _fields(p):
    return (p.data, p.batch_sizes, p.sorted_indices, p.unsorted_indices, type(p).__name__)


PACKED_SEQS = ((F64, [1.0, 5.0, 4.0, 2.0, 6.0, 3.0]), (I64, [3, 2, 1]), (I64, [0, 2, 1]), (I64, [0, 2, 1]), "PackedSequence")
RNN = {
    "pad": (lambda L: R(L).pad_sequence(_seqs(L)), (F64, [[1.0, 4.0, 5.0], [2.0, 0.0, 6.0], [3.0, 0.0, 0.0]])),
    "pad_batch_first": (lambda L: R(L).pad_sequence(_seqs(L), batch_first=True)[1:], (F64, [[4.0, 0.0, 0.0], [5.0, 6.0, 0.0]])),
    "pad_value": (lambda L: R(L).pad_sequence(_seqs(L), padding_value=-1)[2], (F64, [3.0, -1.0, -1.0])),
    "pad_left": (lambda L: R(L).pad_sequence(_seqs(L), batch_first=True, padding_side="left")[1:],
                 (F64, [[0.0, 0.0, 4.0], [0.0, 5.0, 6.0]])),
    "pad_left_time_first": (lambda L: R(L).pad_sequence(_seqs2(L), padding_side="left")[:, 1],
                            (F64, [[0.0, 0.0], [0.0, 0.0], [10.0, 11.0]])),
    "pad_bad_side": (lambda L: R(L).pad_sequence(_seqs(L), padding_side="middle"), RuntimeError),
    "pad_int_fractional_value": (lambda L: R(L).pad_sequence([L.tensor([1, 2]), L.tensor([3])], padding_value=0.5),
                                 (I64, [[1, 3], [2, 0]])),
    "pad_dtype_of_first": (lambda L: R(L).pad_sequence([L.tensor([1, 2]), L.tensor([3.5])]), (I64, [[1, 3], [2, 0]])),
    "pad_nothing": (lambda L: R(L).pad_sequence([]), RuntimeError),
    "pad_0d": (lambda L: R(L).pad_sequence([L.tensor(1.0)]), RuntimeError),
    "pad_tensor": (lambda L: tuple(R(L).pad_sequence(L.ones(2, 3)).shape), (3, 2)),
    "pad_trailing_mismatch": (lambda L: R(L).pad_sequence([L.ones(2, 3), L.ones(2, 4)]), RuntimeError),
    "pad_empty_sequence": (lambda L: R(L).pad_sequence([L.ones(0), L.ones(2)]), (F64, [[0.0, 1.0], [0.0, 1.0]])),
    "pad_gradient": (lambda L: (lambda a: (R(L).pad_sequence([a, a[:1]]).sum().backward(), a.grad)[1])(
        L.ones(2, requires_grad=True)), (F64, [2.0, 1.0])),
    "unpad": (lambda L: R(L).unpad_sequence(R(L).pad_sequence(_seqs(L)), L.tensor([3, 1, 2])),
              [(F64, [1.0, 2.0, 3.0]), (F64, [4.0]), (F64, [5.0, 6.0])]),
    "unpad_batch_first": (lambda L: R(L).unpad_sequence(R(L).pad_sequence(_seqs(L), batch_first=True), L.tensor([3, 1, 2]),
                                                        batch_first=True)[2], (F64, [5.0, 6.0])),
    "pack": (lambda L: _fields(R(L).pack_sequence(_seqs(L), enforce_sorted=False)), PACKED_SEQS),
    "pack_unsorted_enforced": (lambda L: R(L).pack_sequence(_seqs(L)), RuntimeError),
    "pack_sorted": (lambda L: _fields(R(L).pack_sequence([_seqs(L)[0], _seqs(L)[2], _seqs(L)[1]])),
                    ((F64, [1.0, 5.0, 4.0, 2.0, 6.0, 3.0]), (I64, [3, 2, 1]), None, None, "PackedSequence")),
    "pack_padded": (lambda L: _fields(R(L).pack_padded_sequence(R(L).pad_sequence(_seqs(L)), [3, 1, 2], enforce_sorted=False)),
                    PACKED_SEQS),
    "pack_padded_tensor_lengths": (lambda L: _fields(R(L).pack_padded_sequence(
        R(L).pad_sequence(_seqs(L)), L.tensor([3, 1, 2]), enforce_sorted=False)), PACKED_SEQS),
    "pack_padded_batch_first": (lambda L: _fields(R(L).pack_padded_sequence(
        R(L).pad_sequence(_seqs2(L), batch_first=True), [3, 1, 2], batch_first=True, enforce_sorted=False))[:2],
        ((F64, [[0.0, 1.0], [20.0, 21.0], [10.0, 11.0], [2.0, 3.0], [22.0, 23.0], [4.0, 5.0]]), (I64, [3, 2, 1]))),
    "pack_padded_ties_stable": (lambda L: _fields(R(L).pack_padded_sequence(L.arange(12.0).reshape(3, 4), [2, 3, 2, 3],
                                                                            enforce_sorted=False))[2], (I64, [1, 3, 0, 2])),
    "pack_padded_zero_length": (lambda L: R(L).pack_padded_sequence(L.arange(12.0).reshape(3, 4), [3, 2, 1, 0]), RuntimeError),
    "pack_padded_wrong_count": (lambda L: R(L).pack_padded_sequence(L.arange(12.0).reshape(3, 4), [3, 2, 1]), RuntimeError),
    "pack_padded_2d_lengths": (lambda L: R(L).pack_padded_sequence(L.arange(12.0).reshape(3, 4), [[3, 2, 1, 1]]), RuntimeError),
    "pad_packed": (lambda L: R(L).pad_packed_sequence(R(L).pack_sequence(_seqs(L), enforce_sorted=False)),
                   ((F64, [[1.0, 4.0, 5.0], [2.0, 0.0, 6.0], [3.0, 0.0, 0.0]]), (I64, [3, 1, 2]))),
    "pad_packed_batch_first_value": (lambda L: R(L).pad_packed_sequence(R(L).pack_sequence(_seqs2(L), enforce_sorted=False),
                                                                        batch_first=True, padding_value=-1.0)[0][1],
                                     (F64, [[10.0, 11.0], [-1.0, -1.0], [-1.0, -1.0]])),
    "pad_packed_total_length": (lambda L: R(L).pad_packed_sequence(R(L).pack_sequence(_seqs(L), enforce_sorted=False),
                                                                   batch_first=True, total_length=4)[0][1],
                                (F64, [4.0, 0.0, 0.0, 0.0])),
    "pad_packed_total_length_short": (lambda L: R(L).pad_packed_sequence(R(L).pack_sequence(_seqs(L), enforce_sorted=False),
                                                                         total_length=2), ValueError),
    "unpack": (lambda L: R(L).unpack_sequence(R(L).pack_sequence(_seqs(L), enforce_sorted=False)),
               [(F64, [1.0, 2.0, 3.0]), (F64, [4.0]), (F64, [5.0, 6.0])]),
    "packed_to": (lambda L: R(L).pack_sequence([L.ones(2)]).to(L.float32).data, ("float32", [1.0, 1.0])),
    "packed_fields": (lambda L: R(L).PackedSequence._fields, ("data", "batch_sizes", "sorted_indices", "unsorted_indices")),
    "packed_gradient": (lambda L: (lambda a: (R(L).pad_packed_sequence(R(L).pack_padded_sequence(a, [3, 1], batch_first=True))[0]
                                              .pow(2).sum().backward(), a.grad)[1])(L.ones(2, 3, requires_grad=True)),
                        (F64, [[2.0, 2.0, 2.0], [2.0, 0.0, 0.0]])),
    "invert_permutation": (lambda L: R(L).invert_permutation(L.tensor([2, 0, 1])), (I64, [1, 2, 0])),
}


def _linear(L, i=3, o=2):
    m = L.nn.Linear(i, o)
    with L.no_grad():
        m.weight.copy_(L.arange(float(i * o)).reshape(o, i) - 2.5)
        m.bias.copy_(L.arange(float(o)))
    return m


def _conv(L):
    m = L.nn.Conv2d(2, 3, 2)
    with L.no_grad():
        m.weight.copy_(L.linspace(-1, 1, 24).reshape(3, 2, 2, 2))
        m.bias.copy_(L.tensor([0.1, -0.2, 0.3]))
    return m


def _keys(m):
    return [(k, tuple(v.shape)) for k, v in m.state_dict().items()]


def _x(L):
    return L.linspace(-1, 1, 6).reshape(2, 3)


def P(L):
    return L.nn.utils.parametrize


def PZ(L):
    return L.nn.utils.parametrizations


def _symmetric(L):
    return type("Symmetric", (L.nn.Module,), {"forward": lambda self, X: X.triu() + X.triu(1).transpose(-1, -2)})()


def _parametrized(L):
    m = _linear(L, 3, 3)
    P(L).register_parametrization(m, "weight", _symmetric(L))
    return m


def _orthonormal(L, w, n):
    return bool((w @ w.T - L.eye(n)).abs().max() < 1e-10)


SYMMETRIC = (F64, [[-2.5, -1.5, -0.5], [-1.5, 1.5, 2.5], [-0.5, 2.5, 5.5]])
WN_KEYS = [("bias", (2,)), ("parametrizations.weight.original0", (2, 1)), ("parametrizations.weight.original1", (2, 3))]
WN_OUT = (F64, [[3.5, -0.9], [-1.9, 4.5]])  # weight_norm leaves the weight (and the output) unchanged
PARAMETRIZE = {
    "weight_norm_old": (lambda L: (lambda m: (_keys(m), m(_x(L))))(U(L).weight_norm(_linear(L))),
                        ([("bias", (2,)), ("weight_g", (2, 1)), ("weight_v", (2, 3))], WN_OUT)),
    "weight_norm_old_dim1": (lambda L: _keys(U(L).weight_norm(_linear(L), dim=1))[1], ("weight_g", (1, 3))),
    "weight_norm_old_dim_none": (lambda L: _keys(U(L).weight_norm(_linear(L), dim=None))[1], ("weight_g", ())),
    "weight_norm_old_twice": (lambda L: U(L).weight_norm(U(L).weight_norm(_linear(L))), RuntimeError),
    "weight_norm_old_remove": (lambda L: (lambda m: (_keys(m), m(_x(L))))(U(L).remove_weight_norm(U(L).weight_norm(_linear(L)))),
                               ([("bias", (2,)), ("weight", (2, 3))], WN_OUT)),
    "weight_norm_old_remove_missing": (lambda L: U(L).remove_weight_norm(_linear(L)), ValueError),
    "weight_norm_old_conv": (lambda L: _keys(U(L).weight_norm(_conv(L)))[1], ("weight_g", (3, 1, 1, 1))),
    "spectral_norm_old": (lambda L: (lambda m: (_keys(m), tuple(m.weight_u.shape)))(U(L).spectral_norm(_linear(L))),
                          ([("bias", (2,)), ("weight_orig", (2, 3)), ("weight_u", (2,)), ("weight_v", (3,))], (2,))),
    "spectral_norm_old_remove": (lambda L: _keys(U(L).remove_spectral_norm(U(L).spectral_norm(_linear(L)))),
                                 [("bias", (2,)), ("weight", (2, 3))]),
    "spectral_norm_old_remove_missing": (lambda L: U(L).remove_spectral_norm(_linear(L)), ValueError),
    "spectral_norm_old_no_iterations": (lambda L: U(L).spectral_norm(_linear(L), n_power_iterations=0), ValueError),
    "spectral_norm_old_conv_transpose": (lambda L: tuple(U(L).spectral_norm(L.nn.ConvTranspose2d(2, 3, 2)).weight_u.shape), (3,)),
    "weight_norm": (lambda L: (lambda m: (_keys(m), m(_x(L)), type(m).__name__))(PZ(L).weight_norm(_linear(L))),
                    (WN_KEYS, WN_OUT, "ParametrizedLinear")),
    "weight_norm_dim1": (lambda L: _keys(PZ(L).weight_norm(_linear(L), dim=1))[1], ("parametrizations.weight.original0", (1, 3))),
    "weight_norm_dim_none": (lambda L: _keys(PZ(L).weight_norm(_linear(L), dim=None))[1], ("parametrizations.weight.original0", ())),
    "weight_norm_gradient": (lambda L: (lambda m: (m(_x(L)).sum().backward(), tuple(m.parametrizations.weight.original0.grad.shape))[1])(
        PZ(L).weight_norm(_linear(L))), (2, 1)),
    "weight_norm_remove": (lambda L: (lambda m: (_keys(P(L).remove_parametrizations(m, "weight")), m.weight))(
        PZ(L).weight_norm(_linear(L))), ([("bias", (2,)), ("weight", (2, 3))], (F64, [[-2.5, -1.5, -0.5], [0.5, 1.5, 2.5]]))),
    "spectral_norm": (lambda L: (_keys(PZ(L).spectral_norm(_linear(L))), [n for n, _ in PZ(L).spectral_norm(_linear(L)).named_buffers()]),
                      ([("bias", (2,)), ("parametrizations.weight.original", (2, 3)), ("parametrizations.weight.0._u", (2,)),
                        ("parametrizations.weight.0._v", (3,))],
                       ["parametrizations.weight.0._u", "parametrizations.weight.0._v"])),
    "spectral_norm_value": (lambda L: (lambda m: (m.eval(), round(float(L.linalg.matrix_norm(m.weight.detach(), 2)), 6))[1])(
        PZ(L).spectral_norm(_linear(L, 3, 3), n_power_iterations=50)), 1.0),
    "spectral_norm_no_iterations": (lambda L: PZ(L).spectral_norm(_linear(L), n_power_iterations=0), ValueError),
    "orthogonal": (lambda L: (lambda m: (_keys(m), _orthonormal(L, m.weight, 2)))(PZ(L).orthogonal(_linear(L))),
                   ([("bias", (2,)), ("parametrizations.weight.original", (2, 3)), ("parametrizations.weight.0.base", (3, 3))], True)),
    "orthogonal_tall": (lambda L: _orthonormal(L, PZ(L).orthogonal(_linear(L, 2, 4)).weight.T, 2), True),
    "orthogonal_cayley": (lambda L: _orthonormal(L, PZ(L).orthogonal(_linear(L, 3, 3), orthogonal_map="cayley").weight, 3), True),
    "orthogonal_householder": (lambda L: _orthonormal(L, PZ(L).orthogonal(_linear(L, 3, 3), orthogonal_map="householder").weight, 3),
                               True),
    "orthogonal_unknown_map": (lambda L: PZ(L).orthogonal(_linear(L), orthogonal_map="nope"), ValueError),
    "orthogonal_vector": (lambda L: PZ(L).orthogonal(_linear(L), name="bias"), ValueError),
    "register": (lambda L: (lambda m: (_keys(m), m.weight, type(m).__name__, P(L).is_parametrized(m), P(L).is_parametrized(m, "bias"),
                                       P(L).type_before_parametrizations(m).__name__))(_parametrized(L)),
                 ([("bias", (3,)), ("parametrizations.weight.original", (3, 3))], SYMMETRIC, "ParametrizedLinear", True, False,
                  "Linear")),
    "register_missing_tensor": (lambda L: P(L).register_parametrization(_linear(L), "nope", _symmetric(L)), ValueError),
    "register_changes_shape": (lambda L: P(L).register_parametrization(
        _linear(L), "weight", type("First", (L.nn.Module,), {"forward": lambda s, X: X[0]})()), ValueError),
    "register_unsafe": (lambda L: tuple(P(L).register_parametrization(
        _linear(L), "weight", type("First", (L.nn.Module,), {"forward": lambda s, X: X[0]})(), unsafe=True).weight.shape), (3,)),
    "register_right_inverse": (lambda L: (lambda m: (m.parametrizations.weight.original, m.weight))(P(L).register_parametrization(
        _linear(L), "weight", type("Double", (L.nn.Module,), {"forward": lambda s, X: 2 * X, "right_inverse": lambda s, X: X / 2})())),
        ((F64, [[-1.25, -0.75, -0.25], [0.25, 0.75, 1.25]]), (F64, [[-2.5, -1.5, -0.5], [0.5, 1.5, 2.5]]))),
    "assign_without_right_inverse": (lambda L: setattr(_parametrized(L), "weight", L.ones(3, 3)), RuntimeError),
    "assign_through_right_inverse": (lambda L: (lambda m: (setattr(m, "weight", L.ones(2, 3)), m.weight)[1])(P(L).register_parametrization(
        _linear(L), "weight", type("Double", (L.nn.Module,), {"forward": lambda s, X: 2 * X, "right_inverse": lambda s, X: X / 2})())),
        (F64, [[1.0] * 3] * 2)),
    "remove": (lambda L: (lambda m: (P(L).remove_parametrizations(m, "weight"), _keys(m), type(m).__name__, m.weight)[1:])(
        _parametrized(L)), ([("bias", (3,)), ("weight", (3, 3))], "Linear", SYMMETRIC)),
    "remove_missing": (lambda L: P(L).remove_parametrizations(_linear(L), "weight"), ValueError),
    "cached": (lambda L: (lambda m, c: (c.__enter__(), m.weight is m.weight, c.__exit__(None, None, None), m.weight is m.weight)[1::2])(
        _parametrized(L), P(L).cached()), (True, False)),
    "two_parametrizations": (lambda L: (lambda m: (P(L).register_parametrization(m, "weight", _symmetric(L)), _keys(m), m.weight)[1:])(
        _parametrized(L)), ([("bias", (3,)), ("parametrizations.weight.original", (3, 3))], SYMMETRIC)),
    "load_state_dict": (lambda L: (lambda a, b: (b.load_state_dict(a.state_dict()), b.weight)[1])(_parametrized(L), _parametrized(L)),
                        SYMMETRIC),
    "fuse_conv_bn": (lambda L: (lambda f: (f.bias, type(f).__name__))(U(L).fuse_conv_bn_eval(_conv(L).eval(), L.nn.BatchNorm2d(3).eval())),
                     ((F64, [0.1 / math.sqrt(1 + 1e-5), -0.2 / math.sqrt(1 + 1e-5), 0.3 / math.sqrt(1 + 1e-5)]), "Conv2d")),
    "fuse_conv_bn_training": (lambda L: U(L).fuse_conv_bn_eval(_conv(L), L.nn.BatchNorm2d(3)), AssertionError),
    "fuse_linear_bn": (lambda L: U(L).fuse_linear_bn_eval(_linear(L).eval(), L.nn.BatchNorm1d(2).eval()).bias,
                       (F64, [0.0, 1 / math.sqrt(1 + 1e-5)])),
    "skip_init": (lambda L: (lambda m: (type(m).__name__, tuple(m.weight.shape)))(U(L).skip_init(L.nn.Linear, 3, 2)), ("Linear", (2, 3))),
    "skip_init_not_module": (lambda L: U(L).skip_init(int, 3), RuntimeError),
    "skip_init_without_device": (lambda L: U(L).skip_init(L.nn.ReLU), RuntimeError),
    "stateless_functional_call": (lambda L: U(L).stateless.functional_call(_linear(L), {"weight": L.ones(2, 3)}, (_x(L),)),
                                  (F64, [[-1.8, -0.8], [1.8, 2.8]])),
    "stateless_functional_call_strict": (lambda L: U(L).stateless.functional_call(_linear(L), {"nope": L.ones(2, 3)}, (_x(L),),
                                                                                  strict=True), RuntimeError),
    "conv2d_weight_memory_format": (lambda L: U(L).convert_conv2d_weight_memory_format(L.nn.Sequential(_conv(L)), L.channels_last)[0]
                                    .weight.is_contiguous(memory_format=L.channels_last), True),
}


def PR(L):
    return L.nn.utils.prune


W = [[0.5, -3.0, 1.0, 2.0], [-0.1, 0.2, 4.0, -1.5], [2.5, 0.0, -0.7, 1.2]]


def _lin_w(L, rows=3, ones=False):
    m = L.nn.Linear(4, rows)
    with L.no_grad():
        m.weight.copy_(L.ones(rows, 4) if ones else L.tensor(W[:rows]))
        m.bias.copy_(L.tensor([0.3, -0.05, 1.0][:rows]))
    return m


def _pruned(L, how, *args, rows=3, ones=False, **kw):
    m = _lin_w(L, rows, ones)
    getattr(PR(L), how)(m, *args, **kw)
    return m


def _state(m):
    return ([(k, tuple(v.shape)) for k, v in m.state_dict().items()], [n for n, _ in m.named_buffers()], m.weight_mask)


PRUNE = {
    "l1_fraction": (lambda L: _state(_pruned(L, "l1_unstructured", "weight", amount=0.25)),
                    ([("bias", (3,)), ("weight_orig", (3, 4)), ("weight_mask", (3, 4))], ["weight_mask"],
                     (F64, [[1.0] * 4, [0.0, 0.0, 1.0, 1.0], [1.0, 0.0, 1.0, 1.0]]))),
    "l1_count": (lambda L: _pruned(L, "l1_unstructured", "weight", amount=5).weight_mask,
                 (F64, [[0.0, 1.0, 1.0, 1.0], [0.0, 0.0, 1.0, 1.0], [1.0, 0.0, 0.0, 1.0]])),
    "l1_weight": (lambda L: _pruned(L, "l1_unstructured", "weight", amount=5).weight,
                  (F64, [[0.0, -3.0, 1.0, 2.0], [-0.0, 0.0, 4.0, -1.5], [2.5, 0.0, -0.0, 1.2]])),
    "l1_nothing": (lambda L: _pruned(L, "l1_unstructured", "weight", amount=0).weight_mask, (F64, [[1.0] * 4] * 3)),
    "l1_everything": (lambda L: _pruned(L, "l1_unstructured", "weight", amount=1.0).weight_mask, (F64, [[0.0] * 4] * 3)),
    "l1_too_many": (lambda L: _pruned(L, "l1_unstructured", "weight", amount=13), ValueError),
    "l1_negative": (lambda L: _pruned(L, "l1_unstructured", "weight", amount=-1), ValueError),
    "l1_fraction_above_1": (lambda L: _pruned(L, "l1_unstructured", "weight", amount=1.5), ValueError),
    "l1_amount_string": (lambda L: _pruned(L, "l1_unstructured", "weight", amount="a"), TypeError),
    "l1_missing_tensor": (lambda L: _pruned(L, "l1_unstructured", "nope", amount=1), AttributeError),
    "l1_ties": (lambda L: _pruned(L, "l1_unstructured", "weight", amount=3, ones=True).weight_mask,
                (F64, [[1.0] * 4, [1.0, 1.0, 1.0, 0.0], [0.0, 0.0, 1.0, 1.0]])),
    "l1_importance_scores": (lambda L: _pruned(L, "l1_unstructured", "weight", amount=2,
                                               importance_scores=L.arange(12.0).reshape(3, 4)).weight_mask,
                             (F64, [[0.0, 0.0, 1.0, 1.0], [1.0] * 4, [1.0] * 4])),
    "l1_twice": (lambda L: (lambda m: (PR(L).l1_unstructured(m, "weight", amount=3), _state(m)[2])[1])(
        _pruned(L, "l1_unstructured", "weight", amount=3)), (F64, [[0.0, 1.0, 0.0, 1.0], [0.0, 0.0, 1.0, 1.0], [1.0, 0.0, 0.0, 1.0]])),
    "l1_forward": (lambda L: _pruned(L, "l1_unstructured", "weight", amount=4)(L.ones(1, 4)), (F64, [[0.3, 2.45, 4.0]])),
    "l1_gradient_masked": (lambda L: (lambda m: (m(L.ones(1, 4)).sum().backward(), m.weight_orig.grad)[1])(
        _pruned(L, "l1_unstructured", "weight", amount=4)), (F64, [[0.0, 1.0, 1.0, 1.0], [0.0, 0.0, 1.0, 1.0], [1.0, 0.0, 1.0, 1.0]])),
    "random_count": (lambda L: int((_pruned(L, "random_unstructured", "weight", amount=0.5).weight_mask == 0).sum()), 6),
    "random_count_int": (lambda L: int((_pruned(L, "random_unstructured", "weight", amount=7).weight_mask == 0).sum()), 7),
    "remove": (lambda L: (lambda m: (PR(L).remove(m, "weight"), [(k, tuple(v.shape)) for k, v in m.state_dict().items()], m.weight,
                                     len(m._forward_pre_hooks))[1:])(_pruned(L, "l1_unstructured", "weight", amount=4)),
               ([("bias", (3,)), ("weight", (3, 4))], (F64, [[0.0, -3.0, 1.0, 2.0], [-0.0, 0.0, 4.0, -1.5], [2.5, 0.0, -0.7, 1.2]]), 0)),
    "remove_not_pruned": (lambda L: PR(L).remove(_lin_w(L), "weight"), ValueError),
    "is_pruned": (lambda L: (PR(L).is_pruned(_lin_w(L)), PR(L).is_pruned(_pruned(L, "identity", "weight"))), (False, True)),
    "global": (lambda L: (lambda a, b: (PR(L).global_unstructured([(a, "weight"), (b, "weight")], pruning_method=PR(L).L1Unstructured,
                                                                   amount=8), a.weight_mask, b.weight_mask)[1:])(_lin_w(L), _lin_w(L, 2)),
               ((F64, [[0.0, 1.0, 1.0, 1.0], [0.0, 0.0, 1.0, 1.0], [1.0, 0.0, 0.0, 1.0]]),
                (F64, [[0.0, 1.0, 1.0, 1.0], [0.0, 0.0, 1.0, 1.0]]))),
    "global_fraction": (lambda L: (lambda a, b: (PR(L).global_unstructured([(a, "weight"), (b, "bias")], pruning_method=PR(L).L1Unstructured,
                                                                            amount=0.4), b.bias_mask)[1])(_lin_w(L), _lin_w(L)),
                        (F64, [0.0, 0.0, 1.0])),
    "global_structured_method": (lambda L: PR(L).global_unstructured([(_lin_w(L), "weight")], pruning_method=PR(L).LnStructured,
                                                                     amount=1), TypeError),
    "global_not_iterable": (lambda L: PR(L).global_unstructured(_lin_w(L), pruning_method=PR(L).L1Unstructured, amount=1), TypeError),
    "ln_rows": (lambda L: _pruned(L, "ln_structured", "weight", amount=1, n=2, dim=0).weight_mask, (F64, [[1.0] * 4, [1.0] * 4, [0.0] * 4])),
    "ln_columns": (lambda L: _pruned(L, "ln_structured", "weight", amount=0.5, n=1, dim=1).weight_mask,
                   (F64, [[0.0, 0.0, 1.0, 1.0]] * 3)),
    "ln_inf": (lambda L: _pruned(L, "ln_structured", "weight", amount=2, n=float("inf"), dim=-1).weight_mask,
               (F64, [[0.0, 1.0, 1.0, 0.0]] * 3)),
    "ln_ties": (lambda L: _pruned(L, "ln_structured", "weight", amount=2, n=1, dim=0, ones=True).weight_mask,
                (F64, [[1.0] * 4, [0.0] * 4, [0.0] * 4])),
    "random_structured": (lambda L: int((_pruned(L, "random_structured", "weight", amount=1, dim=0).weight_mask.sum(1) == 0).sum()), 1),
    "custom_mask": (lambda L: _pruned(L, "custom_from_mask", "weight", L.tensor([[1, 0, 1, 0]] * 3)).weight,
                    (F64, [[0.5, -0.0, 1.0, 0.0], [-0.1, 0.0, 4.0, -0.0], [2.5, 0.0, -0.7, 0.0]])),
    "identity": (lambda L: _state(_pruned(L, "identity", "weight"))[2], (F64, [[1.0] * 4] * 3)),
    "compose": (lambda L: (lambda m: (PR(L).ln_structured(m, "weight", amount=1, n=1, dim=0), m.weight_mask)[1])(
        _pruned(L, "l1_unstructured", "weight", amount=3)), (F64, [[1.0] * 4, [0.0, 0.0, 1.0, 1.0], [0.0] * 4])),
    "float32": (lambda L: str(_pruned(L, "l1_unstructured", "weight", amount=2).float().weight_mask.dtype).replace("torch.", ""),
                "float32"),
}

CASES = {f"{group}:{name}": case for group, table in
         [("collate", COLLATE), ("loader", LOADER), ("dataset", DATASETS), ("sampler", SAMPLERS), ("clip", CLIP),
          ("rnn", RNN), ("parametrize", PARAMETRIZE), ("prune", PRUNE)] for name, case in table.items()}

@pytest.mark.parametrize("name", list(CASES))
def test_case(name):
    fn, expected = CASES[name]
    result, _ = _run(fn, tg)
    is_error = isinstance(expected, type) and issubclass(expected, BaseException)
    assert_expected(name, result, expected if is_error else simple(expected), _close)


@needs_torch
@pytest.mark.parametrize("name", list(CASES))
def test_case_matches_torch(name):
    fn, _ = CASES[name]
    (ours, our_warnings), (theirs, their_warnings) = run_both(_run, fn, torch)
    if isinstance(theirs, type):
        assert isinstance(ours, type) and issubclass(ours, theirs), f"{name}: torch raises {theirs.__name__}, we give {ours}"
        return
    assert _close(ours, theirs), f"{name}:\n  ours  {ours}\n  torch {theirs}"
    assert our_warnings == their_warnings, f"{name}: warnings {our_warnings} != torch's {their_warnings}"


# ---- regressions that need a closer look than a table row ------------------------------------------

@pytest.mark.parametrize("kwargs, category", [
    (dict(ds="pin"), "pin_memory"),
    (dict(ds="stream"), "Length of IterableDataset"),
])
def test_loader_warnings(kwargs, category):
    # PyTorch warns that pinned memory is unused without an accelerator, and that a stream gave
    # more batches than len(loader) said; both were silent here
    if kwargs["ds"] == "pin":
        loader = D(tg).DataLoader(_td(tg), pin_memory=True)
    else:
        loader = D(tg).DataLoader(_stream(tg, reported=3))
        assert len(loader) == 3
    with pytest.warns(UserWarning, match=category):
        assert len(list(loader)) == 5


def test_random_split_warns_about_an_empty_split():
    with pytest.warns(UserWarning, match="split at index 1 is 0"):
        parts = D(tg).random_split(range(2), [0.2, 0.2, 0.6])
    assert [len(p) for p in parts] == [1, 0, 1]


def test_random_sampler_of_an_empty_dataset_raises_instead_of_hanging():
    # (it looped forever drawing empty permutations; PyTorch raises ZeroDivisionError/RuntimeError)
    for replacement in (False, True):
        sampler = D(tg).RandomSampler([], replacement=replacement, num_samples=3)
        with pytest.raises(ValueError, match="empty dataset"):
            list(sampler)


def test_pack_padded_sequence_refuses_lengths_beyond_the_input():
    # PyTorch 2.13 reads past the end of the input here (its result holds values that are not in
    # it); we raise (docs/from-pytorch.md)
    with pytest.raises(RuntimeError, match="length 4 does not fit in an input of 3 steps"):
        R(tg).pack_padded_sequence(tg.arange(12.0).reshape(3, 4), [4, 2, 1, 1])


def test_vector_to_parameters_refuses_a_longer_vector():
    # PyTorch ignores the extra elements; we raise (docs/from-pytorch.md)
    with pytest.raises(RuntimeError, match="9 elements, the parameters 7"):
        U(tg).vector_to_parameters(tg.arange(9.0), [tg.nn.Parameter(tg.zeros(2, 2)), tg.nn.Parameter(tg.zeros(3))])


def test_collate_map_extends_default_collate():
    # PyTorch's documented way to teach default_collate one more type
    from tinygrad_edu.utils.data._utils.collate import collate, default_collate_fn_map

    class Point:
        def __init__(self, x):
            self.x = x

    def collate_points(batch, *, collate_fn_map=None):
        return [p.x for p in batch]

    mapping = {Point: collate_points, **default_collate_fn_map}
    out = collate([{"p": Point(1), "y": 2.0}, {"p": Point(3), "y": 4.0}], collate_fn_map=mapping)
    assert out["p"] == [1, 3] and out["y"].tolist() == [2.0, 4.0]
    with pytest.raises(TypeError, match="found Point"):
        D(tg).default_collate([Point(1)])
