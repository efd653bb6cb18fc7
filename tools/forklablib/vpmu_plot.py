"""The virtual PMU's figures, from a run's vpmu.csv (forklab plot draws them
when it is there): misses per fork by allocator, the cold and hot paths of
the allocator benchmark, misses per phase of copy_process, and instructions
and misses per resident page against resident size, Linux's beside."""
import os

from . import plot as fplot
from . import results, vpmu

FIGURES = ["vpmu_fork", "vpmu_phases", "vpmu_alloc", "vpmu_rss"]	# report.html's order
MISSES = ["l1d_miss", "l2_miss", "llc_miss", "dtlb_miss"]
PER_PAGE = ["inst", "l1d_miss", "dtlb_miss"]	# what vpmu_rss draws per resident page


def num(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return 0.0


def scoped(rows, scope):
    return [r for r in rows if r["scope"] == scope]


def plot_fork(out, rows, a0, t0, p0, mode):
    """misses of a 1-page fork from user space, per allocator (t0, p0)."""
    one = [r for r in scoped(rows, "call") if r["bench"] == "fork" and r["op"] == "fork" and
           r["rss_pages"] == "1" and r["pt"] == t0 and r["pid"] == p0]
    if not one or "l1d_miss" not in one[0]:
        return []
    fplot.write_dat(os.path.join(out, "vpmu_fork.dat"), "alloc " + " ".join(MISSES),
              [[r["alloc"]] + [r[m] for m in MISSES] for r in one])
    return fplot.gnuplot("vpmu_fork.gp", out, mode=mode, series=" ".join(MISSES),
                   subtitle=f"pt={t0} pid={p0}, 1-page fork, n = {one[0]['n']}")


def plot_phases(out, rows, t0, p0, phases, mode):
    """L1D misses per phase of a 1-page fork, stacked, per allocator."""
    lines = []
    for a in fplot.in_order(r["alloc"] for r in rows if r["bench"] == "fork"):
        mine = {r["scope"]: r for r in rows if r["op"] == "fork" and r["rss_pages"] == "1" and
                r["alloc"] == a and r["pt"] == t0 and r["pid"] == p0}
        if all(p in mine and "l1d_miss" in mine[p] for p in phases):
            lines.append([a] + [mine[p]["l1d_miss"] for p in phases])
    if not lines or not phases:
        return []
    fplot.write_dat(os.path.join(out, "vpmu_phases.dat"), "alloc " + " ".join(phases), lines)
    return fplot.gnuplot("vpmu_phases.gp", out, mode=mode, ncolumns=len(phases) + 1,
                   subtitle=f"pt={t0} pid={p0}, 1-page fork")


def plot_alloc(out, rows, mode):
    """L1D misses per alloc+free pair, hot and cold, per allocator (64 bytes)."""
    pairs = [r for r in scoped(rows, "call") if r["bench"] == "alloc" and r["size"] == "64"]
    if not pairs or "l1d_miss" not in pairs[0]:
        return []
    lines = []
    for a in fplot.in_order(r["alloc"] for r in pairs):
        v = {r["op"]: r for r in pairs if r["alloc"] == a}
        lines.append([a] + [v[op][m] if op in v else 0 for op in ("hot", "cold")
                            for m in ("l1d_miss", "dtlb_miss")])
    fplot.write_dat(os.path.join(out, "vpmu_alloc.dat"), "alloc hot_l1d hot_dtlb cold_l1d cold_dtlb",
              lines)
    return fplot.gnuplot("vpmu_alloc.gp", out, mode=mode)


def rss_per_page(out, name, rows):
    """vpmu_rss-NAME.dat: PER_PAGE counts of a fork divided by resident pages."""
    rows = sorted(rows, key=lambda r: int(r["rss_pages"]))
    fplot.write_dat(os.path.join(out, f"vpmu_rss-{name}.dat"), "rss_kib " + " ".join(PER_PAGE),
              [[int(r["rss_pages"]) * 4] + [f"{num(r.get(c)) / int(r['rss_pages']):.3f}"
                                            for c in PER_PAGE] for r in rows])


def plot_rss(out, rows, a0, p0, mode, linux):
    """instructions and misses per resident page of a fork against resident
    size, per pt (a0, p0), and Linux's from @linux's vpmu.csv."""
    fork = [r for r in scoped(rows, "call") if r["bench"] == "fork" and r["op"] == "fork" and
            r["alloc"] == a0 and r["pid"] == p0]
    series = []
    for pt in fplot.in_order(r["pt"] for r in fork):
        mine = [r for r in fork if r["pt"] == pt]
        if len(mine) > 1 and "l1d_miss" in mine[0]:
            rss_per_page(out, pt, mine)
            series.append(pt)
    theirs = vpmu.read_csv(linux) if linux else None
    lfork = [r for r in scoped(theirs or [], "call") if r["op"] == "fork"]
    if len(lfork) > 1 and "l1d_miss" in lfork[0]:
        rss_per_page(out, "linux", lfork)
        series.append("linux")
    if not series:
        return []
    return fplot.gnuplot("vpmu_rss.gp", out, mode=mode, series=" ".join(series),
                   subtitle=f"alloc={a0} pid={p0}")


def plot(out, mode, shown=None, linux=None):
    """The virtual PMU's figures of @out (none without a vpmu.csv); @shown:
    the (alloc, pt, pid) the fork figures hold, None without fork rows."""
    rows = vpmu.read_csv(out)
    if not rows:
        return []
    made = plot_alloc(out, rows, mode)
    if shown:
        a0, t0, p0 = shown
        phases = [results.phase_name(c) for c in results.phase_columns(
            results.read_csv(os.path.join(out, "results.csv"))[0]) if c != "phase_total"]
        made += (plot_fork(out, rows, a0, t0, p0, mode) +
                 plot_phases(out, rows, t0, p0, phases, mode) +
                 plot_rss(out, rows, a0, p0, mode, linux))
    return made
