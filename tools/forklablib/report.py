"""forklab report: a run as one self-contained HTML page, no wider than a
1280-pixel window: what it found (summary.py's table) and where it ran at
the top, then each figure (an inline SVG image) with a line on how to read
it, then the main columns of results.csv and meta.json."""
import base64
import html
import os

from . import catalog, plot, results, summary, vpmu_plot
from .ui import group

# One line under each figure; cdf-OP figures share the "cdf" line.
HOW_TO_READ = {
    "fork_rss": "One curve per page-table strategy: fork's p50 against the parent's resident "
                "memory, both axes logarithmic. A curve that rises copies something per page; "
                "a flat one does not. vfork (dashed) shares the address space: it should stay "
                "flat.",
    "spawn": "Starting a program (the child execs the benchmark program, which exits at "
             "once) against the parent's resident memory, both axes logarithmic, one colour "
             "per method: solid until the parent has reaped the child, dashed until the "
             "parent can go on. fork+exec rises with the parent (its page tables are copied, "
             "then thrown away by exec); vfork, clone(CLONE_VM|CLONE_VFORK) and posix_spawn "
             "copy nothing and should stay flat. Where drawn, pthread-create and the raw "
             "clone-thread it wraps are starting a thread instead (solid until joined): flat "
             "too, since a thread shares the parent's memory. A panel per kernel; one that "
             "says 'not measured' names the call its kernel lacks.",
    "vpmu_spawn": "The spawn figure in the virtual PMU's counts (p50 of each, per call): "
                  "instructions as hardware retires them (a rep string instruction once, where "
                  "icount counts each iteration), the plugin's modelled cycles, L1D and DTLB "
                  "misses; one row per counter, a column per kernel, solid until reaped, "
                  "dashed until the parent goes on. A line that rises with the parent there "
                  "but not in instructions is the memory system's doing.",
    "fork_ops": "One group per allocator, one bar per operation at 1 resident page, log scale: "
                "lower is cheaper; follow one colour across the groups to see what the "
                "allocator alone changes.",
    "fork_phases": "Where a 1-page fork's time in the kernel goes, per allocator: each band is "
                   "one phase of the fork path (the kernel's own probes, p50 per phase), stacked; "
                   "a band that grows from one allocator to the next is the allocator's doing.",
    "cdf": "Every sample of this operation at 1 page, one curve per allocator: x is what a call "
           "cost, y the share of calls that cost at most that. A vertical step means most calls "
           "cost the same; a tail to the right, slow outliers.",
    "alloc": "A kmem_cache_alloc + kmem_cache_free pair with the cache warm, per object size, "
             "one curve per allocator: lower is cheaper; a flat curve does not care about size.",
    "pid": "alloc_pid + find_pid + free_pid against the number of live pids, one curve per pid "
           "strategy: a flat curve scales with the number of tasks, a rising one searches.",
    "vpmu_fork": "The virtual PMU's modelled misses per 1-page fork, one group per allocator "
                 "(L1D, L2, LLC, DTLB): what icount cannot see; a group taller than the others "
                 "touches memory the others keep in cache.",
    "vpmu_phases": "The virtual PMU's L1D misses in each step of copy_process, per allocator: "
                   "a band that grows from one allocator to the next is where its objects miss.",
    "vpmu_alloc": "The virtual PMU's misses per alloc+free pair of 64-byte objects, hot (the "
                  "cache warm) beside cold, per allocator: hot should be 0; cold shows what a "
                  "first touch costs each allocator.",
    "vpmu_rss": "Per resident page of the parent, against its size: instructions retired (a rep "
                "once, as hardware counts) above, L1D (solid) and DTLB (dashed) misses below; "
                "flat lines are a per-page cost, Linux's beside forklab's when drawn with it.",
    "scale": "Fork on several CPUs at once: each panel one op, each line one allocator, x the "
             "tasks (each pinned to its own CPU), y every task's rate summed (ops/s; under "
             "icount instructions per op instead). Dashed: the allocator's 1-task rate times "
             "the tasks, linear scaling; the gap is what the tasks cost each other. locks.csv "
             "says which lock they waited on.",
    "tlb": "A 1-page fork's cost against the parent's threads busy on other CPUs (p50, bars "
           "min to max): each such CPU must flush its TLB when fork write-protects the parent; "
           "the step from 0 threads is the shootdown IPI and its wait.",
    "parent_rss": "bench=parent: one fork (p50) against the parent's resident memory, log-log: "
                  "4 KiB pages written before each fork (dirty), only read (clean: each maps "
                  "the zero page), and in 2 MiB pages (thp=always). The 4 KiB lines grow by "
                  "one PTE a page; the 2 MiB one by one PD entry per 512 pages. Dashed, in "
                  "the same colours: Linux's (report --linux), whose clean line stays flat "
                  "(a VMA never written has no anon_vma, and fork copies none of it).",
    "parent_live": "bench=parent: one fork (p50) against the parent's separate VMAs (left, a "
                   "gap between each two) and its other threads (right, each yielding, with "
                   "its 64 KiB stack in one mapping): fork walks every VMA and every PTE "
                   "slot of each. Dashed: Linux's; a panel where the two are 10x apart or "
                   "more has a logarithmic y, so compare slopes there, not heights.",
    "parent_cow": "bench=parent: what fork left for later, the child's first write to every "
                  "page after one fork, summed (mean x n), against resident size, log-log. "
                  "With 4 KiB pages each write copies 4 KiB; with 2 MiB pages the first "
                  "write to each either copies the 2 MiB (thp_cow=copy: the other 511 are "
                  "free) or splits it (split, Linux's way), and then each write copies 4 KiB. "
                  "Dashed: Linux's (its two lines may lie on each other). Set it beside "
                  "parent_rss's fork at the same size: that is the part paid up front.",
}
FIGURES = ["fork_rss", "spawn", "vpmu_spawn", "fork_ops", "fork_phases", "cdf", "alloc", "pid", "scale", "tlb",
           "parent_rss", "parent_live", "parent_cow"] + \
    vpmu_plot.FIGURES
