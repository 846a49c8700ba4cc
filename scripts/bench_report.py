#!/usr/bin/python3
"""Run dptz's benchmarks and write docs/benchmarks.md with its tables and the plots under docs/img/.

Every benchmark is named "<table>/<path>/<n>"; the path the others of its table are compared with sets the label
"baseline" (bench/bench_common.hpp). The script runs the bench/ executables of a Release build with Google
Benchmark's JSON output, takes the median of the repetitions, and writes one markdown table per benchmark table
(time of each path and its ratio to the baseline) and five PNG plots (matplotlib). A table the report needs and
does not find is an error: the script stops and names it.

usage: bench_report.py [--build DIR] [--full] [--repetitions K] [--out FILE] [--img DIR] [--reuse]

Default: a quick subset (a few minutes on two cores). --full runs every size of every table. The raw JSON of each
executable is kept in BUILD/bench-json/; --reuse writes the report and plots from it without running anything.
Thread counts: OMP_NUM_THREADS and OPENBLAS_NUM_THREADS default to 1 (set them to override); both are printed.
"""
import argparse
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
import textwrap
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# (executable, quick filter, full filter, fixed repetitions or None). The quick filters keep the small sizes.
SUITES = [
    ("bench_foundation", r"^dense_(double|complex)/[^/]+/(8|32|128)(/|$)", r"^dense_", None),
    ("bench_identity_solver", r"^(one_row_(double|complex)/[^/]+/(256|512|1000)|all_rows_threads/[^/]+/128)(/|$)",
     r".", None),
    ("bench_updates", r"^updates_[a-z_]+/[^/]+/(250|500|1000|2000)(/|$)", r".", None),
    ("bench_small", r".", r".", None),
    ("bench_quadrature", r"^(gauss_[a-z]+|tridiag_row)/[^/]+/(100|1000)(/|$)", r".", None),
    ("bench_accuracy", r".", r".", 1),
]


def fail(message):
    print(f"bench_report: {message}", file=sys.stderr)
    sys.exit(1)


# ---- running ------------------------------------------------------------------------------------------------------

def run_suite(exe, filt, repetitions, min_time):
    if not os.access(exe, os.X_OK):
        fail(f"{exe} is missing: build the benchmarks first (cmake -DDPTZ_BUILD_BENCHMARKS=ON)")
    fd, out = tempfile.mkstemp(suffix=".json")
    os.close(fd)
    cmd = [exe, f"--benchmark_filter={filt}", f"--benchmark_out={out}", "--benchmark_out_format=json",
           f"--benchmark_repetitions={repetitions}", f"--benchmark_min_time={min_time}"]
    if repetitions > 1:
        cmd.append("--benchmark_report_aggregates_only=true")
    print("+ " + " ".join(shlex.quote(c) for c in cmd), file=sys.stderr, flush=True)
    t0 = time.time()
    rc = subprocess.run(cmd, stdout=subprocess.DEVNULL).returncode
    try:
        with open(out) as f:
            data = json.load(f)
    except (OSError, ValueError):
        data = {}
    os.unlink(out)
    if rc != 0 or not data.get("benchmarks"):
        fail(f"{os.path.basename(exe)} failed (exit {rc}) or ran no benchmark for filter {filt!r}")
    print(f"  {os.path.basename(exe)}: {time.time() - t0:.0f} s", file=sys.stderr, flush=True)
    return data


def collect(data, tables):
    """tables[table][path][n] = record (the median aggregate, or the single run without repetitions)."""
    medians = {}
    singles = {}
    for b in data["benchmarks"]:
        name = b["run_name"]
        if b.get("run_type") == "aggregate":
            if b.get("aggregate_name") == "median":
                medians[name] = b
        else:
            singles.setdefault(name, b)
    for name, b in list(singles.items()) + list(medians.items()):
        parts = [p for p in name.split("/") if p not in ("real_time", "process_time", "manual_time")
                 and ":" not in p]
        if len(parts) < 3:
            continue
        table, path, rest = parts[0], parts[1], parts[2:]
        n = int(rest[0]) if rest[0].lstrip("-").isdigit() else rest[0]
        unit = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[b.get("time_unit", "ns")]
        rec = dict(b)
        rec["seconds"] = b["real_time"] * unit
        rec["baseline"] = "baseline" in b.get("label", "")
        tables.setdefault(table, {}).setdefault(path, {})[n] = rec


