"""PyTorch's NLP tutorials: classifying names with a character-level RNN (the nn.RNN version with
a Dataset, random_split and batches from np.array_split), Robert Guthrie's 'Deep Learning for
NLP' (bag-of-words classifier, n-gram language model, CBOW, LSTM part-of-speech tagger) and the
seq2seq translation tutorial (GRU encoder, Bahdanau attention decoder)."""
from __future__ import annotations

from tests.tutorials.harness import check

CHAR_RNN = """
import random
import string
import unicodedata
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset

device = torch.device('cpu')
torch.set_default_device(device)
allowed_characters = string.ascii_letters + " .,;'" + "_"
n_letters = len(allowed_characters)

def unicodeToAscii(s):
    return ''.join(c for c in unicodedata.normalize('NFD', s)
                   if unicodedata.category(c) != 'Mn' and c in allowed_characters)

def letterToIndex(letter):
    if letter not in allowed_characters:
        return allowed_characters.find("_")
    return allowed_characters.find(letter)

def lineToTensor(line):
    tensor = torch.zeros(len(line), 1, n_letters)
    for li, letter in enumerate(line):
        tensor[li][0][letterToIndex(letter)] = 1
    return tensor

assert unicodeToAscii('Ślusàrski') == 'Slusarski'
assert lineToTensor('Jones').size() == (5, 1, n_letters)

NAMES = {"English": ["Smith", "Jones", "Taylor", "Brown", "Walker", "Wright", "Hughes", "Green"],
         "Italian": ["Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci"],
         "Japanese": ["Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura"]}

class NamesDataset(Dataset):
    def __init__(self):
        self.data, self.data_tensors, self.labels, self.labels_tensors = [], [], [], []
        for label, names in NAMES.items():
            for name in names:
                self.data.append(name)
                self.data_tensors.append(lineToTensor(name))
                self.labels.append(label)
        self.labels_uniq = list(dict.fromkeys(self.labels))
        for idx in range(len(self.labels)):
            temp_tensor = torch.tensor([self.labels_uniq.index(self.labels[idx])], dtype=torch.long)
            self.labels_tensors.append(temp_tensor)

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, idx):
        return self.labels_tensors[idx], self.data_tensors[idx], self.labels[idx], self.data[idx]

alldata = NamesDataset()
train_set, test_set = torch.utils.data.random_split(alldata, [.75, .25],
                                                    generator=torch.Generator(device=device).manual_seed(2024))
assert (len(train_set), len(test_set)) == (18, 6)

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
rnn = same(CharRNN(n_letters, n_hidden, len(alldata.labels_uniq)))
first_output = rnn(lineToTensor('Albert'))

def label_from_output(output, output_labels):
    top_n, top_i = output.topk(1)
    label_i = top_i[0].item()
    return output_labels[label_i], label_i

guess = label_from_output(first_output, alldata.labels_uniq)

def train(rnn, training_data, n_epoch=10, n_batch_size=6, learning_rate=0.2, criterion=nn.NLLLoss()):
    current_loss = 0
    all_losses = []
    rnn.train()
    optimizer = torch.optim.SGD(rnn.parameters(), lr=learning_rate)
    random.seed(0)
    for iter in range(1, n_epoch + 1):
        rnn.zero_grad()
        batches = list(range(len(training_data)))
        random.shuffle(batches)
        batches = np.array_split(batches, len(batches) // n_batch_size)
        for idx, batch in enumerate(batches):
            batch_loss = 0
            for i in batch:
                (label_tensor, text_tensor, label, text) = training_data[i]
                output = rnn.forward(text_tensor)
                loss = criterion(output, label_tensor)
                batch_loss += loss
            batch_loss.backward()
            nn.utils.clip_grad_norm_(rnn.parameters(), 3)
            optimizer.step()
            optimizer.zero_grad()
            current_loss += batch_loss.item() / len(batch)
        all_losses.append(current_loss / len(batches))
        current_loss = 0
    return all_losses

all_losses = train(rnn, alldata, n_epoch=12)
assert all_losses[-1] < 0.6 * all_losses[0], all_losses

def evaluate(rnn, testing_data, classes):
    confusion = torch.zeros(len(classes), len(classes))
    rnn.eval()
    with torch.no_grad():
        for i in range(len(testing_data)):
            (label_tensor, text_tensor, label, text) = testing_data[i]
            output = rnn(text_tensor)
            guess, guess_i = label_from_output(output, classes)
            label_i = classes.index(label)
            confusion[label_i][guess_i] += 1
    for i in range(len(classes)):
        denom = confusion[i].sum()
        if denom > 0:
            confusion[i] = confusion[i] / denom
    return confusion

confusion = evaluate(rnn, alldata, alldata.labels_uniq)
assert confusion.diag().mean() > 0.6, confusion
torch.set_default_device(None)
result = {"first_output": first_output, "guess": list(guess), "losses": all_losses, "confusion": confusion}
"""

