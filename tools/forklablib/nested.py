"""forklab under a genuine KVM (modes kvm-npt and kvm-shadow): QEMU's TCG
emulates AMD SVM with nested paging under -cpu max, so Debian's cloud
kernel (the one `forklab linux` downloads) boots under icount as the L1,
loads its own kvm.ko and kvm-amd.ko (npt=1 or npt=0) and runs the very QEMU
command a KVM host would run (-accel kvm) on this host's qemu-system-x86_64.
The outer QEMU counts instructions and SVM hands the inner guest the L1's
TSC plus an offset, so the inner rdtsc deltas count every instruction the
CPU executes for a call, KVM's exit handling included, and a run repeats
byte for byte (-seed, -rtc clock=vm).

The L1's initramfs is two archives, concatenated: the base (the init of
tools/nested/init.c, the KVM modules, QEMU and the libraries ldd lists;
cached in build/nested/, rebuilt when any of them changes) and the run's
(its directives, /nested/run, and every file the inner command opens:
found by running it under strace with TCG, stopped before its first
instruction). The L1 console is the run's log; the inner guest's serial
lines are passed on as a local boot's would be."""
import hashlib
import json
import os
import shutil
import subprocess
import tempfile

from . import exitcodes, initramfs, linuxref, protocol, qemu
from .exitcodes import ROOT
from .ui import warn

CACHE = os.path.join(ROOT, "build", "nested")
INIT = os.path.join(CACHE, "init")		# built by make from tools/nested/init.c
MODULE_DIR = "/lib/modules/nested"
KVM_MODULE = "kvm-amd.ko"
TRACING = "/sys/kernel/tracing"
L1_APPEND = "console=ttyS0 panic=-1 quiet loglevel=1 rdinit=/init"
# -seed and -rtc clock=vm: without them RDRAND and the RTC differ from run to run
L1_QEMU = ["-accel", "tcg", "-icount", "shift=0,sleep=off"] + qemu.ICOUNT_REPEAT
L1_MEM_EXTRA = 512			# MiB above the inner guest's: L1 kernel, rootfs, QEMU, traces
TRACE_BUFFER_KB = 65536
COM_PORTS = (0x3f8, 0x400)		# the serial port: its I/O exits are counted, not traced
SVM_EXIT_IOIO = 0x7b
TAIL = 8				# L1 console lines shown when something failed
# the steps tools/nested/init.c names in its nested,fail records
INIT_STEPS = {"module": "load a module", "mount": "mount a file system", "write": "set",
              "run": "follow its run file", "fork": "fork", "wait": "wait for the inner QEMU"}
# what the inner command opens that is not copied into the L1
PROBE_SKIP = ("/proc/", "/sys/", "/dev/", "/etc/", "/tmp/")


class Options:
    """What `forklab nested` sets for the boots that follow: @exits traces
    every VM exit and entry (kvm:kvm_exit, kvm_entry) for `forklab nested
    exits`, @l1_cpu is the outer QEMU's -cpu (max: the one that has SVM),
    @omit leaves files out of the L1 (what a missing library or firmware
    file does)."""
    exits = False
    l1_cpu = "max"
    omit = ()				# L1 paths left out of its initramfs (fault injection)
    last_log = None			# the log of the latest nested boot


OPTIONS = Options()


def kvm_modules(vmlinuz):
    """Host paths of kvm-amd.ko and what it depends on, in load order (each
    module's .modinfo depends=), from the modules of @vmlinuz's package."""
    release = os.path.basename(vmlinuz)[len("vmlinuz-"):]
    tree = os.path.join(os.path.dirname(os.path.dirname(vmlinuz)), "lib", "modules", release)
    files = {}
    for d, _, names in os.walk(tree):
        for n in names:
            if n.endswith(".ko"):
                files[n[:-3].replace("-", "_")] = os.path.join(d, n)
    order = []

    def need(name):
        if name not in files:
            raise qemu.UsageError(f"{tree} holds no {name}.ko (the L1 needs it for KVM)")
        with open(files[name], "rb") as f:
            info = [s for s in f.read().split(b"\0") if s.startswith(b"depends=")]
        for dep in (info[0][8:].decode().split(",") if info else []):
            if dep:
                need(dep)
        if files[name] not in order:
            order.append(files[name])
    need(KVM_MODULE[:-3].replace("-", "_"))
    return order


