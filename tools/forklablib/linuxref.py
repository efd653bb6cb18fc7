"""forklab linux: the same user program (bench/user/forklab-user benchall)
run in a Linux guest under the same QEMU mode, and natively, written as a
run directory that `forklab compare` and `forklab plot` read beside
forklab's own runs. The kernel is Debian's linux-image-*-cloud-amd64,
unpacked with dpkg -x; the initramfs is one cpio with the program as /init."""
import argparse
import datetime
import glob
import json
import os
import platform
import shutil
import subprocess
import time

from . import accel, catalog, initramfs, plot, qemu, report, results, run, vpmu
from .exitcodes import ROOT
from .ui import warn

CACHE = os.path.join(ROOT, "build", "linux")
PROGRAM = os.path.join(ROOT, "build", "user", "forklab-user")
META_PACKAGE = "linux-image-cloud-amd64"
KVM_FAILURE = ("KVM internal error", "emulation failure")
NAME = "linux"			# what the rows carry as alloc, pt and pid


def make_initramfs(program, path):
    """A one-file initramfs at @path: the console and @program as /init."""
    arc = initramfs.Archive()
    arc.console()
    arc.file("init", source=program)
    with open(path, "wb") as f:
        f.write(arc.bytes())
    return path


def ensure_kernel(cache=CACHE):
    """(vmlinuz path, package name_version): Debian's cloud kernel, downloaded
    and unpacked into @cache once."""
    found = sorted(glob.glob(os.path.join(cache, "root", "boot", "vmlinuz-*")))
    stamp = os.path.join(cache, "package")
    if found and os.path.exists(stamp):
        with open(stamp) as f:
            return found[-1], f.read().strip()
    for tool in ("apt-cache", "apt-get", "dpkg"):
        if not shutil.which(tool):
            raise qemu.UsageError(f"{tool} not found: forklab linux needs Debian's package tools")
    dep = subprocess.run(["apt-cache", "depends", META_PACKAGE], capture_output=True, text=True)
    pkg = next((l.split()[-1] for l in dep.stdout.splitlines()
                if l.strip().startswith("Depends: linux-image-")), None)
    if not pkg:
        raise qemu.UsageError(f"cannot resolve {META_PACKAGE} with apt-cache (run apt-get update?)")
    os.makedirs(cache, exist_ok=True)
    warn(f"forklab linux: downloading {pkg} (Debian's archive) into {os.path.relpath(cache)}")
    dl = subprocess.run(["apt-get", "download", pkg], cwd=cache, capture_output=True, text=True)
    debs = sorted(glob.glob(os.path.join(cache, pkg + "_*.deb")))
    if dl.returncode or not debs:
        raise qemu.UsageError(f"apt-get download {pkg} failed: "
                              + (dl.stderr.strip().splitlines() or ["no output"])[-1])
    subprocess.run(["dpkg", "-x", debs[-1], os.path.join(cache, "root")], check=True)
    found = sorted(glob.glob(os.path.join(cache, "root", "boot", "vmlinuz-*")))
    if not found:
        raise qemu.UsageError(f"{debs[-1]} holds no boot/vmlinuz-*")
    with open(stamp, "w") as f:
        f.write(os.path.basename(debs[-1])[:-len("_amd64.deb")])
    with open(stamp) as f:
        return found[-1], f.read().strip()


VPMU_MODEL = "kglobal=on"	# Linux maps its kernel half with global pages (no PTI here)


def guest_command(mode, vmlinuz, initrd, args, mem, kernel_args="", plugin=None):
    cmd = [qemu.QEMU]
    if mode == "kvm":
        cmd += ["-accel", "kvm", "-cpu", "host,-arch-capabilities,+invtsc"]
    else:
        cmd += ["-accel", "tcg", "-cpu", "max"]
        if mode == "icount":
            cmd += ["-icount", "shift=0,sleep=off"] + qemu.ICOUNT_REPEAT	# boots repeat
    return cmd + ["-m", str(mem), "-display", "none", "-vga", "none", "-serial", "stdio",
                  "-monitor", "none", "-no-reboot", "-nodefaults", "-kernel", vmlinuz,
                  "-initrd", initrd, "-append",
                  f"console=ttyS0 panic=-1 quiet {kernel_args} rdinit=/init -- {args}"] + \
        (["-plugin", plugin] if plugin else [])