def need(tables, table, paths=()):
    if table not in tables:
        fail(f"table {table!r} is missing from the benchmark output (renamed or removed in bench/?)")
    for p in paths:
        if p not in tables[table]:
            fail(f"path {p!r} of table {table!r} is missing from the benchmark output")
    return tables[table]


# ---- the machine and the build ------------------------------------------------------------------------------------

def cache_value(build, key):
    try:
        with open(os.path.join(build, "CMakeCache.txt")) as f:
            for line in f:
                if line.startswith(key + ":"):
                    return line.split("=", 1)[1].strip()
    except OSError:
        pass
    return ""


def settings(build, repetitions):
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    cores = os.cpu_count() or 0
    cxx = cache_value(build, "CMAKE_CXX_COMPILER") or "c++"
    try:
        first = subprocess.run([cxx, "--version"], capture_output=True, text=True).stdout.splitlines()[0]
        version = first.split()[-1]
        compiler = f"{'clang++' if 'clang' in first else 'g++'} {version}"
    except (OSError, IndexError):
        compiler = cxx
    build_type = cache_value(build, "CMAKE_BUILD_TYPE") or "Release"
    flags = " ".join(x for x in (cache_value(build, "CMAKE_CXX_FLAGS"),
                                 cache_value(build, f"CMAKE_CXX_FLAGS_{build_type.upper()}")) if x)
    eigen = "?"
    eigen_dir = cache_value(build, "Eigen3_DIR")
    try:
        with open(os.path.join(eigen_dir, "Eigen3ConfigVersion.cmake")) as f:
            m = re.search(r'set\(PACKAGE_VERSION "([^"]+)"\)', f.read())
            eigen = m.group(1) if m else "?"
    except OSError:
        pass
    blas = ""
    q = subprocess.run(["dpkg-query", "-W", "-f", "${Package} ${Version} ${Status}\\n", "libopenblas0*"],
                       capture_output=True, text=True)
    for line in q.stdout.splitlines():
        if line.endswith("install ok installed"):
            blas = "OpenBLAS " + line.split()[1].split("+")[0]
            break
    threads = (f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')} "
               f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')}")
    return {
        "machine": f"{cpu}, {cores} cores",
        "compiler": f"{compiler} {flags}".strip(),
        "eigen": f"Eigen {eigen}" + (f", {blas}" if blas else ""),
        "threads": threads,
        "repetitions": repetitions,
    }


def settings_line(s, repetitions=None):
    reps = s["repetitions"] if repetitions is None else repetitions
    what = f"median of {reps} repetitions" if reps > 1 else "one run"
    return f"{s['machine']}; {s['compiler']}; {s['eigen']}; {s['threads']}; {what}."


def caption(s):
    return f"{s['machine']}, {s['compiler']}, {s['threads']}"


# ---- tables -------------------------------------------------------------------------------------------------------

def fmt_time(seconds):
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6), ("ns", 1e-9)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def fmt_num(x):
    return f"{x:.3g}"


