"""Programs that follow PyTorch's documentation "Notes" pages and the "Tensor Attributes" page
(pytorch.org/docs/stable, PyTorch 2.x), idiom for idiom, run with torch and with tinygrad_edu
(see tests/test_pytorch_programs.py for the harness):

- "Broadcasting semantics": which shapes broadcast, in-place broadcasting, the backward-compatibility
  example, gradients summed back to each input's shape;
- "Autograd mechanics": locally disabling gradient computation (requires_grad, frozen parameters,
  no_grad / enable_grad / set_grad_enabled / inference_mode, evaluation mode), gradients at
  non-differentiable points, in-place correctness checks (version counters), multithreaded autograd,
  backward hooks and the order they run in, tensor hooks on a tensor modified in place;
- "Modules": MyLinear, Sequential, named_children / named_modules, ModuleList / ModuleDict, `to`,
  `apply`, training and evaluation mode, buffers (persistent or not), module initialization,
  forward (pre-)hooks and full backward hooks;
- "Serialization semantics": saving tensors, dicts, views that share storage, state_dicts of
  BatchNorm1d and of a custom module, `weights_only`;
- "Reproducibility": seeds, `use_deterministic_algorithms`, DataLoader generators and worker seeds;
- "Numerical accuracy": non-associativity, batched vs sliced computation, extremal values,
  float32 vs float64, TF32 settings;
- "Extending PyTorch" (autograd.Function and nn.Module parts): saving intermediates as outputs
  (MyCube), `mark_dirty`, a Module around a Function;
- "Gradcheck mechanics": slow and fast mode, a wrong backward caught, gradgradcheck;
- "Multiprocessing best practices" for CPU tensors: shared memory, threads per process;
- "Tensor Attributes": the dtype promotion examples, in-place casting rules, torch.device,
  torch.layout and strides, torch.memory_format, torch.finfo / torch.iinfo.

Values a program draws at random come from numpy (seeded) and are copied in; what is compared is
what a learner would look at: shapes as tuples, dtypes by name, exception types, printed text.
"""
from __future__ import annotations

import io
import math
import threading

import numpy as np

from tests.test_pytorch_programs import Programs, init_from_numpy
from tests.test_pytorch_programs_advanced import submodule

programs = Programs()


def _error(fn) -> str | None:
    """The kind of exception `fn()` raises, by the builtin type PyTorch uses (tinygrad_edu's own
    errors subclass it: a ShapeError is a RuntimeError), or None."""
    try:
        fn()
    except Exception as error:  # noqa: BLE001 -- the type is the result
        for kind in (RuntimeError, TypeError, ValueError, IndexError, NotImplementedError, AttributeError):
            if isinstance(error, kind):
                return kind.__name__
        return type(error).__name__
    return None


# ---- 1. Broadcasting semantics ---------------------------------------------------------------------
@programs.add
def broadcasting_semantics(torch, nn, F, optim):
    def broadcast_size(x, y):
        try:
            return tuple((x + y).size())
        except RuntimeError as error:
            return "RuntimeError: " + ("names both sizes" if "2" in str(error) and "3" in str(error) else str(error))

    # same shapes are always broadcastable (i.e. the above rules always hold)
    sizes = [broadcast_size(torch.empty(5, 7, 3), torch.empty(5, 7, 3))]
    # x and y are not broadcastable, because x does not have at least 1 dimension
    sizes.append(_error(lambda: torch.empty((0,)) + torch.empty(2, 2)))
    # can line up trailing dimensions
    sizes.append(broadcast_size(torch.empty(5, 3, 4, 1), torch.empty(3, 1, 1)))
    # but: in the 3rd trailing dimension 2 != 3
    sizes.append(broadcast_size(torch.empty(5, 2, 4, 1), torch.empty(3, 1, 1)))
    sizes.append(broadcast_size(torch.empty(5, 1, 4, 1), torch.empty(3, 1, 1)))
    sizes.append(broadcast_size(torch.empty(1), torch.empty(3, 1, 7)))

    # In-place semantics: the in-place tensor does not change shape
    x = torch.zeros(5, 3, 4, 1)
    y = torch.from_numpy(np.arange(3.0).reshape(3, 1, 1))
    inplace_size = tuple(x.add_(y).size())
    inplace_error = _error(lambda: torch.empty(1, 3, 1).add_(torch.empty(3, 1, 7)))

    # Backwards compatibility: a (4, 1) and a (4,) make a (4, 4), not a (4,)
    r = np.random.default_rng(0).standard_normal(4)
    backcompat = torch.add(torch.ones(4, 1), torch.from_numpy(r))

    shapes = torch.broadcast_shapes((5, 1, 4, 1), (3, 1, 1), (1,))
    a, b = torch.broadcast_tensors(torch.tensor([[1.0], [2.0]]), torch.tensor([10.0, 20.0, 30.0]))

    # gradients are summed back over the broadcast dimensions
    data = torch.from_numpy(np.random.default_rng(1).standard_normal((6, 3)))
    scale = torch.ones(3, requires_grad=True)
    shift = torch.zeros(1, 3, requires_grad=True)
    normed = (data - data.mean(dim=0)) / data.std(dim=0)
    out = normed * scale + shift
    (out ** 2).sum().backward()
    assert sizes[2] == (5, 3, 4, 1) and tuple(backcompat.shape) == (4, 4)
    assert torch.allclose(shift.grad, 2 * normed.sum(0, keepdim=True))
    return {"sizes": sizes, "inplace_size": inplace_size, "x_after_add": x[0, :, 0, 0], "inplace_error": inplace_error,
            "backcompat": backcompat, "broadcast_shapes": tuple(shapes), "a": a, "b": b,
            "expanded": tuple(torch.tensor([1.0, 2.0]).expand(3, 2).shape), "normed_mean": normed.mean(0),
            "scale_grad": scale.grad, "shift_grad": shift.grad, "grad_shapes": [tuple(scale.grad.shape),
                                                                               tuple(shift.grad.shape)]}


