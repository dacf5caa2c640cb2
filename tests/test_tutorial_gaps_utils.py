"""Gaps found by running PyTorch tutorial programs: nn.utils.prune (structured and global pruning,
PruningContainer, PyTorch's masks ties included), tg.func.stack_module_state with a model on the
'meta' device (the "Model ensembling" tutorial), DataLoader's worker_init_fn with num_workers=0,
and tg.initial_seed. Against PyTorch where installed, and by hand."""
from __future__ import annotations

import copy
import doctest
import importlib
import pickle
import subprocess
import sys

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F
from tinygrad_edu.devices import MetaArray, meta_array
from tinygrad_edu.func import functional_call, stack_module_state, vmap
from tinygrad_edu.nn.utils import prune
from tinygrad_edu.nn.utils._torch_topk import topk_indices
from tinygrad_edu.utils.data import DataLoader, TensorDataset


@pytest.fixture
def torch():
    module = pytest.importorskip("torch")
    pytest.importorskip("torch.nn.utils.prune")  # (not imported by torch.nn.utils itself)
    return module


def _ints(shape, rng):
    """Small whole numbers: many equal magnitudes, so ties decide which entries are pruned."""
    return rng.integers(-2, 3, size=shape).astype(np.float64)


def _normal(shape, rng):
    return rng.standard_normal(shape)


def _copy_values(t_module, m_module, seed: int, values=_normal) -> None:
    """The same numbers (float64 here, float32 in torch) in both modules' parameters."""
    import torch

    rng = np.random.default_rng(seed)
    for (_, tp), (_, mp) in zip(t_module.named_parameters(), m_module.named_parameters()):
        v = values(tuple(tp.shape), rng).astype(np.float32)
        with torch.no_grad():
            tp.copy_(torch.from_numpy(v))
        mp.data = v.astype(np.float64)


def _pair(torch, cls: str, *args, seed: int = 0, values=_normal):
    t, m = getattr(torch.nn, cls)(*args), getattr(nn, cls)(*args)
    _copy_values(t, m, seed, values)
    return t, m


def _assert_same_pruning(t, m, name: str = "weight") -> None:
    np.testing.assert_array_equal(m.get_buffer(name + "_mask").data, getattr(t, name + "_mask").numpy())
    np.testing.assert_allclose(getattr(m, name).data, getattr(t, name).detach().numpy())


def _history(hook) -> list[str]:
    return [type(h).__name__ for h in hook] if isinstance(hook, prune.PruningContainer) else [type(hook).__name__]


def _hooks(module) -> dict:
    return module.__dict__.get("_forward_pre_hooks", {})


def _torch_hooks_history(module) -> dict:
    import torch.nn.utils.prune as tp

    return {h._tensor_name: [type(x).__name__ for x in h] if isinstance(h, tp.PruningContainer) else [type(h).__name__]
            for h in module._forward_pre_hooks.values()}


def _our_hooks_history(module) -> dict:
    return {h._tensor_name: _history(h) for h in _hooks(module).values()}


# ---- PyTorch's topk among ties ------------------------------------------------------------
def test_topk_ties_as_pytorch_recorded():
    # torch.topk(torch.ones(n), k, largest=...) indices, recorded from PyTorch 2.13 (CPU)
    assert sorted(topk_indices(np.ones(10), 3, largest=False).tolist()) == [6, 7, 8]
    assert sorted(topk_indices(np.ones(10), 3, largest=True).tolist()) == [6, 7, 8]
    assert sorted(topk_indices(np.ones(5), 2, largest=False).tolist()) == [2, 4]
    assert sorted(topk_indices(np.ones(10), 9, largest=False).tolist()) == [0, 1, 2, 3, 5, 6, 7, 8, 9]
    assert sorted(topk_indices(np.ones(200), 2, largest=False).tolist()) == [0, 1]  # k·64 <= n: heap select
    assert sorted(topk_indices(np.ones(100), 30, largest=False).tolist()) == list(range(51, 76)) + list(range(90, 95))
    # no ties: just the smallest / largest
    assert sorted(topk_indices(np.array([5.0, 1, 4, 2, 3]), 2, largest=False).tolist()) == [1, 3]
    assert sorted(topk_indices(np.array([5.0, 1, 4, 2, 3]), 2, largest=True).tolist()) == [0, 2]
    assert topk_indices(np.ones(4), 0, largest=True).size == 0
    assert sorted(topk_indices(np.array([1.0, np.nan, 0.0]), 1, largest=True).tolist()) == [1]  # NaN: largest