GUTHRIE = """
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

# --- bag of words ---
data = [("me gusta comer en la cafeteria".split(), "SPANISH"),
        ("Give it to me".split(), "ENGLISH"),
        ("No creo que sea una buena idea".split(), "SPANISH"),
        ("No it is not a good idea to get lost at sea".split(), "ENGLISH")]
test_data = [("Yo creo que si".split(), "SPANISH"), ("it is lost on me".split(), "ENGLISH")]
word_to_ix = {}
for sent, _ in data + test_data:
    for word in sent:
        if word not in word_to_ix:
            word_to_ix[word] = len(word_to_ix)
VOCAB_SIZE, NUM_LABELS = len(word_to_ix), 2

class BoWClassifier(nn.Module):
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

model = same(BoWClassifier(NUM_LABELS, VOCAB_SIZE))
label_to_ix = {"SPANISH": 0, "ENGLISH": 1}
with torch.no_grad():
    before = [model(make_bow_vector(s, word_to_ix)) for s, _ in test_data]
before_creo = next(model.parameters())[:, word_to_ix["creo"]].clone()
loss_function = nn.NLLLoss()
optimizer = optim.SGD(model.parameters(), lr=0.1)
for epoch in range(100):
    for instance, label in data:
        model.zero_grad()
        bow_vec = make_bow_vector(instance, word_to_ix)
        target = make_target(label, label_to_ix)
        log_probs = model(bow_vec)
        loss = loss_function(log_probs, target)
        loss.backward()
        optimizer.step()
with torch.no_grad():
    after = [model(make_bow_vector(s, word_to_ix)) for s, _ in test_data]
creo = next(model.parameters())[:, word_to_ix["creo"]]
assert after[0].argmax().item() == 0 and after[1].argmax().item() == 1
assert creo[0] > before_creo[0] and creo[1] < before_creo[1]

# --- n-gram language model ---
CONTEXT_SIZE, EMBEDDING_DIM = 2, 10
test_sentence = \"\"\"When forty winters shall besiege thy brow,
And dig deep trenches in thy beauty's field,
Thy youth's proud livery so gazed on now,
Will be a totter'd weed of small worth held\"\"\".split()
ngrams = [([test_sentence[i - j - 1] for j in range(CONTEXT_SIZE)], test_sentence[i])
          for i in range(CONTEXT_SIZE, len(test_sentence))]
vocab = sorted(set(test_sentence))
word_to_ix = {word: i for i, word in enumerate(vocab)}

class NGramLanguageModeler(nn.Module):
    def __init__(self, vocab_size, embedding_dim, context_size):
        super(NGramLanguageModeler, self).__init__()
        self.embeddings = nn.Embedding(vocab_size, embedding_dim)
        self.linear1 = nn.Linear(context_size * embedding_dim, 32)
        self.linear2 = nn.Linear(32, vocab_size)

    def forward(self, inputs):
        embeds = self.embeddings(inputs).view((1, -1))
        out = F.relu(self.linear1(embeds))
        out = self.linear2(out)
        log_probs = F.log_softmax(out, dim=1)
        return log_probs

losses = []
loss_function = nn.NLLLoss()
model = same(NGramLanguageModeler(len(vocab), EMBEDDING_DIM, CONTEXT_SIZE))
optimizer = optim.SGD(model.parameters(), lr=0.01)
for epoch in range(5):
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
beauty = model.embeddings.weight[word_to_ix["thy"]]

# --- CBOW ---
raw_text = \"\"\"We are about to study the idea of a computational process.
Computational processes are abstract beings that inhabit computers.\"\"\".split()
vocab = set(raw_text)
word_to_ix = {word: i for i, word in enumerate(sorted(vocab))}
cbow_data = []
for i in range(2, len(raw_text) - 2):
    context = [raw_text[i - 2], raw_text[i - 1], raw_text[i + 1], raw_text[i + 2]]
    cbow_data.append((context, raw_text[i]))

class CBOW(nn.Module):
    def __init__(self, vocab_size, embedding_dim):
        super().__init__()
        self.embeddings = nn.Embedding(vocab_size, embedding_dim)
        self.linear = nn.Linear(embedding_dim, vocab_size)

    def forward(self, inputs):
        embeds = self.embeddings(inputs).sum(dim=0, keepdim=True)
        return F.log_softmax(self.linear(embeds), dim=-1)

def make_context_vector(context, word_to_ix):
    idxs = [word_to_ix[w] for w in context]
    return torch.tensor(idxs, dtype=torch.long)

cbow = same(CBOW(len(vocab), 8))
optimizer = optim.Adam(cbow.parameters(), lr=0.05)
cbow_losses = []
for epoch in range(15):
    total = 0.0
    for context, target in cbow_data:
        cbow.zero_grad()
        loss = F.nll_loss(cbow(make_context_vector(context, word_to_ix)), torch.tensor([word_to_ix[target]]))
        loss.backward()
        optimizer.step()
        total += loss.item()
    cbow_losses.append(total)
assert cbow_losses[-1] < 0.2 * cbow_losses[0], cbow_losses
result = {"before": before, "after": after, "creo": creo, "losses": losses, "beauty": beauty,
          "cbow": cbow_losses[::3]}
"""

