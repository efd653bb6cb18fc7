"""The bench=parent figures: one fork against the parent's resident memory
(parent_rss: 4 KiB pages written, only read, 2 MiB pages), against its VMAs
and threads (parent_live), and what fork deferred (parent_cow: the child's
first writes to every page, their sum, mean x n, against resident size).
forklab's lines are solid; with a `forklab linux --bench parent` run
Linux's join them dashed, each op in the same colour on both sides, and a
panel whose two sides differ by LOG_APART or more gets a logarithmic y."""
import os

from . import catalog, results
from . import plot as fplot
from .spawn_plot import side_label

RSS_OPS = ("fork-dirty", "fork-clean", "fork-thp")		# parent_rss's lines
LIVE_OPS = ("fork-vmas", "fork-threads")			# parent_live's panels
COW_OPS = ("cow-write-4k", "cow-write-thp-copy", "cow-write-thp-split")	# parent_cow's
LOG_APART = 10		# forklab / Linux, either way, at one x: y on a log scale


def shown_rows(run, rows):
    """@rows' bench=parent rows at the pt a figure shows (the run's
    default, or the first: Linux's are all 'linux')."""
    parent = [r for r in rows if r["bench"] == "parent"]
    if not parent:
        return []
    t0 = fplot.shown(parent, "pt", catalog.of_run(run))
    return [r for r in parent if r["pt"] == t0]


def points(rows, op, x):
    """{x: y} of op @op: @x is rss_pages (drawn in KiB) or live; y the p50,
    for first writes their sum (mean x n)."""
    out = {}
    for r in rows:
        if r["op"] == op:
            key = int(r[x]) * (4 if x == "rss_pages" else 1)
            out[key] = (results.fnum(r, "mean") * int(r["n"]) if op in COW_OPS
                        else results.fnum(r, "p50"))
    return out


def write_side(out, prefix, rows, ops, x):
    """parent-PREFIXOP.dat for each of @ops that @rows hold; {op: points}."""
    got = {op: points(rows, op, x) for op in ops}
    got = {op: p for op, p in got.items() if p}
    for op, p in got.items():
        fplot.write_dat(os.path.join(out, f"parent-{prefix}{op}.dat"),
                        "x sum" if op in COW_OPS else "x p50",
                        [(k, f"{v:.0f}") for k, v in sorted(p.items())])
    return got


def apart(a, b):
    """Whether points @a and @b differ by LOG_APART or more at some x."""
    return any(max(a[k], b[k]) >= LOG_APART * min(a[k], b[k]) for k in a.keys() & b.keys()
               if min(a[k], b[k]) > 0)


def plot(out, rows, mode, linux=None):
    """parent_rss, parent_live and parent_cow of @out's bench=parent rows,
    with @linux's (a forklab linux --bench parent run) dashed beside them."""
    mine = shown_rows(out, rows)
    if not mine:
        return []
    theirs, lsub = [], ""
    if linux:
        theirs = shown_rows(linux, results.read_csv(os.path.join(linux, "results.csv")))
        lsub = f"{side_label(results.read_meta(linux))}, " if theirs else ""
    r0 = mine[0]
    made = []
    for script, ops, x in (("parent_rss.gp", RSS_OPS, "rss_pages"),
                           ("parent_live.gp", LIVE_OPS, "live"),
                           ("parent_cow.gp", COW_OPS, "rss_pages")):
        f = write_side(out, "", mine, ops, x)
        lx = write_side(out, "linux-", theirs, ops, x)
        if not f:
            continue
        def n_of(side, got):		# a first-write row's n is every page
            return ("n = every page" if ops == COW_OPS else
                    fplot.n_range([r for r in side if r["op"] in got]))
        made += fplot.gnuplot(
            script, out, series=" ".join(f), lseries=" ".join(lx),
            logy=" ".join(op for op in f if op in lx and apart(f[op], lx[op])),
            subtitle=f"{mode}, alloc={r0['alloc']} pt={r0['pt']} pid={r0['pid']}, "
                     + n_of(mine, f),
            lsubtitle=f"{lsub}{n_of(theirs, lx)}" if lx else "")
    return made
