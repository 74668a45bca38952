"""The benchmark suite: the charter's build against plain MkDocs and `git log --raw`, in one run.

    .venv/bin/python bench/run.py --size S,M,L,long --runs 3 --output bench/RESULTS.md

For each size a demo charter is written (`charter demo`) and, in every run, these are timed as whole
processes (wall, user+sys and peak memory of the process and the children it waited for, from
`os.wait4` in the small launcher bench/spawn.py, so no outside tool is needed):

  plain build     `mkdocs build` of the same agreement files with the demo's theme setup and no charter
                  plugin (Material, search, a nav listing only the home page, fonts off): the floor;
  git log --raw   on the same repository: the floor of any history read;
  history read    the core's git read and history stage alone, with no cache, then with what it cached;
  cold build      `mkdocs build` with the charter plugin, no cache and no previous site;
  warm build      the same again, nothing changed;
  charter check   validation of every agreement;
  amended build   a rebuild after one real amending commit (one clause of one agreement, a day later):
                  the build's as-of date moves, so every page that states it is written again;
  same-day build  then a rebuild after a second amendment on that same day: the as-of date stays, so
                  only the pages the amendment changed are written (the cost of each merge but a day's
                  first);
  fresh site      then a build with the cache kept and no site folder, as a CI runner that restores the
                  cache into a fresh checkout builds: nothing is rendered again, every file is written.

Every figure is also given as a ratio to the plain build and to `git log --raw` of the same run (the
median over runs of each run's ratio), so a busy machine moves the seconds more than the ratios.
A failing command stops the run with its stderr; a command killed at `--timeout` is reported as not
finished, and the steps that need it are skipped. Nothing here asserts a time: timings belong to the
machine, and `.ci/run` runs `--size S` only to prove that every step still works.

To see where the time goes, keep the demo (`--work DIR`) and profile one step in it, for example
`python -m pyinstrument -m mkdocs build` (pyinstrument is not a dependency: install it on the side).
"""

from __future__ import annotations

import argparse
import compileall
import datetime as dt
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML

import generator
from generator.demo import theme_files, write_demo

REPO = Path(__file__).resolve().parent.parent

HISTORY_READ = [sys.executable, str(REPO / "bench" / "history_read.py")]  # run in the demo's folder
SPAWN = REPO / "bench" / "spawn.py"
PLAIN, GIT_LOG = "plain build", "git log --raw"
COLD_READ, WARM_READ = "history read, no cache", "history read, warm cache"
COLD, WARM, CHECK, AMENDED = "cold build", "warm build", "charter check", "build after one amendment"
SAME_DAY, FRESH_SITE = "build after a same-day amendment", "build with the cache, no site"
NEEDS = {WARM: COLD, WARM_READ: COLD_READ, AMENDED: COLD, SAME_DAY: COLD, FRESH_SITE: COLD}
"""A step is measured only when this one finished."""


@dataclass(frozen=True)
class Size:
    name: str
    agreements: int
    commits: int
    long: bool = False
    """Agreements of real length (`charter demo --long`): tens of kilobytes, about a hundred clauses."""

    def __str__(self) -> str:
        kind = "long agreements" if self.long else "agreements"
        return f"{self.name}: {self.agreements:,} {kind}, {self.commits:,} commits"


SIZES = {size.name: size for size in (Size("S", 50, 500), Size("M", 500, 5_000), Size("L", 5_000, 50_000),
                                      Size("long", 50, 500, long=True))}


class BenchError(Exception):
    """A measured command failed: the benchmark stops, showing what the command said."""


@dataclass(frozen=True)
class Measurement:
    wall: float
    cpu: float
    """User plus system seconds of the process and every child it waited for."""
    peak: int
    """Peak resident memory in bytes of the largest of those processes."""
    finished: bool = True


def environment() -> dict[str, str]:
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def compile_generator() -> None:
    """The generator's bytecode written before anything is timed, as an installed package's is (and as a
    checkout's is after its first build): where `PYTHONDONTWRITEBYTECODE` is set, an editable install
    would otherwise compile each of its modules in every measured process, which the libraries it is
    measured against never do (about 0.17 s a build on the machine of `bench/RESULTS.md`)."""
    compileall.compile_dir(str(Path(generator.__file__).parent), quiet=1)


