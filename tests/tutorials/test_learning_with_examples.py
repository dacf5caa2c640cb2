"""'Learning PyTorch with Examples' (Justin Johnson): fitting sin(x) with a third-order
polynomial, by hand with tensors, with autograd, with a custom autograd Function, with nn,
with optim, with a custom nn.Module, and with dynamic control flow."""
from __future__ import annotations

from tests.tutorials.harness import check

TENSORS_BY_HAND = """
import torch
import math

dtype = torch.float
device = torch.device("cpu")
x = torch.linspace(-math.pi, math.pi, 200, device=device, dtype=dtype)
y = torch.sin(x)
a = same(torch.randn((), device=device, dtype=dtype))
b = same(torch.randn((), device=device, dtype=dtype))
c = same(torch.randn((), device=device, dtype=dtype))
d = same(torch.randn((), device=device, dtype=dtype))
learning_rate = 1e-5
losses = []
for t in range(300):
    y_pred = a + b * x + c * x ** 2 + d * x ** 3
    loss = (y_pred - y).pow(2).sum().item()
    losses.append(loss)
    grad_y_pred = 2.0 * (y_pred - y)
    grad_a = grad_y_pred.sum()
    grad_b = (grad_y_pred * x).sum()
    grad_c = (grad_y_pred * x ** 2).sum()
    grad_d = (grad_y_pred * x ** 3).sum()
    a -= learning_rate * grad_a
    b -= learning_rate * grad_b
    c -= learning_rate * grad_c
    d -= learning_rate * grad_d
text = f'Result: y = {a.item()} + {b.item()} x + {c.item()} x^2 + {d.item()} x^3'
assert losses[-1] < 0.25 * losses[0], losses[::50]
assert isinstance(loss, float) and a.shape == () and x.dtype == torch.float32
result = {"losses": losses[::50], "abcd": [a, b, c, d], "text_start": text[:9]}
"""

AUTOGRAD_AND_FUNCTION = """
import torch
import math

class LegendrePolynomial3(torch.autograd.Function):
    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return 0.5 * (5 * input ** 3 - 3 * input)

    @staticmethod
    def backward(ctx, grad_output):
        input, = ctx.saved_tensors
        return grad_output * 1.5 * (5 * input ** 2 - 1)

dtype = torch.float
x = torch.linspace(-math.pi, math.pi, 200, dtype=dtype)
y = torch.sin(x)
a = torch.full((), 0.0, dtype=dtype, requires_grad=True)
b = torch.full((), -1.0, dtype=dtype, requires_grad=True)
c = torch.full((), 0.0, dtype=dtype, requires_grad=True)
d = torch.full((), 0.3, dtype=dtype, requires_grad=True)
learning_rate = 5e-6
losses = []
for t in range(400):
    P3 = LegendrePolynomial3.apply
    y_pred = a + b * P3(c + d * x)
    loss = (y_pred - y).pow(2).sum()
    losses.append(loss.item())
    loss.backward()
    with torch.no_grad():
        a -= learning_rate * a.grad
        b -= learning_rate * b.grad
        c -= learning_rate * c.grad
        d -= learning_rate * d.grad
        a.grad = None
        b.grad = None
        c.grad = None
        d.grad = None
assert losses[-1] < 0.7 * losses[0], losses[::50]
assert a.requires_grad and a.is_leaf and a.grad is None and a.dtype == torch.float32
result = {"losses": losses[::40], "abcd": [a, b, c, d]}
"""

