"""The rest of the nn.Module API: get_submodule / set_submodule / get_parameter / get_buffer,
named_* argument parity (remove_duplicate, memo, prefix, recurse), state_dict(destination,
prefix, keep_vars) and load_state_dict(strict, assign), extra state, the state-dict hooks,
nn.Buffer, to_empty / share_memory / type, and the full backward hooks. Where PyTorch is installed
the same model is built in both and names, messages, hook arguments and gradients are compared."""
from __future__ import annotations

import warnings
from collections import OrderedDict

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
from tinygrad_edu.nn.module import Buffer


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


def _model(lib):
    """A model with a nested block, a shared Linear, a buffer and a non-persistent buffer."""
    class Block(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = lib.nn.Linear(2, 3)
            self.register_buffer("steps", lib.zeros(1))
            self.register_buffer("scratch", lib.ones(2), persistent=False)

        def forward(self, x):
            return self.fc(x)

    class Net(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.block = Block()
            self.shared = self.block.fc  # the same Linear under two names
            self.head = lib.nn.Linear(3, 1)
            self.scale = lib.nn.Parameter(lib.ones(1))

        def forward(self, x):
            return self.head(self.block(x)) * self.scale

    return Net()


def _error(fn):
    try:
        fn()
    except Exception as err:  # noqa: BLE001  (the type and message are what is compared)
        return type(err), str(err)
    return None


# ---- finding things by dotted name ------------------------------------------------------------

def test_get_and_set_by_path_without_torch():
    net = _model(tg)
    assert net.get_submodule("") is net and net.get_submodule("block.fc") is net.block.fc
    assert net.get_parameter("block.fc.weight") is net.block.fc.weight
    assert net.get_parameter("scale") is net.scale
    assert net.get_buffer("block.steps") is net.block.steps
    assert net.get_buffer("block.scratch") is net.block.scratch  # non-persistent buffers too
    with pytest.raises(AttributeError, match="Block has no attribute `conv`"):
        net.get_submodule("block.conv")
    new = nn.Linear(3, 2)
    net.set_submodule("head", new)
    assert net.head is new and dict(net.named_children())["head"] is new
    net.set_submodule("block.extra", nn.ReLU())  # a new child of an existing parent
    assert "extra" in dict(net.block.named_children())
    with pytest.raises(AttributeError, match="Block has no attribute `other`"):
        net.set_submodule("block.other", nn.ReLU(), strict=True)


PATHS = ["block.fc", "block.nothing", "block.fc.weight", "block.steps", "block.fc.weight.x", "scale", "nope.fc",
         "block.steps.x"]


@pytest.mark.parametrize("method", ["get_submodule", "get_parameter", "get_buffer"])
def test_get_by_path_matches_torch(torch, method):
    ours, theirs = _model(tg), _model(torch)
    for path in PATHS:
        mine = _error(lambda: getattr(ours, method)(path))
        torchs = _error(lambda: getattr(theirs, method)(path))
        assert mine == torchs, (method, path)
        if mine is None:
            found = getattr(ours, method)(path)
            assert found.__class__.__name__ in ("Linear", "Tensor")


def test_set_submodule_errors_match_torch(torch):
    ours, theirs = _model(tg), _model(torch)
    cases = [("", "Linear"), ("scale", "Linear"), ("block.fc", "not a module"), ("block.new", "strict"),
             ("nope.fc", "Linear")]
    for target, what in cases:
        def call(model, lib):
            module = "x" if what == "not a module" else lib.nn.Linear(1, 1)
            return model.set_submodule(target, module, strict=what == "strict")
        assert _error(lambda: call(ours, tg)) == _error(lambda: call(theirs, torch)), target


# ---- walking the tree -------------------------------------------------------------------------

def _names(pairs):
    return [name for name, _ in pairs]


def test_named_members_match_torch(torch):
    ours, theirs = _model(tg), _model(torch)
    for call in (
        lambda m: m.named_modules(),
        lambda m: m.named_modules(remove_duplicate=False),
        lambda m: m.named_modules(prefix="net"),
        lambda m: m.named_modules(set(), "p", False),  # (memo, prefix, remove_duplicate), positionally
        lambda m: m.named_parameters(),
        lambda m: m.named_parameters(prefix="x", remove_duplicate=False),
        lambda m: m.named_parameters(recurse=False),
        lambda m: m.named_buffers(),
        lambda m: m.named_buffers("b", True, False),
        lambda m: m.block.named_buffers(recurse=False),
    ):
        assert _names(call(ours)) == _names(call(theirs))
    assert len(list(ours.modules(remove_duplicate=False))) == len(list(theirs.modules(remove_duplicate=False))) == 5
    assert len(list(ours.parameters(recurse=False))) == 1


def test_memo_holds_the_modules(torch):
    net, theirs = _model(tg), _model(torch)
    memo = {net.block}
    assert _names(net.named_modules(memo)) == ["", "shared", "head"]  # block skipped; its Linear is also "shared"
    assert net in memo and net.head in memo
    assert _names(theirs.named_modules({theirs.block})) == ["", "shared", "head"]


# ---- state dicts ------------------------------------------------------------------------------

def test_state_dict_arguments_match_torch(torch):
    ours, theirs = _model(tg), _model(torch)
    mine, torchs = ours.state_dict(), theirs.state_dict()
    assert isinstance(mine, OrderedDict) and list(mine) == list(torchs)
    assert "block.scratch" not in mine  # a non-persistent buffer is not saved
    assert list(ours.state_dict(prefix="m.")) == list(theirs.state_dict(prefix="m."))
    kept = ours.state_dict(keep_vars=True)
    assert kept["scale"] is ours.scale and mine["scale"] is not ours.scale and not mine["scale"].requires_grad
    target = {"old": 1}
    assert ours.state_dict(destination=target) is target and list(target)[0] == "old"
    with pytest.warns(FutureWarning):
        positional = ours.state_dict(None, "p.")
    with pytest.warns(FutureWarning):
        assert list(positional) == list(theirs.state_dict(None, "p."))


def test_load_state_dict_assign_and_strict(torch):
    ours = _model(tg)
    values = {k: tg.tensor(np.full(v.shape, 2.0, dtype=np.float32)) for k, v in ours.state_dict().items()}
    old_weight = ours.head.weight
    result = ours.load_state_dict(values, assign=True)
    assert result == ([], []) and result.missing_keys == [] and repr(result) == "<All keys matched successfully>"
    assert ours.head.weight is not old_weight and isinstance(ours.head.weight, nn.Parameter)
    assert ours.head.weight.requires_grad and ours.head.weight.dtype == np.float32  # the state dict's dtype
    assert ours.block.steps is values["block.steps"]  # a buffer becomes the state dict's tensor
    theirs = _model(torch)
    their_values = {k: torch.full(v.shape, 2.0) for k, v in theirs.state_dict().items()}
    theirs.load_state_dict(their_values, assign=True)
    assert theirs.block.steps is their_values["block.steps"]  # (what torch does)
    # without assign the values are copied into the same objects
    weight = ours.head.weight
    ours.load_state_dict({k: np.zeros(v.shape) for k, v in ours.state_dict().items()})
    assert ours.head.weight is weight and weight.data.dtype == np.float32 and not weight.data.any()
    missing = ours.load_state_dict({"scale": [5.0], "extra": [1.0]}, strict=False)
    their_missing = theirs.load_state_dict({"scale": torch.tensor([5.0]), "extra": torch.tensor([1.0])},
                                           strict=False)
    assert (missing.missing_keys, missing.unexpected_keys) == (their_missing.missing_keys,
                                                               their_missing.unexpected_keys)
    assert repr(missing) == repr(their_missing)
    with pytest.raises(RuntimeError, match=r"Missing key\(s\)"):
        ours.load_state_dict({"scale": [5.0]})
    with pytest.raises(TypeError):
        ours.load_state_dict([("scale", [1.0])])


def _with_extra_state(lib):
    class Counter(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = lib.nn.Linear(1, 1)
            self.count = 0

        def get_extra_state(self):
            return {"count": self.count}

        def set_extra_state(self, state):
            self.count = state["count"]

    return lib.nn.Sequential(Counter())


def test_extra_state_matches_torch(torch):
    ours, theirs = _with_extra_state(tg), _with_extra_state(torch)
    ours[0].count = theirs[0].count = 7
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["0._extra_state", "0.fc.weight", "0.fc.bias"]
    assert ours.state_dict()["0._extra_state"] == {"count": 7}
    fresh = _with_extra_state(tg)
    fresh.load_state_dict(ours.state_dict())
    assert fresh[0].count == 7
    state = {k: v for k, v in ours.state_dict().items() if k != "0._extra_state"}
    assert fresh.load_state_dict(state, strict=False).missing_keys == ["0._extra_state"]
    plain = nn.Linear(1, 1)  # a module without extra state: the key is unexpected
    key_result = plain.load_state_dict({**plain.state_dict(), "_extra_state": 1}, strict=False)
    assert key_result.unexpected_keys == ["_extra_state"]
    with pytest.raises(RuntimeError):
        plain.get_extra_state()


def test_state_dict_hooks_match_torch(torch):
    def record(lib, model):
        calls = []
        model.block.register_state_dict_pre_hook(lambda m, prefix, keep_vars: calls.append(("pre", prefix, keep_vars)))

        def post(m, state, prefix, meta):
            calls.append(("post", prefix, sorted(k for k in state if k.startswith(prefix))))
            state[prefix + "note"] = 1
        model.block.register_state_dict_post_hook(post)

        def load_pre(m, state, prefix, meta, strict, missing, unexpected, errors):
            calls.append(("load_pre", prefix, strict))
            state.pop(prefix + "note", None)  # e.g. drop or rename an old key
        model.block.register_load_state_dict_pre_hook(load_pre)
        model.register_load_state_dict_post_hook(lambda m, keys: calls.append(("load_post", list(keys[0]))))
        state = model.state_dict(keep_vars=True)
        model.load_state_dict(state)
        return calls, list(state)

    assert record(tg, _model(tg)) == record(torch, _model(torch))
    net = nn.Linear(1, 1)
    net.register_state_dict_post_hook(lambda *args: {})
    with pytest.raises(RuntimeError, match="must return None"):
        net.state_dict()


def test_load_post_hook_may_clear_missing_keys():
    net = nn.Linear(2, 1)
    handle = net.register_load_state_dict_post_hook(lambda m, keys: keys.missing_keys.clear())
    net.load_state_dict({"weight": np.ones((1, 2))})  # bias missing, forgiven by the hook
    assert net.weight.data.tolist() == [[1.0, 1.0]]
    handle.remove()
    with pytest.raises(RuntimeError, match=r"Missing key\(s\)"):
        net.load_state_dict({"weight": np.ones((1, 2))})
    net.register_load_state_dict_pre_hook(lambda m, sd, p, meta, strict, missing, unexpected, errors:
                                          errors.append("refused by the hook"))
    with pytest.raises(RuntimeError, match="refused by the hook"):
        net.load_state_dict(net.state_dict())


def test_buffer_marker_matches_torch(torch):
    for lib in (tg, torch):
        m = lib.nn.Module() if lib is torch else nn.Module()
        make = lib.nn.Buffer if lib is torch else Buffer
        m.kept = make(lib.ones(2))
        m.skipped = make(lib.zeros(1), persistent=False)
        m.plain = lib.ones(1)  # an ordinary tensor attribute is not a buffer
        assert [n for n, _ in m.named_buffers()] == ["kept", "skipped"]
        assert list(m.state_dict()) == ["kept"]
        assert type(m.kept) is (lib.Tensor if lib is tg else torch.Tensor)
        assert isinstance(m.kept, make) and not isinstance(m.plain, make)


def test_to_empty_share_memory_and_type(torch):
    net = _model(tg)
    assert net.to_empty(device="cpu") is net and net.share_memory() is net
    with pytest.raises(RuntimeError, match="cuda"):
        net.to_empty(device="cuda")
    theirs = _model(torch)
    assert net.type(tg.float32) is net
    theirs.type(torch.float32)
    assert net.head.weight.dtype == np.float32 and net.block.steps.dtype == np.float32
    net.type("torch.DoubleTensor")
    assert net.head.weight.dtype == np.float64
    with pytest.raises(RuntimeError):
        net.type(tg.int64)
    with pytest.raises(RuntimeError):
        theirs.type(torch.int64)


# ---- backward hooks ---------------------------------------------------------------------------

def test_full_backward_hook_by_hand():
    lin = nn.Linear(3, 2)
    seen = []
    lin.register_full_backward_hook(lambda m, gin, gout: seen.append((m, gin, gout)))
    x = tg.randn(4, 3, requires_grad=True)
    lin(x).sum().backward()
    (module, grad_input, grad_output), = seen
    assert module is lin and len(grad_input) == 1 and len(grad_output) == 1
    np.testing.assert_allclose(grad_output[0].data, np.ones((4, 2)))
    np.testing.assert_allclose(grad_input[0].data, np.ones((4, 2)) @ lin.weight.data)  # dL/dx = g W
    np.testing.assert_allclose(x.grad.data, grad_input[0].data)


def test_hooks_replace_gradients():
    lin = nn.Linear(3, 2)
    lin.register_full_backward_pre_hook(lambda m, gout: (gout[0] * 2,))
    lin.register_full_backward_hook(lambda m, gin, gout: (gin[0] + 1,))
    x = tg.randn(4, 3, requires_grad=True)
    lin(x).sum().backward()
    np.testing.assert_allclose(x.grad.data, 2 * np.ones((4, 2)) @ lin.weight.data + 1)
    np.testing.assert_allclose(lin.weight.grad.data, 2 * np.ones((2, 4)) @ x.data)  # the pre-hook's grad_output
    with pytest.raises(RuntimeError, match="invalid number of grad_input, got 2, but expected 1"):
        lin.register_full_backward_hook(lambda m, gin, gout: (None, None))
        lin(x).sum().backward()


class _TwoInputs:
    @staticmethod
    def make(lib):
        class Mix(lib.nn.Module):
            def forward(self, a, scale, b):
                return a * b * scale, (a - b).exp()
        return Mix()


@pytest.mark.parametrize("a_grad,b_grad", [(True, True), (True, False), (False, True)])
def test_full_backward_hooks_match_torch(torch, rng, a_grad, b_grad):
    results = []
    a0, b0 = rng.standard_normal(3), rng.standard_normal(3)
    for lib in (tg, torch):
        mix = _TwoInputs.make(lib)
        calls = []
        mix.register_full_backward_pre_hook(lambda m, gout: calls.append(("pre", gout)))
        mix.register_full_backward_hook(lambda m, gin, gout: calls.append(("full", gin, gout)))
        a = lib.tensor(a0, requires_grad=a_grad)
        b = lib.tensor(b0, requires_grad=b_grad)
        first, second = mix(a, 2.0, b)
        (first.sum() * 3 + second.sum()).backward()
        results.append((calls, a.grad, b.grad))

    def as_lists(values):
        return [None if v is None else np.asarray(v.detach().numpy() if hasattr(v, "detach") else v.data)
                for v in values]

    (mine, a_mine, b_mine), (torchs, a_torch, b_torch) = results
    assert [c[0] for c in mine] == [c[0] for c in torchs] == ["pre", "full"]
    for ours_call, torch_call in zip(mine, torchs):
        for ours_grads, torch_grads in zip(ours_call[1:], torch_call[1:]):
            ours_grads, torch_grads = as_lists(ours_grads), as_lists(torch_grads)
            assert [g is None for g in ours_grads] == [g is None for g in torch_grads]
            for g, t in zip(ours_grads, torch_grads):
                if g is not None:
                    np.testing.assert_allclose(g, t, rtol=1e-12)
    for g, t in ((a_mine, a_torch), (b_mine, b_torch)):
        assert (g is None) == (t is None)
        if g is not None:
            np.testing.assert_allclose(g.data, t.numpy(), rtol=1e-12)


def test_hook_when_no_input_requires_grad(torch):
    for lib in (tg, torch):
        lin = lib.nn.Linear(3, 2)
        seen = []
        lin.register_full_backward_hook(lambda m, gin, gout: seen.append((gin, gout[0].shape)))
        with pytest.warns(UserWarning, match="no inputs require gradients"):
            lin(lib.ones(4, 3)).sum().backward()
        assert seen[0][0] == (None,) and tuple(seen[0][1]) == (4, 2)


def test_hook_handles_order_and_misuse():
    lin = nn.Linear(2, 2)
    order = []
    first = lin.register_full_backward_hook(lambda m, gin, gout: order.append("first"))
    lin.register_full_backward_hook(lambda m, gin, gout: order.append("second"))
    lin.register_full_backward_hook(lambda m, gin, gout: order.append("prepended"), prepend=True)
    x = tg.ones(1, 2, requires_grad=True)
    lin(x).sum().backward()
    assert order == ["prepended", "first", "second"]
    first.remove()
    order.clear()
    lin(x).sum().backward()
    assert order == ["prepended", "second"]
    with pytest.raises(RuntimeError, match="Cannot use both regular backward hooks and full backward hooks"):
        with pytest.warns(FutureWarning):
            lin.register_backward_hook(lambda m, gin, gout: None)
    old_style = nn.Linear(2, 2)
    with pytest.warns(FutureWarning, match="register_full_backward_hook"):
        old_style.register_backward_hook(lambda m, gin, gout: order.append("old"))
    old_style(x).sum().backward()
    assert order[-1] == "old"
    with tg.no_grad():  # nothing is recorded, nothing is called
        lin(x)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nn.Linear(2, 2)(x)  # no hooks: the plain path