# ---- 2. Autograd mechanics: locally disabling gradient computation; multithreaded autograd -------------
@programs.add
def autograd_grad_modes_and_threads(torch, nn, F, optim):
    class TinyNet(nn.Module):  # stands in for torchvision.models.resnet18 in the notes
        def __init__(self):
            super().__init__()
            self.features = nn.Sequential(nn.Linear(6, 5), nn.ReLU(), nn.Dropout(0.5))
            self.fc = nn.Linear(5, 4)

        def forward(self, x):
            return self.fc(self.features(x))

    model = TinyNet()
    init_from_numpy(torch, model, seed=2)
    for param in model.parameters():
        param.requires_grad = False
    # Replace the last fully-connected layer
    # Parameters of newly constructed modules have requires_grad=True by default
    model.fc = nn.Linear(5, 3)
    init_from_numpy(torch, model.fc, seed=3)
    # Optimize only the classifier
    optimizer = optim.SGD(model.fc.parameters(), lr=1e-1, momentum=0.9)
    rng = np.random.default_rng(4)
    inputs = torch.from_numpy(rng.standard_normal((10, 6)))
    targets = torch.tensor(rng.integers(0, 3, 10))
    frozen_before = model.features[0].weight.clone()
    model.eval()  # dropout off, so that both libraries compute the same thing
    losses = []
    for _ in range(15):
        optimizer.zero_grad()
        loss = F.cross_entropy(model(inputs), targets)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    frozen_unchanged = torch.equal(model.features[0].weight, frozen_before)
    frozen_grad = model.features[0].weight.grad
    eval_out = model(inputs)  # evaluation mode is not no_grad: the output still requires grad

    # grad-mode context managers, decorators and functions
    x = torch.zeros(1, requires_grad=True)
    flags = {}
    with torch.no_grad():
        y = x * 2
        flags["no_grad"] = (y.requires_grad, torch.is_grad_enabled())
        with torch.enable_grad():
            flags["enable_inside_no_grad"] = (x * 2).requires_grad
    is_train = False
    with torch.set_grad_enabled(is_train):
        flags["set_grad_enabled(False)"] = (x * 2).requires_grad
    try:
        torch.set_grad_enabled(False)  # this can also be used as a function
        flags["function_off"] = (x * 2).requires_grad
        torch.set_grad_enabled(True)
        flags["function_on"] = (x * 2).requires_grad
    finally:
        torch.set_grad_enabled(True)

    @torch.no_grad()
    def doubler(x):
        return x * 2

    @torch.enable_grad()
    def tripler(x):
        return x * 3

    flags["decorated_no_grad"] = doubler(x).requires_grad
    with torch.no_grad():
        flags["decorated_enable_grad"] = tripler(x).requires_grad

    with torch.inference_mode():
        z = x * x
        flags["inference_mode"] = (z.requires_grad, z.is_inference(), torch.is_inference_mode_enabled())

    @torch.inference_mode()
    def predict(x):
        return model(x)

    predicted = predict(inputs)
    flags["inference_decorator"] = (predicted.requires_grad, predicted.is_inference())
    flags["normal_tensor"] = x.is_inference()
    # an inference tensor enters autograd through a clone
    w = torch.ones(1, requires_grad=True)
    (z.clone() * w).sum().backward()
    model.requires_grad_(False)  # the whole model frozen in one call

    # Multithreaded autograd: grad mode is thread-local, and threads may each run a backward
    results = {}

    # Define a train function to be used in different threads
    def train_fn(index):
        x = torch.ones(5, 5, requires_grad=True) * (index + 1.0)
        x.retain_grad()
        # forward
        y = (x + 3) * (x + 4) * 0.5
        # backward
        y.sum().backward()
        results[index] = (x.grad[0, 0].item(), torch.is_grad_enabled())

    # User write their own threading code to drive the train_fn
    with torch.no_grad():  # ... in the main thread only: each new thread starts with grad enabled
        threads = []
        for index in range(4):
            p = threading.Thread(target=train_fn, args=(index,))
            p.start()
            threads.append(p)
        for p in threads:
            p.join()

    # threads sharing one graph: each backward accumulates into the shared leaf
    x = torch.ones(3, requires_grad=True)
    y = (x + 3) * (x + 4) * 0.5
    shared = [threading.Thread(target=lambda: y.sum().backward(retain_graph=True)) for _ in range(3)]
    for p in shared:
        p.start()
    for p in shared:
        p.join()

    def no_grad_thread():
        torch.set_grad_enabled(False)  # for this thread only
        results["set_in_thread"] = torch.is_grad_enabled()

    thread = threading.Thread(target=no_grad_thread)
    thread.start()
    thread.join()
    assert frozen_unchanged and losses[-1] < losses[0] and results[0] == (4.5, True)
    return {"losses": losses, "frozen_unchanged": frozen_unchanged, "frozen_grad_is_none": frozen_grad is None,
            "fc_grad": model.fc.weight.grad,
            "trainable": [n for n, p in TinyNet().named_parameters() if p.requires_grad],
            "eval_out_requires_grad": eval_out.requires_grad, "training": model.training, "flags": flags,
            "predicted": predicted, "w_grad": w.grad, "any_trainable": any(p.requires_grad for p in model.parameters()),
            "thread_grads": [results[i] for i in range(4)], "shared_grad": x.grad,
            "set_in_thread": results["set_in_thread"], "main_after_thread": torch.is_grad_enabled()}


# ---- 3. Autograd mechanics: gradients where a function is not differentiable ---------------------------
@programs.add
def autograd_nondifferentiable_points(torch, nn, F, optim):
    def grad_at(fn, values):
        x = torch.tensor(values, requires_grad=True)
        fn(x).sum().backward()
        return x.grad

    zero = [0.0, 1.0, -1.0]
    grads = {
        "relu": grad_at(torch.relu, zero),  # 0 at 0: the subgradient closest to zero
        "abs": grad_at(torch.abs, zero),
        "clamp_min": grad_at(lambda x: x.clamp(min=0.0), zero),  # at the bound, the gradient passes
        "sign": grad_at(torch.sign, zero),
        "round": grad_at(torch.round, [0.5, 1.4, 2.5]),
        "floor": grad_at(torch.floor, [0.5, 1.0]),
        "norm_at_zero": grad_at(lambda x: x.norm().unsqueeze(0), [0.0, 0.0]),
        "max_ties": grad_at(lambda x: x.max().unsqueeze(0), [1.0, 3.0, 3.0]),  # shared evenly
        "amax_ties": grad_at(lambda x: x.amax(dim=0, keepdim=True), [3.0, 1.0, 3.0, 3.0]),
        "max_dim_ties": grad_at(lambda x: x.max(dim=0).values.unsqueeze(0), [2.0, 2.0, 1.0]),  # one index
        "maximum_tie": grad_at(lambda x: torch.maximum(x, torch.tensor([1.0, 1.0])), [1.0, 2.0]),
        "hardtanh_edges": grad_at(F.hardtanh, [-1.0, 1.0, 0.5]),
        "leaky_relu_zero": grad_at(lambda x: F.leaky_relu(x, 0.1), [0.0, -2.0]),
    }
    # sqrt has an infinite derivative at 0: the gradient is inf, as the math says
    s = torch.tensor([0.0, 4.0], requires_grad=True)
    s.sqrt().sum().backward()
    sqrt_grad = [math.isinf(s.grad[0].item()), s.grad[1].item()]
    # a NaN appears only where the math gives 0 * inf
    t = torch.tensor([0.0, 1.0], requires_grad=True)
    (t.sqrt() * 0.0).sum().backward()
    nan_grad = [math.isnan(t.grad[0].item()), t.grad[1].item()]
    # torch.where does not protect the backward: use a safe input instead
    u = torch.tensor([0.0, 4.0], requires_grad=True)
    safe = torch.where(u > 0, u, torch.ones_like(u))
    torch.where(u > 0, safe.sqrt(), torch.zeros_like(u)).sum().backward()
    assert sqrt_grad[0] and nan_grad[0] and grads["relu"][0].item() == 0.0
    return {**grads, "sqrt_grad": sqrt_grad, "nan_grad": nan_grad, "safe_where_grad": u.grad}


