"""Booting the forklab kernel under QEMU: mode selection, the command line,
a run with a timeout, live serial output, and the decoded outcome."""
import argparse
import os
import shutil
import signal
import subprocess
import sys
import time

from . import exitcodes

ROOT = exitcodes.ROOT
KERNEL = os.path.join(ROOT, "build", "forklab.elf")
ISO = os.path.join(ROOT, "build", "forklab.iso")
QBOOT = "/usr/share/qemu/qboot.rom"
# forklab under a genuine kvm_amd inside a Linux L1 that runs under icount
# (tools/forklablib/nested.py), and the kvm_amd parameters of each
NESTED_MODES = {"kvm-npt": "npt=1", "kvm-shadow": "npt=0"}
MODES = ("auto", "kvm", "tcg", "icount") + tuple(NESTED_MODES)
QEMU = "qemu-system-x86_64"
# icount's other inputs fixed: RDRAND's seed and the RTC (a Linux guest reads
# both; without them its icount numbers differ from boot to boot)
ICOUNT_REPEAT = ["-seed", "1", "-rtc", "clock=vm,base=2020-01-01T00:00:00"]
PVM_MODULE = "/sys/module/kvm_pvm"	# loaded: /dev/kvm is PVM's (README)
MAX_SMP = 8		# the kernel's NR_CPUS (core/x86/percpu.h)


class UsageError(Exception):
    """Bad input: one line for the user, exit status 2."""


def kvm_usable():
    """(True, "") if /dev/kvm can be opened read/write, else (False, reason)."""
    try:
        fd = os.open("/dev/kvm", os.O_RDWR)
    except OSError as e:
        return False, f"/dev/kvm: {e.strerror}"
    os.close(fd)
    return True, ""


def requested_mode(requested):
    """The mode asked for: @requested (--mode), else $FORKLAB_MODE, else
    auto; UsageError for a name not in MODES."""
    mode = requested or os.environ.get("FORKLAB_MODE") or "auto"
    if mode not in MODES:
        raise UsageError(f"unknown mode '{mode}'; accepted: {', '.join(MODES)}")
    return mode


def choose_mode(requested, warn=None, probe=kvm_usable):
    """The mode to boot in (boot, test, expect, list): requested_mode(), with
    auto meaning kvm; KVM falls back to TCG (with one line through warn) when
    it is not usable. Measurements choose with accel.choose instead."""
    mode = requested_mode(requested)
    if mode == "auto":
        mode = "kvm"
    if mode == "kvm":
        ok, why = probe()
        if not ok:
            if warn:
                warn(f"forklab: {why}; falling back to TCG")
            mode = "tcg"
    return mode


def smp_count(text):
    """--smp's type: 1 .. MAX_SMP virtual CPUs."""
    if not text.isdigit() or not 1 <= int(text) <= MAX_SMP:
        raise argparse.ArgumentTypeError(f"'{text}' is not a CPU count from 1 to {MAX_SMP}")
    return int(text)


MODULES_MAX = 16		# the kernel's BOOT_MODULES_MAX (core/init/multiboot.h)


def check_modules(modules):
    """UsageError, in one line, for a boot module (--program, --file) that
    cannot be passed: missing, a folder, a comma in its path (QEMU's
    -initrd separates modules with commas), or more than MODULES_MAX."""
    for m in modules:
        if not os.path.exists(m):
            raise UsageError(f"file '{m}' not found (--program and --file take host files)")
        if not os.path.isfile(m):
            raise UsageError(f"'{m}' is not a regular file (--program and --file take files; "
                             "pack a folder into a cpio archive)")
        if "," in m or " " in m:
            raise UsageError(f"'{m}': a comma or blank in the path cannot pass through "
                             "QEMU's -initrd; rename or link it")
    if len(modules) > MODULES_MAX:
        raise UsageError(f"{len(modules)} files given; the kernel takes at most {MODULES_MAX} "
                         "(pack more into a cpio archive)")


