"""forklab compare: two runs configuration by configuration: the p50 ratio
B/A with a bootstrap confidence interval and a Mann-Whitney test on the raw
samples (runs made with --samples), else the p50 ratio against a tolerance."""
import argparse
import json
import os
import sys

from . import qemu, results, stats
from .results import SAMPLE_KEY, KEY, fnum

FORMATS = ("text", "json")


def select_rows(rows, select):
    """@rows narrowed by 'field=value,...' wherever they hold several values
    of that field (a run of one strategy set is left as it is)."""
    for item in filter(None, select.split(",")):
        field, _, value = item.partition("=")
        if field not in ("alloc", "pt", "pid") or not value:
            raise qemu.UsageError(f"--select: '{item}' is not alloc=, pt= or pid= with a value")
        if len({r[field] for r in rows if r[field]}) > 1:
            rows = [r for r in rows if r[field] in (value, "")]
    return rows


def differing_fields(a_rows, b_rows):
    """Strategy fields that hold one value in each run, a different one:
    compare matches configurations across them (alloc=page vs alloc=slub)."""
    out = []
    for f in ("alloc", "pt", "pid"):
        va = {r[f] for r in a_rows if r[f]}
        vb = {r[f] for r in b_rows if r[f]}
        if len(va) == 1 and len(vb) == 1 and va != vb:
            out.append((f, va.pop(), vb.pop()))
    return out


def compare_runs(opts):
    """(notes, one dict per configuration in both runs, counts) for two runs."""
    a_rows = select_rows(results.read_csv(os.path.join(opts.run_a, "results.csv")), opts.select)
    b_rows = select_rows(results.read_csv(os.path.join(opts.run_b, "results.csv")), opts.select)
    across = differing_fields(a_rows, b_rows)
    wild = {f for f, _, _ in across}
    notes = []
    if across:
        notes.append("matching across " +
                     ", ".join(f"{f}={x} (A) vs {f}={y} (B)" for f, x, y in across))

    def key(r):
        return tuple("*" if k in wild else r[k] for k in KEY)
    sa, sb = results.read_samples(opts.run_a), results.read_samples(opts.run_b)
    for run, s in ((opts.run_a, sa), (opts.run_b, sb)):
        if s is None:
            notes.append(f"{run} has no samples.csv: p50 ratios only "
                         "(forklab run --samples keeps them)")

    def samples(s, r):
        return None if s is None else s.get(tuple(r[c] for c in SAMPLE_KEY))
    bmap = {key(r): r for r in b_rows}
    out, counts = [], {"slower": 0, "faster": 0, "same": 0, "p50_only": 0}
    for ra in a_rows:
        rb = bmap.get(key(ra))
        x, y = fnum(ra, "p50"), (fnum(rb, "p50") if rb else None)
        if rb is None or x is None or y is None:
            continue
        xs, ys = samples(sa, ra), samples(sb, rb)
        row = {"config": {k: v for k, v in zip(KEY, key(ra)) if v}, "a_p50": x, "b_p50": y}
        if xs and ys and len(xs) > 1 and len(ys) > 1:
            c = stats.compare_samples(xs, ys, alpha=opts.alpha)
            row.update(ratio=c["ratio"], ci=list(c["ci"]), p=c["p"], significant=c["significant"])
        else:
            ratio = y / x if x else float("inf")
            row.update(ratio=ratio, ci=None, p=None,
                       significant=abs(ratio - 1) * 100 > opts.tolerance)
            counts["p50_only"] += 1
        row["verdict"] = "same" if not row["significant"] else \
            "slower" if row["ratio"] > 1 else "faster"
        counts[row["verdict"]] += 1
        out.append(row)
    if not out:
        raise qemu.UsageError("the two runs have no configuration in common")
    return notes, out, counts


def print_table(notes, rows, counts, tolerance):
    for n in notes:
        print(f"forklab compare: {n}")
    print(f"{'configuration':<46} {'A p50':>10} {'B p50':>10} {'B/A':>7} {'95% CI':>17} "
          f"{'p':>7}  verdict")
    for r in rows:
        name = "/".join(r["config"].values())
        ci = f"[{r['ci'][0]:.3f}, {r['ci'][1]:.3f}]" if r["ci"] else "(p50 only)"
        pv = f"{r['p']:.3g}" if r["p"] is not None else "-"
        verdict = "~" if not r["significant"] else f"{(r['ratio'] - 1) * 100:+.1f}%"
        print(f"{name:<46} {r['a_p50']:>10.0f} {r['b_p50']:>10.0f} {r['ratio']:>7.3f} {ci:>17} "
              f"{pv:>7}  {verdict}")
    print(f"{len(rows)} compared: {counts['slower']} significantly slower in B, "
          f"{counts['faster']} significantly faster, {counts['same']} no significant difference" +
          (f" ({counts['p50_only']} without samples: judged by p50 ratio against "
           f"±{tolerance:g}%, not by a test)" if counts["p50_only"] else ""))


def cmd_compare(argv):
    p = argparse.ArgumentParser(
        prog="forklab compare",
        description="Per configuration, the p50 ratio B/A with a 95%% bootstrap confidence "
        "interval and a Mann-Whitney p-value on the raw samples (runs made with --samples); "
        "flagged when significant. Without samples, the p50 ratio against --tolerance.")
    p.add_argument("run_a")
    p.add_argument("run_b")
    p.add_argument("--tolerance", type=float, default=2.0,
                   help="percent, for configurations without samples (default 2)")
    p.add_argument("--alpha", type=float, default=0.05, help="significance level (default 0.05)")
    p.add_argument("--select", default="",
                   help="e.g. alloc=slub,pt=cow,pid=hash: in a run holding several values of a "
                   "field keep only these rows (to set one strategy set against a Linux run)")
    p.add_argument("--format", choices=FORMATS, default="text",
                   help="text (a table) or json (one object on stdout, for CI tools)")
    opts = p.parse_args(argv)
    for r in (opts.run_a, opts.run_b):
        results.check_run(r)
    notes, rows, counts = compare_runs(opts)
    if opts.format == "json":
        json.dump({"a": opts.run_a, "b": opts.run_b, "alpha": opts.alpha,
                   "tolerance": opts.tolerance, "notes": notes, "counts": counts,
                   "configurations": rows}, sys.stdout, indent=1)
        print()
    else:
        print_table(notes, rows, counts, opts.tolerance)
    return 0


COMMANDS = {"compare": cmd_compare}
