"""Tree models: the Tree-LSTM cell, the SPINN encoder (batched = one at a time), its checks,
and smoke runs of the ListOps, SNLI and church examples."""
import numpy as np
import pytest

import tinygrad_edu as tg
import tinygrad_edu.nn as nn
import tinygrad_edu.nn.functional as F
import tinygrad_edu.optim as optim
from tinygrad_edu.autograd.function import edge_source
from tinygrad_edu.autograd.scope import scope
from tinygrad_edu.data import generate_listops, parse_binary_tree

CHURCH = "( ( The church ) ( ( has ( cracks ( in ( the ceiling ) ) ) ) . ) )"

# Different lengths and shapes: right-branching, left-branching, balanced, one word, two words.
PARSES = [
    CHURCH,
    "( ( ( a b ) c ) d )",
    "( ( a b ) ( c ( d e ) ) )",
    "word",
    "( x y )",
]


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def test_church_transitions():
    tokens, transitions = parse_binary_tree(CHURCH)
    assert tokens == "The church has cracks in the ceiling .".split()
    assert " ".join(transitions) == "S S R S S S S S R R R R S R R"
    assert nn.SHIFT == "S" and nn.REDUCE == "R"


def test_tree_lstm_cell_matches_the_formula():
    tg.manual_seed(1)
    H, T = 3, 2
    cell = nn.TreeLSTMCell(H, tracker_size=T, dtype=np.float64)
    rng = np.random.default_rng(0)
    h_l, c_l, h_r, c_r = (rng.standard_normal((2, H)) for _ in range(4))
    t = rng.standard_normal((2, T))
    h, c = cell((tg.tensor(h_l), tg.tensor(c_l)), (tg.tensor(h_r), tg.tensor(c_r)), tg.tensor(t))
    z = (h_l @ cell.left.weight.data.T + cell.left.bias.data + h_r @ cell.right.weight.data.T
         + t @ cell.track.weight.data.T)
    i, f_l, f_r, o, a = np.split(z, 5, axis=1)
    c_expected = sigmoid(i) * np.tanh(a) + sigmoid(f_l) * c_l + sigmoid(f_r) * c_r
    np.testing.assert_allclose(c.data, c_expected, rtol=1e-12)
    np.testing.assert_allclose(h.data, sigmoid(o) * np.tanh(c_expected), rtol=1e-12)
    assert cell.right.bias is None and cell.track.bias is None
    assert [n for n, _ in cell.named_parameters()] == ["left.weight", "left.bias", "right.weight", "track.weight"]


def test_tree_lstm_cell_gradcheck():
    tg.manual_seed(2)
    cell = nn.TreeLSTMCell(2, tracker_size=2, dtype=np.float64)
    inputs = [tg.randn(3, 2, dtype=np.float64, requires_grad=True) for _ in range(5)]

    def compose(h_l, c_l, h_r, c_r, t, w_left, w_track):
        return cell((h_l, c_l), (h_r, c_r), t)

    assert tg.gradcheck(compose, (*inputs, cell.left.weight, cell.track.weight))


def test_tree_lstm_composition_second_derivatives():
    """The fused composition's one formula, on arrays and (create_graph) on Tensors, through
    every input: children's states, weights, bias, tracker state and its weight."""
    from tinygrad_edu.nn.tree import TreeLSTMComposition

    rng = np.random.default_rng(3)

    def t(*shape):
        return tg.tensor(rng.standard_normal(shape), requires_grad=True)

    args = (t(2, 2), t(2, 2), t(2, 2), t(2, 2), t(10, 2), t(10), t(10, 2), t(2, 3), t(10, 3))
    assert tg.gradcheck(TreeLSTMComposition.apply, args)
    assert tg.gradgradcheck(TreeLSTMComposition.apply, args)
    untracked = args[:7] + (None, None)
    assert tg.gradcheck(TreeLSTMComposition.apply, untracked)
    assert tg.gradgradcheck(TreeLSTMComposition.apply, untracked)
    no_bias = args[:5] + (None,) + args[6:]
    assert tg.gradcheck(TreeLSTMComposition.apply, no_bias)
    assert tg.gradgradcheck(TreeLSTMComposition.apply, no_bias)
    # Only h used: c's gradient arrives as zeros, and must not change the dtype of the result.
    f32 = [tg.tensor(a.data.astype(np.float32), requires_grad=True) for a in args[:7]]
    h, _ = TreeLSTMComposition.apply(*f32, None, None)
    h.sum().backward()
    assert all(a.grad.dtype == np.float32 for a in f32)


