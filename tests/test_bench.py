"""The benchmark scripts run (at a tiny size) and write their JSON; their numbers are not checked."""
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"


def run_script(name: str, *args: str, timeout: float = 120) -> None:
    subprocess.run([sys.executable, str(BENCH / name), *args], check=True, capture_output=True, timeout=timeout)


def test_ops_benchmark_writes_ratios(tmp_path):
    out = tmp_path / "ops.json"
    run_script("ops.py", "--rounds", "1", "--repeats", "1", "--json", str(out))
    report = json.loads(out.read_text())
    results = report["results"]
    assert results["numpy (by hand)"]["ratio"] == 1.0
    assert results["tinygrad_edu"]["seconds"] > 0 and "python" in report


def test_w1_ceiling_runs_the_chain_on_a_bare_engine(tmp_path):
    out = tmp_path / "w1_ceiling.json"  # (the script checks the bare engine's gradient against numpy's)
    run_script("w1_ceiling.py", "--rounds", "1", "--repeats", "1", "--json", str(out))
    results = json.loads(out.read_text())["results"]
    assert set(results) == {"numpy (by hand)", "bare engine (ceiling)", "tinygrad_edu"}
    assert all(r["seconds"] > 0 for r in results.values())


def test_tree_benchmark_writes_batched_and_unbatched_speeds(tmp_path):
    out = tmp_path / "tree.json"
    run_script("tree.py", "--hidden", "8", "--batch", "4", "--trees", "8", "--rounds", "1", "--json", str(out))
    (row,) = json.loads(out.read_text())["results"]
    assert row["batched_trees_per_s"] > 0 and row["one_at_a_time_trees_per_s"] > 0


def test_treelstm_benchmark_checks_the_math_and_writes_trees_per_second(tmp_path):
    out = tmp_path / "treelstm.json"
    run_script("treelstm.py", "--rounds", "1", "--trees", "2", "--hidden", "4", "--leaves", "3",
               "--json", str(out))
    report = json.loads(out.read_text())
    results = report["results"]
    assert results["numpy (by hand)"]["ratio"] == 1.0
    assert results["tinygrad_edu"]["trees_per_s"] > 0
    # the script refuses to time implementations whose loss and gradients differ by more than 1e-10
    assert report["largest_difference"] < 1e-10
    assert (report["hidden"], report["leaves"], report["trees_per_call"]) == (4, 3, 2)


def test_mlp_benchmark_checks_the_math_and_writes_ratios(tmp_path):
    out = tmp_path / "mlp.json"
    run_script("mlp.py", "--rounds", "1", "--batches", "1", "--json", str(out))
    results = json.loads(out.read_text())["batches"]["1"]
    assert results["numpy (by hand)"]["ratio"] == 1.0 and results["tinygrad_edu, raw ops"]["seconds"] > 0


def test_word_rnn_benchmark_checks_the_gradients_and_writes_ratios(tmp_path):
    out = tmp_path / "word_rnn.json"
    run_script("word_rnn.py", "--vocabulary", "50", "--hidden", "4", "--words", "5", "--rounds", "1",
               "--repeats", "1", "--json", str(out))
    results = json.loads(out.read_text())["results"]
    assert results["numpy (by hand)"]["ratio"] == 1.0 and results["tinygrad_edu"]["seconds"] > 0


def test_memory_benchmark_writes_bytes_per_node(tmp_path):
    out = tmp_path / "memory.json"
    run_script("memory.py", "--ops", "2000", "--rounds", "1", "--json", str(out))
    report = json.loads(out.read_text())
    assert 0 < report["bytes_per_node"] < 10_000 and report["gc_ratio_median"] > 0


def test_autobatch_memory_benchmark_writes_rss_samples(tmp_path):
    out = tmp_path / "autobatch_memory.json"
    run_script("autobatch_memory.py", "--steps", "3", "--every", "1", "--batch", "2", "--json", str(out))
    report = json.loads(out.read_text())
    assert [s["step"] for s in report["samples"]] == [1, 2, 3] and all(s["rss_mb"] > 0 for s in report["samples"])


@pytest.mark.skipif(shutil.which("valgrind") is None, reason="bench/instructions.py needs valgrind")
def test_instruction_count_benchmark_writes_instructions_per_op(tmp_path):
    out = tmp_path / "instructions.json"
    # (four runs under valgrind, each importing Python and numpy at 50x the usual cost: about a minute)
    run_script("instructions.py", "--few", "1", "--many", "2", "--json", str(out), timeout=300)
    counts = json.loads(out.read_text())["instructions_per_op"]
    assert 0 < counts["numpy"] < counts["tinygrad_edu"]
