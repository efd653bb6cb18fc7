"""forklab report: a run as one self-contained HTML page (its plots as
inline SVG, results.csv as a table, meta.json)."""
import html
import os

from . import plot, results, vpmu_plot


def report(out):
    """Write @out/report.html; its path."""
    rows = results.read_csv(os.path.join(out, "results.csv"))
    cols = list(rows[0])
    meta = results.read_meta(out)
    parts = ["<!doctype html><html><head><meta charset='utf-8'><title>forklab run</title>",
             "<style>body{font-family:sans-serif;margin:2em;max-width:1100px}"
             "table{border-collapse:collapse;font-size:12px}td,th{border:1px solid #ccc;"
             "padding:2px 6px;text-align:right}th{background:#eee}svg{max-width:100%;height:auto}"
             "</style></head><body>",
             f"<h1>forklab run: {html.escape(os.path.basename(os.path.abspath(out)))}</h1>",
             "<p>Cycles are TSC ticks measured from user space around each call (fork rows) or "
             "in the kernel (alloc, pid rows); under <b>icount</b> a tick is one guest "
             "instruction. Phase columns are the kernel's per-phase p50s of copy_process.</p>"]
    cdfs = sorted(n[:-4] for n in os.listdir(out) if n.startswith("cdf-") and n.endswith(".svg"))
    for name in ["fork_rss", "fork_ops", "fork_phases"] + cdfs + ["alloc", "pid"] + \
            vpmu_plot.FIGURES:
        svg = os.path.join(out, name + ".svg")
        if os.path.exists(svg):
            with open(svg) as f:
                body = f.read()
            body = body[body.find("<svg"):]
            parts.append(f"<h2>{name}</h2>{body}")
    parts.append("<h2>Results</h2><table><tr>" +
                 "".join(f"<th>{html.escape(c)}</th>" for c in cols) + "</tr>")
    for r in rows:
        parts.append("<tr>" + "".join(f"<td>{html.escape(r.get(c, ''))}</td>" for c in cols)
                     + "</tr>")
    parts.append("</table><h2>Metadata</h2><table>")
    for k, v in meta.items():
        parts.append(f"<tr><th>{html.escape(str(k))}</th><td style='text-align:left'>"
                     f"{html.escape(str(v))}</td></tr>")
    parts.append("</table></body></html>")
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