LSTM_TAGGER = """
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

lstm = same(nn.LSTM(3, 3))
inputs = [same(torch.randn(1, 3)) for _ in range(5)]
hidden = (same(torch.randn(1, 1, 3)), same(torch.randn(1, 1, 3)))
for i in inputs:
    out, hidden = lstm(i.view(1, 1, -1), hidden)
inputs_cat = torch.cat(inputs).view(len(inputs), 1, -1)
hidden0 = (torch.zeros(1, 1, 3), torch.zeros(1, 1, 3))
out_all, hidden_all = lstm(inputs_cat, hidden0)
assert out_all.shape == (5, 1, 3) and torch.equal(out_all[-1], hidden_all[0][0])

def prepare_sequence(seq, to_ix):
    idxs = [to_ix[w] for w in seq]
    return torch.tensor(idxs, dtype=torch.long)

training_data = [
    ("The dog ate the apple".split(), ["DET", "NN", "V", "DET", "NN"]),
    ("Everybody read that book".split(), ["NN", "V", "DET", "NN"])
]
word_to_ix = {}
for sent, tags in training_data:
    for word in sent:
        if word not in word_to_ix:
            word_to_ix[word] = len(word_to_ix)
tag_to_ix = {"DET": 0, "NN": 1, "V": 2}
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

model = same(LSTMTagger(EMBEDDING_DIM, HIDDEN_DIM, len(word_to_ix), len(tag_to_ix)))
loss_function = nn.NLLLoss()
optimizer = optim.SGD(model.parameters(), lr=0.1)
with torch.no_grad():
    inputs = prepare_sequence(training_data[0][0], word_to_ix)
    tag_scores_before = model(inputs)
for epoch in range(300):
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
assert tag_scores.argmax(dim=1).tolist() == [0, 1, 2, 0, 1]
result = {"out": out, "hidden": list(hidden), "out_all": out_all, "before": tag_scores_before, "after": tag_scores}
"""

