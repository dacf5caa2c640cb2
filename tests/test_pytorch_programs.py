"""Short programs in PyTorch's tutorial style, each written once as a function of the four module
names a PyTorch program imports -- `program(torch, nn, F, optim)` -- and run twice: with

    import torch, torch.nn as nn, torch.nn.functional as F, torch.optim as optim

and with

    import tinygrad_edu as torch, tinygrad_edu.nn as nn, tinygrad_edu.nn.functional as F,
    import tinygrad_edu.optim as optim

Each program returns a dict of what a learner would look at (losses, predictions, gradients,
dtypes, shapes, printed text). The two runs must agree: the same keys, the same Python types,
tensors with the same dtype and shape and values within ~1e-10 (float64 everywhere: every program
runs with `torch.set_default_dtype(torch.float64)`), strings character for character.

Random draws are never compared across the libraries: weights come from a seeded numpy generator
and are copied in with `p.copy_(...)` under `torch.no_grad()`. Each program also asserts, inside
itself, that its result is sane (a loss that falls, a gradcheck that passes), so the tinygrad_edu
run checks something even where PyTorch is not installed.
"""
from __future__ import annotations

import importlib
import importlib.util
import io
import math

import numpy as np
import pytest

HAS_TORCH = importlib.util.find_spec("torch") is not None
class Programs:
    """A set of programs and the parametrized test that runs them; other test files make their
    own (`programs = Programs()`, `@programs.add`, `test_... = programs.test()`)."""

    def __init__(self) -> None:
        self.functions: dict = {}
        self.xfail: dict = {}  # program name -> reason (a name tinygrad_edu lacks or gets wrong)

    def add(self, fn=None, *, xfail: str | None = None, differs: str | None = None):
        """Register `fn(torch, nn, F, optim) -> dict` as a program run with both libraries.
        `xfail`: it fails here (a gap, named in the reason); `differs`: it runs here, but its result
        differs from PyTorch's (e.g. printed text), so it fails only where torch is installed."""
        def register(fn):
            assert fn.__name__ not in self.functions, f"two programs named {fn.__name__}"
            self.functions[fn.__name__] = fn
            if xfail or (differs and HAS_TORCH):
                self.xfail[fn.__name__] = xfail or differs
            return fn
        return register(fn) if fn is not None else register

    def test(self):
        """The test function: each program runs here (and in PyTorch, when installed) and agrees."""
        params = [pytest.param(name, id=name, marks=[pytest.mark.xfail(strict=True, reason=self.xfail[name])]
                               if name in self.xfail else []) for name in self.functions]

        @pytest.mark.parametrize("name", params)
        def test_program_runs_here_and_matches_pytorch(name):
            check_program(self.functions[name], name)

        return test_program_runs_here_and_matches_pytorch


PROGRAMS_HERE = Programs()
program = PROGRAMS_HERE.add
PROGRAMS = PROGRAMS_HERE.functions


def init_from_numpy(torch, module, seed: int, scale: float = 0.5) -> None:
    """Give every parameter of `module` values from a seeded numpy generator, in place."""
    rng = np.random.default_rng(seed)
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.from_numpy(scale * rng.standard_normal(tuple(p.shape))))


# ---- 1. a custom autograd Function, gradchecked, then trained with by-hand updates -------------
@program
def custom_function(torch, nn, F, optim):
    class Softsign(torch.autograd.Function):
        """y = x / (1 + |x|) * scale;  dy/dx = scale / (1 + |x|)^2."""

        @staticmethod
        def forward(ctx, x, scale):
            ctx.save_for_backward(x)
            ctx.scale = scale
            return x / (1 + x.abs()) * scale

        @staticmethod
        def backward(ctx, grad_output):
            (x,) = ctx.saved_tensors
            grad_x = grad_output * ctx.scale / (1 + x.abs()) ** 2 if ctx.needs_input_grad[0] else None
            return grad_x, None

    rng = np.random.default_rng(0)
    probe = torch.tensor(rng.standard_normal((4, 3)), dtype=torch.float64, requires_grad=True)
    passed = torch.autograd.gradcheck(lambda t: Softsign.apply(t, 1.5), (probe,), eps=1e-6, atol=1e-4)
    assert passed is True

    x = torch.linspace(-3, 3, 50)
    y = 2.0 * x / (1 + x.abs()) - 0.5
    a = torch.tensor(0.0, requires_grad=True)
    b = torch.tensor(1.0, requires_grad=True)
    losses = []
    learning_rate = 0.2
    for _step in range(60):
        y_pred = a + b * Softsign.apply(x, 1.0)
        loss = (y_pred - y).pow(2).mean()
        losses.append(loss.item())
        loss.backward()
        with torch.no_grad():
            a -= learning_rate * a.grad
            b -= learning_rate * b.grad
            a.grad = None
            b.grad = None
    assert losses[-1] < 1e-3 * losses[0]
    out = Softsign.apply(probe, 2.0)
    return {"gradcheck": passed, "losses": losses, "a": a, "b": b, "out": out,
            "grad_fn_is_set": out.grad_fn is not None}


