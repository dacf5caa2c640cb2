"""Training utilities as PyTorch's docs use them: learning-rate schedulers (the
torch.optim docs' loop, ReduceLROnPlateau, OneCycleLR, chaining), a custom Dataset with
transforms and a collate_fn (the 'Writing Custom Datasets, DataLoaders and Transforms'
tutorial), pack_padded_sequence into an LSTM and gradient clipping. (Transfer-learning-style
freezing is tests/test_pytorch_programs_vision_rl.py's transfer_learning_* programs.)"""
from __future__ import annotations

from tests.tutorials.harness import check

SCHEDULERS = """
import torch
from torch import nn
from torch.optim.lr_scheduler import (ExponentialLR, MultiStepLR, StepLR, ReduceLROnPlateau, OneCycleLR,
                                      CosineAnnealingLR, LambdaLR, LinearLR, SequentialLR)

model = same(nn.Linear(3, 1))
x = same(torch.randn(16, 3))
y = x @ torch.tensor([[1.0], [-2.0], [0.5]])
loss_fn = nn.MSELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
scheduler1 = ExponentialLR(optimizer, gamma=0.9)
scheduler2 = MultiStepLR(optimizer, milestones=[3, 6], gamma=0.1)
lrs = []
for epoch in range(8):
    optimizer.zero_grad()
    loss = loss_fn(model(x), y)
    loss.backward()
    optimizer.step()
    scheduler1.step()
    scheduler2.step()
    lrs.append(scheduler2.get_last_lr()[0])
assert abs(lrs[0] - 0.09) < 1e-12 and abs(lrs[2] - 0.1 * 0.9 ** 3 * 0.1) < 1e-12, lrs

opt2 = torch.optim.Adam(model.parameters(), lr=0.05)
plateau = ReduceLROnPlateau(opt2, mode='min', factor=0.5, patience=1)
plateau_lrs = []
for val_loss in [1.0, 0.9, 0.95, 0.96, 0.97, 0.5, 0.6, 0.7]:
    opt2.step()
    plateau.step(val_loss)
    plateau_lrs.append(opt2.param_groups[0]['lr'])
assert plateau_lrs[3] == 0.025 and plateau_lrs[-1] == 0.0125, plateau_lrs

opt3 = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
onecycle = OneCycleLR(opt3, max_lr=0.5, total_steps=10)
cycle = []
for i in range(10):
    opt3.step()
    onecycle.step()
    cycle.append((opt3.param_groups[0]['lr'], opt3.param_groups[0]['momentum']))

opt4 = torch.optim.SGD(model.parameters(), lr=1.0)
warm = LinearLR(opt4, start_factor=0.25, total_iters=2)
cos = CosineAnnealingLR(opt4, T_max=4)
seq = SequentialLR(opt4, schedulers=[warm, cos], milestones=[2])
seq_lrs = []
for i in range(6):
    opt4.step()
    seq.step()
    seq_lrs.append(seq.get_last_lr()[0])
opt5 = torch.optim.SGD([{'params': model.weight}, {'params': model.bias, 'lr': 0.5}], lr=0.1)
lam = LambdaLR(opt5, lr_lambda=[lambda e: 0.5 ** e, lambda e: 1.0 / (e + 1)])
for i in range(3):
    opt5.step()
    lam.step()
state = lam.state_dict()
assert lam.get_last_lr() == [0.1 * 0.125, 0.5 / 4]
result = {"lrs": lrs, "plateau": plateau_lrs, "cycle": cycle, "seq": seq_lrs, "lam": lam.get_last_lr(),
          "weight": model.weight, "last_epoch": state["last_epoch"]}
"""

