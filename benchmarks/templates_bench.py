#!/usr/bin/env python3
"""Template mining benchmark: analyzer's TemplateMiner vs Drain3, side by side.

Accuracy: the 16 Loghub-2k datasets (corrected labels). Each line's Content field is cut out
with the dataset's published `log_format`; our miner runs with ONE configuration (the
defaults) on all of them; Drain3 gets its published per-dataset settings (similarity
threshold, depth, masks) and, for reference, its defaults ("untuned"). Scored with
loghub_score.py: GA (grouping accuracy) and PA (parsing accuracy; our typed placeholders are
written as `<*>`).

Throughput and memory: 1M-line inputs built from the 16 datasets' contents, verbatim
(`repeated`) and with every digit run redrawn at random (`redrawn`, fixed seed); each engine
runs in its own process, timed without the input generation, peak RSS from getrusage.

Drain3 is needed here only (`pip install -e '.[bench]'`); analyzer never imports it.

    python benchmarks/templates_bench.py [--bench DIR] [--lines 1000000] [--out FILE.md]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import multiprocessing
import platform
import random
import re
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analyzer.mining import MinerParams, TemplateMiner  # noqa: E402

DEFAULT_BENCH = ROOT.parent / "shared" / "benchmarks"
PLACEHOLDER = re.compile(r"<(?:\*|num|id|hex|ip|uuid|ts|url|path|email|str)>")


def load_scorer(bench_root: Path):
    spec = importlib.util.spec_from_file_location("loghub_score", bench_root / "loghub_score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def format_regex(log_format: str) -> re.Pattern[str]:
    """logparser's rule: <Field> is a lazy group, runs of spaces match \\s+, anchored."""
    pattern = ""
    for index, part in enumerate(re.split(r"(<[^<>]+>)", log_format)):
        if index % 2 == 0:
            pattern += re.sub(" +", r"\\s+", part)
        else:
            pattern += f"(?P<{part.strip('<>')}>.*?)"
    return re.compile("^" + pattern + "$")


def load_contents(data_dir: Path, setting: dict) -> list[str]:
    regex = format_regex(setting["log_format"])
    contents = []
    with open(data_dir / setting["log_file"], encoding="utf-8", errors="replace") as handle:
        for line in handle:
            line = line.rstrip("\r\n").strip()
            found = regex.match(line)
            contents.append(found.group("Content") if found else line)
    return contents


def run_ours(contents: list[str]) -> tuple[list[str], list[str]]:
    miner = TemplateMiner(MinerParams())
    clusters = [c for c in miner.add_many(contents)]
    finals = [c.final() for c in clusters]
    return [str(c.serial) for c in finals], [PLACEHOLDER.sub("<*>", c.template) for c in finals]


def drain3_miner(setting: dict | None):
    from drain3 import TemplateMiner as Drain3Miner
    from drain3.masking import MaskingInstruction
    from drain3.template_miner_config import TemplateMinerConfig

    config = TemplateMinerConfig()
    config.profiling_enabled = False
    if setting is not None:
        config.drain_sim_th = setting["st"]
        config.drain_depth = setting["depth"]
        config.drain_max_children = 100
        config.mask_prefix, config.mask_suffix = "<", ">"
        config.masking_instructions = [MaskingInstruction(r, "*") for r in setting["regex"]]
    return Drain3Miner(config=config)


# Drain3's defaults plus the masks of its own example config (drain3.ini in its repository):
# how a user runs it on a mixed log. Without masks every redrawn number splits its clusters
# and it slows to a crawl, which would flatter us.
DRAIN3_EXAMPLE_MASKS = {
    "st": 0.4, "depth": 4,
    "regex": [
        r"((?<=[^A-Za-z0-9])|^)(([0-9a-f]{2,}:){3,}([0-9a-f]{2,}))((?=[^A-Za-z0-9])|$)",
        r"((?<=[^A-Za-z0-9])|^)(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})((?=[^A-Za-z0-9])|$)",
        r"((?<=[^A-Za-z0-9])|^)([0-9a-f]{6,} ?){3,}((?=[^A-Za-z0-9])|$)",
        r"((?<=[^A-Za-z0-9])|^)([0-9A-F]{4} ?){4,}((?=[^A-Za-z0-9])|$)",
        r"((?<=[^A-Za-z0-9])|^)(0x[a-f0-9A-F]+)((?=[^A-Za-z0-9])|$)",
        r"((?<=[^A-Za-z0-9])|^)([\-\+]?\d+)((?=[^A-Za-z0-9])|$)",
    ],
}


