"""PyTorch's 'Learn the Basics' series: Tensors (every call in it), Build the Neural Network,
Optimizing Model Parameters (train and test loops), Save and Load the Model."""
from __future__ import annotations

from tests.tutorials.harness import check

TENSORS = """
import torch
import numpy as np

data = [[1, 2], [3, 4]]
x_data = torch.tensor(data)
np_array = np.array(data)
x_np = torch.from_numpy(np_array)
x_ones = torch.ones_like(x_data)
x_rand = torch.rand_like(x_data, dtype=torch.float)
assert x_ones.dtype == torch.int64 and x_rand.dtype == torch.float32
assert (x_rand >= 0).all() and (x_rand < 1).all()
shape = (2, 3,)
rand_tensor = torch.rand(shape)
ones_tensor = torch.ones(shape)
zeros_tensor = torch.zeros(shape)
tensor = torch.rand(3, 4)
attrs = (tuple(tensor.shape), str(tensor.dtype).replace("torch.", ""), str(tensor.device))
assert attrs == ((3, 4), "float64", "cpu"), attrs
if torch.accelerator.is_available():
    tensor = tensor.to(torch.accelerator.current_accelerator())
tensor = torch.ones(4, 4)
first_row = tensor[0]
first_col = tensor[:, 0]
last_col = tensor[..., -1]
tensor[:, 1] = 0
t1 = torch.cat([tensor, tensor, tensor], dim=1)
y1 = tensor @ tensor.T
y2 = tensor.matmul(tensor.T)
y3 = torch.rand_like(y1)
torch.matmul(tensor, tensor.T, out=y3)
z1 = tensor * tensor
z2 = tensor.mul(tensor)
z3 = torch.rand_like(tensor)
torch.mul(tensor, tensor, out=z3)
assert torch.equal(y1, y3) and torch.equal(z1, z3)
agg = tensor.sum()
agg_item = agg.item()
assert agg_item == 12.0 and isinstance(agg_item, float)
tensor.add_(5)
t = torch.ones(5)
n = t.numpy()
t.add_(1)
assert n[0] == 2.0
n = np.ones(5)
t = torch.from_numpy(n)
np.add(n, 1, out=n)
assert t[0].item() == 2.0
stacked = torch.stack([x_data, x_np])
result = {"x_data": x_data, "x_np": x_np, "ones": x_ones, "first_row": first_row, "first_col": first_col,
          "last_col": last_col, "t1": t1, "y1": y1, "y2": y2, "y3": y3, "z2": z2, "agg": agg, "item": agg_item,
          "tensor": tensor, "t": t, "n": n, "stacked": stacked, "shapes": [tuple(t1.shape), list(y1.size())],
          "zeros": zeros_tensor + ones_tensor, "rand_shape": tuple(rand_tensor.shape)}
"""

BUILD_MODEL = """
import torch
from torch import nn

device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"
assert device == "cpu"

class NeuralNetwork(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear_relu_stack = nn.Sequential(
            nn.Linear(8 * 8, 32),
            nn.ReLU(),
            nn.Linear(32, 32),
            nn.ReLU(),
            nn.Linear(32, 10),
        )

    def forward(self, x):
        x = self.flatten(x)
        logits = self.linear_relu_stack(x)
        return logits

model = same(NeuralNetwork().to(device))
X = same(torch.rand(1, 8, 8, device=device))
logits = model(X)
pred_probab = nn.Softmax(dim=1)(logits)
y_pred = pred_probab.argmax(1)
assert abs(pred_probab.sum().item() - 1) < 1e-12 and y_pred.shape == (1,)

input_image = same(torch.rand(3, 8, 8))
flatten = nn.Flatten()
flat_image = flatten(input_image)
layer1 = same(nn.Linear(in_features=8 * 8, out_features=20))
hidden1 = layer1(flat_image)
relu_hidden = nn.ReLU()(hidden1)
assert (relu_hidden >= 0).all() and hidden1.size() == (3, 20)
seq_modules = nn.Sequential(
    flatten,
    layer1,
    nn.ReLU(),
    nn.Linear(20, 10)
)
same(seq_modules)
logits2 = seq_modules(input_image)
softmax = nn.Softmax(dim=1)
pred_probab2 = softmax(logits2)
params = []
for name, param in model.named_parameters():
    params.append((name, tuple(param.size()), param[:2].shape[0]))
assert params[0] == ("linear_relu_stack.0.weight", (32, 64), 2)
result = {"logits": logits, "probab": pred_probab, "y_pred": y_pred, "flat": tuple(flat_image.size()),
          "relu": relu_hidden, "probab2": pred_probab2, "params": params,
          "n_params": sum(p.numel() for p in model.parameters())}
"""

