"""What a run found, in a few lines (in the manner of hyperfine and
benchstat): per op the p50 of each allocator with its n, the fork cost per
resident page of each page-table strategy, the fastest and slowest strategy
set, the mode and why. One summarize() for the terminal (text), the report
(its top table) and results.json."""
import math
import os

from . import catalog, parent_plot, plot, results
from .ui import group


def unit(meta):
    return "instructions" if meta.get("mode") == "icount" else "TSC ticks"


def cell(rows):
    """{"p50", "n"} of the one row in @rows, or None."""
    if not rows:
        return None
    return {"p50": results.fnum(rows[0], "p50"), "n": int(results.fnum(rows[0], "n") or 0)}


def slope(rows):
    """Fork cost per resident page over @rows (one strategy's fork sweep):
    (p50 at the largest size - p50 at the smallest) / the pages between."""
    pts = sorted((int(r["rss_pages"]), results.fnum(r, "p50")) for r in rows)
    if len(pts) < 2 or pts[-1][0] == pts[0][0]:
        return None
    (x0, y0), (x1, y1) = pts[0], pts[-1]
    return {"per_page": (y1 - y0) / (x1 - x0), "from": x0, "to": x1}


def set_scores(fork):
    """Per strategy set the geometric mean of its fork rows' p50s, over the
    configurations every set has (so that the means compare alike)."""
    by_set = {}
    for r in fork:
        by_set.setdefault((r["alloc"], r["pt"], r["pid"]), {})[(r["op"], r["rss_pages"])] = \
            results.fnum(r, "p50")
    common = set.intersection(*(set(c) for c in by_set.values())) if by_set else set()
    out = []
    for s, configs in by_set.items():
        vals = [configs[c] for c in common if configs[c] and configs[c] > 0]
        if vals:
            out.append({"set": "/".join(s), "geomean": math.exp(sum(map(math.log, vals)) /
                                                                len(vals)), "configs": len(vals)})
    return sorted(out, key=lambda x: x["geomean"])


def summarize(rows, meta, cat):
    """The summary of a run's @rows (meta.json's @meta, the kernel's @cat)."""
    fork = [r for r in rows if r["bench"] == "fork"]
    alloc = [r for r in rows if r["bench"] == "alloc"]
    s = {"mode": meta.get("mode"), "why": meta.get("mode_why", ""), "unit": unit(meta),
         "ops": [], "allocs": [], "slopes": [], "sets": []}
    if fork:
        a0, t0, p0 = (plot.shown(fork, f, cat) for f in catalog.FAMILIES)
        s["allocs"] = plot.in_order(r["alloc"] for r in fork)
        s["at"] = {"pt": t0, "pid": p0, "rss_pages": 1}
        one = [r for r in fork if r["rss_pages"] == "1" and r["pt"] == t0 and r["pid"] == p0]
        for op in plot.in_order(r["op"] for r in one):
            s["ops"].append({"op": op, "by_alloc": {a: cell([r for r in one if r["op"] == op and
                                                             r["alloc"] == a])
                                                    for a in s["allocs"]}})
        s["slope_at"] = {"alloc": a0, "pid": p0}
        for pt in plot.in_order(r["pt"] for r in fork):
            sl = slope([r for r in fork if r["op"] == "fork" and r["pt"] == pt and
                        r["alloc"] == a0 and r["pid"] == p0])
            if sl:
                s["slopes"].append(dict(pt=pt, **sl))
        scores = set_scores(fork)
        if len(scores) > 1:
            s["sets"] = [scores[0], scores[-1]]
    if alloc:
        size = str(min(int(r["size"]) for r in alloc))
        s["alloc_size"] = int(size)
        s["allocs"] = s["allocs"] or plot.in_order(r["alloc"] for r in alloc)
        for op in plot.in_order(r["op"] for r in alloc):
            s["ops"].append({"op": f"kmem {op} pair, {size} B", "by_alloc": {
                a: cell([r for r in alloc if r["op"] == op and r["alloc"] == a and
                         r["size"] == size]) for a in s["allocs"]}})
    s["spawn"] = spawning([r for r in rows if r["bench"] == "spawn"], cat)
    if meta.get("spawn_unavailable"):
        s["spawn_unavailable"] = meta["spawn_unavailable"]
    s["scale"] = scaling([r for r in rows if r["bench"] == "scale"], s["unit"], cat)
    tlb = sorted((int(r["live"]), results.fnum(r, "p50")) for r in rows if r["bench"] == "tlb")
    s["tlb"] = [{"threads": t, "p50": v} for t, v in tlb]
    s["parent"] = parent_facts([r for r in rows if r["bench"] == "parent"], cat)
    return s