def test_topk_ties_match_torch(torch):
    rng = np.random.default_rng(0)
    for _ in range(600):
        n = int(rng.integers(1, 400))
        k = int(rng.integers(0, n + 1))
        v = rng.integers(0, int(rng.integers(1, 6)), size=n).astype(np.float32)
        if rng.random() < 0.1:
            v[rng.random(n) < 0.2] = np.nan
        largest = bool(rng.random() < 0.5)
        expected = set(torch.topk(torch.from_numpy(v), k, largest=largest).indices.tolist())
        assert set(topk_indices(v, k, largest).tolist()) == expected, (v.tolist(), k, largest)


# ---- pruning: deterministic methods give PyTorch's masks --------------------------------------
@pytest.mark.parametrize("n", [1, 2, 3, 0.5, 0, -1, float("inf"), float("-inf"), "fro"])
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_ln_structured_matches_torch(torch, n, dim):
    for cls, args in (("Conv2d", (4, 5, 3)), ("Linear", (6, 5))):
        for amount in (0.0, 0.3, 2, 1.0):
            t, m = _pair(torch, cls, *args, seed=3)
            if n == "fro" and cls == "Conv2d":  # a norm over 3 dimensions: not a matrix norm
                for p, module in ((torch.nn.utils.prune, t), (prune, m)):
                    with pytest.raises(RuntimeError, match="2-tuple"):
                        p.ln_structured(module, "weight", amount=amount, n=n, dim=dim)
                continue
            torch.nn.utils.prune.ln_structured(t, "weight", amount=amount, n=n, dim=dim)
            prune.ln_structured(m, "weight", amount=amount, n=n, dim=dim)
            _assert_same_pruning(t, m)
            assert list(m.state_dict()) == list(t.state_dict())


def test_ln_structured_nuclear_norm_matches_torch(torch):
    t, m = _pair(torch, "Conv1d", 4, 5, 3, seed=4)
    torch.nn.utils.prune.ln_structured(t, "weight", amount=2, n="nuc", dim=1)
    prune.ln_structured(m, "weight", amount=2, n="nuc", dim=1)
    _assert_same_pruning(t, m)


@pytest.mark.parametrize("values", [_normal, _ints], ids=["distinct", "ties"])
def test_repeated_pruning_builds_a_container_like_torch(torch, values):
    """The tutorial's sequence on one layer, then more: masks, hook history, forward values,
    state_dict keys, and remove."""
    tp = torch.nn.utils.prune
    steps = [lambda p, mod: p.l1_unstructured(mod, "weight", amount=0.3),
             lambda p, mod: p.ln_structured(mod, "weight", amount=2, n=1, dim=1),  # channels not yet all 0
             lambda p, mod: p.l1_unstructured(mod, "weight", amount=7),
             lambda p, mod: p.ln_structured(mod, "weight", amount=0.5, n=float("inf"), dim=0),
             lambda p, mod: p.l1_unstructured(mod, "bias", amount=3),
             lambda p, mod: p.l1_unstructured(mod, "bias", amount=1)]
    for seed in range(8):
        t, m = _pair(torch, "Conv2d", 3, 6, 3, seed=seed, values=values)
        for step in steps:
            step(tp, t)
            step(prune, m)
            _assert_same_pruning(t, m)
        _assert_same_pruning(t, m, "bias")
        assert _our_hooks_history(m) == _torch_hooks_history(t)
        assert _our_hooks_history(m)["weight"] == ["L1Unstructured", "LnStructured", "L1Unstructured", "LnStructured"]
        x = np.random.default_rng(seed).standard_normal((2, 3, 5, 5)).astype(np.float32)
        np.testing.assert_allclose(m(tg.tensor(x.astype(np.float64))).data, t(torch.from_numpy(x)).detach().numpy(),
                                   atol=1e-5)
        assert list(m.state_dict()) == list(t.state_dict()) == ["weight_orig", "bias_orig", "weight_mask", "bias_mask"]
        tp.remove(t, "weight")
        prune.remove(m, "weight")
        assert list(m.state_dict()) == list(t.state_dict())
        assert [k for k, _ in m.named_parameters()] == [k for k, _ in t.named_parameters()] == ["bias_orig", "weight"]
        np.testing.assert_allclose(m.weight.data, t.weight.detach().numpy())
        assert isinstance(m.weight, nn.Parameter) and prune.is_pruned(m)


