"""tg.autobatch: the same code with and without it gives the same values and gradients (1e-12 in
float64), for every op rule, SPINN, a recursive Tree-LSTM and control flow that reads values; and
the batched graph keeps working with hooks, create_graph, detect_anomaly, gradcheck and pictures."""
from __future__ import annotations

import contextlib
import importlib
import threading
import zlib

import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F
from tinygrad_edu.autobatch import Pending
from tinygrad_edu.autograd.function import edge_source
from tinygrad_edu.nn.tree import SplitRows

recorder_module = importlib.import_module("tinygrad_edu.autobatch.recorder")
rules_module = importlib.import_module("tinygrad_edu.autobatch.rules")

TOL = 1e-12


@pytest.fixture(autouse=True)
def strict(monkeypatch):
    """A batched call that fails is a bug here, not a reason to fall back to one by one."""
    monkeypatch.setattr(recorder_module, "STRICT", True)


def tensor(rng, *shape, requires_grad=True, positive=False):
    data = rng.uniform(0.5, 2.0, shape) if positive else rng.standard_normal(shape)
    return tg.tensor(data, requires_grad=requires_grad)


def run(fn, examples, leaves, batched, strategy="agenda"):
    """Outputs of fn on every example, and the gradients of the leaves for a fixed weighting."""
    for leaf in leaves:
        leaf.grad = None
    context = tg.autobatch(strategy) if batched else contextlib.nullcontext()
    with context as ab:
        outs = [fn(*example) for example in examples]
    flat = [o for out in outs for o in (out if isinstance(out, tuple) else (out,))]
    values = [o.numpy().copy() for o in flat]
    weights = [tg.tensor(np.cos(np.arange(o.numel()) + 0.5).reshape(o.shape)) for o in flat]
    tg.stack([(o * w).sum() for o, w in zip(flat, weights)]).sum().backward()
    grads = [None if leaf.grad is None else leaf.grad.numpy().copy() for leaf in leaves]
    return values, grads, (ab.recorder if batched else None)


def assert_same(fn, examples, leaves, min_groups=1, strategy="agenda"):
    values, grads, _ = run(fn, examples, leaves, False)
    values_b, grads_b, recorder = run(fn, examples, leaves, True, strategy)
    assert len(values) == len(values_b)
    for v, w in zip(values, values_b):
        assert v.shape == w.shape and v.dtype == w.dtype
        np.testing.assert_allclose(w, v, rtol=0, atol=TOL)
    for g, h in zip(grads, grads_b):
        assert (g is None) == (h is None)
        if g is not None:
            np.testing.assert_allclose(h, g, rtol=0, atol=TOL)
    assert recorder.groups_run >= min_groups, "nothing was batched"
    return recorder


