"""Programs following the vision and reinforcement-learning tutorials on pytorch.org (PyTorch 2.x),
shrunk to tiny synthetic images and a toy environment, each run with torch and with tinygrad_edu:

- "Training a Classifier" (Deep Learning with PyTorch: A 60 Minute Blitz, CIFAR-10), Soumith Chintala.
- "Transfer Learning for Computer Vision Tutorial", Sasank Chilamkurthy (a small conv net with a
  `.fc` head stands in for resnet18).
- "Spatial Transformer Networks Tutorial", Ghassen Hamrouni.
- "Adversarial Example Generation" (FGSM), Nathan Inkawhich.
- "Reinforcement Learning (DQN) Tutorial", Adam Paszke and Mark Towers (a deterministic corridor
  stands in for CartPole; replay sampling takes the last BATCH_SIZE transitions).
- "Neural Transfer Using PyTorch" (style transfer), Alexis Jacq, edited by Winston Herring (a
  small conv stack stands in for VGG19).
- "DCGAN Tutorial", Nathan Inkawhich (weights_init, BCELoss with torch.full labels; the generator
  and discriminator themselves are covered by `dcgan_generator` in tests/test_pytorch_programs.py).

Where the tutorial uses randomness (shuffling, dropout in training mode, torch.randn noise, nn.init
draws), the program either replaces the draw by seeded numpy data or checks only what does not
depend on the draw (shapes, statistics), so nothing random reaches the compared result.
The DQN and DCGAN tutorials build float32 tensors explicitly (`dtype=torch.float32`,
`dtype=torch.float`); those programs run at the tutorials' own default dtype, float32, and compare
rounded numbers.
"""
from __future__ import annotations

import contextlib
import copy
import io
import math
import random
import warnings
from collections import deque, namedtuple
from itertools import count

import numpy as np

from tests.test_pytorch_programs import Programs, init_from_numpy

programs = Programs()


def _r(values, ndigits=4):
    """float32 runs: numbers rounded, so summation-order noise (~1e-7) does not count."""
    if isinstance(values, float):
        return round(values, ndigits)
    return [round(float(v), ndigits) for v in values]