SEQ2SEQ = """
import random
import numpy as np
import torch
import torch.nn as nn
from torch import optim
import torch.nn.functional as F
from torch.utils.data import TensorDataset, DataLoader, RandomSampler

device = torch.device("cpu")
SOS_token, EOS_token, MAX_LENGTH = 0, 1, 6
# a toy 'translation': reverse a sequence of tokens 2..7
rng = np.random.default_rng(0)
n = 64
input_ids = np.zeros((n, MAX_LENGTH), dtype=np.int32)
target_ids = np.zeros((n, MAX_LENGTH), dtype=np.int32)
for idx in range(n):
    length = int(rng.integers(2, MAX_LENGTH))
    toks = list(rng.integers(2, 8, length - 1))
    input_ids[idx, :length] = toks + [EOS_token]
    target_ids[idx, :length] = toks[::-1] + [EOS_token]
train_data = TensorDataset(torch.LongTensor(input_ids).to(device), torch.LongTensor(target_ids).to(device))
train_sampler = RandomSampler(train_data)
train_dataloader = DataLoader(train_data, sampler=train_sampler, batch_size=16)

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
                decoder_input, decoder_hidden, encoder_outputs)
            decoder_outputs.append(decoder_output)
            attentions.append(attn_weights)
            if target_tensor is not None:
                decoder_input = target_tensor[:, i].unsqueeze(1)
            else:
                _, topi = decoder_output.topk(1)
                decoder_input = topi.squeeze(-1).detach()
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

hidden_size = 24
encoder = same(EncoderRNN(8, hidden_size).to(device))
decoder = same(AttnDecoderRNN(hidden_size, 8).to(device))

# same weights, eval mode: the two libraries compute the same numbers
encoder.eval(); decoder.eval()
with torch.no_grad():
    probe_in = torch.LongTensor(input_ids[:4])
    eo, eh = encoder(probe_in)
    do, dh, att = decoder(eo, eh)
    do_forced, _, _ = decoder(eo, eh, torch.LongTensor(target_ids[:4]))
assert do.shape == (4, MAX_LENGTH, 8) and att.shape == (4, MAX_LENGTH, MAX_LENGTH)
assert torch.allclose(att.sum(-1), torch.ones(4, MAX_LENGTH))

encoder.train(); decoder.train()
encoder_optimizer = optim.Adam(encoder.parameters(), lr=0.01)
decoder_optimizer = optim.Adam(decoder.parameters(), lr=0.01)
criterion = nn.NLLLoss()
epoch_losses = []
for epoch in range(12):
    total_loss = 0
    for data in train_dataloader:
        input_tensor, target_tensor = data
        encoder_optimizer.zero_grad()
        decoder_optimizer.zero_grad()
        encoder_outputs, encoder_hidden = encoder(input_tensor)
        decoder_outputs, _, _ = decoder(encoder_outputs, encoder_hidden, target_tensor)
        loss = criterion(decoder_outputs.view(-1, decoder_outputs.size(-1)), target_tensor.view(-1))
        loss.backward()
        encoder_optimizer.step()
        decoder_optimizer.step()
        total_loss += loss.item()
    epoch_losses.append(total_loss / len(train_dataloader))
assert epoch_losses[-1] < 0.6 * epoch_losses[0], epoch_losses
encoder.eval(); decoder.eval()
with torch.no_grad():
    encoder_outputs, encoder_hidden = encoder(torch.LongTensor(input_ids[:8]))
    decoder_outputs, decoder_hidden, decoder_attn = decoder(encoder_outputs, encoder_hidden)
    _, topi = decoder_outputs.topk(1)
    decoded_ids = topi.squeeze()
assert decoded_ids.shape == (8, MAX_LENGTH) and decoded_ids.dtype == torch.int64
result = {"do": do, "dh": dh, "att": att, "forced": do_forced}
"""


def test_char_rnn_name_classifier():
    check(CHAR_RNN)


def test_guthrie_bow_ngram_cbow():
    check(GUTHRIE)


def test_lstm_part_of_speech_tagger():
    check(LSTM_TAGGER)


def test_seq2seq_gru_bahdanau_attention():
    check(SEQ2SEQ)