def time_table(tables, table, s, value="seconds", fmt=fmt_time, n_label="n"):
    """Each path's time per n and its ratio to the baseline (x < 1: faster than the baseline)."""
    t = need(tables, table)
    paths = list(t.keys())
    base = next((p for p in paths if any(r["baseline"] for r in t[p].values())), None)
    if base:
        paths.remove(base)
        paths.insert(0, base)
    ns = sorted({n for p in paths for n in t[p]}, key=lambda v: (isinstance(v, str), v))
    lines = [f"`{table}`: {settings_line(s)}", "",
             f"| {n_label} | " + " | ".join(f"{p}{' (baseline)' if p == base else ''}" for p in paths) + " |",
             "|---|" + "---:|" * len(paths)]
    for n in ns:
        cells = []
        for p in paths:
            r = t[p].get(n)
            if r is None or value not in r:
                cells.append("")
                continue
            cell = fmt(r[value])
            b = t[base].get(n) if base else None
            if b is not None and p != base and value in b and r[value] > 0:
                cell += f" ({r[value] / b[value]:.3g}x)"
            cells.append(cell)
        lines.append(f"| {n} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def counter_table(tables, table, counters, s, n_label="n"):
    """One row per (path, n), one column per counter."""
    t = need(tables, table)
    lines = [f"`{table}`: {settings_line(s, 1)}", "", f"| path | {n_label} | " + " | ".join(c for c, _ in counters)
             + " |", "|---|---:|" + "---:|" * len(counters)]
    for p, rows in t.items():
        for n in sorted(rows):
            r = rows[n]
            lines.append(f"| {p} | {n} | " + " | ".join(fmt_num(r[c]) if c in r else "" for c, _ in counters)
                         + " |")
    legend = "; ".join(f"{c}: {what}" for c, what in counters)
    return "\n".join(lines) + f"\n\n{legend}."


# ---- plots --------------------------------------------------------------------------------------------------------

def series(t, path, value="seconds"):
    pts = sorted((n, r[value]) for n, r in t.get(path, {}).items() if isinstance(n, int) and value in r)
    return [p[0] for p in pts], [p[1] for p in pts]


def merged(tables, names, path):
    """A path's points over several tables with the same benchmark (later tables win on equal n)."""
    pts = {}
    for name in names:
        for n, r in tables.get(name, {}).get(path, {}).items():
            if isinstance(n, int):
                pts[n] = r["seconds"]
    ns = sorted(pts)
    return ns, [pts[n] for n in ns]


def n_ticks(ax, ns):
    """Plain tick labels at the measured sizes on a log axis."""
    from matplotlib.ticker import FixedLocator, NullLocator, ScalarFormatter
    ns = sorted(set(ns))
    if len(ns) > 8:
        ns = ns[::2]
    ax.xaxis.set_major_locator(FixedLocator(ns))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.xaxis.set_major_formatter(ScalarFormatter())


def finish(fig, plt, path, text):
    width = int(fig.get_figwidth() * 17)  # characters of a 7-point font per line
    lines = textwrap.wrap(text, width)
    fig.text(0.5, 0.005, "\n".join(lines), ha="center", va="bottom", fontsize=7)
    fig.tight_layout(rect=(0, 0.02 + 0.035 * len(lines), 1, 1))
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_one_row(plt, tables, s, path):
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    for ax, kind in zip(axes, ("double", "complex")):
        names = [f"dense_{kind}", f"one_row_{kind}"]
        for p, label, style in (("lapack_vectors", "LAPACK ?syevd/?heevd, eigenvalues + vectors", "s-"),
                                ("lapack_values", "LAPACK, eigenvalues only", "o-"),
                                ("identity_one_row", "dptz: one row of |V|^2", "D-"),
                                ("identity_all_rows", "dptz: all rows of |V|^2 (O(n^4))", "x:")):
            x, y = merged(tables, names, p)
            if x:
                ax.loglog(x, y, style, label=label)
                ns_all = sorted(set(getattr(ax, "_dptz_ns", [])) | set(x))
                ax._dptz_ns = ns_all
        n_ticks(ax, ax._dptz_ns)
        ax.set_xlabel("matrix size n")
        ax.set_ylabel("time per matrix (s)")
        ax.set_title(f"{kind}: one row of |V|^2 vs LAPACK")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7)
    finish(fig, plt, path, "One row j = n/3 by eigenvectorsAbs2(A, {j}); random Hermitian input. " + caption(s))