# ---- every rule: several examples of the same op, batched, equal to one at a time ------------
def _cases():
    c = []
    add = c.append
    # elementwise, with shared operands of lower and higher rank than the examples' own
    for name, op in [("add", lambda a, b: a + b), ("sub", lambda a, b: a - b), ("mul", lambda a, b: a * b),
                     ("div", lambda a, b: a / b), ("maximum", tg.maximum), ("minimum", tg.minimum)]:
        add((f"{name} per-example", op, [(2, 3), (2, 3)], []))
        add((f"{name} shared row", op, [(2, 3)], [(3,)]))
        add((f"{name} shared higher rank", lambda x, s, op=op: op(s, x), [(2, 3)], [(4, 2, 3)]))
    add(("pow", lambda a, b: a ** b, [("pos", 2, 3), (2, 3)], []))
    add(("scalar literals", lambda x: 1 - 2 * x / 3, [(2, 3)], []))
    add(("where", lambda x, y: tg.where(x > 0, x, y), [(3, 2), (3, 2)], []))
    for name in ["neg", "exp", "sqrt", "log", "abs", "sin", "cos", "tanh", "sigmoid", "relu", "clone"]:
        positive = name in ("sqrt", "log")
        add((name, lambda x, name=name: getattr(x, name)() if name != "neg" else -x,
             [("pos" if positive else "", 2, 3)], []))
    add(("clamp", lambda x: x.clamp(-0.5, 0.7), [(3, 4)], []))
    add(("cast", lambda x: x.to(np.float32).to(np.float64) * 1.0, [(3,)], []))
    # reductions (dims shift by one)
    add(("sum dim", lambda x: x.sum(1), [(2, 3)], []))
    add(("sum all", lambda x: x.sum(), [(2, 3)], []))
    add(("mean keepdim", lambda x: x.mean((0, 1), keepdim=True), [(2, 3)], []))
    add(("amax", lambda x: x.amax(1), [(2, 3)], []))
    add(("amin", lambda x: x.amin(0), [(2, 3)], []))
    add(("max", lambda x: x.max(), [(2, 3)], []))
    add(("logsumexp", lambda x: x.logsumexp(1), [(2, 3)], []))
    add(("std", lambda x: x.std(1), [(2, 3)], []))
    add(("var", lambda x: x.var(0, unbiased=False), [(2, 3)], []))
    # shape ops
    add(("reshape", lambda x: x.reshape(3, 2), [(2, 3)], []))
    add(("reshape -1", lambda x: x.reshape(-1), [(2, 3)], []))
    add(("flatten", lambda x: x.flatten(), [(2, 3, 2)], []))
    add(("squeeze unsqueeze", lambda x: x.unsqueeze(0).squeeze(1), [(2, 1, 3)], []))
    add(("permute", lambda x: x.permute(2, 0, 1), [(2, 3, 4)], []))
    add(("transpose", lambda x: x.transpose(0, 1), [(2, 3)], []))
    add(("T", lambda x: x.T, [(2, 3)], []))
    add(("expand", lambda x: x.expand(4, 2, 3), [(2, 1)], []))
    add(("cat dim 1", lambda x, y: tg.cat([x, y], 1), [(2, 3), (2, 1)], []))
    add(("cat dim 0", lambda x, y: tg.cat([x, y]), [(2, 3), (1, 3)], []))
    add(("stack", lambda x, y: tg.stack([x, y], 1), [(2, 3), (2, 3)], []))
    add(("chunk", lambda x: x.chunk(2, 1), [(2, 4)], []))
    add(("split", lambda x: x.split([1, 2]), [(3, 2)], []))
    # indexing
    add(("getitem int", lambda x: x[1], [(3, 2)], []))
    add(("getitem slice", lambda x: x[1:3], [(4, 2)], []))
    add(("getitem negative", lambda x: x[-1], [(4, 2)], []))
    add(("getitem columns", lambda x: x[:, 1:3], [(2, 4)], []))
    add(("getitem same array index", lambda x: x[[0, 2, 2]], [(3, 2)], []))
    add(("getitem ellipsis", lambda x: x[..., 0], [(2, 3)], []))
    add(("getitem None", lambda x: x[None, 1], [(2, 3)], []))
    # matrix products
    add(("matmul shared matrix", lambda x, w: x @ w, [(2, 3)], [(3, 4)]))
    add(("matmul shared left", lambda x, w: w @ x, [(3, 2)], [(4, 3)]))
    add(("matmul per-example", lambda x, y: x @ y, [(2, 3), (3, 2)], []))
    add(("matmul vector", lambda x, v: x @ v, [(2, 3)], [(3,)]))
    add(("linear", lambda x, w, b: F.linear(x, w, b), [(2, 3)], [(4, 3), (4,)]))
    add(("linear no bias", lambda x, w: F.linear(x, w), [(1, 3)], [(4, 3)]))
    # losses
    add(("mse_loss", lambda x, y: F.mse_loss(x, y), [(2, 3), (2, 3)], []))
    add(("binary_cross_entropy", lambda x: F.binary_cross_entropy(x.sigmoid(), x.sigmoid().detach() * 0 + 0.3),
         [(2, 3)], []))
    add(("SplitRows", lambda x: SplitRows.apply(x, [1, 2]), [(3, 2)], []))
    return c


CASES = _cases()


def _inputs(rng, specs):
    out = []
    for spec in specs:
        if spec and spec[0] == "pos":
            out.append(tensor(rng, *spec[1:], positive=True))
        elif spec and spec[0] == "":
            out.append(tensor(rng, *spec[1:]))
        else:
            out.append(tensor(rng, *spec))
    return out


@pytest.mark.parametrize("name, fn, example_specs, shared_specs", CASES, ids=[c[0] for c in CASES])
def test_rule_gives_the_same_values_and_gradients(name, fn, example_specs, shared_specs):
    rng = np.random.default_rng(zlib.crc32(name.encode()))  # (not hash(): it changes per process)
    shared = _inputs(rng, shared_specs)
    examples = [_inputs(rng, example_specs) + shared for _ in range(4)]
    leaves = [t for ex in examples for t in ex[:len(example_specs)]] + shared
    assert_same(fn, examples, leaves)