# ---- 2. a dynamic net: Python control flow picks the depth at every step -----------------------
@program
def dynamic_net(torch, nn, F, optim):
    class DynamicNet(nn.Module):
        def __init__(self, d_in, hidden, d_out):
            super().__init__()
            self.input_linear = nn.Linear(d_in, hidden)
            self.middle_linear = nn.Linear(hidden, hidden)
            self.output_linear = nn.Linear(hidden, d_out)

        def forward(self, x, depth):
            h = self.input_linear(x).clamp(min=0)
            for _ in range(depth):  # the same weights, reused a data-dependent number of times
                h = self.middle_linear(h).clamp(min=0)
            if h.sum() > 0:  # a branch on a value, as eager code may do
                h = h * 1.0
            return self.output_linear(h)

    rng = np.random.default_rng(1)
    x = torch.from_numpy(rng.standard_normal((16, 5)))
    y = torch.from_numpy(rng.standard_normal((16, 2)))
    model = DynamicNet(5, 8, 2)
    init_from_numpy(torch, model, seed=2, scale=0.3)
    criterion = nn.MSELoss(reduction="sum")
    optimizer = optim.SGD(model.parameters(), lr=1e-3, momentum=0.9)
    losses, depths = [], []
    for t in range(40):
        depth = [0, 2, 1, 3][t % 4] if t % 5 else 1
        depths.append(depth)
        loss = criterion(model(x, depth), y)
        losses.append(loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    assert min(losses[-8:]) < losses[0]
    return {"losses": losses, "depths": depths, "weight": model.middle_linear.weight,
            "n_params": sum(p.numel() for p in model.parameters())}


# ---- 3. an MLP classifier: Sequential, CrossEntropyLoss, view, accuracy with out.max(1) -------
@program
def mlp_classifier(torch, nn, F, optim):
    rng = np.random.default_rng(3)
    images = torch.from_numpy(rng.standard_normal((60, 1, 4, 4)))
    labels = torch.tensor((images.numpy().reshape(60, 16)[:, :3].argmax(1)), dtype=torch.long)
    model = nn.Sequential(nn.Linear(16, 12), nn.ReLU(), nn.Linear(12, 3))
    init_from_numpy(torch, model, seed=4, scale=0.3)
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    history = []
    for _epoch in range(5):
        running_loss = 0.0
        for i in range(0, 60, 20):
            inputs, targets = images[i:i + 20], labels[i:i + 20]
            optimizer.zero_grad()
            outputs = model(inputs.view(-1, 16))
            loss = criterion(outputs, targets)
            loss.backward()
            optimizer.step()
            running_loss += loss.item()
        history.append(running_loss / 3)
    correct, total = 0, 0
    model.eval()
    with torch.no_grad():
        outputs = model(images.view(-1, 16))
        _, predicted = outputs.max(1)
        total += labels.size(0)
        correct += (predicted == labels).sum().item()
        also = torch.max(outputs, 1)
    assert not outputs.requires_grad
    assert history[-1] < history[0]
    return {"history": history, "predicted": predicted, "accuracy": 100 * correct / total,
            "correct": correct, "argmax": outputs.argmax(dim=1), "max_values": also.values,
            "max_indices": also[1], "logits_shape": tuple(outputs.shape), "label_dtype": labels.dtype}


# ---- 4. Adam with a learning-rate schedule, regression with F.mse_loss ------------------------
@program
def adam_with_scheduler(torch, nn, F, optim):
    rng = np.random.default_rng(5)
    x = torch.from_numpy(rng.uniform(-2, 2, (40, 3)))
    true_w = torch.tensor([[1.5], [-2.0], [0.5]])
    y = x @ true_w + 0.3 + 0.01 * torch.from_numpy(rng.standard_normal((40, 1)))
    model = nn.Linear(3, 1)
    init_from_numpy(torch, model, seed=6)
    optimizer = optim.Adam(model.parameters(), lr=0.3)
    scheduler = optim.lr_scheduler.StepLR(optimizer, step_size=10, gamma=0.5)
    losses, lrs = [], []
    for _epoch in range(30):
        optimizer.zero_grad()
        loss = F.mse_loss(model(x), y)
        loss.backward()
        optimizer.step()
        scheduler.step()
        losses.append(loss.item())
        lrs.append(optimizer.param_groups[0]["lr"])
    assert losses[-1] < 0.2 * losses[0]
    return {"losses": losses, "lrs": lrs, "last_lr": scheduler.get_last_lr(), "weight": model.weight,
            "bias": model.bias, "exp_avg": np.asarray(optimizer.state[model.weight]["exp_avg"])}


# ---- 5. an NLP bag-of-words classifier with torch.long targets -------------------------------
@program
def bag_of_words(torch, nn, F, optim):
    train = [("the film was great and fun".split(), "POS"), ("a dull and boring plot".split(), "NEG"),
             ("great acting , great fun".split(), "POS"), ("boring , dull , too long".split(), "NEG"),
             ("fun from start to end".split(), "POS"), ("the plot was too dull".split(), "NEG")]
    test = [("great fun film".split(), "POS"), ("dull boring film".split(), "NEG")]
    word_to_ix = {}
    for sentence, _ in train + test:
        for word in sentence:
            if word not in word_to_ix:
                word_to_ix[word] = len(word_to_ix)
    label_to_ix = {"NEG": 0, "POS": 1}

    class BoWClassifier(nn.Module):
        def __init__(self, vocab_size, embed_dim, num_labels):
            super().__init__()
            self.embedding = nn.Embedding(vocab_size, embed_dim)
            self.linear = nn.Linear(embed_dim, num_labels)

        def forward(self, word_ids):
            bag = self.embedding(word_ids).mean(dim=0, keepdim=True)  # (1, embed_dim)
            return F.log_softmax(self.linear(bag), dim=1)

    def make_ids(sentence):
        return torch.tensor([word_to_ix[w] for w in sentence], dtype=torch.long)

    def make_target(label):
        return torch.LongTensor([label_to_ix[label]])

    model = BoWClassifier(len(word_to_ix), 6, 2)
    init_from_numpy(torch, model, seed=7)
    loss_function = nn.NLLLoss()
    optimizer = optim.SGD(model.parameters(), lr=0.5)
    with torch.no_grad():
        before = [model(make_ids(s)) for s, _ in test]
    epoch_losses = []
    for _epoch in range(20):
        total = 0.0
        for sentence, label in train:
            model.zero_grad()
            log_probs = model(make_ids(sentence))
            loss = loss_function(log_probs, make_target(label))
            loss.backward()
            optimizer.step()
            total += loss.item()
        epoch_losses.append(total)
    with torch.no_grad():
        after = [model(make_ids(s)) for s, _ in test]
        predictions = [int(out.max(1)[1].item()) for out in after]
    assert epoch_losses[-1] < epoch_losses[0]
    assert predictions == [label_to_ix[label] for _, label in test]
    return {"before": before, "after": after, "epoch_losses": epoch_losses, "predictions": predictions,
            "target_dtype": make_target("POS").dtype, "ids_dtype": make_ids(test[0][0]).dtype,
            "embedding_grad": model.embedding.weight.grad}


# ---- 6. second derivatives with torch.autograd.grad(create_graph=True) ----------------------
@program
def second_derivatives(torch, nn, F, optim):
    x = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
    y = (x ** 3 * torch.sin(x)).sum()
    (dy,) = torch.autograd.grad(y, x, create_graph=True)
    (d2y,) = torch.autograd.grad(dy.sum(), x)
    expected = 6 * x * torch.sin(x) + 6 * x ** 2 * torch.cos(x) - x ** 3 * torch.sin(x)

    # a Hessian-vector product of a small network's loss
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))
    init_from_numpy(torch, model, seed=8)
    data = torch.from_numpy(np.random.default_rng(9).standard_normal((5, 3)))
    loss = model(data).pow(2).mean()
    params = list(model.parameters())
    grads = torch.autograd.grad(loss, params, create_graph=True)
    v = [torch.ones_like(p) for p in params]
    hvp = torch.autograd.grad(sum((g * u).sum() for g, u in zip(grads, v)), params)

    # a gradient penalty: the input gradient's norm, trained through
    inputs = data.clone().requires_grad_(True)
    score = model(inputs)
    (g_in,) = torch.autograd.grad(score.sum(), inputs, create_graph=True)
    penalty = ((g_in.norm(2, dim=1) - 1) ** 2).mean()
    penalty.backward()
    assert torch.allclose(d2y, expected.detach())
    return {"dy": dy, "d2y": d2y, "dy_requires_grad": dy.requires_grad, "hvp": list(hvp),
            "penalty": penalty, "weight_grad": params[0].grad, "input_grad": inputs.grad}


# ---- 7. state_dict round trip through torch.save / torch.load in memory ----------------------
@program
def save_and_load(torch, nn, F, optim):
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(4, 6)
            self.fc2 = nn.Linear(6, 2)

        def forward(self, x):
            return self.fc2(F.relu(self.fc1(x)))

    model = Net()
    init_from_numpy(torch, model, seed=10)
    optimizer = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    x = torch.from_numpy(np.random.default_rng(11).standard_normal((3, 4)))
    model(x).sum().backward()
    optimizer.step()

    buffer = io.BytesIO()
    torch.save(model.state_dict(), buffer)
    buffer.seek(0)
    state = torch.load(buffer)
    restored = Net()
    result = restored.load_state_dict(state)
    with torch.no_grad():
        same = torch.equal(model(x), restored(x))
    assert same
    return {"keys": list(state.keys()), "shapes": [tuple(v.shape) for v in state.values()],
            "missing": list(result.missing_keys), "unexpected": list(result.unexpected_keys),
            "output": restored(x), "fc1.weight": state["fc1.weight"], "equal": same,
            "param_names": [name for name, _ in restored.named_parameters()]}


# ---- 8. tensor creation helpers, numpy interop, cat and stack --------------------------------
@program
def tensor_basics(torch, nn, F, optim):
    array = np.arange(6.0).reshape(2, 3)
    shared = torch.from_numpy(array)
    array[0, 0] = 100.0  # from_numpy shares memory with the array
    a = torch.zeros(2, 3)
    b = torch.ones(2, 3, dtype=torch.float64)
    r = torch.arange(0, 10, 2)
    rf = torch.arange(5.0)
    lin = torch.linspace(0, 1, steps=5)
    full = torch.full((2, 2), 7.0)
    eye = torch.eye(3)
    stacked = torch.stack([a, b, shared], dim=0)
    joined = torch.cat([a, b, shared], dim=1)
    x = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    x.add_(1)
    x[0, 1] = -2.0
    back = x.numpy()
    return {"shared": shared, "zeros": a, "ones": b, "arange_int": r, "arange_float": rf, "linspace": lin,
            "full": full, "eye": eye, "stacked": stacked, "joined": joined, "stacked_shape": tuple(stacked.shape),
            "x": x, "back": back, "x_T": x.T, "matmul": x @ x, "zeros_like": torch.zeros_like(x),
            "view": torch.arange(12).view(3, 4), "view_inferred": torch.arange(12).view(-1, 6),
            "reshape": torch.arange(12.0).reshape(2, -1, 2), "sum_dim": shared.sum(dim=1),
            "mean": shared.mean(), "item": shared[1, 2].item(), "int_item": r[2].item(),
            "tolist": x.tolist(), "size": list(x.size()), "size1": x.size(1), "dim": x.dim(),
            "numel": x.numel(), "int_dtype": torch.tensor([1, 2]).dtype, "bool": (x > 2),
            "where": torch.where(x > 2, x, torch.zeros_like(x)), "index": x[:, 1], "fancy": x[[1, 0]]}


