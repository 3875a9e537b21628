"""Speed of qlint beside ruff and flake8, measured in one run on the same files.

    python bench/run.py [FOLDER] [--repeat N] [--flake8-repeat N] [--skip-flake8]

FOLDER defaults to the standard library of the running Python (site-packages
excluded, as in the figures of the speed issue). Prints wall time (best of N), the
ratio to ruff, and peak memory: the largest sum of the resident sizes of the command's
processes (it and all its descendants, shared pages counted in each), sampled every
10 ms from /proc (Linux), over the N runs. qlint runs cold (`--no-cache`), paired with
`--isolated-modules` (no whole-project index), and warm (a cache filled by one run
before, in a temporary folder); then on one edited file of a copy of FOLDER whose cache
is warm (what pre-commit pays). Then how many files qlint
reads, parses with CPython and parses with LibCST: counted in one more, untimed, run of
qlint's command line (`--no-cache --jobs 1`) whose file reads and parser calls are
counted. flake8 runs in two throwaway venvs, one without qlint and one
with it, made on first use under bench/.venvs (needs the package index).
This is a tool to run by hand: a benchmark, never a timed test.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENVS = Path(__file__).resolve().parent / ".venvs"


SAMPLE_SECONDS = 0.01


def _children(pid: int) -> list[int]:
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                found.extend(int(child) for child in handle.read().split())
    except OSError:  # gone already
        pass
    return found


def _resident_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_resident_kib(pid: int) -> int:
    """The resident sizes of `pid` and all its descendants, added up (KiB)."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        total += _resident_kib(current)
        pending.extend(_children(current))
    return total


def measure(command: list[str], repeat: int, cwd: str | None = None) -> tuple[float, float]:
    """(best wall seconds over `repeat` runs, peak MiB of the process tree over all runs)."""
    best, peak = float("inf"), 0
    for _ in range(repeat):
        start = time.perf_counter()
        with subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=cwd) as process:
            while process.poll() is None:
                peak = max(peak, tree_resident_kib(process.pid))
                time.sleep(SAMPLE_SECONDS)
        best = min(best, time.perf_counter() - start)
    return best, peak / 1024