@pytest.mark.parametrize("strategy", ["agenda", "depth"])
def test_rows_rules_with_different_row_counts(strategy):
    rng = np.random.default_rng(1)
    w, b = tensor(rng, 5, 3), tensor(rng, 5)
    xs = [tensor(rng, n, 3) for n in (1, 3, 2, 4)]
    assert_same(lambda x: F.linear(x, w, b).tanh()[:, 1:4], [(x,) for x in xs], xs + [w, b],
                strategy=strategy)
    assert_same(lambda x: x[1:], [(x,) for x in xs[1:]], xs[1:])  # gathered rows
    assert_same(lambda x: SplitRows.apply(x, [1] * x.shape[0]), [(x,) for x in xs], xs)


def test_embedding_lookups_of_single_words_are_one_gather():
    rng = np.random.default_rng(2)
    table = tensor(rng, 10, 4)
    words = [np.array([i]) for i in (3, 1, 3, 7, 0)]
    recorder = assert_same(lambda idx: F.embedding(idx, table).sigmoid(), [(i,) for i in words], [table])
    assert recorder.groups_run == 2  # one gather (TakeRows) and one sigmoid, for all five words


def test_fused_cells_and_cross_entropy():
    rng = np.random.default_rng(3)
    tg.manual_seed(3)
    lstm = nn.LSTMCell(3, 4, dtype=np.float64)
    tree = nn.TreeLSTMCell(4, tracker_size=2, dtype=np.float64)
    head = nn.Linear(4, 5, dtype=np.float64)
    params = list(lstm.parameters()) + list(tree.parameters()) + list(head.parameters())

    def model(x, h, c, t, label, reduction):
        h1, c1 = lstm(x, (h, c))
        h2, c2 = tree((h1, c1), (h, c), t)
        return F.cross_entropy(head(h2), label, reduction=reduction), c2

    for reduction in ("mean", "sum", "none"):
        examples = [(tensor(rng, n, 3), tensor(rng, n, 4), tensor(rng, n, 4), tensor(rng, n, 2),
                     tg.tensor(rng.integers(0, 5, n)), reduction) for n in (1, 1, 2, 1)]
        leaves = params + [t for ex in examples for t in ex[:4]]
        assert_same(model, examples, leaves)


def test_tree_cell_compose_on_joined_states():
    """cell.compose on [h | c] states (what SPINN's stack holds): one batched call for all."""
    rng = np.random.default_rng(4)
    tg.manual_seed(4)
    cells = [nn.TreeLSTMCell(3, dtype=np.float64), nn.TreeLSTMCell(3, tracker_size=2, dtype=np.float64)]
    for cell in cells:
        def model(left, right, t, cell=cell):
            return cell.compose(left, right, t if cell.track is not None else None)

        examples = [(tensor(rng, n, 6), tensor(rng, n, 6), tensor(rng, n, 2)) for n in (1, 2, 1, 3)]
        leaves = list(cell.parameters()) + [t for ex in examples for t in ex]
        recorder = assert_same(model, examples, leaves)
        assert recorder.groups_run == 1 and recorder.batched_ops == 4


def test_two_tree_cells_in_one_block_batch_apart():
    """A composition is one waiting call keyed by its cell's weights: calls of two cells (and of
    one cell with and without a tracker) never share a batch, and each gets its own gradients."""
    rng = np.random.default_rng(5)
    tg.manual_seed(5)
    cells = [nn.TreeLSTMCell(3, dtype=np.float64), nn.TreeLSTMCell(3, tracker_size=2, dtype=np.float64)]
    params = [p for cell in cells for p in cell.parameters()]

    def model(h, c, t, k):
        h2, c2 = cells[k]((h, c), (h * 2, c), t if k else None)
        return (h2 * c2).sum()

    examples = [(tensor(rng, n, 3), tensor(rng, n, 3), tensor(rng, n, 2), k) for n, k in
                [(1, 0), (2, 1), (1, 1), (1, 0), (3, 0)]]
    recorder = assert_same(model, examples, params + [t for ex in examples for t in ex[:3]])
    assert recorder.groups_run >= 2


# ---- models -------------------------------------------------------------------------------------
@pytest.mark.parametrize("tracker", [None, 3])
def test_spinn_one_at_a_time_under_autobatch_equals_eager(tracker):
    from tinygrad_edu.data import parse_binary_tree

    trees = [parse_binary_tree(s) for s in
             ["( ( a b ) ( c d ) )", "( x ( y z ) )", "w", "( ( ( a b ) c ) d )", "( p q )"]]
    tg.manual_seed(4)
    encoder = nn.SPINN(embed_size=3, hidden_size=4, tracker_size=tracker, dtype=np.float64)
    embeddings = [tg.randn(len(words), 3, dtype=np.float64, requires_grad=True) for words, _ in trees]
    transitions = [t for _, t in trees]
    leaves = list(encoder.parameters()) + embeddings
    assert_same(lambda: encoder(embeddings, transitions, batched=False), [()], leaves)
    # and the hand-batched path agrees with both
    eager = encoder(embeddings, transitions, batched=False).numpy()
    np.testing.assert_allclose(encoder(embeddings, transitions, batched=True).numpy(), eager, atol=1e-10)