TABLE_COLUMNS = ["bench", "op", "alloc", "pt", "pid", "rss_pages", "size", "live", "n", "min",
                 "p50", "p90", "p99", "max", "child_first_run"]
META_SHOWN = ["host", "host_cpu", "host_cores", "host_kernel", "mode", "mode_why", "qemu",
              "compiler", "git_commit", "kernel", "kernel_sha256", "date", "wall_s", "jobs",
              "parts", "shard_part", "settings", "selection", "tsc_khz", "tsc_source",
              "timer_overhead_min", "probe_overhead", "user_timer_overhead_min", "pmu", "outcome",
              "rows"]
STYLE = """
body{font-family:sans-serif;margin:0 auto;padding:1em 2em;max-width:1100px;color:#222}
h1{font-size:1.5em;margin-bottom:.2em} h2{font-size:1.2em;margin-top:1.6em}
p.where{margin-top:0;color:#444} .dirty{color:#b00;font-weight:bold}
table{border-collapse:collapse;font-size:12px;max-width:100%}
td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}
th{background:#eee} td.l,th.l{text-align:left}
td.v{text-align:left;overflow-wrap:anywhere;max-width:880px}
figure{margin:1.2em 0} figure img{width:100%;max-width:800px;height:auto;display:block}
figcaption{font-size:13px;color:#333;max-width:800px} figcaption b{color:#000}
details summary{cursor:pointer;font-weight:bold}
"""


def esc(v):
    return html.escape(str(v))


def dirty(meta):
    return meta.get("git_dirty", str(meta.get("git_commit", "")).endswith("-dirty"))


def where_line(meta):
    """Host, mode and why, QEMU, commit (a dirty tree flagged), date."""
    commit = esc(meta.get("git_commit", "?"))
    if dirty(meta):
        commit += " <span class='dirty'>(dirty tree: built with uncommitted changes)</span>"
    mode = f"<b>{esc(meta.get('mode', '?'))}</b>"
    if meta.get("mode_why"):
        mode += f" ({esc(meta['mode_why'])})"
    return (f"<p class='where'>host {esc(meta.get('host', '?'))} ({esc(meta.get('host_cpu', '?'))}"
            f"); mode {mode}; {esc(meta.get('qemu', 'QEMU ?'))}; commit {commit}; "
            f"{esc(meta.get('date', ''))}</p>")


def summary_html(s):
    """summary.py's summary: the ops table and the findings under it."""
    parts = []
    if s["ops"]:
        parts.append(f"<p>{esc(summary.where(s))}:</p><table><tr><th class='l'>op</th>" +
                     "".join(f"<th>{esc(a)}</th>" for a in s["allocs"]) + "</tr>")
        for o in s["ops"]:
            parts.append(f"<tr><td class='l'>{esc(o['op'])}</td>" +
                         "".join(f"<td>{esc(c)}</td>" for c in summary.cells(s, o)) + "</tr>")
        parts.append("</table>")
    sc = s.get("scale")
    if sc and sc["by_alloc"]:
        icount = sc["by_alloc"][0]["x_linear"] is None
        parts.append(f"<p>{esc(sc['op'])}, pid={esc(sc['pid'])}: "
                     f"{'instructions per op' if icount else 'ops/s of all tasks'} on 1 and "
                     f"{sc['tasks']} CPUs at once:</p><table><tr><th class='l'>alloc</th>"
                     f"<th>1 task</th><th>{sc['tasks']} tasks</th>" +
                     ("" if icount else "<th>× linear</th>") + "</tr>")
        for x in sc["by_alloc"]:
            parts.append(f"<tr><td class='l'>{esc(x['alloc'])}</td><td>{esc(group(round(x['one'])))}"
                         f"</td><td>{esc(group(round(x['all'])))}</td>" +
                         ("" if icount else f"<td>{x['x_linear']:.2f}</td>") + "</tr>")
        parts.append("</table>")
    sp = s.get("spawn")
    if sp:
        cols = [f"{group(sp['from'])} page{'s' if sp['from'] > 1 else ''}",
                f"{group(sp['to'])} pages"]
        parts.append(f"<p>spawn ({esc(sp['set'])}), p50 {esc(s['unit'])} until the child is "
                     "reaped, and until the parent can go on:</p><table><tr><th class='l'>"
                     "method</th>" + "".join(f"<th>{c}, reaped</th>" for c in cols) +
                     "".join(f"<th>{c}, going on</th>" for c in cols) + "</tr>")
        for x in sp["by_op"]:
            parts.append(f"<tr><td class='l'>{esc(x['op'][:-len('-wait')])}</td>" + "".join(
                f"<td>{esc(group(round(x[k] or 0)))}</td>"
                for k in ("first", "last", "back_first", "back_last")) + "</tr>")
        parts.append("</table>")
    pa = s.get("parent")
    if pa and pa.get("sizes"):
        parts.append(f"<p>bench=parent, pt={esc(pa['pt'])}: p50 {esc(s['unit'])} of one fork "
                     f"against the parent's resident pages:</p><table><tr><th>pages</th>" +
                     "".join(f"<th>{esc(o)}</th>" for o in pa["ops"]) + "</tr>")
        for z in pa["sizes"]:
            parts.append(f"<tr><td>{esc(group(z['pages']))}</td>" + "".join(
                f"<td>{esc(group(round(v)) if v is not None else '-')}</td>" for v in z["p50"])
                + "</tr>")
        parts.append("</table>")
    parts += [f"<p>{esc(line)}</p>" for line in summary.findings(s)]
    return "\n".join(parts)


