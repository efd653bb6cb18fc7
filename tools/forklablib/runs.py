"""forklab run / plot / report / compare / gate: benchmark runs as result
directories (results.csv, meta.json, log.txt, plots, report.html)."""
import argparse
import csv
import datetime
import html
import json
import os
import platform
import shutil
import subprocess
import sys
import time

from . import qemu, stats
from .exitcodes import ROOT

PHASES = ["flags", "dup_task_struct", "copy_files..signal", "copy_mm", "copy_thread",
          "alloc_pid", "attach_pid", "wake_up_new_task", "total"]
COLUMNS = (["bench", "op", "alloc", "pt", "pid", "rss_pages", "size", "live", "n", "min",
            "p50", "p90", "p99", "max", "mean", "stddev", "unit"] +
           ["phase_" + p.replace("..", "_to_") for p in PHASES])
PMU_COLUMNS = ["inst", "cycles", "ref", "gp0", "gp1", "gp2", "gp3"]
COLUMNS += ["pmu_" + c for c in PMU_COLUMNS]	# per-call p50s inside kernel_clone, with a PMU
COLUMNS += ["child_first_run"]	# p50, kernel_clone entry to the child's first return to user
KEY = ["bench", "op", "alloc", "pt", "pid", "rss_pages", "size", "live"]
FORK_OPS = 5


def warn(msg):
    print(msg, file=sys.stderr, flush=True)


SAMPLE_COLUMNS = ["op", "alloc", "pt", "pid", "rss_pages", "i", "cycles"]


def parse_samples(lines):
    """The raw per-call samples (forklab run --samples) as rows of SAMPLE_COLUMNS."""
    out, config, i = [], None, 0
    for line in lines:
        f = line.strip().split(",")
        if f[0] == "config" and len(f) >= 11:
            config, i = dict(zip(f[1::2], f[2::2])), 0
        elif f[0] == "sample" and config and len(f) == 4:
            out.append({"op": f[1], "alloc": config["alloc"], "pt": config["pt"],
                        "pid": config["pid"], "rss_pages": f[2], "i": i, "cycles": f[3]})
            i += 1
    return out


def parse_log(lines):
    """Serial lines -> result rows (dicts with COLUMNS) and metadata."""
    rows, meta, config, row = [], {}, None, None
    for line in lines:
        f = line.strip().split(",")
        if f[0] == "tsc" and len(f) >= 7:
            meta.update(tsc_khz=int(f[2]), tsc_source=f[4], invariant_tsc=f[6] == "1")
        elif f[0] == "timer" and len(f) >= 5:
            meta.update(timer_overhead_min=int(f[2]), timer_overhead_p50=int(f[4]))
        elif f[0] == "user_timer" and len(f) >= 5:
            # the user program's own empty rdtsc pair, taken off its samples
            meta.update(user_timer_overhead_min=int(f[2]), user_timer_overhead_p50=int(f[4]))
        elif f[0] == "probe" and f[1:] == ["compiled_out"]:
            meta["probe_overhead"] = "compiled out"
        elif f[0] == "probe" and len(f) >= 3:
            meta["probe_overhead"] = int(f[2])
        elif f[0] == "pmu" and len(f) >= 2 and f[1] in ("available", "unavailable"):
            meta["pmu"] = ",".join(f[1:])
        elif f[0] == "config" and len(f) >= 11:
            config = dict(zip(f[1::2], f[2::2]))
        elif f[0] == "result" and config and len(f) >= 11:
            row = {c: "" for c in COLUMNS}
            row.update(bench="fork", op=f[1], alloc=config["alloc"], pt=config["pt"],
                       pid=config["pid"], rss_pages=f[2], n=f[3], min=f[4], p50=f[5], p90=f[6],
                       p99=f[7], max=f[8], mean=f[9], unit="cycles")
            rows.append(row)
        elif f[0] == "child_run" and row is not None and len(f) >= 5:
            row["child_first_run"] = f[4] if f[2] != "0" else ""
        elif f[0] == "pmu_call" and row is not None and len(f) >= 3 + 2 * len(PMU_COLUMNS):
            vals = dict(zip(f[3::2], f[4::2]))
            for c in PMU_COLUMNS:
                row["pmu_" + c] = vals.get(c, "")
        elif f[0] == "phases" and row is not None and len(f) >= 3 + 2 * len(PHASES) - 2:
            vals = dict(zip(f[3::2], f[4::2]))
            for p in PHASES:
                row["phase_" + p.replace("..", "_to_")] = vals.get(p, "")
            row, config = None, None
        elif f[0] == "alloc" and len(f) == 13 and f[1] in ("hot", "cold"):
            r = {c: "" for c in COLUMNS}
            r.update(bench="alloc", op=f[1], alloc=f[2], size=f[3], n=f[4], min=f[5], p50=f[6],
                     p90=f[7], p99=f[8], max=f[9], mean=f[10], stddev=f[11], unit=f[12])
            rows.append(r)
        elif f[0] == "pid" and len(f) == 13 and f[1] == "alloc+find+free":
            r = {c: "" for c in COLUMNS}
            r.update(bench="pid", op=f[1], pid=f[2], live=f[3], n=f[4], min=f[5], p50=f[6],
                     p90=f[7], p99=f[8], max=f[9], mean=f[10], stddev=f[11], unit=f[12])
            rows.append(r)
    return rows, meta


