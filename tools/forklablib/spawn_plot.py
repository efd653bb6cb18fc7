"""The spawn figure (plot/spawn.gp), the shape of "A fork() in the road"
(HotOS 2019): what starting a program costs against the parent's resident
size, one line per method (solid: until the child is reaped; dashed: until
the parent can go on), forklab and Linux side by side. A side whose kernel
lacked a call (meta.json spawn_unavailable: forklab before execve) is a
panel that says so. With a threads.csv in the run (`forklab threads --rss
... --csv RUN/threads.csv`), starting a thread joins each panel: pthread_create
and the raw clone-thread it wraps, solid until joined, dashed until the
parent goes on. vpmu_spawn.png is the same figure in the virtual PMU's
counts (runs with --vpmu): one row of panels per counter."""
import csv
import os

from . import catalog, qemu, results, vpmu
from . import plot as fplot

WAIT = "-wait"			# bench/user/spawn_ops.h SPAWN_WAIT_SUFFIX
THREADS = "threads.csv"		# forklab threads --csv, in the run directory
# the thread lines, as the figure's methods: (name, until the parent goes on,
# until joined), ops of bench/musl/pthread_bench.c
THREAD_METHODS = [("pthread-create", "pthread-create", "pthread-create-join"),
                  ("clone-thread", "clone-thread", "clone-thread-join")]
# vpmu_spawn's rows of panels: the counters it draws where the runs have them
VPMU_COUNTERS = [("inst", "instructions retired (a rep string once)"),
                 ("cycles", "modelled cycles (a stated cost model)"),
                 ("l1d_miss", "L1D misses (modelled 32 KiB L1D)"),
                 ("dtlb_miss", "DTLB misses (modelled)")]


def side_name(meta):
    return "linux" if meta.get("kernel") == "linux" else "forklab"


def side_label(meta):
    """A panel's title: which kernel, where, in which mode."""
    mode = meta.get("mode", "?")
    if side_name(meta) == "forklab":
        return f"forklab ({mode})"
    if mode == "native":
        return f"Linux {meta.get('host_kernel', '?')}, this host (native)"
    version = meta.get("linux_package", "").rpartition("_")[2] or "6.1"
    args = meta.get("linux_kernel_args", "").strip()
    return f"Linux {version} guest ({mode}" + (f", {args})" if args else ")")


def shown_spawn(run, rows, meta, label):
    """(@rows' spawn rows of the strategies a panel shows, its title): on
    forklab one (alloc, pt, pid), the kernel's defaults where the run has
    them, named in the title."""
    spawn = [r for r in rows if r["bench"] == "spawn"]
    if spawn and side_name(meta) == "forklab":
        cat = catalog.of_run(run)
        a0, t0, p0 = (fplot.shown(spawn, f, cat) for f in catalog.FAMILIES)
        spawn = [r for r in spawn if (r["alloc"], r["pt"], r["pid"]) == (a0, t0, p0)]
        label += f", alloc={a0} pt={t0} pid={p0}"
    return spawn, label


def read_threads(run):
    """The rows of @run's threads.csv (`forklab threads --csv`), [] when it
    has none; UsageError when it is not one."""
    path = os.path.join(run, THREADS)
    if not os.path.exists(path):
        return []
    try:
        with open(path, newline="") as f:
            got = list(csv.DictReader(f))
    except OSError as e:
        raise qemu.UsageError(f"cannot read {path}: {e.strerror}")
    if got and not {"system", "mode", "op", "rss_pages", "p50", "n"} <= set(got[0]):
        raise qemu.UsageError(f"{path} is not a `forklab threads --csv` file "
                              "(columns missing)")
    return got


def thread_series(out, name, meta, threads):
    """The thread methods of @threads (threads.csv's rows) for side @name in
    @meta's mode, their data files written into @out (rss 0, the program
    alone, has no place on the log axis); the methods drawn."""
    def system_side(system):	# threads.csv's "forklab", "linux 6.1.192-3", "this host"
        return "forklab" if system == "forklab" else "linux" if system.startswith("linux") else None

    mine = [r for r in threads if r["mode"] == meta.get("mode") and int(r["rss_pages"]) > 0 and
            system_side(r["system"]) == name]
    drawn = []
    for method, back, joined in THREAD_METHODS:
        if not any(r["op"] == joined for r in mine):
            continue
        for o, op in ((method, back), (method + WAIT, joined)):
            fplot.rss_series(out, f"spawn-{name}-{o}", [dict(r, p90=r["max"]) for r in mine
                                                         if r["op"] == op])
        drawn.append(method)
    return drawn


