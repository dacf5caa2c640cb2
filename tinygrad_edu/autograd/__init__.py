"""The autograd machinery: grad mode, Function and its backward node, the backward engine,
hooks and anomaly detection. Public names are re-exported from `tinygrad_edu`."""