def _lenet(lib, seed: int, values=_normal):
    net = lib.nn.Sequential(lib.nn.Conv2d(1, 4, 3), lib.nn.Conv2d(4, 6, 3), lib.nn.Linear(24, 12),
                            lib.nn.Linear(12, 5))
    rng = np.random.default_rng(seed)
    for p in net.parameters():
        v = values(tuple(p.shape), rng).astype(np.float32)
        if lib is tg:
            p.data = v.astype(np.float64)
        else:
            with lib.no_grad():
                p.copy_(lib.from_numpy(v))
    return net


@pytest.mark.parametrize("values", [_normal, _ints], ids=["distinct", "ties"])
def test_global_unstructured_matches_torch(torch, values):
    tp = torch.nn.utils.prune
    for seed in range(4):
        tn, mn = _lenet(torch, seed, values), _lenet(tg, seed, values)
        for amount in (0.2, 50, 0.3):  # again and again: among the entries still kept
            tp.global_unstructured([(tn[i], "weight") for i in range(4)], pruning_method=tp.L1Unstructured,
                                   amount=amount)
            prune.global_unstructured([(mn[i], "weight") for i in range(4)], pruning_method=prune.L1Unstructured,
                                      amount=amount)
            for i in range(4):
                _assert_same_pruning(tn[i], mn[i])
        tp.global_unstructured([(tn[i], "bias") for i in range(4)], pruning_method=tp.L1Unstructured,
                               importance_scores={(tn[0], "bias"): torch.zeros(4)}, amount=5)
        # (a generator of pairs works here; PyTorch's reads the pairs three times, so needs a list)
        prune.global_unstructured(((mn[i], "bias") for i in range(4)), pruning_method=prune.L1Unstructured,
                                  importance_scores={(mn[0], "bias"): tg.zeros(4)}, amount=5)
        for i in range(4):
            _assert_same_pruning(tn[i], mn[i], "bias")
            assert _our_hooks_history(mn[i]) == _torch_hooks_history(tn[i])
        assert _our_hooks_history(mn[0])["weight"] == ["CustomFromMask"] * 3
        assert list(mn.state_dict()) == list(tn.state_dict())


def test_tutorial_custom_method_and_prune_method_match_torch(torch):
    def run(lib, p):
        class FooBarPruningMethod(p.BasePruningMethod):
            """Prune every other entry in a tensor"""
            PRUNING_TYPE = "unstructured"

            def compute_mask(self, t, default_mask):
                mask = default_mask.clone()
                mask.view(-1)[::2] = 0
                return mask

        m = lib.nn.Linear(3, 5)
        FooBarPruningMethod.apply(m, "bias")
        first = m.bias_mask.tolist()
        FooBarPruningMethod.apply(m, "bias")  # the container hands it the 3 entries still kept
        t = lib.tensor([[3.0, -1, 2], [0.5, 4, -6]])
        return (first, m.bias_mask.tolist(), p.L1Unstructured(amount=2).prune(t).tolist(),
                p.LnStructured(1, n=1, dim=1).prune(t).tolist(), p.Identity().prune(t).tolist(),
                p.custom_from_mask(lib.nn.Linear(5, 3), "bias", mask=lib.tensor([0, 1, 0])).bias_mask.tolist())

    assert run(tg, prune) == run(torch, torch.nn.utils.prune)


def test_random_methods_prune_as_many_as_torch(torch):
    def counts(lib, p):
        m = lib.nn.Linear(10, 8)
        p.random_unstructured(m, "weight", amount=0.3)
        entries = int((m.weight_mask == 0).sum())
        p.random_structured(m, "weight", amount=3, dim=0)
        dead_rows = int((m.weight_mask.sum(1) == 0).sum())
        p.random_structured(m, "weight", amount=2, dim=0)  # among the 5 rows not yet all 0
        dead_rows_2 = int((m.weight_mask.sum(1) == 0).sum())
        kept = int(m.weight_mask.sum())
        p.random_unstructured(m, "weight", amount=5)
        p.random_structured(m, "weight", amount=0, dim=1)
        return entries, dead_rows, dead_rows_2, kept - int(m.weight_mask.sum()), _history_any(m)

    def _history_any(m):
        hook = next(iter(m._forward_pre_hooks.values()))
        return [type(h).__name__ for h in hook]

    assert counts(tg, prune) == counts(torch, torch.nn.utils.prune) == (
        24, 3, 5, 5, ["RandomUnstructured", "RandomStructured", "RandomStructured", "RandomUnstructured",
                      "RandomStructured"])