def random_tree(rng, n):
    if n == 1:
        return int(rng.integers(0, 12))
    k = int(rng.integers(1, n))
    return (random_tree(rng, k), random_tree(rng, n - k))


@pytest.mark.parametrize("strategy", ["agenda", "depth"])
def test_recursive_tree_lstm_on_random_trees_of_mixed_sizes(strategy):
    rng = np.random.default_rng(5)
    tg.manual_seed(5)
    H = 4
    embed = nn.Embedding(12, H, dtype=np.float64)
    cell = nn.TreeLSTMCell(H, dtype=np.float64)
    head = nn.Linear(H, 3, dtype=np.float64)
    zero = tg.zeros(1, H, dtype=np.float64)

    def encode(tree):
        if isinstance(tree, int):
            return embed(tg.tensor([tree])), zero
        return cell(encode(tree[0]), encode(tree[1]))

    def loss(tree, label):
        return F.cross_entropy(head(encode(tree)[0]), tg.tensor([label]))

    examples = [(random_tree(rng, int(n)), int(rng.integers(0, 3))) for n in rng.integers(1, 12, 8)]
    params = list(embed.parameters()) + list(cell.parameters()) + list(head.parameters())
    recorder = assert_same(loss, examples, params, strategy=strategy)
    assert recorder.groups_run < recorder.ops_run / 3  # most calls ran in batches


def test_control_flow_that_reads_values_still_works():
    rng = np.random.default_rng(6)
    w = tensor(rng, 3)
    xs = [tensor(rng, 3) for _ in range(6)]

    def model(x):
        h = (x * w).tanh()
        if h.sum().item() > 0:  # reading a value computes what is pending, then recording goes on
            return (h * 2).sigmoid()
        return (h - 1).sigmoid() * 3

    assert_same(model, [(x,) for x in xs], xs + [w], min_groups=0)


# ---- laziness -------------------------------------------------------------------------------------
def test_values_are_lazy_until_read():
    x = tg.tensor([[1.0, 2.0]], requires_grad=True)
    with tg.autobatch() as ab:
        y = (x * 3).tanh()
        assert isinstance(y.data, Pending) and y.shape == (1, 2) and y.dtype == np.float64
        assert not y.is_leaf and y.requires_grad
        assert len(ab.recorder.pending) == 2
        z = y.sum()
        assert z.item() == pytest.approx(np.tanh(3) + np.tanh(6))  # reading computes everything
        assert isinstance(y.data, np.ndarray) and not ab.recorder.pending
        w = y * 2
        assert isinstance(w.data, Pending)
    assert isinstance(w.data, np.ndarray)  # leaving the block computes the rest
    np.testing.assert_allclose(w.numpy(), 2 * np.tanh([[3.0, 6.0]]))


@pytest.mark.parametrize("read", [
    lambda t: t.tolist(), lambda t: t.numpy().sum(), lambda t: np.asarray(t), lambda t: bool(t[0, 0]),
    lambda t: repr(t), lambda t: str(t), lambda t: float(t.sum()), lambda t: t.data + 1,
    lambda t: t.data.reshape(-1), lambda t: t.detach().data * 2, lambda t: (t > 0).any(),
])
def test_every_way_of_reading_computes(read):
    x = tg.tensor([[1.0, -2.0]], requires_grad=True)
    with tg.autobatch():
        y = x * 3
        read(y)
        assert isinstance(y.data, np.ndarray)
        np.testing.assert_allclose(y.numpy(), [[3.0, -6.0]])


def test_backward_and_grad_inside_the_block_compute_first():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    with tg.autobatch():
        y = (x * x).sum()
        y.backward()
        np.testing.assert_allclose(x.grad.numpy(), [2.0, 4.0])
        z = (x ** 3).sum()
        g, = tg.grad(z, x)
        np.testing.assert_allclose(g.numpy(), [3.0, 12.0])


def test_decorator_nesting_threads_and_no_grad():
    x = tg.tensor([1.0, 2.0], requires_grad=True)

    @tg.autobatch
    def f(t):
        assert tg.is_autobatch_enabled()
        with tg.autobatch():  # nested: joins the outer block
            inner = t * 2
        assert isinstance(inner.data, Pending)
        with tg.no_grad():
            constant = t * 5
        return inner + 1, constant

    y, c = f(x)
    assert not tg.is_autobatch_enabled()
    assert y.tolist() == [3.0, 5.0] and y.requires_grad and not c.requires_grad and c.tolist() == [5.0, 10.0]
    seen = []
    with tg.autobatch():
        thread = threading.Thread(target=lambda: seen.append(tg.is_autobatch_enabled()))
        thread.start()
        thread.join()
    assert seen == [False]  # per thread
    assert tg.autobatch(strategy="depth")(lambda t: (t * 2).sum())(x).item() == 6.0
    with pytest.raises(ValueError, match="strategy"):
        tg.autobatch("fastest")