def write_csv(path, rows):
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS)
        w.writeheader()
        w.writerows(rows)


def write_samples(path, samples):
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=SAMPLE_COLUMNS)
        w.writeheader()
        w.writerows(samples)


def read_csv(path):
    try:
        with open(path, newline="") as f:
            rows = list(csv.DictReader(f))
    except OSError as e:
        raise qemu.UsageError(f"cannot read {path}: {e.strerror}")
    if not rows:
        raise qemu.UsageError(f"{path} has no result rows (an empty or truncated file)")
    if set(KEY + ["p50"]) - set(rows[0]):
        raise qemu.UsageError(f"{path} is not a forklab results.csv (columns missing)")
    for i, r in enumerate(rows, start=2):
        if None in r.values() or None in r:
            raise qemu.UsageError(f"{path}: line {i} has {len([v for v in r.values() if v is not None])}"
                                  f" fields, not {len(rows[0])}: the file is truncated or damaged")
    return rows


def run_dir(mode):
    host = platform.node().split(".")[0] or "host"
    base = os.path.join(ROOT, "results",
                        f"{datetime.date.today().isoformat()}-{host}-{mode}")
    path, i = base, 2
    while os.path.exists(path):
        path, i = f"{base}-{i}", i + 1
    os.makedirs(path)
    return path


def command_output(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True).stdout.strip().splitlines()[0]
    except (OSError, IndexError):
        return "unknown"


def host_cpu():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


class Progress:
    """configuration k of N, elapsed, estimate: on a terminal only."""

    def __init__(self, total):
        self.total, self.k, self.start = total, 0, time.monotonic()
        self.tty = sys.stderr.isatty()

    def step(self):
        self.k += 1
        if not self.tty:
            return
        el = time.monotonic() - self.start
        eta = el / self.k * (self.total - self.k) if self.k else 0
        width = 30
        done = int(width * min(self.k, self.total) / max(self.total, 1))
        sys.stderr.write(f"\r[{'#' * done}{'.' * (width - done)}] configuration "
                         f"{self.k}/{self.total}  {el:.0f} s elapsed, ~{eta:.0f} s left ")
        sys.stderr.flush()

    def done(self):
        if self.tty:
            sys.stderr.write("\n")


def encode_events(events, model=None):
    """Event names -> "0x..,0x.." through tools/pfm-encode (built if missing)."""
    tool = qemu.ensure_built("build/pfm-encode")
    cmd = [tool] + (["--pmu", model] if model else []) + events.split(",")
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode:
        raise qemu.UsageError(r.stderr.strip().replace("pfm-encode: ", "") or "pfm-encode failed")
    return r.stdout.strip()


