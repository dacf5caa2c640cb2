"""`TransformedDistribution`: Y = f_n(...f_1(X)) for X from a base distribution and invertible
transforms f_i, as `torch.distributions.TransformedDistribution`. By the change of variables,
log p_Y(y) = log p_X(x) - Σ_i log |det ∂f_i/∂x_i|, computed by inverting y back through the transforms.
"""
from __future__ import annotations

from ..autograd.grad_mode import no_grad
from ..tensor import Tensor
from . import constraints
from .distribution import Distribution
from .independent import Independent, sum_rightmost
from .transforms import Transform


def _domain_event_dim(transforms: list) -> int:
    """The event dim the whole chain needs of its input (as PyTorch's ComposeTransform.domain)."""
    if not transforms:
        return 0
    event_dim = transforms[-1].codomain.event_dim
    for part in reversed(transforms):
        event_dim += part.domain.event_dim - part.codomain.event_dim
        event_dim = max(event_dim, part.domain.event_dim)
    return event_dim


def _codomain_event_dim(transforms: list) -> int:
    """The event dim of the chain's output (as PyTorch's ComposeTransform.codomain)."""
    if not transforms:
        return 0
    event_dim = transforms[0].domain.event_dim
    for part in transforms:
        event_dim += part.codomain.event_dim - part.domain.event_dim
        event_dim = max(event_dim, part.codomain.event_dim)
    return event_dim


class TransformedDistribution(Distribution):
    """The distribution of transforms[-1](...transforms[0](x)) for x ~ base_distribution.

    >>> import tinygrad_edu as tg
    >>> D = tg.distributions
    >>> d = D.TransformedDistribution(D.Normal(0.0, 1.0), [D.transforms.ExpTransform()])
    >>> d.log_prob(tg.tensor(1.0))  # the LogNormal(0, 1) density at 1
    tensor(-0.9189)
    """

    arg_constraints: dict = {}

    def __init__(self, base_distribution: Distribution, transforms, validate_args: bool | None = None) -> None:
        if isinstance(transforms, Transform):
            self.transforms = [transforms]
        elif isinstance(transforms, list):
            if not all(isinstance(t, Transform) for t in transforms):
                raise ValueError("transforms must be a Transform or a list of Transforms")
            self.transforms = transforms
        else:
            raise ValueError(f"transforms must be a Transform or list, but was {transforms}")
        base_shape = tuple(base_distribution.batch_shape) + tuple(base_distribution.event_shape)
        base_event_dim = len(base_distribution.event_shape)
        domain_event_dim = _domain_event_dim(self.transforms)
        if len(base_shape) < domain_event_dim:
            raise ValueError(f"base_distribution needs to have shape with size at least {domain_event_dim}, but "
                             f"got {base_shape}.")
        forward_shape = base_shape
        for t in self.transforms:
            forward_shape = tuple(t.forward_shape(forward_shape))
        expanded_base_shape = forward_shape
        for t in reversed(self.transforms):
            expanded_base_shape = tuple(t.inverse_shape(expanded_base_shape))
        if base_shape != expanded_base_shape:
            base_batch_shape = expanded_base_shape[:len(expanded_base_shape) - base_event_dim]
            base_distribution = base_distribution.expand(base_batch_shape)
        reinterpreted_batch_ndims = domain_event_dim - base_event_dim
        if reinterpreted_batch_ndims > 0:
            base_distribution = Independent(base_distribution, reinterpreted_batch_ndims)
        self.base_dist = base_distribution
        codomain_event_dim = _codomain_event_dim(self.transforms)
        event_dim = max(codomain_event_dim, base_event_dim + codomain_event_dim - domain_event_dim)
        cut = len(forward_shape) - event_dim
        super().__init__(forward_shape[:cut], forward_shape[cut:], validate_args=validate_args)

    def expand(self, batch_shape: tuple, _instance=None) -> "TransformedDistribution":
        new = self._get_checked_instance(TransformedDistribution, _instance)
        batch_shape = tuple(batch_shape)
        shape = batch_shape + tuple(self.event_shape)
        for t in reversed(self.transforms):
            shape = tuple(t.inverse_shape(shape))
        base_batch_shape = shape[:len(shape) - len(self.base_dist.event_shape)]
        new.base_dist = self.base_dist.expand(base_batch_shape)
        new.transforms = self.transforms
        Distribution.__init__(new, batch_shape, self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @constraints.dependent_property(is_discrete=False)
    def support(self):
        """The last transform's codomain (the base's support without transforms)."""
        if not self.transforms:
            return self.base_dist.support
        support = self.transforms[-1].codomain
        if len(self.event_shape) > support.event_dim:
            support = constraints.independent(support, len(self.event_shape) - support.event_dim)
        return support

    @property
    def has_rsample(self) -> bool:
        return self.base_dist.has_rsample

    def sample(self, sample_shape: tuple = ()) -> Tensor:
        """A base sample pushed through the transforms, without gradient."""
        with no_grad():
            x = self.base_dist.sample(sample_shape)
            for transform in self.transforms:
                x = transform(x)
            return x

    def rsample(self, sample_shape: tuple = ()) -> Tensor:
        """A reparameterised base sample pushed through the transforms (differentiable)."""
        x = self.base_dist.rsample(sample_shape)
        for transform in self.transforms:
            x = transform(x)
        return x

    def log_prob(self, value: Tensor) -> Tensor:
        """log p_base(x) - Σ log |det J_i|, x the value mapped back through the inverses."""
        if self._validate_args:
            self._validate_sample(value)
        event_dim = len(self.event_shape)
        log_prob = 0.0
        y = value
        for transform in reversed(self.transforms):
            x = transform.inv(y)
            event_dim += transform.domain.event_dim - transform.codomain.event_dim
            log_prob = log_prob - sum_rightmost(transform.log_abs_det_jacobian(x, y),
                                                event_dim - transform.domain.event_dim)
            y = x
        return log_prob + sum_rightmost(self.base_dist.log_prob(y), event_dim - len(self.base_dist.event_shape))

    def _monotonize_cdf(self, value: Tensor) -> Tensor:
        """The base cdf turned into this one's: p, or 1 - p where the transforms decrease."""
        sign = 1
        for transform in self.transforms:
            sign = sign * transform.sign
        if isinstance(sign, int) and sign == 1:
            return value
        return sign * (value - 0.5) + 0.5

    def cdf(self, value: Tensor) -> Tensor:
        """The base cdf at the value mapped back (monotone transforms only)."""
        for transform in self.transforms[::-1]:
            value = transform.inv(value)
        if self._validate_args:
            self.base_dist._validate_sample(value)
        return self._monotonize_cdf(self.base_dist.cdf(value))

    def icdf(self, value: Tensor) -> Tensor:
        """The base icdf, pushed through the transforms (monotone transforms only)."""
        value = self.base_dist.icdf(self._monotonize_cdf(value))
        for transform in self.transforms:
            value = transform(value)
        return value