# ---- 4. Autograd mechanics: in-place correctness checks, tensor hooks on tensors changed in place --------
@programs.add
def autograd_inplace_and_tensor_hooks(torch, nn, F, optim):
    a = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
    versions = [a._version]
    b = a.sigmoid()  # sigmoid saves its output for backward
    versions.append(b._version)
    b.mul_(2)  # changes what sigmoid saved
    versions.append(b._version)
    saved_error = _error(lambda: b.sum().backward())
    try:
        b2 = a.sigmoid()
        b2.mul_(2)
        b2.sum().backward()
        message_names_inplace = False
    except RuntimeError as error:
        message_names_inplace = "inplace" in str(error) or "in-place" in str(error) or "in place" in str(error)
    # an in-place op on a leaf that requires grad is refused ...
    leaf_error = _error(lambda: a.add_(1.0))
    # ... but allowed under no_grad: the by-hand SGD update
    with torch.no_grad():
        a.sub_(0.5)
    versions.append(a._version)
    # in-place on a tensor that no backward formula saved is fine
    h = a * 2  # mul saves a, not h
    h.add_(1)
    (h ** 2).sum().backward()
    expected = 4 * (2 * a.detach() + 1)
    # views share the version counter with their base
    base = torch.zeros(4)
    view = base[1:3]
    view.fill_(1.0)
    shared_versions = [base._version, view._version]
    # exp saves its result; a clone keeps the graph correct
    c = torch.tensor([0.5, 1.5], requires_grad=True)
    e = c.exp()
    e2 = e.clone()
    e2.mul_(3)
    (e + e2).sum().backward()

    # Backward hooks: the example of the notes -- retain_grad's hook runs after the tensor's other hooks
    t = torch.tensor(1.0, requires_grad=True).sin()
    t.retain_grad()
    t.register_hook(lambda grad: grad * 2)
    t.sum().backward()
    retained = t.grad
    order = []
    p = torch.tensor([1.0, 2.0], requires_grad=True)
    q = p * 3
    q.register_hook(lambda g: order.append("tensor hook on q"))
    p.register_hook(lambda g: order.append("tensor hook on p"))
    p.register_post_accumulate_grad_hook(lambda leaf: order.append(f"post-accumulate on p, grad {leaf.grad.tolist()}"))
    q.sum().backward()
    # hooks on a tensor that is then modified in place: the hook registered before the change sees
    # the gradient with respect to the old value, and runs after the hook registered later
    x = torch.tensor(0.5, requires_grad=True)
    seen = []
    u = x.sin()
    u.register_hook(lambda g: seen.append(("before in-place", g.item())))
    u.mul_(2)
    u.register_hook(lambda g: seen.append(("after in-place", g.item())))
    u.backward()
    # retain_grad before an in-place change: .grad is the gradient of the new value
    r = torch.tensor([1.0, 2.0], requires_grad=True)
    y = r * 2
    y.retain_grad()
    y.add_(1)
    (y * y).sum().backward()
    # a common use: clip every parameter's gradient as it is computed
    model = nn.Linear(3, 1)
    init_from_numpy(torch, model, seed=5, scale=3.0)
    handles = [param.register_hook(lambda grad: torch.clamp(grad, -0.5, 0.5)) for param in model.parameters()]
    inputs = torch.from_numpy(np.random.default_rng(6).standard_normal((4, 3)) * 3)
    model(inputs).pow(2).sum().backward()
    for handle in handles:
        handle.remove()
    clipped = [param.grad.abs().max().item() for param in model.parameters()]
    assert torch.allclose(a.grad, expected) and message_names_inplace and saved_error == "RuntimeError"
    assert retained.item() == 2.0 and all(value <= 0.5 for value in clipped) and seen[0][0] == "after in-place"
    return {"versions": versions, "saved_error": saved_error, "leaf_error": leaf_error, "a": a,
            "a_grad": a.grad, "shared_versions": shared_versions, "base": base, "c_grad": c.grad,
            "h_version": h._version, "retained": retained, "order": order, "seen": seen, "x_grad": x.grad,
            "y_grad": y.grad, "r_grad": r.grad, "weight_grad": model.weight.grad, "bias_grad": model.bias.grad}


# ---- 5. Autograd mechanics: hooks on graph nodes; inference tensors and autograd -------------------------
@programs.add
def autograd_node_hooks_and_inference_tensors(torch, nn, F, optim):
    order = []
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    b = a * 3
    b.register_hook(lambda g: order.append("tensor hook on b"))
    b.grad_fn.register_prehook(lambda grad_outputs: order.append("prehook on b.grad_fn"))
    b.grad_fn.register_hook(lambda grad_inputs, grad_outputs: order.append("hook on b.grad_fn"))
    a.register_hook(lambda g: order.append("tensor hook on a"))
    a.register_post_accumulate_grad_hook(lambda p: order.append(f"post-accumulate on a, grad {p.grad.tolist()}"))
    b.sum().backward()

    # a Node hook may replace the gradients that the node passes on to its inputs
    c = torch.tensor([1.0, 2.0], requires_grad=True)
    d = c.exp()
    handle = d.grad_fn.register_hook(lambda grad_inputs, grad_outputs: (torch.ones_like(grad_inputs[0]),))
    d.sum().backward()
    replaced = c.grad.clone()
    handle.remove()
    c.grad = None
    c.exp().sum().backward()

    # a Node prehook may replace the gradient that arrives at the node
    e = torch.tensor([0.5, -0.5], requires_grad=True)
    f = e * e
    f.grad_fn.register_prehook(lambda grad_outputs: (grad_outputs[0] * 10,))
    f.sum().backward()

    # Inference mode: tensors made inside cannot be saved for backward outside it
    x = torch.ones(2, requires_grad=True)
    with torch.inference_mode():
        z = x * x
    inference_error = _error(lambda: (z * x).sum().backward())
    (z.clone() * x).sum().backward()  # a clone is a normal tensor
    assert order[1] == "prehook on b.grad_fn" and inference_error == "RuntimeError"
    return {"order": order, "replaced": replaced, "c_grad": c.grad, "e_grad": e.grad,
            "inference_error": inference_error, "x_grad": x.grad}


