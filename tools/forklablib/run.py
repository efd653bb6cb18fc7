"""forklab run: boot the kernel in mode=bench and write a run directory
(results.csv, samples.csv, meta.json, log.txt, plots, report.html)."""
import argparse
import datetime
import json
import os
import platform
import subprocess

from . import catalog, plot, protocol, qemu, report, results, vpmu
from .exitcodes import ROOT
from .ui import Progress, warn

SLOW_TIMER_TICKS = 1000	# an empty rdtsc pair on hardware or a plain KVM: tens of ticks


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
    """Refuse strategy and benchmark names the kernel does not list, and
    counts outside what its keys accept, before anything runs or is written."""
    cat = catalog.of_kernel(opts.kernel)
    for family in catalog.FAMILIES:
        cat.check_list(family, family, getattr(opts, family), cat.names(family))
    cat.check_list("bench", "bench", opts.bench, cat.bench_names())
    cat.check_int("iters", "iters", opts.iters)
    cat.check_int("rss-max", "rss_max", opts.rss_max)


class Watch:
    """What cmd_run does with each serial line as it comes: progress from
    the `plan` and `config` records, the kernel's errors passed on."""

    def __init__(self, mode, progress=None):
        self.mode = mode
        self.progress = progress or Progress()

    def line(self, line):
        try:
            rec = protocol.parse_line(line)
        except protocol.ProtocolError:
            return			# parse_log says so once the guest is gone
        if rec is None:
            if line.startswith(("forklab: bad command line", "KERNEL PANIC")):
                warn(line)
        elif rec.is_a("plan"):
            self.progress.plan(rec["configs"])
        elif rec.is_a("config"):
            self.progress.config()
        elif rec.is_a("timer") and self.mode == "kvm":
            warn_slow_timer(rec)
        elif rec.is_a("error"):
            warn(line)


def cmd_run(argv):
    p = argparse.ArgumentParser(prog="forklab run",
                                usage="forklab run [options] [-- MORE KERNEL KEYS]",
                                description="Run benchmarks; write results/<date>-<host>-<mode>/.")
    p.add_argument("--mode", help="kvm (default if usable), tcg, icount")
    p.add_argument("--alloc", default="all", help="allocators: names or all (default all)")
    p.add_argument("--pt", default="all", help="page-table strategies (default all)")
    p.add_argument("--pid", default="all", help="pid strategies (default all)")
    p.add_argument("--bench", default="fork,alloc,pid", help="benchmarks (default fork,alloc,pid)")
    p.add_argument("--iters", type=int, default=200, help="iterations per configuration")
    p.add_argument("--smp", type=qemu.smp_count, default=1,
                   help="virtual CPUs (default 1); bench scale and tlb use every one")
    p.add_argument("--rss-max", type=int, default=16384,
                   help="largest resident size for the fork sweep, pages (default 16384 = 64 MiB)")
    p.add_argument("--mem", type=int, default=0, help="guest MiB (default: enough for --rss-max)")
    p.add_argument("--timeout", type=float, default=3600)
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
    kargs = argv[argv.index("--") + 1:] if "--" in argv else []	# more kernel keys
    opts = p.parse_args(argv[:len(argv) - len(kargs) - (1 if "--" in argv else 0)])
    mode = qemu.choose_mode(opts.mode, warn=warn)
    check_options(opts)
    vp = vpmu.setup(opts, mode, vpmu.fork_probes(catalog.of_kernel(opts.kernel).phase_names()))
    if vp and opts.smp > 1:
        raise qemu.UsageError(f"--smp {opts.smp}: the virtual PMU counts one vCPU "
                              "(its inline counters are not per vCPU); use --smp 1 with it")
    pmu_arg = ""
    if opts.events and not vp:
        pmu_arg = " pmu=" + encode_events(opts.events, opts.pmu_model)
    mem = opts.mem or qemu.guest_mem(opts.rss_max)
    args = (f"mode=bench bench={opts.bench} alloc={opts.alloc} pt={opts.pt} pid={opts.pid} "
            f"iters={opts.iters} rss_max={opts.rss_max}{pmu_arg}"
            f"{' samples=1' if opts.samples else ''}" + "".join(" " + a for a in kargs))
    out = opts.out or run_dir(mode)
    os.makedirs(out, exist_ok=True)
    watch = Watch(mode)
    res = qemu.boot(mode, args=args, mem=mem, timeout=opts.timeout, echo=watch.line,
                    kernel=opts.kernel, log=os.path.join(out, "log.txt"), smp=opts.smp,
                    plugin=vp.place(out) if vp else None)
    watch.progress.done()
    rows, meta, cols, locks = results.parse_log_locks(res.lines)
    if vp and res.outcome.name == "pass":
        vpmu.merge(vp, rows, [results.phase_name(c) for c in results.phase_columns(cols)],
                   out, meta)
    results.write_csv(os.path.join(out, "results.csv"), rows, cols)
    if locks:
        results.write_csv(os.path.join(out, "locks.csv"), locks, results.LOCK_COLUMNS)
    samples = results.parse_samples(res.lines)
    if samples:
        results.write_samples(os.path.join(out, "samples.csv"), samples)
    meta.update(
        date=datetime.datetime.now().isoformat(timespec="seconds"), mode=mode,
        host_cpu=host_cpu(), host_kernel=platform.release(),
        qemu=command_output([qemu.QEMU, "--version"]),
        compiler=command_output(["gcc", "--version"]),
        git_commit=command_output(["git", "-C", ROOT, "describe", "--always", "--dirty"]),
        kernel_args=args, qemu_command=res.command, guest_mem_mib=mem, cpus=opts.smp,
        outcome=res.outcome.words, rows=len(rows), wall_s=round(res.wall_s, 1), **res.meta)
    meta.setdefault("pmu", "unavailable")
    with open(os.path.join(out, "meta.json"), "w") as f:
        json.dump(meta, f, indent=2)
    if res.outcome.name != "pass":
        last = next((r.line for r in reversed(list(protocol.parse(res.lines)))
                     if r.is_a("config")), "nothing")
        warn(f"forklab: the run ended early ({res.outcome.words}); kept {len(rows)} rows "
             f"in {out}; last configuration started: {last}")
        return res.outcome.tool_status or 1
    print(f"forklab: {len(rows)} result rows in {os.path.relpath(out)}")
    if not opts.no_plots:
        plot.plot(out)
        report.report(out)
    return 0


COMMANDS = {"run": cmd_run}