def measure(command: Sequence[str], cwd: Path, logs: Path, timeout: float | None) -> Measurement:
    """Run one command through the small launcher, so its peak memory is its own, not this process's."""
    logs.parent.mkdir(parents=True, exist_ok=True)
    figures = Path(f"{logs}.json")
    launcher = [sys.executable, "-S", str(SPAWN), str(figures), str(timeout or 0), *command]
    with open(f"{logs}.out", "wb") as out, open(f"{logs}.err", "wb") as err:
        process = subprocess.Popen(launcher, cwd=cwd, env=environment(), stdout=out, stderr=err,
                                   stdin=subprocess.DEVNULL)
        try:
            process.wait()
        except BaseException:  # interrupted: the launcher stops the command's whole session
            process.terminate()
            process.wait()
            raise
    if process.returncode != 0 or not figures.is_file():
        raise BenchError(f"the launcher of `{' '.join(command)}` failed with {process.returncode}")
    found = json.loads(figures.read_text(encoding="utf-8"))
    if found["code"] != 0 and not found["timed_out"]:
        stderr = Path(f"{logs}.err").read_text(encoding="utf-8", errors="replace").splitlines()
        raise BenchError(f"`{' '.join(command)}` in {cwd} exited with {found['code']}; its stderr ends:\n"
                         + "\n".join(stderr[-40:]))
    return Measurement(found["wall"], found["cpu"], found["peak"], not found["timed_out"])


def plain_project(demo: Path, target: Path) -> None:
    """The demo's own theme setup without the charter plugin, over a copy of its agreement files."""
    yaml = YAML(typ="safe")
    config = yaml.load((demo / "mkdocs.yml").read_text(encoding="utf-8"))
    config["plugins"] = [p for p in config.get("plugins", []) if p != "charter" and "charter" not in p]
    config.update(docs_dir="docs", nav=[{"Home": "index.md"}], site_name="Plain")
    shutil.copytree(demo / "agreements", target / "docs" / "agreements")
    (target / "docs" / "index.md").write_text("# Plain\n", encoding="utf-8")
    custom = config.get("theme", {}).get("custom_dir")
    if custom:
        shutil.copytree(demo / custom, target / custom)
    with open(target / "mkdocs.yml", "w", encoding="utf-8") as file:
        yaml.dump(config, file)


def git(root: Path, *args: str, dated: int | None = None) -> str:
    """Git as a maintainer runs it; `dated` fixes the commit's dates (seconds since the epoch)."""
    env = environment() | ({"GIT_AUTHOR_DATE": f"@{dated} +0000", "GIT_COMMITTER_DATE": f"@{dated} +0000"}
                           if dated is not None else {})
    command = ["git", "-c", "user.name=Bench Maintainer", "-c", "user.email=bench@example.org", *args]
    result = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BenchError(f"`git {' '.join(args)}` in {root} failed:\n{result.stderr}")
    return result.stdout.strip()


def amend(demo: Path, label: str, days: int) -> None:
    """One real amendment: a sentence added to the last clause of the first agreement in force, `days`
    after the last commit (at the same second when 0, so on the same date)."""
    path = next(p for p in sorted((demo / "agreements").rglob("*.md"))
                if "\nstatus: in-force\n" in p.read_text(encoding="utf-8"))
    text = path.read_text(encoding="utf-8").rstrip("\n")
    path.write_text(f"{text} The parties meet again on this clause every year (amendment {label}).\n",
                    encoding="utf-8")
    when = int(git(demo, "log", "-1", "--format=%ct")) + days * 86_400
    git(demo, "commit", "-q", "-a", "-m", f"Amend {path.stem}: yearly meeting on the last clause", dated=when)


def remove(*paths: Path) -> None:
    for path in paths:
        shutil.rmtree(path, ignore_errors=True)


def folder_size(folder: Path) -> tuple[int, int]:
    """Bytes of all files and the number of pages (index.html files) under a folder."""
    files = [p for p in folder.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files), sum(1 for p in files if p.name == "index.html")


@dataclass
class SizeResult:
    size: Size
    written_in: float
    agreement_bytes: int = 0
    site: tuple[int, int] = (0, 0)
    plain_site: tuple[int, int] = (0, 0)
    runs: int = 0

    def __post_init__(self) -> None:
        self.steps: dict[str, list[Measurement]] = {}
        self.references: list[dict[str, Measurement]] = []