# ---- 6. Modules: building blocks, containers, to(), apply(), a training loop ---------------------------
@programs.add
def modules_building_blocks(torch, nn, F, optim):
    class MyLinear(nn.Module):
        def __init__(self, in_features, out_features):
            super().__init__()
            self.weight = nn.Parameter(torch.randn(in_features, out_features))
            self.bias = nn.Parameter(torch.randn(out_features))

        def forward(self, input):
            return (input @ self.weight) + self.bias

    m = MyLinear(4, 3)
    init_from_numpy(torch, m, seed=7)
    sample_input = torch.from_numpy(np.random.default_rng(8).standard_normal(4))
    first_output = m(sample_input)
    parameter_names = [name for name, _ in m.named_parameters()]

    net = nn.Sequential(MyLinear(4, 3), nn.ReLU(), MyLinear(3, 1))
    init_from_numpy(torch, net, seed=9)
    seq_out = net(sample_input)

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.l0 = MyLinear(4, 3)
            self.l1 = MyLinear(3, 1)

        def forward(self, x):
            x = self.l0(x)
            x = F.relu(x)
            x = self.l1(x)
            return x

    net = Net()
    children = [(name, type(child).__name__) for name, child in net.named_children()]

    class BigNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.l1 = MyLinear(5, 4)
            self.net = Net()

        def forward(self, x):
            return self.net(self.l1(x))

    big_net = BigNet()
    modules = [(name, type(module).__name__) for name, module in big_net.named_modules()]

    class DynamicNet(nn.Module):
        def __init__(self, num_layers):
            super().__init__()
            self.linears = nn.ModuleList([MyLinear(4, 4) for _ in range(num_layers)])
            self.activations = nn.ModuleDict({"relu": nn.ReLU(), "lrelu": nn.LeakyReLU()})
            self.final = MyLinear(4, 1)

        def forward(self, x, act):
            for linear in self.linears:
                x = linear(x)
                x = self.activations[act](x)
            x = self.final(x)
            return x

    dynamic_net = DynamicNet(3)
    init_from_numpy(torch, dynamic_net, seed=10)
    outputs = [dynamic_net(sample_input, "relu"), dynamic_net(sample_input, "lrelu")]
    dynamic_names = [name for name, _ in dynamic_net.named_parameters()]
    # Change precision of all parameters.
    dynamic_net.to(dtype=torch.float32)
    out32 = dynamic_net(sample_input.float(), "relu")
    dynamic_net.to(dtype=torch.float64)

    def init_weights(m):
        if isinstance(m, nn.Linear):
            nn.init.xavier_normal_(m.weight)
            with torch.no_grad():
                m.bias.fill_(0.0)

    plain = nn.Sequential(nn.Linear(5, 3), nn.ReLU(), nn.Linear(3, 1))
    plain.apply(init_weights)
    biases = [plain[0].bias, plain[2].bias]

    # Training: the notes' loop, with numpy inputs in place of torch.randn(4)
    net = Net()
    init_from_numpy(torch, net, seed=11)
    optimizer = optim.SGD(net.parameters(), lr=1e-2, weight_decay=1e-2, momentum=0.9)
    rng = np.random.default_rng(12)
    losses = []
    for _ in range(60):
        input = torch.from_numpy(rng.standard_normal(4))
        output = net(input)
        loss = output.abs()
        net.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert np.mean(losses[-10:]) < np.mean(losses[:10])
    return {"first_output": first_output, "parameter_names": parameter_names, "seq_out": seq_out,
            "children": children, "modules": modules, "outputs": outputs, "dynamic_names": dynamic_names,
            "out32": out32, "param_dtype": str(dynamic_net.final.weight.dtype).replace("torch.", ""),
            "printed": str(dynamic_net), "biases": biases, "losses": losses, "l1_weight": net.l1.weight}


# ---- 7. Modules: training vs evaluation mode, buffers, module initialization ----------------------------
@programs.add
def modules_state_and_modes(torch, nn, F, optim):
    class ModalModule(nn.Module):
        def __init__(self):
            super().__init__()

        def forward(self, x):
            if self.training:
                # Add a constant only in training mode.
                return x + 1.0
            else:
                return x

    m = ModalModule()
    x = torch.from_numpy(np.random.default_rng(13).standard_normal(4))
    modal = [m(x)]
    m.eval()
    modal.append(m(x))
    m.train()
    modal.append(m(x))

    class RunningMean(nn.Module):
        def __init__(self, num_features, momentum=0.9):
            super().__init__()
            self.momentum = momentum
            self.register_buffer("mean", torch.zeros(num_features))

        def forward(self, x):
            self.mean = self.momentum * self.mean + (1.0 - self.momentum) * x
            return self.mean

    rng = np.random.default_rng(14)
    m = RunningMean(4)
    for _ in range(10):
        input = torch.from_numpy(rng.standard_normal(4))
        m(input)
    state = m.state_dict()

    class RunningMeanNotSaved(nn.Module):
        def __init__(self, num_features, momentum=0.9):
            super().__init__()
            self.momentum = momentum
            # Setting persistent=False means this buffer will not be saved in the state_dict.
            self.register_buffer("mean", torch.zeros(num_features), persistent=False)

        def forward(self, x):
            self.mean = self.momentum * self.mean + (1.0 - self.momentum) * x
            return self.mean

    transient = RunningMeanNotSaved(4)
    transient(torch.ones(4))
    buffers = [name for name, _ in transient.named_buffers()]
    m32 = RunningMean(4).to(torch.float32)

    # buffers of a built-in module; they follow the module through train/eval
    bn = nn.BatchNorm1d(3)
    batch = torch.from_numpy(rng.standard_normal((8, 3)))
    bn(batch)
    bn.eval()
    bn_eval = bn(batch)

    # Module initialization: dtype and device at construction, skipping the default init
    layer32 = nn.Linear(5, 3, dtype=torch.float32, device="cpu")
    skipped = submodule(torch, "nn.utils").skip_init(nn.Linear, 5, 3)
    nn.init.orthogonal_(skipped.weight)
    gram = skipped.weight @ skipped.weight.T
    meta = nn.Linear(5, 3, device="meta")
    assert torch.allclose(gram, torch.eye(3)) and not modal[0].equal(modal[1])
    return {"modal": modal, "printed": str(m), "mean": m.mean, "state_keys": list(state.keys()),
            "state_mean": state["mean"], "transient_keys": list(transient.state_dict().keys()),
            "buffers": buffers, "mean_requires_grad": m.mean.requires_grad,
            "buffer_dtype": str(m32.mean.dtype).replace("torch.", ""),
            "bn_keys": list(bn.state_dict().keys()), "running_mean": bn.running_mean, "running_var": bn.running_var,
            "num_batches_tracked": bn.num_batches_tracked, "bn_eval": bn_eval,
            "layer32_dtype": str(layer32.weight.dtype).replace("torch.", ""),
            "skipped_shape": tuple(skipped.weight.shape),
            "meta_device": str(meta.weight.device), "meta_shape": tuple(meta.weight.shape)}


