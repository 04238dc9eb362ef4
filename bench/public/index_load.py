"""How long loading a shared copy of the public search index holds the interpreter.

Run against the database `rps.sh` prepared (its settings and keys, see README.md): for each
corpus of the public search (the Vietnamese articles, the providers), in this one process,

- the build (CPU seconds);
- the whole copy, as a web process loaded it before the copies were kept in pieces: its pickled
  size, the time to pickle it and to unpickle it (one call: the interpreter is held throughout);
- the copy in pieces (`Corpus.pieces`, when this version has them): how many, their total size,
  the time to unpickle each (the longest is the longest the interpreter is held), and the whole
  load, piece after piece, put back together (`Corpus.from_pieces`);
- for both ways of loading, the longest a second thread of the same process (a request, here a
  loop of 1 ms sleeps) waited to run while the load went on (what a request feels), and the
  collections of the whole process's garbage the load set off (each holds the interpreter for
  as long as it walks every object of the process: the longest waits of a request).

CPU times (`time.process_time`) are what the machine's load disturbs least; the waits of the
second thread are wall-clock and grow with the load: print the load average beside them.

    DATABASE_URL=… bench/public/index_load.py        # after rps.sh prepared the database
"""

from __future__ import annotations

import gc
import os
import pickle
import statistics
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.public.settings")

import django

django.setup()

from donghanh.content import search  # noqa: E402


class Collections:
    """Garbage collections of the whole process (generation 2) while in the block, and the
    longest, in ms: each holds the interpreter for as long as it takes."""

    def __init__(self) -> None:
        self.count = 0
        self.longest = 0.0
        self._started = 0.0

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.count += 1
            self.longest = max(self.longest, (time.perf_counter() - self._started) * 1000)

    def __enter__(self) -> Collections:
        gc.callbacks.append(self._callback)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self._callback)

    def __str__(self) -> str:
        return f"{self.count} full collections" + (
            f" (longest {self.longest:.0f} ms)" if self.count else ""
        )


class Probe:
    """A thread sleeping 1 ms at a time: the longest it waited to run again, in ms."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        last = time.perf_counter()
        while not self._stop.is_set():
            time.sleep(0.001)
            now = time.perf_counter()
            self.longest = max(self.longest, (now - last) * 1000 - 1)
            last = now

    def __enter__(self) -> Probe:
        self._thread.start()
        time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _timed(function: Callable[[], Any]) -> tuple[Any, float, float]:
    """The result, CPU ms and wall ms."""
    cpu, wall = time.process_time(), time.perf_counter()
    result = function()
    return result, (time.process_time() - cpu) * 1000, (time.perf_counter() - wall) * 1000


def _load(line: str) -> str:
    return f"{line}  [load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}]"


def measure(name: str) -> None:
    corpus, build_cpu, build_wall = _timed(lambda: search._build_corpus(name))
    print(
        _load(
            f"{name}: {len(corpus.documents)} documents, "
            f"{sum(len(table) for table in corpus.postings)} postings, "
            f"{len(corpus.vocabulary)} words, {len(corpus.vocabulary._deletions)} deletions; "
            f"built in {build_cpu:.0f} ms CPU ({build_wall:.0f} ms)"
        )
    )
    whole, dump_cpu, _ = _timed(lambda: pickle.dumps(corpus, pickle.HIGHEST_PROTOCOL))
    _, load_cpu, load_wall = _timed(lambda: pickle.loads(whole))  # noqa: S301 - our own bytes
    with Probe() as idle:
        time.sleep(max(load_wall / 1000, 0.2))
    gc.collect()  # each load starts with nothing owed to the collector
    with Probe() as probe, Collections() as collections:
        pickle.loads(whole)  # noqa: S301 - our own bytes
    print(
        _load(
            f"  whole copy: {len(whole) / 1e6:.2f} MB, pickled in {dump_cpu:.0f} ms CPU, "
            f"unpickled in {load_cpu:.0f} ms CPU ({load_wall:.0f} ms) in one call; "
            f"another thread waited up to {probe.longest:.0f} ms ({idle.longest:.0f} ms "
            f"with nothing loading); {collections}"
        )
    )
    if not hasattr(corpus, "pieces"):
        return
    pieces = [pickle.dumps(piece, pickle.HIGHEST_PROTOCOL) for piece in corpus.pieces()]
    each = []
    for piece in pieces:
        started = time.process_time()
        pickle.loads(piece)  # noqa: S301 - our own bytes
        each.append((time.process_time() - started) * 1000)

    def one_at_a_time() -> Iterator[object]:
        for piece in pieces:
            yield pickle.loads(piece)  # noqa: S301 - our own bytes
            time.sleep(0)

    _, join_cpu, join_wall = _timed(lambda: search.Corpus.from_pieces(one_at_a_time()))
    gc.collect()
    held = [search.Corpus.from_pieces(one_at_a_time())]  # the copy a web process answers with
    with Probe() as probe, Collections() as collections:
        renewed = search.Corpus.from_pieces(one_at_a_time())
        held[0] = renewed  # the swap: the previous copy is freed here
    print(
        _load(
            f"  in pieces: {len(pieces)} pieces, {sum(map(len, pieces)) / 1e6:.2f} MB, "
            f"largest {max(map(len, pieces)) / 1e3:.0f} kB; unpickling one: median "
            f"{statistics.median(each):.2f} ms, max {max(each):.2f} ms CPU; all, put back "
            f"together: {join_cpu:.0f} ms CPU ({join_wall:.0f} ms); loading it beside the "
            f"previous copy and freeing that one, another thread waited up "
            f"to {probe.longest:.0f} ms; {collections}"
        )
    )


def main() -> None:
    for name in ("articles:vi", "providers"):
        measure(name)


if __name__ == "__main__":
    main()