SLOW_TIMER_TICKS = 1000	# an empty rdtsc pair on hardware or a plain KVM: tens of ticks


def warn_slow_timer(line):
    """One notice when an empty timer pair costs what a trapped rdtsc does."""
    f = line.split(",")
    if len(f) > 2 and f[2].isdigit() and int(f[2]) > SLOW_TIMER_TICKS:
        warn(f"forklab: an empty rdtsc pair costs {f[2]} ticks under this KVM (it traps "
             "rdtsc: a nested hypervisor?); KVM numbers here measure the hypervisor, and "
             "--mode icount gives instruction counts instead")


def count_configs(opts):
    def n(v, total):
        return total if v == "all" else len(v.split(","))
    sweep = 0
    r = 4
    while r <= opts.rss_max:
        sweep, r = sweep + 1, r * 4
    per_set = FORK_OPS + 2 * sweep		# fork and vfork across the sweep
    total = 0
    if "fork" in opts.bench:
        total += n(opts.alloc, 5) * n(opts.pt, 3) * n(opts.pid, 3) * per_set
    return max(total, 1)


def cmd_run(argv):
    p = argparse.ArgumentParser(prog="forklab run",
                                description="Run benchmarks; write results/<date>-<host>-<mode>/.")
    p.add_argument("--mode", help="kvm (default if usable), tcg, icount")
    p.add_argument("--alloc", default="all", help="allocators: names or all (default all)")
    p.add_argument("--pt", default="all", help="page-table strategies (default all)")
    p.add_argument("--pid", default="all", help="pid strategies (default all)")
    p.add_argument("--bench", default="fork,alloc,pid", help="benchmarks (default fork,alloc,pid)")
    p.add_argument("--iters", type=int, default=200, help="iterations per configuration")
    p.add_argument("--rss-max", type=int, default=16384,
                   help="largest resident size for the fork sweep, pages (default 16384 = 64 MiB)")
    p.add_argument("--mem", type=int, default=0, help="guest MiB (default: enough for --rss-max)")
    p.add_argument("--timeout", type=float, default=3600)
    p.add_argument("--out", help="result directory (default results/<date>-<host>-<mode>)")
    p.add_argument("--no-plots", action="store_true")
    p.add_argument("--kernel", help="kernel ELF (default build/forklab.elf)")
    p.add_argument("--events", help="PMU events for the general counters, e.g. "
                   "INST_RETIRED:ANY_P,CPU_CLK_UNHALTED:THREAD_P (encoded by tools/pfm-encode)")
    p.add_argument("--pmu-model", help="libpfm4 PMU to encode for when the host has none (e.g. skl)")
    p.add_argument("--samples", action="store_true",
                   help="keep every sample of the fork benchmarks (samples.csv, CDF plots)")
    opts = p.parse_args(argv)
    mode = qemu.choose_mode(opts.mode, warn=warn)
    pmu_arg = ""
    if opts.events:
        pmu_arg = " pmu=" + encode_events(opts.events, opts.pmu_model)
    mem = opts.mem or qemu.guest_mem(opts.rss_max)
    args = (f"mode=bench bench={opts.bench} alloc={opts.alloc} pt={opts.pt} pid={opts.pid} "
            f"iters={opts.iters} rss_max={opts.rss_max}{pmu_arg}"
            f"{' samples=1' if opts.samples else ''}")
    out = opts.out or run_dir(mode)
    os.makedirs(out, exist_ok=True)
    progress = Progress(count_configs(opts))

    def echo(line):
        if line.startswith("config,"):
            progress.step()
        elif line.startswith("timer,overhead_min,") and mode == "kvm":
            warn_slow_timer(line)
        elif line.startswith(("error,", "forklab: bad command line", "KERNEL PANIC")):
            warn(line)
    res = qemu.boot(mode, args=args, mem=mem, timeout=opts.timeout, echo=echo, kernel=opts.kernel,
                    log=os.path.join(out, "log.txt"))
    progress.done()
    rows, meta = parse_log(res.lines)
    write_csv(os.path.join(out, "results.csv"), rows)
    samples = parse_samples(res.lines)
    if samples:
        write_samples(os.path.join(out, "samples.csv"), samples)
    meta.update(
        date=datetime.datetime.now().isoformat(timespec="seconds"), mode=mode,
        host_cpu=host_cpu(), host_kernel=platform.release(),
        qemu=command_output([qemu.QEMU, "--version"]),
        compiler=command_output(["gcc", "--version"]),
        git_commit=command_output(["git", "-C", ROOT, "describe", "--always", "--dirty"]),
        kernel_args=args, qemu_command=res.command, guest_mem_mib=mem,
        outcome=res.outcome.words, rows=len(rows), wall_s=round(res.wall_s, 1))
    meta.setdefault("pmu", "unavailable")
    with open(os.path.join(out, "meta.json"), "w") as f:
        json.dump(meta, f, indent=2)
    if res.outcome.name != "pass":
        last = next((l for l in reversed(res.lines) if l.startswith("config,")), "nothing")
        warn(f"forklab: the run ended early ({res.outcome.words}); kept {len(rows)} rows "
             f"in {out}; last configuration started: {last}")
        return res.outcome.tool_status or 1
    print(f"forklab: {len(rows)} result rows in {os.path.relpath(out)}")
    if not opts.no_plots:
        plot(out)
        report(out)
    return 0