# ---- 8. Modules: forward pre-hooks, forward hooks, full backward hooks ---------------------------------
@programs.add
def modules_hooks(torch, nn, F, optim):
    def forward_pre_hook(m, inputs):
        # Allows for examination and modification of the input before the forward pass.
        # Note that inputs are always wrapped in a tuple.
        input = inputs[0]
        return input + 1.0

    def forward_hook(m, inputs, output):
        # Allows for examination of inputs / outputs and modification of the outputs
        # after the forward pass. Note that inputs are always wrapped in a tuple while outputs
        # are passed as-is.

        # Residual computation a la ResNet.
        return output + inputs[0]

    def backward_hook(m, grad_inputs, grad_outputs):
        # Allows for examination of grad_inputs / grad_outputs and modification of
        # grad_inputs used in the rest of the backwards pass. Note that grad_inputs and
        # grad_outputs are always wrapped in tuples.
        new_grad_inputs = [torch.ones_like(gi) * 42.0 for gi in grad_inputs]
        return new_grad_inputs

    # Create sample module & input.
    m = nn.Linear(3, 3)
    init_from_numpy(torch, m, seed=15)
    x = torch.from_numpy(np.random.default_rng(16).standard_normal((2, 3))).requires_grad_()

    # ==== Demonstrate forward hooks. ====
    # Run input through module before and after adding hooks.
    outputs = {"no forward hooks": m(x)}
    # Note that the modified input results in a different output.
    forward_pre_hook_handle = m.register_forward_pre_hook(forward_pre_hook)
    outputs["forward pre hook"] = m(x)
    # Note the modified output.
    forward_hook_handle = m.register_forward_hook(forward_hook)
    outputs["both forward hooks"] = m(x)
    # Remove hooks; note that the output here matches the output before adding hooks.
    forward_pre_hook_handle.remove()
    forward_hook_handle.remove()
    outputs["after removing forward hooks"] = m(x)

    # ==== Demonstrate backward hooks. ====
    m(x).sum().backward()
    grad_without = x.grad.clone()
    # Clear gradients before running backward pass again.
    m.zero_grad()
    x.grad.zero_()
    seen = []
    m.register_full_backward_hook(lambda mod, gi, go: seen.append((type(mod).__name__, len(gi), len(go))))
    m.register_full_backward_hook(backward_hook)
    m(x).sum().backward()
    grad_with = x.grad

    # a hook that records activations, as feature extractors do
    activations = {}
    net = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
    init_from_numpy(torch, net, seed=17)

    def save_activation(name):
        def hook(module, inputs, output):
            activations[name] = output.detach()
        return hook

    for name, layer in net.named_children():
        layer.register_forward_hook(save_activation(name))
    net(x)
    assert torch.equal(outputs["no forward hooks"], outputs["after removing forward hooks"])
    assert torch.equal(grad_with, torch.full((2, 3), 42.0))
    return {**outputs, "grad_without": grad_without, "grad_with": grad_with, "seen": seen,
            "weight_grad": m.weight.grad, "activation_names": list(activations), "tanh": activations["1"]}


# ---- 9. Serialization semantics ---------------------------------------------------------------------
@programs.add
def serialization_semantics(torch, nn, F, optim):
    def roundtrip(obj, **load_kwargs):
        buffer = io.BytesIO()
        torch.save(obj, buffer)
        buffer.seek(0)
        return torch.load(buffer, **load_kwargs)

    t = torch.tensor([1.0, 2.0])
    loaded_t = roundtrip(t)
    d = {"a": torch.tensor([1.0, 2.0]), "b": torch.tensor([3.0, 4.0])}
    loaded_d = roundtrip(d)

    # Saving and loading tensors preserves views
    numbers = torch.arange(1, 10)
    evens = numbers[1::2]
    loaded_numbers, loaded_evens = roundtrip([numbers, evens])
    loaded_evens *= 2

    # a view is saved with its whole storage; save a clone to save only the view's elements
    large = torch.arange(1, 1000)
    small = large[0:5]
    storage_sizes = [roundtrip(small).untyped_storage().nbytes() // 8,
                     roundtrip(small.clone()).untyped_storage().nbytes() // 8]

    # Saving and loading torch.nn.Modules: the state_dict
    bn = nn.BatchNorm1d(3, track_running_stats=True)
    parameters = [(name, p.tolist()) for name, p in bn.named_parameters()]
    buffers = [(name, b.tolist()) for name, b in bn.named_buffers()]
    bn(torch.from_numpy(np.random.default_rng(18).standard_normal((6, 3))))
    bn_state_dict = roundtrip(bn.state_dict())
    new_bn = nn.BatchNorm1d(3, track_running_stats=True)
    result = new_bn.load_state_dict(bn_state_dict)

    class MyModule(nn.Module):
        def __init__(self):
            super().__init__()
            self.l0 = nn.Linear(4, 2)
            self.l1 = nn.Linear(2, 1)

        def forward(self, input):
            out0 = self.l0(input)
            out0_relu = F.relu(out0)
            return self.l1(out0_relu)

    m = MyModule()
    init_from_numpy(torch, m, seed=19)
    m_state_dict = roundtrip(m.state_dict(), weights_only=True)
    new_m = MyModule()
    new_m.load_state_dict(m_state_dict)
    probe = torch.from_numpy(np.random.default_rng(20).standard_normal((3, 4)))
    same = torch.equal(m(probe), new_m(probe))
    missing = new_m.load_state_dict({"l0.weight": m_state_dict["l0.weight"]}, strict=False)
    strict_error = _error(lambda: new_m.load_state_dict({"l0.weight": m_state_dict["l0.weight"]}))
    assert same and torch.equal(loaded_numbers, torch.tensor([1, 4, 3, 8, 5, 12, 7, 16, 9]))
    assert storage_sizes == [999, 5] and result.missing_keys == [] and strict_error == "RuntimeError"
    return {"loaded_t": loaded_t, "loaded_d": loaded_d, "loaded_numbers": loaded_numbers,
            "loaded_evens": loaded_evens, "storage_sizes": storage_sizes, "parameters": parameters,
            "buffers": buffers, "bn_keys": list(bn_state_dict),
            "num_batches_tracked": bn_state_dict["num_batches_tracked"],
            "running_mean": new_bn.running_mean, "result": repr(result), "m_keys": list(m_state_dict),
            "same": same, "missing": list(missing.missing_keys), "strict_error": strict_error}


# ---- 10. Reproducibility -----------------------------------------------------------------------------
@programs.add
def reproducibility_seeded_runs(torch, nn, F, optim):
    import random

    def train_once(seed):
        torch.manual_seed(seed)
        random.seed(seed)
        np.random.seed(seed)
        model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Dropout(0.25), nn.Linear(8, 1))
        data = torch.randn(32, 4)
        target = data.sum(1, keepdim=True)
        optimizer = optim.SGD(model.parameters(), lr=0.05)
        g = torch.Generator()
        g.manual_seed(seed)
        DataLoader, TensorDataset = torch.utils.data.DataLoader, torch.utils.data.TensorDataset
        loader = DataLoader(TensorDataset(data, target), batch_size=8, shuffle=True, generator=g)
        losses = []
        for _ in range(3):
            for xb, yb in loader:
                optimizer.zero_grad()
                loss = F.mse_loss(model(xb), yb)
                loss.backward()
                optimizer.step()
                losses.append(loss.item())
        return losses, [p.detach().clone() for p in model.parameters()]

    first, first_params = train_once(0)
    again, again_params = train_once(0)
    other, _ = train_once(1)
    same_run = first == again and all(torch.equal(a, b) for a, b in zip(first_params, again_params))

    torch.use_deterministic_algorithms(True)
    try:
        enabled = torch.are_deterministic_algorithms_enabled()
        warn_only = torch.is_deterministic_algorithms_warn_only_enabled()
        # with deterministic algorithms on, uninitialized memory is filled (NaN for floats)
        fill = torch.utils.deterministic.fill_uninitialized_memory
        empty = torch.empty(3)
        filled_with_nan = bool(torch.isnan(empty).all())
        empty_int = torch.empty(2, dtype=torch.int64)
        int_max = empty_int.tolist() == [torch.iinfo(torch.int64).max] * 2
    finally:
        torch.use_deterministic_algorithms(False)
    torch.use_deterministic_algorithms(True, warn_only=True)
    try:
        warn_only_on = torch.is_deterministic_algorithms_warn_only_enabled()
    finally:
        torch.use_deterministic_algorithms(False)
    torch.manual_seed(0)
    seeded = torch.initial_seed()
    assert same_run and first != other and filled_with_nan and int_max and fill is True
    return {"same_run": same_run, "differs_with_other_seed": first != other, "enabled": enabled,
            "warn_only": warn_only, "fill": fill, "filled_with_nan": filled_with_nan, "int_max": int_max,
            "warn_only_on": warn_only_on, "seeded": seeded,
            "disabled": torch.are_deterministic_algorithms_enabled(), "benchmark": torch.backends.cudnn.benchmark}