def flake8_venv(name: str, with_qlint: bool) -> Path:
    """A venv with flake8 (made once), and with this checkout's qlint (reinstalled every run)."""
    folder = VENVS / name
    python = folder / "bin" / "python"
    if not python.exists():
        venv.create(folder, with_pip=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "flake8"], check=True)
    if with_qlint:
        subprocess.run([str(python), "-m", "pip", "install", "-q", "--force-reinstall", "--no-deps", str(ROOT)],
                       check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", str(ROOT)], check=True)  # its dependencies
    return python


# Runs qlint's command line once, counting the files it reads and the engine's calls to
# CPython's and LibCST's parsers (one per file that gets that far), and prints them.
_COUNTED_RUN = """
import ast, contextlib, io, sys
import libcst
from qlint import runner
from qlint.cli import main
counts = dict(read=0, cpython=0, libcst=0)
def counted(name, function):
    def call(*args, **kwargs):
        if name == "read" or sys._getframe(1).f_globals.get("__name__") in ("qlint.engine", "qlint.screen"):
            counts[name] += 1
        return function(*args, **kwargs)
    return call
runner.read_source = counted("read", runner.read_source)
ast.parse = counted("cpython", ast.parse)
libcst.parse_module = counted("libcst", libcst.parse_module)
with contextlib.redirect_stdout(io.StringIO()):
    main(sys.argv[1:] + ["--no-cache", "--jobs", "1", "--exit-zero"])
print(counts["read"], counts["cpython"], counts["libcst"])
"""


def file_counts(folder: str, exclude: list[str]) -> tuple[int, int, int]:
    """(files qlint read, files it parsed with CPython, files it parsed with LibCST), counted
    in a real run of qlint's command line on `folder`."""
    excluding = [f"--extend-exclude={','.join(exclude)}"] if exclude else []
    done = subprocess.run([sys.executable, "-c", _COUNTED_RUN, *excluding, folder],
                          capture_output=True, text=True, check=True, cwd=ROOT)
    read, parsed, analysed = (int(n) for n in done.stdout.split())
    return read, parsed, analysed


def one_changed_file(qlint: list[str], folder: str, exclude: list[str], repeat: int) -> dict[str, tuple[float, float]]:
    """What pre-commit pays: a copy of `folder` linted once (the cache filled), then one file
    of it edited and linted alone, `repeat` times (best kept), paired with the same with
    `--isolated-modules`: `queue.py` if there is one."""
    with tempfile.TemporaryDirectory(prefix="qlint-bench-copy-") as scratch:
        copy = os.path.join(scratch, "tree")
        shutil.copytree(folder, copy, ignore=shutil.ignore_patterns(*exclude, "__pycache__"), symlinks=True)
        excluding = [f"--extend-exclude={','.join(exclude)}"] if exclude else []
        cache = os.path.join(scratch, "cache")
        subprocess.run([*qlint, "--cache-dir", cache, "--exit-zero", *excluding, copy],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        target = os.path.join(copy, "queue.py")
        if not os.path.isfile(target):
            target = next(str(p) for p in sorted(Path(copy).rglob("*.py")))
        subprocess.run([*qlint, "--cache-dir", cache, "--exit-zero", "--isolated-modules", *excluding, copy],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        best = {"": (float("inf"), 0.0), " --isolated-modules": (float("inf"), 0.0)}
        for n in range(repeat):
            for flag in best:
                with open(target, "a", encoding="utf-8") as handle:
                    handle.write(f"\n# edited by the benchmark ({n}{flag})\n")
                seconds, used = measure([*qlint, "--cache-dir", cache, "--exit-zero", *flag.split(), *excluding, target], 1)
                best[flag] = (min(best[flag][0], seconds), max(best[flag][1], used))
        return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default=sysconfig.get_paths()["stdlib"])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-flake8", action="store_true")
    parser.add_argument("--flake8-repeat", type=int, default=2, help="alternating runs of each flake8 (best is kept)")
    args = parser.parse_args()
    exclude = ["site-packages"] if args.folder == sysconfig.get_paths()["stdlib"] else []
    bin_dir = Path(sys.executable).parent
    qlint = [str(bin_dir / "qlint")] if (bin_dir / "qlint").exists() else [sys.executable, "-m", "qlint"]
    ruff = shutil.which("ruff", path=str(bin_dir)) or shutil.which("ruff")
    excluding = [f"--extend-exclude={','.join(exclude)}"] if exclude else []

    rows: list[tuple[str, float, float]] = []
    if ruff:
        rows.append(("ruff check --select ALL (concise)", *measure(
            [ruff, "check", "--select", "ALL", "--no-cache", "--output-format", "concise", "--exit-zero",
             *excluding, args.folder], args.repeat)))
    with tempfile.TemporaryDirectory(prefix="qlint-bench-cache-") as cache:
        # Paired: the whole-project run and --isolated-modules alternate.
        cold = {"qlint --no-cache (cold)": [*qlint, "--no-cache", "--exit-zero", *excluding, args.folder],
                "qlint --no-cache --isolated-modules": [
                    *qlint, "--no-cache", "--isolated-modules", "--exit-zero", *excluding, args.folder]}
        best = {name: (float("inf"), 0.0) for name in cold}
        for _ in range(args.repeat):
            for name, command in cold.items():
                seconds, peak = measure(command, 1)
                best[name] = (min(best[name][0], seconds), max(best[name][1], peak))
        rows.extend((name, *best[name]) for name in cold)
        warm = [*qlint, "--cache-dir", cache, "--exit-zero", *excluding, args.folder]
        subprocess.run(warm, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fills the cache
        rows.append(("qlint (warm: every file cached)", *measure(warm, args.repeat)))
    for flag, (seconds, peak) in one_changed_file(qlint, args.folder, exclude, args.repeat).items():
        rows.append((f"qlint one changed file (warm){flag}", seconds, peak))
    if not args.skip_flake8:
        # Paired: the two flake8 runs alternate, so a busy spell on a shared machine hits both.
        pythons = {name: flake8_venv(name, with_qlint) for name, with_qlint in (("flake8", False), ("flake8+qlint", True))}
        best = {name: (float("inf"), 0.0) for name in pythons}
        for _ in range(args.flake8_repeat):
            for name, python in pythons.items():
                flake8 = str(python.parent / "flake8")
                # From a neutral folder: run from this repository, flake8 would find qlint's
                # egg-info on sys.path and load the plugin in the venv meant to be without it.
                seconds, peak = measure([flake8, "--isolated", "--jobs", "2", "--exit-zero", *excluding, args.folder],
                                        1, cwd="/")
                best[name] = (min(best[name][0], seconds), max(best[name][1], peak))
        rows.extend((f"{name} --jobs 2", *best[name]) for name in pythons)

    read, parsed, analysed = file_counts(args.folder, exclude)
    print(f"folder: {args.folder} (excluding {exclude or 'nothing'}); cores: {os.cpu_count()}")
    print(f"counted in one qlint run (--no-cache --jobs 1): it read {read} files; {read - parsed} were skipped on "
          f"their text alone; CPython parsed {parsed}; the prefilter on its tree sent {analysed} to LibCST")
    base = rows[0][1] if ruff else None
    print("peak MiB: the largest sum of resident sizes over a command's process tree, sampled every 10 ms")
    print(f"{'command':40} {'wall s':>8} {'x ruff':>8} {'peak MiB':>9}")
    for name, seconds, peak in rows:
        ratio = f"{seconds / base:8.2f}" if base else "       -"
        print(f"{name:40} {seconds:8.2f} {ratio} {peak:9.0f}")
    times = {name: seconds for name, seconds, _ in rows}
    print(f"whole project / --isolated-modules (cold): "
          f"{times['qlint --no-cache (cold)'] / times['qlint --no-cache --isolated-modules']:.2f}")
    flake8_rows = {name: seconds for name, seconds, _ in rows if name.startswith("flake8")}
    if len(flake8_rows) == 2:
        ratio = flake8_rows["flake8+qlint --jobs 2"] / flake8_rows["flake8 --jobs 2"]
        print(f"flake8 with qlint / without: {ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