def plot_updates(plt, tables, s, path):
    fig, axes = plt.subplots(1, 3, figsize=(13, 4))
    for ax, (table, title) in zip(axes, (("updates_append", "append a row/column"),
                                         ("updates_remove", "remove a row/column"),
                                         ("updates_rank_one", "rank-one update"))):
        t = need(tables, table, ("lapack_recompute", "gemm", "eigenvalues_row", "vectors"))
        for p, label, style in (("lapack_recompute", "recompute (LAPACK ?syevd, vectors)", "s-"),
                                ("gemm", "one n x n x n GEMM", "k--"),
                                ("vectors", "EigenUpdater (eigenvalues + vectors)", "D-"),
                                ("eigenvalues_row", "eigenvalues (+ new row of |V|^2)", "o-")):
            x, y = series(t, p)
            ax.loglog(x, y, style, label=label)
        n_ticks(ax, x)
        ax.set_xlabel("matrix size n")
        ax.set_ylabel("time per update (s)")
        ax.set_title(title)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7)
    finish(fig, plt, path, "Random symmetric n x n, double. " + caption(s))


def plot_small(plt, tables, s, path):
    c = need(tables, "small3_complex_abs2", ("eigen_selfadjoint", "dptz_closed_form", "dptz_batch_1thread"))
    r = need(tables, "small3_real_abs2", ("eigen_computeDirect", "eigen_selfadjoint", "dptz_closed_form",
                                          "dptz_batch_1thread"))
    bt = need(tables, "small3_complex_batch", ("dptz_batch_1thread",))
    multi = [p for p in bt if p != "dptz_batch_1thread"]
    paired = tables.get("small3_complex_batch_paired", {}).get("dptz_batch_2threads_paired")

    def ns(t, p):
        rec = next(iter(t[p].values()))
        return rec.get("ns_per_matrix", rec["seconds"] * 1e9 / 10000)

    groups = [("complex 3x3", [("Eigen SelfAdjointEigenSolver", ns(c, "eigen_selfadjoint")),
                               ("dptz, one matrix per call", ns(c, "dptz_closed_form")),
                               ("dptz batch, 1 thread", ns(c, "dptz_batch_1thread"))]
               + [(f"dptz batch, {int(next(iter(bt[p].values())).get('threads', 0))} threads", ns(bt, p))
                  for p in multi]
               + ([("dptz batch, 2 threads (interleaved timing)", next(iter(paired.values()))["ns_2threads"])]
                  if paired else [])),
              ("real 3x3", [("Eigen SelfAdjointEigenSolver", ns(r, "eigen_selfadjoint")),
                            ("Eigen computeDirect", ns(r, "eigen_computeDirect")),
                            ("dptz, one matrix per call", ns(r, "dptz_closed_form")),
                            ("dptz batch, 1 thread", ns(r, "dptz_batch_1thread"))])]
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for ax, (title, bars) in zip(axes, groups):
        labels = [b[0] for b in bars]
        vals = [b[1] for b in bars]
        colors = ["tab:gray" if l.startswith("Eigen") else "tab:blue" for l in labels]
        ax.barh(range(len(vals)), vals, color=colors)
        ax.set_yticks(range(len(vals)))
        ax.set_yticklabels(labels, fontsize=8)
        ax.invert_yaxis()
        for i, v in enumerate(vals):
            ax.text(v, i, f" {v:.0f}", va="center", fontsize=8)
        ax.set_xlabel("time per matrix (ns), |V|^2 only")
        ax.set_title(title)
        if max(vals) > 30 * min(vals):  # a slow outlier (e.g. threads on a loaded machine) would hide the rest
            ax.set_xscale("log")
            ax.set_xlim(min(vals) / 2, max(vals) * 3)
        else:
            ax.set_xlim(0, max(vals) * 1.2)
    finish(fig, plt, path, "10^4 random matrices per call. " + caption(s))


RULES = (("gauss_legendre", "Legendre", "gaussLegendre", "tab:blue"),
         ("gauss_hermite", "Hermite", "gaussHermite", "tab:orange"),
         ("gauss_laguerre", "Laguerre (a = 0.5)", "gaussLaguerre", "tab:green"),
         ("gauss_jacobi", "Jacobi (0.5, -0.3)", "gaussJacobi", "tab:red"))