# ---- 11. Numerical accuracy --------------------------------------------------------------------------
@programs.add
def numerical_accuracy(torch, nn, F, optim):
    # floating point addition is not associative
    a = torch.tensor(1e16)
    b = torch.tensor(-1e16)
    c = torch.tensor(1.0)
    left, right = ((a + b) + c).item(), (a + (b + c)).item()
    # about 7 decimal digits in float32, 16 in float64
    third32 = torch.tensor(1.0, dtype=torch.float32) / 3
    third64 = torch.tensor(1.0, dtype=torch.float64) / 3
    eps = [float(torch.finfo(torch.float32).eps), float(torch.finfo(torch.float64).eps)]
    one_plus = [(torch.tensor(1.0, dtype=torch.float32) + 1e-8).item() == 1.0,
                (torch.tensor(1.0, dtype=torch.float64) + 1e-8).item() == 1.0]

    # Batched computations or slice computations: mathematically identical, allclose, maybe not equal
    rng = np.random.default_rng(21)
    A = torch.from_numpy(rng.standard_normal((4, 5, 6)))
    B = torch.from_numpy(rng.standard_normal((4, 6, 3)))
    batched = torch.bmm(A, B)
    sliced = torch.stack([A[i].mm(B[i]) for i in range(4)])
    close = torch.allclose(batched, sliced)

    # Extremal values: intermediate results overflow in float32
    big = torch.tensor([100.0, 0.0], dtype=torch.float32)
    naive = torch.exp(big) / torch.exp(big).sum()  # exp(100) overflows float32 to inf: nan
    stable = torch.softmax(big, dim=0)
    naive_is_nan = bool(torch.isnan(naive[0]))
    norm_overflow = torch.tensor([1e30, 1e30], dtype=torch.float32)
    naive_norm = (norm_overflow ** 2).sum().sqrt()
    log_sigmoid = [math.isinf(torch.log(torch.sigmoid(torch.tensor(-800.0))).item()),
                   F.logsigmoid(torch.tensor(-800.0)).item()]

    # Linear algebra: solve instead of inv for an ill-conditioned matrix
    hilbert = torch.tensor([[1.0 / (i + j + 1) for j in range(6)] for i in range(6)])
    x_true = torch.ones(6)
    rhs = hilbert @ x_true
    x_solve = torch.linalg.solve(hilbert, rhs)
    error = (x_solve - x_true).abs().max().item()
    cond = torch.linalg.cond(hilbert).item()
    # TF32 and float32 matmul precision (only a setting on the CPU)
    precision = torch.get_float32_matmul_precision()
    torch.set_float32_matmul_precision("high")
    changed = torch.get_float32_matmul_precision()
    torch.set_float32_matmul_precision(precision)
    assert left != right and close and naive_is_nan and error < 1e-6 and cond > 1e6
    return {"left": left, "right": right, "third32": third32, "third64": third64, "eps": eps,
            "one_plus": one_plus, "close": close, "stable": stable, "naive_is_nan": naive_is_nan,
            "naive_norm_inf": math.isinf(naive_norm.item()),
            "norm32_inf": math.isinf(torch.linalg.vector_norm(norm_overflow).item()),  # PyTorch's too
            "norm64": torch.linalg.vector_norm(norm_overflow.double()),  # the cure: a wider dtype
            "log_sigmoid": log_sigmoid, "small_error": error < 1e-6, "cond_large": cond > 1e6,
            "precision": precision, "changed": changed, "allow_tf32": torch.backends.cuda.matmul.allow_tf32}