def run_drain3(contents: list[str], setting: dict | None) -> tuple[list[str], list[str]]:
    miner = drain3_miner(setting)
    ids = [miner.add_log_message(line)["cluster_id"] for line in contents]
    templates = {c.cluster_id: c.get_template() for c in miner.drain.clusters}
    return [str(i) for i in ids], [templates[i] for i in ids]


def accuracy(scorer, data_dir: Path, settings: dict, engines: dict) -> dict[str, dict]:
    results: dict[str, dict] = {name: {} for name in engines}
    for dataset in scorer.DATASETS:
        setting = settings[dataset]
        contents = load_contents(data_dir, setting)
        truth = scorer.load_truth(str(data_dir), dataset, "corrected", "EventTemplate")
        for name, engine in engines.items():
            groups, templates = engine(contents, setting)
            preds = {i + 1: (g, t) for i, (g, t) in enumerate(zip(groups, templates,
                                                                   strict=True))}
            results[name][dataset] = scorer.score(truth, preds)
    return results


INPUTS = ("hdfs", "repeated", "redrawn")


def synthetic_input(data_dir: Path, settings: dict, lines: int, kind: str,
                    seed: int = 7) -> list[str]:
    """The 32,000 Loghub contents over and over: verbatim (`repeated`), or with every digit
    run redrawn at random (`redrawn`: high-cardinality values, as in production logs); `hdfs`:
    one system's log, HDFS's 2,000 contents with digits redrawn."""
    chosen = [settings["HDFS"]] if kind == "hdfs" else list(settings.values())
    base = [c for s in chosen for c in load_contents(data_dir, s)]
    rng = random.Random(seed)
    out: list[str] = []
    while len(out) < lines:
        if kind != "repeated":
            out.extend(_redraw(text, rng) for text in base)
        else:
            out.extend(base)
    return out[:lines]


_DIGIT_RUN = re.compile(r"\d+")


def _redraw(text: str, rng: random.Random) -> str:
    """The text with every run of digits replaced by a random run of the same length."""
    return _DIGIT_RUN.sub(lambda m: str(rng.randrange(10 ** len(m.group())))
                          .zfill(len(m.group())), text)


def _throughput_child(engine: str, kind: str, data_dir: str, settings: dict, lines: int,
                      queue) -> None:
    contents = synthetic_input(Path(data_dir), settings, lines, kind)
    start = time.perf_counter()
    if engine.startswith("analyzer"):
        miner = TemplateMiner(MinerParams(track_values=engine == "analyzer+values"))
        step = 200_000
        for at in range(0, len(contents), step):
            miner.add_many(contents[at: at + step])
        clusters = len(miner.clusters())
    else:
        miner = drain3_miner(settings["HDFS"] if kind == "hdfs" else DRAIN3_EXAMPLE_MASKS)
        for line in contents:
            miner.add_log_message(line)
        clusters = len(miner.drain.clusters)
    elapsed = time.perf_counter() - start
    megabytes = sum(len(c.encode()) + 1 for c in contents) / 1e6
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put({"engine": engine, "input": kind, "lines": len(contents), "seconds": elapsed,
               "lines_per_s": len(contents) / elapsed, "mb_per_s": megabytes / elapsed,
               "peak_rss_mb": rss, "clusters": clusters})


def throughput(engine: str, kind: str, data_dir: Path, settings: dict, lines: int) -> dict:
    # spawn, not fork: a forked child of a process whose polars thread pool is running
    # deadlocks
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    child = context.Process(target=_throughput_child,
                            args=(engine, kind, str(data_dir), settings, lines, queue))
    child.start()
    result = queue.get()
    child.join()
    return result


