"""nn.Module, Parameter, Sequential, ModuleList: registration, traversal, modes, state dicts
with PyTorch's key names, and the docstring examples of nn. (The examples of docs/nn.md and
docs/from-pytorch.md run in tests/test_docs.py.)"""
import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.optim as optim

try:
    import torch
except ImportError:
    torch = None
needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")


class TwoLayer(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 3)
        self.fc2 = nn.Linear(3, 2)
        self.scale = nn.Parameter(tg.ones(2))
        self.not_a_parameter = tg.zeros(5, requires_grad=True)  # plain tensors are not registered

    def forward(self, x):
        return self.fc2(self.fc1(x).sigmoid()) * self.scale


# ---- Parameter -------------------------------------------------------------------------------
def test_parameter_is_a_plain_leaf_tensor_that_requires_grad():
    data = np.zeros((2, 3))
    p = nn.Parameter(data)
    assert type(p) is tg.Tensor and p.requires_grad and p.is_leaf
    assert p.data is data  # shares the array, like torch.nn.Parameter(tensor)
    assert isinstance(p, nn.Parameter)
    assert not isinstance(tg.zeros(2, requires_grad=True), nn.Parameter)
    assert not isinstance(p * 2, nn.Parameter)
    assert not isinstance(nn.Parameter(tg.ones(2), requires_grad=False) * 1, nn.Parameter)
    assert nn.Parameter([1.0, 2.0]).tolist() == [1.0, 2.0]


def test_parameter_of_integers_is_refused():
    with pytest.raises(TypeError, match="floating point.*int64"):
        nn.Parameter(tg.tensor([1, 2]))


def test_a_parameter_works_in_the_engine_like_any_tensor():
    p = nn.Parameter(tg.tensor([1.0, 2.0]))
    (p * p).sum().backward()
    assert p.grad.tolist() == [2.0, 4.0]


# ---- registration and traversal ---------------------------------------------------------
def test_named_parameters_use_pytorch_dotted_names_in_registration_order():
    model = TwoLayer()
    assert [n for n, _ in model.named_parameters()] == ["scale", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]
    assert len(list(model.parameters())) == 5
    assert [n for n, _ in model.named_children()] == ["fc1", "fc2"]
    assert [n for n, _ in model.named_modules()] == ["", "fc1", "fc2"]
    assert list(model.children()) == [model.fc1, model.fc2]
    assert list(model.modules())[0] is model
    assert [n for n, _ in model.named_parameters(recurse=False)] == ["scale"]


def test_shared_parameters_and_modules_are_listed_once():
    layer = nn.Linear(2, 2)
    model = nn.Sequential(layer, nn.Tanh(), layer)
    assert len(list(model.parameters())) == 2
    assert len(list(model.modules())) == 3
    assert list(model.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]  # PyTorch keeps both


def test_reassigning_and_deleting_attributes():
    model = TwoLayer()
    model.fc1 = nn.Linear(4, 3, bias=False)
    assert "fc1.bias" not in dict(model.named_parameters())
    del model.scale
    assert "scale" not in dict(model.named_parameters())
    model.fc2 = None
    assert [n for n, _ in model.named_children()] == ["fc1"]
    with pytest.raises(TypeError, match="as child module 'fc1'"):
        model.fc1 = 3
    layer = nn.Linear(2, 2)
    with pytest.raises(TypeError,
                       match=r"as parameter 'weight' \(nn.Parameter or None expected\): wrap it in nn.Parameter"):
        layer.weight = tg.zeros(2, 2)


def test_assigning_before_super_init_is_explained():
    class Broken(nn.Module):
        def __init__(self):
            self.fc = nn.Linear(1, 1)

    with pytest.raises(AttributeError, match=r"super\(\).__init__\(\) first"):
        Broken()


def test_call_runs_forward_and_module_without_forward_says_so():
    model = TwoLayer()
    x = tg.randn(5, 4)
    np.testing.assert_array_equal(model(x).data, model.forward(x).data)
    with pytest.raises(NotImplementedError, match="has no forward"):
        nn.Module()(x)


def test_buffers_are_state_but_not_parameters():
    model = nn.Module()
    model.register_buffer("running_mean", tg.zeros(3))
    model.register_buffer("scratch", tg.zeros(2), persistent=False)
    assert list(model.parameters()) == []
    assert list(model.state_dict()) == ["running_mean"]
    assert [n for n, _ in model.named_buffers()] == ["running_mean", "scratch"]


def test_apply_and_requires_grad_():
    model = TwoLayer()
    model.apply(lambda m: isinstance(m, nn.Linear) and nn.init.zeros_(m.weight))
    assert not model.fc1.weight.data.any() and not model.fc2.weight.data.any()
    model.requires_grad_(False)
    assert not any(p.requires_grad for p in model.parameters())


