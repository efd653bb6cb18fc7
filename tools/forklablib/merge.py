"""Joining parts of a run into one run directory: the shards of forklab run
-j, and (forklab merge) run directories made by other jobs or hosts of the
same kernel, mode and settings. Rows come out in the order one boot of the
kernel prints them, whatever order the parts ran in."""
import argparse
import csv
import json
import os

from . import catalog, plot, qemu, report, results, summary
from .ui import warn

# what must be equal in runs that merge into one: one kernel, one mode, one
# set of per-configuration settings (iters, rss_max, samples, pmu events)
SAME = (("kernel_sha256", "kernels"), ("mode", "modes"), ("settings", "settings"))


def kernel_order(rows, cat):
    """@rows as one kernel run prints them: by benchmark in the order the
    kernel lists them (bench_main runs its table in order), then by alloc,
    pt and pid in the order it lists their strategies (strategy_set_at
    counts sets alloc-major, pid-minor; the alloc and pid benchmarks loop
    over their one family); rows that tie keep their order."""
    ranks = {"bench": {n: i for i, n in enumerate(cat.bench_names())}}
    for f in catalog.FAMILIES:
        ranks[f] = {n: i for i, n in enumerate(cat.names(f))}

    def rank(row):
        return (ranks["bench"].get(row.get("bench", "fork"), -1),) + \
            tuple(ranks[f].get(row.get(f, ""), -1) for f in catalog.FAMILIES)
    return sorted(rows, key=rank)


def check_same(metas, names):
    """Refuse (UsageError) runs whose kernel, mode or settings differ, or
    one that does not say which kernel made it."""
    for field, what in SAME:
        for meta, name in zip(metas, names):
            if field not in meta:
                raise qemu.UsageError(f"{name} does not record its {field} (a run made before "
                                      "forklab merge): cannot tell that it is the same kernel")
        values = [json.dumps(m[field], sort_keys=True) for m in metas]
        if len(set(values)) > 1:
            i = next(i for i, v in enumerate(values) if v != values[0])
            raise qemu.UsageError(f"{names[0]} and {names[i]} are runs of different {what} "
                                  f"({field} {values[0]} vs {values[i]}); only runs of one "
                                  "kernel, mode and settings merge")


def check_disjoint(row_sets, names):
    """Refuse runs that hold the same configuration."""
    seen = {}
    for rows, name in zip(row_sets, names):
        for r in rows:
            key = tuple(r[k] for k in results.KEY)
            if key in seen and seen[key] != name:
                raise qemu.UsageError(f"{seen[key]} and {name} both hold "
                                      f"{'/'.join(k for k in key if k)}: the same part twice")
            seen[key] = name


def joined_meta(metas, rows):
    """One meta.json for parts that check_same accepted: the first one's,
    with every part's shards, hosts and git commits."""
    meta = dict(metas[0])
    meta["shards"] = sorted((s for m in metas for s in m.get("shards", [])),
                            key=lambda s: s.get("index", 0))
    for field in ("host", "git_commit"):
        values = list(dict.fromkeys(str(m.get(field, "?")) for m in metas))
        meta[field] = values[0] if len(values) == 1 else ", ".join(values)
    meta["git_dirty"] = any(m.get("git_dirty") for m in metas)
    meta["rows"] = len(rows)
    meta["shard_part"] = None
    return meta


def write_run(out, rows, cols, samples, meta, logs, cat):
    """The files of a run directory: results.csv, samples.csv (when there
    are samples), meta.json, results.json and log.txt (@logs: (title,
    lines) per part, each after a '# part' line that no parser reads)."""
    results.write_csv(os.path.join(out, "results.csv"), rows, cols)
    if samples:
        results.write_samples(os.path.join(out, "samples.csv"), samples)
    with open(os.path.join(out, "meta.json"), "w") as f:
        json.dump(meta, f, indent=2)
    results.write_json(os.path.join(out, "results.json"), meta, cols, rows,
                       summary.summarize(rows, meta, cat))
    with open(os.path.join(out, "log.txt"), "w") as f:
        for title, lines in logs:
            if len(logs) > 1:
                f.write(f"# part: {title}\n")
            f.writelines(line + "\n" for line in lines)


# the other per-row files a run may hold, joined like results.csv
EXTRA_CSVS = ("vpmu.csv", "locks.csv")


def join_extra(runs, out, cat):
    """Each of EXTRA_CSVS that the runs hold, their rows in kernel order."""
    for name in EXTRA_CSVS:
        paths = [os.path.join(r, name) for r in runs if os.path.exists(os.path.join(r, name))]
        if not paths:
            continue
        try:
            sets = [list(csv.DictReader(open(p, newline=""))) for p in paths]
        except OSError as e:
            raise qemu.UsageError(f"cannot read {e.filename}: {e.strerror}")
        rows = [r for rows in sets for r in rows]
        if rows:
            results.write_csv(os.path.join(out, name), kernel_order(rows, cat), list(rows[0]))


def read_log(run):
    try:
        with open(os.path.join(run, "log.txt"), errors="replace") as f:
            return [line.rstrip("\n") for line in f]
    except OSError:
        return []


def cmd_merge(argv):
    p = argparse.ArgumentParser(
        prog="forklab merge",
        description="Join run directories of one kernel, mode and settings (forklab run "
        "--shard I/N on several CI jobs or hosts) into one, in the kernel's row order; "
        "then plots, report and summary.")
    p.add_argument("runs", nargs="+", metavar="RUN")
    p.add_argument("--out", required=True, help="the merged run directory (must not exist)")
    p.add_argument("--no-plots", action="store_true")
    opts = p.parse_args(argv)
    for r in opts.runs:
        results.check_run(r)
    if os.path.exists(opts.out):
        raise qemu.UsageError(f"--out {opts.out}: exists; forklab merge writes a new directory")
    metas = [results.read_meta(r) for r in opts.runs]
    check_same(metas, opts.runs)
    row_sets = [results.read_csv(os.path.join(r, "results.csv")) for r in opts.runs]
    cols = list(row_sets[0][0])
    for rows, name in zip(row_sets, opts.runs):
        if list(rows[0]) != cols:
            raise qemu.UsageError(f"{name}: its results.csv columns differ from {opts.runs[0]}'s")
    check_disjoint(row_sets, opts.runs)
    logs = [(r, read_log(r)) for r in opts.runs]
    cat = catalog.of_log(logs[0][1])
    rows = kernel_order([r for rows in row_sets for r in rows], cat)
    samples = []
    for r in opts.runs:
        if os.path.exists(os.path.join(r, "samples.csv")):
            samples += results.read_sample_rows(r)
    meta = joined_meta(metas, rows)
    os.makedirs(opts.out)
    write_run(opts.out, rows, cols, kernel_order(samples, cat), meta, logs, cat)
    join_extra(opts.runs, opts.out, cat)
    planned = max(m.get("parts", 0) for m in metas)
    held = len(meta["shards"])
    print(f"forklab merge: {len(rows)} result rows from {len(opts.runs)} runs "
          f"({held} of {planned} parts) in {os.path.relpath(opts.out)}")
    if held < planned:
        warn(f"forklab merge: {planned - held} parts of the run are missing; the merge "
             "holds what the given runs hold")
    if not opts.no_plots:
        plot.plot(opts.out)
        report.report(opts.out)
    summary.show(opts.out)
    return 0


COMMANDS = {"merge": cmd_merge}