OPTIMIZE = """
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset
import numpy as np

rng = np.random.default_rng(3)
centers = rng.standard_normal((4, 16))
class Blobs(Dataset):
    def __init__(self, n):
        self.y = rng.integers(0, 4, n)
        self.x = centers[self.y] + 0.5 * rng.standard_normal((n, 16))

    def __len__(self):
        return len(self.y)

    def __getitem__(self, idx):
        return torch.tensor(self.x[idx]), int(self.y[idx])

training_data, test_data = Blobs(256), Blobs(64)
learning_rate = 1e-1
batch_size = 32
epochs = 4
train_dataloader = DataLoader(training_data, batch_size=batch_size)
test_dataloader = DataLoader(test_data, batch_size=batch_size)

model = same(nn.Sequential(nn.Flatten(), nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 4)))
loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)
log = []

def train_loop(dataloader, model, loss_fn, optimizer):
    size = len(dataloader.dataset)
    model.train()
    for batch, (X, y) in enumerate(dataloader):
        pred = model(X)
        loss = loss_fn(pred, y)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        if batch % 4 == 0:
            loss, current = loss.item(), batch * batch_size + len(X)
            log.append(f"loss: {loss:>7f}  [{current:>5d}/{size:>5d}]")

def test_loop(dataloader, model, loss_fn):
    model.eval()
    size = len(dataloader.dataset)
    num_batches = len(dataloader)
    test_loss, correct = 0, 0
    with torch.no_grad():
        for X, y in dataloader:
            pred = model(X)
            test_loss += loss_fn(pred, y).item()
            correct += (pred.argmax(1) == y).type(torch.float).sum().item()
    test_loss /= num_batches
    correct /= size
    log.append(f"Test Error: Accuracy: {(100*correct):>0.1f}%, Avg loss: {test_loss:>8f}")
    return correct, test_loss

for t in range(epochs):
    train_loop(train_dataloader, model, loss_fn, optimizer)
    correct, test_loss = test_loop(test_dataloader, model, loss_fn)
assert correct > 0.8, log
X, y = next(iter(train_dataloader))
assert X.shape == (32, 16) and y.dtype == torch.int64
result = {"log": log, "correct": correct, "test_loss": test_loss}
"""

SAVE_LOAD = """
import os
import tempfile
import torch
from torch import nn

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 3)
        self.bn = nn.BatchNorm1d(3)
        self.fc2 = nn.Linear(3, 2)

    def forward(self, x):
        return self.fc2(torch.relu(self.bn(self.fc1(x))))

model = same(Net())
x = same(torch.randn(6, 4))
model(x)                           # moves the batch-norm running statistics
model.eval()
expected = model(x)
with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, "model_weights.pth")
    torch.save(model.state_dict(), path)
    model2 = Net()
    model2.load_state_dict(torch.load(path, weights_only=True))
    model2.eval()
    got = model2(x)
    ckpt = os.path.join(folder, "ckpt.tar")
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    model.train()
    model(x).sum().backward()
    optimizer.step()
    torch.save({"epoch": 5, "model_state_dict": model.state_dict(),
                "optimizer_state_dict": optimizer.state_dict(), "loss": 0.25}, ckpt)
    checkpoint = torch.load(ckpt, weights_only=True)
    model4 = Net()
    optimizer4 = torch.optim.SGD(model4.parameters(), lr=0.5)
    model4.load_state_dict(checkpoint["model_state_dict"])
    optimizer4.load_state_dict(checkpoint["optimizer_state_dict"])
assert torch.equal(got, expected)
assert checkpoint["epoch"] == 5 and optimizer4.param_groups[0]["lr"] == 0.01
keys = list(model.state_dict().keys())
assert keys == ["fc1.weight", "fc1.bias", "bn.weight", "bn.bias", "bn.running_mean", "bn.running_var",
                "bn.num_batches_tracked", "fc2.weight", "fc2.bias"], keys
result = {"expected": expected, "got": got, "keys": keys, "tracked": model4.bn.num_batches_tracked,
          "momentum": optimizer4.state_dict()["state"][0]["momentum_buffer"], "loss": checkpoint["loss"]}
"""


def test_tensors_tutorial():
    check(TENSORS)


def test_build_the_neural_network():
    check(BUILD_MODEL)


def test_optimization_train_and_test_loops():
    check(OPTIMIZE)


def test_save_and_load():
    check(SAVE_LOAD)


def test_saving_a_whole_model_says_to_save_its_state_dict(tmp_path):
    """`torch.save(model, path)` pickles the module; here nothing is pickled (a deliberate
    difference), and the error says what to write instead."""
    import pytest

    import tinygrad_edu as tg

    with pytest.raises(TypeError, match=r"state_dict\(\) instead.*load_state_dict"):
        tg.save(tg.nn.Linear(2, 1), str(tmp_path / "model.pth"))
    optimizer = tg.optim.SGD(tg.nn.Linear(2, 1).parameters(), lr=0.1)
    with pytest.raises(TypeError, match="of type SGD.*state_dict"):
        tg.save(optimizer, str(tmp_path / "opt.pth"))
    with pytest.raises(TypeError, match="of type object;") as info:
        tg.save(object(), str(tmp_path / "x.pth"))
    assert "state_dict" not in str(info.value).split(";", 1)[1].split("holds")[0]