# ---- plots ----

def fnum(row, col):
    try:
        return float(row[col])
    except (KeyError, ValueError):
        return None


def write_dat(path, header, lines):
    with open(path, "w") as f:
        f.write(header + "\n")
        for line in lines:
            f.write(" ".join(str(x) for x in line) + "\n")


def n_range(rows):
    """'n = 50' or 'n = 42-50': the sample counts behind @rows, for titles."""
    ns = sorted({int(r["n"]) for r in rows if r.get("n", "").isdigit()})
    if not ns:
        return "n = ?"
    return f"n = {ns[0]}" if ns[0] == ns[-1] else f"n = {ns[0]}-{ns[-1]}"


def plot(out, linux=None):
    """Write the data files and run the gnuplot scripts in plot/; with
    @linux (a `forklab linux` run), Linux's fork curve joins fork_rss."""
    if not shutil.which("gnuplot"):
        warn("forklab: gnuplot not found (run `make deps`); no plots")
        return []
    rows = read_csv(os.path.join(out, "results.csv"))
    meta = {}
    try:
        with open(os.path.join(out, "meta.json")) as f:
            meta = json.load(f)
    except OSError:
        pass
    mode = meta.get("mode", "?")
    made = []
    fork = [r for r in rows if r["bench"] == "fork"]

    # 1. fork latency vs resident size, one curve per pt (first alloc, first pid)
    if fork:
        allocs = {r["alloc"] for r in fork}
        a0 = "slub" if "slub" in allocs else fork[0]["alloc"]
        p0 = "hash" if "hash" in {r["pid"] for r in fork} else fork[0]["pid"]
        pts = sorted({r["pt"] for r in fork})
        for pt in pts:
            pts_rows = sorted((r for r in fork if r["op"] == "fork" and r["pt"] == pt and
                               r["alloc"] == a0 and r["pid"] == p0), key=lambda r: int(r["rss_pages"]))
            write_dat(os.path.join(out, f"rss-{pt}.dat"), "rss_kib p50 p90 n",
                      [(int(r["rss_pages"]) * 4, r["p50"], r["p90"], r["n"]) for r in pts_rows])
        # vfork beside them (it copies no page tables: one curve, the first pt)
        t_v = "cow" if "cow" in pts else pts[0]
        vrows = sorted((r for r in fork if r["op"] == "vfork" and r["pt"] == t_v and
                        r["alloc"] == a0 and r["pid"] == p0), key=lambda r: int(r["rss_pages"]))
        if len(vrows) > 1:
            write_dat(os.path.join(out, "rss-vfork.dat"), "rss_kib p50 p90 n",
                      [(int(r["rss_pages"]) * 4, r["p50"], r["p90"], r["n"]) for r in vrows])
            pts = pts + ["vfork"]
        if linux:
            lall = read_csv(os.path.join(linux, "results.csv"))
            for op, series in (("fork", "linux"), ("vfork", "linux-vfork")):
                lrows = sorted((r for r in lall if r["op"] == op),
                               key=lambda r: int(r["rss_pages"]))
                if op == "fork" and not lrows:
                    raise qemu.UsageError(f"{linux} has no fork rows")
                if op == "vfork" and len(lrows) < 2:
                    continue		# a run from before vfork joined the sweep
                write_dat(os.path.join(out, f"rss-{series}.dat"), "rss_kib p50 p90 n",
                          [(int(r["rss_pages"]) * 4, r["p50"], r["p90"], r["n"]) for r in lrows])
                pts = pts + [series]
        made += gnuplot("fork_rss.gp", out, mode=mode, series=" ".join(pts),
                        subtitle=f"alloc={a0} pid={p0}, " + n_range(
                            [r for r in fork if r["op"] == "fork" and r["alloc"] == a0 and
                             r["pid"] == p0]))

        # 2. phases of a 1-page fork, per allocator (first pt, first pid)
        t0 = "cow" if "cow" in {r["pt"] for r in fork} else fork[0]["pt"]
        lines = []
        for r in fork:
            if r["op"] == "fork" and r["rss_pages"] == "1" and r["pt"] == t0 and r["pid"] == p0:
                lines.append([r["alloc"]] + [r["phase_" + p.replace("..", "_to_")] or 0
                                             for p in PHASES[:-1]])
        one = [r for r in fork if r["rss_pages"] == "1" and r["pt"] == t0 and r["pid"] == p0]
        if any(float(v or 0) for line in lines for v in line[1:]):	# none from Linux
            write_dat(os.path.join(out, "phases.dat"), "alloc " + " ".join(PHASES[:-1]), lines)
            made += gnuplot("fork_phases.gp", out, mode=mode,
                            subtitle=f"pt={t0} pid={p0}, 1-page fork, " +
                            n_range([r for r in one if r["op"] == "fork"]))

        # 3. fork, vfork, clone per allocator at 1 page
        ops = ["fork", "vfork", "clone-thread", "clone-vm", "fork-exit-wait"]
        lines = []
        for a in sorted({r["alloc"] for r in fork}, key=[r["alloc"] for r in fork].index):
            vals = {r["op"]: r["p50"] for r in fork if r["alloc"] == a and r["pt"] == t0 and
                    r["pid"] == p0 and r["rss_pages"] == "1"}
            lines.append([a] + [vals.get(o, 0) for o in ops])
        write_dat(os.path.join(out, "ops.dat"), "alloc " + " ".join(ops), lines)
        made += gnuplot("fork_ops.gp", out, mode=mode,
                        subtitle=f"pt={t0} pid={p0}, 1 page, " + n_range(one))

    # 3b. CDF per op at one resident page, one curve per allocator
    spath = os.path.join(out, "samples.csv")
    if fork and os.path.exists(spath):
        with open(spath, newline="") as f:
            samples = list(csv.DictReader(f))
        for op in ["fork", "vfork", "clone-thread", "clone-vm", "fork-exit-wait"]:
            curves = []
            for a in sorted({r["alloc"] for r in samples}):
                v = sorted(int(r["cycles"]) for r in samples if r["op"] == op and r["alloc"] == a
                           and r["pt"] == t0 and r["pid"] == p0 and r["rss_pages"] == "1")
                if not v:
                    continue
                write_dat(os.path.join(out, f"cdf-{op}-{a}.dat"), "cycles fraction",
                          [(x, (i + 1) / len(v)) for i, x in enumerate(v)])
                curves.append(a)
            if curves:
                made += gnuplot("cdf.gp", out, mode=mode, op=op, series=" ".join(curves),
                                subtitle=f"pt={t0} pid={p0}, 1 page, n={len(v)} each")

    # 4. allocator microbenchmark
    alloc = [r for r in rows if r["bench"] == "alloc" and r["op"] == "hot"]
    if alloc:
        sizes = sorted({int(r["size"]) for r in alloc})
        strategies = sorted({r["alloc"] for r in alloc}, key=[r["alloc"] for r in alloc].index)
        lines = []
        for s in sizes:
            vals = {r["alloc"]: r["p50"] for r in alloc if int(r["size"]) == s}
            lines.append([s] + [vals.get(a, 0) for a in strategies])
        write_dat(os.path.join(out, "alloc.dat"), "size " + " ".join(strategies), lines)
        made += gnuplot("alloc.gp", out, mode=f"{mode}, {n_range(alloc)}",
                        series=" ".join(strategies))

    # 5. pid cost against live tasks
    pid = [r for r in rows if r["bench"] == "pid"]
    if pid:
        strategies = sorted({r["pid"] for r in pid})
        for s in strategies:
            write_dat(os.path.join(out, f"pid-{s}.dat"), "live p50 p90",
                      sorted(((int(r["live"]), r["p50"], r["p90"]) for r in pid if r["pid"] == s)))
        made += gnuplot("pid.gp", out, mode=f"{mode}, {n_range(pid)}", series=" ".join(strategies))
    return made


