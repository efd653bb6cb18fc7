"""The spawn figure (plot/spawn.gp), the shape of "A fork() in the road"
(HotOS 2019): what starting a program costs against the parent's resident
size, one line per method (solid: until the child is reaped; dashed: until
the parent can go on), forklab and Linux side by side. A side whose kernel
lacked a call (meta.json spawn_unavailable: forklab before execve) is a
panel that says so."""
import os

from . import catalog, results
from . import plot as fplot

WAIT = "-wait"			# bench/user/spawn_ops.h SPAWN_WAIT_SUFFIX


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


def side(out, run, rows, meta, label):
    """(name, title, methods, note) of one panel from @run's spawn @rows:
    the methods it measured (their data files written into @out), or a
    note saying why none."""
    name = side_name(meta)
    spawn = [r for r in rows if r["bench"] == "spawn"]
    if spawn and name == "forklab":
        cat = catalog.of_run(run)
        a0, t0, p0 = (fplot.shown(spawn, f, cat) for f in catalog.FAMILIES)
        spawn = [r for r in spawn if (r["alloc"], r["pt"], r["pid"]) == (a0, t0, p0)]
        label += f", alloc={a0} pt={t0} pid={p0}"
    methods = fplot.in_order(r["op"] for r in spawn if not r["op"].endswith(WAIT))
    for op in methods:
        for o in (op, op + WAIT):
            fplot.rss_series(out, f"spawn-{name}-{o}",
                             [r for r in spawn if r["op"] == o])
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
    sides = [side(out, out, rows, meta, side_label(meta))]
    if linux:
        lmeta = results.read_meta(linux)
        lrows = results.read_csv(os.path.join(linux, "results.csv"))
        sides.append(side(out, linux, lrows, lmeta, side_label(lmeta)))
    if not any(s[2] for s in sides):
        return []
    args = {"panels": " ".join(s[0] for s in sides)}
    for i, (name, title, methods, note) in enumerate(sides, start=1):
        args.update({f"title{i}": title, f"methods{i}": " ".join(methods), f"note{i}": note})
    return fplot.gnuplot("spawn.gp", out, **args)