# ---- 9. an LSTM sequence tagger ---------------------------------------------------------------
@program
def lstm_tagger(torch, nn, F, optim):
    training_data = [("the cat ate the fish".split(), ["DET", "NN", "V", "DET", "NN"]),
                     ("a dog read that book".split(), ["DET", "NN", "V", "DET", "NN"])]
    word_to_ix = {}
    for sentence, _ in training_data:
        for word in sentence:
            word_to_ix.setdefault(word, len(word_to_ix))
    tag_to_ix = {"DET": 0, "NN": 1, "V": 2}

    class LSTMTagger(nn.Module):
        def __init__(self, embedding_dim, hidden_dim, vocab_size, tagset_size):
            super().__init__()
            self.word_embeddings = nn.Embedding(vocab_size, embedding_dim)
            self.lstm = nn.LSTM(embedding_dim, hidden_dim)
            self.hidden2tag = nn.Linear(hidden_dim, tagset_size)

        def forward(self, sentence):
            embeds = self.word_embeddings(sentence)
            lstm_out, _ = self.lstm(embeds.view(len(sentence), 1, -1))
            tag_space = self.hidden2tag(lstm_out.view(len(sentence), -1))
            return F.log_softmax(tag_space, dim=1)

    def prepare_sequence(seq, to_ix):
        return torch.tensor([to_ix[w] for w in seq], dtype=torch.long)

    model = LSTMTagger(5, 4, len(word_to_ix), len(tag_to_ix))
    init_from_numpy(torch, model, seed=12, scale=0.4)
    loss_function = nn.NLLLoss()
    optimizer = optim.SGD(model.parameters(), lr=0.3)
    losses = []
    for _epoch in range(15):
        for sentence, tags in training_data:
            model.zero_grad()
            tag_scores = model(prepare_sequence(sentence, word_to_ix))
            loss = loss_function(tag_scores, prepare_sequence(tags, tag_to_ix))
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    with torch.no_grad():
        scores = model(prepare_sequence(training_data[0][0], word_to_ix))

    # two layers, batch_first, with an initial state
    lstm = nn.LSTM(input_size=3, hidden_size=2, num_layers=2, batch_first=True)
    init_from_numpy(torch, lstm, seed=13)
    seq = torch.from_numpy(np.random.default_rng(14).standard_normal((2, 4, 3)))
    h0, c0 = torch.zeros(2, 2, 2), torch.ones(2, 2, 2) * 0.1
    out, (hn, cn) = lstm(seq, (h0, c0))
    out.sum().backward()
    assert losses[-1] < losses[0]
    return {"losses": losses, "scores": scores, "predicted": scores.argmax(1), "out": out, "hn": hn, "cn": cn,
            "weight_grad": lstm.weight_hh_l1.grad, "names": [n for n, _ in lstm.named_parameters()]}


# ---- 10. devices and dtypes: the lines at the top of most scripts -----------------------------
@program
def device_and_dtype(torch, nn, F, optim):
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    model = nn.Sequential(nn.Linear(3, 2), nn.Sigmoid()).to(device)
    init_from_numpy(torch, model, seed=15)
    x = torch.tensor(np.random.default_rng(16).standard_normal((4, 3))).to(device)
    out = model(x)
    x32 = x.to(torch.float32)
    back = x32.to(torch.float64)
    ints = torch.tensor([1, 2, 3])
    model = model.double()
    return {"cuda": torch.cuda.is_available(), "device": str(device), "device_type": x.device.type,
            "out": out, "x32_dtype": x32.dtype, "back": back, "float": x.float(), "double_dtype": x.double().dtype,
            "long": (x * 10).long(), "ints_float": ints.float(), "default": torch.get_default_dtype(),
            "is_float": x.is_floating_point(), "bool": ints.bool(), "int32": ints.int().dtype,
            "cpu": out.cpu().detach(), "param_dtype": next(model.parameters()).dtype,
            "param_device": str(next(model.parameters()).device), "type_as": ints.type_as(x)}


# ---- 11. warm-up: fit a polynomial with tensors and autograd, by hand -------------------------
@program
def polynomial_by_hand(torch, nn, F, optim):
    x = torch.linspace(-math.pi, math.pi, 200)
    y = torch.sin(x)
    a, b, c, d = (torch.tensor(v, requires_grad=True) for v in (0.1, 0.2, -0.1, 0.05))
    learning_rate = 1e-6
    losses = []
    for t in range(200):
        y_pred = a + b * x + c * x ** 2 + d * x ** 3
        loss = (y_pred - y).pow(2).sum()
        if t % 50 == 49:
            losses.append(loss.item())
        loss.backward()
        with torch.no_grad():
            for p in (a, b, c, d):
                p -= learning_rate * p.grad
                p.grad.zero_()  # zero_ in place, as the tutorial does
    # the same step through .data, as older tutorials write it
    w = torch.tensor([0.5, -0.5], requires_grad=True)
    for _ in range(5):
        loss_w = ((w - torch.tensor([1.0, 2.0])) ** 2).sum()
        loss_w.backward()
        w.data -= 0.1 * w.grad
        w.grad.zero_()
    assert losses[-1] < losses[0]
    return {"losses": losses, "coefficients": [p.item() for p in (a, b, c, d)],
            "result": f"y = {a.item():.6f} + {b.item():.6f} x + {c.item():.6f} x^2 + {d.item():.6f} x^3",
            "w": w.detach(), "w_requires_grad": w.requires_grad}


# ---- 12. autograd basics: grad_fn, accumulation, vector-Jacobian products ---------------------
@program
def autograd_basics(torch, nn, F, optim):
    x = torch.ones(2, 2, requires_grad=True)
    y = x + 2
    z = y * y * 3
    out = z.mean()
    out.backward(retain_graph=True)
    first = x.grad.clone()
    out.backward()  # gradients accumulate
    accumulated = x.grad.clone()
    x.grad.zero_()

    v = torch.tensor([0.1, 1.0, 0.0001])
    u = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    w = u * 2
    while w.norm() < 100:
        w = w * 2
    w.backward(v)

    with torch.no_grad():
        frozen = x * 2
    detached = (x * 3).detach()
    h = x * 5
    h.retain_grad()
    (h ** 2).sum().backward()
    return {"first": first, "accumulated": accumulated, "y_requires_grad": y.requires_grad,
            "leaf": (x.is_leaf, y.is_leaf), "has_grad_fn": (x.grad_fn is None, y.grad_fn is not None),
            "vjp": u.grad, "w": w, "frozen_requires_grad": frozen.requires_grad,
            "detached_requires_grad": detached.requires_grad, "h_grad": h.grad, "x_grad": x.grad,
            "grad_enabled": torch.is_grad_enabled()}


# ---- 13. an n-gram language model with word embeddings ---------------------------------------
@program
def ngram_language_model(torch, nn, F, optim):
    text = ("when the night is long and the road is dark we walk on and the road is long "
            "and the night is dark").split()
    context_size, embedding_dim = 2, 4
    ngrams = [([text[i - j - 1] for j in range(context_size)], text[i]) for i in range(context_size, len(text))]
    vocab = sorted(set(text))
    word_to_ix = {word: i for i, word in enumerate(vocab)}

    class NGramLanguageModeler(nn.Module):
        def __init__(self, vocab_size, embedding_dim, context_size):
            super().__init__()
            self.embeddings = nn.Embedding(vocab_size, embedding_dim)
            self.linear1 = nn.Linear(context_size * embedding_dim, 16)
            self.linear2 = nn.Linear(16, vocab_size)

        def forward(self, inputs):
            embeds = self.embeddings(inputs).view((1, -1))
            out = F.relu(self.linear1(embeds))
            return F.log_softmax(self.linear2(out), dim=1)

    losses = []
    loss_function = nn.NLLLoss()
    model = NGramLanguageModeler(len(vocab), embedding_dim, context_size)
    init_from_numpy(torch, model, seed=17, scale=0.3)
    optimizer = optim.SGD(model.parameters(), lr=0.05)
    for _epoch in range(6):
        total_loss = 0
        for context, target in ngrams:
            context_idxs = torch.tensor([word_to_ix[w] for w in context], dtype=torch.long)
            model.zero_grad()
            log_probs = model(context_idxs)
            loss = loss_function(log_probs, torch.tensor([word_to_ix[target]], dtype=torch.long))
            loss.backward()
            optimizer.step()
            total_loss += loss.item()
        losses.append(total_loss)
    assert losses[-1] < losses[0]
    return {"losses": losses, "embedding_of_road": model.embeddings.weight[word_to_ix["road"]],
            "vocab_size": len(vocab), "total_type": type(total_loss).__name__}