# ---- 1. "Training a Classifier": Net, CrossEntropyLoss, SGD momentum, save/load, accuracy -------
@programs.add
def cifar10_classifier(torch, nn, F, optim):
    classes = ('plane', 'car', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck')
    rng = np.random.default_rng(100)

    def make_set(n):  # "ToTensor + Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5))", by hand
        raw = rng.uniform(0, 1, (n, 3, 32, 32))
        labels = (raw[:, 0].mean((1, 2)) * 40).astype(np.int64) % 10
        return torch.utils.data.TensorDataset((torch.from_numpy(raw) - 0.5) / 0.5, torch.from_numpy(labels))

    batch_size = 4
    trainset, testset = make_set(8), make_set(8)
    trainloader = torch.utils.data.DataLoader(trainset, batch_size=batch_size, shuffle=False, num_workers=0)
    testloader = torch.utils.data.DataLoader(testset, batch_size=batch_size, shuffle=False, num_workers=0)

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(3, 6, 5)
            self.pool = nn.MaxPool2d(2, 2)
            self.conv2 = nn.Conv2d(6, 16, 5)
            self.fc1 = nn.Linear(16 * 5 * 5, 120)
            self.fc2 = nn.Linear(120, 84)
            self.fc3 = nn.Linear(84, 10)

        def forward(self, x):
            x = self.pool(F.relu(self.conv1(x)))
            x = self.pool(F.relu(self.conv2(x)))
            x = torch.flatten(x, 1)  # flatten all dimensions except batch
            x = F.relu(self.fc1(x))
            x = F.relu(self.fc2(x))
            x = self.fc3(x)
            return x

    device = torch.device('cuda:0' if torch.cuda.is_available() else 'cpu')
    net = Net()
    init_from_numpy(torch, net, seed=101, scale=0.08)
    net.to(device)
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.SGD(net.parameters(), lr=0.001, momentum=0.9)

    out = io.StringIO()
    epoch_losses = []
    with contextlib.redirect_stdout(out):
        print(net)
        for epoch in range(3):  # loop over the dataset multiple times
            running_loss = 0.0
            epoch_loss = 0.0
            for i, data in enumerate(trainloader, 0):
                # get the inputs; data is a list of [inputs, labels]
                inputs, labels = data[0].to(device), data[1].to(device)
                optimizer.zero_grad()
                outputs = net(inputs)
                loss = criterion(outputs, labels)
                loss.backward()
                optimizer.step()
                running_loss += loss.item()
                epoch_loss += loss.item()
                if i % 2 == 1:  # print every 2 mini-batches
                    print(f'[{epoch + 1}, {i + 1:5d}] loss: {running_loss / 2:.3f}')
                    running_loss = 0.0
            epoch_losses.append(epoch_loss)
        print('Finished Training')

        PATH = io.BytesIO()  # './cifar_net.pth'
        torch.save(net.state_dict(), PATH)
        PATH.seek(0)

        dataiter = iter(testloader)
        images, labels = next(dataiter)
        img = images[0] / 2 + 0.5  # unnormalize, as imshow does
        npimg = img.numpy()
        shown = np.transpose(npimg, (1, 2, 0))
        print('GroundTruth: ', ' '.join(f'{classes[labels[j]]:5s}' for j in range(4)))

        net = Net()
        loaded = net.load_state_dict(torch.load(PATH, weights_only=True))
        outputs = net(images)
        _, predicted = torch.max(outputs, 1)
        print('Predicted: ', ' '.join(f'{classes[predicted[j]]:5s}' for j in range(4)))

        correct = 0
        total = 0
        # since we're not training, we don't need to calculate the gradients for our outputs
        with torch.no_grad():
            for data in testloader:
                images, labels = data
                outputs = net(images)
                # the class with the highest energy is what we choose as prediction
                _, predicted = torch.max(outputs, 1)
                total += labels.size(0)
                correct += (predicted == labels).sum().item()
        print(f'Accuracy of the network on the {total} test images: {100 * correct // total} %')
    assert epoch_losses[-1] < epoch_losses[0]
    return {"printed": out.getvalue(), "epoch_losses": epoch_losses, "loaded": str(loaded),
            "outputs": outputs, "predicted": predicted, "correct": correct, "total": total,
            "fc3_grad_is_none": net.fc3.weight.grad is None, "shown": shown}


# ---- 2. "Training a Classifier": per-class accuracy, 0-d tensors as tuple indexes ------------------
@programs.add
def cifar10_per_class_accuracy(torch, nn, F, optim):
    classes = ('plane', 'car', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck')
    rng = np.random.default_rng(110)
    images = torch.from_numpy(rng.uniform(-1, 1, (12, 3, 12, 12)))
    targets = torch.from_numpy(rng.integers(0, 10, 12))
    testloader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(images, targets), batch_size=4)

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(3, 6, 5)
            self.pool = nn.MaxPool2d(2, 2)
            self.conv2 = nn.Conv2d(6, 16, 3)
            self.fc1 = nn.Linear(16, 10)

        def forward(self, x):
            x = self.pool(F.relu(self.conv1(x)))
            x = self.pool(F.relu(self.conv2(x)))
            x = torch.flatten(x, 1)
            return self.fc1(x)

    net = Net()
    init_from_numpy(torch, net, seed=111, scale=0.3)
    # prepare to count predictions for each class
    correct_pred = {classname: 0 for classname in classes}
    total_pred = {classname: 0 for classname in classes}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        # again no gradients needed
        with torch.no_grad():
            for data in testloader:
                images, labels = data
                outputs = net(images)
                _, predictions = torch.max(outputs, 1)
                # collect the correct predictions for each class
                for label, prediction in zip(labels, predictions):
                    if label == prediction:
                        correct_pred[classes[label]] += 1
                    total_pred[classes[label]] += 1
        # print accuracy for each class
        for classname, correct_count in correct_pred.items():
            if total_pred[classname] == 0:
                continue
            accuracy = 100 * float(correct_count) / total_pred[classname]
            print(f'Accuracy for class: {classname:5s} is {accuracy:.1f} %')
    assert sum(total_pred.values()) == 12
    return {"printed": out.getvalue(), "correct_pred": correct_pred, "total_pred": total_pred,
            "last_label": str(label), "last_prediction": repr(prediction)}


# ---- 3. "Transfer learning": fine-tune, train/val phases, StepLR, best weights by deepcopy ----------
@programs.add
def transfer_learning_finetune(torch, nn, F, optim):
    lr_scheduler = optim.lr_scheduler

    class TinyResNet(nn.Module):  # resnet18's attribute names, a few layers only
        def __init__(self, num_classes=5):
            super().__init__()
            self.conv1 = nn.Conv2d(3, 4, kernel_size=3, stride=2, padding=1, bias=False)
            self.bn1 = nn.BatchNorm2d(4)
            self.relu = nn.ReLU(inplace=True)
            self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
            self.layer1 = nn.Sequential(nn.Conv2d(4, 6, 3, padding=1, bias=False), nn.BatchNorm2d(6),
                                        nn.ReLU(inplace=True))
            self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
            self.fc = nn.Linear(6, num_classes)

        def forward(self, x):
            x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
            x = self.layer1(x)
            x = self.avgpool(x)
            x = torch.flatten(x, 1)
            return self.fc(x)

    rng = np.random.default_rng(120)
    mean, std = np.array([0.485, 0.456, 0.406]), np.array([0.229, 0.224, 0.225])

    def make_set(n):  # "ants" are reddish, "bees" yellowish; Normalize(mean, std) by hand
        labels = np.arange(n) % 2
        raw = rng.uniform(0, 1, (n, 3, 16, 16))
        raw[:, 2] *= np.where(labels == 1, 0.3, 1.0)[:, None, None]
        x = (raw - mean[:, None, None]) / std[:, None, None]
        return torch.utils.data.TensorDataset(torch.from_numpy(x), torch.from_numpy(labels))

    image_datasets = {'train': make_set(8), 'val': make_set(6)}
    dataloaders = {x: torch.utils.data.DataLoader(image_datasets[x], batch_size=4, shuffle=False, num_workers=0)
                   for x in ['train', 'val']}
    dataset_sizes = {x: len(image_datasets[x]) for x in ['train', 'val']}
    class_names = ['ants', 'bees']
    torch.backends.cudnn.benchmark = True
    device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"

    def train_model(model, criterion, optimizer, scheduler, num_epochs=25):
        best_model_wts = copy.deepcopy(model.state_dict())
        best_acc = 0.0
        for epoch in range(num_epochs):
            print(f'Epoch {epoch}/{num_epochs - 1}')
            print('-' * 10)
            # Each epoch has a training and validation phase
            for phase in ['train', 'val']:
                if phase == 'train':
                    model.train()  # Set model to training mode
                else:
                    model.eval()  # Set model to evaluate mode
                running_loss = 0.0
                running_corrects = 0
                # Iterate over data.
                for inputs, labels in dataloaders[phase]:
                    inputs = inputs.to(device)
                    labels = labels.to(device)
                    # zero the parameter gradients
                    optimizer.zero_grad()
                    # forward; track history if only in train
                    with torch.set_grad_enabled(phase == 'train'):
                        outputs = model(inputs)
                        _, preds = torch.max(outputs, 1)
                        loss = criterion(outputs, labels)
                        # backward + optimize only if in training phase
                        if phase == 'train':
                            loss.backward()
                            optimizer.step()
                    # statistics
                    running_loss += loss.item() * inputs.size(0)
                    running_corrects += torch.sum(preds == labels.data)
                if phase == 'train':
                    scheduler.step()
                epoch_loss = running_loss / dataset_sizes[phase]
                epoch_acc = running_corrects.double() / dataset_sizes[phase]
                print(f'{phase} Loss: {epoch_loss:.4f} Acc: {epoch_acc:.4f}')
                # deep copy the model
                if phase == 'val' and epoch_acc > best_acc:
                    best_acc = epoch_acc
                    best_model_wts = copy.deepcopy(model.state_dict())
            print()
        print(f'Best val Acc: {best_acc:4f}')
        # load best model weights
        model.load_state_dict(best_model_wts)
        return model, best_acc, running_corrects, epoch_loss

    model_ft = TinyResNet()
    init_from_numpy(torch, model_ft, seed=121, scale=0.4)  # "pretrained"
    num_ftrs = model_ft.fc.in_features
    # Here the size of each output sample is set to 2.
    model_ft.fc = nn.Linear(num_ftrs, len(class_names))
    init_from_numpy(torch, model_ft.fc, seed=122, scale=0.3)
    model_ft = model_ft.to(device)
    criterion = nn.CrossEntropyLoss()
    # Observe that all parameters are being optimized
    optimizer_ft = optim.SGD(model_ft.parameters(), lr=0.05, momentum=0.9)
    # Decay LR by a factor of 0.1 every 7 epochs
    exp_lr_scheduler = lr_scheduler.StepLR(optimizer_ft, step_size=7, gamma=0.1)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        model_ft, best_acc, running_corrects, last_loss = train_model(model_ft, criterion, optimizer_ft,
                                                                      exp_lr_scheduler, num_epochs=9)
    printed = out.getvalue()
    losses = [float(line.split()[2]) for line in printed.splitlines() if line.startswith('train Loss')]
    assert losses[-1] < losses[0]
    return {"printed": printed, "best_acc": best_acc, "running_corrects": running_corrects,
            "lr": optimizer_ft.param_groups[0]['lr'], "last_lr": exp_lr_scheduler.get_last_lr(),
            "fc_weight": model_ft.fc.weight, "running_mean": model_ft.bn1.running_mean,
            "num_batches_tracked": model_ft.bn1.num_batches_tracked, "training": model_ft.training,
            "state_keys": list(model_ft.state_dict().keys())}


# ---- 4. "Transfer learning": the fixed feature extractor and visualize_model ----------------------
@programs.add(xfail=(
    "Tensor.data is the numpy array: visualize_model's inputs.cpu().data[j] is an ndarray, so imshow's "
    'inp.numpy() raises AttributeError'
))
def transfer_learning_fixed_features(torch, nn, F, optim):
    lr_scheduler = optim.lr_scheduler

    class TinyResNet(nn.Module):
        def __init__(self, num_classes=5):
            super().__init__()
            self.conv1 = nn.Conv2d(3, 4, kernel_size=3, stride=2, padding=1, bias=False)
            self.bn1 = nn.BatchNorm2d(4)
            self.relu = nn.ReLU(inplace=True)
            self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
            self.fc = nn.Linear(4, num_classes)

        def forward(self, x):
            x = self.relu(self.bn1(self.conv1(x)))
            x = torch.flatten(self.avgpool(x), 1)
            return self.fc(x)

    rng = np.random.default_rng(130)
    mean, std = np.array([0.485, 0.456, 0.406]), np.array([0.229, 0.224, 0.225])
    labels_np = np.array([0, 1, 1, 0, 1, 0, 0, 1])
    raw = rng.uniform(0, 1, (8, 3, 8, 8)) + 0.3 * labels_np[:, None, None, None]
    x = (raw - mean[:, None, None]) / std[:, None, None]
    dataset = torch.utils.data.TensorDataset(torch.from_numpy(x), torch.from_numpy(labels_np))
    dataloaders = {'train': torch.utils.data.DataLoader(dataset, batch_size=4),
                   'val': torch.utils.data.DataLoader(dataset, batch_size=3)}
    class_names = ['ants', 'bees']

    # "pretrained" weights arrive as a state_dict
    pretrained = TinyResNet()
    init_from_numpy(torch, pretrained, seed=131, scale=0.5)
    buffer = io.BytesIO()
    torch.save(pretrained.state_dict(), buffer)
    buffer.seek(0)
    model_conv = TinyResNet()
    model_conv.load_state_dict(torch.load(buffer, weights_only=True))
    for param in model_conv.parameters():
        param.requires_grad = False
    # Parameters of newly constructed modules have requires_grad=True by default
    num_ftrs = model_conv.fc.in_features
    model_conv.fc = nn.Linear(num_ftrs, 2)
    init_from_numpy(torch, model_conv.fc, seed=132, scale=0.3)
    criterion = nn.CrossEntropyLoss()
    # Observe that only parameters of final layer are being optimized as opposed to before.
    optimizer_conv = optim.SGD(model_conv.fc.parameters(), lr=0.001, momentum=0.9)
    exp_lr_scheduler = lr_scheduler.StepLR(optimizer_conv, step_size=7, gamma=0.1)
    trainable = sum(p.numel() for p in model_conv.parameters() if p.requires_grad)

    losses = []
    model_conv.train()
    for _epoch in range(8):
        for inputs, labels in dataloaders['train']:
            optimizer_conv.zero_grad()
            with torch.set_grad_enabled(True):
                outputs = model_conv(inputs)
                loss = criterion(outputs, labels)
                loss.backward()
                optimizer_conv.step()
            losses.append(loss.item())
        exp_lr_scheduler.step()

    def imshow(inp, title=None):
        """Display image for Tensor."""
        inp = inp.numpy().transpose((1, 2, 0))
        inp = std * inp + mean
        inp = np.clip(inp, 0, 1)
        return inp, title

    def visualize_model(model, num_images=6):
        was_training = model.training
        model.eval()
        images_so_far = 0
        shown = []
        with torch.no_grad():
            for i, (inputs, labels) in enumerate(dataloaders['val']):  # noqa: B007
                outputs = model(inputs)
                _, preds = torch.max(outputs, 1)
                for j in range(inputs.size()[0]):
                    images_so_far += 1
                    shown.append(imshow(inputs.cpu().data[j], f'predicted: {class_names[preds[j]]}'))
                    if images_so_far == num_images:
                        model.train(mode=was_training)
                        return shown
            model.train(mode=was_training)
        return shown

    # Get a batch of training data
    inputs, classes = next(iter(dataloaders['train']))
    titles = [class_names[x] for x in classes]
    shown = visualize_model(model_conv)
    assert losses[-1] < losses[0]
    return {"losses": losses, "trainable": trainable, "titles": [t for _, t in shown],
            "first_image": shown[0][0], "training_after": model_conv.training,
            "conv1_grad_is_none": model_conv.conv1.weight.grad is None,
            "conv1_requires_grad": model_conv.conv1.weight.requires_grad,
            "fc_grad": model_conv.fc.weight.grad, "bn_running_var": model_conv.bn1.running_var,
            "lr": exp_lr_scheduler.get_last_lr(), "batch_titles": titles}


# ---- 5. "Spatial Transformer Networks": the Net, its stn, test(); training only sanity-checked -------
@programs.add(xfail=(
    'Tensor.data is the numpy array: self.fc_loc[2].weight.data.zero_() raises AttributeError (and '
    '.bias.data.copy_(...))'
))
def spatial_transformer(torch, nn, F, optim):
    class Net(nn.Module):
        def __init__(self):
            super(Net, self).__init__()
            self.conv1 = nn.Conv2d(1, 10, kernel_size=5)
            self.conv2 = nn.Conv2d(10, 20, kernel_size=5)
            self.conv2_drop = nn.Dropout2d()
            self.fc1 = nn.Linear(320, 50)
            self.fc2 = nn.Linear(50, 10)

            # Spatial transformer localization-network
            self.localization = nn.Sequential(
                nn.Conv2d(1, 8, kernel_size=7),
                nn.MaxPool2d(2, stride=2),
                nn.ReLU(True),
                nn.Conv2d(8, 10, kernel_size=5),
                nn.MaxPool2d(2, stride=2),
                nn.ReLU(True)
            )

            # Regressor for the 3 * 2 affine matrix
            self.fc_loc = nn.Sequential(
                nn.Linear(10 * 3 * 3, 32),
                nn.ReLU(True),
                nn.Linear(32, 3 * 2)
            )

            # Initialize the weights/bias with identity transformation
            self.fc_loc[2].weight.data.zero_()
            self.fc_loc[2].bias.data.copy_(torch.tensor([1, 0, 0, 0, 1, 0], dtype=torch.float))

        # Spatial transformer network forward function
        def stn(self, x):
            xs = self.localization(x)
            xs = xs.view(-1, 10 * 3 * 3)
            theta = self.fc_loc(xs)
            theta = theta.view(-1, 2, 3)

            grid = F.affine_grid(theta, x.size())
            x = F.grid_sample(x, grid)
            return x

        def forward(self, x):
            # transform the input
            x = self.stn(x)

            # Perform the usual forward pass
            x = F.relu(F.max_pool2d(self.conv1(x), 2))
            x = F.relu(F.max_pool2d(self.conv2_drop(self.conv2(x)), 2))
            x = x.view(-1, 320)
            x = F.relu(self.fc1(x))
            x = F.dropout(x, training=self.training)
            x = self.fc2(x)
            return F.log_softmax(x, dim=1)

    rng = np.random.default_rng(140)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    digits = rng.uniform(0, 1, (8, 1, 28, 28)) ** 3
    targets = rng.integers(0, 10, 8)
    mnist = torch.utils.data.TensorDataset(torch.from_numpy((digits - 0.1307) / 0.3081), torch.from_numpy(targets))
    train_loader = torch.utils.data.DataLoader(mnist, batch_size=4, shuffle=False, num_workers=0)
    test_loader = torch.utils.data.DataLoader(mnist, batch_size=4, shuffle=False, num_workers=0)

    model = Net().to(device)
    for part in (model.conv1, model.conv2, model.fc1, model.fc2, model.localization, model.fc_loc[0]):
        init_from_numpy(torch, part, seed=141, scale=0.1)
    optimizer = optim.SGD(model.parameters(), lr=0.01)
    initial_state = copy.deepcopy(model.state_dict())

    def train(epoch):
        model.train()
        for batch_idx, (data, target) in enumerate(train_loader):
            data, target = data.to(device), target.to(device)
            optimizer.zero_grad()
            output = model(data)
            loss = F.nll_loss(output, target)
            loss.backward()
            optimizer.step()
            if batch_idx % 500 == 0:
                print('Train Epoch: {} [{}/{} ({:.0f}%)]\tLoss: {:.6f}'.format(
                    epoch, batch_idx * len(data), len(train_loader.dataset),
                    100. * batch_idx / len(train_loader), loss.item()))
        return loss

    def test():
        with torch.no_grad():
            model.eval()
            test_loss = 0
            correct = 0
            for data, target in test_loader:
                data, target = data.to(device), target.to(device)
                output = model(data)
                # sum up batch loss
                test_loss += F.nll_loss(output, target, reduction='sum').item()
                # get the index of the max log-probability
                pred = output.max(1, keepdim=True)[1]
                correct += pred.eq(target.view_as(pred)).sum().item()
            test_loss /= len(test_loader.dataset)
            print('\nTest set: Average loss: {:.4f}, Accuracy: {}/{} ({:.0f}%)\n'
                  .format(test_loss, correct, len(test_loader.dataset),
                          100. * correct / len(test_loader.dataset)))
        return test_loss, correct, pred

    def convert_image_np(inp):
        """Convert a Tensor to numpy image."""
        inp = inp.numpy().transpose((1, 2, 0))
        mean = np.array([0.485, 0.456, 0.406])
        std = np.array([0.229, 0.224, 0.225])
        inp = std * inp + mean
        inp = np.clip(inp, 0, 1)
        return inp

    out = io.StringIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the align_corners notices: see stn_affine_grid_sample
        with contextlib.redirect_stdout(out):
            before = test()  # eval mode: dropout off, deterministic
        # an eval-mode gradient reaches theta through grid_sample (fc_loc[2].weight starts at zero)
        data, target = next(iter(test_loader))
        model.zero_grad()
        F.nll_loss(model(data), target).backward()
        # (theta's own gradient is not compared: an identity grid samples at pixel centres, the kinks of
        # bilinear interpolation, where an ulp of rounding in affine_grid picks the one-sided slope)
        assert model.fc_loc[2].bias.grad.abs().sum() > 0
        grads = {"conv1_weight": model.conv1.weight.grad.clone(), "fc1_weight": model.fc1.weight.grad.clone(),
                 "fc2_bias": model.fc2.bias.grad.clone(),
                 "fc_loc0_weight_is_zero": bool((model.fc_loc[0].weight.grad == 0).all())}
        with torch.no_grad():
            # Get a batch of training data
            data = next(iter(test_loader))[0].to(device)
            input_tensor = data.cpu()
            transformed_input_tensor = model.stn(data).cpu()
        identity_gap = (transformed_input_tensor - input_tensor).abs().max().item()
        # training mode: Dropout2d and F.dropout draw, so only sanity is checked from here on
        torch.manual_seed(0)
        with contextlib.redirect_stdout(io.StringIO()):
            losses = [train(epoch).item() for epoch in range(1, 3)]
            after = test()
    assert identity_gap < 1e-12 and all(math.isfinite(v) for v in losses) and math.isfinite(after[0])
    assert any((a != b).any() for a, b in zip(initial_state.values(), model.state_dict().values()))
    return {"printed": out.getvalue(), "test_loss": before[0], "correct": before[1], "pred": before[2],
            "grads": grads, "image": convert_image_np(transformed_input_tensor[0].expand(3, 28, 28)),
            "fc_loc_bias_dtype": torch.tensor([1, 0, 0, 0, 1, 0], dtype=torch.float).dtype,
            "repr_loc": repr(model.localization), "training_after": model.training}


# ---- 6. STN details: affine_grid / grid_sample defaults, align_corners notices, gradients, size_average
@programs.add
def stn_affine_grid_sample(torch, nn, F, optim):
    rng = np.random.default_rng(150)
    x = torch.from_numpy(rng.uniform(0, 1, (2, 1, 5, 6)))
    a = 0.3
    theta = torch.tensor([[[math.cos(a), -math.sin(a), 0.1], [math.sin(a), math.cos(a), -0.2]],
                          [[0.8, 0.0, 0.0], [0.0, 1.3, 0.05]]], requires_grad=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        grid = F.affine_grid(theta, x.size())
        y = F.grid_sample(x, grid)
    notices = [(w.category.__name__, str(w.message)) for w in caught]
    with warnings.catch_warnings(record=True) as caught_explicit:
        warnings.simplefilter("always")
        grid_t = F.affine_grid(theta, x.size(), align_corners=True)
        y_t = F.grid_sample(x, grid_t, mode='bilinear', padding_mode='border', align_corners=True)
        y_n = F.grid_sample(x, grid, mode='nearest', padding_mode='zeros', align_corners=False)
        y_r = F.grid_sample(x, grid, padding_mode='reflection', align_corners=False)
    w = torch.from_numpy(rng.standard_normal(y.shape))
    (y * w).sum().backward()
    xg = x.clone().requires_grad_(True)
    y2 = F.grid_sample(xg, grid_t.detach(), align_corners=True)
    (y2 * w).sum().backward()
    # the STN tutorial's test() still sums with the legacy keyword
    output = F.log_softmax(torch.from_numpy(rng.standard_normal((6, 10))), dim=1)
    target = torch.from_numpy(rng.integers(0, 10, 6))
    with warnings.catch_warnings(record=True) as caught_legacy:
        warnings.simplefilter("always")
        test_loss = F.nll_loss(output, target, size_average=False).item()
    assert abs(test_loss - F.nll_loss(output, target, reduction='sum').item()) < 1e-12
    passed = torch.autograd.gradcheck(
        lambda th: F.grid_sample(x, F.affine_grid(th, x.size(), align_corners=False), align_corners=False),
        (theta.detach().clone().requires_grad_(True),), eps=1e-6, atol=1e-5)
    assert passed and len(caught_explicit) == 0
    return {"notices": notices, "grid": grid, "y": y, "y_align": y_t, "y_nearest": y_n, "y_reflect": y_r,
            "theta_grad": theta.grad, "x_grad": xg.grad, "gradcheck": passed, "grid_shape": tuple(grid.shape),
            "test_loss": test_loss, "legacy_notices": [(w.category.__name__, str(w.message)) for w in caught_legacy]}


# ---- 7. what these tutorials show on the side: dtypes, grad_fn names, a copy-construct warning -------
@programs.add(differs=(
    "str(x.dtype) is 'float32' not 'torch.float32'; grad_fn.name() gives ClampBackward0 (torch: "
    'ClampBackward1) and ReshapeBackward0 for affine_grid (torch: AffineGridGeneratorBackward0); '
    'torch.tensor(a_tensor) gives no copy-construct UserWarning'
))
def printed_details_vision_rl(torch, nn, F, optim):
    state = torch.tensor(np.zeros(4, dtype=np.float32), dtype=torch.float32).unsqueeze(0)  # DQN
    action = torch.tensor([[1]], dtype=torch.long)
    lines = [str(state.dtype), f"{action.dtype}", str(torch.float)]
    data = torch.tensor(np.full((1, 1, 2, 2), 0.5), requires_grad=True)
    perturbed = torch.clamp(data + 0.1 * data.sign(), 0, 1)  # fgsm_attack
    theta = torch.tensor([[[1., 0, 0], [0, 1, 0]]], requires_grad=True)
    grid = F.affine_grid(theta, (1, 1, 2, 2), align_corners=False)  # Net.stn
    names = [perturbed.grad_fn.name(), grid.grad_fn.name()]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mean = torch.tensor([0.485, 0.456, 0.406])  # cnn_normalization_mean
        view = torch.tensor(mean).view(-1, 1, 1)  # Normalization.__init__ in the style-transfer tutorial
    assert view.shape == (3, 1, 1)
    return {"lines": lines, "grad_fn_names": names,
            "notices": [(w.category.__name__, str(w.message)) for w in caught]}


# ---- 8. "Adversarial Example Generation": FGSM over several epsilons --------------------------------
@programs.add(xfail=(
    'Tensor.data is the numpy array: data_grad = data.grad.data is an ndarray, so data_grad.sign() raises'
    ' AttributeError'
))
def fgsm_attack_program(torch, nn, F, optim):
    epsilons = [0, .05, .1, .2, .3]
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

    # LeNet Model definition (shrunk: 10x10 digits)
    class Net(nn.Module):
        def __init__(self):
            super(Net, self).__init__()
            self.conv1 = nn.Conv2d(1, 4, 3, 1)
            self.conv2 = nn.Conv2d(4, 8, 3, 1)
            self.dropout1 = nn.Dropout(0.25)
            self.dropout2 = nn.Dropout(0.5)
            self.fc1 = nn.Linear(72, 16)
            self.fc2 = nn.Linear(16, 10)

        def forward(self, x):
            x = self.conv1(x)
            x = F.relu(x)
            x = self.conv2(x)
            x = F.relu(x)
            x = F.max_pool2d(x, 2)
            x = self.dropout1(x)
            x = torch.flatten(x, 1)
            x = self.fc1(x)
            x = F.relu(x)
            x = self.dropout2(x)
            x = self.fc2(x)
            output = F.log_softmax(x, dim=1)
            return output

    def to_tensor(pic):  # torchvision's ToTensor on an HxWxC uint8 array
        img = torch.from_numpy(pic).permute((2, 0, 1)).contiguous()
        return img.to(dtype=torch.get_default_dtype()).div(255)

    def normalize(tensor, mean, std):  # torchvision's F.normalize(..., inplace=False)
        tensor = tensor.clone()
        dtype = tensor.dtype
        mean = torch.as_tensor(mean, dtype=dtype, device=tensor.device)
        std = torch.as_tensor(std, dtype=dtype, device=tensor.device)
        if mean.ndim == 1:
            mean = mean.view(-1, 1, 1)
        if std.ndim == 1:
            std = std.view(-1, 1, 1)
        return tensor.sub_(mean).div_(std)

    # the "pretrained" weights, loaded as the tutorial does
    pretrained = Net()
    init_from_numpy(torch, pretrained, seed=170, scale=0.4)
    buffer = io.BytesIO()
    torch.save(pretrained.state_dict(), buffer)
    buffer.seek(0)
    model = Net().to(device)
    model.load_state_dict(torch.load(buffer, map_location=device, weights_only=True))
    model.eval()

    rng = np.random.default_rng(171)
    pics = rng.integers(0, 256, (12, 10, 10, 1)).astype(np.uint8)
    images = torch.stack([normalize(to_tensor(p), (0.1307,), (0.3081,)) for p in pics])
    with torch.no_grad():
        clean_pred = model(images).argmax(1).numpy()
    labels = np.where(np.arange(12) % 4 == 3, (clean_pred + 1) % 10, clean_pred)  # 3 wrong to begin with
    test_loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(images, torch.from_numpy(labels)), batch_size=1, shuffle=False)

    # FGSM attack code
    def fgsm_attack(image, epsilon, data_grad):
        # Collect the element-wise sign of the data gradient
        sign_data_grad = data_grad.sign()
        # Create the perturbed image by adjusting each pixel of the input image
        perturbed_image = image + epsilon * sign_data_grad
        # Adding clipping to maintain [0,1] range
        perturbed_image = torch.clamp(perturbed_image, 0, 1)
        return perturbed_image

    # restores the tensors to their original scale
    def denorm(batch, mean=[0.1307], std=[0.3081]):  # noqa: B006
        if isinstance(mean, list):
            mean = torch.tensor(mean).to(device)
        if isinstance(std, list):
            std = torch.tensor(std).to(device)
        return batch * std.view(1, -1, 1, 1) + mean.view(1, -1, 1, 1)

    def test(model, device, test_loader, epsilon):
        correct = 0
        adv_examples = []
        for data, target in test_loader:
            data, target = data.to(device), target.to(device)
            # Set requires_grad attribute of tensor. Important for Attack
            data.requires_grad = True
            output = model(data)
            init_pred = output.max(1, keepdim=True)[1]  # get the index of the max log-probability
            # If the initial prediction is wrong, don't bother attacking, just move on
            if init_pred.item() != target.item():
                continue
            loss = F.nll_loss(output, target)
            model.zero_grad()
            loss.backward()
            data_grad = data.grad.data
            data_denorm = denorm(data)
            perturbed_data = fgsm_attack(data_denorm, epsilon, data_grad)
            # Reapply normalization
            perturbed_data_normalized = normalize(perturbed_data, (0.1307,), (0.3081,))
            output = model(perturbed_data_normalized)
            final_pred = output.max(1, keepdim=True)[1]
            if final_pred.item() == target.item():
                correct += 1
                # Special case for saving 0 epsilon examples
                if epsilon == 0 and len(adv_examples) < 5:
                    adv_ex = perturbed_data.squeeze().detach().cpu().numpy()
                    adv_examples.append((init_pred.item(), final_pred.item(), adv_ex))
            else:
                # Save some adv examples for visualization later
                if len(adv_examples) < 5:
                    adv_ex = perturbed_data.squeeze().detach().cpu().numpy()
                    adv_examples.append((init_pred.item(), final_pred.item(), adv_ex))
        # Calculate final accuracy for this epsilon
        final_acc = correct / float(len(test_loader))
        print(f"Epsilon: {epsilon}\tTest Accuracy = {correct} / {len(test_loader)} = {final_acc}")
        # Return the accuracy and an adversarial example
        return final_acc, adv_examples

    accuracies = []
    examples = []
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        # Run test for each epsilon
        for eps in epsilons:
            acc, ex = test(model, device, test_loader, eps)
            accuracies.append(acc)
            examples.append(ex)
    assert accuracies[0] == 0.75 and accuracies[-1] <= accuracies[0]
    return {"printed": out.getvalue(), "accuracies": accuracies,
            "examples": [[(a, b) for a, b, _ in ex] for ex in examples],
            "first_adv": examples[-1][0][2], "images": images, "conv1_grad": model.conv1.weight.grad}


# ---- 9. FGSM details: a leaf from a DataLoader made to require grad, .grad.data, model.zero_grad ----
@programs.add(xfail='Tensor.data is the numpy array: data.grad.data.sign() raises AttributeError')
def fgsm_gradient_details(torch, nn, F, optim):
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU(), nn.Flatten(), nn.Linear(2 * 4 * 4, 3),
                          nn.LogSoftmax(dim=1))
    init_from_numpy(torch, model, seed=180, scale=0.5)
    model.eval()
    rng = np.random.default_rng(181)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(
        torch.from_numpy(rng.uniform(0, 1, (2, 1, 6, 6))), torch.tensor([2, 0])), batch_size=1)
    found = []
    for data, target in loader:
        was_leaf = data.is_leaf
        data.requires_grad = True
        output = model(data)
        init_pred = output.max(1, keepdim=True)[1]
        loss = F.nll_loss(output, target)
        model.zero_grad()
        loss.backward()
        data_grad = data.grad.data
        sign_data_grad = data_grad.sign()
        perturbed_image = torch.clamp(data + 0.1 * sign_data_grad, 0, 1)
        mean, std = torch.tensor([0.1307]), torch.tensor([0.3081])
        denormed = perturbed_image * std.view(1, -1, 1, 1) + mean.view(1, -1, 1, 1)
        adv_ex = perturbed_image.squeeze().detach().cpu().numpy()
        found.append({"was_leaf": was_leaf, "init_pred": init_pred, "init_pred_item": init_pred.item(),
                      "target_item": target.item(), "same": init_pred.item() != target.item(),
                      "data_grad": data_grad, "grad_requires_grad": data_grad.requires_grad,
                      "sign_zeros": int((sign_data_grad == 0).sum()), "perturbed_requires_grad":
                      perturbed_image.requires_grad,
                      "denormed": denormed, "adv_ex": adv_ex, "adv_dtype": str(adv_ex.dtype),
                      "adv_shape": adv_ex.shape, "weight_grad": model[0].weight.grad.clone()})
    model.zero_grad()
    assert model[0].weight.grad is None and found[0]["was_leaf"]
    return {"found": found, "len_loader": len(loader), "acc": 1 / float(len(loader))}