def base_files(modules):
    """[(L1 path, host path)] of the base archive: the init, @modules, QEMU
    and the libraries ldd lists for it (at their host paths)."""
    subprocess.run(["make", "-s", "-C", ROOT, os.path.relpath(INIT, ROOT)], check=False,
                   capture_output=True)
    if not os.path.exists(INIT):
        raise qemu.UsageError(f"cannot build {os.path.relpath(INIT, ROOT)} (make; needs "
                              "musl-gcc: make deps installs musl-tools)")
    qemu_bin = shutil.which(qemu.QEMU)
    try:
        libs = initramfs.shared_libraries(qemu_bin)
    except initramfs.LibraryError as e:
        raise qemu.UsageError(str(e))
    return ([("/init", INIT)] + [(f"{MODULE_DIR}/{os.path.basename(m)}", m) for m in modules]
            + [(qemu_bin, qemu_bin)] + [(lib, os.path.realpath(lib)) for lib in libs])


def base_archive(files, cache=CACHE):
    """@cache/base.cpio: the console, /nested and @files [(L1 path, host
    path)], but those OPTIONS.omit names; rebuilt only when the list, a
    file's size or its mtime changed (@cache/base.json holds them)."""
    files = [(l1, host) for l1, host in files if l1 not in OPTIONS.omit]
    stamp = [[l1, host, os.stat(host).st_size, os.stat(host).st_mtime_ns] for l1, host in files]
    path, manifest = os.path.join(cache, "base.cpio"), os.path.join(cache, "base.json")
    try:
        with open(manifest) as f:
            if json.load(f) == stamp and os.path.exists(path):
                return path
    except (OSError, ValueError):
        pass
    arc = initramfs.Archive()
    arc.console()
    arc.folder("nested")
    for l1, host in files:
        arc.file(l1, source=host)
    os.makedirs(cache, exist_ok=True)
    with open(path + ".tmp", "wb") as f:
        f.write(arc.bytes())
    os.replace(path + ".tmp", path)
    with open(manifest, "w") as f:
        json.dump(stamp, f)
    return path


def probe_files(cmd):
    """The files inner command @cmd opens (its kernel, firmware, option
    ROMs): @cmd run here under strace, with TCG instead of KVM, stopped
    before its first instruction (-S) and quit from the monitor."""
    if not shutil.which("strace"):
        raise qemu.UsageError("strace not found: forklab nested finds the files QEMU opens "
                              "with it (apt-get install strace)")
    probe = list(cmd)
    i = probe.index("-accel")
    probe[i + 1:i + 4] = ["tcg", "-cpu", "max"]		# -accel kvm -cpu host,...
    probe[probe.index("-serial") + 1] = "null"
    probe[probe.index("-monitor") + 1] = "stdio"
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "strace")
        r = subprocess.run(["strace", "-f", "-qq", "-e", "trace=open,openat", "-o", log]
                           + probe + ["-S"], input="quit\n", capture_output=True, text=True,
                           timeout=60)
        if r.returncode:
            raise qemu.UsageError("the inner QEMU command fails here already: "
                                  + (r.stderr.strip().splitlines() or ["no output"])[-1])
        with open(log) as f:
            opened = [line.split('"')[1] for line in f if '"' in line and "ENOENT" not in line]
    # what the command names (its kernel, its modules) always goes, wherever
    # it lies (a checkout under /tmp too); of the rest, not the host's state
    named = [cmd[i + 1] for i, a in enumerate(cmd[:-1]) if a == "-kernel"] + \
        [m for i, a in enumerate(cmd[:-1]) if a == "-initrd" for m in cmd[i + 1].split(",")]
    named = [os.path.normpath(p) for p in named]
    found = []
    for p in named + opened:
        p = os.path.normpath(p)
        if (os.path.isfile(p) and (p in named or (not p.startswith(PROBE_SKIP) and ".so" not in p))
                and p not in found and p != shutil.which(qemu.QEMU)):
            found.append(p)
    return found


