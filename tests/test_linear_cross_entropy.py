"""F.linear_cross_entropy, nn.LinearCrossEntropyLoss and nn.LinearCrossEntropyOptions: values and
gradients against PyTorch's (float64, 1e-10), and known values, errors and options without it."""
import dataclasses
import math
import re
import warnings

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F

N, IN, C = 5, 3, 4


def _case(out_features, target_kind, batched, seed=0):
    """input, linear weight, bias, class weight and target as numpy arrays."""
    rng = np.random.default_rng(seed)
    batch = (N,) if batched else ()
    x = rng.standard_normal((*batch, IN))
    w = rng.standard_normal((C, *out_features, IN))
    b = rng.standard_normal((C, *out_features))
    cw = rng.uniform(0.5, 2.0, C)
    if target_kind == "indices":
        t = rng.integers(0, C, (*batch, *out_features))
        if batched:
            t.reshape(-1)[:2] = [2, -100]  # class 2 (ignored when ignore_index=2) and the default ignore
    else:
        t = rng.uniform(0.0, 1.0, (*batch, C, *out_features))
        t /= t.sum(axis=len(batch), keepdims=True)
    return x, w, b, cw, t


CASES = [((), "indices", True), ((), "probs", True), ((4, 3), "indices", True), ((4, 3), "probs", True),
         ((), "indices", False), ((), "probs", False)]


@pytest.mark.parametrize("out_features,target_kind,batched", CASES)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("extra", [{}, {"bias": True}, {"weight": True, "bias": True}, {"label_smoothing": 0.2},
                                   {"ignore_index": 2, "weight": True}, {"label_smoothing": 0.3, "weight": True}])
def test_values_and_gradients_match_torch(out_features, target_kind, batched, reduction, extra):
    torch = pytest.importorskip("torch")
    if "ignore_index" in extra and target_kind == "probs":
        pytest.skip("ignore_index is refused with probabilities (tested below)")
    x, w, b, cw, t = _case(out_features, target_kind, batched)
    kwargs = {"reduction": reduction}
    if "ignore_index" in extra:
        kwargs["ignore_index"] = extra["ignore_index"]
        t[t == -100] = extra["ignore_index"]  # -100 is then an index out of range
    if "label_smoothing" in extra:
        kwargs["label_smoothing"] = extra["label_smoothing"]

    ours = [tg.tensor(a, requires_grad=True) for a in (x, w, b)]
    theirs = [torch.tensor(a, requires_grad=True) for a in (x, w, b)]
    loss = F.linear_cross_entropy(ours[0], ours[1], tg.tensor(t), linear_bias=ours[2] if extra.get("bias") else None,
                                  weight=tg.tensor(cw) if extra.get("weight") else None, **kwargs)
    expected = torch.nn.functional.linear_cross_entropy(
        theirs[0], theirs[1], torch.tensor(t), linear_bias=theirs[2] if extra.get("bias") else None,
        weight=torch.tensor(cw) if extra.get("weight") else None, **kwargs)
    assert loss.shape == tuple(expected.shape) and loss.dtype == np.float64
    np.testing.assert_allclose(loss.numpy(), expected.detach().numpy(), rtol=1e-10, atol=1e-10)
    seed = np.random.default_rng(1).standard_normal(loss.shape)  # a non-uniform upstream gradient
    loss.backward(tg.tensor(seed))
    expected.backward(torch.tensor(seed))
    for mine, ref in zip(ours, theirs):
        if ref.grad is None:
            assert mine.grad is None
        else:
            np.testing.assert_allclose(mine.grad.numpy(), ref.grad.numpy(), rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("out_features,bias,weight", [((), False, False), ((4, 3), True, True), ((2,), True, False)])
def test_module_matches_torch_with_its_state_dict(out_features, bias, weight):
    torch = pytest.importorskip("torch")
    cw = np.linspace(0.5, 2.0, C)
    theirs = torch.nn.LinearCrossEntropyLoss(IN, C, out_features=out_features, bias=bias, dtype=torch.float64,
                                             weight=torch.tensor(cw) if weight else None, label_smoothing=0.1)
    ours = nn.LinearCrossEntropyLoss(IN, C, out_features=out_features, bias=bias, dtype=tg.float64,
                                     weight=tg.tensor(cw) if weight else None, label_smoothing=0.1)
    state = {k: v.detach().numpy() for k, v in theirs.state_dict().items()}
    assert list(ours.state_dict()) == list(state)
    assert {k: tuple(v.shape) for k, v in ours.state_dict().items()} == {k: v.shape for k, v in state.items()}
    ours.load_state_dict({k: tg.tensor(v) for k, v in state.items()})
    assert repr(ours) == repr(theirs)
    x, _, _, _, t = _case(out_features, "indices", True)
    expected = theirs(torch.tensor(x), torch.tensor(t))
    loss = ours(tg.tensor(x), tg.tensor(t))
    np.testing.assert_allclose(loss.item(), expected.item(), rtol=1e-10)
    loss.backward()
    expected.backward()
    for (name, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters()):
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-10, atol=1e-12, err_msg=name)


