"""PyTorch's NLP tutorials (pytorch.org, PyTorch 2.x), written from the tutorials' own code with
tiny made-up vocabularies and data in place of downloads, run with torch and with tinygrad_edu:

- "NLP From Scratch: Classifying Names with a Character-Level RNN", Sean Robertson (2017; the
  nn.RNN rewrite with a Dataset and mini-batches by Matthew Schultz, 2024).
- "NLP From Scratch: Generating Names with a Character-Level RNN", Sean Robertson (2017).
- "Deep Learning for NLP with Pytorch", Robert Guthrie (2017): "Introduction to PyTorch",
  "Deep Learning with PyTorch" (building blocks, the bag-of-words classifier), "Word Embeddings:
  Encoding Lexical Semantics" (N-gram model, CBOW exercise), "Sequence Models and Long Short-Term
  Memory Networks" (nn.LSTM, the LSTM part-of-speech tagger).
- "Language Modeling with nn.Transformer and torchtext" (PyTorch tutorials, 2020-2023).
- "Text classification with the torchtext library" (PyTorch tutorials, 2020-2023).
- "NLP From Scratch: Translation with a Sequence to Sequence Network and Attention", Sean
  Robertson (2017; the batched GRU / BahdanauAttention rewrite, 2023).

Randomness that the tutorials draw (torch.randn inputs, default inits, uniform_ inits, dropout in
training, RandomSampler, random_split) never reaches a compared value: inputs come from seeded
numpy, weights are overwritten with init_from_numpy, dropout is p=0 while training (the tutorials'
p is shown in print(model) and used in eval mode), the samplers are sequential.
Printed text is captured with contextlib.redirect_stdout; object addresses (" at 0x...") in
printed grad_fn objects are blanked before comparing.
"""
# ruff: noqa: B007, B008, F841  (the tutorials' own idioms: `for epoch in range(...)` with epoch unused,
# `criterion=nn.NLLLoss()` as a default argument, `loss = criterion(...)` computed in evaluate() and unused)
from __future__ import annotations

import contextlib
import io
import math
import re
import string
import unicodedata

import numpy as np

from tests.test_pytorch_programs import Programs, init_from_numpy

programs = Programs()


def _no_addresses(text: str) -> str:
    return re.sub(r" at 0x[0-9a-fA-F]+", " at 0x?", text)


# ==== 1. Classifying names with a character-level RNN ============================================
NAMES = {  # a tiny stand-in for data/names/*.txt
    "English": ["Smith", "Jones", "Taylor", "Brown", "Walker"],
    "Italian": ["Rossi", "Russo", "Ferrari", "Bianchi", "Romano"],
    "Polish": ["Ślusàrski", "Nowak", "Kowalski", "Wójcik", "Zielinski"],
}


@programs.add(differs="print(t.size()) shows (5, 1, 57), torch shows torch.Size([5, 1, 57]): Size is a plain "
                    "tuple (tensor_types.py Size = tuple)")
def names_letters_to_tensors(torch, nn, F, optim):
    """The tutorial's data preparation: unicodeToAscii, letterToIndex, lineToTensor, printed."""
    all_letters = string.ascii_letters + " .,;'"
    n_letters = len(all_letters)

    def unicodeToAscii(s):
        return ''.join(
            c for c in unicodedata.normalize('NFD', s)
            if unicodedata.category(c) != 'Mn'
            and c in all_letters
        )

    def letterToIndex(letter):
        return all_letters.find(letter)

    def letterToTensor(letter):
        tensor = torch.zeros(1, n_letters)
        tensor[0][letterToIndex(letter)] = 1
        return tensor

    def lineToTensor(line):
        tensor = torch.zeros(len(line), 1, n_letters)
        for li, letter in enumerate(line):
            tensor[li][0][letterToIndex(letter)] = 1
        return tensor

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        print(unicodeToAscii('Ślusàrski'))
        print(letterToTensor('J'))
        print(lineToTensor('Jones').size())
        print(letterToIndex('J'))
    line = lineToTensor(unicodeToAscii(NAMES["Polish"][0]))
    assert line.sum().item() == len("Slusarski")
    return {"printed": out.getvalue(), "line": line, "argmax": line.argmax(dim=2).view(-1),
            "size": line.size(), "dtype": line.dtype}


@programs.add(xfail="p.data.add_(p.grad.data, alpha=-learning_rate): Tensor.data is the numpy ndarray, "
                    "AttributeError: 'numpy.ndarray' object has no attribute 'add_'")
def names_classifier_rnn_by_hand(torch, nn, F, optim):
    """The 2017 tutorial: an RNN cell from nn.Linear on torch.cat((input, hidden), 1), manual SGD
    with p.data.add_(p.grad.data, alpha=-learning_rate), categoryFromOutput, a confusion matrix."""
    all_letters = string.ascii_letters + " .,;'"
    n_letters = len(all_letters)

    def unicodeToAscii(s):
        return ''.join(c for c in unicodedata.normalize('NFD', s)
                       if unicodedata.category(c) != 'Mn' and c in all_letters)

    category_lines = {k: [unicodeToAscii(line) for line in v] for k, v in NAMES.items()}
    all_categories = list(category_lines)
    n_categories = len(all_categories)

    def lineToTensor(line):
        tensor = torch.zeros(len(line), 1, n_letters)
        for li, letter in enumerate(line):
            tensor[li][0][all_letters.find(letter)] = 1
        return tensor

    class RNN(nn.Module):
        def __init__(self, input_size, hidden_size, output_size):
            super(RNN, self).__init__()
            self.hidden_size = hidden_size
            self.i2h = nn.Linear(input_size + hidden_size, hidden_size)
            self.i2o = nn.Linear(input_size + hidden_size, output_size)
            self.softmax = nn.LogSoftmax(dim=1)

        def forward(self, input, hidden):
            combined = torch.cat((input, hidden), 1)
            hidden = self.i2h(combined)
            output = self.i2o(combined)
            output = self.softmax(output)
            return output, hidden

        def initHidden(self):
            return torch.zeros(1, self.hidden_size)

    n_hidden = 16
    rnn = RNN(n_letters, n_hidden, n_categories)
    init_from_numpy(torch, rnn, seed=100, scale=0.1)

    input = lineToTensor('Albert')
    hidden = torch.zeros(1, n_hidden)
    output, next_hidden = rnn(input[0], hidden)
    first_output = str(output)

    def categoryFromOutput(output):
        top_n, top_i = output.topk(1)
        category_i = top_i[0].item()
        return all_categories[category_i], category_i

    criterion = nn.NLLLoss()
    learning_rate = 0.05

    def train(category_tensor, line_tensor):
        hidden = rnn.initHidden()
        rnn.zero_grad()
        for i in range(line_tensor.size()[0]):
            output, hidden = rnn(line_tensor[i], hidden)
        loss = criterion(output, category_tensor)
        loss.backward()
        # Add parameters' gradients to their values, multiplied by learning rate
        for p in rnn.parameters():
            p.data.add_(p.grad.data, alpha=-learning_rate)
        return output, loss.item()

    examples = [(c, line) for i in range(5) for c in all_categories for line in category_lines[c][i:i + 1]]
    all_losses = []
    for _epoch in range(4):
        current_loss = 0
        for category, line in examples:
            category_tensor = torch.tensor([all_categories.index(category)], dtype=torch.long)
            line_tensor = lineToTensor(line)
            output, loss = train(category_tensor, line_tensor)
            current_loss += loss
        all_losses.append(current_loss / len(examples))
    guess, guess_i = categoryFromOutput(output)

    confusion = torch.zeros(n_categories, n_categories)

    def evaluate(line_tensor):
        hidden = rnn.initHidden()
        for i in range(line_tensor.size()[0]):
            output, hidden = rnn(line_tensor[i], hidden)
        return output

    for category, line in examples:
        output = evaluate(lineToTensor(line))
        guess, guess_i = categoryFromOutput(output)
        category_i = all_categories.index(category)
        confusion[category_i][guess_i] += 1
    for i in range(n_categories):
        confusion[i] = confusion[i] / confusion[i].sum()
    assert all_losses[-1] < all_losses[0]
    return {"first_output": first_output, "losses": all_losses, "guess": guess, "guess_i": guess_i,
            "confusion": confusion, "i2h_grad": rnn.i2h.weight.grad, "requires_grad": output.requires_grad}