def test_tree_lstm_cell_matches_separate_ops():
    """The fused node computes W_l h_l + b + W_r h_r (+ W_t t) and the gates, as written out."""
    tg.manual_seed(4)
    cell = nn.TreeLSTMCell(3, tracker_size=2, dtype=np.float64)
    h_l, c_l, h_r, c_r = (tg.randn(2, 3, dtype=np.float64) for _ in range(4))
    track = tg.randn(2, 2, dtype=np.float64)
    h, c = cell((h_l, c_l), (h_r, c_r), track)
    z = cell.left(h_l) + cell.right(h_r) + cell.track(track)
    i, f_l, f_r, o, a = z.chunk(5, 1)
    c_ref = i.sigmoid() * a.tanh() + f_l.sigmoid() * c_l + f_r.sigmoid() * c_r
    np.testing.assert_allclose(c.numpy(), c_ref.numpy(), atol=1e-12)
    np.testing.assert_allclose(h.numpy(), (o.sigmoid() * c_ref.tanh()).numpy(), atol=1e-12)


def test_tree_lstm_cell_checks_its_inputs():
    cell = nn.TreeLSTMCell(3)
    good = (tg.zeros(2, 3), tg.zeros(2, 3))
    with pytest.raises(ValueError, match=r"\(batch, 3\)"):
        cell(good, (tg.zeros(2, 4), tg.zeros(2, 4)))
    with pytest.raises(ValueError, match="without tracker_size"):
        cell(good, good, tg.zeros(2, 3))
    with pytest.raises(ValueError, match="tracking must have shape"):
        nn.TreeLSTMCell(3, tracker_size=2)(good, good, tg.zeros(2, 5))
    with pytest.raises(ValueError, match="hidden_size"):
        nn.TreeLSTMCell(0)


@pytest.mark.parametrize("tracker_size", [None, 2])
def test_compose_on_joined_states_is_the_composition(tracker_size):
    """cell.compose([h_l | c_l], [h_r | c_r]) is [h | c] of cell((h_l, c_l), (h_r, c_r)): the same
    numbers, and the same gradients for every input and weight (the formula is shared)."""
    tg.manual_seed(6)
    cell = nn.TreeLSTMCell(3, tracker_size=tracker_size, dtype=np.float64)
    rng = np.random.default_rng(6)
    left, right = (tg.tensor(rng.standard_normal((2, 6)), requires_grad=True) for _ in range(2))
    track = None if tracker_size is None else tg.tensor(rng.standard_normal((2, 2)), requires_grad=True)
    inputs = [left, right] + ([] if track is None else [track]) + list(cell.parameters())
    weights = tg.tensor(np.linspace(-1, 2, 12).reshape(2, 6))

    def grads(out):
        for t in inputs:
            t.grad = None
        (out * weights).sum().backward()
        return [t.grad.numpy().copy() for t in inputs]

    joined = cell.compose(left, right, track)
    assert joined.grad_fn.name() == "TreeLSTMJoinedCompositionBackward0"
    h, c = cell((left[:, :3], left[:, 3:]), (right[:, :3], right[:, 3:]), track)
    separate = tg.cat([h, c], 1)
    np.testing.assert_allclose(joined.numpy(), separate.numpy(), rtol=0, atol=1e-15)
    for g, g_ref in zip(grads(joined), grads(separate)):
        np.testing.assert_allclose(g, g_ref, rtol=0, atol=1e-14)


def test_compose_second_derivatives_and_checks():
    from tinygrad_edu.nn.tree import TreeLSTMJoinedComposition

    rng = np.random.default_rng(7)

    def t(*shape):
        return tg.tensor(rng.standard_normal(shape), requires_grad=True)

    args = (t(2, 4), t(2, 4), t(10, 2), t(10), t(10, 2), t(2, 3), t(10, 3))
    for case in (args, args[:5] + (None, None), args[:3] + (None,) + args[4:]):
        assert tg.gradcheck(TreeLSTMJoinedComposition.apply, case)
        assert tg.gradgradcheck(TreeLSTMJoinedComposition.apply, case)
    # only the h half of the result used: the c half's gradient is zeros, in the inputs' dtype
    f32 = [tg.tensor(a.data.astype(np.float32), requires_grad=True) for a in args[:5]]
    TreeLSTMJoinedComposition.apply(*f32, None, None)[:, :2].sum().backward()
    assert all(a.grad.dtype == np.float32 for a in f32)
    cell = nn.TreeLSTMCell(3)
    with pytest.raises(ValueError, match=r"TreeLSTMCell.compose: .*\(batch, 6\), got left \(2, 3\)"):
        cell.compose(tg.zeros(2, 3), tg.zeros(2, 3))
    with pytest.raises(ValueError, match="without tracker_size"):
        cell.compose(tg.zeros(2, 6), tg.zeros(2, 6), tg.zeros(2, 2))


