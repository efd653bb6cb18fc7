"""forklab run: the benchmarks in mode=bench, their parts booted -j at a
time (shard.py), joined into one run directory (results.csv, results.json,
samples.csv, meta.json, log.txt, plots, report.html) and summarised."""
import argparse
import copy
import datetime
import hashlib
import os
import platform
import struct
import subprocess
import threading
import time

from . import accel, catalog, merge, plot, protocol, qemu, report, results, shard, summary, vpmu
from .exitcodes import ROOT
from .ui import Progress, warn

LAST_OUT = None		# the run directory cmd_run wrote last (forklab nested exits reads it)
SLOW_TIMER_TICKS = 1000	# an empty rdtsc pair on hardware or a plain KVM: tens of ticks
JOBS_PER_CORE = 4	# -j beyond this many QEMUs a core is refused


def run_dir(mode):
    """A new results/<date>-<host>-<mode>[-N]/, created."""
    host = platform.node().split(".")[0] or "host"
    base = os.path.join(ROOT, "results",
                        f"{datetime.date.today().isoformat()}-{host}-{mode}")
    path, i = base, 2
    while os.path.exists(path):
        path, i = f"{base}-{i}", i + 1
    os.makedirs(path)
    return path


def command_output(cmd):
    """The first line @cmd prints, or "unknown"."""
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


def host_cores():
    return len(os.sched_getaffinity(0))


def kernel_sha256(path):
    """SHA-256 of what the loader loads from ELF @path (its PT_LOAD segments
    and entry point): the same for one commit built on any host, whatever
    its checkout's path (which the debug sections hold)."""
    with open(path, "rb") as f:
        elf = f.read()
    entry, phoff = struct.unpack_from("<QQ", elf, 24)
    phentsize, phnum = struct.unpack_from("<HH", elf, 54)
    h = hashlib.sha256(struct.pack("<Q", entry))
    for i in range(phnum):
        kind, _, offset, vaddr, _, filesz, memsz = struct.unpack_from("<IIQQQQQ", elf,
                                                                    phoff + i * phentsize)
        if kind == 1:				# PT_LOAD
            h.update(struct.pack("<QQ", vaddr, memsz) + elf[offset:offset + filesz])
    return h.hexdigest()


def encode_events(events, model=None):
    """Event names -> "0x..,0x.." through tools/pfm-encode (built if missing)."""
    tool = qemu.ensure_built("build/pfm-encode")
    cmd = [tool] + (["--pmu", model] if model else []) + events.split(",")
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode:
        raise qemu.UsageError(r.stderr.strip().replace("pfm-encode: ", "") or "pfm-encode failed")
    return r.stdout.strip()


def warn_slow_timer(rec):
    """One notice when an empty timer pair (a `timer` record) costs what a
    trapped rdtsc does."""
    if rec["overhead_min"] > SLOW_TIMER_TICKS:
        warn(f"forklab: an empty rdtsc pair costs {rec['overhead_min']} ticks under this KVM "
             "(it traps rdtsc: a nested hypervisor?); KVM numbers here measure the hypervisor, "
             "and --mode icount gives instruction counts instead")


def check_options(opts):
    """Refuse strategy and benchmark names the kernel does not list, counts
    outside what its keys accept, and -j and --shard out of range, before
    anything runs or is written; the kernel's Catalog."""
    cores = host_cores()
    if not 1 <= opts.jobs <= cores * JOBS_PER_CORE:
        raise qemu.UsageError(f"-j {opts.jobs}: out of range; accepted: 1 to {cores * JOBS_PER_CORE}"
                              f" ({JOBS_PER_CORE} QEMUs for each of this host's {cores} cores)")
    if opts.shard:
        shard.parse_part(opts.shard)
    cat = catalog.of_kernel(opts.kernel)
    for family in catalog.FAMILIES:
        cat.check_list(family, family, getattr(opts, family), cat.names(family))
    cat.check_list("bench", "bench", opts.bench, cat.bench_names())
    cat.check_int("iters", "iters", opts.iters)
    cat.check_int("rss-max", "rss_max", opts.rss_max)
    return cat