# ---- 14. more optimizers: param groups, RMSprop, AdamW, Adagrad, Nesterov, LBFGS, schedulers ---
@program
def optimizer_zoo(torch, nn, F, optim):
    rng = np.random.default_rng(18)
    x = torch.from_numpy(rng.standard_normal((30, 4)))
    y = torch.from_numpy(rng.standard_normal((30, 1)))

    def train(make_optimizer, make_scheduler=None, steps=25):
        model = nn.Sequential(nn.Linear(4, 5), nn.Tanh(), nn.Linear(5, 1))
        init_from_numpy(torch, model, seed=19)
        optimizer = make_optimizer(model)
        scheduler = make_scheduler(optimizer) if make_scheduler else None
        losses = []
        for _ in range(steps):
            optimizer.zero_grad()
            loss = F.mse_loss(model(x), y)
            loss.backward()
            optimizer.step()
            if scheduler is not None:
                scheduler.step()
            losses.append(loss.item())
        assert losses[-1] < losses[0]
        return losses, [g["lr"] for g in optimizer.param_groups]

    results = {
        "groups": train(lambda m: optim.SGD([{"params": m[0].parameters()},
                                             {"params": m[2].parameters(), "lr": 0.01}], lr=0.05, momentum=0.5)),
        "nesterov": train(lambda m: optim.SGD(m.parameters(), lr=0.05, momentum=0.9, nesterov=True,
                                              weight_decay=1e-3)),
        "rmsprop": train(lambda m: optim.RMSprop(m.parameters(), lr=0.01, alpha=0.9, momentum=0.1, centered=True)),
        "adamw": train(lambda m: optim.AdamW(m.parameters(), lr=0.02, weight_decay=0.1),
                       lambda o: optim.lr_scheduler.ExponentialLR(o, gamma=0.95)),
        "adagrad": train(lambda m: optim.Adagrad(m.parameters(), lr=0.1)),
        "amsgrad": train(lambda m: optim.Adam(m.parameters(), lr=0.02, amsgrad=True),
                         lambda o: optim.lr_scheduler.LambdaLR(o, lambda epoch: 1.0 / (1 + epoch))),
    }

    # LBFGS needs a closure that recomputes the loss
    xy = torch.tensor([-1.0, 1.5], requires_grad=True)
    lbfgs = optim.LBFGS([xy], lr=1, max_iter=20, history_size=5, line_search_fn="strong_wolfe")

    def closure():
        lbfgs.zero_grad()
        loss = (1 - xy[0]) ** 2 + 100 * (xy[1] - xy[0] ** 2) ** 2  # Rosenbrock
        loss.backward()
        return loss

    lbfgs_losses = [lbfgs.step(closure).item() for _ in range(3)]
    assert lbfgs_losses[-1] < 1e-8 and torch.allclose(xy, torch.ones(2))
    results["lbfgs"] = (lbfgs_losses, xy.detach())
    return results


# ---- 15. what a tutorial prints -----------------------------------------------------------------
@program
def printed_output(torch, nn, F, optim):
    lines = []
    x = torch.tensor([[1.0, 2.5], [-3.25, 4.0]])
    loss = (x ** 2).mean()
    w = torch.tensor([0.5, -1.5], requires_grad=True)
    lines.append(str(x))
    lines.append(str(loss))
    lines.append(f"loss: {loss.item():>7f}")
    lines.append(f"{loss:.4f}")
    lines.append(str(w))
    lines.append(str(w * 2))
    lines.append(str(torch.arange(4)))
    lines.append(str(torch.tensor([True, False])))
    lines.append(repr(nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))))
    lines.append(str(nn.CrossEntropyLoss()))
    lines.append(f"{int(torch.tensor(3))} {float(torch.tensor(0.25))}")
    return {"lines": lines}


# ---- 15b. printing shapes and sizes, as nearly every tutorial does ---------------------------------
@program(xfail="x.shape and x.size() are plain tuples here: print(x.shape) shows (2, 3), not torch.Size([2, 3])")
def printed_shapes(torch, nn, F, optim):
    x = torch.zeros(2, 3)
    assert str(x.shape).endswith("Size([2, 3])"), str(x.shape)  # what PyTorch documents and prints
    return {"shape": str(x.shape), "size": repr(x.size()), "type": type(x.shape).__name__,
            "row": f"Shape of X [N, C, H, W]: {torch.zeros(4, 1, 2, 2).shape}"}


# ---- 16. a custom Module with its own nn.Parameter, init, train/eval and dropout ------------------
@program
def custom_module(torch, nn, F, optim):
    class ScaledMLP(nn.Module):
        def __init__(self):
            super().__init__()
            self.hidden = nn.Linear(3, 4)
            self.dropout = nn.Dropout(p=0.5)
            self.out = nn.Linear(4, 1)
            self.scale = nn.Parameter(torch.ones(1) * 2)

        def forward(self, x):
            return self.out(self.dropout(torch.tanh(self.hidden(x)))) * self.scale

    torch.manual_seed(0)
    model = ScaledMLP()
    init_from_numpy(torch, model, seed=20)
    nn.init.zeros_(model.out.bias)
    x = torch.from_numpy(np.random.default_rng(21).standard_normal((6, 3)))
    target = torch.from_numpy(np.random.default_rng(22).standard_normal((6, 1)))
    model.eval()  # dropout off: deterministic
    optimizer = optim.Adam(model.parameters(), lr=0.05)
    losses = []
    for _ in range(20):
        optimizer.zero_grad()
        loss = F.mse_loss(model(x), target)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    model.train()
    trained_mode = model.training and model.dropout.training
    model.eval()
    assert losses[-1] < losses[0]
    return {"losses": losses, "names": [n for n, _ in model.named_parameters()],
            "shapes": [tuple(p.shape) for p in model.parameters()], "scale": model.scale,
            "n_params": sum(p.numel() for p in model.parameters() if p.requires_grad),
            "modes": (trained_mode, model.training), "children": [type(m).__name__ for m in model.children()],
            "is_parameter": isinstance(model.scale, nn.Parameter), "grad": model.hidden.weight.grad}


# ---- 17. binary classification with logits: BCEWithLogitsLoss, sigmoid, thresholds ------------
@program
def binary_logistic(torch, nn, F, optim):
    rng = np.random.default_rng(23)
    features = torch.from_numpy(rng.standard_normal((50, 2)))
    labels = ((features[:, 0] + 0.5 * features[:, 1]) > 0).double().unsqueeze(1)
    model = nn.Linear(2, 1)
    init_from_numpy(torch, model, seed=24)
    criterion = nn.BCEWithLogitsLoss()
    optimizer = optim.SGD(model.parameters(), lr=0.5)
    for _epoch in range(30):
        optimizer.zero_grad()
        loss = criterion(model(features), labels)
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        probs = torch.sigmoid(model(features))
        predicted = (probs > 0.5).float()
        accuracy = (predicted == labels).float().mean().item()
        bce = F.binary_cross_entropy(probs, labels).item()
    assert accuracy > 0.9
    return {"loss": loss, "probs": probs, "accuracy": accuracy, "bce": bce, "labels_dtype": labels.dtype,
            "weight": model.weight}


# ---- 18. scalar ops checked against PyTorch, in the style of a tiny autograd library's tests ---
@program
def scalar_engine_checks(torch, nn, F, optim):
    x = torch.Tensor([-3.0]).double()
    x.requires_grad = True
    z = 3 * x + 1 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    y.backward()

    a = torch.Tensor([-2.0]).double()
    b = torch.Tensor([5.0]).double()
    a.requires_grad = True
    b.requires_grad = True
    c = a + b
    d = a * b + b ** 3
    c = c + c + 1
    c = c + 1 + c + (-a)
    d = d + d * 2 + (b + a).relu()
    d = d + 3 * d + (b - a).relu()
    e = c - d
    f = e ** 2
    g = f / 2.0
    g = g + 10.0 / f
    g.backward()
    return {"y": y.data.item(), "x_grad": x.grad.item(), "g": g.data.item(), "a_grad": a.grad.item(),
            "b_grad": b.grad.item(), "x_dtype": x.dtype, "z_grad_fn": z.grad_fn is not None}


# ---- 19. extending autograd: a Function whose last input is optional -------------------------
@program
def optional_bias_function(torch, nn, F, optim):
    class Affine(torch.autograd.Function):
        @staticmethod
        def forward(ctx, input, weight, bias=None):
            ctx.save_for_backward(input, weight, bias)
            output = input.mm(weight.t())
            if bias is not None:
                output = output + bias.unsqueeze(0).expand_as(output)
            return output

        @staticmethod
        def backward(ctx, grad_output):
            input, weight, bias = ctx.saved_tensors
            grad_input = grad_weight = grad_bias = None
            if ctx.needs_input_grad[0]:
                grad_input = grad_output.mm(weight)
            if ctx.needs_input_grad[1]:
                grad_weight = grad_output.t().mm(input)
            if bias is not None and ctx.needs_input_grad[2]:
                grad_bias = grad_output.sum(0)
            return grad_input, grad_weight, grad_bias

    rng = np.random.default_rng(25)
    x = torch.tensor(rng.standard_normal((5, 4)), requires_grad=True)
    w = torch.tensor(rng.standard_normal((3, 4)), requires_grad=True)
    b = torch.tensor(rng.standard_normal(3), requires_grad=True)
    with_bias = torch.autograd.gradcheck(Affine.apply, (x, w, b), eps=1e-6, atol=1e-4)
    without_bias = torch.autograd.gradcheck(Affine.apply, (x, w), eps=1e-6, atol=1e-4)
    out = Affine.apply(x, w)
    out.pow(2).sum().backward()
    return {"with_bias": with_bias, "without_bias": without_bias, "out": out, "w_grad": w.grad}