@programs.add
def names_classifier_h2h_cell(torch, nn, F, optim):
    """The 2023 revision of the cell: i2h(input) + h2h(hidden) through F.tanh, then h2o; trained
    one name at a time with optim.SGD and clip_grad_norm_."""
    letters = string.ascii_letters + " .,;'"

    def lineToTensor(line):
        tensor = torch.zeros(len(line), 1, len(letters))
        for li, letter in enumerate(line):
            tensor[li][0][letters.find(letter)] = 1
        return tensor

    class RNN(nn.Module):
        def __init__(self, input_size, hidden_size, output_size):
            super(RNN, self).__init__()
            self.hidden_size = hidden_size
            self.i2h = nn.Linear(input_size, hidden_size)
            self.h2h = nn.Linear(hidden_size, hidden_size)
            self.h2o = nn.Linear(hidden_size, output_size)
            self.softmax = nn.LogSoftmax(dim=1)

        def forward(self, input, hidden):
            hidden = F.tanh(self.i2h(input) + self.h2h(hidden))
            output = self.h2o(hidden)
            output = self.softmax(output)
            return output, hidden

        def initHidden(self):
            return torch.zeros(1, self.hidden_size)

    categories = ["English", "Italian"]
    rnn = RNN(len(letters), 12, len(categories))
    init_from_numpy(torch, rnn, seed=101, scale=0.15)
    printed = str(rnn)
    criterion = nn.NLLLoss()
    optimizer = optim.SGD(rnn.parameters(), lr=0.1)
    losses, norms = [], []
    for _epoch in range(3):
        for category in categories:
            for line in NAMES[category]:
                category_tensor = torch.tensor([categories.index(category)], dtype=torch.long)
                line_tensor = lineToTensor(line)
                hidden = rnn.initHidden()
                rnn.zero_grad()
                for i in range(line_tensor.size()[0]):
                    output, hidden = rnn(line_tensor[i], hidden)
                loss = criterion(output, category_tensor)
                loss.backward()
                norms.append(torch.nn.utils.clip_grad_norm_(rnn.parameters(), 3))
                optimizer.step()
                losses.append(loss.item())
    assert sum(losses[-10:]) < sum(losses[:10])
    return {"printed": printed, "losses": losses, "norms": norms, "hidden": hidden}