def test_errors_have_torch_types():
    torch = pytest.importorskip("torch")
    calls = [((2, 2, 3), (4, 3), (2,), {}), ((2, 3), (4,), (2,), {}), ((2, 3), (4, 5), (2,), {}),
             ((2, 3), (4, 3), (2,), {"bias": (5,)}), ((3,), (4, 2, 3), (2,), {}),
             ((2, 3), (4, 3), (2, 4), {"probs": True, "ignore_index": -100})]
    for x_shape, w_shape, t_shape, kw in calls:
        t = np.full(t_shape, 0.25) if kw.get("probs") else np.zeros(t_shape, dtype=np.int64)
        extra = {"ignore_index": kw["ignore_index"]} if "ignore_index" in kw else {}
        bias = np.zeros(kw["bias"]) if "bias" in kw else None
        with pytest.raises(Exception) as theirs:
            torch.nn.functional.linear_cross_entropy(
                torch.zeros(x_shape), torch.zeros(w_shape), torch.tensor(t),
                linear_bias=None if bias is None else torch.tensor(bias, dtype=torch.float32), **extra)
        with pytest.raises(type(theirs.value)) as ours:
            F.linear_cross_entropy(tg.zeros(x_shape, dtype=tg.float32), tg.zeros(w_shape, dtype=tg.float32),
                                   tg.tensor(t), linear_bias=None if bias is None else tg.tensor(bias), **extra)
        assert "linear_cross_entropy" in str(ours.value)


def test_equal_logits_give_log_of_the_class_count():
    x, w = tg.ones(3, 2), tg.zeros(7, 2)
    assert abs(F.linear_cross_entropy(x, w, tg.tensor([0, 6, 3])).item() - math.log(7)) < 1e-12
    assert abs(F.linear_cross_entropy(tg.ones(2), w, tg.tensor(4)).item() - math.log(7)) < 1e-12


def test_is_cross_entropy_of_the_linear_logits_with_k_dims():
    x, w, b, cw, t = _case((4, 3), "indices", True)
    x, w, b = (tg.tensor(a, requires_grad=True) for a in (x, w, b))
    loss = F.linear_cross_entropy(x, w, tg.tensor(t), linear_bias=b, weight=tg.tensor(cw), label_smoothing=0.1)
    logits = np.einsum("ni,cjki->ncjk", x.numpy(), w.numpy()) + b.numpy()   # (N, C, 4, 3)
    expected = F.cross_entropy(tg.tensor(logits), tg.tensor(t), weight=tg.tensor(cw), label_smoothing=0.1)
    assert abs(loss.item() - expected.item()) < 1e-12
    assert tg.gradcheck(lambda x, w, b: F.linear_cross_entropy(x, w, tg.tensor(t), linear_bias=b), (x, w, b))
    assert tg.gradgradcheck(lambda x, w: F.linear_cross_entropy(x, w, tg.tensor(t)), (x, w))


def test_shape_errors_name_the_shapes():
    with pytest.raises(RuntimeError, match="dimensionality 1 or 2, got 3"):
        F.linear_cross_entropy(tg.zeros(1, 2, 3), tg.zeros(4, 3), tg.tensor([0]))
    with pytest.raises(ValueError, match=re.escape("got 3 and 5")):
        F.linear_cross_entropy(tg.zeros(2, 3), tg.zeros(4, 5), tg.tensor([0, 1]))
    with pytest.raises(RuntimeError, match=re.escape("expected linear_bias shape (4, 2), got (4,)")):
        F.linear_cross_entropy(tg.zeros(2, 3), tg.zeros(4, 2, 3), tg.zeros(2, 2, dtype=tg.int64),
                               linear_bias=tg.zeros(4))
    with pytest.raises(RuntimeError, match="requires batched input"):
        F.linear_cross_entropy(tg.zeros(3), tg.zeros(4, 2, 3), tg.zeros(2, dtype=tg.int64))
    with pytest.raises(RuntimeError, match="ignore_index cannot be specified"):
        F.linear_cross_entropy(tg.zeros(2, 3), tg.zeros(4, 3), tg.full((2, 4), 0.25), ignore_index=-100)
    with pytest.raises(TypeError, match="must be Tensors"):
        F.linear_cross_entropy(np.zeros((2, 3)), tg.zeros(4, 3), tg.tensor([0, 1]))


def test_module_checks_weight_and_label_smoothing():
    with pytest.raises(RuntimeError, match=re.escape("weight shape to be (4,), got (3,)")):
        nn.LinearCrossEntropyLoss(3, 4, weight=tg.ones(3))
    with pytest.raises(RuntimeError, match="label_smoothing to be in range"):
        nn.LinearCrossEntropyLoss(3, 4, label_smoothing=1.5)
    m = nn.LinearCrossEntropyLoss(3, 4, out_features=(2, 5), bias=True)
    assert m.linear.weight.shape == (40, 3) and m.linear.bias.shape == (40,)
    assert m(tg.randn(6, 3), tg.randint(0, 4, (6, 2, 5)), ).shape == ()