def kvm_failed(stderr):
    """Whether QEMU's stderr says KVM could not run the guest (the nested
    KVM of the development machines stops a Linux guest this way)."""
    return any(s in stderr for s in KVM_FAILURE)


def init_exit_code(lines):
    """The program's exit status from Linux's "Attempted to kill init!
    exitcode=0x..." panic, or None."""
    for line in lines:
        if "Attempted to kill init" in line and "exitcode=" in line:
            return int(line.split("exitcode=")[1].split()[0].rstrip(","), 16) >> 8
    return None


def run_guest(mode, vmlinuz, initrd, args, mem, timeout, kernel_args="", plugin=None, meta=None):
    """(lines, stderr, why, command, wall seconds); @why is None when QEMU
    exited by itself, else "timeout" or "kvm" (QEMU reported a KVM internal
    error: it then pauses the guest and would wait forever). In the nested
    modes the KVM command runs in forklab nested's L1, whose facts go into
    @meta; @plugin (the virtual PMU) is for tcg and icount only."""
    if mode in qemu.NESTED_MODES:
        from . import nested		# it builds on this module
        if nested.OPTIONS.exits:
            args += " windows"		# each call's TSC readings, for the VM exits
        cmd = guest_command("kvm", vmlinuz, initrd, args, mem, kernel_args)
        res, con = nested.run_inner(mode, cmd, mem, timeout)
        if meta is not None:
            meta.update(res.meta)
        why = "timeout" if res.outcome.name == "timeout" else None
        # the whole L1 console: the run's log keeps the init's records (VM exits)
        return con.all, "\n".join(con.dump("stderr")), why, cmd, res.wall_s
    cmd = guest_command(mode, vmlinuz, initrd, args, mem, kernel_args, plugin)
    st = qemu.stream(cmd, timeout, stop=lambda err: "kvm" if kvm_failed(err) else None)
    return st.lines, st.stderr, st.why, cmd, st.wall_s


def forklab_phases():
    """forklab's fork phases (its mode=list): Linux prints none, but its
    results.csv keeps the columns of forklab's, empty, so that both read alike."""
    try:
        return catalog.of_kernel().phase_names()
    except qemu.UsageError as e:
        warn(f"forklab linux: results.csv without phase columns: {e}")
        return []


def write_run(out, lines, meta, vp=None):
    rows, parsed, cols = results.parse_log(lines, phases=forklab_phases())
    if not rows:
        meta.update(parsed, rows=0)		# a run that died keeps what it had
        with open(os.path.join(out, "meta.json"), "w") as f:
            json.dump(meta, f, indent=2)
        raise qemu.UsageError("the program printed no result rows; see " +
                              os.path.relpath(os.path.join(out, "log.txt")))
    meta.update(parsed, rows=len(rows))
    if vp:
        vpmu.write_csv(vp, out, vpmu.merge(vp, rows, [], meta))
    results.write_csv(os.path.join(out, "results.csv"), rows, cols)
    samples = results.parse_samples(lines)
    if samples:
        results.write_samples(os.path.join(out, "samples.csv"), samples)
    with open(os.path.join(out, "meta.json"), "w") as f:
        json.dump(meta, f, indent=2)
    return rows


def new_dir(out, mode):
    if out:
        if os.path.exists(out):
            raise qemu.UsageError(f"{out} exists; forklab never overwrites a run")
        os.makedirs(out)
        return out
    return run.run_dir(f"linux-{mode}")		# creates it, never an existing one


def common_meta(mode, args):
    """meta.json's fields of every Linux run: when, mode, host, QEMU, program,
    and the commit of the tree that ran it (the report flags a dirty one)."""
    git = run.command_output(["git", "-C", ROOT, "describe", "--always", "--dirty"])
    return {"date": datetime.datetime.now().isoformat(timespec="seconds"), "mode": mode,
            "kernel": NAME, "host": platform.node(), "host_cpu": run.host_cpu(),
            "host_cores": run.host_cores(), "host_kernel": platform.release(),
            "qemu": "no QEMU (native)" if mode == "native" else
            run.command_output([qemu.QEMU, "--version"]),
            "git_commit": git, "git_dirty": git.endswith("-dirty"),
            "program": "build/user/forklab-user", "program_args": args,
            "pmu": "not read (Linux reference; --vpmu gives the virtual PMU's)"}