@programs.add
def names_classifier_nn_rnn_dataset(torch, nn, F, optim):
    """The 2024 rewrite: a NamesDataset (torch.utils.data.Dataset) of (label_tensor, text_tensor,
    label, text), CharRNN = nn.RNN + nn.Linear + nn.LogSoftmax(dim=1), mini-batches from
    np.array_split with batch_loss += loss, clip_grad_norm_(rnn.parameters(), 3), optim.SGD,
    rnn.train()/rnn.eval(), and the row-normalised confusion matrix."""
    allowed_characters = string.ascii_letters + " .,;'" + "_"
    n_letters = len(allowed_characters)

    def unicodeToAscii(s):
        return ''.join(
            c for c in unicodedata.normalize('NFD', s)
            if unicodedata.category(c) != 'Mn'
            and c in allowed_characters
        )

    def letterToIndex(letter):
        if letter not in allowed_characters:
            return allowed_characters.find("_")
        else:
            return allowed_characters.find(letter)

    def lineToTensor(line):
        tensor = torch.zeros(len(line), 1, n_letters)
        for li, letter in enumerate(line):
            tensor[li][0][letterToIndex(letter)] = 1
        return tensor

    class NamesDataset(torch.utils.data.Dataset):
        def __init__(self, names):
            labels_set = set()
            self.data = []
            self.data_tensors = []
            self.labels = []
            self.labels_tensors = []
            for label, lines in names.items():
                labels_set.add(label)
                for name in lines:
                    self.data.append(name)
                    self.data_tensors.append(lineToTensor(name))
                    self.labels.append(label)
            self.labels_uniq = sorted(labels_set)
            for idx in range(len(self.labels)):
                temp_tensor = torch.tensor([self.labels_uniq.index(self.labels[idx])], dtype=torch.long)
                self.labels_tensors.append(temp_tensor)

        def __len__(self):
            return len(self.data)

        def __getitem__(self, idx):
            data_item = self.data[idx]
            data_label = self.labels[idx]
            data_tensor = self.data_tensors[idx]
            label_tensor = self.labels_tensors[idx]
            return label_tensor, data_tensor, data_label, data_item

    alldata = NamesDataset(NAMES)
    device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
    train_set, test_set = torch.utils.data.random_split(alldata, [.85, .15],
                                                        generator=torch.Generator(device=device).manual_seed(2024))
    split = (len(train_set), len(test_set))  # (which names went where is a random draw: not compared)
    shown = io.StringIO()
    with contextlib.redirect_stdout(shown):
        print(f"loaded {len(alldata)} items of data")
        print(f"example = {alldata[2]}")
        print(f"train examples = {len(train_set)}, validation examples = {len(test_set)}")

    class CharRNN(nn.Module):
        def __init__(self, input_size, hidden_size, output_size):
            super(CharRNN, self).__init__()
            self.rnn = nn.RNN(input_size, hidden_size)
            self.h2o = nn.Linear(hidden_size, output_size)
            self.softmax = nn.LogSoftmax(dim=1)

        def forward(self, line_tensor):
            rnn_out, hidden = self.rnn(line_tensor)
            output = self.h2o(hidden[0])
            output = self.softmax(output)
            return output

    n_hidden = 16
    rnn = CharRNN(n_letters, n_hidden, len(alldata.labels_uniq))
    init_from_numpy(torch, rnn, seed=102, scale=0.15)
    printed = str(rnn)

    def label_from_output(output, output_labels):
        top_n, top_i = output.topk(1)
        label_i = top_i[0].item()
        return output_labels[label_i], label_i

    input = lineToTensor('Albert')
    output = rnn(input)
    first = (str(output), label_from_output(output, alldata.labels_uniq))

    def train(rnn, training_data, n_epoch=10, n_batch_size=64, learning_rate=0.2, criterion=nn.NLLLoss()):
        current_loss = 0
        all_losses = []
        rnn.train()
        optimizer = torch.optim.SGD(rnn.parameters(), lr=learning_rate)
        for iter in range(1, n_epoch + 1):
            rnn.zero_grad()  # clear the gradients
            batches = list(range(len(training_data)))  # (the tutorial shuffles: random.shuffle)
            batches = np.array_split(batches, len(batches) // n_batch_size)
            for idx, batch in enumerate(batches):
                batch_loss = 0
                for i in batch:  # for each example in this batch
                    (label_tensor, text_tensor, label, text) = training_data[i]
                    output = rnn.forward(text_tensor)
                    loss = criterion(output, label_tensor)
                    batch_loss += loss
                # optimize parameters
                batch_loss.backward()
                nn.utils.clip_grad_norm_(rnn.parameters(), 3)
                optimizer.step()
                optimizer.zero_grad()
                current_loss += batch_loss.item() / len(batch)
            all_losses.append(current_loss / len(batches))
            current_loss = 0
        return all_losses

    all_losses = train(rnn, alldata, n_epoch=6, n_batch_size=5, learning_rate=0.15)

    def evaluate(rnn, testing_data, classes):
        confusion = torch.zeros(len(classes), len(classes))
        rnn.eval()  # set to eval mode
        with torch.no_grad():  # do not record the gradients during eval phase
            for i in range(len(testing_data)):
                (label_tensor, text_tensor, label, text) = testing_data[i]
                output = rnn(text_tensor)
                guess, guess_i = label_from_output(output, classes)
                label_i = classes.index(label)
                confusion[label_i][guess_i] += 1
        # Normalize by dividing every row by its sum
        for i in range(len(classes)):
            denom = confusion[i].sum()
            if denom > 0:
                confusion[i] = confusion[i] / denom
        return confusion

    confusion = evaluate(rnn, alldata, alldata.labels_uniq)
    assert all_losses[-1] < all_losses[0]
    return {"printed": printed, "shown": shown.getvalue(), "split": split, "first": first, "losses": all_losses,
            "confusion": confusion,
            "training": rnn.training, "state_keys": list(rnn.state_dict().keys()),
            "weight_hh_grad": rnn.rnn.weight_hh_l0.grad}


# ==== 2. Generating names with a character-level RNN =============================================
@programs.add(xfail="loss = torch.Tensor([0]) is an int64 tensor (torch: the default float dtype), so "
                    "loss += l raises ArgumentDtypeError; and p.data.add_(p.grad.data, ...) fails: Tensor.data "
                    "is the numpy ndarray")
def generating_names(torch, nn, F, optim):
    """Category + letter + hidden -> i2h/i2o/o2o with dropout and LogSoftmax; targets from
    torch.LongTensor(letter_indexes) with unsqueeze_(-1); loss = torch.Tensor([0]); loss += l;
    p.data.add_; greedy sampling with topk(1) in eval mode (dropout off)."""
    all_letters = string.ascii_letters + " .,;'-"
    n_letters = len(all_letters) + 1  # Plus EOS marker
    category_lines = {"English": ["Abel", "Alan", "Bart"], "Italian": ["Abate", "Alba", "Bruno"]}
    all_categories = list(category_lines)
    n_categories = len(all_categories)

    class RNN(nn.Module):
        def __init__(self, input_size, hidden_size, output_size, dropout=0.1):
            super(RNN, self).__init__()
            self.hidden_size = hidden_size
            self.i2h = nn.Linear(n_categories + input_size + hidden_size, hidden_size)
            self.i2o = nn.Linear(n_categories + input_size + hidden_size, output_size)
            self.o2o = nn.Linear(hidden_size + output_size, output_size)
            self.dropout = nn.Dropout(dropout)
            self.softmax = nn.LogSoftmax(dim=1)

        def forward(self, category, input, hidden):
            input_combined = torch.cat((category, input, hidden), 1)
            hidden = self.i2h(input_combined)
            output = self.i2o(input_combined)
            output_combined = torch.cat((hidden, output), 1)
            output = self.o2o(output_combined)
            output = self.dropout(output)
            output = self.softmax(output)
            return output, hidden

        def initHidden(self):
            return torch.zeros(1, self.hidden_size)

    def categoryTensor(category):
        li = all_categories.index(category)
        tensor = torch.zeros(1, n_categories)
        tensor[0][li] = 1
        return tensor

    def inputTensor(line):
        tensor = torch.zeros(len(line), 1, n_letters)
        for li in range(len(line)):
            letter = line[li]
            tensor[li][0][all_letters.find(letter)] = 1
        return tensor

    def targetTensor(line):
        letter_indexes = [all_letters.find(line[li]) for li in range(1, len(line))]
        letter_indexes.append(n_letters - 1)  # EOS
        return torch.LongTensor(letter_indexes)

    rnn = RNN(n_letters, 16, n_letters)
    printed = str(rnn)
    init_from_numpy(torch, rnn, seed=110, scale=0.1)
    rnn.dropout.p = 0.0  # training draws dropout masks: compared runs train without them

    criterion = nn.NLLLoss()
    learning_rate = 0.05

    def train(category_tensor, input_line_tensor, target_line_tensor):
        target_line_tensor.unsqueeze_(-1)
        hidden = rnn.initHidden()
        rnn.zero_grad()
        loss = torch.Tensor([0])  # you can also just simply use ``loss = 0``
        for i in range(input_line_tensor.size(0)):
            output, hidden = rnn(category_tensor, input_line_tensor[i], hidden)
            l = criterion(output, target_line_tensor[i])
            loss += l
        loss.backward()
        for p in rnn.parameters():
            p.data.add_(p.grad.data, alpha=-learning_rate)
        return output, loss.item() / input_line_tensor.size(0)

    target_shape = tuple(targetTensor("Abel").shape)
    all_losses = []
    for _epoch in range(8):
        total_loss = 0
        for category in all_categories:
            for line in category_lines[category]:
                output, loss = train(categoryTensor(category), inputTensor(line), targetTensor(line))
                total_loss += loss
        all_losses.append(total_loss)

    max_length = 8

    def sample(category, start_letter='A'):
        with torch.no_grad():  # no need to track history in sampling
            category_tensor = categoryTensor(category)
            input = inputTensor(start_letter)
            hidden = rnn.initHidden()
            output_name = start_letter
            for i in range(max_length):
                output, hidden = rnn(category_tensor, input[0], hidden)
                topv, topi = output.topk(1)
                topi = topi[0][0]
                if topi == n_letters - 1:
                    break
                else:
                    letter = all_letters[topi]
                    output_name += letter
                input = inputTensor(letter)
            return output_name

    rnn.dropout.p = 0.1
    rnn.eval()
    samples = [sample(c, s) for c in all_categories for s in "AB"]
    with torch.no_grad():
        eval_out, _ = rnn(categoryTensor("English"), inputTensor("A")[0], rnn.initHidden())
    assert all_losses[-1] < all_losses[0]
    return {"printed": printed, "target_shape": target_shape, "target_dtype": targetTensor("Al").dtype,
            "losses": all_losses, "samples": samples, "eval_out": eval_out, "last_output": output}


# ==== 3. Robert Guthrie's "Deep Learning for NLP with Pytorch" ==================================
@programs.add
def guthrie_tensors_and_building_blocks(torch, nn, F, optim):
    """"Introduction to PyTorch" (creating tensors, indexing, cat, view, backward, requires_grad_,
    detach, no_grad) and "Deep Learning with PyTorch" (an affine map nn.Linear(5, 3), F.relu,
    F.softmax(data, dim=0), F.log_softmax), every print of the two pages (torch.randn -> numpy),
    except the lines that show a grad_fn: those are in guthrie_printed_tensors_with_grad_fn, whose
    printed text differs."""
    rng = np.random.default_rng(120)

    def randn(*shape):
        return torch.from_numpy(rng.standard_normal(shape))

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        torch.manual_seed(1)
        V_data = [1., 2., 3.]
        V = torch.tensor(V_data)
        print(V)
        M_data = [[1., 2., 3.], [4., 5., 6]]
        M = torch.tensor(M_data)
        print(M)
        T_data = [[[1., 2.], [3., 4.]],
                  [[5., 6.], [7., 8.]]]
        T = torch.tensor(T_data)
        print(T)
        print(V[0])
        print(V[0].item())
        print(M[0])
        print(T[0])
        x = randn(3, 4, 5)
        print(x)

        x = torch.tensor([1., 2., 3.])
        y = torch.tensor([4., 5., 6.])
        z = x + y
        print(z)
        # By default, it concatenates along the first axis (concatenates rows)
        x_1 = randn(2, 5)
        y_1 = randn(3, 5)
        z_1 = torch.cat([x_1, y_1])
        print(z_1)
        # Concatenate columns:
        x_2 = randn(2, 3)
        y_2 = randn(2, 5)
        z_2 = torch.cat([x_2, y_2], 1)
        print(z_2)
        x = randn(2, 3, 4)
        print(x)
        print(x.view(2, 12))  # Reshape to 2 rows, 12 columns
        print(x.view(2, -1))

        x = torch.tensor([1., 2., 3], requires_grad=True)
        y = torch.tensor([4., 5., 6], requires_grad=True)
        z = x + y
        print(z)
        s = z.sum()
        print(s)
        s.backward()
        print(x.grad)

        x = randn(2, 2)
        y = randn(2, 2)
        print(x.requires_grad, y.requires_grad)
        z = x + y
        print(z.grad_fn)  # None: no grad_fn object to print
        x = x.requires_grad_()
        y = y.requires_grad_()
        z = x + y
        print(z.requires_grad)
        new_z = z.detach()
        print(new_z.grad_fn)
        print(z.detach().requires_grad)
        print(x.requires_grad)
        print((x ** 2).requires_grad)
        with torch.no_grad():
            print((x ** 2).requires_grad)

        # "Deep Learning Building Blocks"
        lin = nn.Linear(5, 3)  # maps from R^5 to R^3, parameters A, b
        init_from_numpy(torch, lin, seed=122)
        data = randn(2, 5)
        affine = lin(data)  # (printed in the tutorial: see guthrie_printed_tensors_with_grad_fn)
        data = randn(2, 2)
        print(data)
        print(F.relu(data))
        data = randn(5)
        print(data)
        print(F.softmax(data, dim=0))
        total = F.softmax(data, dim=0).sum()  # Sums to 1 (printed in the tutorial: see there too)
        print(F.log_softmax(data, dim=0))  # theres also log_softmax
    assert torch.equal(z_1[:2], x_1) and abs(total.item() - 1) < 1e-12
    return {"printed": out.getvalue(), "z_2": z_2, "x_grad": x.grad, "affine": affine, "lin": str(lin),
            "softmax_sum": total.item(), "grad_fn_is_set": [z.grad_fn is not None, s.grad_fn is not None]}


@programs.add(differs="nn.LSTM's output prints grad_fn=<ViewBackward0> (PyTorch: StackBackward0, its last op "
                      "differs from ours); print(F.softmax(data, dim=0).sum()) shows tensor(1.) (numpy's pairwise "
                      "sum is exactly 1.0) where torch shows tensor(1.0000) (0.9999999999999999)")
def guthrie_printed_tensors_with_grad_fn(torch, nn, F, optim):
    """The Guthrie tutorials' prints of grad_fn objects: print(z.grad_fn), print(s.grad_fn)
    (addresses blanked), and of tensors that carry a grad_fn: print(lin(data)),
    print(next(model.parameters())[:, word_to_ix["creo"]]), print(embeds(lookup_tensor)),
    print(model.embeddings.weight[word_to_ix["beauty"]]), print(out) / print(hidden) of nn.LSTM,
    and the softmax sum."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        x = torch.tensor([1., 2., 3], requires_grad=True)
        y = torch.tensor([4., 5., 6], requires_grad=True)
        z = x + y
        # BUT z knows something extra.
        print(z.grad_fn)
        s = z.sum()
        print(s.grad_fn)
    grad_fn_objects = _no_addresses(out.getvalue())

    rng = np.random.default_rng(121)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        lin = nn.Linear(5, 3)
        init_from_numpy(torch, lin, seed=122)
        data = torch.from_numpy(rng.standard_normal((2, 5)))
        print(lin(data))
    affine = out.getvalue()

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        model = nn.Sequential(nn.Linear(6, 2))
        init_from_numpy(torch, model, seed=123)
        print(next(model.parameters())[:, 2])
        print(next(model.parameters())[1])
    selected = out.getvalue()

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        word_to_ix = {"hello": 0, "world": 1}
        embeds = nn.Embedding(2, 5)  # 2 words in vocab, 5 dimensional embeddings
        init_from_numpy(torch, embeds, seed=124)
        lookup_tensor = torch.tensor([word_to_ix["hello"]], dtype=torch.long)
        hello_embed = embeds(lookup_tensor)
        print(hello_embed)
    embedded = out.getvalue()

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        lstm = nn.LSTM(3, 3)  # Input dim is 3, output dim is 3
        init_from_numpy(torch, lstm, seed=128)
        inputs = torch.from_numpy(rng.standard_normal((5, 1, 3)))
        hidden = (torch.from_numpy(rng.standard_normal((1, 1, 3))),
                  torch.from_numpy(rng.standard_normal((1, 1, 3))))
        out_, hidden = lstm(inputs, hidden)
        print(out_)
        print(hidden)
    lstm_printed = out.getvalue()

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        rng = np.random.default_rng(121)
        data = torch.from_numpy(rng.standard_normal((2, 5)))  # lin's input, as in "Building Blocks"
        data = torch.from_numpy(rng.standard_normal((2, 2)))  # relu's input
        data = torch.from_numpy(rng.standard_normal(5))
        print(F.softmax(data, dim=0).sum())  # Sums to 1 because it is a distribution!
    return {"grad_fn_objects": grad_fn_objects, "affine": affine, "selected": selected, "embedded": embedded,
            "lstm": lstm_printed,
            "softmax_sum": out.getvalue()}


@programs.add
def guthrie_bag_of_words(torch, nn, F, optim):
    """The Spanish/English BoW classifier exactly as written: make_bow_vector with vec.view(1, -1),
    make_target with torch.LongTensor, `for param in model.parameters(): print(param)`,
    next(model.parameters())[:, word_to_ix["creo"]] before and after (returned here: its printed
    form is in guthrie_printed_tensors_with_grad_fn), NLLLoss, SGD lr 0.1."""
    data = [("me gusta comer en la cafeteria".split(), "SPANISH"),
            ("Give it to me".split(), "ENGLISH"),
            ("No creo que sea una buena idea".split(), "SPANISH"),
            ("No it is not a good idea to get lost at sea".split(), "ENGLISH")]
    test_data = [("Yo creo que si".split(), "SPANISH"),
                 ("it is lost on me".split(), "ENGLISH")]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        word_to_ix = {}
        for sent, _ in data + test_data:
            for word in sent:
                if word not in word_to_ix:
                    word_to_ix[word] = len(word_to_ix)
        print(word_to_ix)
        VOCAB_SIZE = len(word_to_ix)
        NUM_LABELS = 2

        class BoWClassifier(nn.Module):  # inheriting from nn.Module!
            def __init__(self, num_labels, vocab_size):
                super(BoWClassifier, self).__init__()
                self.linear = nn.Linear(vocab_size, num_labels)

            def forward(self, bow_vec):
                return F.log_softmax(self.linear(bow_vec), dim=1)

        def make_bow_vector(sentence, word_to_ix):
            vec = torch.zeros(len(word_to_ix))
            for word in sentence:
                vec[word_to_ix[word]] += 1
            return vec.view(1, -1)

        def make_target(label, label_to_ix):
            return torch.LongTensor([label_to_ix[label]])

        model = BoWClassifier(NUM_LABELS, VOCAB_SIZE)
        init_from_numpy(torch, model, seed=123, scale=0.2)
        for param in model.parameters():
            print(param)
        with torch.no_grad():
            sample = data[0]
            bow_vector = make_bow_vector(sample[0], word_to_ix)
            log_probs = model(bow_vector)
            print(log_probs)

        label_to_ix = {"SPANISH": 0, "ENGLISH": 1}
        with torch.no_grad():
            for instance, label in test_data:
                bow_vec = make_bow_vector(instance, word_to_ix)
                log_probs = model(bow_vec)
                print(log_probs)
        creo_before = next(model.parameters())[:, word_to_ix["creo"]]

        loss_function = nn.NLLLoss()
        optimizer = optim.SGD(model.parameters(), lr=0.1)
        for epoch in range(30):
            for instance, label in data:
                model.zero_grad()
                bow_vec = make_bow_vector(instance, word_to_ix)
                target = make_target(label, label_to_ix)
                log_probs = model(bow_vec)
                loss = loss_function(log_probs, target)
                loss.backward()
                optimizer.step()

        with torch.no_grad():
            predictions = []
            for instance, label in test_data:
                bow_vec = make_bow_vector(instance, word_to_ix)
                log_probs = model(bow_vec)
                print(log_probs)
                predictions.append(log_probs.argmax(dim=1).item())
        creo_after = next(model.parameters())[:, word_to_ix["creo"]]
    assert predictions == [0, 1]
    return {"printed": out.getvalue(), "loss": loss.item(), "weight": model.linear.weight,
            "target": make_target("ENGLISH", label_to_ix), "creo_before": creo_before, "creo_after": creo_after}


@programs.add
def guthrie_word_embeddings(torch, nn, F, optim):
    """"Word Embeddings": nn.Embedding(2, 5) looked up with a torch.long tensor, the N-gram
    language model on Shakespeare's sonnet 2 (its first lines), total_loss += loss.item(),
    model.embeddings.weight[word_to_ix["beauty"]] (the two embeddings are returned: their printed
    form is in guthrie_printed_tensors_with_grad_fn); then the CBOW exercise: a context of 2 words
    each side, make_context_vector, a CBOW module summing the context embeddings."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        torch.manual_seed(1)
        word_to_ix = {"hello": 0, "world": 1}
        embeds = nn.Embedding(2, 5)  # 2 words in vocab, 5 dimensional embeddings
        init_from_numpy(torch, embeds, seed=124)
        lookup_tensor = torch.tensor([word_to_ix["hello"]], dtype=torch.long)
        hello_embed = embeds(lookup_tensor)

        CONTEXT_SIZE = 2
        EMBEDDING_DIM = 6
        test_sentence = """When forty winters shall besiege thy brow,
        And dig deep trenches in thy beauty's field,
        Thy youth's proud livery so gazed on now,
        Will be a totter'd weed of small worth held:
        Then being asked, where all thy beauty lies,""".split()
        ngrams = [
            (
                [test_sentence[i - j - 1] for j in range(CONTEXT_SIZE)],
                test_sentence[i]
            )
            for i in range(CONTEXT_SIZE, len(test_sentence))
        ]
        print(ngrams[:3])
        vocab = sorted(set(test_sentence))  # (the tutorial: set(); sorted keeps the run reproducible)
        word_to_ix = {word: i for i, word in enumerate(vocab)}

        class NGramLanguageModeler(nn.Module):
            def __init__(self, vocab_size, embedding_dim, context_size):
                super(NGramLanguageModeler, self).__init__()
                self.embeddings = nn.Embedding(vocab_size, embedding_dim)
                self.linear1 = nn.Linear(context_size * embedding_dim, 16)
                self.linear2 = nn.Linear(16, vocab_size)

            def forward(self, inputs):
                embeds = self.embeddings(inputs).view((1, -1))
                out = F.relu(self.linear1(embeds))
                out = self.linear2(out)
                log_probs = F.log_softmax(out, dim=1)
                return log_probs

        losses = []
        loss_function = nn.NLLLoss()
        model = NGramLanguageModeler(len(vocab), EMBEDDING_DIM, CONTEXT_SIZE)
        init_from_numpy(torch, model, seed=125, scale=0.3)
        optimizer = optim.SGD(model.parameters(), lr=0.05)
        for epoch in range(4):
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
        print(losses)
        beauty = model.embeddings.weight[word_to_ix["beauty"]]
    assert losses[-1] < losses[0]
    ngram = {"printed": out.getvalue(), "hello": hello_embed, "losses": losses, "beauty": beauty,
             "embedding_grad": model.embeddings.weight.grad}

    # ---- Exercise: Computing Word Embeddings: Continuous Bag-of-Words
    CONTEXT_SIZE = 2  # 2 words to the left, 2 to the right
    raw_text = """We are about to study the idea of a computational process.
    Computational processes are abstract beings that inhabit computers.
    As they evolve, processes manipulate other abstract things called data.""".split()
    vocab = sorted(set(raw_text))
    vocab_size = len(vocab)
    word_to_ix = {word: i for i, word in enumerate(vocab)}
    data = []
    for i in range(CONTEXT_SIZE, len(raw_text) - CONTEXT_SIZE):
        context = (
            [raw_text[i - j - 1] for j in range(CONTEXT_SIZE)]
            + [raw_text[i + j + 1] for j in range(CONTEXT_SIZE)]
        )
        target = raw_text[i]
        data.append((context, target))

    class CBOW(nn.Module):
        def __init__(self, vocab_size, embedding_dim):
            super(CBOW, self).__init__()
            self.embeddings = nn.Embedding(vocab_size, embedding_dim)
            self.linear = nn.Linear(embedding_dim, vocab_size)

        def forward(self, inputs):
            embeds = self.embeddings(inputs).sum(dim=0).view(1, -1)
            return F.log_softmax(self.linear(embeds), dim=1)

    def make_context_vector(context, word_to_ix):
        idxs = [word_to_ix[w] for w in context]
        return torch.tensor(idxs, dtype=torch.long)

    first = make_context_vector(data[0][0], word_to_ix)
    model = CBOW(vocab_size, 8)
    init_from_numpy(torch, model, seed=126, scale=0.3)
    loss_function = nn.NLLLoss()
    optimizer = optim.SGD(model.parameters(), lr=0.05)
    losses = []
    for epoch in range(4):
        total_loss = 0
        for context, target in data:
            context_vector = make_context_vector(context, word_to_ix)
            model.zero_grad()
            log_probs = model(context_vector)
            loss = loss_function(log_probs, torch.tensor([word_to_ix[target]], dtype=torch.long))
            loss.backward()
            optimizer.step()
            total_loss += loss.item()
        losses.append(total_loss)
    assert losses[-1] < losses[0]
    return {**ngram, "cbow_data": data[:5], "first": first, "first_printed": str(first), "cbow_losses": losses,
            "cbow_embedding": model.embeddings.weight}


@programs.add
def guthrie_sequence_models(torch, nn, F, optim):
    """"Sequence Models and Long Short-Term Memory Networks": nn.LSTM(3, 3) stepped one element at
    a time with an (h, c) tuple, then run on the whole sequence at once (print(out), print(hidden)
    are in guthrie_printed_tensors_with_grad_fn); then the LSTM part-of-speech tagger:
    prepare_sequence with torch.tensor(idxs, dtype=torch.long), LSTMTagger with
    lstm_out.view(len(sentence), -1) and F.log_softmax(tag_space, dim=1), tag scores printed before
    and after training."""
    rng = np.random.default_rng(127)
    torch.manual_seed(1)
    lstm = nn.LSTM(3, 3)  # Input dim is 3, output dim is 3
    init_from_numpy(torch, lstm, seed=128)
    inputs = [torch.from_numpy(rng.standard_normal((1, 3))) for _ in range(5)]  # make a sequence of length 5

    # initialize the hidden state.
    hidden = (torch.from_numpy(rng.standard_normal((1, 1, 3))),
              torch.from_numpy(rng.standard_normal((1, 1, 3))))
    h0 = hidden
    for i in inputs:
        # Step through the sequence one element at a time.
        # after each step, hidden contains the hidden state.
        out, hidden = lstm(i.view(1, 1, -1), hidden)
    stepped = hidden

    # alternatively, we can do the entire sequence all at once.
    inputs = torch.cat(inputs).view(len(inputs), 1, -1)
    hidden = h0  # (the tutorial draws a fresh torch.randn pair here)
    out, hidden = lstm(inputs, hidden)
    assert torch.allclose(stepped[0], hidden[0]) and torch.allclose(out[-1], hidden[0][0])
    sequence_result = {"out": out, "h": hidden[0], "c": hidden[1], "stepped_c": stepped[1]}

    def prepare_sequence(seq, to_ix):
        idxs = [to_ix[w] for w in seq]
        return torch.tensor(idxs, dtype=torch.long)

    training_data = [
        # Tags are: DET - determiner; NN - noun; V - verb
        ("The dog ate the apple".split(), ["DET", "NN", "V", "DET", "NN"]),
        ("Everybody read that book".split(), ["NN", "V", "DET", "NN"])
    ]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        word_to_ix = {}
        for sent, tags in training_data:
            for word in sent:
                if word not in word_to_ix:  # word has not been assigned an index yet
                    word_to_ix[word] = len(word_to_ix)  # Assign each word with a unique index
        print(word_to_ix)
        tag_to_ix = {"DET": 0, "NN": 1, "V": 2}  # Assign each tag with a unique index

        EMBEDDING_DIM = 6
        HIDDEN_DIM = 6

        class LSTMTagger(nn.Module):
            def __init__(self, embedding_dim, hidden_dim, vocab_size, tagset_size):
                super(LSTMTagger, self).__init__()
                self.hidden_dim = hidden_dim
                self.word_embeddings = nn.Embedding(vocab_size, embedding_dim)
                self.lstm = nn.LSTM(embedding_dim, hidden_dim)
                self.hidden2tag = nn.Linear(hidden_dim, tagset_size)

            def forward(self, sentence):
                embeds = self.word_embeddings(sentence)
                lstm_out, _ = self.lstm(embeds.view(len(sentence), 1, -1))
                tag_space = self.hidden2tag(lstm_out.view(len(sentence), -1))
                tag_scores = F.log_softmax(tag_space, dim=1)
                return tag_scores

        model = LSTMTagger(EMBEDDING_DIM, HIDDEN_DIM, len(word_to_ix), len(tag_to_ix))
        init_from_numpy(torch, model, seed=129, scale=0.3)
        print(model)
        loss_function = nn.NLLLoss()
        optimizer = optim.SGD(model.parameters(), lr=0.5)  # (the tutorial: lr=0.1, 300 epochs)

        with torch.no_grad():
            inputs = prepare_sequence(training_data[0][0], word_to_ix)
            tag_scores = model(inputs)
            print(tag_scores)

        for epoch in range(60):
            for sentence, tags in training_data:
                model.zero_grad()
                sentence_in = prepare_sequence(sentence, word_to_ix)
                targets = prepare_sequence(tags, tag_to_ix)
                tag_scores = model(sentence_in)
                loss = loss_function(tag_scores, targets)
                loss.backward()
                optimizer.step()

        with torch.no_grad():
            inputs = prepare_sequence(training_data[0][0], word_to_ix)
            tag_scores = model(inputs)
            print(tag_scores)
    assert tag_scores.argmax(dim=1).tolist() == [0, 1, 2, 0, 1]
    return {**sequence_result, "printed": out.getvalue(), "loss": loss.item(),
            "lstm_grad": model.lstm.weight_ih_l0.grad}


# ==== 4. Language modeling with nn.Transformer ===================================================
@programs.add(xfail="self.embedding.weight.data.uniform_(-initrange, initrange): Tensor.data is the numpy "
                    "ndarray (AttributeError: no attribute 'uniform_'); and StepLR(optimizer, 1.0, gamma=0.95) "
                    "raises ValueError: step_size must be a positive integer (torch accepts 1.0)")
def transformer_language_model(torch, nn, F, optim):
    """PositionalEncoding (register_buffer 'pe'), TransformerModel over nn.TransformerEncoder with
    generate_square_subsequent_mask, batchify/get_batch, CrossEntropyLoss, SGD with
    clip_grad_norm_(..., 0.5) and StepLR(optimizer, 1.0, gamma=0.95), evaluate() in eval mode,
    the best state_dict saved and loaded back through a BytesIO."""
    Tensor = torch.Tensor
    TransformerEncoder, TransformerEncoderLayer = nn.TransformerEncoder, nn.TransformerEncoderLayer
    device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')

    class TransformerModel(nn.Module):
        def __init__(self, ntoken: int, d_model: int, nhead: int, d_hid: int,
                     nlayers: int, dropout: float = 0.5):
            super().__init__()
            self.model_type = 'Transformer'
            self.pos_encoder = PositionalEncoding(d_model, dropout)
            encoder_layers = TransformerEncoderLayer(d_model, nhead, d_hid, dropout)
            self.transformer_encoder = TransformerEncoder(encoder_layers, nlayers)
            self.embedding = nn.Embedding(ntoken, d_model)
            self.d_model = d_model
            self.linear = nn.Linear(d_model, ntoken)
            self.init_weights()

        def init_weights(self) -> None:
            initrange = 0.1
            self.embedding.weight.data.uniform_(-initrange, initrange)
            self.linear.bias.data.zero_()
            self.linear.weight.data.uniform_(-initrange, initrange)

        def forward(self, src: Tensor, src_mask: Tensor = None) -> Tensor:
            src = self.embedding(src) * math.sqrt(self.d_model)
            src = self.pos_encoder(src)
            if src_mask is None:
                src_mask = nn.Transformer.generate_square_subsequent_mask(len(src)).to(device)
            output = self.transformer_encoder(src, src_mask)
            output = self.linear(output)
            return output

    class PositionalEncoding(nn.Module):
        def __init__(self, d_model: int, dropout: float = 0.1, max_len: int = 5000):
            super().__init__()
            self.dropout = nn.Dropout(p=dropout)
            position = torch.arange(max_len).unsqueeze(1)
            div_term = torch.exp(torch.arange(0, d_model, 2) * (-math.log(10000.0) / d_model))
            pe = torch.zeros(max_len, 1, d_model)
            pe[:, 0, 0::2] = torch.sin(position * div_term)
            pe[:, 0, 1::2] = torch.cos(position * div_term)
            self.register_buffer('pe', pe)

        def forward(self, x: Tensor) -> Tensor:
            x = x + self.pe[:x.size(0)]
            return self.dropout(x)

    words = "the cat sat on the mat and the dog sat on the log".split()
    vocab = {w: i for i, w in enumerate(sorted(set(words)))}
    stream = (words * 6)[:70]
    raw = [" ".join(stream[i:i + 7]) for i in range(0, 70, 7)] + [""]

    def data_process(raw_text_iter):
        data = [torch.tensor([vocab[w] for w in item.split()], dtype=torch.long) for item in raw_text_iter]
        return torch.cat(tuple(filter(lambda t: t.numel() > 0, data)))

    def batchify(data: Tensor, bsz: int) -> Tensor:
        seq_len = data.size(0) // bsz
        data = data[:seq_len * bsz]
        data = data.view(bsz, seq_len).t().contiguous()
        return data.to(device)

    train_data = batchify(data_process(raw[:8]), 3)
    val_data = batchify(data_process(raw[8:]), 2)
    bptt = 6

    def get_batch(source: Tensor, i: int):
        seq_len = min(bptt, len(source) - 1 - i)
        data = source[i:i + seq_len]
        target = source[i + 1:i + 1 + seq_len].reshape(-1)
        return data, target

    ntokens = len(vocab)
    emsize, d_hid, nlayers, nhead = 8, 12, 2, 2
    dropout = 0.0  # (the tutorial: 0.2; dropout masks are random draws, so the compared runs use none)
    model = TransformerModel(ntokens, emsize, nhead, d_hid, nlayers, dropout).to(device)
    printed = str(model)
    init_from_numpy(torch, model, seed=130, scale=0.2)

    criterion = nn.CrossEntropyLoss()
    lr = 1.0  # learning rate (the tutorial: 5.0, for 2 layers of 200 units)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, 1.0, gamma=0.95)

    log = []

    def train(model: nn.Module) -> None:
        model.train()  # turn on train mode
        total_loss = 0.
        log_interval = 2
        num_batches = len(train_data) // bptt
        for batch, i in enumerate(range(0, train_data.size(0) - 1, bptt)):
            data, targets = get_batch(train_data, i)
            output = model(data)
            output_flat = output.view(-1, ntokens)
            loss = criterion(output_flat, targets)

            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 0.5)
            optimizer.step()

            total_loss += loss.item()
            if batch % log_interval == 0 and batch > 0:
                lr = scheduler.get_last_lr()[0]
                cur_loss = total_loss / log_interval
                ppl = math.exp(cur_loss)
                log.append(f'| {batch:5d}/{num_batches:5d} batches | lr {lr:02.2f} | '
                           f'loss {cur_loss:5.2f} | ppl {ppl:8.2f}')
                total_loss = 0

    def evaluate(model: nn.Module, eval_data: Tensor) -> float:
        model.eval()  # turn on evaluation mode
        total_loss = 0.
        with torch.no_grad():
            for i in range(0, eval_data.size(0) - 1, bptt):
                data, targets = get_batch(eval_data, i)
                seq_len = data.size(0)
                output = model(data)
                output_flat = output.view(-1, ntokens)
                total_loss += seq_len * criterion(output_flat, targets).item()
        return total_loss / (len(eval_data) - 1)

    best_val_loss = float('inf')
    best_model_params = io.BytesIO()
    val_losses, lrs = [], []
    for epoch in range(1, 4):
        train(model)
        val_loss = evaluate(model, val_data)
        val_ppl = math.exp(val_loss)
        val_losses.append((val_loss, val_ppl))
        if val_loss < best_val_loss:
            best_val_loss = val_loss
            best_model_params.seek(0)
            best_model_params.truncate()
            torch.save(model.state_dict(), best_model_params)
        scheduler.step()
        lrs.append(scheduler.get_last_lr()[0])
    best_model_params.seek(0)
    model.load_state_dict(torch.load(best_model_params))  # load best model states
    test_loss = evaluate(model, val_data)
    mask = nn.Transformer.generate_square_subsequent_mask(4)
    assert val_losses[-1][0] < val_losses[0][0] and test_loss == best_val_loss
    return {"printed": printed, "log": log, "val": val_losses, "lrs": lrs, "test_loss": test_loss,
            "mask": str(mask), "mask_dtype": mask.dtype, "pe": model.pos_encoder.pe[:5],
            "buffers": [name for name, _ in model.named_buffers()], "train_data": train_data,
            "state_keys": list(model.state_dict().keys())}