# ---- the batched graph keeps working -----------------------------------------------------------------
def test_hooks_and_retain_grad_asked_of_lazy_values():
    rng = np.random.default_rng(7)
    w = tensor(rng, 3)
    xs = [tensor(rng, 3) for _ in range(3)]
    for batched in (False, True):
        seen = []
        with (tg.autobatch() if batched else contextlib.nullcontext()):
            ys = [(x * w).sigmoid() for x in xs]
            ys[1].register_hook(lambda g: seen.append(g.numpy().copy()))
            ys[2].retain_grad()
            loss = tg.stack([(y * y).sum() for y in ys]).sum()
        w.grad = None
        loss.backward()
        if not batched:
            expected = (seen[0], ys[2].grad.numpy().copy(), w.grad.numpy().copy())
    np.testing.assert_allclose(seen[0], expected[0], atol=TOL)
    np.testing.assert_allclose(ys[2].grad.numpy(), expected[1], atol=TOL)
    np.testing.assert_allclose(w.grad.numpy(), expected[2], atol=TOL)


def test_create_graph_gives_the_same_second_derivatives():
    rng = np.random.default_rng(8)
    w = tensor(rng, 3)
    xs = [tensor(rng, 3, requires_grad=False) for _ in range(4)]
    results = []
    for batched in (False, True):
        with (tg.autobatch() if batched else contextlib.nullcontext()):
            loss = tg.stack([((x * w).tanh() ** 2).sum() for x in xs]).sum()
        g, = tg.grad(loss, w, create_graph=True)
        gg, = tg.grad(g.sum(), w)
        results.append((g.numpy().copy(), gg.numpy().copy()))
    for a, b in zip(*results):
        np.testing.assert_allclose(b, a, atol=TOL)


def test_gradcheck_through_autobatch():
    rng = np.random.default_rng(9)
    xs = [tensor(rng, 2, 3, requires_grad=False) for _ in range(3)]

    def f(w, b):
        with tg.autobatch():
            return tg.stack([F.linear(x, w, b).tanh().sum() for x in xs])

    assert tg.gradcheck(f, (tensor(rng, 4, 3), tensor(rng, 4)))
    assert tg.gradgradcheck(f, (tensor(rng, 4, 3), tensor(rng, 4)))


def test_detect_anomaly_names_the_op_and_the_users_line():
    xs = [tg.tensor([0.0, 1.0], requires_grad=True), tg.tensor([4.0, 0.0], requires_grad=True)]
    with tg.detect_anomaly():
        with tg.autobatch():
            roots = [x.sqrt() for x in xs]  # the line the error must point to
            loss = tg.stack([r.sum() for r in roots]).sum()
        with pytest.raises(RuntimeError, match="Sqrt") as info:
            loss.backward()
    assert "roots = [x.sqrt() for x in xs]" in str(info.value)


def test_ops_inside_modules_are_located_at_the_users_line():
    """A module of this package is located once, at the user's line that calls it; a module of
    the user's own (here inside nn.Sequential) has lines of its own again."""
    import inspect

    class Mine(nn.Module):
        def forward(self, x):
            return x.tanh()  # mine

    linear, sequential = nn.Linear(3, 2), nn.Sequential(nn.Linear(3, 3), Mine())
    with tg.autobatch() as block:
        linear(tg.randn(1, 3))  # direct
        sequential(tg.randn(1, 3))  # nested
        tg.randn(1, 3).exp()  # plain
        found = [(r.cls.__name__, r.where) for r in block.recorder.pending]
        assert block.recorder.user_line is None  # (set only while a module of ours runs)
    source, first = inspect.getsourcelines(test_ops_inside_modules_are_located_at_the_users_line)
    line = {tag: first + i for i, text in enumerate(source) for tag in ("mine", "direct", "nested", "plain")
            if text.rstrip().endswith("# " + tag)}
    here = __file__
    assert found == [("Linear", (here, line["direct"])), ("Linear", (here, line["nested"])),
                     ("Tanh", (here, line["mine"])), ("Exp", (here, line["plain"]))]