def gnuplot(script, out, **variables):
    path = os.path.join(ROOT, "plot", script)
    made = []
    for term in ("png", "svg"):
        cmd = ["gnuplot", "-e", f"dir='{out}'", "-e", f"term='{term}'"]
        for k, v in variables.items():
            cmd += ["-e", f"{k}='{v}'"]
        r = subprocess.run(cmd + [path], capture_output=True, text=True)
        if r.returncode:
            warn(f"forklab: gnuplot {script}: {r.stderr.strip().splitlines()[-1:]}")
            return made
        stem = script[:-3] + (f"-{variables['op']}" if "op" in variables else "")	# cdf.gp names by op
        made.append(os.path.join(out, f"{stem}.{term}"))
    return made


def cmd_plot(argv):
    p = argparse.ArgumentParser(prog="forklab plot", description="Draw the plots of a run.")
    p.add_argument("run")
    p.add_argument("--linux", help="a `forklab linux` run to draw beside forklab (fork_rss)")
    opts = p.parse_args(argv)
    check_run(opts.run)
    if opts.linux:
        check_run(opts.linux)
    for f in plot(opts.run, linux=opts.linux):
        print(f)
    return 0


def check_run(path):
    if not os.path.isfile(os.path.join(path, "results.csv")):
        raise qemu.UsageError(f"'{path}' is not a run directory (no results.csv)")