def markdown(results: dict, speed: list[dict], lines: int) -> str:
    names = list(results)
    out = ["# Template mining: analyzer vs Drain3 on Loghub-2k (corrected labels)", "",
           "Produced by `python benchmarks/templates_bench.py`. analyzer: ONE configuration "
           "(the defaults) for all 16 datasets; Drain3 tuned: the published per-dataset "
           "settings (st, depth, masks); Drain3 untuned: its defaults.", "",
           "| dataset | " + " | ".join(f"{n} GA | {n} PA" for n in names) + " |",
           "|---|" + "---|---|" * len(names)]
    for dataset in next(iter(results.values())):
        cells = [f"{results[n][dataset]['GA']:.3f} | {results[n][dataset]['PA']:.3f}"
                 for n in names]
        out.append(f"| {dataset} | " + " | ".join(cells) + " |")
    averages = []
    for n in names:
        ga = sum(r["GA"] for r in results[n].values()) / len(results[n])
        pa = sum(r["PA"] for r in results[n].values()) / len(results[n])
        averages.append(f"**{ga:.3f}** | {pa:.3f}")
    out.append("| **average** | " + " | ".join(averages) + " |")
    if speed:
        out += ["", f"## Throughput and memory ({lines:,} lines)", "",
                "Inputs: `hdfs` = HDFS's 2,000 contents over and over with every digit run "
                "redrawn at random (one system's log; Drain3 with HDFS's published settings); "
                "`repeated` = the 32,000 contents of all 16 datasets verbatim over and over; "
                "`redrawn` = the same with digits redrawn (values of high cardinality, as in "
                "production); on these two mixed inputs Drain3 runs its defaults plus the masks "
                "of its example drain3.ini, and its many clusters slow it down. `analyzer`: its "
                "defaults but `track_values=False` (templates and counts: Drain3's job); "
                "`analyzer+values`: the defaults (also counts each variable's values, as "
                "`analyzer templates` does).", "",
                f"Machine: {platform.machine()}, Python {platform.python_version()}, 2 cores "
                "shared with other jobs; each engine in its own process, input generation not "
                "timed.", "",
                "| input | engine | seconds | lines/s | MB/s | peak RSS (MB) | clusters |",
                "|---|---|---|---|---|---|---|"]
        for row in speed:
            out.append(f"| {row['input']} | {row['engine']} | {row['seconds']:.2f} | "
                       f"{row['lines_per_s']:,.0f} | {row['mb_per_s']:.1f} | "
                       f"{row['peak_rss_mb']:.0f} | {row['clusters']:,} |")
        for kind in INPUTS:
            rate = {r["engine"]: r["lines_per_s"] for r in speed if r["input"] == kind}
            if "drain3" in rate:
                out.append(f"\nSpeed-up on `{kind}`: **{rate['analyzer'] / rate['drain3']:.1f}×**"
                           f" Drain3 ({rate['analyzer+values'] / rate['drain3']:.1f}× with value "
                           "counts).")
    return "\n".join(out) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bench", type=Path, default=DEFAULT_BENCH,
                        help="folder holding loghub_score.py and loghub-2k/")
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, help="write the markdown table here")
    parser.add_argument("--no-drain3", action="store_true", help="score analyzer only")
    parser.add_argument("--no-speed", action="store_true", help="skip the throughput run")
    args = parser.parse_args()

    scorer = load_scorer(args.bench)
    data_dir = args.bench / "loghub-2k"
    settings = json.loads((data_dir / "settings.json").read_text())["datasets"]
    engines = {"analyzer": lambda contents, _setting: run_ours(contents)}
    if not args.no_drain3:
        engines["Drain3 tuned"] = run_drain3
        engines["Drain3 untuned"] = lambda contents, _setting: run_drain3(contents, None)
    results = accuracy(scorer, data_dir, settings, engines)
    speed = []
    for kind in [] if args.no_speed else INPUTS:
        speed.append(throughput("analyzer", kind, data_dir, settings, args.lines))
        speed.append(throughput("analyzer+values", kind, data_dir, settings, args.lines))
        if not args.no_drain3:
            speed.append(throughput("drain3", kind, data_dir, settings, args.lines))
    text = markdown(results, speed, args.lines)
    print(text)
    if args.out:
        args.out.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
