"""A generated module with many fixable findings, and the same module made correct.

    python bench/many_fixes.py [--workers N] [--repeat N] [--write FOLDER]

Each worker is a consumer loop whose `q.task_done()` is not in a `finally:` (QL104,
fixable); the correct twin wraps the processing in try/finally. Both files have the
same statements otherwise, so the difference between their lint times is what the
findings (and their fixes) cost. A plain lint must not pay for fix edits: the goal is
that the first file lints in at most twice the time of the second.
This is a tool to run by hand; tests import `module_text` for their data.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

HEADER = '''"""Generated: {count} consumer loops ({kind})."""

import queue
import threading


def handle(item):
    return item * 2

'''

WORKER = '''
def worker_{index}(q, results):
    while True:
        item = q.get()
        results.append(handle(item))
        q.task_done()

'''

CORRECT_WORKER = '''
def worker_{index}(q, results):
    while True:
        item = q.get()
        try:
            results.append(handle(item))
        finally:
            q.task_done()

'''

FOOTER = '''
def main():
    q = queue.Queue()
    results = []
    for target in WORKERS:
        threading.Thread(target=target, args=(q, results), daemon=True).start()
    for n in range(10):
        q.put(n)
    q.join()


WORKERS = [{names}]
'''


def module_text(count: int, *, correct: bool) -> str:
    """The module with `count` workers: each a QL104 finding with a fix, or none when `correct`."""
    worker = CORRECT_WORKER if correct else WORKER
    parts = [HEADER.format(count=count, kind="correct" if correct else "task_done() not in finally")]
    parts.extend(worker.format(index=index) for index in range(count))
    parts.append(FOOTER.format(names=", ".join(f"worker_{index}" for index in range(count))))
    return "".join(parts)


def time_lints(rows: list[tuple[str, str, dict]], repeat: int) -> dict[str, tuple[float, int]]:
    """name -> (best seconds of `check_source` over `repeat` rounds, findings). The rows
    take turns in each round, so a busy spell on a shared machine hits them all."""
    from qlint.engine import check_source

    best: dict[str, tuple[float, int]] = {}
    for _ in range(repeat):
        for name, source, options in rows:
            start = time.perf_counter()
            report = check_source(source, "generated.py", **options)  # type: ignore[arg-type]
            seconds = time.perf_counter() - start
            if name not in best or seconds < best[name][0]:
                best[name] = (seconds, len(report.diagnostics))
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--write", metavar="FOLDER", help="also write both files there")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    buggy, correct = module_text(args.workers, correct=False), module_text(args.workers, correct=True)
    if args.write:
        folder = Path(args.write)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "many_fixes.py").write_text(buggy, encoding="utf-8")
        (folder / "many_fixes_correct.py").write_text(correct, encoding="utf-8")
    print(f"{args.workers} workers: {buggy.count(chr(10))} lines (buggy), {correct.count(chr(10))} lines (correct)")
    rows: list[tuple[str, str, dict]] = [("correct", correct, {}), ("buggy (json, sarif: edits)", buggy, {})]
    try:
        from qlint.engine import FIX_MARKS, NO_FIXES

        rows += [("buggy (text: marks)", buggy, {"fixes": FIX_MARKS}),
                 ("buggy (flake8: no fixes)", buggy, {"fixes": NO_FIXES, "steps": False})]
    except ImportError:  # an engine from before fixes on demand
        pass
    timed = time_lints(rows, args.repeat)
    for name, (seconds, found) in timed.items():
        print(f"{name:28} {seconds:8.2f} s  {found:4} findings  {seconds / timed['correct'][0]:5.2f}x correct")
    return 0


if __name__ == "__main__":
    sys.exit(main())