def test_errors_name_the_op_and_the_line(monkeypatch):
    monkeypatch.setattr(recorder_module, "STRICT", False)  # the batched call fails: one by one, then
    a, b = tg.randn(2, 3), tg.randn(4)
    with tg.autobatch():
        with pytest.raises(tg.ShapeError, match=r"add: shapes \(2, 3\) and \(4,\)"):
            a + b  # a rule that cannot batch lets the op raise its own error, right here

    class Picky(tg.Function):
        """x, but refuses large values -- only when it actually runs."""

        @staticmethod
        def forward(ctx, x):
            if (np.asarray(x.data) > 10).any():
                raise ValueError("Picky: a value above 10")
            return np.asarray(x.data).copy()

        @staticmethod
        def backward(ctx, grad):
            return grad

    rules_module.RULES[Picky] = rules_module.unary
    try:
        with pytest.raises(ValueError) as info:
            with tg.autobatch():
                ok = Picky.apply(tg.tensor([1.0]))
                bad = Picky.apply(tg.tensor([11.0]))  # recorded here, fails later
        message = str(info.value)
        assert "Picky: a value above 10" in message and "test_autobatch.py" in message
        assert "recorded inside tg.autobatch()" in message
        assert ok.tolist() == [1.0]
        with pytest.raises(RuntimeError, match="never computed"):
            bad.tolist()
    finally:
        del rules_module.RULES[Picky]


def test_pictures_show_one_node_per_batch_with_its_size():
    pytest.importorskip("graphviz")
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    with tg.autobatch():
        loss = tg.stack([(tg.tensor([float(i), 1.0]) * w).tanh().sum() for i in range(3)]).sum()
    source = tg.viz.to_dot(loss).source
    assert "Mul ×3" in source and "Tanh ×3" in source and "Sum ×3" in source
    assert source.count("label=Tanh") == 0  # not three separate tanh nodes


def test_backward_is_batched_too():
    """The tape holds the batched calls: a backward walks a handful of nodes, not one per example."""
    w = tg.tensor(np.ones((3, 3)), requires_grad=True)
    xs = [tg.tensor(np.full((1, 3), float(i))) for i in range(50)]
    with tg.autobatch():
        loss = tg.stack([(x @ w).tanh().sum() for x in xs]).sum()
    nodes, stack = set(), [loss.grad_fn]
    while stack:
        node = stack.pop()
        if node not in nodes:
            nodes.add(node)
            stack.extend(s[0] for s in map(edge_source, node.edges) if s is not None)
    assert len(nodes) < 15


# ---- the example ------------------------------------------------------------------------------------
def test_treelstm_sentiment_example_trains_the_same_both_ways(capsys):
    from tinygrad_edu.examples import treelstm_sentiment as example

    assert example.main(["--check", "--batch-size", "6", "--hidden", "4"]) < 1e-12
    runs = [example.main(["--epochs", "1", "--n-train", "40", "--n-test", "10", "--hidden", "4",
                          "--batch-size", "8"] + flag) for flag in ([], ["--eager"])]
    assert runs[0]["accuracy"] == runs[1]["accuracy"]  # the same model, trained the same way
    assert "tg.autobatch()" in capsys.readouterr().out
    assert example.value((0, 1)) == 2 and example.value((example.NOT, (0, 1))) == -2  # "not" flips


def test_detach_in_place_and_setitem_inside_the_block():
    x = tg.tensor([[1.0, 2.0]], requires_grad=True)

    def program():
        y = x * 3
        z = (y.detach() * y).sum()  # a detached lazy value is computed with the rest
        w = y + 1
        w += 2  # in place on a lazy value: computes it first, then records the update
        q = y.clone()
        q[0, 0] = 5.0
        return z + (w * w).sum() + q.sum()

    results = []
    for batched in (False, True):
        x.grad = None
        with tg.autobatch(enabled=batched):
            out = program()
        out.backward()
        results.append((out.item(), x.grad.tolist()))
    assert results[0] == results[1] == (173.0, [[45.0, 75.0]])


def test_an_exception_in_the_block_passes_through():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(KeyError):
        with tg.autobatch():
            y = x * 2
            raise KeyError("boom")
    assert y.tolist() == [2.0, 4.0] and not tg.is_autobatch_enabled()


def test_view_inside_autobatch_is_not_refused():
    """view() checks that it shares memory; a lazy result has no memory yet, and a view of a
    tensor viewed before (so with a version counter) was refused inside the block."""
    w = tg.randn(2, 3, requires_grad=True)
    w.view(6)
    with tg.autobatch():
        ys = [(w * float(i)).view(6).sum() for i in range(3)]
        z = w.view(3, 2)
    assert z.shape == (3, 2) and [y.item() for y in ys] == pytest.approx([i * w.sum().item() for i in range(3)])


