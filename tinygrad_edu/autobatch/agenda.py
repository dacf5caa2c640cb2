"""In which order the waiting calls run, and which run together.

Two strategies of Neubig, Goldberg & Dyer, "On-the-fly operation batching in dynamic computation
graphs" (NeurIPS 2017):

- `by_depth`: a call's depth is 1 + the largest depth of the waiting calls it reads (0 for
  none). All calls of one depth are independent of each other, so each depth runs as one batch
  per key, depths in increasing order.
- `by_agenda`: keep the calls whose inputs are all computed (the agenda), grouped by key; run the
  group whose key has the lowest average depth over all its waiting calls -- the kind of work
  the rest of the graph waits for soonest -- then add the calls this unblocked. A call can join a
  batch of its key whatever its depth, as soon as it is ready.

Measured on SPINN over ListOps and on the recursive Tree-LSTM of examples/treelstm_sentiment.py
(docs/autobatch.md): the agenda makes fewer, larger batches on the Tree-LSTM (124 against 193 for
256 trees) and the same ones on SPINN, but its bookkeeping costs more than that saves at these
sizes, so `by_depth` is the default.
"""
from __future__ import annotations

from typing import Iterator


def by_depth(records: list) -> Iterator[list]:
    levels: dict[int, dict] = {}
    for r in records:
        level = levels.get(r.depth)
        if level is None:
            level = levels[r.depth] = {}
        group = level.get(r.key)
        if group is None:
            level[r.key] = [r]
        else:
            group.append(r)
    for depth in sorted(levels):
        yield from levels[depth].values()


def by_agenda(records: list) -> Iterator[list]:
    depth_sum: dict = {}
    count: dict = {}
    ready: dict = {}
    for r in records:
        key = r.key
        depth_sum[key] = depth_sum.get(key, 0) + r.depth
        count[key] = count.get(key, 0) + 1
        if r.waiting == 0:
            group = ready.get(key)
            if group is None:
                ready[key] = [r]
            else:
                group.append(r)
    priority = {key: depth_sum[key] / count[key] for key in count}
    while ready:
        key = min(ready, key=priority.__getitem__)
        group = ready.pop(key)
        yield group
        for r in group:  # the group has run: its consumers wait for one input less
            for consumer in r.consumers:
                consumer.waiting -= 1
                if consumer.waiting == 0:
                    waiting = ready.get(consumer.key)
                    if waiting is None:
                        ready[consumer.key] = [consumer]
                    else:
                        waiting.append(consumer)


STRATEGIES = {"agenda": by_agenda, "depth": by_depth}