def bench_size(size: Size, work: Path, runs: int, timeout: float | None, say: Callable[[str], None],
               ran: Callable[[SizeResult], None]) -> SizeResult:
    """Every step of every run for one size; `ran` is told after each run, so a long run reports as it goes."""
    demo, plain, logs = work / size.name / "demo", work / size.name / "plain", work / size.name / "logs"
    remove(work / size.name)
    start = time.perf_counter()
    write_demo(demo, agreements=size.agreements, commits=size.commits, long=size.long,
               theme_files=theme_files(REPO / "site_overrides"))
    result = SizeResult(size, time.perf_counter() - start)
    result.agreement_bytes = sum(p.stat().st_size for p in (demo / "agreements").rglob("*.md"))
    plain_project(demo, plain)
    say(f"{size}: demo written in {result.written_in:.0f} s")
    python, mkdocs = sys.executable, [sys.executable, "-m", "mkdocs", "build"]
    not_finished: set[str] = set()
    for run in range(1, runs + 1):
        measured: dict[str, Measurement] = {}

        def step(name: str, command: Sequence[str], cwd: Path, before: Callable[[], None] = lambda: None) -> None:
            if name in not_finished or NEEDS.get(name) in not_finished:
                return
            before()
            measured[name] = found = measure(command, cwd, logs / f"{run}-{name.replace(' ', '-')}", timeout)
            result.steps.setdefault(name, []).append(found)
            if not found.finished:
                not_finished.add(name)
            say(f"  run {run}: {name:<32} {found.wall:8.1f} s wall {found.cpu:8.1f} s cpu "
                f"{found.peak / 2**20:7.0f} MiB{'' if found.finished else f'  (killed at {timeout:.0f} s)'}")

        step(PLAIN, mkdocs, plain, lambda: remove(plain / "site"))
        step(GIT_LOG, ["git", "log", "--raw"], demo)
        step(COLD_READ, HISTORY_READ, demo, lambda: remove(demo / ".cache"))
        step(WARM_READ, HISTORY_READ, demo)  # the read above cached what it parsed
        step(COLD, mkdocs, demo, lambda: remove(demo / ".cache", demo / "site"))
        if run == 1 and COLD not in not_finished:
            result.site, result.plain_site = folder_size(demo / "site"), folder_size(plain / "site")
        step(WARM, mkdocs, demo)
        step(CHECK, [python, "-m", "generator.cli", "check"], demo)
        if COLD not in not_finished:
            step(AMENDED, mkdocs, demo, lambda: amend(demo, str(run), days=1))
            step(SAME_DAY, mkdocs, demo, lambda: amend(demo, f"{run}, later that day", days=0))
            step(FRESH_SITE, mkdocs, demo, lambda: remove(demo / "site"))
        result.references.append(measured)
        result.runs = run
        ran(result)
    return result


def ratio(result: SizeResult, step: str, reference: str, field: str) -> str:
    """The median over runs of this step's figure divided by the reference's of the same run."""
    pairs = [(m[step], m[reference]) for m in result.references if step in m and reference in m]
    values = [getattr(ours, field) / getattr(theirs, field) for ours, theirs in pairs if getattr(theirs, field)]
    if not values:
        return "—"
    bound = "> " if not all(ours.finished for ours, _ in pairs) else ""
    return f"{bound}{statistics.median(values):.2f}×"


def row(result: SizeResult, step: str, timeout: float | None) -> str:
    found = result.steps.get(step)
    if not found:
        needed = NEEDS.get(step, step)
        return f"| {step} | not run: {needed} did not finish in {timeout:.0f} s |" + " |" * 9
    bound = "" if all(m.finished for m in found) else "> "
    figures = [f"{bound}{statistics.median(m.wall for m in found):.2f}",
               f"{bound}{statistics.median(m.cpu for m in found):.2f}",
               f"{bound}{statistics.median(m.peak for m in found) / 2**20:.0f}"]
    ratios = [ratio(result, step, reference, field) for reference in (PLAIN, GIT_LOG)
              for field in ("wall", "cpu", "peak")]
    note = "" if bound == "" else f" (did not finish in {timeout:.0f} s)"
    return f"| {step}{note} | {len(found)} | " + " | ".join(figures + ratios) + " |"