def qemu_command(mode, kernel=KERNEL, args="", mem=512, iso=None, modules=(), smp=1, plugin=None,
                 here=True):
    """The QEMU argument vector for one boot; @plugin: a TCG plugin's -plugin
    argument (vpmu.plugin_arg), for tcg and icount only; @here: the boot
    runs on this host's /dev/kvm (not inside forklab nested's L1)."""
    cmd = [QEMU]
    if mode == "kvm":
        # plain -cpu host aborts on the development machines' nested KVM
        # ("failed to set MSR 0x10a"): drop arch-capabilities
        cmd += ["-accel", "kvm", "-cpu", "host,-arch-capabilities,+invtsc"]
        if here and os.path.exists(PVM_MODULE):
            # under PVM stac hangs the vCPU, as rdtscp does, though CPUID
            # (not trapped: -smap cannot hide it) lists SMAP
            args = (args + " smap=off").strip()
        if not iso and os.path.exists(QBOOT):
            cmd += ["-bios", QBOOT]	# ~0.3 s to the kernel instead of ~2-4 s
    elif mode == "icount":
        # one host thread runs the vCPUs round robin: deterministic
        cmd += ["-accel", "tcg", "-cpu", "max", "-icount", "shift=0,sleep=off"]
    else:
        # MTTCG: one host thread per vCPU, really parallel (and racy)
        cmd += ["-accel", "tcg,thread=multi" if smp > 1 else "tcg", "-cpu", "max"]
    if smp > 1:
        cmd += ["-smp", str(smp)]
    cmd += ["-m", str(mem), "-display", "none", "-vga", "none", "-serial", "stdio",
            "-monitor", "none", "-no-reboot", "-nodefaults",
            "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
    if iso:
        cmd += ["-cdrom", iso]
    else:
        cmd += ["-kernel", kernel, "-append", args]
        if modules:
            cmd += ["-initrd", ",".join(modules)]
    if plugin:
        cmd += ["-plugin", plugin]
    return cmd


def guest_mem(rss_pages):
    """Guest MiB for a run whose fork sweep goes up to @rss_pages resident:
    three times the resident memory (parent, child copies, page tables) plus
    256 MiB, never under 512."""
    return max(512, rss_pages * 4 // 1024 * 3 + 256)


class Result:
    """One boot: its outcome, serial lines, ms to the first line, wall
    seconds, mode, QEMU command, and @meta: what else meta.json records
    about how it ran (the nested modes' L1)."""
    def __init__(self, outcome, lines, boot_ms, wall_s, mode, command):
        self.outcome = outcome
        self.lines = lines
        self.boot_ms = boot_ms
        self.wall_s = wall_s
        self.mode = mode
        self.command = command
        self.meta = {}


def ensure_built(target):
    """Build build/forklab.elf or .iso with make if it is missing."""
    path = os.path.join(ROOT, target)
    if os.path.exists(path):
        return path
    r = subprocess.run(["make", "-C", ROOT, "-s", target], stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True)
    if r.returncode != 0 or not os.path.exists(path):
        tail = (r.stderr or "").strip().splitlines()[-3:]
        raise UsageError(f"cannot build {target} (make failed): " + " | ".join(tail))
    return path


class Stream:
    """What stream() saw: serial lines, stderr, why it stopped (None: QEMU
    exited by itself, "timeout", or what @stop returned), exit status, ms
    to the first output byte, wall seconds."""
    def __init__(self, lines, stderr, why, rc, first_ms, wall_s):
        self.lines, self.stderr, self.why = lines, stderr, why
        self.rc, self.first_ms, self.wall_s = rc, first_ms, wall_s


def stream(cmd, timeout, echo=None, log=None, stop=None):
    """Run QEMU command @cmd, handing each serial (stdout) line to echo(line)
    and log file @log as it comes; stderr is collected, and stop(stderr),
    asked every turn of the loop, may end the run early by returning a
    reason (QEMU is then killed, as on timeout). One loop for every guest
    forklab boots."""
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)
    lines, err, why, first_ms, partial = [], b"", None, None, b""
    logf = open(log, "w") if log else None

    def emit(raw):
        line = raw.decode("utf-8", "replace").rstrip("\r")
        lines.append(line)
        if logf:
            logf.write(line + "\n")
        if echo:
            echo(line)

    for f in (proc.stdout, proc.stderr):
        os.set_blocking(f.fileno(), False)
    try:
        while True:
            got = False
            for f in (proc.stdout, proc.stderr):
                try:
                    chunk = f.read()
                except BlockingIOError:
                    chunk = None
                if not chunk:
                    continue
                got = True
                if f is proc.stderr:
                    err += chunk
                    continue
                if first_ms is None:
                    first_ms = (time.monotonic() - start) * 1000
                partial += chunk
                *done, partial = partial.split(b"\n")
                for raw in done:
                    emit(raw)
            if stop:
                why = stop(err.decode("utf-8", "replace"))
            if not why and time.monotonic() - start > timeout:
                why = "timeout"
            if why:
                os.killpg(proc.pid, signal.SIGKILL)
                break
            if not got and proc.poll() is not None:
                break
            if not got:
                time.sleep(0.005)
        rc = proc.wait()
        for f in (proc.stdout, proc.stderr):
            try:
                rest = f.read() or b""
            except (BlockingIOError, ValueError):
                rest = b""
            if f is proc.stderr:
                err += rest
            else:
                partial += rest
        *done, partial = partial.split(b"\n")
        for raw in done:
            emit(raw)
    finally:
        if partial:
            emit(partial)
        if logf:
            logf.close()
    return Stream(lines, err.decode("utf-8", "replace").strip(), why, rc, first_ms,
                  time.monotonic() - start)


def boot(mode, args="", kernel=None, iso=False, mem=512, timeout=120, modules=(), smp=1,
         echo=None, log=None, plugin=None, stop=None):
    """Boot once on @smp virtual CPUs; stream serial lines to echo(line);
    return a Result. @stop as for stream(); @plugin: a TCG plugin's -plugin
    argument."""
    if not shutil.which(QEMU):
        return Result(exitcodes.Outcome("qemu-missing",
                                        f"{QEMU} not found; run `make deps` "
                                        "(installs qemu-system-x86)",
                                        exitcodes.QEMU_MISSING), [], None, 0, mode, [])
    check_modules(modules)
    if mode in NESTED_MODES:
        if smp > 1:
            raise UsageError(f"--smp {smp} cannot be used in mode {mode} yet (the nested L1 "
                             "boots its inner guest with one CPU); use tcg, icount or kvm")
        if iso:
            raise UsageError(f"--iso cannot be booted in mode {mode} (the inner QEMU boots "
                             "build/forklab.elf)")
        from . import nested		# it builds on this module
        return nested.boot(mode, args=args, kernel=kernel, mem=mem, timeout=timeout,
                           modules=modules, echo=echo, log=log)
    image = ensure_built("build/forklab.iso") if iso else (kernel or ensure_built("build/forklab.elf"))
    if not iso and not os.path.isfile(image):
        raise UsageError(f"kernel '{image}' not found")
    cmd = qemu_command(mode, kernel=image, args=args, mem=mem, iso=image if iso else None, smp=smp,
                       modules=modules, plugin=plugin)
    st = stream(cmd, timeout, echo=echo, log=log, stop=stop)
    outcome = exitcodes.decode(st.rc, timed_out=st.why == "timeout")
    if outcome.name == "qemu" and st.stderr:
        said = st.stderr.splitlines()		# a plugin's own line says more than QEMU's
        outcome.words += ": " + next((l for l in said if l.startswith("vpmu:")), said[-1])
    return Result(outcome, st.lines, st.first_ms, st.wall_s, mode, cmd)