def options(argv):
    """The options, and the kernel keys after `--` (passed to every part)."""
    p = argparse.ArgumentParser(prog="forklab run",
                                usage="forklab run [options] [-- MORE KERNEL KEYS]",
                                description="Run benchmarks; write results/<date>-<host>-<mode>/.")
    p.add_argument("--mode", help="auto (default: KVM if it runs the guest natively, else "
                   "icount), kvm, tcg, icount; or $FORKLAB_MODE")
    p.add_argument("-j", "--jobs", type=int, default=host_cores(),
                   help=f"QEMU processes at a time (default: this host's {host_cores()} cores)")
    p.add_argument("--shard", metavar="I/N", help="only part I of N (one CI job's; "
                   "forklab merge joins the parts)")
    p.add_argument("--alloc", default="all", help="allocators: names or all (default all)")
    p.add_argument("--pt", default="all", help="page-table strategies (default all)")
    p.add_argument("--pid", default="all", help="pid strategies (default all)")
    p.add_argument("--bench", default="fork,alloc,pid,spawn",
                   help="benchmarks (default fork,alloc,pid,spawn)")
    p.add_argument("--iters", type=int, default=200, help="iterations per configuration")
    p.add_argument("--smp", type=qemu.smp_count, default=1,
                   help="virtual CPUs of every part (default 1); bench scale and tlb use them all")
    p.add_argument("--rss-max", type=int, default=16384,
                   help="largest resident size for the fork sweep, pages (default 16384 = 64 MiB)")
    p.add_argument("--mem", type=int, default=0, help="guest MiB (default: enough for --rss-max)")
    p.add_argument("--timeout", type=float, default=3600, help="seconds per QEMU")
    p.add_argument("--out", help="result directory (default results/<date>-<host>-<mode>)")
    p.add_argument("--no-plots", action="store_true")
    p.add_argument("--kernel", help="kernel ELF (default build/forklab.elf)")
    p.add_argument("--events", help="PMU events for the general counters, libpfm4 names, e.g. "
                   "INST_RETIRED:ANY_P,L1D:REPLACEMENT: raw codes for a hardware PMU (kvm, "
                   "tools/pfm-encode), the virtual PMU's counters under tcg and icount")
    p.add_argument("--pmu-model", help="libpfm4 PMU to encode for when the host has none (e.g. skl)")
    vpmu.add_options(p)
    p.add_argument("--samples", action="store_true",
                   help="keep every sample of the fork benchmarks (samples.csv, CDF plots)")
    kargs = argv[argv.index("--") + 1:] if "--" in argv else []
    return p.parse_args(argv[:len(argv) - len(kargs) - (1 if "--" in argv else 0)]), kargs


def run_meta(opts, choice, settings, parts, shards, kernel):
    """meta.json of a run: the host, tools, kernel and mode; each part's
    command line, wall time and outcome; the log facts of its first part."""
    git = command_output(["git", "-C", ROOT, "describe", "--always", "--dirty"])
    meta = dict(next((p.meta for p in parts if p), {}))
    first = next((p.res for p in parts if p), None)
    meta.update(first.meta if first else {})	# the nested modes' L1 facts
    meta.update(
        date=datetime.datetime.now().isoformat(timespec="seconds"), mode=choice.mode,
        mode_why=choice.why, host=platform.node(), host_cpu=host_cpu(), host_cores=host_cores(),
        host_kernel=platform.release(), qemu=command_output([qemu.QEMU, "--version"]),
        compiler=command_output(["gcc", "--version"]), git_commit=git,
        git_dirty=git.endswith("-dirty"), kernel=os.path.relpath(kernel, ROOT),
        kernel_sha256=kernel_sha256(kernel), settings=settings,
        selection={f: getattr(opts, f) for f in ("bench",) + catalog.FAMILIES},
        jobs=opts.jobs, parts=len(shards), shard_part=opts.shard,
        qemu_command=first.command if first else [],
        shards=[{"index": p.shard.index, "part": p.shard.label(), "host": platform.node(),
                 "args": p.res.command[-1], "outcome": p.res.outcome.words,
                 "rows": len(p.rows), "wall_s": round(p.res.wall_s, 1)} for p in parts if p])
    meta.setdefault("pmu", "unavailable")
    return meta


def vpmu_join(vp, parts, rows, phases, out, meta):
    """The virtual PMU's records of each part (vpmu-I.txt) into its rows and
    one vpmu.csv in @rows' order (the joined run's); its facts into @meta."""
    table, totals = {}, {}
    for p in parts:
        for r in vpmu.merge(p.shard.vp, p.rows, phases, meta):
            table.setdefault(tuple(r[k] for k in results.KEY), []).append(r)
        for k, v in meta["vpmu_totals"].items():	# each part's plugin counted its boot
            totals[k] = totals.get(k, 0) + v
    meta["vpmu_totals"] = totals
    joined = [r for row in rows for r in table.get(tuple(row[k] for k in results.KEY), [])]
    vpmu.write_csv(vp, out, joined)
    with open(os.path.join(out, vpmu.RECORDS), "w") as f:	# the parts' records, in one file
        for p in parts:
            f.write(f"# part: {p.shard.label()}\n")
            with open(p.shard.vp.path) as part:
                f.write(part.read())
            os.unlink(p.shard.vp.path)