def test_python_numbers_that_differ_per_example_are_not_shared():
    """`w * float(i)` lifts each number to a Number (a Tensor subclass); the executor took it for a
    non-tensor argument and used the first example's number for all (every result was w * 0)."""
    w = tg.randn(2, 3, requires_grad=True, dtype=np.float64)
    eager = tg.stack([(w * float(i) + 2 ** i).sum() for i in range(4)]).sum()
    eager.backward()
    expected = w.grad.numpy().copy()
    w.grad = None
    with tg.autobatch():
        batched = tg.stack([(w * float(i) + 2 ** i).sum() for i in range(4)]).sum()
    batched.backward()
    assert batched.item() == pytest.approx(eager.item(), rel=1e-12)
    np.testing.assert_allclose(w.grad.numpy(), expected, rtol=1e-12)


# ---- found by the differential fuzz (tests/test_autobatch_fuzz.py) ----------------------------------
def _both_ways(program):
    """program() -> (values, leaves) run eagerly and inside one block; backward of Σ cos-weighted
    values that require grad. Returns [(values, requires_grad flags, grads)] for each way."""
    results = []
    for batched in (False, True):
        with tg.autobatch(enabled=batched):
            values, leaves = program()
            terms = [(v * tg.tensor(np.cos(np.arange(v.numel()) + 0.5).reshape(v.shape))).sum()
                     for v in values if v.requires_grad]
            loss = tg.stack(terms).sum()
        for leaf in leaves:
            leaf.grad = None
        loss.backward()
        results.append(([v.numpy().copy() for v in values], [v.requires_grad for v in values],
                        [None if t.grad is None else t.grad.numpy().copy() for t in leaves]))
    return results


def _assert_same_both_ways(program):
    (values, flags, grads), (values_b, flags_b, grads_b) = _both_ways(program)
    assert flags == flags_b
    for v, w in zip(values, values_b):
        assert v.shape == w.shape and type(w) is np.ndarray
        np.testing.assert_allclose(w, v, rtol=0, atol=TOL)
    for g, h in zip(grads, grads_b):
        assert (g is None) == (h is None)
        if g is not None:
            np.testing.assert_allclose(h, g, rtol=0, atol=TOL)


def test_a_call_on_constants_batched_with_one_on_weights_does_not_require_grad():
    """x.chunk(...) of a constant x and an embedding lookup in a weight both gather rows of the
    same width: they ran as one batch, and the constant's pieces came out requiring grad (so did
    `c * 2` batched with `w * 2`). Whether a call's results require grad is now part of its key."""
    rng = np.random.default_rng(20)
    table = tensor(rng, 3, 4)
    xs = [tensor(rng, 2, 4, requires_grad=False) for _ in range(3)]
    scale = tensor(rng, 4)

    def program():
        values = []
        for i, x in enumerate(xs):
            values += list(x.chunk(2, 0)) + [F.embedding(tg.tensor([i]), table), x * 2, scale * 2]
        return values, [table, scale]

    _assert_same_both_ways(program)
    with tg.autobatch():
        pieces = [x.chunk(2, 0)[0] for x in xs] + [F.embedding(tg.tensor([0]), table)]
    assert [p.requires_grad for p in pieces] == [False, False, False, True]


def test_batched_zero_dim_results_are_arrays():
    """A batched result of one number per example was cut into numpy scalars (np.float64), not
    0-d arrays: `s.detach() * s` then failed ("__array__ method not producing an array") and
    `s += 1` called the value read-only."""
    rng = np.random.default_rng(21)
    xs = [tensor(rng, 2, 3) for _ in range(3)]

    def program():
        sums = [x.amax(0).sum() for x in xs]
        firsts = [x[0, 1] for x in xs]  # (gathered rows of a 1-D stack: 0-d pieces too)
        return [s.detach() * s for s in sums] + firsts, xs

    _assert_same_both_ways(program)
    with tg.autobatch():
        sums = [x.sum() for x in xs]
    assert all(type(s.data) is np.ndarray and s.data.ndim == 0 for s in sums)
    with tg.no_grad():
        sums[0] += 1.0
    assert sums[0].item() == pytest.approx(xs[0].sum().item() + 1.0)