def figure_names(out):
    """The figures of run @out in FIGURES' order (their .svg files)."""
    have = sorted(n[:-4] for n in os.listdir(out) if n.endswith(".svg"))
    names = []
    for f in FIGURES:
        names += [n for n in have if n == f or (f == "cdf" and n.startswith("cdf-"))]
    return names


def figure_html(out, name):
    with open(os.path.join(out, name + ".svg"), "rb") as f:
        data = base64.b64encode(f.read()).decode("ascii")
    how = HOW_TO_READ["cdf" if name.startswith("cdf-") else name]
    return (f"<figure id='{esc(name)}'><img alt='{esc(name)}' src='data:image/svg+xml;base64,"
            f"{data}'><figcaption><b>How to read:</b> {esc(how)}</figcaption></figure>")


def table_html(rows, cols):
    shown = [c for c in TABLE_COLUMNS if c in cols and any(r.get(c) for r in rows)]
    parts = [f"<details><summary>Results: {len(rows)} rows (the main columns; every column, "
             "the phases' too, is in results.csv and results.json)</summary><table><tr>" +
             "".join(f"<th>{esc(c)}</th>" for c in shown) + "</tr>"]
    for r in rows:
        parts.append("<tr>" + "".join(f"<td>{esc(r.get(c, ''))}</td>" for c in shown) + "</tr>")
    parts.append("</table></details>")
    return "\n".join(parts)


def meta_html(meta):
    parts = ["<table>"]
    for k in [k for k in META_SHOWN + ["shards"] if meta.get(k) not in (None, "", [])]:
        v = meta[k]
        if k == "shards":
            v = f"{len(v)} QEMU boots (each one's command line and wall time: meta.json)"
        elif isinstance(v, dict):
            v = ", ".join(f"{a}={b}" for a, b in v.items())
        parts.append(f"<tr><th class='l'>{esc(k)}</th><td class='v'>{esc(v)}</td></tr>")
    return "\n".join(parts + ["</table>"])


def report(out):
    """Write @out/report.html; its path."""
    rows = results.read_csv(os.path.join(out, "results.csv"))
    meta = results.read_meta(out)
    s = summary.summarize(rows, meta, catalog.of_run(out))
    name = os.path.basename(os.path.abspath(out))
    parts = ["<!doctype html><html><head><meta charset='utf-8'>"
             "<meta name='viewport' content='width=device-width'>"
             f"<title>forklab run {esc(name)}</title><style>{STYLE}</style></head><body>",
             f"<h1>forklab run: {esc(name)}</h1>", where_line(meta),
             "<h2>What it found</h2>", summary_html(s),
             "<p>Cycles are TSC ticks measured from user space around each call (fork rows) or "
             "in the kernel (alloc, pid rows); under <b>icount</b> a tick is one guest "
             "instruction.</p>", "<h2>Figures</h2>"]
    parts += [figure_html(out, n) for n in figure_names(out)]
    parts += ["<h2>Results</h2>", table_html(rows, list(rows[0])), "<h2>Metadata</h2>",
              meta_html(meta), "</body></html>"]
    path = os.path.join(out, "report.html")
    with open(path, "w") as f:
        f.write("\n".join(parts))
    print(f"forklab: report in {os.path.relpath(path)}")
    return path


def cmd_report(argv):
    opts = plot.run_args(argv, "forklab report", "Write RUN/report.html.")
    if opts.linux or not os.path.exists(os.path.join(opts.run, "fork_rss.svg")):
        plot.plot(opts.run, linux=opts.linux)
    report(opts.run)
    return 0


COMMANDS = {"report": cmd_report}