def cmd_run(argv):
    opts, kargs = options(argv)
    cat = check_options(opts)
    kernel = opts.kernel or qemu.ensure_built("build/forklab.elf")
    choice = accel.choose(opts.mode, warn=warn, kernel=opts.kernel)
    vp = vpmu.setup(opts, choice.mode, vpmu.fork_probes(cat.phase_names()))
    if vp and opts.smp > 1:
        raise qemu.UsageError(f"--smp {opts.smp}: the virtual PMU counts one vCPU "
                              "(its inline counters are not per vCPU); use --smp 1 with it")
    pmu_arg = f" pmu={encode_events(opts.events, opts.pmu_model)}" \
        if opts.events and not vp else ""
    mem = opts.mem or qemu.guest_mem(opts.rss_max)
    settings = {"iters": opts.iters, "rss_max": opts.rss_max, "samples": int(opts.samples),
                "pmu": pmu_arg.strip(), "vpmu": vp.params if vp else "", "cpus": opts.smp,
                "keys": " ".join(kargs)}
    common = f"iters={opts.iters} rss_max={opts.rss_max}{pmu_arg}" \
             f"{' samples=1' if opts.samples else ''}" + "".join(" " + a for a in kargs)
    shards = shard.plan(cat, opts.bench, opts.alloc, opts.pt, opts.pid)
    mine = shard.pick(shards, shard.parse_part(opts.shard)) if opts.shard else shards
    out = opts.out or run_dir(choice.mode)
    os.makedirs(out, exist_ok=True)
    progress = Progress(kinds=[",".join(s.bench) for s in mine])
    said = threading.Lock()

    def on_timer(rec):			# once for the run, under KVM only
        if choice.mode == "kvm" and said.acquire(blocking=False):
            warn_slow_timer(rec)

    def boot(s, echo, stop):
        plugin = None
        if vp:				# each part's plugin writes its own records
            s.vp = copy.copy(vp)
            plugin = s.vp.place(out, os.path.join(out, f"vpmu-{s.index}.txt"))
        return qemu.boot(choice.mode, args=s.args(common), mem=mem, timeout=opts.timeout,
                         echo=echo, kernel=kernel, stop=stop, plugin=plugin, smp=opts.smp)
    start = time.monotonic()
    try:
        parts = shard.boot_all(mine, opts.jobs, boot, progress, on_timer)
    except KeyboardInterrupt:
        if not os.listdir(out):		# leave no empty results/<date>-<host>-<mode>/
            os.rmdir(out)
        raise
    progress.done()
    ran = [p for p in parts if p]
    if any(p.cols != ran[0].cols for p in ran):
        raise qemu.UsageError("the parts of the run disagree on results.csv's columns")
    rows = merge.kernel_order([r for p in ran for r in p.rows], cat)
    samples = merge.kernel_order([r for p in ran for r in p.samples], cat)
    meta = run_meta(opts, choice, settings, parts, shards, kernel)
    if vp and ran and all(p.res.outcome.name == "pass" for p in ran):
        vpmu_join(vp, ran, rows, [results.phase_name(c) for c in results.phase_columns(ran[0].cols)],
                  out, meta)
    meta.update(outcome=next((p.res.outcome.words for p in ran if p.res.outcome.name != "pass"),
                             ran[0].res.outcome.words if ran else "nothing ran"),
                rows=len(rows), wall_s=round(time.monotonic() - start, 1), guest_mem_mib=mem)
    merge.write_run(out, rows, ran[0].cols if ran else [], samples, meta,
                    [(p.shard.label(), p.res.lines) for p in ran], cat)
    locks = [r for p in ran for r in p.locks]
    if locks:
        results.write_csv(os.path.join(out, "locks.csv"), locks, results.LOCK_COLUMNS)
    global LAST_OUT
    LAST_OUT = out
    bad = next((p for p in ran if p.res.outcome.name != "pass"), None)
    if bad:
        last = next((r.line for r in reversed(list(protocol.parse(bad.res.lines)))
                     if r.is_a("config")), "nothing")
        warn(f"forklab: the run ended early: part '{bad.shard.label()}' {bad.res.outcome.words};"
             f" kept {len(rows)} rows of {len(ran)} of {len(mine)} parts in {out}; its last "
             f"configuration started: {last}")
        return bad.res.outcome.tool_status or 1
    print(f"forklab: {len(rows)} result rows in {os.path.relpath(out)} ({len(mine)} "
          f"part{'s' if len(mine) > 1 else ''}, -j {opts.jobs}, {meta['wall_s']:.0f} s)")
    if not rows and meta.get("spawn_unavailable"):	# bench=spawn on a kernel without execve
        print("forklab: " + summary.unavailable_line(meta["spawn_unavailable"]))
        return 0
    if not opts.no_plots:
        plot.plot(out)
        report.report(out)
    summary.show(out)
    return 0


COMMANDS = {"run": cmd_run}
