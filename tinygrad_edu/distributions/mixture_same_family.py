"""A mixture of k distributions of one family, as `torch.distributions.MixtureSameFamily`: pick a
component j with the probabilities of a `Categorical`, then draw from component j. The density is
p(x) = Σ_j π_j p_j(x), scored as logsumexp_j(log π_j + log p_j(x)) so that it stays finite when
every p_j(x) underflows.
"""
from __future__ import annotations

import numpy as np

from ..autograd.grad_mode import no_grad
from ..tensor import Tensor
from . import constraints
from .categorical import Categorical
from .distribution import Distribution


class MixtureSameFamily(Distribution):
    """Σ_j π_j p_j(x): `mixture_distribution` a Categorical over k components (its batch shape () or
    the mixture's batch shape), `component_distribution` any distribution whose rightmost batch
    dim has size k and indexes the components.

    >>> import tinygrad_edu as tg
    >>> D = tg.distributions
    >>> gmm = D.MixtureSameFamily(D.Categorical(tg.tensor([0.5, 0.5])), D.Normal(tg.tensor([-1.0, 1.0]), 1.0))
    >>> gmm.mean, gmm.variance
    (tensor(0.), tensor(2.))
    """

    arg_constraints: dict = {}
    has_rsample = False

    def __init__(self, mixture_distribution: Categorical, component_distribution: Distribution,
                 validate_args: bool | None = None) -> None:
        self._mixture_distribution = mixture_distribution
        self._component_distribution = component_distribution
        if not isinstance(mixture_distribution, Categorical):
            raise ValueError(" The Mixture distribution needs to be an  instance of torch.distributions.Categorical")
        if not isinstance(component_distribution, Distribution):
            raise ValueError("The Component distribution needs to be an instance of torch.distributions.Distribution")
        mdbs = mixture_distribution.batch_shape
        cdbs = component_distribution.batch_shape[:-1]
        for size1, size2 in zip(reversed(mdbs), reversed(cdbs)):
            if size1 != 1 and size2 != 1 and size1 != size2:
                raise ValueError(f"`mixture_distribution.batch_shape` ({mdbs}) is not compatible with "
                                 f"`component_distribution.batch_shape`({cdbs})")
        km = mixture_distribution.logits.shape[-1]
        kc = component_distribution.batch_shape[-1] if len(component_distribution.batch_shape) else None
        if kc is None:  # PyTorch fails here indexing batch_shape[-1]: IndexError
            raise IndexError("`component_distribution` needs a batch dim of size k (the number of components, "
                             f"{km}) on the right, but its batch_shape is ()")
        if km != kc:
            raise ValueError(f"`mixture_distribution component` ({km}) does not equal "
                             f"`component_distribution.batch_shape[-1]` ({kc})")
        self._num_component = km
        self._event_ndims = len(component_distribution.event_shape)
        super().__init__(cdbs, component_distribution.event_shape, validate_args=validate_args)

    def expand(self, batch_shape: tuple, _instance=None) -> "MixtureSameFamily":
        batch_shape = tuple(batch_shape)
        new = self._get_checked_instance(MixtureSameFamily, _instance)
        new._component_distribution = self._component_distribution.expand(batch_shape + (self._num_component,))
        new._mixture_distribution = self._mixture_distribution.expand(batch_shape)
        new._num_component = self._num_component
        new._event_ndims = self._event_ndims
        Distribution.__init__(new, batch_shape, new._component_distribution.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @constraints.dependent_property
    def support(self):
        return constraints.MixtureSameFamilyConstraint(self._component_distribution.support)

    @property
    def mixture_distribution(self) -> Categorical:
        return self._mixture_distribution

    @property
    def component_distribution(self) -> Distribution:
        return self._component_distribution

    @property
    def mean(self) -> Tensor:
        """Σ_j π_j mean_j."""
        probs = self._pad_mixture_dimensions(self.mixture_distribution.probs)
        return (probs * self.component_distribution.mean).sum(-1 - self._event_ndims)

    @property
    def variance(self) -> Tensor:
        """The law of total variance: Var Y = E[Var(Y | j)] + Var(E[Y | j])
        = Σ_j π_j var_j + Σ_j π_j (mean_j - mean)²."""
        probs = self._pad_mixture_dimensions(self.mixture_distribution.probs)
        mean_cond_var = (probs * self.component_distribution.variance).sum(-1 - self._event_ndims)
        var_cond_mean = (probs * (self.component_distribution.mean - self._pad(self.mean)).pow(2.0)).sum(
            -1 - self._event_ndims)
        return mean_cond_var + var_cond_mean

    def cdf(self, x: Tensor) -> Tensor:
        """Σ_j π_j F_j(x)."""
        cdf_x = self.component_distribution.cdf(self._pad(x))
        return (cdf_x * self.mixture_distribution.probs).sum(-1)

    def log_prob(self, x: Tensor) -> Tensor:
        """logsumexp_j(log π_j + log p_j(x))."""
        if self._validate_args:
            self._validate_sample(x)
        log_prob_x = self.component_distribution.log_prob(self._pad(x))  # [S, B, k]
        log_mix_prob = self.mixture_distribution.logits.log_softmax(-1)  # [B, k]
        return (log_prob_x + log_mix_prob).logsumexp(-1)  # [S, B]

    def sample(self, sample_shape: tuple = ()) -> Tensor:
        """Draw a component index per sample, and a sample of every component; keep the chosen one."""
        with no_grad():
            gather_dim = len(tuple(sample_shape)) + len(self.batch_shape)
            mixture = self.mixture_distribution
            if mixture.batch_shape == () and self.batch_shape != ():
                # one mixture for a batch of components: draw an index per batch entry (PyTorch
                # raises a RuntimeError from gather here instead)
                mixture = mixture.expand(self.batch_shape)
            mix_sample = mixture.sample(sample_shape).data  # [n, B]
            comp_samples = self.component_distribution.sample(sample_shape).data  # [n, B, k, E]
            index = mix_sample.reshape(mix_sample.shape + (1,) * (self._event_ndims + 1))
            index = np.broadcast_to(index, mix_sample.shape + (1,) + tuple(self.event_shape))
            return Tensor(np.take_along_axis(comp_samples, index, axis=gather_dim).squeeze(gather_dim))

    def _pad(self, x: Tensor) -> Tensor:
        """x with a size-1 component dim before the event dims."""
        return x.unsqueeze(-1 - self._event_ndims)

    def _pad_mixture_dimensions(self, x: Tensor) -> Tensor:
        """π (of shape mixture batch + (k,)) reshaped to line up with the components' (B, k, E)."""
        dist_batch_ndims = len(self.batch_shape)
        cat_batch_ndims = len(self.mixture_distribution.batch_shape)
        pad_ndims = 0 if cat_batch_ndims == 1 else dist_batch_ndims - cat_batch_ndims
        xs = tuple(x.shape)
        return x.reshape(xs[:-1] + (1,) * pad_ndims + xs[-1:] + (1,) * self._event_ndims)

    def __repr__(self) -> str:
        return f"MixtureSameFamily(\n  {self.mixture_distribution},\n  {self.component_distribution})"