# ---- report ----

def report(out):
    """One self-contained HTML page: plots (inline SVG), tables, metadata."""
    rows = read_csv(os.path.join(out, "results.csv"))
    try:
        with open(os.path.join(out, "meta.json")) as f:
            meta = json.load(f)
    except OSError:
        meta = {}
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
    for name in ["fork_rss", "fork_ops", "fork_phases"] + cdfs + ["alloc", "pid"]:
        svg = os.path.join(out, name + ".svg")
        if os.path.exists(svg):
            with open(svg) as f:
                body = f.read()
            body = body[body.find("<svg"):]
            parts.append(f"<h2>{name}</h2>{body}")
    parts.append("<h2>Results</h2><table><tr>" +
                 "".join(f"<th>{html.escape(c)}</th>" for c in COLUMNS) + "</tr>")
    for r in rows:
        parts.append("<tr>" + "".join(f"<td>{html.escape(r.get(c, ''))}</td>" for c in COLUMNS)
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
    p = argparse.ArgumentParser(prog="forklab report", description="Write RUN/report.html.")
    p.add_argument("run")
    p.add_argument("--linux", help="a `forklab linux` run to draw beside forklab (fork_rss)")
    opts = p.parse_args(argv)
    check_run(opts.run)
    if opts.linux:
        check_run(opts.linux)
    if opts.linux or not os.path.exists(os.path.join(opts.run, "fork_rss.svg")):
        plot(opts.run, linux=opts.linux)
    report(opts.run)
    return 0


# ---- compare and the regression gate ----

def keyed(rows):
    return {tuple(r[k] for k in KEY): r for r in rows}


def compare_rows(base, now, metrics=("p50", "phase_total"), tolerance=2.0):
    """[(key, metric, base, now, change %, verdict)] for rows in both."""
    b, n = keyed(base), keyed(now)
    out = []
    for k in b:
        if k not in n:
            out.append((k, "-", None, None, None, "missing"))
            continue
        for m in metrics:
            x, y = fnum(b[k], m), fnum(n[k], m)
            if x is None or y is None:
                continue
            change = (y - x) / x * 100 if x else 0.0
            verdict = "worse" if change > tolerance else "better" if change < -tolerance else "same"
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


def read_samples(run):
    """samples.csv of @run as {(op, alloc, pt, pid, rss_pages): [cycles]}, or
    None when the run kept no samples."""
    path = os.path.join(run, "samples.csv")
    if not os.path.exists(path):
        return None
    out = {}
    try:
        with open(path, newline="") as f:
            for i, r in enumerate(csv.DictReader(f), start=2):
                try:
                    key = tuple(r[c] for c in SAMPLE_COLUMNS[:5])
                    out.setdefault(key, []).append(float(r["cycles"]))
                except (KeyError, TypeError, ValueError):
                    raise qemu.UsageError(f"{path}: line {i} is not a forklab sample "
                                          f"(columns {','.join(SAMPLE_COLUMNS)})")
    except OSError as e:
        raise qemu.UsageError(f"cannot read {path}: {e.strerror}")
    return out


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
    opts = p.parse_args(argv)
    for r in (opts.run_a, opts.run_b):
        check_run(r)
    a_rows = select_rows(read_csv(os.path.join(opts.run_a, "results.csv")), opts.select)
    b_rows = select_rows(read_csv(os.path.join(opts.run_b, "results.csv")), opts.select)
    across = differing_fields(a_rows, b_rows)
    wild = {f for f, _, _ in across}
    if across:
        print("forklab compare: matching across " +
              ", ".join(f"{f}={x} (A) vs {f}={y} (B)" for f, x, y in across))

    def key(r):
        return tuple("*" if k in wild else r[k] for k in KEY)
    sa, sb = read_samples(opts.run_a), read_samples(opts.run_b)
    for run, s in ((opts.run_a, sa), (opts.run_b, sb)):
        if s is None:
            print(f"forklab compare: {run} has no samples.csv: p50 ratios only "
                  f"(forklab run --samples keeps them)")

    def samples(s, r):
        if s is None:
            return None
        return s.get(tuple(r[c] for c in SAMPLE_COLUMNS[:5]))
    bmap = {key(r): r for r in b_rows}
    print(f"{'configuration':<46} {'A p50':>10} {'B p50':>10} {'B/A':>7} {'95% CI':>17} "
          f"{'p':>7}  verdict")
    counts = {"slower": 0, "faster": 0, "~": 0}
    p50_only = 0
    for ra in a_rows:
        rb = bmap.get(key(ra))
        x, y = fnum(ra, "p50"), (fnum(rb, "p50") if rb else None)
        if rb is None or x is None or y is None:
            continue
        name = "/".join(p for p in key(ra) if p)
        xs, ys = samples(sa, ra), samples(sb, rb)
        if xs and ys and len(xs) > 1 and len(ys) > 1:
            c = stats.compare_samples(xs, ys, alpha=opts.alpha)
            ratio, ci, pv, sig = c["ratio"], f"[{c['ci'][0]:.3f}, {c['ci'][1]:.3f}]", \
                f"{c['p']:.3g}", c["significant"]
        else:
            ratio = y / x if x else float("inf")
            ci, pv, sig = "(p50 only)", "-", abs(ratio - 1) * 100 > opts.tolerance
            p50_only += 1
        verdict = "~" if not sig else f"{(ratio - 1) * 100:+.1f}%"
        counts["~" if not sig else "slower" if ratio > 1 else "faster"] += 1
        print(f"{name:<46} {x:>10.0f} {y:>10.0f} {ratio:>7.3f} {ci:>17} {pv:>7}  {verdict}")
    total = sum(counts.values())
    if not total:
        raise qemu.UsageError("the two runs have no configuration in common")
    print(f"{total} compared: {counts['slower']} significantly slower in B, "
          f"{counts['faster']} significantly faster, {counts['~']} no significant difference" +
          (f" ({p50_only} without samples: judged by p50 ratio against ±{opts.tolerance:g}%, "
           "not by a test)" if p50_only else ""))
    return 0


BASELINE = os.path.join(ROOT, "results", "baseline-icount.csv")
GATE_ARGS = ["--mode", "icount", "--iters", "10", "--rss-max", "16", "--bench", "fork,alloc,pid",
             "--no-plots"]
WIDEN = 5.0	# tolerance factor when the compiler or QEMU differ from the baseline's


def toolchain():
    return {"compiler": command_output(["gcc", "--version"]),
            "qemu": command_output([qemu.QEMU, "--version"])}


def gate_run(out, kernel=None):
    argv = GATE_ARGS + ["--out", out]
    if kernel:
        argv += ["--kernel", kernel]
    return cmd_run(argv)


def cmd_gate(argv):
    p = argparse.ArgumentParser(prog="forklab gate",
                                description="The deterministic regression gate: an icount run "
                                "of every strategy compared with the committed baseline.")
    p.add_argument("--baseline", default=BASELINE)
    p.add_argument("--tolerance", type=float, default=2.0, help="percent (default 2)")
    p.add_argument("--kernel", help="kernel to test (default build/forklab.elf)")
    p.add_argument("--out", help="where the gate's run goes (default build/gate)")
    p.add_argument("--update", action="store_true", help="write the baseline instead (make baseline)")
    opts = p.parse_args(argv)
    out = opts.out or os.path.join(ROOT, "build", "gate")
    shutil.rmtree(out, ignore_errors=True)
    rc = gate_run(out, opts.kernel)
    if rc:
        warn("forklab gate: the icount run failed")
        return rc
    now = read_csv(os.path.join(out, "results.csv"))
    side = os.path.splitext(opts.baseline)[0] + ".json"
    if opts.update:
        shutil.copy(os.path.join(out, "results.csv"), opts.baseline)
        with open(side, "w") as f:
            json.dump(toolchain(), f, indent=2)
        print(f"forklab gate: baseline written to {os.path.relpath(opts.baseline)} "
              f"({len(now)} rows)")
        return 0
    if not os.path.isfile(opts.baseline):
        raise qemu.UsageError(f"no baseline at {opts.baseline}; make one with `make baseline`")
    base = read_csv(opts.baseline)
    tol = opts.tolerance
    try:
        with open(side) as f:
            recorded = json.load(f)
    except (OSError, ValueError):
        recorded = {}
    differs = [k for k, v in toolchain().items() if recorded.get(k) != v]
    if differs:
        tol *= WIDEN
        print(f"forklab gate: {' and '.join(differs)} differ from the baseline's "
              f"({'; '.join(recorded.get(k, '?') for k in differs)}); tolerance widened to {tol}%")
    result = compare_rows(base, now, tolerance=tol)
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


COMMANDS = {"run": cmd_run, "plot": cmd_plot, "report": cmd_report, "compare": cmd_compare,
            "gate": cmd_gate}
