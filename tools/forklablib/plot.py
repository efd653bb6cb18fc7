"""forklab plot: a run's figures, drawn by the gnuplot scripts in plot/ from
data files written beside results.csv. Which ops, phases and strategies
appear is what the run's own rows hold."""
import argparse
import csv
import os
import shutil
import subprocess

from . import catalog, parent_plot, qemu, results, spawn_plot, vpmu_plot
from .exitcodes import ROOT
from .ui import warn

def write_dat(path, header, lines):
    with open(path, "w") as f:
        f.write(header + "\n")
        for line in lines:
            f.write(" ".join(str(x) for x in line) + "\n")


def n_range(rows):
    """'n = 50' or 'n = 42-50': the sample counts behind @rows, for titles."""
    ns = sorted({int(r["n"]) for r in rows if r.get("n", "").isdigit()})
    if not ns:
        return "n = ?"
    return f"n = {ns[0]}" if ns[0] == ns[-1] else f"n = {ns[0]}-{ns[-1]}"


def in_order(values):
    """@values without repeats, in the order they first come (the kernel's)."""
    return list(dict.fromkeys(values))


def shown(rows, field, cat):
    """The strategy of @field that a figure shows when @rows hold several:
    the kernel's default (@cat), or the first when the run lacks it."""
    held = {r[field] for r in rows}
    return cat.default(field) if cat.default(field) in held else rows[0][field]


def rss_series(out, name, rows):
    write_dat(os.path.join(out, f"rss-{name}.dat"), "rss_kib p50 p90 n",
              [(int(r["rss_pages"]) * 4, r["p50"], r["p90"], r["n"])
               for r in sorted(rows, key=lambda r: int(r["rss_pages"]))])


def plot_fork_rss(out, fork, a0, p0, t_v, mode, linux):
    """fork latency vs resident size, one curve per pt (first alloc, first
    pid), vfork beside them, Linux's curves with @linux."""
    pts = sorted({r["pt"] for r in fork})
    for pt in pts:
        rss_series(out, pt, [r for r in fork if r["op"] == "fork" and r["pt"] == pt and
                             r["alloc"] == a0 and r["pid"] == p0])
    # vfork beside them (it copies no page tables: one curve, pt t_v's)
    vrows = [r for r in fork if r["op"] == "vfork" and r["pt"] == t_v and
             r["alloc"] == a0 and r["pid"] == p0]
    if len(vrows) > 1:
        rss_series(out, "vfork", vrows)
        pts = pts + ["vfork"]
    if linux:
        lall = results.read_csv(os.path.join(linux, "results.csv"))
        for op, series in (("fork", "linux"), ("vfork", "linux-vfork")):
            lrows = [r for r in lall if r["op"] == op]
            if op == "fork" and not lrows:
                if any(r["bench"] == "spawn" for r in lall):
                    break		# a spawn-only run (linux --bench spawn): spawn.png's
                raise qemu.UsageError(f"{linux} has no fork or spawn rows")
            if op == "vfork" and len(lrows) < 2:
                continue		# a run from before vfork joined the sweep
            rss_series(out, series, lrows)
            pts = pts + [series]
    return gnuplot("fork_rss.gp", out, mode=mode, series=" ".join(pts),
                   subtitle=f"alloc={a0} pid={p0}, " + n_range(
                       [r for r in fork if r["op"] == "fork" and r["alloc"] == a0 and
                        r["pid"] == p0]))


def plot_fork_phases(out, fork, t0, p0, mode):
    """phases of a 1-page fork, per allocator (first pt, first pid)."""
    phases = [c for c in results.phase_columns(fork[0]) if c != results.phase_column("total")]
    lines = [[r["alloc"]] + [r[c] or 0 for c in phases] for r in fork
             if r["op"] == "fork" and r["rss_pages"] == "1" and r["pt"] == t0 and r["pid"] == p0]
    if not any(float(v or 0) for line in lines for v in line[1:]):	# none from Linux
        return []
    write_dat(os.path.join(out, "phases.dat"),
              "alloc " + " ".join(results.phase_name(c) for c in phases), lines)
    one = [r for r in fork if r["op"] == "fork" and r["rss_pages"] == "1" and r["pt"] == t0 and
           r["pid"] == p0]
    return gnuplot("fork_phases.gp", out, mode=mode, ncolumns=len(phases) + 1,
                   subtitle=f"pt={t0} pid={p0}, 1-page fork, " + n_range(one))