def plot_quadrature(plt, tables, s, path):
    fig, ax = plt.subplots(figsize=(7.5, 5))
    first = None
    for table, name, fn, color in RULES:
        t = need(tables, table, ("lapack_stevd_vectors", f"dptz_{fn}"))
        x, y = series(t, f"dptz_{fn}")
        ax.loglog(x, y, "o-", color=color, label=f"dptz {fn}")
        x2, y2 = series(t, "lapack_stevd_vectors")
        ax.loglog(x2, y2, "s:", color=color, alpha=0.6, label=f"?stevd Golub–Welsch, {name}")
        first = first or (x, y)
    if "gauss_legendre" in tables and "dptz_gaussQuadrature" in tables["gauss_legendre"]:
        x, y = series(tables["gauss_legendre"], "dptz_gaussQuadrature")
        ax.loglog(x, y, "^-", color="tab:purple", label="dptz gaussQuadrature (Legendre's Jacobi matrix)")
    x, y = first
    ax.loglog([x[0], x[-1]], [y[0], y[0] * (x[-1] / x[0]) ** 2], "k--", label="O(n^2) slope")
    n_ticks(ax, x)
    ax.set_xlabel("number of nodes n")
    ax.set_ylabel("time per rule (s)")
    ax.set_title("Gauss rules: nodes and weights")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7)
    finish(fig, plt, path, caption(s))


def plot_accuracy(plt, tables, s, path):
    t = need(tables, "accuracy_gap", ("identity_all_rows", "identity_rows", "lapack"))
    fig, ax = plt.subplots(figsize=(7.5, 5))
    gx, gb = series(t, "lapack", "gap")
    ks = sorted(n for n in t["lapack"] if isinstance(n, int))
    gaps = [t["lapack"][k]["gap"] for k in ks]
    bound = [t["lapack"][k]["bound"] for k in ks]
    ax.loglog(gaps, bound, "k--", label="eps ||A|| / gap")
    for p, label, style in (("identity_all_rows", "dptz eigenvectorsAbs2(A)", "D-"),
                            ("identity_rows", "dptz rows path eigenvectorsAbs2(A, rows)", "o-"),
                            ("lapack", "LAPACK ?syevd eigenvectors, |.|^2", "s-")):
        ks = sorted(n for n in t[p] if isinstance(n, int))
        ax.loglog([t[p][k]["gap"] for k in ks], [t[p][k]["err"] for k in ks], style, label=label)
    for p, label, style in (("identity_all_rows", "pair's projector diagonal, dptz all rows", "D:"),
                            ("lapack", "pair's projector diagonal, LAPACK", "s:")):
        ks = sorted(n for n in t[p] if isinstance(n, int))
        ax.loglog([t[p][k]["gap"] for k in ks], [max(t[p][k]["pair_sum_err"], 1e-18) for k in ks], style,
                  alpha=0.6, label=label)
    ax.set_xlabel("eigenvalue gap (||A||_2 = 1)")
    ax.set_ylabel("max error of |v_i(j)|^2 (absolute)")
    ax.set_title("Accuracy of |V|^2 against the eigenvalue gap")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7)
    ax.invert_xaxis()
    finish(fig, plt, path, "12 x 12 real symmetric, spectrum in [-1, 1], one pair at the given gap, 4 matrices; "
           "reference: long double. " + caption(s))


# ---- headline results (README and report) -------------------------------------------------------------------------

HEADLINE_BEGIN = "<!-- bench_report:headline (generated by scripts/bench_report.py) -->"
HEADLINE_END = "<!-- /bench_report:headline -->"