NN_AND_OPTIM = """
import torch
import math

x = torch.linspace(-math.pi, math.pi, 200)
y = torch.sin(x)
p = torch.tensor([1, 2, 3])
xx = x.unsqueeze(-1).pow(p)
assert tuple(xx.shape) == (200, 3)
model = torch.nn.Sequential(
    torch.nn.Linear(3, 1),
    torch.nn.Flatten(0, 1)
)
same(model)
loss_fn = torch.nn.MSELoss(reduction='sum')
learning_rate = 1e-6
losses = []
for t in range(200):
    y_pred = model(xx)
    loss = loss_fn(y_pred, y)
    losses.append(loss.item())
    model.zero_grad()
    loss.backward()
    with torch.no_grad():
        for param in model.parameters():
            param -= learning_rate * param.grad
linear_layer = model[0]
text = f'y = {linear_layer.bias.item()} + {linear_layer.weight[:, 0].item()} x'
assert losses[-1] < losses[0]

model2 = torch.nn.Sequential(torch.nn.Linear(3, 1), torch.nn.Flatten(0, 1))
same(model2)
optimizer = torch.optim.RMSprop(model2.parameters(), lr=1e-3)
losses2 = []
for t in range(150):
    y_pred = model2(xx)
    loss = loss_fn(y_pred, y)
    losses2.append(loss.item())
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
assert losses2[-1] < 0.5 * losses2[0], (losses2[0], losses2[-1])
result = {"losses": losses[::40], "w": linear_layer.weight, "b": linear_layer.bias,
          "rms": losses2[::30], "w2": model2[0].weight, "xx_dtype": str(xx.dtype)[-7:]}
"""

CUSTOM_MODULE_AND_DYNAMIC = """
import random
import torch
import math

class Polynomial3(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.a = torch.nn.Parameter(torch.randn(()))
        self.b = torch.nn.Parameter(torch.randn(()))
        self.c = torch.nn.Parameter(torch.randn(()))
        self.d = torch.nn.Parameter(torch.randn(()))

    def forward(self, x):
        return self.a + self.b * x + self.c * x ** 2 + self.d * x ** 3

    def string(self):
        return f'y = {self.a.item()} + {self.b.item()} x + {self.c.item()} x^2 + {self.d.item()} x^3'

class DynamicNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.a = torch.nn.Parameter(torch.randn(()))
        self.b = torch.nn.Parameter(torch.randn(()))
        self.c = torch.nn.Parameter(torch.randn(()))
        self.d = torch.nn.Parameter(torch.randn(()))
        self.e = torch.nn.Parameter(torch.randn(()))

    def forward(self, x):
        y = self.a + self.b * x + self.c * x ** 2 + self.d * x ** 3
        for exp in range(4, random.randint(4, 6)):
            y = y + self.e * x ** exp
        return y

x = torch.linspace(-math.pi, math.pi, 100)
y = torch.sin(x)
model = same(Polynomial3())
criterion = torch.nn.MSELoss(reduction='sum')
optimizer = torch.optim.SGD(model.parameters(), lr=1e-6)
losses = []
for t in range(300):
    loss = criterion(model(x), y)
    losses.append(loss.item())
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
assert losses[-1] < losses[0]
assert [n for n, _ in model.named_parameters()] == ["a", "b", "c", "d"]

random.seed(0)
dyn = same(DynamicNet())
optimizer = torch.optim.SGD(dyn.parameters(), lr=1e-8, momentum=0.9)
dyn_losses = []
for t in range(100):
    loss = criterion(dyn(x), y)
    dyn_losses.append(loss.item())
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
assert dyn_losses[-1] < dyn_losses[0]
result = {"losses": losses[::50], "params": list(model.parameters()), "dyn": dyn_losses[::20],
          "e": dyn.e, "string": model.string()[:2]}
"""


def test_polynomial_with_tensors_by_hand():
    ns = check(TENSORS_BY_HAND, rtol=1e-5)
    assert ns["text"].startswith("Result: y = ")


def test_polynomial_with_autograd_and_custom_function():
    check(AUTOGRAD_AND_FUNCTION, rtol=1e-5)


def test_polynomial_with_nn_and_optim():
    check(NN_AND_OPTIM)


def test_polynomial_custom_module_and_dynamic_net():
    check(CUSTOM_MODULE_AND_DYNAMIC)