# ==== 5. Text classification with nn.EmbeddingBag ================================================
@programs.add(xfail="self.embedding.weight.data.uniform_(...) / self.fc.bias.data.zero_(): Tensor.data is "
                    "the numpy ndarray; and StepLR(optimizer, 1.0, gamma=0.1) raises ValueError: step_size "
                    "must be a positive integer (torch accepts 1.0)")
def text_classification_embedding_bag(torch, nn, F, optim):
    """TextClassificationModel = nn.EmbeddingBag(vocab_size, embed_dim, sparse=False) + nn.Linear,
    init_weights with uniform_ and bias.data.zero_(), collate_batch building offsets with
    torch.tensor(offsets[:-1]).cumsum(dim=0), DataLoader(collate_fn=collate_batch), SGD lr 5,
    StepLR(optimizer, 1.0, gamma=0.1) stepped when validation accuracy drops,
    clip_grad_norm_(..., 0.1), accuracy from argmax(1), predict() on a new headline."""
    DataLoader = torch.utils.data.DataLoader
    random_split = torch.utils.data.random_split
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    topics = {1: "world war peace leaders talks nation", 2: "game team win match season coach",
              3: "market stocks profit bank shares oil", 4: "software computer internet space science"}
    rng = np.random.default_rng(140)
    train_iter = []
    for k in range(40):
        label = k % 4 + 1
        words = topics[label].split() + ["the", "a", "new", "on"]
        train_iter.append((label, " ".join(rng.choice(words, size=int(rng.integers(3, 7))))))

    def tokenizer(line):  # basic_english, in short
        return line.lower().split()

    class Vocab:  # build_vocab_from_iterator(..., specials=["<unk>"]) + set_default_index
        def __init__(self, lines):
            self.itos = ["<unk>"] + sorted({w for line in lines for w in tokenizer(line)})
            self.stoi = {w: i for i, w in enumerate(self.itos)}

        def __call__(self, tokens):
            return [self.stoi.get(t, 0) for t in tokens]

        def __len__(self):
            return len(self.itos)

    vocab = Vocab(text for _, text in train_iter)
    text_pipeline = lambda x: vocab(tokenizer(x))  # noqa: E731
    label_pipeline = lambda x: int(x) - 1  # noqa: E731

    def collate_batch(batch):
        label_list, text_list, offsets = [], [], [0]
        for _label, _text in batch:
            label_list.append(label_pipeline(_label))
            processed_text = torch.tensor(text_pipeline(_text), dtype=torch.int64)
            text_list.append(processed_text)
            offsets.append(processed_text.size(0))
        label_list = torch.tensor(label_list, dtype=torch.int64)
        offsets = torch.tensor(offsets[:-1]).cumsum(dim=0)
        text_list = torch.cat(text_list)
        return label_list.to(device), text_list.to(device), offsets.to(device)

    class TextClassificationModel(nn.Module):
        def __init__(self, vocab_size, embed_dim, num_class):
            super(TextClassificationModel, self).__init__()
            self.embedding = nn.EmbeddingBag(vocab_size, embed_dim, sparse=False)
            self.fc = nn.Linear(embed_dim, num_class)
            self.init_weights()

        def init_weights(self):
            initrange = 0.5
            self.embedding.weight.data.uniform_(-initrange, initrange)
            self.fc.weight.data.uniform_(-initrange, initrange)
            self.fc.bias.data.zero_()

        def forward(self, text, offsets):
            embedded = self.embedding(text, offsets)
            return self.fc(embedded)

    num_class = len(set([label for (label, text) in train_iter]))
    vocab_size = len(vocab)
    emsize = 8
    model = TextClassificationModel(vocab_size, emsize, num_class).to(device)
    assert model.fc.bias.abs().sum().item() == 0
    printed = str(model)
    init_from_numpy(torch, model, seed=141, scale=0.3)

    def train(dataloader):
        model.train()
        total_acc, total_count = 0, 0
        for idx, (label, text, offsets) in enumerate(dataloader):
            optimizer.zero_grad()
            predicted_label = model(text, offsets)
            loss = criterion(predicted_label, label)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 0.1)
            optimizer.step()
            total_acc += (predicted_label.argmax(1) == label).sum().item()
            total_count += label.size(0)
        return total_acc / total_count

    def evaluate(dataloader):
        model.eval()
        total_acc, total_count = 0, 0
        with torch.no_grad():
            for idx, (label, text, offsets) in enumerate(dataloader):
                predicted_label = model(text, offsets)
                loss = criterion(predicted_label, label)
                total_acc += (predicted_label.argmax(1) == label).sum().item()
                total_count += label.size(0)
        return total_acc / total_count

    EPOCHS = 6
    LR = 5
    BATCH_SIZE = 8
    criterion = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=LR)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, 1.0, gamma=0.1)
    total_accu = None
    train_dataset = list(train_iter)  # to_map_style_dataset
    num_train = int(len(train_dataset) * 0.8)
    split_train_, split_valid_ = random_split(train_dataset, [num_train, len(train_dataset) - num_train])
    split_sizes = [len(split_train_), len(split_valid_)]
    covered = sorted(split_train_.indices + split_valid_.indices) == list(range(len(train_dataset)))
    # the random split itself is not compared: train on a fixed split of the same sizes
    split_train_, split_valid_ = train_dataset[:num_train], train_dataset[num_train:]
    train_dataloader = DataLoader(split_train_, batch_size=BATCH_SIZE, shuffle=False, collate_fn=collate_batch)
    valid_dataloader = DataLoader(split_valid_, batch_size=BATCH_SIZE, shuffle=False, collate_fn=collate_batch)
    first_batch = next(iter(train_dataloader))
    history = []
    for epoch in range(1, EPOCHS + 1):
        accu_train = train(train_dataloader)
        accu_val = evaluate(valid_dataloader)
        if total_accu is not None and total_accu > accu_val:
            scheduler.step()
        else:
            total_accu = accu_val
        history.append((accu_train, accu_val, scheduler.get_last_lr()[0]))

    ag_news_label = {1: "World", 2: "Sports", 3: "Business", 4: "Sci/Tec"}

    def predict(text, text_pipeline):
        with torch.no_grad():
            text = torch.tensor(text_pipeline(text))
            output = model(text, torch.tensor([0]))
            return output.argmax(1).item() + 1

    model = model.to("cpu")
    guess = ag_news_label[predict("The coach said the team will win the next match", text_pipeline)]
    assert history[-1][0] > history[0][0] and covered
    return {"printed": printed, "split_sizes": split_sizes, "first_batch": list(first_batch),
            "history": history, "guess": guess, "fc_grad": model.fc.weight.grad,
            "embedding": model.embedding.weight}