def test_pruning_errors_match_torch(torch):
    def error(lib, p, f):
        with pytest.raises(Exception) as info:
            f(lib, p)
        return info.type

    cases = [
        lambda lib, p: p.ln_structured(lib.nn.Linear(3, 4), "bias", amount=1, n=2, dim=0),  # 1-D: no channels
        lambda lib, p: p.ln_structured(lib.nn.Linear(3, 4), "weight", amount=1, n=2, dim=2),
        lambda lib, p: p.ln_structured(lib.nn.Linear(3, 4), "weight", amount=5, n=2, dim=0),
        lambda lib, p: p.ln_structured(lib.nn.Linear(3, 4), "weight", amount=1, n="nuc", dim=0),
        lambda lib, p: p.ln_structured(lib.nn.Linear(3, 4), "weight", amount=1, n="abc", dim=0),
        lambda lib, p: p.l1_unstructured(lib.nn.Linear(3, 4), "weight", amount=1, importance_scores=lib.ones(3)),
        lambda lib, p: p.l1_unstructured(lib.nn.Linear(3, 4), "nope", amount=1),
        lambda lib, p: p.random_structured(lib.nn.Linear(3, 4), "weight", amount=1.5, dim=0),
        lambda lib, p: p.random_unstructured(lib.nn.Linear(3, 4), "weight", amount="half"),
        lambda lib, p: p.global_unstructured(5, pruning_method=p.L1Unstructured, amount=1),
        lambda lib, p: p.global_unstructured([(lib.nn.Linear(2, 2), "weight")], pruning_method=p.L1Unstructured,
                                             importance_scores=[1], amount=1),
        lambda lib, p: p.global_unstructured([(lib.nn.Linear(2, 2), "weight")], pruning_method=p.RandomStructured,
                                             amount=1),
        lambda lib, p: p.global_unstructured([(lib.nn.Linear(2, 2), "weight")], pruning_method=p.L1Unstructured,
                                             amount=5),
        lambda lib, p: p.custom_from_mask(lib.nn.Linear(5, 3), "bias", mask=lib.tensor([0, 1])),
        lambda lib, p: p.BasePruningMethod(),
        lambda lib, p: p.PruningContainer().add_pruning_method(3),
        lambda lib, p: p.remove(lib.nn.Linear(2, 2), "weight"),
    ]
    for f in cases:
        assert error(tg, prune, f) is error(torch, torch.nn.utils.prune, f)


# ---- pruning without torch ----------------------------------------------------------------
def _linear(rows: list[list[float]]) -> nn.Linear:
    m = nn.Linear(len(rows[0]), len(rows))
    m.weight.data[...] = rows
    m.bias.data[...] = np.arange(1.0, len(rows) + 1)
    return m


def test_ln_structured_by_hand():
    m = _linear([[1.0, 1, 1], [0, 0, 1], [2, 0, 0], [0, 0.5, 0]])
    weight = m.weight
    prune.ln_structured(m, "weight", amount=0.5, n=1, dim=0)  # L1 norms 3, 1, 2, 0.5: drop rows 1, 3
    np.testing.assert_array_equal(m.weight_mask.data, [[1, 1, 1], [0, 0, 0], [1, 1, 1], [0, 0, 0]])
    assert m.weight_orig is weight and isinstance(m.weight_orig, nn.Parameter)
    assert list(m.state_dict()) == ["bias", "weight_orig", "weight_mask"]
    prune.ln_structured(m, "weight", amount=1, n=float("inf"), dim=1)  # column max |x| of rows 0, 2: 2, 1, 1
    # (ties between columns 1 and 2: PyTorch's topk keeps column 1, as recorded from PyTorch 2.13)
    np.testing.assert_array_equal(m.weight_mask.data, [[1, 1, 0], [0, 0, 0], [1, 1, 0], [0, 0, 0]])
    hook = next(iter(m._forward_pre_hooks.values()))
    assert isinstance(hook, prune.PruningContainer) and len(hook) == 2 and hook._tensor_name == "weight"
    assert [type(h).__name__ for h in hook] == ["LnStructured", "LnStructured"] and hook[0].n == 1
    out = m(tg.ones(1, 3))
    np.testing.assert_allclose(out.data, [[3.0, 2.0, 5.0, 4.0]])  # masked rows give the bias alone
    out.sum().backward()
    np.testing.assert_array_equal(weight.grad.data, m.weight_mask.data)  # pruned: zero gradient