# ---- 20. a character-level RNN built from nn.Linear, with gradient clipping ------------------
@program
def char_rnn_classifier(torch, nn, F, optim):
    letters = "abcdefghijklmnopqrstuvwxyz"
    data = {"english": ["smith", "jones", "taylor", "brown"], "italian": ["rossi", "russo", "ferrari", "bianchi"]}
    categories = list(data)

    def line_to_tensor(line):
        tensor = torch.zeros(len(line), 1, len(letters))
        for i, letter in enumerate(line):
            tensor[i][0][letters.index(letter)] = 1
        return tensor

    class RNN(nn.Module):
        def __init__(self, input_size, hidden_size, output_size):
            super().__init__()
            self.hidden_size = hidden_size
            self.i2h = nn.Linear(input_size + hidden_size, hidden_size)
            self.h2o = nn.Linear(hidden_size, output_size)
            self.softmax = nn.LogSoftmax(dim=1)

        def forward(self, input, hidden):
            hidden = torch.tanh(self.i2h(torch.cat((input, hidden), 1)))
            return self.softmax(self.h2o(hidden)), hidden

        def init_hidden(self):
            return torch.zeros(1, self.hidden_size)

    rnn = RNN(len(letters), 8, len(categories))
    init_from_numpy(torch, rnn, seed=26, scale=0.2)
    criterion = nn.NLLLoss()
    learning_rate = 0.05
    losses, norms = [], []
    for _epoch in range(6):
        for category in categories:
            for name in data[category]:
                category_tensor = torch.tensor([categories.index(category)], dtype=torch.long)
                line_tensor = line_to_tensor(name)
                hidden = rnn.init_hidden()
                rnn.zero_grad()
                for i in range(line_tensor.size()[0]):
                    output, hidden = rnn(line_tensor[i], hidden)
                loss = criterion(output, category_tensor)
                loss.backward()
                norms.append(nn.utils.clip_grad_norm_(rnn.parameters(), max_norm=1.0).item())
                with torch.no_grad():
                    for p in rnn.parameters():
                        p.add_(p.grad, alpha=-learning_rate)
                losses.append(loss.item())
    with torch.no_grad():
        guesses = []
        for name in ["smith", "rossi", "bianchi"]:
            hidden = rnn.init_hidden()
            line = line_to_tensor(name)
            for i in range(line.size(0)):
                output, hidden = rnn(line[i], hidden)
            top_value, top_index = output.topk(1)
            guesses.append(categories[top_index[0].item()])
    assert sum(losses[-8:]) < sum(losses[:8])
    return {"losses": losses, "norms": norms, "guesses": guesses, "last_output": output}


# ---- 21. the "nn tutorial" loop: TensorDataset, DataLoader, random_split lengths, fit/validate ---
@program
def dataloader_training(torch, nn, F, optim):
    from_data = torch.utils.data
    rng = np.random.default_rng(21)
    x = torch.from_numpy(rng.standard_normal((50, 4)))
    y = torch.from_numpy(x.numpy()[:, :2].sum(1) > 0).long()
    train_ds = from_data.TensorDataset(x[:40], y[:40])
    valid_ds = from_data.TensorDataset(x[40:], y[40:])
    train_dl = from_data.DataLoader(train_ds, batch_size=16)  # in order: shuffled orders differ
    valid_dl = from_data.DataLoader(valid_ds, batch_size=32)
    model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 2))
    init_from_numpy(torch, model, seed=22, scale=0.4)
    opt = optim.SGD(model.parameters(), lr=0.2, momentum=0.9)

    def loss_batch(xb, yb, opt=None):
        loss = F.cross_entropy(model(xb), yb)
        if opt is not None:
            loss.backward()
            opt.step()
            opt.zero_grad()
        return loss.item(), len(xb)

    history = []
    for _epoch in range(6):
        model.train()
        for xb, yb in train_dl:
            loss_batch(xb, yb, opt)
        model.eval()
        with torch.no_grad():
            losses, nums = zip(*[loss_batch(xb, yb) for xb, yb in valid_dl])
        history.append(float(np.sum(np.multiply(losses, nums)) / np.sum(nums)))
    assert history[-1] < history[0]
    first_x, first_y = next(iter(train_dl))
    split = from_data.random_split(train_ds, [0.7, 0.3])
    return {"history": history, "n_batches": len(train_dl), "first_y": first_y, "first_x_shape": first_x.shape,
            "split_lengths": [len(s) for s in split], "example": train_ds[3],
            "collated": from_data.default_collate([(1.5, 2), (2.5, 3)])}