# ---- zero_grad and modes -----------------------------------------------------------------
def test_zero_grad_sets_grads_to_none():
    model = TwoLayer()
    model(tg.randn(2, 4)).sum().backward()
    assert all(p.grad is not None for p in model.parameters())
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())
    model(tg.randn(2, 4)).sum().backward()
    model.zero_grad(set_to_none=False)
    assert all(p.grad is not None and not p.grad.data.any() for p in model.parameters())


def test_train_and_eval_reach_every_submodule():
    model = nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.Dropout(0.5), nn.ReLU()))
    assert all(m.training for m in model.modules())
    assert model.eval() is model
    assert not any(m.training for m in model.modules())
    model.train()
    assert all(m.training for m in model.modules())
    with pytest.raises(ValueError, match="mode must be a bool"):
        model.train("no")


def test_to_float32_converts_parameters_in_place():
    model = TwoLayer()
    weight = model.fc1.weight
    assert model.float() is model
    assert model.fc1.weight is weight and all(p.dtype == np.float32 for p in model.parameters())
    assert model(tg.ones(1, 4, dtype=np.float32)).dtype == np.float32
    model.double()
    assert weight.dtype == np.float64
    with pytest.raises(TypeError, match="must stay floating point"):
        model.to(np.int64)


# ---- state dicts -------------------------------------------------------------------------
def test_state_dict_keys_and_shapes_match_pytorch_conventions():
    model = nn.Sequential(nn.Linear(4, 8), nn.Sigmoid(), nn.Linear(8, 3))
    sd = model.state_dict()
    assert {k: v.shape for k, v in sd.items()} == {
        "0.weight": (8, 4), "0.bias": (8,), "2.weight": (3, 8), "2.bias": (3,)}
    assert all(not v.requires_grad for v in sd.values())
    assert sd["0.weight"].data is model[0].weight.data  # shares memory, like PyTorch's


def test_load_state_dict_copies_in_place_so_optimizers_keep_working():
    model, source = TwoLayer(), TwoLayer()
    opt = optim.SGD(model.parameters(), lr=0.1)
    weight, weight_array = model.fc1.weight, model.fc1.weight.data
    result = model.load_state_dict(source.state_dict())
    assert result.missing_keys == [] and result.unexpected_keys == []
    assert model.fc1.weight is weight and model.fc1.weight.data is weight_array
    np.testing.assert_array_equal(weight_array, source.fc1.weight.data)
    model(tg.randn(3, 4)).sum().backward()
    before = weight_array.copy()
    opt.step()
    assert not np.array_equal(weight_array, before)  # the optimizer updated the loaded values


def test_load_state_dict_accepts_arrays_lists_and_tensors():
    layer = nn.Linear(2, 1)
    layer.load_state_dict({"weight": [[1.0, 2.0]], "bias": tg.tensor([0.5])})
    assert layer.weight.tolist() == [[1.0, 2.0]] and layer.bias.tolist() == [0.5]
    layer.load_state_dict({"weight": np.array([[3.0, 4.0]], dtype=np.float32), "bias": np.array([1.0])})
    assert layer.weight.dtype == np.float64 and layer.weight.tolist() == [[3.0, 4.0]]


def test_load_state_dict_errors_list_every_bad_key_and_change_nothing():
    model = nn.Sequential(nn.Linear(2, 3), nn.Linear(3, 1))
    before = model[0].weight.data.copy()
    bad = {"0.weight": np.zeros((3, 5)), "0.bias": np.zeros(3), "extra.weight": np.zeros(1)}
    with pytest.raises(RuntimeError) as info:
        model.load_state_dict(bad)
    message = str(info.value)
    assert "Missing key(s)" in message and '"1.weight"' in message and '"1.bias"' in message
    assert "Unexpected key(s)" in message and '"extra.weight"' in message
    assert "size mismatch for 0.weight" in message and "(3, 2)" in message and "(3, 5)" in message
    np.testing.assert_array_equal(model[0].weight.data, before)
    with pytest.raises(TypeError, match="expected a dict"):
        model.load_state_dict([("0.weight", before)])


def test_load_state_dict_not_strict_returns_missing_and_unexpected_but_still_checks_shapes():
    model = nn.Sequential(nn.Linear(2, 3), nn.Linear(3, 1))
    result = model.load_state_dict({"0.weight": np.ones((3, 2)), "head.bias": np.ones(1)}, strict=False)
    assert result.missing_keys == ["0.bias", "1.weight", "1.bias"]
    assert result.unexpected_keys == ["head.bias"]
    missing, unexpected = result  # unpacks as a pair
    assert missing == result.missing_keys and unexpected == ["head.bias"]
    assert np.all(model[0].weight.data == 1)
    with pytest.raises(RuntimeError, match="size mismatch for 1.weight"):
        model.load_state_dict({"1.weight": np.ones((3, 1))}, strict=False)