# ---- 12. Extending PyTorch: saving intermediates as outputs, mark_dirty, a Module around a Function ----
@programs.add
def extending_mycube_and_mark_dirty(torch, nn, F, optim):
    Function = torch.autograd.Function
    once_differentiable = submodule(torch, "autograd.function").once_differentiable

    class MyCube(Function):
        @staticmethod
        def forward(x):
            # We wish to save dx for backward. In order to do so, it must
            # be returned as an output.
            dx = 3 * x ** 2
            result = x ** 3
            return result, dx

        @staticmethod
        def setup_context(ctx, inputs, output):
            x, = inputs
            result, dx = output
            ctx.save_for_backward(x, dx)

        @staticmethod
        def backward(ctx, grad_output, grad_dx):
            x, dx = ctx.saved_tensors
            # In order for the autograd.Function to work with higher-order
            # gradients, we must add the gradient contribution of `dx`,
            # which is grad_dx * 6 * x.
            result = grad_output * dx + grad_dx * 6 * x
            return result

    # Wrap MyCube in a function so that it is clearer what the output is
    def my_cube(x):
        result, dx = MyCube.apply(x)
        return result

    x = torch.tensor([0.5, -1.0, 2.0], dtype=torch.double, requires_grad=True)
    checks = [torch.autograd.gradcheck(my_cube, (x,)), torch.autograd.gradgradcheck(my_cube, (x,))]
    (g,) = torch.autograd.grad(my_cube(x).sum(), x, create_graph=True)
    (gg,) = torch.autograd.grad(g.sum(), x)

    class Inplace(Function):
        @staticmethod
        def forward(ctx, x):
            x_npy = x.numpy()  # x_npy shares storage with x
            x_npy += 1
            ctx.mark_dirty(x)
            return x

        @staticmethod
        @once_differentiable
        def backward(ctx, grad_output):
            return grad_output

    a = torch.tensor(1.0, requires_grad=True, dtype=torch.double).clone()
    b = a * a
    Inplace.apply(a)  # This would lead to wrong gradients!
    # but the engine would not know unless we mark_dirty
    dirty_error = _error(lambda: b.backward())
    a2 = torch.tensor(1.0, requires_grad=True, dtype=torch.double)
    c = a2.clone()
    d = Inplace.apply(c)
    (d * 3).backward()

    class ScaleFunction(Function):
        @staticmethod
        def forward(ctx, input, scale):
            ctx.save_for_backward(input, scale)
            return input * scale

        @staticmethod
        def backward(ctx, grad_output):
            input, scale = ctx.saved_tensors
            return grad_output * scale, (grad_output * input).sum(0)

    class Scale(nn.Module):
        def __init__(self, features):
            super().__init__()
            self.features = features
            self.scale = nn.Parameter(torch.ones(features))

        def forward(self, input):
            return ScaleFunction.apply(input, self.scale)

        def extra_repr(self):
            return f"features={self.features}"

    model = nn.Sequential(nn.Linear(3, 2), Scale(2))
    init_from_numpy(torch, model, seed=22)
    rng = np.random.default_rng(23)
    inputs = torch.from_numpy(rng.standard_normal((8, 3)))
    target = torch.from_numpy(rng.standard_normal((8, 2)))
    optimizer = optim.Adam(model.parameters(), lr=0.05)
    losses = []
    for _ in range(25):
        optimizer.zero_grad()
        loss = F.mse_loss(model(inputs), target)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    scale_check = torch.autograd.gradcheck(ScaleFunction.apply, (
        torch.from_numpy(rng.standard_normal((4, 2))).requires_grad_(),
        torch.from_numpy(rng.standard_normal(2)).requires_grad_()))
    assert all(checks) and scale_check and losses[-1] < losses[0] and dirty_error == "RuntimeError"
    return {"checks": checks, "g": g.detach(), "gg": gg, "a": a.detach(), "dirty_error": dirty_error,
            "d_is_c": d is c, "c_version": c._version, "a2_grad": a2.grad, "printed": str(model),
            "losses": losses, "scale": model[1].scale, "scale_check": scale_check}