# ---- 10. "Reinforcement Learning (DQN)": replay memory, target net, soft updates (float32) ----------
@programs.add
def dqn_corridor(torch, nn, F, optim):
    torch.set_default_dtype(torch.float32)  # the tutorial's dtype; the harness restores float64
    rnd = random.Random(0)  # python's own generator: the same draws in both runs

    class Corridor:
        """gymnasium's API, deterministic: start at 0, reach cell 4 (reward 1) within 8 steps."""
        class action_space:
            n = 2

            @staticmethod
            def sample():
                return rnd.randrange(2)

        def reset(self):
            self.pos, self.t = 0, 0
            return self._obs(), {}

        def _obs(self):
            obs = np.zeros(5, dtype=np.float32)
            obs[self.pos] = 1.0
            return obs

        def step(self, action):
            self.pos = min(max(self.pos + (1 if action == 1 else -1), 0), 4)
            self.t += 1
            terminated = self.pos == 4
            return self._obs(), (1.0 if terminated else -0.1), terminated, self.t >= 8, {}

    env = Corridor()
    # if GPU is to be used
    device = torch.device(
        "cuda" if torch.cuda.is_available() else
        "mps" if torch.backends.mps.is_available() else
        "cpu"
    )
    Transition = namedtuple('Transition', ('state', 'action', 'next_state', 'reward'))

    class ReplayMemory(object):
        def __init__(self, capacity):
            self.memory = deque([], maxlen=capacity)

        def push(self, *args):
            """Save a transition"""
            self.memory.append(Transition(*args))

        def sample(self, batch_size):
            return list(self.memory)[-batch_size:]  # deterministic stand-in for random.sample

        def __len__(self):
            return len(self.memory)

    class DQN(nn.Module):
        def __init__(self, n_observations, n_actions):
            super(DQN, self).__init__()
            self.layer1 = nn.Linear(n_observations, 16)
            self.layer2 = nn.Linear(16, 16)
            self.layer3 = nn.Linear(16, n_actions)

        # Called with either one element to determine next action, or a batch
        # during optimization. Returns tensor([[left0exp,right0exp]...]).
        def forward(self, x):
            x = F.relu(self.layer1(x))
            x = F.relu(self.layer2(x))
            return self.layer3(x)

    BATCH_SIZE = 8
    GAMMA = 0.99
    EPS_START = 0.9
    EPS_END = 0.05
    EPS_DECAY = 20
    TAU = 0.005
    LR = 1e-2

    n_actions = env.action_space.n
    state, info = env.reset()
    n_observations = len(state)
    policy_net = DQN(n_observations, n_actions).to(device)
    init_from_numpy(torch, policy_net, seed=190, scale=0.3)
    target_net = DQN(n_observations, n_actions).to(device)
    target_net.load_state_dict(policy_net.state_dict())
    optimizer = optim.AdamW(policy_net.parameters(), lr=LR, amsgrad=True)
    memory = ReplayMemory(10000)
    steps_done = 0
    actions_taken = []

    def select_action(state):
        nonlocal steps_done
        sample = rnd.random()
        eps_threshold = EPS_END + (EPS_START - EPS_END) * math.exp(-1. * steps_done / EPS_DECAY)
        steps_done += 1
        if sample > eps_threshold:
            with torch.no_grad():
                # t.max(1) will return the largest column value of each row.
                return policy_net(state).max(1).indices.view(1, 1)
        else:
            return torch.tensor([[env.action_space.sample()]], device=device, dtype=torch.long)

    losses = []
    seen = {}

    def optimize_model():
        if len(memory) < BATCH_SIZE:
            return
        transitions = memory.sample(BATCH_SIZE)
        # Transpose the batch: array of Transitions -> Transition of batch-arrays.
        batch = Transition(*zip(*transitions))
        # Compute a mask of non-final states and concatenate the batch elements
        non_final_mask = torch.tensor(tuple(map(lambda s: s is not None, batch.next_state)),
                                      device=device, dtype=torch.bool)
        non_final_next_states = torch.cat([s for s in batch.next_state if s is not None])
        state_batch = torch.cat(batch.state)
        action_batch = torch.cat(batch.action)
        reward_batch = torch.cat(batch.reward)
        # Compute Q(s_t, a) for the actions taken
        state_action_values = policy_net(state_batch).gather(1, action_batch)
        # Compute V(s_{t+1}) for all next states.
        next_state_values = torch.zeros(BATCH_SIZE, device=device)
        with torch.no_grad():
            next_state_values[non_final_mask] = target_net(non_final_next_states).max(1).values
        # Compute the expected Q values
        expected_state_action_values = (next_state_values * GAMMA) + reward_batch
        # Compute Huber loss
        criterion = nn.SmoothL1Loss()
        loss = criterion(state_action_values, expected_state_action_values.unsqueeze(1))
        # Optimize the model
        optimizer.zero_grad()
        loss.backward()
        # In-place gradient clipping
        torch.nn.utils.clip_grad_value_(policy_net.parameters(), 100)
        optimizer.step()
        losses.append(loss.item())
        seen.update(mask_dtype=non_final_mask.dtype, sav_dtype=state_action_values.dtype,
                    nsv_dtype=next_state_values.dtype, reward_dtype=reward_batch.dtype,
                    sav_shape=tuple(state_action_values.shape), action_batch=str(action_batch.T))

    episode_durations = []
    plotted = []

    def plot_durations(show_result=False):
        durations_t = torch.tensor(episode_durations, dtype=torch.float)
        # Take 3-episode averages (the tutorial: 100) and plot them too
        if len(durations_t) >= 3:
            means = durations_t.unfold(0, 3, 1).mean(1).view(-1)
            means = torch.cat((torch.zeros(2), means))
            plotted.append((durations_t.numpy().tolist(), _r(means.numpy().tolist())))

    num_episodes = 600 if torch.cuda.is_available() or torch.backends.mps.is_available() else 6
    for i_episode in range(num_episodes):  # noqa: B007
        # Initialize the environment and get its state
        state, info = env.reset()
        state = torch.tensor(state, dtype=torch.float32, device=device).unsqueeze(0)
        for t in count():
            action = select_action(state)
            actions_taken.append(action.item())
            observation, reward, terminated, truncated, _ = env.step(action.item())
            reward = torch.tensor([reward], device=device)
            done = terminated or truncated
            if terminated:
                next_state = None
            else:
                next_state = torch.tensor(observation, dtype=torch.float32, device=device).unsqueeze(0)
            # Store the transition in memory
            memory.push(state, action, next_state, reward)
            # Move to the next state
            state = next_state
            # Perform one step of the optimization (on the policy network)
            optimize_model()
            # Soft update of the target network's weights
            # θ′ ← τ θ + (1 −τ )θ′
            target_net_state_dict = target_net.state_dict()
            policy_net_state_dict = policy_net.state_dict()
            for key in policy_net_state_dict:
                target_net_state_dict[key] = policy_net_state_dict[key] * TAU + target_net_state_dict[key] * (1 - TAU)
            target_net.load_state_dict(target_net_state_dict)
            if done:
                episode_durations.append(t + 1)
                plot_durations()
                break
    assert len(losses) > 10 and all(math.isfinite(v) for v in losses)
    drift = (target_net.layer3.bias - policy_net.layer3.bias).abs().max().item()
    assert drift > 0
    durations_t = torch.tensor(episode_durations, dtype=torch.float)
    return {"episode_durations": episode_durations, "actions": actions_taken, "losses": _r(losses, 3),
            "seen": seen, "durations_dtype": durations_t.dtype, "durations_mean": _r(durations_t.mean().item()),
            "target_bias": _r(target_net.layer3.bias.tolist()), "policy_bias": _r(policy_net.layer3.bias.tolist(), 3),
            "param_dtype": policy_net.layer1.weight.dtype, "steps_done": steps_done, "plotted": plotted}