def _batch(embed_size: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    trees = [parse_binary_tree(text) for text in PARSES]
    embeddings = [tg.tensor(rng.standard_normal((len(tokens), embed_size)), requires_grad=True)
                  for tokens, _ in trees]
    return embeddings, [transitions for _, transitions in trees]


def _encode_and_differentiate(encoder, embeddings, transitions, batched):
    for t in [*encoder.parameters(), *embeddings]:
        t.grad = None
    out = encoder(embeddings, transitions, batched=batched)
    # A weighting that differs per element, so every output entry matters to the gradients.
    weights = tg.tensor(np.linspace(-1, 2, out.numel()).reshape(out.shape))
    (out * weights).sum().backward()
    grads = {name: p.grad.data.copy() for name, p in encoder.named_parameters()}
    return out.data.copy(), grads, [e.grad.data.copy() for e in embeddings]


@pytest.mark.parametrize("tracker_size", [None, 3])
def test_batched_and_one_at_a_time_agree(tracker_size):
    tg.manual_seed(3)
    encoder = nn.SPINN(4, 5, tracker_size, dtype=np.float64)
    embeddings, transitions = _batch(4)
    out_b, grads_b, emb_b = _encode_and_differentiate(encoder, embeddings, transitions, batched=True)
    out_1, grads_1, emb_1 = _encode_and_differentiate(encoder, embeddings, transitions, batched=False)
    assert out_b.shape == (len(PARSES), 5)
    np.testing.assert_allclose(out_b, out_1, rtol=0, atol=1e-10)
    assert grads_b.keys() == grads_1.keys()
    n_params = 10 if tracker_size else 5
    assert len(grads_b) == n_params
    for name in grads_b:
        assert np.abs(grads_b[name]).max() > 0, f"{name} got no gradient"
        np.testing.assert_allclose(grads_b[name], grads_1[name], rtol=0, atol=1e-10, err_msg=name)
    for g_b, g_1 in zip(emb_b, emb_1):
        np.testing.assert_allclose(g_b, g_1, rtol=0, atol=1e-10)


def test_each_example_is_encoded_on_its_own():
    """An example's vector does not depend on what else is in the batch."""
    tg.manual_seed(4)
    encoder = nn.SPINN(4, 5, 3, dtype=np.float64)
    embeddings, transitions = _batch(4)
    together = encoder(embeddings, transitions).data
    for b in range(len(PARSES)):
        alone = encoder([embeddings[b]], [transitions[b]]).data
        np.testing.assert_allclose(together[b : b + 1], alone, rtol=0, atol=1e-12)


def test_a_single_word_is_its_projection():
    tg.manual_seed(5)
    encoder = nn.SPINN(3, 2, dtype=np.float64)
    word = tg.randn(1, 3, dtype=np.float64)
    h = (word @ encoder.project.weight.T + encoder.project.bias)[:, :2]
    np.testing.assert_allclose(encoder([word], [["S"]]).data, h.data, rtol=1e-12)


@pytest.mark.parametrize("batched", [True, False])
def test_spinn_gradcheck(batched):
    tg.manual_seed(6)
    encoder = nn.SPINN(2, 2, tracker_size=2, dtype=np.float64)
    embeddings = [tg.randn(n, 2, dtype=np.float64, requires_grad=True) for n in (3, 2)]
    transitions = ["S S S R R", "S S R"]

    def encode(e0, e1, w_project, w_reduce, w_tracker):
        return encoder([e0, e1], transitions, batched=batched)

    inputs = (*embeddings, encoder.project.weight, encoder.reduce.left.weight, encoder.tracker.rnn.weight_hh)
    assert tg.gradcheck(encode, inputs)


@pytest.mark.parametrize(
    "words, transitions, words_in_message",
    [
        (2, "S R S R", r"step 1 \(REDUCE\) needs two items"),           # REDUCE on a stack of one
        (1, "S S R", r"step 1 \(SHIFT\) finds the buffer empty"),        # SHIFT with no word left
        (3, "S S S R", "2 items are left on the stack"),                 # leftover stack items
        (3, "S S R", "only 2 of 3 words are shifted"),                  # fewer SHIFTs than words
    ],
)
@pytest.mark.parametrize("batched", [True, False])
def test_malformed_transitions_name_the_example_and_the_step(words, transitions, words_in_message, batched):
    encoder = nn.SPINN(2, 3)
    embeddings = [tg.zeros(2, 2), tg.zeros(words, 2)]
    with pytest.raises(ValueError, match="example 1") as info:
        encoder(embeddings, ["S S R", transitions], batched=batched)
    assert "step" in str(info.value)
    assert info.match(words_in_message)


def test_bad_arguments():
    encoder = nn.SPINN(2, 3)
    with pytest.raises(ValueError, match="example 0.*'X'"):
        encoder([tg.zeros(1, 2)], [["X"]])
    with pytest.raises(ValueError, match="2 examples of embeddings but 1 sequences"):
        encoder([tg.zeros(1, 2), tg.zeros(1, 2)], [["S"]])
    with pytest.raises(ValueError, match=r"example 0: embeddings must be a Tensor of shape \(n_words, 2\)"):
        encoder([tg.zeros(1, 3)], [["S"]])
    with pytest.raises(TypeError, match="list with one"):
        encoder(tg.zeros(1, 2), [["S"]])
    with pytest.raises(ValueError, match="empty"):
        encoder([], [])


def test_each_reduce_is_its_own_scope():
    tg.manual_seed(7)
    encoder = nn.SPINN(2, 2)
    tokens, transitions = parse_binary_tree(CHURCH)
    out = encoder([tg.randn(len(tokens), 2)], [transitions], batched=False)
    scopes, stack, seen = set(), [out.grad_fn], set()
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        if node.scope:
            scopes.add(node.scope[-1])
        stack.extend(s[0] for s in map(edge_source, node.edges) if s is not None)
    assert len(scopes) == transitions.count("R") == 7
    assert all(name.startswith("Reduce#") for name in scopes)
    with scope("outer"):
        inner = encoder([tg.randn(2, 2)], [["S", "S", "R"]])
    assert inner.grad_fn.scope is None or inner.grad_fn.scope[0].startswith("outer")


def test_listops_training_lowers_the_loss():
    from tinygrad_edu.examples.listops import ListOpsModel

    tg.manual_seed(8)
    examples = generate_listops(16, max_depth=2, max_length=20, seed=3)
    model = ListOpsModel(embed_size=8, hidden_size=8, dtype=np.float64)
    optimizer = optim.Adam(model.parameters(), lr=0.05)
    labels = np.array([e.label for e in examples])
    losses = []
    for _ in range(10):
        loss = F.cross_entropy(model(examples), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < 0.8 * losses[0], losses


def test_listops_example_runs(capsys):
    from tinygrad_edu.examples import listops

    listops.main(["--n-train", "48", "--n-test", "16", "--epochs", "1", "--hidden", "8", "--depth", "2",
                  "--max-length", "20", "--batch-size", "16", "--warmup-steps", "2"])
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("ListOps: 48 training and 16 test expressions")
    text = "\n".join(lines)
    assert "warm-up: 2 batches of the" in text and "epoch 1/1" in text and "trees/s" in text
    assert lines[-1].startswith("test accuracy: 0.") or lines[-1] == "test accuracy: 1.0000"


def test_listops_example_reads_tsv_files(tmp_path, capsys):
    from tinygrad_edu.examples import listops

    from tinygrad_edu.data import write_listops_tsv

    write_listops_tsv(tmp_path / "basic_train.tsv", generate_listops(20, max_depth=2, seed=1))
    write_listops_tsv(tmp_path / "basic_test.tsv", generate_listops(10, max_depth=2, seed=2))
    listops.main(["--data", str(tmp_path), "--epochs", "1", "--hidden", "4", "--batch-size", "8",
                  "--warmup-steps", "1"])
    out = capsys.readouterr().out
    assert "20 training and 10 test expressions, basic_train.tsv / basic_test.tsv" in out
    assert "test accuracy: " in out


def test_snli_example_runs_on_the_bundled_sample(capsys):
    from tinygrad_edu.examples import snli

    accuracy = snli.train_and_test(snli.parse_args(["--epochs", "2", "--embed", "8", "--hidden", "8",
                                                    "--tracker", "4", "--dtype", "float64"]))
    out = capsys.readouterr().out
    assert "training pairs from the bundled sample" in out
    assert out.strip().splitlines()[-1].startswith("accuracy: ")
    assert 0.0 <= accuracy <= 1.0


def test_snli_features_see_both_sentences():
    """Changing only the hypothesis changes the logits: [p; h; p - h; p * h] uses both."""
    from tinygrad_edu.examples.snli import SNLIClassifier, batch_inputs

    from tinygrad_edu.data import Vocabulary, read_snli, snli_sample_path

    examples = read_snli(snli_sample_path(), limit=2)
    vocab = Vocabulary.build([e.premise_tokens + e.hypothesis_tokens for e in examples])
    tg.manual_seed(9)
    model = SNLIClassifier(len(vocab), 4, 4, 2, dtype=np.float64)
    logits = model(*batch_inputs(examples, vocab)).data
    assert logits.shape == (2, 3)
    swapped = [examples[0], examples[0]]
    swapped[1] = type(examples[0])(examples[0].premise_tokens, examples[0].premise_transitions,
                                   examples[1].hypothesis_tokens, examples[1].hypothesis_transitions, 0)
    other = model(*batch_inputs(swapped, vocab)).data
    np.testing.assert_allclose(other[0], logits[0], rtol=1e-12)
    assert not np.allclose(other[1], logits[0])


def test_church_example_prints_and_draws(tmp_path, capsys):
    pytest.importorskip("graphviz")
    from tinygrad_edu.examples import church

    assert church.main(["--out", str(tmp_path), "--format", "dot"]) == 0
    out = capsys.readouterr().out
    assert "transitions: S S R S S S S S R R R R S R R" in out
    assert "14  REDUCE             stack: ((The church) ((has (cracks (in (the ceiling)))) .))" in out
    assert "shape (1, 3)" in out
    source = (tmp_path / "church.dot").read_text()
    assert source.count("subgraph cluster") == 7
    assert source.count('label=Reduce') + source.count('label="Reduce"') == 7


def test_split_rows_is_one_node_with_a_joining_backward():
    from tinygrad_edu.nn.tree import SplitRows

    x = tg.tensor(np.random.default_rng(4).standard_normal((4, 3)), requires_grad=True)
    blocks = SplitRows.apply(x, [1, 2, 1])
    assert [b.shape for b in blocks] == [(1, 3), (2, 3), (1, 3)]
    assert len({id(b.grad_fn) for b in blocks}) == 1
    assert tg.gradcheck(lambda t: SplitRows.apply(t, [1, 2, 1]), (x,))
    assert tg.gradgradcheck(lambda t: SplitRows.apply(t, [3, 1]), (x,))
    x32 = tg.tensor(np.ones((3, 2), np.float32), requires_grad=True)
    SplitRows.apply(x32, [2, 1])[1].sum().backward()  # the first block gets no gradient
    assert x32.grad.dtype == np.float32 and x32.grad.tolist() == [[0, 0], [0, 0], [1, 1]]


def test_the_python_blocks_of_the_tree_models_page_print_what_it_shows(capsys):
    """docs/tree-models.md: each python block runs, in order, and prints the text block after it."""
    import re
    from pathlib import Path

    page = (Path(__file__).parent.parent / "docs" / "tree-models.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```(python|text)\n(.*?)```", page, re.S)
    namespace: dict = {}
    checked = 0
    for (kind, code), following in zip(blocks, blocks[1:] + [("", "")]):
        if kind != "python":
            continue
        exec(code, namespace)
        printed = capsys.readouterr().out
        if printed:
            assert following[0] == "text", f"no text block after:\n{code}"
            assert printed == following[1], code
            checked += 1
    assert checked >= 4


def test_gather_rows_in_order_with_repeats():
    from tinygrad_edu.nn.tree import _gather

    rng = np.random.default_rng(5)
    a = tg.tensor(rng.standard_normal((3, 4)), requires_grad=True)
    b = tg.tensor(rng.standard_normal((2, 4)), requires_grad=True)
    entries = [(b, 1), (a, 2), (a, 0), (b, 1), (a, 2)]  # repeats must add up in backward
    h, c = _gather(entries)
    expected = np.stack([t.data[r] for t, r in entries])
    np.testing.assert_array_equal(h.data, expected[:, :2])
    np.testing.assert_array_equal(c.data, expected[:, 2:])
    assert h.grad_fn is c.grad_fn and h.grad_fn.name() == "GatherRowsBackward0"
    assert tg.gradcheck(lambda x, y: _gather([(y, 1), (x, 2), (x, 0), (y, 1), (x, 2)]), (a, b))
    assert tg.gradgradcheck(lambda x, y: _gather([(y, 1), (x, 2), (x, 0), (y, 1), (x, 2)]), (a, b))


def test_spinn_second_derivatives_batched():
    tg.manual_seed(10)
    encoder = nn.SPINN(2, 2, tracker_size=2, dtype=np.float64)
    embeddings = [tg.randn(n, 2, dtype=np.float64, requires_grad=True) for n in (3, 2)]
    assert tg.gradgradcheck(lambda e0, e1: encoder([e0, e1], ["S S R S R", "S S R"]), tuple(embeddings))