def test_structured_after_unstructured_ranks_the_masked_weights():
    """The second method ranks the current (masked) weight, not weight_orig, as PyTorch does: row
    L1 norms are 2.2 and 2.15 before the L1 step and 2.0 and 2.15 after it zeroes the two 0.1."""
    m = _linear([[2.0, 0.1, 0.1], [1.0, 0.6, 0.55]])
    prune.l1_unstructured(m, "weight", amount=2)
    prune.ln_structured(m, "weight", amount=1, n=1, dim=0)
    np.testing.assert_array_equal(m.weight_mask.data, [[0, 0, 0], [1, 1, 1]])


def test_global_unstructured_by_hand():
    a, b = _linear([[0.1, -5.0], [3.0, 0.2]]), _linear([[-0.3, 4.0, 0.05]])
    prune.global_unstructured([(a, "weight"), (b, "weight")], pruning_method=prune.L1Unstructured, amount=3)
    np.testing.assert_array_equal(a.weight_mask.data, [[0, 1], [1, 0]])  # 0.05, 0.1, 0.2 are the smallest
    np.testing.assert_array_equal(b.weight_mask.data, [[1, 1, 0]])
    prune.global_unstructured([(a, "weight"), (b, "weight")], pruning_method=prune.L1Unstructured, amount=0.5)
    np.testing.assert_array_equal(b.weight_mask.data, [[0, 1, 0]])  # 2 of the 4 kept: -0.3 and 3.0
    np.testing.assert_array_equal(a.weight_mask.data, [[0, 1], [0, 0]])
    assert [type(h).__name__ for h in next(iter(a._forward_pre_hooks.values()))] == ["CustomFromMask"] * 2
    with pytest.raises(TypeError, match="unstructured"):
        prune.global_unstructured([(a, "bias")], pruning_method=prune.LnStructured, amount=1, n=2, dim=0)


def test_l1_ties_and_int_amount_by_hand():
    m = nn.Linear(5, 1)
    m.weight.data[...] = 1.0
    prune.l1_unstructured(m, "weight", amount=2)  # all equal: PyTorch's topk picks entries 2 and 4
    np.testing.assert_array_equal(m.weight_mask.data, [[1, 1, 0, 1, 0]])
    prune.l1_unstructured(m, "weight", amount=0.34)  # round(0.34 · 3 kept) = 1 more
    assert int(m.weight_mask.data.sum()) == 2


def test_failed_pruning_leaves_the_module_as_it_was():
    m = nn.Linear(3, 4)
    weight = m.weight
    with pytest.raises(ValueError, match="amount=20 should be smaller"):
        prune.l1_unstructured(m, "weight", amount=20)
    assert [k for k, _ in m.named_parameters()] == ["bias", "weight"] and m.weight is weight
    assert not prune.is_pruned(m) and "weight_orig" not in m.__dict__
    prune.l1_unstructured(m, "weight", amount=2)
    with pytest.raises(ValueError, match="multidimensional"):
        prune.ln_structured(m, "bias", amount=1, n=2, dim=0)
    with pytest.raises(ValueError, match="should be smaller"):
        prune.ln_structured(m, "weight", amount=9, n=2, dim=0)
    # (PyTorch drops the earlier hook here; the pruning stays as it was)
    hook = next(iter(m._forward_pre_hooks.values()))
    assert isinstance(hook, prune.L1Unstructured) and prune.is_pruned(m)
    prune.l1_unstructured(m, "weight", amount=1)
    container = next(iter(m._forward_pre_hooks.values()))
    with pytest.raises(IndexError):
        prune.ln_structured(m, "weight", amount=1, n=2, dim=5)
    assert len(container) == 2 and next(iter(m._forward_pre_hooks.values())) is container


def test_pruning_container_api():
    m = nn.Linear(2, 2)
    prune.l1_unstructured(m, "weight", 1)
    prune.l1_unstructured(m, "bias", 1)
    weight_hook, bias_hook = m._forward_pre_hooks.values()
    container = prune.PruningContainer(weight_hook)
    assert container._tensor_name == "weight" and list(container) == [weight_hook] and container[0] is weight_hook
    with pytest.raises(ValueError, match="parameter named 'weight'"):
        container.add_pruning_method(bias_hook)
    with pytest.raises(TypeError, match="not a BasePruningMethod"):
        container.add_pruning_method("l1")
    with pytest.raises(TypeError):
        prune.BasePruningMethod()
    with pytest.raises(AttributeError, match="dim"):  # a structured method needs a dim
        class NoDim(prune.BasePruningMethod):
            PRUNING_TYPE = "structured"

            def compute_mask(self, t, default_mask):
                return default_mask

        NoDim.apply(m, "weight")