BENCHES = ("fork", "spawn", "parent")


def program_args(bench, iters, rss_max):
    """The program's command line for --bench @bench (one of BENCHES)."""
    if bench == "spawn":
        return f"spawnall {iters} {rss_max} {NAME} {NAME} {NAME}"
    return f"benchall {iters} {rss_max} {NAME} samples"


def cmd_linux(argv):
    p = argparse.ArgumentParser(
        prog="forklab linux",
        description="Run forklab's fork benchmark program in a Linux guest (Debian's cloud "
        "kernel, downloaded once) under the same QEMU mode, and optionally natively; write "
        "a run directory that compare and plot read (alloc, pt and pid are 'linux').")
    p.add_argument("--mode", help="auto (default: KVM if it runs guests natively, else "
                   "icount), kvm, tcg, icount; kvm-npt, kvm-shadow: under forklab nested's "
                   "genuine kvm_amd")
    p.add_argument("--native", action="store_true",
                   help="run the program on this host instead of in a guest")
    p.add_argument("--iters", type=int, default=50, help="iterations per configuration")
    p.add_argument("--rss-max", type=int, default=16384,
                   help="largest resident size for the fork sweep, pages (default 16384)")
    p.add_argument("--bench", default="fork", choices=BENCHES,
                   help="fork (default: the fork benchmark), spawn (fork/vfork/clone/"
                   "posix_spawn + exec of the program, 1 page .. --rss-max) or parent "
                   "(bench=parent's sweep: dirty, clean and 2 MiB pages, first writes, VMAs, "
                   "threads; one boot a configuration, or with --native one process)")
    p.add_argument("--mem", type=int, help="guest MiB (default: enough for --rss-max)")
    p.add_argument("--timeout", type=float, default=900)
    p.add_argument("--no-fallback", action="store_true",
                   help="do not rerun under icount when KVM cannot run the guest")
    p.add_argument("--out", help="run directory (default results/<date>-<host>-linux-<mode>)")
    p.add_argument("--no-plots", action="store_true")
    p.add_argument("--kernel-args", default="",
                   help="more Linux boot parameters, e.g. init_on_alloc=0 (Debian zeroes every "
                        "slab allocation by default)")
    vpmu.add_options(p, events=True)
    opts = p.parse_args(argv)
    bad = [a for a in opts.kernel_args.split() if a == "--" or a.startswith("rdinit=")]
    if bad or "\n" in opts.kernel_args:
        raise qemu.UsageError(f"--kernel-args: '{(bad or ['a newline'])[0]}' is not accepted "
                              "(the program is /init; give boot parameters only)")
    if opts.iters < 1 or opts.rss_max < 1:
        raise qemu.UsageError("--iters and --rss-max must be at least 1")
    if opts.out and os.path.exists(opts.out):	# say so now, not after the guest ran
        raise qemu.UsageError(f"{opts.out} exists; forklab never overwrites a run")
    if not os.path.exists(PROGRAM):
        qemu.ensure_built("build/user/forklab-user")
    args = program_args(opts.bench, opts.iters, opts.rss_max)
    if opts.native and (opts.vpmu not in (None, "off") or opts.events):
        raise qemu.UsageError("--native: the virtual PMU runs in a guest; accepted with "
                              "--vpmu/--events: --mode tcg or icount")
    if opts.native and opts.bench == "parent":
        from . import linux_parent
        out, failed = linux_parent.run(opts, "native", None)
        if not opts.no_plots:
            plot.plot(out)
            report.report(out)
        return 1 if failed else 0
    if opts.native:
        out = new_dir(opts.out, "native")
        start = time.monotonic()
        r = subprocess.run([PROGRAM] + args.split(), capture_output=True, text=True,
                           timeout=opts.timeout)
        lines = r.stdout.splitlines()
        with open(os.path.join(out, "log.txt"), "w") as f:
            f.write(r.stdout + r.stderr)
        meta = common_meta("native", args)
        meta.update(exit_code=r.returncode, wall_s=round(time.monotonic() - start, 1))
        rows = write_run(out, lines, meta)
        print(f"forklab linux: {len(rows)} result rows (native) in {os.path.relpath(out)}")
        if not opts.no_plots:
            plot.plot(out)
            report.report(out)
        return 0 if r.returncode == 0 else 1
    if not shutil.which(qemu.QEMU):
        raise qemu.UsageError(f"{qemu.QEMU} not found; run `make deps` (installs qemu-system-x86)")
    choice = accel.choose(opts.mode, warn=warn)
    mode = choice.mode
    if opts.bench == "parent":
        if opts.vpmu not in (None, "off") or opts.events:
            raise qemu.UsageError("--bench parent: no virtual PMU (one boot a configuration); "
                                  "accepted with --vpmu/--events: --bench fork or spawn")
        from . import linux_parent
        out, failed = linux_parent.run(opts, mode, choice)
        if not opts.no_plots:
            plot.plot(out)
            report.report(out)
        return 1 if failed else 0
    vp = vpmu.setup(opts, mode, spec=VPMU_MODEL)
    if opts.events and not vp:
        raise qemu.UsageError(f"--events: forklab linux reads no hardware PMU; accepted "
                              f"modes for the virtual PMU's: tcg, icount (this run is {mode})")
    vmlinuz, package = ensure_kernel()
    initrd = make_initramfs(PROGRAM, os.path.join(CACHE, "initramfs.cpio"))
    mem = opts.mem or qemu.guest_mem(opts.rss_max)
    out = new_dir(opts.out, mode) if vp else None	# the plugin writes into it
    l1_meta = {}
    lines, stderr, why, cmd, wall = run_guest(mode, vmlinuz, initrd, args, mem, opts.timeout,
                                              opts.kernel_args, vp.place(out) if vp else None,
                                              l1_meta)
    kvm_error = None
    if mode == "kvm" and why == "kvm":
        warn("forklab linux: the Linux guest died with a KVM emulation failure (this host's "
             "KVM cannot run it: a nested hypervisor)" +
             ("" if opts.no_fallback else "; running it under icount instead"))
        if opts.no_fallback:
            return 1
        kvm_error = next((l for l in stderr.splitlines() if kvm_failed(l)), "")
        mode = "icount"
        choice.why = "KVM could not run the Linux guest (an emulation failure)"
        lines, stderr, why, cmd, wall = run_guest(mode, vmlinuz, initrd, args, mem,
                                                  opts.timeout, opts.kernel_args)
    timed_out = why == "timeout"
    out = out or new_dir(opts.out, mode)
    with open(os.path.join(out, "log.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    code = init_exit_code(lines)
    if timed_out:
        warn(f"forklab linux: the guest was stopped after {opts.timeout:.0f} s; last lines:")
        for line in (lines[-8:] or ["(no serial output)"] + stderr.strip().splitlines()[-4:]):
            warn("  | " + line)
    elif code is None:
        warn("forklab linux: the guest ended without the program's exit status; last lines:")
        for line in (lines[-6:] or stderr.strip().splitlines()[-4:]):
            warn("  | " + line)
    meta = common_meta(mode, args)
    meta.update(mode_why=choice.why, linux_package=package, vmlinuz=os.path.relpath(vmlinuz, ROOT), guest_mem_mib=mem,
                linux_kernel_args=opts.kernel_args,
                qemu=run.command_output([qemu.QEMU, "--version"]), qemu_command=cmd,
                exit_code=code, timed_out=timed_out, wall_s=round(wall, 1))
    if kvm_error is not None:
        meta["kvm_attempt"] = f"failed, fell back to icount: {kvm_error.strip()}"
    meta.update(l1_meta)
    rows = write_run(out, lines, meta, vp if code == 0 and not timed_out else None)
    print(f"forklab linux: {len(rows)} result rows ({package}, {mode}) in {os.path.relpath(out)}")
    if not opts.no_plots:
        plot.plot(out)
        report.report(out)
    return 0 if code == 0 and not timed_out else 1


COMMANDS = {"linux": cmd_linux}