def plot_fork_ops(out, fork, one, ops, mode, t0, p0):
    """every op per allocator at 1 page (@one: the 1-page rows of t0, p0)."""
    lines = []
    for a in in_order(r["alloc"] for r in fork):
        vals = {r["op"]: r["p50"] for r in one if r["alloc"] == a}
        lines.append([a] + [vals.get(o, 0) for o in ops])
    write_dat(os.path.join(out, "ops.dat"), "alloc " + " ".join(ops), lines)
    return gnuplot("fork_ops.gp", out, mode=mode, ncolumns=len(ops) + 1,
                   subtitle=f"pt={t0} pid={p0}, 1 page, " + n_range(one))


def plot_cdfs(out, spath, ops, mode, t0, p0):
    """a CDF per op at one resident page, one curve per allocator."""
    with open(spath, newline="") as f:
        samples = list(csv.DictReader(f))
    made = []
    for op in ops:
        curves = []
        for a in sorted({r["alloc"] for r in samples}):
            v = sorted(int(r["cycles"]) for r in samples if r["op"] == op and r["alloc"] == a
                       and r["pt"] == t0 and r["pid"] == p0 and r["rss_pages"] == "1")
            if not v:
                continue
            write_dat(os.path.join(out, f"cdf-{op}-{a}.dat"), "cycles fraction",
                      [(x, (i + 1) / len(v)) for i, x in enumerate(v)])
            curves.append(a)
        if curves:
            made += gnuplot("cdf.gp", out, mode=mode, op=op, series=" ".join(curves),
                            subtitle=f"pt={t0} pid={p0}, 1 page, n={len(v)} each")
    return made


def plot_alloc(out, alloc, mode):
    """the allocator microbenchmark: p50 per object size, one curve each."""
    sizes = sorted({int(r["size"]) for r in alloc})
    strategies = in_order(r["alloc"] for r in alloc)
    lines = []
    for s in sizes:
        vals = {r["alloc"]: r["p50"] for r in alloc if int(r["size"]) == s}
        lines.append([s] + [vals.get(a, 0) for a in strategies])
    write_dat(os.path.join(out, "alloc.dat"), "size " + " ".join(strategies), lines)
    return gnuplot("alloc.gp", out, mode=f"{mode}, {n_range(alloc)}", series=" ".join(strategies))


def plot_pid(out, pid, mode):
    """pid cost against live tasks, one curve per pid strategy."""
    strategies = sorted({r["pid"] for r in pid})
    for s in strategies:
        write_dat(os.path.join(out, f"pid-{s}.dat"), "live p50 p90",
                  sorted(((int(r["live"]), r["p50"], r["p90"]) for r in pid if r["pid"] == s)))
    return gnuplot("pid.gp", out, mode=f"{mode}, {n_range(pid)}", series=" ".join(strategies))


def plot_scale(out, scale, mode, cat):
    """bench=scale: ops/s (icount: instructions per op) against tasks, a
    panel per op, a line per allocator (the default pid strategy, or the
    first the run holds), dashed lines for linear scaling."""
    p0 = shown(scale, "pid", cat)
    rows = [r for r in scale if r["pid"] == p0]
    ops = in_order(r["op"] for r in rows)
    allocs = in_order(r["alloc"] for r in rows)
    icount = mode == "icount"
    for op in ops:
        val = {(r["alloc"], int(r["live"])): float(r["p50"] if icount else r["ops_per_s"] or 0)
               for r in rows if r["op"] == op}
        lines = []
        for t in sorted({t for _, t in val}):
            one = [val.get((a, 1), 0) for a in allocs]
            lines.append([t] + [val.get((a, t), "NaN") for a in allocs] +
                         [(v if icount else v * t) if v else "NaN" for v in one])
        write_dat(os.path.join(out, f"scale-{op}.dat"),
                  "tasks " + " ".join(allocs) + " " + " ".join(f"{a}-linear" for a in allocs),
                  lines)
    ylab = ("instructions per op (p50 of the tasks; flat = no extra work)" if icount
            else "ops per second, all tasks (TSC)")
    return gnuplot("scale.gp", out, ops=" ".join(ops), series=" ".join(allocs), ylab=ylab,
                   subtitle=f"{mode}, pid={p0}, pt={rows[0]['pt']}, {n_range(rows)} ops each")