def side(out, run, rows, meta, label, threads=()):
    """(name, title, methods, note) of one panel from @run's spawn @rows
    (and @threads, threads.csv's rows): the methods it measured (their data
    files written into @out), or a note saying why none."""
    name = side_name(meta)
    spawn, label = shown_spawn(run, rows, meta, label)
    methods = fplot.in_order(r["op"] for r in spawn if not r["op"].endswith(WAIT))
    for op in methods:
        for o in (op, op + WAIT):
            fplot.rss_series(out, f"spawn-{name}-{o}",
                             [r for r in spawn if r["op"] == o])
    if methods:
        methods += thread_series(out, name, meta, threads)
    note = ""
    if not methods:
        gone = meta.get("spawn_unavailable") or {}
        note = ("not measured: this kernel lacks " + ", ".join(fplot.in_order(gone.values()))
                if gone else "no spawn rows in this run")
    return name, f"{label}, {fplot.n_range(spawn)}" if spawn else label, methods, note


def plot(out, rows, linux=None):
    """spawn.png/.svg for @out's spawn rows (and @linux's, a `forklab linux
    --bench spawn` run, beside them); [] when neither side has spawn rows
    nor says why it has none."""
    meta = results.read_meta(out)
    if not any(r["bench"] == "spawn" for r in rows) and "spawn_unavailable" not in meta:
        return []
    threads = read_threads(out)
    sides = [side(out, out, rows, meta, side_label(meta), threads)]
    if linux:
        lmeta = results.read_meta(linux)
        lrows = results.read_csv(os.path.join(linux, "results.csv"))
        sides.append(side(out, linux, lrows, lmeta, side_label(lmeta), threads))
    if not any(s[2] for s in sides):
        return []
    args = {"panels": " ".join(s[0] for s in sides)}
    for i, (name, title, methods, note) in enumerate(sides, start=1):
        args.update({f"title{i}": title, f"methods{i}": " ".join(methods), f"note{i}": note})
    return fplot.gnuplot("spawn.gp", out, **args)


def vpmu_side(out, run, rows, vrows, counters):
    """(name, title, methods, note, drawn) of one column of vpmu_spawn from
    @run's vpmu.csv rows @vrows: the call scope of its spawn rows (the
    strategies side() shows: @drawn), a vpmu_spawn-SIDE-OP.dat of @counters
    per method; a note when the run has none."""
    meta = results.read_meta(run)
    name = side_name(meta)
    spawn, label = shown_spawn(run, rows, meta, side_label(meta))
    keys = {tuple(r[k] for k in results.KEY) for r in spawn}
    counts = [r for r in vrows
              if r["scope"] == "call" and tuple(r[k] for k in results.KEY) in keys]
    methods = fplot.in_order(r["op"] for r in counts if not r["op"].endswith(WAIT))
    for op in methods:
        for o in (op, op + WAIT):
            mine = sorted((r for r in counts if r["op"] == o), key=lambda r: int(r["rss_pages"]))
            fplot.write_dat(os.path.join(out, f"vpmu_spawn-{name}-{o}.dat"),
                            "rss_kib " + " ".join(counters),
                            [[int(r["rss_pages"]) * 4] + [r[c] for c in counters] for r in mine])
    note = "" if methods else "no virtual PMU counts of spawn rows in this run (--vpmu)"
    return name, f"{label}, {fplot.n_range(counts)}" if counts else label, methods, note, counts


def plot_vpmu(out, rows, linux=None):
    """vpmu_spawn.png/.svg: the spawn figure in the virtual PMU's counts of
    @out (and of @linux beside it), one row of panels per counter both
    runs have, on one y range; [] when @out's vpmu.csv holds no spawn rows."""
    mine = [r for r in vpmu.read_csv(out) or [] if r["bench"] == "spawn"]
    if not mine:
        return []
    theirs = (vpmu.read_csv(linux) or []) if linux else None
    have = set(mine[0]) & (set(theirs[0]) if theirs else set(mine[0]))
    counters = [(c, what) for c, what in VPMU_COUNTERS if c in have]
    names = [c for c, _ in counters]
    sides = [vpmu_side(out, out, rows, mine, names)]
    if linux:
        lrows = results.read_csv(os.path.join(linux, "results.csv"))
        sides.append(vpmu_side(out, linux, lrows, theirs, names))
    args = {"panels": " ".join(s[0] for s in sides), "counters": str(len(counters)),
            "mode": results.read_meta(out).get("mode", "?")}
    drawn = [r for s in sides for r in s[4]]
    for i, (c, what) in enumerate(counters, start=1):	# one y range a row: sides compare
        held = [float(r[c]) for r in drawn if r.get(c) and float(r[c]) > 0] or [1.0]
        args.update({f"label{i}": what, f"ymin{i}": f"{min(held) / 2:g}",
                     f"ymax{i}": f"{max(held) * 1.5:g}"})
    for i, (name, title, methods, note, _) in enumerate(sides, start=1):
        args.update({f"title{i}": title, f"methods{i}": " ".join(methods), f"note{i}": note})
    return fplot.gnuplot("vpmu_spawn.gp", out, **args)