def test_load_state_dict_bumps_the_version_of_saved_parameters():
    layer = nn.Linear(2, 1)
    out = (layer(tg.ones(1, 2, requires_grad=True)) ** 2).sum()  # the input's gradient needs the weight
    layer.load_state_dict(nn.Linear(2, 1).state_dict())
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        out.backward()


def test_state_dict_round_trips_through_save_and_load(tmp_path):
    model, copy = TwoLayer(), TwoLayer()
    path = tmp_path / "model.npz"
    tg.save(model.state_dict(), path)
    copy.load_state_dict(tg.load(path))
    x = tg.randn(3, 4)
    np.testing.assert_array_equal(copy(x).data, model(x).data)


def test_deepcopy_and_pickle_give_independent_modules_with_parameters():
    import copy
    import pickle

    model = TwoLayer()
    for clone in (copy.deepcopy(model), pickle.loads(pickle.dumps(model))):
        assert [n for n, _ in clone.named_parameters()] == [n for n, _ in model.named_parameters()]
        assert clone.fc1.weight is not model.fc1.weight
        assert isinstance(clone.fc1.weight, nn.Parameter)
        clone.fc1.weight.data[...] = 0
        assert model.fc1.weight.data.any()


# ---- containers and printing ------------------------------------------------------------
def test_sequential_indexing_and_appending():
    net = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    assert len(net) == 3 and isinstance(net[1], nn.ReLU) and net[-1] is net[2]
    assert list(net[:2].state_dict()) == ["0.weight", "0.bias"]
    net.append(nn.Sigmoid())
    assert len(net) == 4 and [type(m).__name__ for m in net][-1] == "Sigmoid"
    with pytest.raises(IndexError, match="index 4 is out of range for 4 modules"):
        net[4]
    with pytest.raises(TypeError, match="expected Modules, got function"):
        nn.Sequential(lambda x: x)
    named = nn.Sequential({"hidden": nn.Linear(2, 2), "act": nn.Tanh()})
    assert list(named.state_dict()) == ["hidden.weight", "hidden.bias"]


def test_module_list_registers_its_modules():
    class Stack(nn.Module):
        def __init__(self):
            super().__init__()
            self.layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])

        def forward(self, x):
            for layer in self.layers:
                x = layer(x).tanh()
            return x

    model = Stack()
    assert list(model.state_dict())[:3] == ["layers.0.weight", "layers.0.bias", "layers.1.weight"]
    assert len(model.layers) == 3 and model(tg.ones(1, 2)).shape == (1, 2)
    model.layers.append(nn.Linear(2, 2))
    model.layers[0] = nn.Linear(2, 2, bias=False)
    assert len(list(model.parameters())) == 7
    with pytest.raises(NotImplementedError, match="iterate over it"):
        model.layers(tg.ones(2))


def test_repr_looks_like_pytorch():
    net = nn.Sequential(nn.Linear(2, 3), nn.Sigmoid(), nn.Sequential(nn.Dropout(0.1), nn.LSTMCell(3, 4)))
    assert repr(net) == (
        "Sequential(\n"
        "  (0): Linear(in_features=2, out_features=3, bias=True)\n"
        "  (1): Sigmoid()\n"
        "  (2): Sequential(\n"
        "    (0): Dropout(p=0.1, inplace=False)\n"
        "    (1): LSTMCell(3, 4)\n"
        "  )\n"
        ")"
    )


# ---- moving a state dict to PyTorch and back ---------------------------------------------
@needs_torch
def test_state_dict_moves_to_torch_and_back():
    tg.manual_seed(0)
    ours = nn.Sequential(nn.Linear(4, 8), nn.Sigmoid(), nn.Linear(8, 3))
    theirs = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Sigmoid(), torch.nn.Linear(8, 3)).double()
    theirs.load_state_dict({k: torch.from_numpy(np.asarray(v)) for k, v in ours.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((5, 4))
    np.testing.assert_allclose(ours(tg.tensor(x)).data, theirs(torch.from_numpy(x)).detach().numpy(), rtol=1e-12)
    back = nn.Sequential(nn.Linear(4, 8), nn.Sigmoid(), nn.Linear(8, 3))
    back.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    np.testing.assert_array_equal(back(tg.tensor(x)).data, ours(tg.tensor(x)).data)


# ---- docstring examples -------------------------------------------------------------------
@pytest.mark.parametrize("module", ["tinygrad_edu.nn.module", "tinygrad_edu.nn.parameter", "tinygrad_edu.nn.layers",
                                    "tinygrad_edu.nn.recurrent", "tinygrad_edu.nn.functional.activation",
                                    "tinygrad_edu.nn.functional.layers", "tinygrad_edu.nn.functional.losses"])
def test_docstring_examples(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