# ---- 11. a float32 state fed to a float64 network (DQN's explicit dtype under a float64 default) ----
@programs.add
def mixed_float_dtypes_raise(torch, nn, F, optim):
    net = nn.Linear(5, 2)  # float64 parameters: the harness's default dtype
    init_from_numpy(torch, net, seed=200)
    state = torch.tensor(np.ones(5, dtype=np.float32), dtype=torch.float32).unsqueeze(0)
    raised = {}
    for name, call in [("linear", lambda: net(state)),
                       ("mm", lambda: torch.mm(state, net.weight.t())),
                       ("bce", lambda: nn.BCELoss()(torch.sigmoid(net(state.double())).view(-1),
                                                    torch.full((2,), 1., dtype=torch.float))),
                       ("conv", lambda: nn.Conv2d(1, 1, 1)(torch.zeros(1, 1, 2, 2, dtype=torch.float32)))]:
        try:
            call()
            raised[name] = None
        except RuntimeError:
            raised[name] = "RuntimeError"  # (caught as one; the class here is a RuntimeError subclass)
    promoted = (state + torch.zeros(1, 5)).dtype  # elementwise ops do promote, in both
    assert promoted == torch.float64
    return {"raised": raised, "promoted": promoted}


# ---- 12. "Neural Transfer Using PyTorch": style/content losses inside a rebuilt Sequential, LBFGS ----
@programs.add
def neural_style_transfer(torch, nn, F, optim):
    rng = np.random.default_rng(210)
    imsize = 12
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    torch.set_default_device(device)
    style_img = torch.from_numpy(rng.uniform(0, 1, (1, 3, imsize, imsize))).to(device, torch.float64)
    content_img = torch.from_numpy(rng.uniform(0, 1, (1, 3, imsize, imsize))).to(device, torch.float64)
    assert style_img.size() == content_img.size(), "we need to import style and content images of the same size"

    class ContentLoss(nn.Module):
        def __init__(self, target,):
            super(ContentLoss, self).__init__()
            # we 'detach' the target content from the tree used to dynamically compute the gradient
            self.target = target.detach()

        def forward(self, input):
            self.loss = F.mse_loss(input, self.target)
            return input

    def gram_matrix(input):
        a, b, c, d = input.size()  # a=batch size(=1), b=number of feature maps, (c,d)=dimensions
        features = input.view(a * b, c * d)  # resize F_XL into \hat F_XL
        G = torch.mm(features, features.t())  # compute the gram product
        # we 'normalize' the values of the gram matrix by dividing by the number of element
        return G.div(a * b * c * d)

    class StyleLoss(nn.Module):
        def __init__(self, target_feature):
            super(StyleLoss, self).__init__()
            self.target = gram_matrix(target_feature).detach()

        def forward(self, input):
            G = gram_matrix(input)
            self.loss = F.mse_loss(G, self.target)
            return input

    # a small stand-in for models.vgg19(...).features.eval()
    cnn = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.ReLU(inplace=True), nn.Conv2d(4, 4, 3, padding=1),
                        nn.ReLU(inplace=True), nn.MaxPool2d(kernel_size=2, stride=2), nn.Conv2d(4, 6, 3, padding=1),
                        nn.ReLU(inplace=True), nn.Conv2d(6, 6, 3, padding=1), nn.ReLU(inplace=True),
                        nn.MaxPool2d(kernel_size=2, stride=2), nn.Conv2d(6, 8, 3, padding=1), nn.ReLU(inplace=True),
                        nn.Conv2d(8, 8, 3, padding=1), nn.ReLU(inplace=True))
    init_from_numpy(torch, cnn, seed=211, scale=0.3)
    cnn = cnn.eval()
    cnn_normalization_mean = torch.tensor([0.485, 0.456, 0.406])
    cnn_normalization_std = torch.tensor([0.229, 0.224, 0.225])

    class Normalization(nn.Module):
        def __init__(self, mean, std):
            super(Normalization, self).__init__()
            # .view the mean and std to make them [C x 1 x 1] so that they can
            # directly work with image Tensor of shape [B x C x H x W].
            self.mean = torch.tensor(mean).view(-1, 1, 1)
            self.std = torch.tensor(std).view(-1, 1, 1)

        def forward(self, img):
            # normalize ``img``
            return (img - self.mean) / self.std

    content_layers_default = ['conv_4']
    style_layers_default = ['conv_1', 'conv_2', 'conv_3', 'conv_4', 'conv_5']

    def get_style_model_and_losses(cnn, normalization_mean, normalization_std, style_img, content_img,
                                   content_layers=content_layers_default, style_layers=style_layers_default):
        # normalization module
        normalization = Normalization(normalization_mean, normalization_std)
        content_losses = []
        style_losses = []
        # assuming that ``cnn`` is a ``nn.Sequential``, so we make a new ``nn.Sequential``
        # to put in modules that are supposed to be activated sequentially
        model = nn.Sequential(normalization)
        i = 0  # increment every time we see a conv
        for layer in cnn.children():
            if isinstance(layer, nn.Conv2d):
                i += 1
                name = 'conv_{}'.format(i)
            elif isinstance(layer, nn.ReLU):
                name = 'relu_{}'.format(i)
                # The in-place version doesn't play very nicely with the ``ContentLoss``
                # and ``StyleLoss`` we insert below. So we replace with out-of-place ones here.
                layer = nn.ReLU(inplace=False)
            elif isinstance(layer, nn.MaxPool2d):
                name = 'pool_{}'.format(i)
            elif isinstance(layer, nn.BatchNorm2d):
                name = 'bn_{}'.format(i)
            else:
                raise RuntimeError('Unrecognized layer: {}'.format(layer.__class__.__name__))
            model.add_module(name, layer)
            if name in content_layers:
                # add content loss:
                target = model(content_img).detach()
                content_loss = ContentLoss(target)
                model.add_module("content_loss_{}".format(i), content_loss)
                content_losses.append(content_loss)
            if name in style_layers:
                # add style loss:
                target_feature = model(style_img).detach()
                style_loss = StyleLoss(target_feature)
                model.add_module("style_loss_{}".format(i), style_loss)
                style_losses.append(style_loss)
        # now we trim off the layers after the last content and style losses
        for i in range(len(model) - 1, -1, -1):
            if isinstance(model[i], ContentLoss) or isinstance(model[i], StyleLoss):
                break
        model = model[:(i + 1)]
        return model, style_losses, content_losses

    input_img = content_img.clone()

    def get_input_optimizer(input_img):
        # this line to show that input is a parameter that requires a gradient
        optimizer = optim.LBFGS([input_img])
        return optimizer

    def run_style_transfer(cnn, normalization_mean, normalization_std, content_img, style_img, input_img,
                           num_steps=300, style_weight=1000000, content_weight=1):
        """Run the style transfer."""
        print('Building the style transfer model..')
        model, style_losses, content_losses = get_style_model_and_losses(
            cnn, normalization_mean, normalization_std, style_img, content_img)
        # We want to optimize the input and not the model parameters so we
        # update all the requires_grad fields accordingly
        input_img.requires_grad_(True)
        # We also put the model in evaluation mode, so that specific layers
        # such as dropout or batch normalization layers behave correctly.
        model.eval()
        model.requires_grad_(False)
        optimizer = get_input_optimizer(input_img)
        print('Optimizing..')
        run = [0]
        scores = []
        while run[0] <= num_steps:
            def closure():
                # correct the values of updated input image
                with torch.no_grad():
                    input_img.clamp_(0, 1)
                optimizer.zero_grad()
                model(input_img)
                style_score = 0
                content_score = 0
                for sl in style_losses:
                    style_score += sl.loss
                for cl in content_losses:
                    content_score += cl.loss
                style_score *= style_weight
                content_score *= content_weight
                loss = style_score + content_score
                loss.backward()
                run[0] += 1
                scores.append(loss.item())
                if run[0] % 10 == 0:
                    print("run {}:".format(run))
                    print('Style Loss : {:4f} Content Loss: {:4f}'.format(style_score.item(), content_score.item()))
                    print()
                return style_score + content_score
            optimizer.step(closure)
        # a last correction...
        with torch.no_grad():
            input_img.clamp_(0, 1)
        return input_img, model, scores

    out = io.StringIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.tensor(a_tensor) warns: see printed_details_vision_rl
        with contextlib.redirect_stdout(out):
            output, model, scores = run_style_transfer(cnn, cnn_normalization_mean, cnn_normalization_std,
                                                       content_img, style_img, input_img, num_steps=25)
            print(model)
    image = output.cpu().clone()  # we clone the tensor to not do changes on it
    image = image.squeeze(0)  # remove the fake batch dimension
    assert scores[-1] < 0.5 * scores[0]
    return {"printed": out.getvalue(), "scores": scores, "output": output,
            "names": [n for n, _ in model.named_children()],
            "input_requires_grad": output.requires_grad, "cnn_weight_requires_grad": cnn[0].weight.requires_grad,
            "model_conv_requires_grad": model.conv_1.weight.requires_grad, "gram": gram_matrix(content_img),
            "unloaded": image}