# ---- 13. Gradcheck mechanics -------------------------------------------------------------------------
@programs.add
def gradcheck_mechanics(torch, nn, F, optim):
    gradcheck, gradgradcheck = torch.autograd.gradcheck, torch.autograd.gradgradcheck
    rng = np.random.default_rng(24)
    x = torch.tensor(rng.standard_normal((3, 4)), dtype=torch.double, requires_grad=True)
    w = torch.tensor(rng.standard_normal((4, 2)), dtype=torch.double, requires_grad=True)

    def f(x, w):
        return torch.tanh(x @ w) * x.sum(1, keepdim=True)

    results = {"slow": gradcheck(f, (x, w)), "fast": gradcheck(f, (x, w), fast_mode=True),
               "gradgrad": gradgradcheck(f, (x, w)), "gradgrad_fast": gradgradcheck(f, (x, w), fast_mode=True)}

    class BadSquare(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 2

        @staticmethod
        def backward(ctx, grad_output):
            (x,) = ctx.saved_tensors
            return grad_output * x  # wrong: forgot the 2

    results["bad_no_raise"] = gradcheck(BadSquare.apply, (x,), raise_exception=False)
    results["bad_fast_no_raise"] = gradcheck(BadSquare.apply, (x,), raise_exception=False, fast_mode=True)
    try:
        gradcheck(BadSquare.apply, (x,))
        results["bad_error"] = None
    except RuntimeError as error:  # torch.autograd.gradcheck.GradcheckError is a RuntimeError
        results["bad_error"] = "output 0 with respect to input 0" in str(error)
    # only the inputs that require grad are checked
    results["one_input"] = gradcheck(lambda x, w: f(x, w), (x, w.detach()))
    # tolerances: a loose check passes what a strict one catches
    almost = lambda t: t ** 2 + 1e-4 * torch.sin(1e3 * t) * 0  # noqa: E731 -- exactly t**2
    results["tolerance"] = gradcheck(almost, (x,), atol=1e-8, rtol=1e-8)
    assert results["slow"] and results["fast"] and results["bad_no_raise"] is False and results["bad_error"]
    return results


# ---- 14. Multiprocessing best practices (CPU tensors): shared memory, threads per process ----------------
@programs.add
def multiprocessing_cpu_sharing(torch, nn, F, optim):
    mp = submodule(torch, "multiprocessing")  # import torch.multiprocessing as mp

    model = nn.Linear(3, 1)
    init_from_numpy(torch, model, seed=25)
    # NOTE: this is required for the ``fork`` method to work
    model.share_memory()
    shared = [p.is_shared() for p in model.parameters()]
    t = torch.zeros(4)
    was_shared = t.is_shared()
    t.share_memory_()

    rng = np.random.default_rng(26)
    data = torch.from_numpy(rng.standard_normal((16, 3)))
    target = data @ torch.tensor([[1.0], [-2.0], [0.5]])

    def train(model):
        # Construct data_loader, optimizer, etc.
        optimizer = optim.SGD(model.parameters(), lr=0.05)
        for _ in range(20):
            optimizer.zero_grad()
            loss_fn = F.mse_loss(model(data), target)
            loss_fn.backward()
            optimizer.step()  # This will update the shared parameters

    before = F.mse_loss(model(data), target).item()
    ctx = mp.get_context("fork")
    processes = []
    for _rank in range(2):
        p = ctx.Process(target=train, args=(model,))
        p.start()
        processes.append(p)
    for p in processes:
        p.join()
    after = F.mse_loss(model(data), target).item()
    exit_codes = [p.exitcode for p in processes]

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # avoid CPU oversubscription: one thread per process
    one = torch.get_num_threads()
    torch.set_num_threads(threads)
    assert after < before and exit_codes == [0, 0]
    return {"shared": shared, "was_shared": was_shared, "now_shared": t.is_shared(), "improved": after < before,
            "exit_codes": exit_codes, "one_thread": one, "methods": "fork" in mp.get_all_start_methods()}


# ---- 15. Tensor Attributes: dtype promotion, in-place casting, finfo and iinfo --------------------------
@programs.add
def tensor_attributes_dtypes(torch, nn, F, optim):
    float_tensor = torch.ones(1, dtype=torch.float)
    double_tensor = torch.ones(1, dtype=torch.double)
    int_tensor = torch.ones(1, dtype=torch.int)
    long_tensor = torch.ones(1, dtype=torch.long)
    uint_tensor = torch.ones(1, dtype=torch.uint8)
    bool_tensor = torch.ones(1, dtype=torch.bool)
    # zero-dim tensors
    long_zerodim = torch.tensor(1, dtype=torch.long)
    int_zerodim = torch.tensor(1, dtype=torch.int)

    def name(dtype):
        return str(dtype).replace("torch.", "")

    promoted = {
        "add(5, 5)": torch.add(5, 5).dtype,
        # 5 is an int64, but does not have higher category than int_tensor so is not considered.
        "int_tensor + 5": (int_tensor + 5).dtype,
        "int_tensor + long_zerodim": (int_tensor + long_zerodim).dtype,
        "long_tensor + int_tensor": (long_tensor + int_tensor).dtype,
        "bool_tensor + long_tensor": (bool_tensor + long_tensor).dtype,
        "bool_tensor + uint_tensor": (bool_tensor + uint_tensor).dtype,
        "float_tensor + double_tensor": (float_tensor + double_tensor).dtype,
        "bool_tensor + int_tensor": (bool_tensor + int_tensor).dtype,
        # Since long is a different kind than float, result dtype only needs to be large enough
        # to hold the float.
        "add(long_tensor, float_tensor)": torch.add(long_tensor, float_tensor).dtype,
        "int_zerodim + long_zerodim": (int_zerodim + long_zerodim).dtype,
        "uint_tensor + int_zerodim": (uint_tensor + int_zerodim).dtype,
        "int_tensor * 2.5": (int_tensor * 2.5).dtype,
        "int_tensor / int_tensor": (int_tensor / int_tensor).dtype,
        "float_tensor + double_zerodim": (float_tensor + torch.tensor(1.0, dtype=torch.double)).dtype,
    }
    promoted = {key: name(value) for key, value in promoted.items()}
    helpers = [name(torch.result_type(int_tensor, 5.0)), name(torch.promote_types(torch.int32, torch.float32)),
               torch.can_cast(torch.double, torch.float), torch.can_cast(torch.float, torch.int)]

    # allowed:
    allowed = []
    for target, source in (("float", "float"), ("float", "int"), ("float", "uint"), ("float", "bool"),
                           ("float", "double"), ("int", "long"), ("int", "uint"), ("uint", "int")):
        tensors = {"float": torch.ones(1, dtype=torch.float), "double": torch.ones(1, dtype=torch.double),
                   "int": torch.ones(1, dtype=torch.int), "long": torch.ones(1, dtype=torch.long),
                   "uint": torch.ones(1, dtype=torch.uint8), "bool": torch.ones(1, dtype=torch.bool)}
        result = tensors[target]
        result *= tensors[source]
        allowed.append(name(result.dtype))
    # disallowed (RuntimeError: result type can't be cast to the desired output type):
    disallowed = []
    for target, source in ((int_tensor, float_tensor), (bool_tensor, int_tensor), (bool_tensor, uint_tensor)):
        def multiply(target=target, source=source):
            target *= source
        disallowed.append(_error(multiply))

    # torch.finfo and torch.iinfo: the numerical properties of a dtype (tinygrad_edu's are numpy's
    # finfo/iinfo, whose numbers are numpy scalars: float() and str() give what PyTorch's give)
    finfo = {}
    for dtype in (torch.float32, torch.float64, torch.float16):
        info = torch.finfo(dtype)
        digits = round(-math.log10(float(info.resolution)))  # resolution is 10 ** -digits
        finfo[name(dtype)] = [info.bits] + [float(value) for value in (
            info.eps, info.max, info.min, info.tiny, info.smallest_normal)] + [digits, str(info.dtype)]
    iinfo = {}
    for dtype in (torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64):
        info = torch.iinfo(dtype)
        iinfo[name(dtype)] = [info.bits, int(info.min), int(info.max), str(info.dtype)]
    default_finfo = float(torch.finfo().eps)  # of the default dtype (float64 in these programs)
    # a float32 holds about 7 decimal digits: 1 + eps/2 rounds back to 1
    one = torch.tensor(1.0, dtype=torch.float32)
    rounding = [(one + float(torch.finfo(torch.float32).eps)).item() > 1.0,
                (one + float(torch.finfo(torch.float32).eps) / 2).item() == 1.0]
    overflow = (torch.tensor(float(torch.finfo(torch.float16).max), dtype=torch.float16) * 2).item()
    assert promoted["int_tensor + 5"] == "int32" and disallowed == ["RuntimeError"] * 3
    assert finfo["float32"][1] == 2.0 ** -23 and iinfo["int8"][1] == -128 and all(rounding)
    return {"promoted": promoted, "helpers": helpers, "allowed": allowed, "disallowed": disallowed,
            "default": name(torch.get_default_dtype()), "is_floating_point": [float_tensor.is_floating_point(),
                                                                            int_tensor.is_floating_point()],
            "finfo": finfo, "iinfo": iinfo, "default_finfo": default_finfo, "rounding": rounding,
            "float16_overflow": math.isinf(overflow)}


# ---- 16. Tensor Attributes: torch.device, torch.layout, torch.memory_format -------------------------------
@programs.add
def tensor_attributes_device_layout_memory_format(torch, nn, F, optim):
    devices = [repr(torch.device("cpu")), repr(torch.device("cpu", 0)), repr(torch.device("cuda:0")),
               repr(torch.device("cuda")), str(torch.device("cpu", 0)), torch.device("cpu:0").index]
    with torch.device("cpu"):
        r = torch.zeros(2, 3)
    placed = [str(r.device), str(torch.ones((2, 3), device=torch.device("cpu")).device),
              str(torch.ones((2, 3), device="cpu").device), r.device.type]

    same_device = [r.device == torch.device("cpu"), r.device == torch.device("cpu", 0), str(torch.get_default_device())]

    x = torch.tensor([[1, 2, 3, 4, 5], [6, 7, 8, 9, 10]])
    layout = [str(x.layout).split(".")[-1], x.layout == torch.strided, x.layout == torch.sparse_coo,
              x.stride(), x.t().stride(), x.is_contiguous(), x.t().is_contiguous(), x.t().contiguous().stride(),
              x[:, ::2].stride(), x.t().layout == torch.strided]

    images = torch.from_numpy(np.arange(2 * 3 * 4 * 5, dtype=np.float64).reshape(2, 3, 4, 5))
    channels_last = images.to(memory_format=torch.channels_last)
    memory = [images.stride(), channels_last.stride(), torch.equal(images, channels_last),
              channels_last.is_contiguous(), channels_last.is_contiguous(memory_format=torch.channels_last),
              images.contiguous(memory_format=torch.contiguous_format).stride(),
              str(torch.contiguous_format).split(".")[-1], str(torch.preserve_format).split(".")[-1]]

    assert layout[1] and memory[1] == (60, 1, 15, 3) and memory[4] and not memory[3]
    return {"devices": devices, "placed": placed, "same_device": same_device, "layout": layout, "memory": memory}


test_notes_programs = programs.test()