def run_directives(cmd, mode, modules, exits):
    """/nested/run (tools/nested/init.c reads it): the file systems, the
    modules (kvm-amd with the mode's parameters), the tracing of VM exits
    when @exits, the inner command @cmd, and what to print after it."""
    lines = ["mount proc /proc", "mount sysfs /sys", f"mount tracefs {TRACING}"]
    for m in modules:
        params = qemu.NESTED_MODES[mode] if os.path.basename(m) == KVM_MODULE else ""
        lines.append(f"module {MODULE_DIR}/{os.path.basename(m)} {params}".rstrip())
    ev = f"{TRACING}/events/kvm"
    if exits:
        lo, hi = COM_PORTS
        lines += [f"write {TRACING}/trace_clock x86-tsc",
                  f"write {TRACING}/buffer_size_kb {TRACE_BUFFER_KB}",
                  # the serial port's I/O exits (two a byte) would fill the buffer:
                  # the histogram below counts them, the trace leaves them out
                  f"write {ev}/kvm_exit/filter !(exit_reason == {SVM_EXIT_IOIO} && "
                  f"info1 >= {lo << 16:#x} && info1 < {hi << 16:#x})",
                  f"write {ev}/kvm_exit/trigger hist:keys=exit_reason:size=256",
                  f"write {ev}/kvm_exit/enable 1",
                  f"write {ev}/kvm_entry/enable 1",	# each exit's handling ends here
                  f"write {ev}/kvm_write_tsc_offset/enable 1"]
    lines += [f"arg {a}" for a in cmd]
    if exits:
        lines += [f"dump format {ev}/kvm_exit/format", f"dump hist {ev}/kvm_exit/hist",
                  f"dump trace {TRACING}/trace"]
    return "\n".join(lines) + "\n"


def l1_command(vmlinuz, initrd, mem):
    cmd = [qemu.QEMU] + L1_QEMU + ["-cpu", OPTIONS.l1_cpu]
    if os.path.exists(qemu.QBOOT):
        cmd += ["-bios", qemu.QBOOT]
    return cmd + ["-m", str(mem), "-display", "none", "-vga", "none", "-serial", "stdio",
                  "-monitor", "none", "-no-reboot", "-nodefaults", "-kernel", vmlinuz,
                  "-initrd", initrd, "-append", L1_APPEND]


class Console:
    """The L1 console, split as it comes: the inner guest's serial lines
    (after the init's `nested,start`, until it reports the end) go on to
    @echo; the init's own records are kept: @end (exit, signal or fail)
    and the lines of each dump by name (stderr, dmesg, trace, ...)."""

    def __init__(self, echo=None):
        self.echo, self.inner, self.all, self.end, self.dumps = echo, [], [], None, {}
        self.state = "l1"			# l1 -> inner -> after

    def line(self, line):
        self.all.append(line)
        rec = protocol.parse_line(line) if line.startswith("nested,") else None
        if rec is None or rec.name != "nested":
            if self.state == "inner":
                self.inner.append(line)
                if self.echo:
                    self.echo(line)
        elif rec.kind == "start":
            self.state = "inner"
        elif rec.kind == "line":
            self.dumps.setdefault(rec["dump"], []).append(rec["text"])
        else:
            self.end, self.state = rec, "after"

    def dump(self, name):
        """The lines of dump @name: between its begin and end, if it has them."""
        lines = self.dumps.get(name, [])
        if "begin" in lines:
            lines = lines[lines.index("begin") + 1:]
            return lines[:lines.index("end")] if "end" in lines else lines
        return lines


def outcome(con, st):
    """How the run ended, as an exitcodes.Outcome: the inner QEMU's status
    decoded as a local boot's, or what stopped the L1."""
    end, err = con.end, con.dump("stderr")
    if st.why == "timeout":
        where = ("the inner QEMU was still running" if con.state == "inner" else
                 "the L1 Linux had not reached its init" if con.state == "l1" else
                 "the L1 Linux was still printing what it recorded")
        return exitcodes.Outcome("timeout", f"timed out ({where})", exitcodes.TIMEOUT)
    if end is not None and end.kind == "fail":
        step = INIT_STEPS.get(end["step"], end["step"])
        return exitcodes.Outcome("l1", f"the L1 Linux could not {step}: {end['what']}",
                                 exitcodes.QEMU_FAILED)
    if end is not None:
        code = end["code"] if end.kind == "exit" else -end["signo"]
        if not con.inner and err:	# no guest ran: ld.so, say, exits 127 like a status
            return exitcodes.Outcome("qemu", f"the inner QEMU failed (exit status {code}) "
                                     f"before its guest printed anything: {err[-1]}",
                                     exitcodes.QEMU_FAILED)
        out = exitcodes.decode(code)
        if out.name == "qemu" and err:
            out.words = f"the inner {out.words}: {err[-1]}"
        return out
    why = (st.stderr.splitlines() or [f"exit status {st.rc}, no output"])[-1]
    return exitcodes.Outcome("l1", f"the L1 QEMU ended before its init reported: {why}",
                             exitcodes.QEMU_FAILED)


