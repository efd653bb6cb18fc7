"""forklab gate: the deterministic regression gate. An icount run of every
strategy with the virtual PMU, compared metric by metric with
results/baseline-icount.csv (instructions, p50 and the phase total) and
results/baseline-icount-vpmu.csv (hardware-style instructions and the
modelled misses, per call and for kernel_clone)."""
import argparse
import contextlib
import json
import os
import shutil
import sys

from . import qemu, results, run, vpmu
from .exitcodes import ROOT
from .results import KEY, fnum
from .ui import warn

BASELINE = os.path.join(ROOT, "results", "baseline-icount.csv")
GATE_ARGS = ["--mode", "icount", "--iters", "10", "--rss-max", "16", "--bench", "fork,alloc,pid",
             "--no-plots", "--vpmu", "cache"]
VPMU_SCOPES = ("call", "total")
# the virtual PMU's metrics: (how far each may move whatever the percentage,
# its tolerance in percent, None: --tolerance). inst as exactly as the p50s;
# a modelled miss count more loosely, since the kernel's layout moves lines
# between cache sets (measured: 4 KiB more kernel data moved one row's L2
# misses from 1 973 to 1 805, 8.5%, and another's L1D misses by 13)
MISS_SLACK, MISS_TOLERANCE = 16, 10.0
VPMU_METRICS = dict(inst=(0, None), **{m: (MISS_SLACK, MISS_TOLERANCE) for m in (
    "l1d_miss", "l2_miss", "llc_miss", "dtlb_miss", "walk_load", "walk_store")})
WIDEN = 5.0	# tolerance factor when the compiler or QEMU differ from the baseline's


def keyed(rows, key=KEY):
    return {tuple(r[k] for k in key): r for r in rows}


def compare_rows(base, now, metrics=("p50", "phase_total"), tolerance=2.0, key=KEY, loose=None):
    """[(key, metric, base, now, change %, verdict)] for rows in both; for a
    metric of @loose, (slack, tolerance): a change of slack or less is the
    same, and its own tolerance (if not None) stands for @tolerance."""
    b, n = keyed(base, key), keyed(now, key)
    out = []
    for k in b:
        if k not in n:
            out.append((k, "-", None, None, None, "missing"))
            continue
        for m in metrics:
            x, y = fnum(b[k], m), fnum(n[k], m)
            if x is None or y is None:
                continue
            change = (y - x) / x * 100 if x else (100.0 if y > x else 0.0)
            slack, tol = (loose or {}).get(m, (0, None))
            tol = tolerance if tol is None else tol
            verdict = ("same" if abs(y - x) <= slack else "worse" if change > tol
                       else "better" if change < -tol else "same")
            out.append((k, m, x, y, change, verdict))
    return out


def print_table(result):
    print(f"{'configuration':<58} {'metric':<12} {'baseline':>10} {'now':>10} {'change':>8}  verdict")
    for k, m, x, y, ch, v in result:
        name = "/".join(p for p in k if p)
        if x is None:
            print(f"{name:<58} {'-':<12} {'-':>10} {'-':>10} {'-':>8}  {v}")
        else:
            print(f"{name:<58} {m:<12} {x:>10.0f} {y:>10.0f} {ch:>+7.2f}%  {v}")


def vpmu_rows(path):
    """The rows of a vpmu.csv the gate compares: the call and kernel_clone."""
    return [r for r in vpmu.read_file(path) if r["scope"] in VPMU_SCOPES]


def toolchain():
    return {"compiler": run.command_output(["gcc", "--version"]),
            "qemu": run.command_output([qemu.QEMU, "--version"])}


def gate_run(out, kernel=None):
    """The gate's icount run into @out; its status. What the run prints goes
    to stderr, so that stdout holds the gate's verdict alone."""
    argv = GATE_ARGS + ["--out", out]
    if kernel:
        argv += ["--kernel", kernel]
    with contextlib.redirect_stdout(sys.stderr):
        return run.cmd_run(argv)