def test_is_pruned_and_remove_on_submodules():
    net = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 2))
    assert not prune.is_pruned(net)
    prune.identity(net[1], "weight")
    assert prune.is_pruned(net) and net[1].weight_mask.data.tolist() == [[1.0, 1.0], [1.0, 1.0]]
    prune.remove(net[1], "weight")
    assert not prune.is_pruned(net) and [k for k, _ in net[1].named_parameters()] == ["bias", "weight"]
    with pytest.raises(ValueError, match="has to be pruned"):
        prune.remove(net[1], "weight")


# ---- stack_module_state and a 'meta' base model (the "Model ensembling" tutorial) ----------------
def _mlp_class(nn_, F_):
    class SimpleMLP(nn_.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn_.Linear(6, 8)
            self.fc2 = nn_.Linear(8, 4)
            self.fc3 = nn_.Linear(4, 3)

        def forward(self, x):
            x = x.flatten(1)
            x = F_.relu(self.fc1(x))
            x = F_.relu(self.fc2(x))
            return self.fc3(x)
    return SimpleMLP


def _ensemble(lib, nn_, F_, func):
    """The tutorial's program: 3 models, stacked, a meta base model, vmap over functional_call."""
    SimpleMLP = _mlp_class(nn_, F_)
    models = [SimpleMLP() for _ in range(3)]
    rng = np.random.default_rng(0)
    for model in models:
        for p in model.parameters():
            v = rng.standard_normal(tuple(p.shape)).astype(np.float32)
            p.data = v.astype(np.float64) if lib is tg else lib.from_numpy(v)
    data = np.random.default_rng(1).standard_normal((3, 5, 2, 3)).astype(np.float32)
    minibatches = lib.tensor(data.astype(np.float64)) if lib is tg else lib.from_numpy(data)
    minibatch = minibatches[0]
    params, buffers = func.stack_module_state(models)
    base_model = copy.deepcopy(models[0]).to("meta")

    def fmodel(params, buffers, x):
        return func.functional_call(base_model, (params, buffers), (x,))

    predictions1 = func.vmap(fmodel)(params, buffers, minibatches)
    predictions2 = func.vmap(fmodel, in_dims=(0, 0, None))(params, buffers, minibatch)
    loop1 = lib.stack([model(x) for model, x in zip(models, minibatches)])
    loop2 = lib.stack([model(minibatch) for model in models])
    predictions1.sum().backward()
    leaves = [(p.is_leaf, p.requires_grad) for p in params.values()]
    return (params, buffers, predictions1, predictions2, loop1, loop2, leaves, base_model,
            params["fc1.weight"].grad)


def test_model_ensembling_tutorial_matches_torch(torch):
    ours = _ensemble(tg, nn, F, tg.func)
    theirs = _ensemble(torch, torch.nn, torch.nn.functional, torch.func)
    assert list(ours[0]) == list(theirs[0]) == ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "fc3.weight",
                                                 "fc3.bias"]
    assert [tuple(p.shape) for p in ours[0].values()] == [tuple(p.shape) for p in theirs[0].values()]
    assert ours[1] == theirs[1] == {}
    for a, b in zip(ours[2:6], theirs[2:6]):
        np.testing.assert_allclose(a.data, b.detach().numpy(), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(ours[2].data, ours[4].data)  # vmap = the loop over the models
    np.testing.assert_allclose(ours[3].data, ours[5].data)
    assert ours[6] == theirs[6] == [(True, True)] * 6
    np.testing.assert_allclose(ours[8].data, theirs[8].numpy(), rtol=1e-5, atol=1e-5)
    assert next(theirs[7].parameters()).device.type == "meta"
    assert all(isinstance(p.data, MetaArray) for p in ours[7].parameters())


def test_stack_module_state_buffers_and_errors_match_torch(torch):
    def run(lib):
        models = [lib.nn.BatchNorm1d(3) for _ in range(2)]
        models[1].running_mean += 1
        params, buffers = lib.func.stack_module_state(models)
        return ({k: (tuple(v.shape), str(v.dtype).split(".")[-1], v.requires_grad) for k, v in buffers.items()},
                buffers["running_mean"].tolist(), sorted(params))

    ours, theirs = run(tg), run(torch)
    assert ours[1:] == theirs[1:]
    assert {k: (s, g) for k, (s, _, g) in ours[0].items()} == {k: (s, g) for k, (s, _, g) in theirs[0].items()}
    assert ours[0]["num_batches_tracked"][1] == theirs[0]["num_batches_tracked"][1] == "int64"

    def error(lib, make):
        with pytest.raises(Exception) as info:
            lib.func.stack_module_state(make(lib))
        return info.type, str(info.value)

    frozen = lambda lib: [lib.nn.Linear(2, 2), lib.nn.Linear(2, 2).requires_grad_(False)]  # noqa: E731
    for make in (lambda lib: [], lambda lib: [lib.nn.Linear(2, 2), lib.nn.Linear(2, 2).eval()],
                 lambda lib: [lib.nn.Linear(2, 2), lib.nn.Tanh()], frozen):
        assert error(tg, make) == error(torch, make)


def test_stack_module_state_by_hand():
    models = nn.ModuleList([nn.Linear(2, 1) for _ in range(3)])
    for i, model in enumerate(models):
        model.weight.data[...] = i
        model.bias.data[...] = -i
    params, buffers = stack_module_state(models)
    assert params["weight"].tolist() == [[[0.0, 0.0]], [[1.0, 1.0]], [[2.0, 2.0]]] and buffers == {}
    stacked = params["weight"]
    assert stacked.is_leaf and stacked.requires_grad and not isinstance(stacked, nn.Parameter)
    params["weight"].data[0] = 7.0  # new tensors: the models keep theirs
    assert models[0].weight.tolist() == [[0.0, 0.0]]
    frozen = [nn.Linear(2, 1).requires_grad_(False) for _ in range(2)]
    assert not stack_module_state(frozen)[0]["weight"].requires_grad
    base = copy.deepcopy(models[0]).to("meta")
    out = vmap(lambda p, b, x: functional_call(base, (p, b), (x,)), in_dims=(0, 0, None))(
        params, buffers, tg.ones(4, 2))
    assert out.shape == (3, 4, 1) and out[:, 0, 0].tolist() == [14.0, 1.0, 2.0]  # 2·w + b
    with pytest.raises(RuntimeError, match="at least one model"):
        stack_module_state([])
    with pytest.raises(RuntimeError, match="same .requires_grad"):
        stack_module_state([nn.Linear(2, 1), frozen[0]])


# ---- Module.to('meta') ----------------------------------------------------------------------
def test_module_to_meta_keeps_shapes_and_drops_values():
    model = nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2))
    weight = model[0].weight
    weight.grad = tg.ones(2, 3)
    assert model.to("meta") is model and model[0].weight is weight  # the same tensors, arrays replaced
    assert weight.shape == (2, 3) and weight.dtype == tg.float64 and weight.requires_grad
    assert isinstance(weight, nn.Parameter) and isinstance(weight.data, MetaArray)
    assert isinstance(weight.grad.data, MetaArray) and weight.grad.shape == (2, 3)
    assert model[1].num_batches_tracked.dtype == tg.int64 and isinstance(model[1].running_var.data, MetaArray)
    assert weight.data.strides == (0, 0)  # one element of memory, whatever the shape
    assert list(model.state_dict()) == ["0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean",
                                        "1.running_var", "1.num_batches_tracked"]
    for read in (lambda: weight.tolist(), lambda: weight.sum(), lambda: weight[0, 0].item(),
                 lambda: model(tg.ones(4, 3)), lambda: print(weight), lambda: weight.detach().mean()):
        with pytest.raises(RuntimeError, match="'meta' device"):
            read()
    # a view made by a Tensor op may come out as a plain array (np.asarray): then it is all NaN
    try:
        assert np.isnan(weight[:1, 1:].data).all()
    except RuntimeError as err:
        assert "'meta' device" in str(err)
    assert model.to(tg.float32)[0].weight.dtype == tg.float32 and isinstance(weight.data, MetaArray)
    copied = copy.deepcopy(model)
    assert isinstance(copied[0].weight.data, MetaArray) and isinstance(copied[0].weight, nn.Parameter)
    with pytest.raises(NotImplementedError, match="to_empty"):
        model.to("cpu")
    with pytest.raises(NotImplementedError, match="to_empty"):
        model.cpu()
    assert model.to_empty(device="cpu") is model and weight.tolist() == [[0.0] * 3] * 2
    assert weight.dtype == tg.float32 and weight.requires_grad and weight.grad is None
    model.to(tg.device("meta"), tg.float64)
    assert isinstance(weight.data, MetaArray) and weight.dtype == tg.float64
    model.to_empty(device=tg.device("cpu"), recurse=False)  # (the Sequential owns no tensors itself)
    assert isinstance(weight.data, MetaArray)