def plot_tlb(out, tlb, mode):
    """bench=tlb: fork cost against the parent's threads running elsewhere."""
    write_dat(os.path.join(out, "tlb.dat"), "threads min p50 max",
              sorted((int(r["live"]), r["min"], r["p50"], r["max"]) for r in tlb))
    r0 = tlb[0]
    return gnuplot("tlb.gp", out, ylab="TSC ticks per fork" + (" (instructions)" if mode == "icount"
                                                               else ""),
                   subtitle=f"{mode}, alloc={r0['alloc']} pt={r0['pt']} pid={r0['pid']}, "
                   + n_range(tlb))


def plot(out, linux=None):
    """Write the data files and run the gnuplot scripts in plot/; with
    @linux (a `forklab linux` run), Linux's lines join forklab's: fork_rss,
    spawn, vpmu_rss, the bench=parent figures."""
    if not shutil.which("gnuplot"):
        warn("forklab: gnuplot not found (run `make deps`); no plots")
        return []
    rows = results.read_csv(os.path.join(out, "results.csv"))
    mode = results.read_meta(out).get("mode", "?")
    made, shown_set = [], None
    fork = [r for r in rows if r["bench"] == "fork"]
    if fork:
        cat = catalog.of_run(out)
        a0, t0, p0 = shown_set = tuple(shown(fork, f, cat) for f in catalog.FAMILIES)
        one = [r for r in fork if r["rss_pages"] == "1" and r["pt"] == t0 and r["pid"] == p0]
        ops = in_order(r["op"] for r in fork if r["rss_pages"] == "1")	# the ops at 1 page
        made += plot_fork_rss(out, fork, a0, p0, t0, mode, linux)
        made += plot_fork_phases(out, fork, t0, p0, mode)
        made += plot_fork_ops(out, fork, one, ops, mode, t0, p0)
        spath = os.path.join(out, "samples.csv")
        if os.path.exists(spath):
            made += plot_cdfs(out, spath, ops, mode, t0, p0)
    alloc = [r for r in rows if r["bench"] == "alloc" and r["op"] == "hot"]
    if alloc:
        made += plot_alloc(out, alloc, mode)
    pid = [r for r in rows if r["bench"] == "pid"]
    if pid:
        made += plot_pid(out, pid, mode)
    scale = [r for r in rows if r["bench"] == "scale"]
    if scale:
        made += plot_scale(out, scale, mode, catalog.of_run(out))
    tlb = [r for r in rows if r["bench"] == "tlb"]
    if tlb:
        made += plot_tlb(out, tlb, mode)
    made += spawn_plot.plot(out, rows, linux) + spawn_plot.plot_vpmu(out, rows, linux)
    made += parent_plot.plot(out, rows, mode, linux)
    return made + vpmu_plot.plot(out, mode, shown_set, linux)


def gnuplot(script, out, **variables):
    path = os.path.join(ROOT, "plot", script)
    made = []
    for term in ("png", "svg"):
        cmd = ["gnuplot", "-e", f"dir='{out}'", "-e", f"term='{term}'"]
        for k, v in variables.items():
            cmd += ["-e", f"{k}='{v}'"]
        r = subprocess.run(cmd + [path], capture_output=True, text=True)
        if r.returncode:
            warn(f"forklab: gnuplot {script}: {r.stderr.strip().splitlines()[-1:]}")
            return made
        stem = script[:-3] + (f"-{variables['op']}" if "op" in variables else "")	# cdf.gp names by op
        made.append(os.path.join(out, f"{stem}.{term}"))
    return made


def run_args(argv, prog, description):
    """The options of plot and report: RUN and --linux LRUN, both checked
    to be run directories."""
    p = argparse.ArgumentParser(prog=prog, description=description)
    p.add_argument("run")
    p.add_argument("--linux", help="a `forklab linux` run to draw beside forklab (fork_rss, spawn, parent_*)")
    opts = p.parse_args(argv)
    results.check_run(opts.run)
    if opts.linux:
        results.check_run(opts.linux)
    return opts


def cmd_plot(argv):
    opts = run_args(argv, "forklab plot", "Draw the plots of a run.")
    for f in plot(opts.run, linux=opts.linux):
        print(f)
    return 0


COMMANDS = {"plot": cmd_plot}