def megabytes(count: int) -> str:
    return f"{count / 1e6:,.1f} MB"


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown")
    memory = next((int(line.split()[1]) * 1024 for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal:")), 0)
    return (f"{os.cpu_count()} cores ({cpu}), {memory / 2**30:.1f} GiB memory, {platform.system()} "
            f"{platform.release()}, Python {platform.python_version()}")


def measured_commit() -> str:
    head = git(REPO, "log", "-1", "--format=%H (%s)")
    changed = [line for line in git(REPO, "status", "--porcelain").splitlines() if "bench/RESULTS.md" not in line]
    return head + (", with uncommitted changes" if changed else "")


def report(results: Sequence[SizeResult], header: Sequence[str], timeout: float | None) -> str:
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    lines = [*header, f"- Load average when this size ended: {load}.", ""]
    for result in results:
        pages, plain_pages = result.site[1], result.plain_site[1]
        site = (f"site {megabytes(result.site[0])} in {pages:,} pages, {result.site[0] / max(result.plain_site[0], 1):.1f}× "
                f"the plain site's {megabytes(result.plain_site[0])} in {plain_pages:,} pages"
                if pages else "site: not measured (the cold build did not finish)")
        lines += [f"## {result.size}", "",
                  f"Demo written in {result.written_in:.0f} s; agreement files {megabytes(result.agreement_bytes)}; "
                  f"{site}; {result.runs} run(s).", "",
                  "| step | runs | wall s | user+sys s | peak MiB | wall × plain | cpu × plain | peak × plain "
                  "| wall × git log | cpu × git log | peak × git log |",
                  "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
                  *(row(result, step, timeout) for step in (PLAIN, GIT_LOG, COLD_READ, WARM_READ, COLD, WARM,
                                                             AMENDED, SAME_DAY, FRESH_SITE, CHECK)), ""]
    return "\n".join(lines)


def sizes(values: Sequence[str]) -> list[Size]:
    names = [name.strip() for value in values for name in value.split(",") if name.strip()]
    unknown = [name for name in names if name not in SIZES]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown size {', '.join(unknown)}; choose from {', '.join(SIZES)}")
    return [SIZES[name] for name in dict.fromkeys(names)]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", action="append", default=[], metavar="|".join(SIZES),
                        help="a size or a comma list, repeatable (default: all); " +
                        "; ".join(str(size) for size in SIZES.values()))
    parser.add_argument("--runs", type=int, default=3, help="runs per size; medians are reported (default: 3)")
    parser.add_argument("--output", type=Path, default=REPO / "bench" / "RESULTS.md", help="the report to write")
    parser.add_argument("--timeout", type=float, default=0, metavar="SECONDS",
                        help="kill a step after this long and report it as not finished (default: no limit)")
    parser.add_argument("--work", type=Path, default=None,
                        help="keep the demos, sites and logs here (default: a temporary folder, removed)")
    args = parser.parse_args(argv)
    try:
        chosen = sizes(args.size or list(SIZES))
    except argparse.ArgumentTypeError as error:
        parser.error(str(error))
    timeout = args.timeout or None
    started, load = dt.datetime.now(dt.UTC), os.getloadavg()
    header = [
        "# Benchmark results", "",
        f"Written by `python bench/run.py --size {','.join(size.name for size in chosen)} --runs {args.runs}"
        f"{f' --timeout {timeout:.0f}' if timeout else ''}`, started "
        f"{started:%Y-%m-%d %H:%M} UTC.", "",
        f"- Commit measured: {measured_commit()}",
        f"- Machine: {machine()}",
        f"- Load average when it started: {' / '.join(f'{x:.2f}' for x in load)} (1 / 5 / 15 minutes); "
        "other work on the machine moves the seconds, so read the ratios, measured side by side in each run.",
        "- Whole processes: wall time, user+sys time and peak resident memory from `os.wait4` (children included; "
        "the peak is of the largest single process).",
        "- Ratios are medians over runs of each run's figure against the plain build and `git log --raw` of the "
        "same run; \"> \" marks a step killed at the time limit.",
        "- The generator's bytecode is compiled before the first run, as an installed package's is.",
    ]
    results: list[SizeResult] = []
    written: list[SizeResult] = []

    def write(current: SizeResult) -> None:  # after every run: what was measured stays if a later step fails
        args.output.write_text(report([*results, current], header, timeout), encoding="utf-8")
        written.append(current)

    signal.signal(signal.SIGTERM, interrupt)
    compile_generator()
    with tempfile.TemporaryDirectory(prefix="charter-bench-") as scratch:
        work = args.work.resolve() if args.work else Path(scratch)
        for size in chosen:
            try:
                results.append(bench_size(size, work, args.runs, timeout, lambda line: print(line, flush=True), write))
            except BenchError as error:
                print(f"bench: {size.name}: {error}", file=sys.stderr)
                return 1
            except KeyboardInterrupt:
                kept = f"; {args.output} holds the runs that finished" if written else ""
                print(f"bench: interrupted{kept}", file=sys.stderr)
                return 130
    print(f"wrote {args.output}")
    return 0


def interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    sys.exit(main())
