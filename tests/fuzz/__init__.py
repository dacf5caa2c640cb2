"""Differential fuzzing of tinygrad_edu against PyTorch.

Random short programs over the public ops run in both libraries (PyTorch in float64 where it
uses floats); values, dtypes, exceptions, gradients and second derivatives are compared.
See README.md in this folder for how to run it.
"""