def run_inner(mode, cmd, inner_mem, timeout, echo=None, log=None):
    """Run inner command @cmd (a QEMU with -accel kvm, paths as on this
    host) under kvm_amd in the L1 for @mode; (qemu.Result whose lines are
    the inner serial lines, Console). The Result's meta has what meta.json
    records about the L1."""
    if mode not in qemu.NESTED_MODES:
        raise qemu.UsageError(f"unknown nested mode '{mode}'; accepted: "
                              + ", ".join(qemu.NESTED_MODES))
    vmlinuz, package = linuxref.ensure_kernel()
    modules = kvm_modules(vmlinuz)
    base = base_archive(base_files(modules))
    files = [f for f in probe_files(cmd) if f not in OPTIONS.omit]
    run = initramfs.Archive()
    run.file("nested/run", run_directives(cmd, mode, modules, OPTIONS.exits).encode(),
             mode=0o100644)
    for path in files:
        run.file(path, source=path)
    mem = inner_mem + L1_MEM_EXTRA
    fd, initrd = tempfile.mkstemp(prefix="initrd-", suffix=".cpio", dir=CACHE)
    try:
        with os.fdopen(fd, "wb") as out, open(base, "rb") as f:
            shutil.copyfileobj(f, out)
            out.write(run.bytes())
        outer = l1_command(vmlinuz, initrd, mem)
        con = Console(echo)
        st = qemu.stream(outer, timeout, echo=con.line, log=log)
    finally:
        os.unlink(initrd)
    OPTIONS.last_log = log
    res = qemu.Result(outcome(con, st), con.inner, None, st.wall_s, mode, outer)
    if res.outcome.name in ("l1", "qemu") or (res.outcome.name == "timeout" and
                                              con.state != "inner"):
        warn("forklab nested: the L1 console's last lines:")
        for line in (con.all[-TAIL:] or ["(no output)"] + st.stderr.splitlines()[-3:]):
            warn("  | " + (line[len("nested,"):].replace(",", ": ", 1)
                           if line.startswith("nested,") else line))
    res.meta = {"nested": {
        "mode": mode, "l1_kernel": package, "l1_vmlinuz": os.path.relpath(vmlinuz, ROOT),
        "l1_mem_mib": mem, "l1_qemu_command": outer,
        "kvm_modules": [os.path.basename(m) for m in modules],
        "kvm_amd_params": qemu.NESTED_MODES[mode], "inner_qemu_command": cmd,
        "inner_files": files, "exits_traced": OPTIONS.exits}}
    return res, con


def file_sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def boot(mode, args="", kernel=None, mem=512, timeout=120, modules=(), echo=None, log=None):
    """qemu.boot for the nested modes: forklab booted by the inner QEMU."""
    kernel = os.path.abspath(kernel or qemu.ensure_built("build/forklab.elf"))
    for path in (kernel,) + tuple(modules):
        if not os.path.isfile(path):
            raise qemu.UsageError(f"'{path}' not found")
    if OPTIONS.exits and "mode=bench" in args.split():
        args += " windows=1"		# each measured call's TSCs, for `forklab nested exits`
    cmd = qemu.qemu_command("kvm", kernel=kernel, args=args, mem=mem, here=False,
                            modules=[os.path.abspath(m) for m in modules])
    res, con = run_inner(mode, cmd, mem, timeout, echo=echo, log=log)
    if OPTIONS.exits:
        # the whole L1 console: forklab run writes the log from these lines,
        # and vmexits reads the trace in it
        res.lines = con.all
    program = modules[0] if modules else os.path.join(ROOT, "build", "user", "forklab-user")
    for part, path in (("kernel", kernel), ("program", program)):	# for vmexits' symbols
        if os.path.exists(path):
            res.meta["nested"].update({f"{part}_elf": os.path.relpath(path, ROOT),
                                       f"{part}_sha256": file_sha256(path)})
    return res