# ---- 13. "DCGAN": weights_init through Module.apply (statistics only: the draws are random) ------------
@programs.add
def dcgan_weights_init(torch, nn, F, optim):
    # Set random seed for reproducibility
    manualSeed = 999
    random.seed(manualSeed)
    torch.manual_seed(manualSeed)
    torch.use_deterministic_algorithms(True)  # Needed for reproducible results
    nc, nz, ngf, ndf, ngpu = 1, 8, 8, 8, 1
    device = torch.device("cuda:0" if (torch.cuda.is_available() and ngpu > 0) else "cpu")
    visited = []

    # custom weights initialization called on ``netG`` and ``netD``
    def weights_init(m):
        classname = m.__class__.__name__
        visited.append(classname)
        if classname.find('Conv') != -1:
            nn.init.normal_(m.weight.data, 0.0, 0.02)
        elif classname.find('BatchNorm') != -1:
            nn.init.normal_(m.weight.data, 1.0, 0.02)
            nn.init.constant_(m.bias.data, 0)

    class Generator(nn.Module):
        def __init__(self, ngpu):
            super(Generator, self).__init__()
            self.ngpu = ngpu
            self.main = nn.Sequential(
                nn.ConvTranspose2d(nz, ngf * 4, 4, 1, 0, bias=False),
                nn.BatchNorm2d(ngf * 4),
                nn.ReLU(True),
                nn.ConvTranspose2d(ngf * 4, ngf * 2, 4, 2, 1, bias=False),
                nn.BatchNorm2d(ngf * 2),
                nn.ReLU(True),
                nn.ConvTranspose2d(ngf * 2, nc, 4, 2, 1, bias=False),
                nn.Tanh()
            )

        def forward(self, input):
            return self.main(input)

    class Discriminator(nn.Module):
        def __init__(self, ngpu):
            super(Discriminator, self).__init__()
            self.ngpu = ngpu
            self.main = nn.Sequential(
                nn.Conv2d(nc, ndf, 4, 2, 1, bias=False),
                nn.LeakyReLU(0.2, inplace=True),
                nn.Conv2d(ndf, ndf * 2, 4, 2, 1, bias=False),
                nn.BatchNorm2d(ndf * 2),
                nn.LeakyReLU(0.2, inplace=True),
                nn.Conv2d(ndf * 2, 1, 4, 1, 0, bias=False),
                nn.Sigmoid()
            )

        def forward(self, input):
            return self.main(input)

    netG = Generator(ngpu).to(device)
    if (device.type == 'cuda') and (ngpu > 1):
        netG = nn.DataParallel(netG, list(range(ngpu)))
    # Apply the ``weights_init`` function to randomly initialize all weights to ``mean=0``, ``stdev=0.02``.
    returned = netG.apply(weights_init)
    printed = str(netG)
    netD = Discriminator(ngpu).to(device)
    netD.apply(weights_init)
    printed += str(netD)
    d_std = netD.main[2].weight.std().item()
    assert abs(d_std - 0.02) < 0.004 and (netD.main[3].bias == 0).all()
    conv_w = torch.cat([m.weight.detach().flatten() for m in netG.modules() if isinstance(m, nn.ConvTranspose2d)])
    bn_w = torch.cat([netG.main[1].weight.detach(), netG.main[4].weight.detach()])
    bn_b = torch.cat([netG.main[1].bias.detach(), netG.main[4].bias.detach()])
    assert abs(conv_w.std().item() - 0.02) < 0.002 and abs(conv_w.mean().item()) < 0.002
    assert abs(bn_w.mean().item() - 1.0) < 0.01 and (bn_b == 0).all()
    fixed_noise = torch.randn(64, nz, 1, 1, device=device)
    with torch.no_grad():
        fake = netG(fixed_noise).detach().cpu()
        verdict = netD(fake).view(-1)
    return {"visited": visited, "returns_self": returned is netG, "printed": printed,
            "conv_std_ok": abs(conv_w.std().item() - 0.02) < 0.002, "bn_bias": bn_b, "numel": conv_w.numel(),
            "fake_shape": tuple(fake.shape), "fake_in_range": bool((fake.abs() <= 1).all()),
            "noise_dtype": fixed_noise.dtype, "weight_is_leaf": netG.main[0].weight.is_leaf,
            "verdict_shape": tuple(verdict.shape), "verdict_in_range": bool(((verdict > 0) & (verdict < 1)).all())}