def spawning(spawn, cat):
    """bench=spawn's methods until the child is reaped (the -wait rows, the
    shown strategy set): p50 at the smallest and the largest resident size."""
    if not spawn:
        return {}
    a0, t0, p0 = (plot.shown(spawn, f, cat) for f in catalog.FAMILIES)
    rows = [r for r in spawn if (r["alloc"], r["pt"], r["pid"]) == (a0, t0, p0)]
    sizes = sorted({int(r["rss_pages"]) for r in rows})
    out = {"set": "/".join((a0, t0, p0)), "from": sizes[0], "to": sizes[-1], "by_op": []}
    at = {(r["op"], int(r["rss_pages"])): results.fnum(r, "p50") for r in rows}
    cycles = {(r["op"], int(r["rss_pages"])): results.fnum(r, "pmu_cycles") for r in rows
              if r.get("pmu_cycles")}	# the virtual PMU's cost model, where it ran
    for op in plot.in_order(r["op"] for r in rows if r["op"].endswith("-wait")):
        back = op[:-len("-wait")]
        out["by_op"].append({"op": op, "first": at.get((op, sizes[0])),
                             "last": at.get((op, sizes[-1])),
                             "back_first": at.get((back, sizes[0])),
                             "back_last": at.get((back, sizes[-1])),
                             "cycles_first": cycles.get((op, sizes[0])),
                             "cycles_last": cycles.get((op, sizes[-1]))})
    return out


def parent_facts(parent, cat):
    """bench=parent at the default pt: fork at the largest resident size
    in 4 KiB pages (dirty, clean) and in 2 MiB ones, the first writes each
    leaves (their sum: mean x n), and the cost per VMA and per thread."""
    if not parent:
        return {}
    t0 = plot.shown(parent, "pt", cat)
    rows = [r for r in parent if r["pt"] == t0]

    def at(op, key, pick=max):
        got = [r for r in rows if r["op"] == op]
        return pick(got, key=lambda r: int(r[key])) if got else None
    out = {"pt": t0, "ops": [o for o in parent_plot.RSS_OPS if any(r["op"] == o for r in rows)]}
    by = {(r["op"], int(r["rss_pages"])): results.fnum(r, "p50") for r in rows
          if r["op"] in out["ops"]}
    out["sizes"] = [{"pages": n, "p50": [by.get((o, n)) for o in out["ops"]]}
                    for n in sorted({n for _, n in by})]
    dirty, thp = at("fork-dirty", "rss_pages"), at("fork-thp", "rss_pages")
    if dirty and thp and dirty["rss_pages"] == thp["rss_pages"]:
        clean = at("fork-clean", "rss_pages")
        out["rss"] = {"pages": int(dirty["rss_pages"]), "dirty": results.fnum(dirty, "p50"),
                      "thp": results.fnum(thp, "p50"),
                      "clean": results.fnum(clean, "p50") if clean else None}
        out["writes"] = {}
        for op in parent_plot.COW_OPS:
            w = at(op, "rss_pages")
            if w and w["rss_pages"] == dirty["rss_pages"]:
                out["writes"][op] = results.fnum(w, "mean") * int(w["n"])
    for op, what in (("fork-vmas", "vma"), ("fork-threads", "thread")):
        lo, hi = at(op, "live", min), at(op, "live")
        if lo and hi and hi["live"] != lo["live"]:
            out[what] = {"from": int(lo["live"]), "to": int(hi["live"]),
                         "per": (results.fnum(hi, "p50") - results.fnum(lo, "p50")) /
                                (int(hi["live"]) - int(lo["live"]))}
    return out


def scaling(scale, unit, cat):
    """bench=scale at its first op (fork-exit-wait), the default pid: per
    allocator its 1-task and N-task figure (ops/s; icount: instructions per
    op, per task) and, for ops/s, the ratio to linear."""
    if not scale:
        return {}
    op = scale[0]["op"]
    p0 = plot.shown(scale, "pid", cat)
    rows = [r for r in scale if r["op"] == op and r["pid"] == p0]
    most = max(int(r["live"]) for r in rows)
    icount = unit == "instructions"
    out = {"op": op, "pid": p0, "tasks": most, "by_alloc": []}
    for a in plot.in_order(r["alloc"] for r in rows):
        got = {int(r["live"]): results.fnum(r, "p50" if icount else "ops_per_s")
               for r in rows if r["alloc"] == a}
        if got.get(1) and got.get(most):
            out["by_alloc"].append({"alloc": a, "one": got[1], "all": got[most],
                                    "x_linear": None if icount else got[most] / (most * got[1])})
    return out


def where(s):
    """What the ops table holds: the unit, and the pt and pid it is at."""
    at = s.get("at")
    return f"p50 {s['unit']} (n)" + (f" at 1 page, pt={at['pt']} pid={at['pid']}" if at else "")


def cells(s, o):
    """Op @o's cells, one per allocator: "p50 (n)" or "-"."""
    return [f"{group(c['p50'])} ({c['n']})" if c else "-"
            for c in (o["by_alloc"].get(a) for a in s["allocs"])]


def per_page(v):
    """A cost per page to about three figures: 647, 64.7, 8.5, 0.052."""
    return group(round(v)) if abs(v) >= 100 else f"{v:.1f}" if abs(v) >= 10 else f"{v:.2g}"


