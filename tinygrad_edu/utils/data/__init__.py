"""`tg.utils.data`: datasets, samplers and the `DataLoader`, as in PyTorch's `torch.utils.data`.

A *dataset* answers `len(ds)` and `ds[i]` (one example, e.g. a pair `(x, y)`); a *sampler* says in
which order to visit the indices; the `DataLoader` takes `batch_size` examples at a time in that
order and joins them into a batch (`default_collate`: Tensors are stacked along a new first axis).

>>> import tinygrad_edu as tg
>>> from tinygrad_edu.utils.data import DataLoader, TensorDataset
>>> ds = TensorDataset(tg.arange(10.0).reshape(5, 2), tg.tensor([0, 1, 0, 1, 1]))
>>> [(x.shape, y.tolist()) for x, y in DataLoader(ds, batch_size=2)]
[((2, 2), [0, 1]), ((2, 2), [0, 1]), ((1, 2), [1])]

Loading always happens in the calling process: `num_workers`, `pin_memory` and the other
multiprocessing options are accepted (so PyTorch programs run) and change nothing but speed.
"""
from .collate import default_collate, default_convert
from .dataloader import DataLoader
from .dataset import ConcatDataset, Dataset, IterableDataset, Subset, TensorDataset, random_split
from .dataset_combine import ChainDataset, StackDataset
from .distributed import DistributedSampler
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler, SubsetRandomSampler
from .sampler_weighted import WeightedRandomSampler
from .worker import get_worker_info

__all__ = ["BatchSampler", "ConcatDataset", "DataLoader", "Dataset", "IterableDataset", "RandomSampler",
           "Sampler", "SequentialSampler", "Subset", "SubsetRandomSampler", "TensorDataset",
           "default_collate", "default_convert", "get_worker_info", "random_split",
           "ChainDataset", "DistributedSampler", "StackDataset", "WeightedRandomSampler"]
