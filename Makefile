# Two commands do all set-up on a fresh machine with Python 3.10+:
#   make demo   creates .venv, installs the package, runs the main demo
#   make test   creates .venv, installs the package with test extras, runs the whole suite
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip --disable-pip-version-check -q

.PHONY: demo test bench fuzz clean

# Small matrices: OpenBLAS threads only add synchronisation; one thread is faster and repeatable.
export OPENBLAS_NUM_THREADS ?= 1

$(PY):
	$(PYTHON) -m venv $(VENV)

$(VENV)/.demo-installed: pyproject.toml | $(PY)
	$(PIP) install -e ".[viz,examples]"
	touch $@

$(VENV)/.test-installed: pyproject.toml | $(PY)
	$(PIP) install -e ".[test,viz,examples,browser]"
	touch $@

demo: $(VENV)/.demo-installed
	$(PY) -m tinygrad_edu demo

test: $(VENV)/.test-installed
	$(PY) -m pytest tests

# Differential fuzz against PyTorch with thousands of programs (the normal suite runs a few hundred);
# the full report: python -m tests.fuzz.run --examples 5000 --markdown fuzz.md
# Then tg.autobatch() against the same code run eagerly (report: python -m tests.fuzz.autobatch_fuzz --examples 5000)
# Then nn modules' configurations against PyTorch (report: python -m tests.fuzz.modules_fuzz --examples 5000)
# Then optimizers/schedulers, the function transforms, distributions and the autograd API (reports: python -m tests.fuzz.optim_fuzz / func_fuzz / distributions_fuzz / autograd_api_fuzz)
FUZZ_EXAMPLES ?= 5000
AUTOBATCH_FUZZ_EXAMPLES ?= 5000
MODULES_FUZZ_EXAMPLES ?= 5000
OPTIM_FUZZ_EXAMPLES ?= 3000
FUNC_FUZZ_EXAMPLES ?= 2000
DISTRIBUTIONS_FUZZ_EXAMPLES ?= 2000
AUTOGRAD_API_FUZZ_EXAMPLES ?= 3000
fuzz: $(VENV)/.test-installed
	TINYGRAD_EDU_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(PY) -m pytest tests/test_fuzz_torch.py -q --runxfail
	TINYGRAD_EDU_AUTOBATCH_FUZZ_EXAMPLES=$(AUTOBATCH_FUZZ_EXAMPLES) $(PY) -m pytest tests/test_autobatch_fuzz.py -q
	TINYGRAD_EDU_MODULES_FUZZ_EXAMPLES=$(MODULES_FUZZ_EXAMPLES) $(PY) -m pytest tests/test_modules_fuzz.py -q
	TINYGRAD_EDU_OPTIM_FUZZ_EXAMPLES=$(OPTIM_FUZZ_EXAMPLES) $(PY) -m pytest tests/test_optim_fuzz.py -q
	TINYGRAD_EDU_FUNC_FUZZ_EXAMPLES=$(FUNC_FUZZ_EXAMPLES) $(PY) -m pytest tests/test_func_fuzz.py -q
	TINYGRAD_EDU_DISTRIBUTIONS_FUZZ_EXAMPLES=$(DISTRIBUTIONS_FUZZ_EXAMPLES) $(PY) -m pytest tests/test_distributions_fuzz.py -q
	TINYGRAD_EDU_AUTOGRAD_API_FUZZ_EXAMPLES=$(AUTOGRAD_API_FUZZ_EXAMPLES) $(PY) -m pytest tests/test_autograd_api_fuzz.py -q

bench: $(VENV)/.test-installed
	$(PY) bench/ops.py
	$(PY) bench/mlp.py
	$(PY) bench/treelstm.py
	$(PY) bench/tree.py
	$(PY) bench/word_rnn.py
	$(PY) bench/memory.py

clean:
	rm -rf $(VENV) build *.egg-info