def unavailable_line(gone):
    """The line for meta.json's spawn_unavailable @gone: method -> call and errno."""
    return "spawn not measured, this kernel lacks: " + ", ".join(
        f"{op} {why}" for op, why in gone.items())


def findings(s):
    """The lines under the ops table: cost per resident page, fastest and
    slowest strategy set."""
    lines = []
    if s["slopes"]:
        at = s["slope_at"]
        lines.append(f"fork cost per resident page (alloc={at['alloc']} pid={at['pid']}, "
                     f"{group(s['slopes'][0]['from'])} to {group(s['slopes'][0]['to'])} pages): "
                     + ", ".join(f"pt={x['pt']} {per_page(x['per_page'])}"
                                 for x in s["slopes"]) + f" {s['unit']} a page")
    if s["sets"]:
        fast, slow = s["sets"]
        lines.append(f"fastest strategy set: {fast['set']} (geometric mean of the p50s of its "
                     f"{fast['configs']} configurations, every op and size: "
                     f"{group(round(fast['geomean']))}); slowest: "
                     f"{slow['set']} ({group(round(slow['geomean']))}, "
                     f"{slow['geomean'] / fast['geomean']:.1f}x)")
    sp = s.get("spawn")
    if sp:
        def methods(first, last):	# "fork-exec 35 835 -> 11 770 130, ..."
            return ", ".join(f"{x['op'][:-len('-wait')]} {group(round(x[first] or 0))} -> "
                             f"{group(round(x[last] or 0))}" for x in sp["by_op"])
        lines.append(f"spawn until reaped (p50, {sp['set']}, {group(sp['from'])} -> "
                     f"{group(sp['to'])} pages): " + methods("first", "last"))
        if all(x["cycles_first"] and x["cycles_last"] for x in sp["by_op"]):
            lines.append("... in the virtual PMU's modelled cycles: " +
                         methods("cycles_first", "cycles_last"))
    if s.get("spawn_unavailable"):
        lines.append(unavailable_line(s["spawn_unavailable"]))
    sc = s.get("scale")
    if sc and sc["by_alloc"]:
        what = "instructions per op" if s["unit"] == "instructions" else "ops/s of all tasks"
        lines.append(f"{sc['op']} on 1 and {sc['tasks']} CPUs at once (pid={sc['pid']}), {what}: "
                     + ", ".join(f"{x['alloc']} {group(round(x['one']))} -> {group(round(x['all']))}"
                                 + (f" ({x['x_linear']:.2f}x linear)" if x["x_linear"] else "")
                                 for x in sc["by_alloc"]))
    lines += parent_findings(s.get("parent"), s["unit"])
    if len(s.get("tlb", [])) > 1:
        t = s["tlb"]
        lines.append(f"fork with 0 and {t[-1]['threads']} of its threads running elsewhere: "
                     f"{group(round(t[0]['p50']))} -> {group(round(t[-1]['p50']))} {s['unit']} "
                     f"(p50; the TLB shootdown: +{group(round(t[-1]['p50'] - t[0]['p50']))})")
    return lines


def parent_findings(p, unit):
    """bench=parent's lines: fork in 4 KiB and 2 MiB pages, the deferred
    first writes, the cost per VMA and per thread."""
    lines = []
    if p and p.get("rss"):
        r = p["rss"]
        mib = r["pages"] * 4 // 1024
        lines.append(f"fork of a {group(mib)} MiB parent (pt={p['pt']}): 4 KiB pages "
                     f"{group(round(r['dirty']))}" +
                     (f" (only read: {group(round(r['clean']))})" if r["clean"] else "") +
                     f", 2 MiB pages {group(round(r['thp']))} ({r['dirty'] / r['thp']:.0f}x "
                     f"cheaper); the first writes to every page afterwards, in all: " +
                     ", ".join(f"{op[10:] or op} {group(round(v))}"
                               for op, v in p["writes"].items()) + f" {unit}")
    for what in ("vma", "thread"):
        if p and p.get(what):
            x = p[what]
            lines.append(f"fork per {what} of the parent ({group(x['from'])} to "
                         f"{group(x['to'])}): {per_page(x['per'])} {unit}")
    return lines


def text(s, report=None):
    """The summary as terminal lines."""
    lines = [f"mode: {s['mode']}" + (f" ({s['why']})" if s["why"] else "")]
    if s["ops"]:
        lines.append(where(s) + ":")
        width = max(len(o["op"]) for o in s["ops"]) + 2
        lines.append(" " * width + "".join(f"{a:>16}" for a in s["allocs"]))
        for o in s["ops"]:
            lines.append(f"{o['op']:<{width}}" + "".join(f"{c:>16}" for c in cells(s, o)))
    lines += findings(s)
    if report:
        lines.append(f"report: {report}")
    return lines


def show(out):
    """Print the summary of run directory @out."""
    rows = results.read_csv(os.path.join(out, "results.csv"))
    report = os.path.join(out, "report.html")
    for line in text(summarize(rows, results.read_meta(out), catalog.of_run(out)),
                     os.path.relpath(report) if os.path.exists(report) else None):
        print(line)