# ==== 6. Translation with a sequence to sequence network and attention ===========================
@programs.add
def seq2seq_translation_tutorial(torch, nn, F, optim):
    """Lang, normalizeString, EncoderRNN (Embedding + GRU(batch_first=True) + Dropout),
    BahdanauAttention, AttnDecoderRNN with teacher forcing, get_dataloader with np.int32 ids
    through torch.LongTensor and TensorDataset, train_epoch with two Adam optimizers and NLLLoss on
    decoder_outputs.view(-1, ...), then evaluate() decoding greedily with topk(1)."""
    TensorDataset = torch.utils.data.TensorDataset
    DataLoader = torch.utils.data.DataLoader
    SequentialSampler = torch.utils.data.SequentialSampler
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    SOS_token = 0
    EOS_token = 1
    MAX_LENGTH = 5

    class Lang:
        def __init__(self, name):
            self.name = name
            self.word2index = {}
            self.word2count = {}
            self.index2word = {0: "SOS", 1: "EOS"}
            self.n_words = 2  # Count SOS and EOS

        def addSentence(self, sentence):
            for word in sentence.split(' '):
                self.addWord(word)

        def addWord(self, word):
            if word not in self.word2index:
                self.word2index[word] = self.n_words
                self.word2count[word] = 1
                self.index2word[self.n_words] = word
                self.n_words += 1
            else:
                self.word2count[word] += 1

    def unicodeToAscii(s):
        return ''.join(
            c for c in unicodedata.normalize('NFD', s)
            if unicodedata.category(c) != 'Mn'
        )

    def normalizeString(s):
        s = unicodeToAscii(s.lower().strip())
        s = re.sub(r"([.!?])", r" \1", s)
        s = re.sub(r"[^a-zA-Z!?]+", r" ", s)
        return s.strip()

    lines = ["I am cold.\tJ'ai froid.", "I am happy.\tJe suis heureux.", "He is tall.\tIl est grand.",
             "She is happy.\tElle est heureuse.", "I am tall.\tJe suis grand.", "He is cold.\tIl a froid.",
             "You are late.\tTu es en retard."]

    eng_prefixes = ("i am ", "i m ", "he is", "he s ", "she is", "she s ", "you are", "you re ")

    def filterPair(p):
        return len(p[0].split(' ')) < MAX_LENGTH and \
            len(p[1].split(' ')) < MAX_LENGTH and \
            p[1].startswith(eng_prefixes)

    def prepareData(lang1, lang2, reverse=False):
        pairs = [[normalizeString(s) for s in l.split('\t')] for l in lines]
        if reverse:
            pairs = [list(reversed(p)) for p in pairs]
            input_lang, output_lang = Lang(lang2), Lang(lang1)
        else:
            input_lang, output_lang = Lang(lang1), Lang(lang2)
        pairs = [pair for pair in pairs if filterPair(pair)]
        for pair in pairs:
            input_lang.addSentence(pair[0])
            output_lang.addSentence(pair[1])
        return input_lang, output_lang, pairs

    class EncoderRNN(nn.Module):
        def __init__(self, input_size, hidden_size, dropout_p=0.1):
            super(EncoderRNN, self).__init__()
            self.hidden_size = hidden_size
            self.embedding = nn.Embedding(input_size, hidden_size)
            self.gru = nn.GRU(hidden_size, hidden_size, batch_first=True)
            self.dropout = nn.Dropout(dropout_p)

        def forward(self, input):
            embedded = self.dropout(self.embedding(input))
            output, hidden = self.gru(embedded)
            return output, hidden

    class BahdanauAttention(nn.Module):
        def __init__(self, hidden_size):
            super(BahdanauAttention, self).__init__()
            self.Wa = nn.Linear(hidden_size, hidden_size)
            self.Ua = nn.Linear(hidden_size, hidden_size)
            self.Va = nn.Linear(hidden_size, 1)

        def forward(self, query, keys):
            scores = self.Va(torch.tanh(self.Wa(query) + self.Ua(keys)))
            scores = scores.squeeze(2).unsqueeze(1)
            weights = F.softmax(scores, dim=-1)
            context = torch.bmm(weights, keys)
            return context, weights

    class AttnDecoderRNN(nn.Module):
        def __init__(self, hidden_size, output_size, dropout_p=0.1):
            super(AttnDecoderRNN, self).__init__()
            self.embedding = nn.Embedding(output_size, hidden_size)
            self.attention = BahdanauAttention(hidden_size)
            self.gru = nn.GRU(2 * hidden_size, hidden_size, batch_first=True)
            self.out = nn.Linear(hidden_size, output_size)
            self.dropout = nn.Dropout(dropout_p)

        def forward(self, encoder_outputs, encoder_hidden, target_tensor=None):
            batch_size = encoder_outputs.size(0)
            decoder_input = torch.empty(batch_size, 1, dtype=torch.long, device=device).fill_(SOS_token)
            decoder_hidden = encoder_hidden
            decoder_outputs = []
            attentions = []
            for i in range(MAX_LENGTH):
                decoder_output, decoder_hidden, attn_weights = self.forward_step(
                    decoder_input, decoder_hidden, encoder_outputs
                )
                decoder_outputs.append(decoder_output)
                attentions.append(attn_weights)
                if target_tensor is not None:
                    # Teacher forcing: Feed the target as the next input
                    decoder_input = target_tensor[:, i].unsqueeze(1)  # Teacher forcing
                else:
                    # Without teacher forcing: use its own predictions as the next input
                    _, topi = decoder_output.topk(1)
                    decoder_input = topi.squeeze(-1).detach()  # detach from history as input
            decoder_outputs = torch.cat(decoder_outputs, dim=1)
            decoder_outputs = F.log_softmax(decoder_outputs, dim=-1)
            attentions = torch.cat(attentions, dim=1)
            return decoder_outputs, decoder_hidden, attentions

        def forward_step(self, input, hidden, encoder_outputs):
            embedded = self.dropout(self.embedding(input))
            query = hidden.permute(1, 0, 2)
            context, attn_weights = self.attention(query, encoder_outputs)
            input_gru = torch.cat((embedded, context), dim=2)
            output, hidden = self.gru(input_gru, hidden)
            output = self.out(output)
            return output, hidden, attn_weights

    def indexesFromSentence(lang, sentence):
        return [lang.word2index[word] for word in sentence.split(' ')]

    def tensorFromSentence(lang, sentence):
        indexes = indexesFromSentence(lang, sentence)
        indexes.append(EOS_token)
        return torch.tensor(indexes, dtype=torch.long, device=device).view(1, -1)

    def get_dataloader(batch_size):
        input_lang, output_lang, pairs = prepareData('eng', 'fra', True)
        n = len(pairs)
        input_ids = np.zeros((n, MAX_LENGTH), dtype=np.int32)
        target_ids = np.zeros((n, MAX_LENGTH), dtype=np.int32)
        for idx, (inp, tgt) in enumerate(pairs):
            inp_ids = indexesFromSentence(input_lang, inp)
            tgt_ids = indexesFromSentence(output_lang, tgt)
            inp_ids.append(EOS_token)
            tgt_ids.append(EOS_token)
            input_ids[idx, :len(inp_ids)] = inp_ids
            target_ids[idx, :len(tgt_ids)] = tgt_ids
        train_data = TensorDataset(torch.LongTensor(input_ids).to(device),
                                   torch.LongTensor(target_ids).to(device))
        train_sampler = SequentialSampler(train_data)  # (the tutorial: RandomSampler)
        train_dataloader = DataLoader(train_data, sampler=train_sampler, batch_size=batch_size)
        return input_lang, output_lang, train_dataloader, pairs

    def train_epoch(dataloader, encoder, decoder, encoder_optimizer, decoder_optimizer, criterion):
        total_loss = 0
        for data in dataloader:
            input_tensor, target_tensor = data
            encoder_optimizer.zero_grad()
            decoder_optimizer.zero_grad()
            encoder_outputs, encoder_hidden = encoder(input_tensor)
            decoder_outputs, _, _ = decoder(encoder_outputs, encoder_hidden, target_tensor)
            loss = criterion(
                decoder_outputs.view(-1, decoder_outputs.size(-1)),
                target_tensor.view(-1)
            )
            loss.backward()
            encoder_optimizer.step()
            decoder_optimizer.step()
            total_loss += loss.item()
        return total_loss / len(dataloader)

    def train(train_dataloader, encoder, decoder, n_epochs, learning_rate=0.001):
        plot_losses = []
        encoder_optimizer = optim.Adam(encoder.parameters(), lr=learning_rate)
        decoder_optimizer = optim.Adam(decoder.parameters(), lr=learning_rate)
        criterion = nn.NLLLoss()
        for epoch in range(1, n_epochs + 1):
            loss = train_epoch(train_dataloader, encoder, decoder, encoder_optimizer, decoder_optimizer, criterion)
            plot_losses.append(loss)
        return plot_losses

    def evaluate(encoder, decoder, sentence, input_lang, output_lang):
        with torch.no_grad():
            input_tensor = tensorFromSentence(input_lang, sentence)
            encoder_outputs, encoder_hidden = encoder(input_tensor)
            decoder_outputs, decoder_hidden, decoder_attn = decoder(encoder_outputs, encoder_hidden)
            _, topi = decoder_outputs.topk(1)
            decoded_ids = topi.squeeze()
            decoded_words = []
            for idx in decoded_ids:
                if idx.item() == EOS_token:
                    decoded_words.append('<EOS>')
                    break
                decoded_words.append(output_lang.index2word[idx.item()])
        return decoded_words, decoder_attn

    hidden_size = 8
    batch_size = 3
    input_lang, output_lang, train_dataloader, pairs = get_dataloader(batch_size)
    # dropout draws masks in training: the compared runs train with dropout_p=0
    encoder = EncoderRNN(input_lang.n_words, hidden_size, dropout_p=0.0).to(device)
    decoder = AttnDecoderRNN(hidden_size, output_lang.n_words, dropout_p=0.0).to(device)
    printed = str(decoder)
    init_from_numpy(torch, encoder, seed=150, scale=0.4)
    init_from_numpy(torch, decoder, seed=151, scale=0.4)
    losses = train(train_dataloader, encoder, decoder, 12, learning_rate=0.02)
    encoder.eval()
    decoder.eval()
    translations = [evaluate(encoder, decoder, pair[0], input_lang, output_lang) for pair in pairs[:3]]
    assert losses[-1] < 0.7 * losses[0]
    return {"pairs": pairs, "printed": printed, "losses": losses, "n_batches": len(train_dataloader),
            "words": [w for w, _ in translations], "attn": translations[0][1],
            "Va_grad": decoder.attention.Va.weight.grad, "gru_grad": encoder.gru.weight_hh_l0.grad}


test_program_runs_here_and_matches_pytorch = programs.test()