def headline(tables, s, link):
    def sec(table, path, n):
        t = need(tables, table, (path,))
        if n not in t[path]:
            fail(f"{table}/{path}/{n} is missing from the benchmark output")
        return t[path][n]["seconds"]

    def largest(table, path):
        return max(n for n in need(tables, table, (path,))[path] if isinstance(n, int))

    L = []
    n = largest("one_row_double", "identity_one_row")
    row = sec("one_row_double", "identity_one_row", n)
    L.append(f"- **One row of |V|^2** (real, n = {n}): {row / sec('one_row_double', 'lapack_values', n):.2g}x the "
             f"time of LAPACK's eigenvalues alone, {row / sec('one_row_double', 'lapack_vectors', n):.2g}x LAPACK "
             "with eigenvectors.")
    c = need(tables, "small3_complex_abs2", ("eigen_selfadjoint", "dptz_batch_1thread"))
    batch = next(iter(c["dptz_batch_1thread"].values()))["ns_per_matrix"]
    eig = next(iter(c["eigen_selfadjoint"].values()))["ns_per_matrix"]
    L.append(f"- **3x3 complex |V|^2**, batch on one thread: {batch:.0f} ns per matrix, {eig / batch:.0f}x faster "
             "than Eigen's `SelfAdjointEigenSolver<Matrix3cd>`.")
    leg = sec("gauss_legendre", "lapack_stevd_vectors", 1000) / sec("gauss_legendre", "dptz_gaussLegendre", 1000)
    gen = sec("gauss_laguerre", "lapack_stevd_vectors", 1000) / sec("gauss_laguerre", "dptz_gaussQuadrature", 1000)
    L.append(f"- **Gauss rules**, n = 1000: `gaussLegendre` {leg:.0f}x faster than LAPACK ?stevd Golub–Welsch; "
             f"`gaussQuadrature` on a general Jacobi matrix (Laguerre's) {gen:.1f}x.")
    rec = sec("updates_append", "lapack_recompute", 1000)
    L.append(f"- **Append a row** to an n = 1000 decomposition: eigenvalues and the new row of |V|^2 "
             f"{rec / sec('updates_append', 'eigenvalues_row', 1000):.0f}x faster than recomputing; eigenvalues and "
             f"eigenvectors {rec / sec('updates_append', 'vectors', 1000):.1f}x faster "
             f"({sec('updates_append', 'vectors', 1000) / sec('updates_append', 'gemm', 1000):.2f}x one GEMM).")
    n = largest("dense_double", "identity_all_rows")
    L.append(f"- **All rows of |V|^2 are O(n^4)**: {sec('dense_double', 'identity_all_rows', n) / sec('dense_double', 'lapack_vectors', n):.0f}x "
             f"the time of LAPACK with eigenvectors at n = {n}.")
    L.append("")
    L.append(f"Machine: {settings_line(s)} Full report, plots and how to reproduce: [{link}]({link}).")
    L.append("")
    ident = max(r["err"] for t in ("accuracy_dense_real", "accuracy_dense_complex")
                for p in ("identity_all_rows", "identity_rows") for r in need(tables, t, (p,))[p].values())
    lap = max(r["err"] for t in ("accuracy_dense_real", "accuracy_dense_complex")
              for r in need(tables, t, ("lapack",))["lapack"].values())
    L.append(f"**Accuracy**: every entry of |V|^2 within {ident:.2g} eps ||A|| / gap_i of a long double reference "
             f"(random real and complex matrices, n = 50 and 200; LAPACK's eigenvectors: {lap:.2g}), the bound any "
             "backward-stable eigensolver has.")
    return L


def update_readme(path, lines):
    with open(path) as f:
        text = f.read()
    a, b = text.find(HEADLINE_BEGIN), text.find(HEADLINE_END)
    if a < 0 or b < a:
        fail(f"{path} lacks the markers {HEADLINE_BEGIN!r} ... {HEADLINE_END!r} around its headline results")
    text = text[:a + len(HEADLINE_BEGIN)] + "\n" + "\n".join(lines) + "\n" + text[b:]
    with open(path, "w") as f:
        f.write(text)


# ---- the report ---------------------------------------------------------------------------------------------------

def image(name, alt, s):
    return f"![{alt}](img/{name})\n\n*{alt[0].upper() + alt[1:]}; {caption(s)}.*"