@pytest.mark.parametrize("used", ["all", "the others"])
def test_changing_a_kept_result_in_place_raises_in_backward_as_eagerly(used):
    """tanh keeps its result for backward. A piece of a batched tanh changed in place is a view of
    that kept result: backward used the changed numbers and gave a wrong gradient, silently, where
    eager backward raises. Now the piece that changed raises if its old value gets a gradient, and
    nothing changes for the others."""
    outcomes = []
    for batched in (False, True):
        xs = [tg.tensor([1.0, 2.0], requires_grad=True) for _ in range(3)]
        with tg.autobatch(enabled=batched):
            ys = [x.tanh() for x in xs]
        ys[0].add_(1.0)
        loss = tg.stack(ys if used == "all" else ys[1:]).sum()
        try:
            loss.backward()
            outcomes.append([None if x.grad is None else x.grad.tolist() for x in xs[1:]])
        except RuntimeError as error:
            assert "TanhBackward0" in str(error) and "modified by an in-place operation" in str(error)
            outcomes.append("raised")
    assert outcomes[0] == outcomes[1] == ("raised" if used == "all" else outcomes[0])


def test_an_input_changed_in_place_after_a_call_that_reads_it_was_recorded():
    """`l = mse_loss(x, t)` recorded, then `t[0] = 0.5`: the pending call read t only when it ran,
    after the change. An in-place op inside a block now computes what is pending first."""
    rng = np.random.default_rng(22)
    xs = [tensor(rng, 2, 3) for _ in range(3)]
    ts = [tensor(rng, 2, 3, requires_grad=False) for _ in range(3)]

    def program():
        losses = []
        for x, t in zip(xs, ts):
            t = t.clone()
            losses.append(F.mse_loss(x, t))
            t[0] = 0.5
            losses.append(F.mse_loss(x.tanh(), t))
        return losses, xs

    _assert_same_both_ways(program)


def _losses_of_some(program, used):
    """program() -> (per-example values, leaves): backward of the sum of the values of the
    examples in `used` only, eagerly and inside one block; the leaves' grads both ways."""
    grads = []
    for batched in (False, True):
        with tg.autobatch(enabled=batched):
            values, leaves = program()
            loss = tg.stack([values[k].sum() for k in used]).sum()
        for leaf in leaves:
            leaf.grad = None
        loss.backward()
        grads.append([None if t.grad is None else t.grad.numpy().copy() for t in leaves])
    return grads


@pytest.mark.parametrize("kind", ["elementwise", "matmul", "linear", "cell", "gather", "split", "cross_entropy"])
def test_an_example_the_loss_does_not_use_gets_no_gradient_as_eagerly(kind):
    """The batched backward needs a gradient for every row, so an unused example's rows get zeros;
    its inputs must still get no gradient (None), as eagerly, where its ops never run backward."""
    rng = np.random.default_rng(30)
    w, b = tensor(rng, 3, 3), tensor(rng, 3)
    cell = nn.TreeLSTMCell(3).double()
    xs = [tensor(rng, 2, 3) for _ in range(3)]

    def program():
        if kind == "elementwise":
            values = [(x * w[0]).tanh() for x in xs]
        elif kind == "matmul":
            values = [x @ w for x in xs]
        elif kind == "linear":
            values = [F.linear(x, w, b) for x in xs]
        elif kind == "cell":
            values = [cell((x, x), (x, x))[0] for x in xs]
        elif kind == "gather":
            values = [x[1] for x in xs]
        elif kind == "split":
            values = [x.chunk(2, 0)[1] for x in xs]
        else:
            values = [F.cross_entropy(x, tg.tensor([0, 2])) for x in xs]
        return values, xs + [w, b] + list(cell.parameters())

    eager, batched = _losses_of_some(program, used=[0, 2])
    assert eager[1] is None  # (example 1's input: no gradient)
    for g, h in zip(eager, batched):
        assert (g is None) == (h is None)
        if g is not None:
            np.testing.assert_allclose(h, g, rtol=0, atol=TOL)


def test_an_unused_example_whose_derivative_is_infinite_leaves_the_weights_finite():
    """log|x W| at a row of zeros: its derivative there is 1/0. Eagerly that example is never
    differentiated when the loss does not use it; batched, its zero gradient times ∞ was NaN, and
    the NaN reached W through the product. Now it stops where the example's gradient stops."""
    rng = np.random.default_rng(31)
    w = tensor(rng, 3, 3)
    xs = [tensor(rng, 2, 3), tg.zeros(2, 3, dtype=tg.float64, requires_grad=True), tensor(rng, 2, 3)]

    def program():
        return [(x @ w).abs().log() for x in xs], [w] + xs

    with np.errstate(divide="ignore", invalid="ignore"):
        eager, batched = _losses_of_some(program, used=[0, 2])
    assert np.isfinite(eager[0]).all() and np.isfinite(batched[0]).all()
    np.testing.assert_allclose(batched[0], eager[0], rtol=0, atol=TOL)
    assert eager[2] is None and batched[2] is None