@pytest.mark.parametrize("kwargs,message", [
    ({"acc_policy": "fast"}, "invalid acc_policy: 'fast'"),
    ({"chunking_method": "rows"}, "invalid chunking_method: 'rows'"),
    ({"chunking_method": "aspect_ratio:0"}, "invalid chunking_method"),
    ({"batch_chunk_size": 0}, "batch_chunk_size must be positive int or None, got 0"),
    ({"batch_chunk_size": 2.0}, "got 2.0"),
    ({"acc_dtype": tg.int64}, "acc_dtype must be one of"),
])
def test_options_are_validated_as_torch_does(kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        nn.LinearCrossEntropyOptions(**kwargs)


def test_options_defaults_repr_and_frozen():
    torch = pytest.importorskip("torch")
    assert repr(nn.LinearCrossEntropyOptions()) == repr(torch.nn.LinearCrossEntropyOptions())
    assert [f.name for f in dataclasses.fields(nn.LinearCrossEntropyOptions)] == \
        [f.name for f in dataclasses.fields(torch.nn.LinearCrossEntropyOptions)]
    with pytest.raises(dataclasses.FrozenInstanceError):
        nn.LinearCrossEntropyOptions().acc_policy = "compact"
    assert nn.LinearCrossEntropyOptions(acc_dtype=tg.float32).acc_dtype == tg.float32


def test_options_do_not_change_the_numbers_and_allow_a_second_backward():
    x, w, _, _, t = _case((), "indices", True)
    x, w = tg.tensor(x, requires_grad=True), tg.tensor(w)
    reference = F.linear_cross_entropy(x, w, tg.tensor(t))
    options = nn.LinearCrossEntropyOptions(batch_chunk_size=2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a chunkable call: no fallback warning
        loss = F.linear_cross_entropy(x, w, tg.tensor(t), options=options)
    assert loss.item() == reference.item()
    loss.backward(retain_graph=True)
    first = x.grad.numpy().copy()
    loss.backward()  # (PyTorch's chunked path refuses this unless allow_retain_graph=True)
    np.testing.assert_allclose(x.grad.numpy(), 2 * first)


def test_options_fallback_warning_and_chunk_size_conflict():
    x, w, t = tg.randn(8, 3), tg.randn(4, 3), tg.randint(0, 4, (8,))
    with pytest.warns(UserWarning, match="``options`` ignored.*label_smoothing=0.1"):
        F.linear_cross_entropy(x, w, t, label_smoothing=0.1, options=nn.LinearCrossEntropyOptions())
    # aspect_ratio: ceil(8 / ceil(4 / 3)) = 4 rows per chunk, which contradicts 3
    bad = nn.LinearCrossEntropyOptions(batch_chunk_size=3, chunking_method="aspect_ratio")
    with pytest.raises(ValueError, match=re.escape("give different chunk sizes (3 vs 4)")):
        F.linear_cross_entropy(x, w, t, options=bad)
    good = nn.LinearCrossEntropyOptions(batch_chunk_size=4, chunking_method="aspect_ratio")
    assert F.linear_cross_entropy(x, w, t, options=good).item() == F.linear_cross_entropy(x, w, t).item()


def test_options_checks_match_torch():
    torch = pytest.importorskip("torch")
    for n, size, method in [(8, 3, "aspect_ratio"), (8, 4, "aspect_ratio"), (40, 2, "aspect_ratio:4"),
                            (40, 3, "aspect_ratio:4"), (7, 5, "auto"), (16, 1, "aspect_ratio:2")]:
        x, w, t = np.ones((n, 3)), np.ones((10, 3)), np.zeros(n, dtype=np.int64)
        outcome = []
        for lib, mod in ((torch, torch.nn), (tg, nn)):
            try:
                lib_F = torch.nn.functional if lib is torch else F
                lib_F.linear_cross_entropy(lib.tensor(x), lib.tensor(w), lib.tensor(t),
                                           options=mod.LinearCrossEntropyOptions(batch_chunk_size=size,
                                                                                 chunking_method=method))
                outcome.append(None)
            except ValueError as err:
                outcome.append(str(err))
        assert outcome[0] == outcome[1], (n, size, method)


def test_docstring_example_runs():
    tg.manual_seed(283)
    loss = nn.LinearCrossEntropyLoss(5, 10, out_features=(4, 3))
    input = tg.randn(2, 5, requires_grad=True)
    target = tg.randint(0, 10, (2, 4, 3))
    output = loss(input, target)
    output.backward()
    assert input.grad.shape == (2, 5) and loss.linear.weight.grad.shape == (120, 5)
    input = tg.randn(2, 5, requires_grad=True)
    target = tg.randn(2, 10, 4, 3).softmax(dim=1)
    loss(input, target).backward()
    assert np.isfinite(input.grad.numpy()).all()