# ---- 14. "DCGAN": one training iteration with BCELoss, torch.full labels and fill_ (float32) ------------
@programs.add
def dcgan_training_step(torch, nn, F, optim):
    torch.set_default_dtype(torch.float32)  # the tutorial's dtype: torch.full(..., dtype=torch.float) labels
    nc, nz, ngf, ndf = 1, 4, 4, 4
    lr, beta1 = 0.0002 * 10, 0.5
    device = torch.device("cpu")

    class Discriminator(nn.Module):
        def __init__(self, ngpu):
            super(Discriminator, self).__init__()
            self.ngpu = ngpu
            self.main = nn.Sequential(
                nn.Conv2d(nc, ndf, 4, 2, 1, bias=False),
                nn.LeakyReLU(0.2, inplace=True),
                nn.Conv2d(ndf, ndf * 2, 4, 2, 1, bias=False),
                nn.BatchNorm2d(ndf * 2),
                nn.LeakyReLU(0.2, inplace=True),
                nn.Conv2d(ndf * 2, 1, 4, 1, 0, bias=False),
                nn.Sigmoid()
            )

        def forward(self, input):
            return self.main(input)

    netG = nn.Sequential(nn.ConvTranspose2d(nz, ngf * 2, 4, 1, 0, bias=False), nn.BatchNorm2d(ngf * 2), nn.ReLU(True),
                         nn.ConvTranspose2d(ngf * 2, ngf, 4, 2, 1, bias=False), nn.BatchNorm2d(ngf), nn.ReLU(True),
                         nn.ConvTranspose2d(ngf, nc, 4, 2, 1, bias=False), nn.Tanh())
    netD = Discriminator(1).to(device)
    init_from_numpy(torch, netG, seed=220, scale=0.2)
    init_from_numpy(torch, netD, seed=221, scale=0.2)
    rng = np.random.default_rng(222)
    real = np.tanh(rng.standard_normal((8, 1, 16, 16))).astype(np.float32)
    dataloader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(torch.from_numpy(real), torch.zeros(8, dtype=torch.long)), batch_size=4)
    noises = [torch.from_numpy(rng.standard_normal((4, nz, 1, 1)).astype(np.float32)) for _ in range(2)]

    # Initialize the ``BCELoss`` function
    criterion = nn.BCELoss()
    # Establish convention for real and fake labels during training
    real_label = 1.
    fake_label = 0.
    # Setup Adam optimizers for both G and D
    optimizerD = optim.Adam(netD.parameters(), lr=lr, betas=(beta1, 0.999))
    optimizerG = optim.Adam(netG.parameters(), lr=lr, betas=(beta1, 0.999))
    G_losses, D_losses, stats = [], [], []
    num_epochs = 1
    iters = 0
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for epoch in range(num_epochs):
            for i, data in enumerate(dataloader, 0):
                ## Train with all-real batch
                netD.zero_grad()
                # Format batch
                real_cpu = data[0].to(device)
                b_size = real_cpu.size(0)
                label = torch.full((b_size,), real_label, dtype=torch.float, device=device)
                # Forward pass real batch through D
                output = netD(real_cpu).view(-1)
                # Calculate loss on all-real batch
                errD_real = criterion(output, label)
                # Calculate gradients for D in backward pass
                errD_real.backward()
                D_x = output.mean().item()
                ## Train with all-fake batch
                noise = noises[i]  # torch.randn(b_size, nz, 1, 1, device=device)
                fake = netG(noise)
                label.fill_(fake_label)
                # Classify all fake batch with D
                output = netD(fake.detach()).view(-1)
                errD_fake = criterion(output, label)
                errD_fake.backward()
                D_G_z1 = output.mean().item()
                errD = errD_real + errD_fake
                optimizerD.step()
                netG.zero_grad()
                label.fill_(real_label)  # fake labels are real for generator cost
                output = netD(fake).view(-1)
                errG = criterion(output, label)
                errG.backward()
                D_G_z2 = output.mean().item()
                optimizerG.step()
                print('[%d/%d][%d/%d]\tLoss_D: %.2f\tLoss_G: %.2f\tD(x): %.2f\tD(G(z)): %.2f / %.2f'
                      % (epoch, num_epochs, i, len(dataloader), errD.item(), errG.item(), D_x, D_G_z1, D_G_z2))
                G_losses.append(errG.item())
                D_losses.append(errD.item())
                stats.append((D_x, D_G_z1, D_G_z2))
                iters += 1
    assert all(0 < v < 1 for s in stats for v in s) and D_G_z2 != D_G_z1
    return {"printed": out.getvalue(), "G_losses": _r(G_losses), "D_losses": _r(D_losses),
            "stats": [_r(s) for s in stats], "label": label, "label_dtype": label.dtype,
            "output_dtype": output.dtype, "iters": iters, "g_grad": _r(netG[0].weight.grad.flatten()[:6])}


test_program_runs_here_and_matches_pytorch = programs.test()