def test_meta_device_elsewhere_is_refused():
    assert tg.device("meta").type == "meta"
    with pytest.raises(RuntimeError, match="only Module.to\\('meta'\\)"):
        tg.zeros(2, device="meta")
    with pytest.raises(RuntimeError, match="got device 'cuda'"):
        nn.Linear(2, 2).to("cuda")
    with pytest.raises(TypeError):
        nn.Linear(2, 2).to("meta", tg.int64)


def test_meta_array():
    m = meta_array((2, 3), np.float32)
    assert m.shape == (2, 3) and m.dtype == np.float32 and m.T.shape == (3, 2) and m.reshape(6).shape == (6,)
    assert isinstance(m[0], MetaArray) and np.shape(m) == (2, 3) and np.ndim(m) == 2
    assert isinstance(m.astype(np.float64), MetaArray) and m.astype(np.float64).dtype == np.float64
    assert repr(pickle.loads(pickle.dumps(m))) == "MetaArray(shape=(2, 3), dtype=float32)"
    m[0] = 1.0  # nothing to write into (PyTorch's copy into a meta tensor does nothing)
    for read in (lambda: m + 1, lambda: np.dot(m, m.T), lambda: m[0, 0], lambda: m.tolist(), lambda: bool(m[:1, :1])):
        with pytest.raises(RuntimeError, match="no values"):
            read()


