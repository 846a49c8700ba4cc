#!/usr/bin/env python3
"""Run dptz's Google Benchmark executables and print ratio tables.

Benchmarks are named "<table>/<path>/<n>"; the baseline path of a table sets the label "baseline".
For every table and n the script prints each path's median time and its ratio to the baseline
(ratio < 1: faster than the baseline). Thread settings are pinned by the caller's environment
(OMP_NUM_THREADS, OPENBLAS_NUM_THREADS) and printed with the table.

usage: bench_table.py [--build DIR] [--bench NAME ...] [--filter REGEX] [--repetitions K] [--min-time S]
                      [--markdown FILE]
"""
import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from collections import OrderedDict


def run(exe, args):
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
        out = f.name
    cmd = [exe, f"--benchmark_out={out}", "--benchmark_out_format=json",
           f"--benchmark_repetitions={args.repetitions}", "--benchmark_report_aggregates_only=true",
           f"--benchmark_min_time={args.min_time}"]
    if args.filter:
        cmd.append(f"--benchmark_filter={args.filter}")
    print("+", " ".join(cmd), file=sys.stderr, flush=True)
    rc = subprocess.run(cmd, stdout=subprocess.DEVNULL).returncode
    try:
        with open(out) as f:
            data = json.load(f)
    except (OSError, ValueError):
        data = {}
    finally:
        if os.path.exists(out):
            os.unlink(out)
    if rc != 0 and not data.get("benchmarks"):
        print(f"  ({os.path.basename(exe)}: no benchmark matched or it failed, exit {rc})", file=sys.stderr)
    return data


def fmt_time(seconds):
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6), ("ns", 1e-9)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build", default=os.path.join(here, "..", "build", "bench"))
    p.add_argument("--bench", nargs="*", help="executables in BUILD/bench (default: all bench_*)")
    p.add_argument("--filter", default="")
    p.add_argument("--repetitions", type=int, default=3)
    p.add_argument("--min-time", default="0.05")
    p.add_argument("--markdown", help="also write the tables to this file")
    args = p.parse_args()

    bench_dir = os.path.join(args.build, "bench")
    names = args.bench or sorted(n for n in os.listdir(bench_dir)
                                 if n.startswith("bench_") and os.access(os.path.join(bench_dir, n), os.X_OK))
    tables = OrderedDict()  # table -> n -> path -> (seconds, is_baseline)
    context = None
    for name in names:
        data = run(os.path.join(bench_dir, name), args)
        context = context or data.get("context", {})
        for b in data.get("benchmarks", []):
            if b.get("aggregate_name", "median") != "median":
                continue
            parts = [x for x in b["run_name"].split("/")
                     if x not in ("real_time", "process_time", "manual_time") and ":" not in x]
            if len(parts) < 3:
                continue
            # "<table>/<path>/<n>"; a repeated trailing argument ("<n>/<n>", from ->Arg) counts once.
            table, path, rest = parts[0], parts[1], parts[2:]
            n = rest[0] if len(set(rest)) == 1 else "/".join(rest)
            unit = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[b.get("time_unit", "ns")]
            seconds = b["real_time"] * unit
            per_item = b.get("items_per_second")
            tables.setdefault(table, OrderedDict()).setdefault(n, OrderedDict())[path] = (
                seconds, "baseline" in b.get("label", ""), per_item, b.get("speedup"))

    lines = []
    ctx = context or {}
    lines.append(f"machine: {platform.machine()} {ctx.get('num_cpus', '?')} cpus @ {ctx.get('mhz_per_cpu', '?')} MHz, "
                 f"{platform.system()} {platform.release()}; threads: OMP_NUM_THREADS={ctx.get('OMP_NUM_THREADS')}, "
                 f"OPENBLAS_NUM_THREADS={ctx.get('OPENBLAS_NUM_THREADS')}; medians of {args.repetitions} repetitions")
    for table, rows in tables.items():
        paths = []
        for r in rows.values():
            for path in r:
                if path not in paths:
                    paths.append(path)
        lines.append("")
        lines.append(f"### {table} (time, and ratio to the baseline)")
        lines.append("")
        lines.append("| n | " + " | ".join(paths) + " |")
        lines.append("|---|" + "---|" * len(paths))
        for n, r in rows.items():
            base = next((s for s, is_base, _, _ in r.values() if is_base), None)
            cells = []
            for path in paths:
                if path not in r:
                    cells.append("")
                    continue
                s, is_base, _, speedup = r[path]
                cell = fmt_time(s)
                if base:
                    cell += " (baseline)" if is_base else f" ({s / base:.3g}x)"
                if speedup is not None:  # paired 1-thread / 2-thread benchmarks (bench_small.cpp)
                    cell += f" [{speedup:.3g}x of 1 thread]"
                cells.append(cell)
            lines.append(f"| {n} | " + " | ".join(cells) + " |")
    text = "\n".join(lines)
    print(text)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    main()