CUSTOM_DATASET = """
import numpy as np
import torch
from torch.utils.data import Dataset, DataLoader

class FaceLandmarksDataset(Dataset):
    \"\"\"Face landmarks: images of varying size with 4 (x, y) landmarks each (synthetic).\"\"\"
    def __init__(self, n, transform=None):
        rng = np.random.default_rng(0)
        self.images = [rng.random((int(rng.integers(10, 14)), int(rng.integers(10, 14)), 3)) for _ in range(n)]
        self.landmarks = [rng.random((4, 2)) * 10 for _ in range(n)]
        self.transform = transform

    def __len__(self):
        return len(self.images)

    def __getitem__(self, idx):
        if torch.is_tensor(idx):
            idx = idx.tolist()
        sample = {'image': self.images[idx], 'landmarks': self.landmarks[idx]}
        if self.transform:
            sample = self.transform(sample)
        return sample

class Rescale(object):
    def __init__(self, output_size):
        assert isinstance(output_size, (int, tuple))
        self.output_size = output_size

    def __call__(self, sample):
        image, landmarks = sample['image'], sample['landmarks']
        h, w = image.shape[:2]
        new_h, new_w = self.output_size, self.output_size
        rows = (np.arange(new_h) * h / new_h).astype(int)
        cols = (np.arange(new_w) * w / new_w).astype(int)
        img = image[rows][:, cols]
        landmarks = landmarks * [new_w / w, new_h / h]
        return {'image': img, 'landmarks': landmarks}

class RandomCrop(object):
    def __init__(self, output_size):
        self.output_size = (output_size, output_size)

    def __call__(self, sample):
        image, landmarks = sample['image'], sample['landmarks']
        h, w = image.shape[:2]
        new_h, new_w = self.output_size
        top = 1
        left = 1
        image = image[top: top + new_h, left: left + new_w]
        landmarks = landmarks - [left, top]
        return {'image': image, 'landmarks': landmarks}

class ToTensor(object):
    def __call__(self, sample):
        image, landmarks = sample['image'], sample['landmarks']
        image = image.transpose((2, 0, 1))
        return {'image': torch.from_numpy(image), 'landmarks': torch.from_numpy(landmarks)}

class Compose:
    def __init__(self, transforms):
        self.transforms = transforms

    def __call__(self, sample):
        for t in self.transforms:
            sample = t(sample)
        return sample

transformed_dataset = FaceLandmarksDataset(10, transform=Compose([Rescale(10), RandomCrop(8), ToTensor()]))
sample = transformed_dataset[3]
assert tuple(sample['image'].size()) == (3, 8, 8) and tuple(sample['landmarks'].size()) == (4, 2)
assert transformed_dataset[torch.tensor(3)]['image'].shape == (3, 8, 8)
dataloader = DataLoader(transformed_dataset, batch_size=4, shuffle=False, num_workers=0)
batches = []
for i_batch, sample_batched in enumerate(dataloader):
    batches.append((i_batch, tuple(sample_batched['image'].size()), tuple(sample_batched['landmarks'].size())))
assert batches == [(0, (4, 3, 8, 8), (4, 4, 2)), (1, (4, 3, 8, 8), (4, 4, 2)), (2, (2, 3, 8, 8), (2, 4, 2))]

def collate_pad(batch):
    lengths = torch.tensor([len(item[0]) for item in batch])
    padded = torch.nn.utils.rnn.pad_sequence([item[0] for item in batch], batch_first=True)
    return padded, lengths, torch.stack([item[1] for item in batch])

class Sequences(Dataset):
    def __init__(self):
        self.items = [(torch.arange(n, dtype=torch.float), torch.tensor(n % 2)) for n in (3, 1, 4, 2, 5)]

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]

padded, lengths, labels = next(iter(DataLoader(Sequences(), batch_size=3, collate_fn=collate_pad)))
batched_landmarks = next(iter(dataloader))['landmarks']
result = {"padded": padded, "lengths": lengths, "labels": labels, "landmarks": batched_landmarks,
          "image": sample['image'], "dtype": str(batched_landmarks.dtype)[-7:]}
"""

PACKED = """
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence, pad_sequence, pack_sequence

seqs = [same(torch.randn(n, 3)) for n in (4, 2, 3)]
lengths = torch.tensor([4, 2, 3])
padded = pad_sequence(seqs, batch_first=True)
assert padded.shape == (3, 4, 3) and (padded[1, 2:] == 0).all()
lstm = same(nn.LSTM(3, 5, batch_first=True, bidirectional=True))
packed = pack_padded_sequence(padded, lengths, batch_first=True, enforce_sorted=False)
assert packed.batch_sizes.tolist() == [3, 3, 2, 1]
out_packed, (h, c) = lstm(packed)
out, out_lengths = pad_packed_sequence(out_packed, batch_first=True)
assert out.shape == (3, 4, 10) and out_lengths.tolist() == [4, 2, 3]
assert torch.allclose(out[1, 1, :5], h[0, 1]) and (out[1, 2:] == 0).all()
single, _ = lstm(seqs[1].unsqueeze(0))
assert torch.allclose(single[0], out[1, :2])
loss = out.sum() + h.sum()
loss.backward()
grad = lstm.weight_ih_l0.grad
total_norm = torch.nn.utils.clip_grad_norm_(lstm.parameters(), max_norm=1.0)
clipped = torch.sqrt(sum(p.grad.pow(2).sum() for p in lstm.parameters()))
assert abs(clipped.item() - 1.0) < 1e-6 and total_norm.item() > 1.0
torch.nn.utils.clip_grad_value_(lstm.parameters(), clip_value=0.01)
assert max(p.grad.abs().max().item() for p in lstm.parameters()) <= 0.01
sorted_pack = pack_sequence([seqs[0], seqs[2], seqs[1]])
gru = same(nn.GRU(3, 4))
gout, gh = gru(sorted_pack)
result = {"out": out, "h": h, "c": c, "total_norm": total_norm, "grad": lstm.weight_hh_l0.grad, "gh": gh,
          "gdata": gout.data, "lengths": out_lengths}
"""

def test_learning_rate_schedulers():
    check(SCHEDULERS)


def test_custom_dataset_transforms_and_collate():
    check(CUSTOM_DATASET)


def test_packed_sequences_and_gradient_clipping():
    check(PACKED)