def write_report(tables, s, args, out, elapsed):
    mode = "`bash scripts/run.sh --full`" if args.full else "`bash scripts/run.sh` (quick subset; `--full` for all sizes)"
    L = []
    L += ["# Benchmarks", "",
          "<!-- Generated by scripts/bench_report.py; do not edit by hand. -->", "",
          f"Generated by {mode}. Times are medians of repeated runs; a ratio in "
          "parentheses is the time relative to the table's baseline (below 1: faster than the baseline). "
          "Tables are named `<table>` as in bench/ (Google Benchmark names `<table>/<path>/<n>`).", "",
          f"Machine and settings: {settings_line(s)}", "",
          "Figures from a shared or loaded machine are noisy: compare ratios within one table, not absolute "
          "times across machines.", "", "## Summary", ""]
    summary = [l for l in headline(tables, s, "benchmarks.md") if not l.startswith("Machine:")]
    L += [l for i, l in enumerate(summary) if l or (i > 0 and summary[i - 1])]
    L += [""]

    L += ["## Solver", "",
          "One row of |V|^2 (`eigenvectorsAbs2(A, {j})`), all rows (`eigenvectorsAbs2(A)`), and "
          "`IdentityEigenSolver` with eigenvectors, against LAPACK's ?syevd / ?heevd (`LapackEigenSolver`) "
          "and Eigen's `SelfAdjointEigenSolver`.", "",
          image("one_row.png", "one row of |V|^2 against LAPACK, time against n", s), ""]
    for table in ("dense_double", "dense_complex", "one_row_double", "one_row_complex", "all_rows_threads"):
        L += [time_table(tables, table, s), ""]

    L += ["## Small matrices", "",
          "3x3 |V|^2 in closed form (`smallEigenvectorsAbs2`, `eigenvectorsAbs2Batch`) and `SmallEigenSolver`, "
          "10^4 matrices per call; time per matrix.", "",
          image("small_batch.png", "3x3 batch: ns per matrix", s), ""]
    for table in ("small3_complex_abs2", "small3_real_abs2", "small3_complex_batch", "small3_complex_vectors"):
        L += [time_table(tables, table, s, value="ns_per_matrix", fmt=lambda x: f"{x:.3g} ns",
                         n_label="matrices"), ""]
    if "small3_complex_batch_paired" in tables:
        L += [counter_table(tables, "small3_complex_batch_paired",
                            [("ns_1thread", "ns per matrix, 1 thread"), ("ns_2threads", "ns per matrix, 2 threads"),
                             ("speedup", "median over interleaved call pairs of t(1 thread) / t(2 threads)")],
                            s, n_label="matrices").replace("one run", f"median of {s['repetitions']} repetitions"),
              ""]

    L += ["## Quadrature", "",
          "Gauss rules: the classical rules (`gaussLegendre`, `gaussHermite`, `gaussLaguerre`, `gaussJacobi`), "
          "the general `gaussQuadrature` on the same Jacobi matrix, LAPACK ?sterf (nodes only) and the "
          "Golub–Welsch baseline ?stevd with eigenvectors; `tridiag_row`: one row of |V|^2 of a random Jacobi "
          "matrix (`tridiagonalEigenvectorsAbs2`).", "",
          image("quadrature.png", "Gauss rules: time against n", s), ""]
    for table, _, _, _ in RULES:
        L += [time_table(tables, table, s), ""]
    L += [time_table(tables, "tridiag_row", s), ""]

    L += ["## Updates", "",
          "One append, remove or rank-one update of an n x n decomposition: `EigenUpdater` (eigenvalues and "
          "vectors), the eigenvalues alone (`borderedEigenvalues` + the new row of |V|^2, `minorEigenvalues`, "
          "`rankOneEigenvalues`), one GEMM of the same size, and recomputing with `LapackEigenSolver` "
          "(baseline).", "",
          image("updates.png", "updates against recompute and one GEMM", s), ""]
    for table in ("updates_append", "updates_remove", "updates_rank_one"):
        L += [time_table(tables, table, s), ""]

    L += ["## Accuracy", "",
          "Double precision against Eigen's `SelfAdjointEigenSolver` in long double on the same stored matrix "
          "(bench/bench_accuracy.cpp).", "",
          image("accuracy_gap.png", "accuracy of |V|^2 against the eigenvalue gap", s), "",
          counter_table(tables, "accuracy_gap", [("gap", "eigenvalue gap"), ("err", "max |W - W_ref|"),
                                                 ("pair_sum_err", "max error of the pair's projector diagonal"),
                                                 ("bound", "eps ||A|| / gap")], s, n_label="k (gap 10^-k)"), ""]
    for table, what in (("accuracy_dense_real", "random real symmetric"),
                        ("accuracy_dense_complex", "random complex Hermitian")):
        L += [counter_table(tables, table, [("err", f"max |W - W_ref| gap_i / (eps ||A||), {what}")], s), ""]
    L += [counter_table(tables, "accuracy_quadrature",
                        [("err", "max relative weight error in eps"), ("node_err", "max node error in eps")], s), ""]
    L += [counter_table(tables, "accuracy_updates",
                        [("err", "max eigenvalue error in eps ||A'||"), ("orth", "||Q'^T Q' - I||_max / eps"),
                         ("residual", "||A'Q' - Q'L'||_max / (eps ||A'||)")], s), ""]

    L += ["## How to reproduce", "",
          "```sh", "bash scripts/run.sh            # quick subset", "bash scripts/run.sh --full     # every size",
          "```", "",
          "or, on an existing Release build with `-DDPTZ_BUILD_BENCHMARKS=ON`: "
          "`/usr/bin/python3 scripts/bench_report.py --build <build dir> [--full]`. A single table: run its "
          "executable, e.g. `build/bench/bench/bench_updates --benchmark_filter=updates_append`.", ""]
    with open(out, "w") as f:
        f.write("\n".join(L))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build", default=os.path.join(ROOT, "build", "bench"))
    p.add_argument("--full", action="store_true", help="every size of every table (long)")
    p.add_argument("--repetitions", type=int, default=3)
    p.add_argument("--min-time", default="0.05")
    p.add_argument("--out", default=os.path.join(ROOT, "docs", "benchmarks.md"))
    p.add_argument("--img", default=os.path.join(ROOT, "docs", "img"))
    p.add_argument("--reuse", action="store_true", help="use BUILD/bench-json/ from the last run, run nothing")
    p.add_argument("--readme", default=os.path.join(ROOT, "README.md"),
                   help="file whose headline block is rewritten (empty: none)")
    args = p.parse_args()

    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        fail("matplotlib is missing: run with Debian's /usr/bin/python3 and python3-matplotlib "
             "(bash scripts/deps.sh installs it)")

    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    print(f"threads: OMP_NUM_THREADS={os.environ['OMP_NUM_THREADS']} "
          f"OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}", file=sys.stderr)
    t0 = time.time()
    tables = {}
    json_dir = os.path.join(args.build, "bench-json")
    os.makedirs(json_dir, exist_ok=True)
    for exe, quick, full, reps in SUITES:
        saved = os.path.join(json_dir, exe + ".json")
        if args.reuse:
            try:
                with open(saved) as f:
                    data = json.load(f)
            except (OSError, ValueError):
                fail(f"--reuse: {saved} is missing or unreadable; run without --reuse first")
        else:
            data = run_suite(os.path.join(args.build, "bench", exe), full if args.full else quick,
                             reps or args.repetitions, args.min_time)
            with open(saved, "w") as f:
                json.dump(data, f)
        collect(data, tables)
    s = settings(args.build, args.repetitions)

    os.makedirs(args.img, exist_ok=True)
    plot_one_row(plt, tables, s, os.path.join(args.img, "one_row.png"))
    plot_updates(plt, tables, s, os.path.join(args.img, "updates.png"))
    plot_small(plt, tables, s, os.path.join(args.img, "small_batch.png"))
    plot_quadrature(plt, tables, s, os.path.join(args.img, "quadrature.png"))
    plot_accuracy(plt, tables, s, os.path.join(args.img, "accuracy_gap.png"))
    write_report(tables, s, args, args.out, time.time() - t0)
    if args.readme:
        update_readme(args.readme, headline(tables, s, "docs/benchmarks.md"))
    print(f"wrote {os.path.relpath(args.out)} and 5 plots in {os.path.relpath(args.img)} "
          f"({time.time() - t0:.0f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