def test_module_to_meta_like_torch(torch):
    def run(lib):
        model = lib.nn.Linear(3, 2)
        model.to("meta")
        p = model.weight
        cpu = None
        try:
            model.to("cpu")
        except NotImplementedError:
            cpu = "NotImplementedError"
        return tuple(p.shape), p.requires_grad, p.is_leaf, cpu, model.to_empty(device="cpu").weight.shape

    assert run(tg) == tuple(run(torch)[:4]) + (tuple(run(torch)[4]),)


# ---- DataLoader's worker_init_fn ------------------------------------------------------------
def test_worker_init_fn_is_not_called_without_workers():
    calls = []
    ds = TensorDataset(tg.arange(6.0))
    assert len(list(DataLoader(ds, batch_size=2, worker_init_fn=calls.append))) == 3
    assert calls == []
    list(DataLoader(ds, batch_size=2, num_workers=2, worker_init_fn=calls.append))
    assert calls == [0, 1]  # with workers: once per worker and pass (they run in this process)


def test_worker_init_fn_like_torch_without_workers(torch):
    calls = []
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.arange(6.0)), batch_size=2,
                                         worker_init_fn=calls.append)
    assert len(list(loader)) == 3 and calls == []


# ---- tg.initial_seed --------------------------------------------------------------------------
def test_initial_seed_follows_manual_seed():
    tg.manual_seed(0)
    assert tg.initial_seed() == 0
    tg.rand(3)
    assert tg.initial_seed() == 0  # drawing does not change it
    tg.manual_seed(-1)
    assert tg.initial_seed() == 2**64 - 1
    tg.manual_seed(123)
    first = tg.rand(4)
    tg.manual_seed(tg.initial_seed())
    assert tg.equal(first, tg.rand(4))
    assert tg.random.initial_seed() == 123


def test_initial_seed_like_torch(torch):
    for seed in (0, 5, -1, 2**63):
        torch.manual_seed(seed)
        tg.manual_seed(seed)
        assert tg.initial_seed() == torch.initial_seed()


def test_initial_seed_without_manual_seed_is_random_and_reproduces_the_stream():
    code = ("import tinygrad_edu as tg; s = tg.initial_seed(); a = tg.rand(3); tg.manual_seed(s); "
            "print(s, bool(tg.equal(a, tg.rand(3))), 0 <= s < 2**64)")
    outputs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
               for _ in range(2)]
    assert [o[1:] for o in outputs] == [["True", "True"]] * 2
    assert outputs[0][0] != outputs[1][0]  # a new seed per run (equal with probability 2^-64)


# ---- the docstring examples of the files changed here --------------------------------------
@pytest.mark.parametrize("module", ["tinygrad_edu.nn.utils.prune", "tinygrad_edu.nn.utils._torch_topk",
                                    "tinygrad_edu.devices", "tinygrad_edu.func.functional_call", "tinygrad_edu.random",
                                    "tinygrad_edu.nn.module", "tinygrad_edu.utils.data.dataloader"])
def test_docstring_examples_run(module):
    flags = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS
    result = doctest.testmod(importlib.import_module(module), optionflags=flags)
    assert result.attempted > 0 and result.failed == 0
