"""Runnable examples, one story each. Run one as a script (`python examples/xor.py`) or through
the command line (`python -m tinygrad_edu xor`); `python -m tinygrad_edu --help` lists them."""