# ---- 22. a tiny decoder-only transformer (causal mask from tril, LayerNorm, AdamW) -------------
@program
def tiny_transformer(torch, nn, F, optim):
    vocab, block, n_embd, n_head = 11, 6, 8, 2

    class Head(nn.Module):
        def __init__(self, head_size):
            super().__init__()
            self.key = nn.Linear(n_embd, head_size, bias=False)
            self.query = nn.Linear(n_embd, head_size, bias=False)
            self.value = nn.Linear(n_embd, head_size, bias=False)
            self.register_buffer("tril", torch.tril(torch.ones(block, block)))

        def forward(self, x):
            B, T, C = x.shape
            k, q = self.key(x), self.query(x)
            wei = q @ k.transpose(-2, -1) * k.shape[-1] ** -0.5
            wei = wei.masked_fill(self.tril[:T, :T] == 0, float("-inf"))
            return F.softmax(wei, dim=-1) @ self.value(x)

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.heads = nn.ModuleList([Head(n_embd // n_head) for _ in range(n_head)])
            self.proj = nn.Linear(n_embd, n_embd)
            self.ffwd = nn.Sequential(nn.Linear(n_embd, 4 * n_embd), nn.GELU(), nn.Linear(4 * n_embd, n_embd))
            self.ln1, self.ln2 = nn.LayerNorm(n_embd), nn.LayerNorm(n_embd)

        def forward(self, x):
            h = self.ln1(x)
            x = x + self.proj(torch.cat([head(h) for head in self.heads], dim=-1))
            return x + self.ffwd(self.ln2(x))

    class TinyGPT(nn.Module):
        def __init__(self):
            super().__init__()
            self.tok = nn.Embedding(vocab, n_embd)
            self.pos = nn.Embedding(block, n_embd)
            self.block = Block()
            self.ln_f = nn.LayerNorm(n_embd)
            self.head = nn.Linear(n_embd, vocab)

        def forward(self, idx, targets=None):
            B, T = idx.shape
            x = self.tok(idx) + self.pos(torch.arange(T))
            logits = self.head(self.ln_f(self.block(x)))
            loss = None if targets is None else F.cross_entropy(logits.view(B * T, vocab), targets.view(B * T))
            return logits, loss

    rng = np.random.default_rng(22)
    data = torch.tensor(rng.integers(0, vocab, 200), dtype=torch.long)
    model = TinyGPT()
    init_from_numpy(torch, model, seed=23, scale=0.3)
    opt = optim.AdamW(model.parameters(), lr=1e-2)
    losses = []
    for step in range(15):
        starts = [(7 * step + 13 * b) % (len(data) - block - 1) for b in range(4)]
        x = torch.stack([data[i:i + block] for i in starts])
        y = torch.stack([data[i + 1:i + block + 1] for i in starts])
        _, loss = model(x, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < losses[0]
    with torch.no_grad():
        logits, _ = model(data[:block].view(1, block))
        probs = F.softmax(logits[:, -1, :], dim=-1)
    return {"losses": losses, "probs": probs, "n_params": sum(p.numel() for p in model.parameters()),
            "mask": model.block.heads[0].tril, "buffers": [name for name, _ in model.named_buffers()]}


# ---- 23. a bigram character model in the style of "makemore": counts, keepdims, one_hot ---------
@program
def bigram_characters(torch, nn, F, optim):
    words = ["emma", "olivia", "ava", "isabella", "sophia", "mia", "amelia", "harper", "evelyn", "abigail"]
    chars = sorted(set("".join(words)))
    stoi = {c: i + 1 for i, c in enumerate(chars)}
    stoi["."] = 0
    V = len(stoi)
    N = torch.zeros((V, V), dtype=torch.int32)
    xs, ys = [], []
    for w in words:
        chs = ["."] + list(w) + ["."]
        for a, b in zip(chs, chs[1:]):
            N[stoi[a], stoi[b]] += 1
            xs.append(stoi[a])
            ys.append(stoi[b])
    P = (N + 1).double()  # (makemore writes .float(); float64 keeps the comparison tight)
    P /= P.sum(1, keepdims=True)
    xs, ys = torch.tensor(xs), torch.tensor(ys)
    nll = -P[xs, ys].log().mean()
    W = torch.from_numpy(np.random.default_rng(23).standard_normal((V, V)) * 0.1)
    W.requires_grad = True
    losses = []
    for _ in range(25):
        logits = F.one_hot(xs, num_classes=V).double() @ W
        counts = logits.exp()
        probs = counts / counts.sum(1, keepdims=True)
        loss = -probs[torch.arange(xs.nelement()), ys].log().mean() + 0.01 * (W ** 2).mean()
        W.grad = None
        loss.backward()
        W.data += -10 * W.grad
        losses.append(loss.log10().item())
    assert losses[-1] < losses[0]
    same = F.cross_entropy(F.one_hot(xs, num_classes=V).double() @ W, ys)
    return {"counts": N, "row_sums": P.sum(axis=1), "bigram_nll": nll, "log10_losses": losses,
            "cross_entropy": same, "top": P[0].topk(3).values}  # (values: the order of tied indices differs)


# ---- 24. the "nn tutorial" CNN: Lambda modules, Conv2d, ReLU, avg pool, DataLoader ---------------
@program
def small_cnn(torch, nn, F, optim):
    class Lambda(nn.Module):
        def __init__(self, func):
            super().__init__()
            self.func = func

        def forward(self, x):
            return self.func(x)

    rng = np.random.default_rng(24)
    images = rng.standard_normal((40, 64))
    labels = (images.reshape(40, 8, 8)[:, :4].sum((1, 2)) > 0).astype(np.int64)
    ds = torch.utils.data.TensorDataset(torch.from_numpy(images), torch.from_numpy(labels))
    loader = torch.utils.data.DataLoader(ds, batch_size=10)
    model = nn.Sequential(
        Lambda(lambda x: x.view(-1, 1, 8, 8)),
        nn.Conv2d(1, 4, kernel_size=3, stride=2, padding=1), nn.ReLU(),
        nn.Conv2d(4, 4, kernel_size=3, stride=1, padding=1), nn.ReLU(),
        nn.MaxPool2d(2), nn.Conv2d(4, 2, kernel_size=1), nn.AdaptiveAvgPool2d(1),
        Lambda(lambda x: x.view(x.size(0), -1)),
    )
    init_from_numpy(torch, model, seed=25, scale=0.4)
    opt = optim.SGD(model.parameters(), lr=0.2, momentum=0.9)
    history = []
    for _epoch in range(4):
        total = 0.0
        for xb, yb in loader:
            loss = F.cross_entropy(model(xb), yb)
            loss.backward()
            opt.step()
            opt.zero_grad()
            total += loss.item()
        history.append(total / len(loader))
    assert history[-1] < history[0]
    with torch.no_grad():
        out = model(torch.from_numpy(images[:5]))
        pooled = F.avg_pool2d(torch.from_numpy(images[:2]).view(2, 1, 8, 8), 2, padding=1, count_include_pad=False)
    return {"history": history, "out": out, "pooled": pooled, "weight_grad_none": model[1].weight.grad is None,
            "state": list(model.state_dict())}


@program
def dcgan_generator(torch, nn, F, optim):
    """The generator and discriminator of the DCGAN tutorial, shrunk: transposed convolutions,
    batch norm, LeakyReLU, Tanh, BCE-with-logits, Adam with betas, one step each."""
    generator = nn.Sequential(
        nn.ConvTranspose2d(4, 8, 4, 1, 0, bias=False), nn.BatchNorm2d(8), nn.ReLU(True),
        nn.ConvTranspose2d(8, 4, 4, 2, 1, bias=False), nn.BatchNorm2d(4), nn.ReLU(True),
        nn.ConvTranspose2d(4, 1, 4, 2, 1, bias=False), nn.Tanh(),
    )
    discriminator = nn.Sequential(
        nn.Conv2d(1, 4, 4, 2, 1, bias=False), nn.LeakyReLU(0.2, inplace=True),
        nn.Conv2d(4, 8, 4, 2, 1, bias=False), nn.BatchNorm2d(8), nn.LeakyReLU(0.2, inplace=True),
        nn.Conv2d(8, 1, 4, 1, 0, bias=False), nn.Flatten(),
    )
    init_from_numpy(torch, generator, seed=31, scale=0.2)
    init_from_numpy(torch, discriminator, seed=32, scale=0.2)
    opt_g = optim.Adam(generator.parameters(), lr=2e-3, betas=(0.5, 0.999))
    opt_d = optim.Adam(discriminator.parameters(), lr=2e-3, betas=(0.5, 0.999))
    rng = np.random.default_rng(33)
    real = torch.from_numpy(np.tanh(rng.standard_normal((6, 1, 16, 16))))
    noise = torch.from_numpy(rng.standard_normal((6, 4, 1, 1)))
    ones, zeros = torch.ones(6, 1), torch.zeros(6, 1)
    losses = []
    for _ in range(3):
        fake = generator(noise)
        loss_d = (F.binary_cross_entropy_with_logits(discriminator(real), ones)
                  + F.binary_cross_entropy_with_logits(discriminator(fake.detach()), zeros))
        opt_d.zero_grad()
        loss_d.backward()
        opt_d.step()
        loss_g = F.binary_cross_entropy_with_logits(discriminator(fake), ones)
        opt_g.zero_grad()
        loss_g.backward()
        opt_g.step()
        losses.append((loss_d.item(), loss_g.item()))
    assert fake.shape == (6, 1, 16, 16) and all(math.isfinite(a) and math.isfinite(b) for a, b in losses)
    return {"losses": losses, "fake": fake, "g_grad": generator[0].weight.grad,
            "running_mean": generator[1].running_mean, "repr": repr(generator[0])}


@program
def transformer_classifier(torch, nn, F, optim):
    """A sequence classifier from nn.TransformerEncoder with a padding mask, GELU, label
    smoothing, AdamW, gradient clipping and a OneCycle schedule (dropout 0: deterministic)."""
    class Classifier(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = nn.Embedding(12, 8, padding_idx=0)
            layer = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True, activation="gelu")
            self.encoder = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
            self.head = nn.Linear(8, 3)

        def forward(self, tokens):
            pad = tokens == 0
            h = self.encoder(self.embed(tokens), src_key_padding_mask=pad)
            keep = (~pad).unsqueeze(-1).to(h.dtype)
            return self.head((h * keep).sum(1) / keep.sum(1))

    model = Classifier()
    init_from_numpy(torch, model, seed=41, scale=0.3)
    rng = np.random.default_rng(42)
    tokens = rng.integers(1, 12, size=(8, 6))
    tokens[::2, 4:] = 0  # every other sequence is two tokens shorter
    tokens = torch.from_numpy(tokens)
    labels = torch.from_numpy((tokens.numpy() % 3).max(1))
    opt = optim.AdamW(model.parameters(), lr=0.01, weight_decay=0.01)
    schedule = optim.lr_scheduler.OneCycleLR(opt, max_lr=0.02, total_steps=6)
    history, rates = [], []
    for _ in range(6):
        loss = F.cross_entropy(model(tokens), labels, label_smoothing=0.1)
        opt.zero_grad()
        loss.backward()
        norm = nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        schedule.step()
        history.append(loss.item())
        rates.append(schedule.get_last_lr()[0])
    assert history[-1] < history[0]
    return {"history": history, "rates": rates, "norm": norm, "pad_grad": model.embed.weight.grad[0],
            "keys": list(model.state_dict())[:6]}


@program
def vae_with_distributions(torch, nn, F, optim):
    """The reparameterised Gaussian of a VAE: an encoder gives (mu, log_var), a Normal's rsample
    (with fixed noise here, so both libraries see the same draw), a Bernoulli decoder's log_prob
    and the closed-form KL to N(0, 1) from kl_divergence; a few Adam steps."""
    D = torch.distributions
    encoder, decoder = nn.Linear(6, 4), nn.Linear(2, 6)
    init_from_numpy(torch, encoder, seed=51, scale=0.3)
    init_from_numpy(torch, decoder, seed=52, scale=0.3)
    rng = np.random.default_rng(53)
    x = torch.from_numpy((rng.random((5, 6)) > 0.5).astype(np.float64))
    noise = torch.from_numpy(rng.standard_normal((5, 2)))
    opt = optim.Adam(list(encoder.parameters()) + list(decoder.parameters()), lr=0.05)
    history = []
    for _ in range(5):
        mu, log_var = encoder(x).chunk(2, dim=-1)
        posterior = D.Normal(mu, (0.5 * log_var).exp())
        z = posterior.loc + posterior.scale * noise  # rsample with this noise
        likelihood = D.Bernoulli(logits=decoder(z)).log_prob(x).sum(-1)
        kl = D.kl_divergence(posterior, D.Normal(torch.zeros_like(mu), torch.ones_like(mu))).sum(-1)
        loss = (kl - likelihood).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        history.append(loss.item())
    assert history[-1] < history[0]
    return {"history": history, "entropy": posterior.entropy().detach(), "mean": posterior.mean.detach(),
            "grad": encoder.weight.grad}


@program
def packed_lstm_classifier(torch, nn, F, optim):
    """Variable-length sequences through pack_padded_sequence, a bidirectional two-layer LSTM and
    pad_packed_sequence; the final hidden states of both directions classify each sequence."""
    from_lengths = [5, 3, 4, 2]
    rng = np.random.default_rng(61)
    padded = torch.from_numpy(rng.standard_normal((4, 5, 3)))
    lstm = nn.LSTM(3, 4, num_layers=2, bidirectional=True, batch_first=True)
    head = nn.Linear(8, 2)
    init_from_numpy(torch, lstm, seed=62, scale=0.4)
    init_from_numpy(torch, head, seed=63, scale=0.4)
    labels = torch.tensor([0, 1, 1, 0])
    opt = optim.SGD(list(lstm.parameters()) + list(head.parameters()), lr=0.5)
    history = []
    for _ in range(4):
        packed = nn.utils.rnn.pack_padded_sequence(padded, torch.tensor(from_lengths), batch_first=True,
                                                   enforce_sorted=False)
        out, (h, c) = lstm(packed)
        unpacked, lengths = nn.utils.rnn.pad_packed_sequence(out, batch_first=True)
        loss = F.cross_entropy(head(torch.cat([h[-2], h[-1]], dim=1)), labels)
        opt.zero_grad()
        loss.backward()
        opt.step()
        history.append(loss.item())
    assert history[-1] < history[0] and unpacked.shape == (4, 5, 8)
    return {"history": history, "lengths": lengths, "unpacked": unpacked.detach(), "h": h.detach(),
            "grad": lstm.weight_hh_l1_reverse.grad}


@program
def least_squares_and_hessian(torch, nn, F, optim):
    """Linear algebra a tutorial meets: solve, lstsq, det/slogdet, cholesky, eigh, norms, and a
    Hessian from torch.autograd.functional; gradients flow through all of them."""
    rng = np.random.default_rng(71)
    A = torch.tensor(rng.standard_normal((5, 3)), requires_grad=True)
    b = torch.tensor(rng.standard_normal((5, 1)))
    x = torch.linalg.lstsq(A, b).solution
    residual = torch.linalg.vector_norm(A @ x - b)
    S = A.T @ A + torch.eye(3)
    L = torch.linalg.cholesky(S)
    sign, logabsdet = torch.linalg.slogdet(S)
    eigenvalues = torch.linalg.eigvalsh(S)
    total = residual + logabsdet + torch.linalg.solve(S, torch.ones(3, 1)).sum() + eigenvalues.max()
    total.backward()

    def energy(v):
        return (v ** 3).sum() + (v[0] * v[1]) ** 2

    hessian = torch.autograd.functional.hessian(energy, torch.tensor([1.0, 2.0, -1.0]))
    assert float(sign) == 1.0
    return {"x": x.detach(), "residual": residual.item(), "L": L.detach(), "logdet": logabsdet.item(),
            "det": torch.linalg.det(S).item(), "grad": A.grad, "hessian": hessian,
            "fro": torch.linalg.matrix_norm(S).item()}


@program
def hooks_and_schedulers(torch, nn, F, optim):
    """Inspecting a network as tutorials do: forward hooks that record activations, a full
    backward hook that records gradients, a tensor hook, and a ReduceLROnPlateau schedule."""
    model = nn.Sequential(nn.Linear(3, 5), nn.GELU(), nn.LayerNorm(5), nn.Linear(5, 2))
    init_from_numpy(torch, model, seed=81, scale=0.5)
    seen, grads = {}, {}

    def keep_output(name):
        def hook(module, args, output):
            seen[name] = output.detach().clone()
        return hook

    def keep_grads(module, grad_input, grad_output):
        grads["out"] = grad_output[0].detach().clone()

    handles = [model[1].register_forward_hook(keep_output("gelu")),
               model[2].register_forward_hook(keep_output("norm")),
               model[3].register_full_backward_hook(keep_grads)]
    rng = np.random.default_rng(82)
    x = torch.tensor(rng.standard_normal((4, 3)), requires_grad=True)
    x.register_hook(lambda g: g * 2)
    targets = torch.tensor([0, 1, 1, 0])
    opt = optim.SGD(model.parameters(), lr=0.3, momentum=0.5)
    schedule = optim.lr_scheduler.ReduceLROnPlateau(opt, factor=0.5, patience=0)
    rates = []
    for step in range(4):
        loss = F.cross_entropy(model(x), targets)
        opt.zero_grad()
        loss.backward()
        opt.step()
        schedule.step(1.0 if step % 2 else 2.0)  # a plateau every other step
        rates.append(opt.param_groups[0]["lr"])
    for handle in handles:
        handle.remove()
    model(x)  # no hook runs now
    return {"gelu": seen["gelu"], "norm": seen["norm"], "grad_out": grads["out"], "x_grad": x.grad,
            "rates": rates, "repr": repr(model)}


@program
def seq2seq_attention(torch, nn, F, optim):
    """The encoder-decoder with Bahdanau attention of PyTorch's translation tutorial, shrunk:
    Embedding + GRU encoder, an additive attention, a GRU decoder fed its own greedy guesses
    (topk) after one teacher-forced step, NLLLoss over log_softmax, Adam."""
    SOS, V, H, T = 0, 7, 6, 4

    class Attention(nn.Module):
        def __init__(self):
            super().__init__()
            self.Wa, self.Ua, self.Va = nn.Linear(H, H), nn.Linear(H, H), nn.Linear(H, 1)

        def forward(self, query, keys):
            scores = self.Va(torch.tanh(self.Wa(query) + self.Ua(keys)))
            weights = F.softmax(scores.squeeze(2).unsqueeze(1), dim=-1)
            return torch.bmm(weights, keys), weights

    class Decoder(nn.Module):
        def __init__(self):
            super().__init__()
            self.embedding = nn.Embedding(V, H)
            self.attention = Attention()
            self.gru = nn.GRU(2 * H, H, batch_first=True)
            self.out = nn.Linear(H, V)

        def forward(self, encoder_outputs, hidden, target):
            batch = encoder_outputs.size(0)
            token = torch.empty(batch, 1, dtype=torch.long).fill_(SOS)
            outputs, attentions = [], []
            for i in range(T):
                query = hidden.permute(1, 0, 2)
                context, weights = self.attention(query, encoder_outputs)
                step_in = torch.cat((self.embedding(token), context), dim=2)
                output, hidden = self.gru(step_in, hidden)
                outputs.append(self.out(output))
                attentions.append(weights)
                if i == 0:
                    token = target[:, i].unsqueeze(1)  # teacher forcing for the first step
                else:
                    _, topi = outputs[-1].topk(1)
                    token = topi.squeeze(-1).detach()
            return F.log_softmax(torch.cat(outputs, dim=1), dim=-1), torch.cat(attentions, dim=1)

    embedding, encoder, decoder = nn.Embedding(V, H), nn.GRU(H, H, batch_first=True), Decoder()
    for seed, module in enumerate((embedding, encoder, decoder)):
        init_from_numpy(torch, module, seed=90 + seed, scale=0.4)
    rng = np.random.default_rng(93)
    source = torch.from_numpy(rng.integers(1, V, size=(3, 5)))
    target = torch.from_numpy(rng.integers(1, V, size=(3, T)))
    params = list(embedding.parameters()) + list(encoder.parameters()) + list(decoder.parameters())
    opt = optim.Adam(params, lr=0.02)
    criterion = nn.NLLLoss()
    history = []
    for _ in range(4):
        encoder_outputs, hidden = encoder(embedding(source))
        log_probs, attentions = decoder(encoder_outputs, hidden, target)
        loss = criterion(log_probs.view(-1, log_probs.size(-1)), target.view(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
        history.append(loss.item())
    assert history[-1] < history[0] and attentions.shape == (3, T, 5)
    return {"history": history, "attentions": attentions.detach(), "grad": decoder.attention.Va.weight.grad,
            "guess": log_probs.argmax(-1)}


@program
def bilstm_crf(torch, nn, F, optim):
    """The BiLSTM-CRF tagger of PyTorch's "Advanced: making dynamic decisions" tutorial, shrunk:
    the forward algorithm with log-sum-exp in a Python loop, the gold path score, Viterbi
    decoding with .item() and argmax, SGD with weight decay."""
    START, STOP, TAGS, H = 3, 4, 5, 4

    def log_sum_exp(vec):
        best = vec[0, torch.argmax(vec, dim=1).item()]
        return best + torch.log(torch.sum(torch.exp(vec - best.view(1, -1).expand(1, vec.size()[1]))))

    class Tagger(nn.Module):
        def __init__(self):
            super().__init__()
            self.embeds = nn.Embedding(6, 3)
            self.lstm = nn.LSTM(3, H // 2, num_layers=1, bidirectional=True)
            self.to_tag = nn.Linear(H, TAGS)
            self.transitions = nn.Parameter(torch.zeros(TAGS, TAGS))

        def features(self, sentence):
            hidden = (torch.zeros(2, 1, H // 2), torch.zeros(2, 1, H // 2))
            out, _ = self.lstm(self.embeds(sentence).view(len(sentence), 1, -1), hidden)
            return self.to_tag(out.view(len(sentence), H))

        def forward_score(self, feats):
            alphas = torch.full((1, TAGS), -10000.0)
            alphas[0][START] = 0.0
            for feat in feats:
                alphas = torch.cat([log_sum_exp(alphas + self.transitions[tag].view(1, -1)
                                                + feat[tag].view(1, -1).expand(1, TAGS)).view(1)
                                    for tag in range(TAGS)]).view(1, -1)
            return log_sum_exp(alphas + self.transitions[STOP])

        def gold_score(self, feats, tags):
            tags = torch.cat([torch.tensor([START], dtype=torch.long), tags])
            score = torch.zeros(1)
            for i, feat in enumerate(feats):
                score = score + self.transitions[tags[i + 1], tags[i]] + feat[tags[i + 1]]
            return score + self.transitions[STOP, tags[-1]]

        def viterbi(self, feats):
            backpointers, scores = [], torch.full((1, TAGS), -10000.0)
            scores[0][START] = 0
            for feat in feats:
                best = [torch.argmax(scores + self.transitions[t]).item() for t in range(TAGS)]
                values = [(scores + self.transitions[t])[0][best[t]].view(1) for t in range(TAGS)]
                scores = (torch.cat(values) + feat).view(1, -1)
                backpointers.append(best)
            terminal = scores + self.transitions[STOP]
            tag = torch.argmax(terminal).item()
            path = [tag]
            for best in reversed(backpointers):
                tag = best[tag]
                path.append(tag)
            return terminal[0][path[0]].item(), list(reversed(path))[1:]

    model = Tagger()
    init_from_numpy(torch, model, seed=101, scale=0.4)
    sentence, tags = torch.tensor([1, 2, 5, 0]), torch.tensor([0, 1, 2, 1])
    opt = optim.SGD(model.parameters(), lr=0.05, weight_decay=1e-4)
    history = []
    for _ in range(3):
        feats = model.features(sentence)
        loss = model.forward_score(feats) - model.gold_score(feats, tags)
        model.zero_grad()
        loss.backward()
        opt.step()
        history.append(loss.item())
    with torch.no_grad():
        best_score, path = model.viterbi(model.features(sentence))
    assert history[-1] < history[0] and len(path) == 4
    return {"history": history, "best": best_score, "path": path, "transitions_grad": model.transitions.grad}


# ---- running and comparing ---------------------------------------------------------------------
def namespaces(library: str):
    """The four names a PyTorch program imports, from torch or from tinygrad_edu."""
    root = importlib.import_module(library)
    return (root, importlib.import_module(f"{library}.nn"), importlib.import_module(f"{library}.nn.functional"),
            importlib.import_module(f"{library}.optim"))


def run(fn, library: str) -> dict:
    torch, nn, F, optim = namespaces(library)
    before = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        return fn(torch, nn, F, optim)
    finally:
        torch.set_default_dtype(before)


def check_program(fn, name: str) -> None:
    """Run `fn` with tinygrad_edu (finite results, its own asserts) and, when installed, with
    PyTorch: the two results must agree."""
    ours = normalize(run(fn, "tinygrad_edu"))
    assert _all_finite(ours), f"{name}: a NaN or inf in the result"
    if not HAS_TORCH:
        return  # the program's own asserts (falling losses, gradcheck) were the check
    theirs = normalize(run(fn, "torch"))
    assert_same(ours, theirs, name)


def normalize(value):
    """A value in library-neutral form: tensors as (dtype name, shape, array); other things as
    (type name, value), so an np.float64 where PyTorch gives a float is a difference."""
    if hasattr(value, "detach") and hasattr(value, "numpy"):  # a tensor of either library
        array = np.array(value.detach().numpy(), copy=True)
        return ("tensor", str(value.dtype).replace("torch.", ""), tuple(array.shape), array)
    if isinstance(value, np.ndarray):
        return ("ndarray", str(value.dtype), value.shape, value)
    if isinstance(value, dict):
        return {key: normalize(v) for key, v in value.items()}
    if isinstance(value, (list, tuple)):  # also shapes (torch.Size, tg.Size) and named tuples
        return [normalize(v) for v in value]
    if isinstance(value, np.dtype) or type(value).__name__ == "dtype":  # np.dtype('float64') / torch.float64
        return ("dtype", str(value).replace("torch.", ""))
    return (type(value).__name__, value)


def assert_same(ours, theirs, where: str = "result") -> None:
    if isinstance(theirs, dict):
        assert isinstance(ours, dict), f"{where}: a dict in PyTorch, {type(ours).__name__} here"
        assert list(ours) == list(theirs), f"{where}: keys {list(ours)} here, {list(theirs)} in PyTorch"
        for key in theirs:
            assert_same(ours[key], theirs[key], f"{where}[{key!r}]")
        return
    if isinstance(theirs, list):
        assert isinstance(ours, list) and len(ours) == len(theirs), f"{where}: {ours!r} here, {theirs!r} in PyTorch"
        for i, (a, b) in enumerate(zip(ours, theirs)):
            assert_same(a, b, f"{where}[{i}]")
        return
    if theirs[0] in ("tensor", "ndarray"):
        assert ours[0] == theirs[0], f"{where}: a {ours[0]} here, a {theirs[0]} in PyTorch"
        assert ours[1] == theirs[1], f"{where}: dtype {ours[1]} here, {theirs[1]} in PyTorch"
        assert ours[2] == theirs[2], f"{where}: shape {ours[2]} here, {theirs[2]} in PyTorch"
        np.testing.assert_allclose(ours[3], theirs[3], rtol=1e-9, atol=1e-10, err_msg=where)
        return
    assert ours[0] == theirs[0], f"{where}: a {ours[0]} ({ours[1]!r}) here, a {theirs[0]} ({theirs[1]!r}) in PyTorch"
    if isinstance(theirs[1], float) and not isinstance(theirs[1], bool):
        assert math.isclose(ours[1], theirs[1], rel_tol=1e-9, abs_tol=1e-10), f"{where}: {ours[1]} != {theirs[1]}"
    else:
        assert ours[1] == theirs[1], f"{where}: {ours[1]!r} here, {theirs[1]!r} in PyTorch"


def _all_finite(value) -> bool:
    if isinstance(value, dict):
        return all(_all_finite(v) for v in value.values())
    if isinstance(value, list):
        return all(_all_finite(v) for v in value)
    if value[0] in ("tensor", "ndarray"):
        return value[3].dtype.kind not in "fc" or bool(np.isfinite(value[3]).all())
    return not isinstance(value[1], float) or math.isfinite(value[1])


test_program_runs_here_and_matches_pytorch = PROGRAMS_HERE.test()


def test_at_least_twelve_programs():
    assert len(PROGRAMS) >= 12


def test_the_comparison_can_fail():
    """The comparison notices a different Python type, dtype, shape, value, key or string."""
    import tinygrad_edu as tg

    same = normalize({"loss": 0.5, "w": tg.tensor([1.0, 2.0]), "text": "tensor(2.)"})
    assert_same(same, normalize({"loss": 0.5, "w": tg.tensor([1.0, 2.0]), "text": "tensor(2.)"}))
    for other in ({"loss": np.float64(0.5), "w": tg.tensor([1.0, 2.0]), "text": "tensor(2.)"},
                  {"loss": 0.5, "w": tg.tensor([1.0, 2.0], dtype=tg.float32), "text": "tensor(2.)"},
                  {"loss": 0.5, "w": tg.tensor([[1.0, 2.0]]), "text": "tensor(2.)"},
                  {"loss": 0.5, "w": tg.tensor([1.0, 2.0 + 1e-8]), "text": "tensor(2.)"},
                  {"loss": 0.5 + 1e-8, "w": tg.tensor([1.0, 2.0]), "text": "tensor(2.)"},
                  {"loss": 0.5, "w": tg.tensor([1.0, 2.0]), "text": "tensor(2.0)"},
                  {"loss": 0.5, "weight": tg.tensor([1.0, 2.0]), "text": "tensor(2.)"}):
        with pytest.raises(AssertionError):
            assert_same(normalize(other), same)