def as_json(result, tol, differs, baseline):
    """The gate's verdict as one JSON object: every metric that is not
    "same", the counts, and pass or fail."""
    def entry(r):
        k, m, x, y, ch, v = r
        return {"config": {f: val for f, val in zip(KEY + ["scope"], k) if val}, "metric": m,
                "baseline": x, "now": y, "change_pct": ch, "verdict": v}
    bad = [r for r in result if r[5] in ("worse", "missing")]
    return {"baseline": os.path.relpath(baseline), "tolerance_pct": tol,
            "toolchain_differs": differs, "metrics": len(result),
            "worse": len([r for r in result if r[5] == "worse"]),
            "missing": len([r for r in result if r[5] == "missing"]),
            "better": len([r for r in result if r[5] == "better"]),
            "verdict": "fail" if bad else "pass",
            "changed": [entry(r) for r in result if r[5] != "same"]}


def cmd_gate(argv):
    p = argparse.ArgumentParser(prog="forklab gate",
                                description="The deterministic regression gate: an icount run "
                                "of every strategy compared with the committed baseline.")
    p.add_argument("--baseline", default=BASELINE)
    p.add_argument("--tolerance", type=float, default=2.0, help="percent (default 2)")
    p.add_argument("--kernel", help="kernel to test (default build/forklab.elf)")
    p.add_argument("--out", help="where the gate's run goes (default build/gate)")
    p.add_argument("--update", action="store_true", help="write the baseline instead (make baseline)")
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help="text (a table) or json (one object on stdout, for CI tools)")
    opts = p.parse_args(argv)
    out = opts.out or os.path.join(ROOT, "build", "gate")
    shutil.rmtree(out, ignore_errors=True)
    rc = gate_run(out, opts.kernel)
    if rc:
        warn("forklab gate: the icount run failed")
        return rc
    now = results.read_csv(os.path.join(out, "results.csv"))
    side = os.path.splitext(opts.baseline)[0] + ".json"
    vbase = os.path.splitext(opts.baseline)[0] + "-vpmu.csv"
    if opts.update:
        shutil.copy(os.path.join(out, "results.csv"), opts.baseline)
        rows = vpmu_rows(os.path.join(out, vpmu.CSV))
        results.write_csv(vbase, rows, list(rows[0]))
        with open(side, "w") as f:
            json.dump(toolchain(), f, indent=2)
        print(f"forklab gate: baseline written to {os.path.relpath(opts.baseline)} "
              f"({len(now)} rows)")
        return 0
    if not os.path.isfile(opts.baseline):
        raise qemu.UsageError(f"no baseline at {opts.baseline}; make one with `make baseline`")
    base = results.read_csv(opts.baseline)
    tol = opts.tolerance
    try:
        with open(side) as f:
            recorded = json.load(f)
    except (OSError, ValueError):
        recorded = {}
    differs = [k for k, v in toolchain().items() if recorded.get(k) != v]
    if differs:
        tol *= WIDEN
        warn(f"forklab gate: {' and '.join(differs)} differ from the baseline's "
             f"({'; '.join(recorded.get(k, '?') for k in differs)}); tolerance widened to {tol}%")
    result = compare_rows(base, now, tolerance=tol)
    if os.path.isfile(vbase):		# the virtual PMU's counts (deterministic too)
        result += compare_rows(vpmu_rows(vbase), vpmu_rows(os.path.join(out, vpmu.CSV)),
                               list(VPMU_METRICS), tol, KEY + ["scope"], VPMU_METRICS)
    if opts.format == "json":
        verdict = as_json(result, tol, differs, opts.baseline)
        json.dump(verdict, sys.stdout, indent=1)
        print()
        return 1 if verdict["verdict"] == "fail" else 0
    print_table([r for r in result if r[5] != "same"] or result[:10])
    worse = sorted((r for r in result if r[5] in ("worse", "missing")),
                   key=lambda r: -(r[4] or 1e9))
    better = [r for r in result if r[5] == "better"]
    print(f"gate: {len(result)} metrics, {len(worse)} worse, {len(better)} better "
          f"(tolerance {tol}%)")
    for k, m, x, y, ch, v in worse[:5]:
        name = "/".join(part for part in k if part)
        print(f"gate: worst: {name} {m} " + (f"{x:.0f} -> {y:.0f} ({ch:+.2f}%)" if x else v))
    return 1 if worse else 0


COMMANDS = {"gate": cmd_gate}
