"""forklab profile: where the instructions of one fork, vfork or clone call
go. The kernel runs the benchmark program under icount with QEMU's gdbstub
open; gdb (tools/forklablib/gdb_step.py) stops at the chosen call's
`syscall` entry and single-steps until the caller is back in user mode,
logging every instruction's address. Each address is then charged to the
function that holds it (nm), and the hottest to their source lines
(addr2line, inlined frames shown), so the phase probes' "copy_process:
1 936" becomes "1 048 of them are the task_struct's rep movsq"."""
import argparse
import bisect
import collections
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time

from . import catalog, linuxref, protocol, qemu, vpmu
from .exitcodes import ROOT
from .ui import warn

USER_PROGRAM = os.path.join(ROOT, "build", "user", "forklab-user")
GDB_SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "gdb_step.py")
USER_TOP = 0x0000800000000000		# below: user addresses
# x86-64 system call names, for words (the kernel's op records give the numbers)
SYSCALL_NAMES = {56: "clone", 57: "fork", 58: "vfork", 61: "wait4"}


class Symbols:
    """Address -> function name, from `nm -n` of one ELF, or from lines in
    nm's format (Linux's /proc/kallsyms)."""
    def __init__(self, elf=None, lines=None):
        if lines is None:
            lines = subprocess.run(["nm", "-n", elf], capture_output=True, text=True,
                                   check=True).stdout.splitlines()
        self.syms = []
        for line in lines:
            f = line.split()
            if len(f) >= 3 and f[1] in "tTwW":
                self.syms.append((int(f[0], 16), f[2]))
        self.syms.sort()
        self.addrs = [a for a, _ in self.syms]

    def address(self, name):
        return next((a for a, n in self.syms if n == name), None)

    def name(self, addr):
        i = bisect.bisect_right(self.addrs, addr) - 1
        return self.syms[i][1] if i >= 0 else "?"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def forklab_guest(kernel, op, alloc, pt, pid, rss, call, vp=None):
    """(QEMU command, gdb settings, gdb's ELF) for forklab: the benchmark
    engine's own configuration, probe log included, so that the profile is
    of the very call the benchmark times; gdb waits for run_fork_op(op, rss)."""
    args = (f"mode=bench bench=fork alloc={alloc} pt={pt} pid={pid} iters={max(call, 5)} "
            f"rss_max={rss}")
    cmd = qemu.qemu_command("icount", kernel=kernel, args=args, mem=qemu.guest_mem(rss),
                            plugin=vp.arg if vp else None)
    # run_fork_op(op, iters, rss): the arguments are still in rdi and rdx
    arm = f'run_fork_op if $_streq((char *)$rdi, "{op}") && $rdx == {rss}'
    return cmd, {"arm": arm, "entry": "entry_SYSCALL_64"}, kernel


def linux_symbols():
    """Debian's cloud kernel (linuxref) and its text symbols, read once from
    /proc/kallsyms of a TCG boot with nokaslr (so that they hold in every
    boot with nokaslr) and kept beside the kernel."""
    vmlinuz, pkg = linuxref.ensure_kernel()
    path = os.path.join(linuxref.CACHE, f"kallsyms-{pkg}.txt")
    if not os.path.exists(path):
        warn(f"forklab profile: reading {pkg}'s symbols from /proc/kallsyms (once)")
        with tempfile.TemporaryDirectory() as tmp:
            initrd = linuxref.make_initramfs(USER_PROGRAM, os.path.join(tmp, "initrd"))
            cmd = linuxref.guest_command("tcg", vmlinuz, initrd, "kallsyms", 512,
                                         kernel_args="nokaslr")
            st = qemu.stream(cmd, 300)
        if "kallsyms,begin" not in st.lines or "kallsyms,end" not in st.lines:
            raise qemu.UsageError("profile: the Linux guest printed no kallsyms: " +
                                  " | ".join(st.lines[-2:] or [st.why or "no output"]))
        body = st.lines[st.lines.index("kallsyms,begin") + 1:st.lines.index("kallsyms,end")]
        with open(path + ".tmp", "w") as f:
            f.write("\n".join(body) + "\n")
        os.replace(path + ".tmp", path)
    with open(path) as f:
        return vmlinuz, Symbols(lines=f.read().splitlines())


def linux_guest(vmlinuz, syms, op, rss, call, tmp, vp=None):
    """(QEMU command, gdb settings, None) for Linux: the program's own
    benchmark mode as /init, under icount, without KASLR."""
    entry = syms.address("entry_SYSCALL_64")
    if entry is None:
        raise qemu.UsageError("profile: no entry_SYSCALL_64 among Linux's symbols")
    initrd = linuxref.make_initramfs(USER_PROGRAM, os.path.join(tmp, "initrd"))
    cmd = linuxref.guest_command("icount", vmlinuz, initrd, f"bench {op} {max(call, 5)} {rss}",
                                 qemu.guest_mem(rss), kernel_args="nokaslr",
                                 plugin=vp.arg if vp else None)
    return cmd, {"arm": None, "entry": f"*{entry:#x}"}, None


def traced_op(name, kernel=None):
    """The fork-benchmark op @name as @kernel lists it (catalog.Op: the system
    calls that open and close its window); UsageError unless it is one call."""
    calls = catalog.of_kernel(kernel).calls()
    op = next((o for o in calls if o.name == name), None)
    if op is None:
        raise qemu.UsageError(f"profile: unknown op '{name}'; accepted: "
                              + ", ".join(o.name for o in calls))
    return op


def trace(guest, op, call, max_steps, timeout):
    """Run @guest = (QEMU command, gdb settings, ELF for gdb or None) under
    gdb up to call @call of @op (a catalog.Op); the executed addresses and
    whether the caller got back to user mode within @max_steps."""
    cmd, settings, elf = guest
    port = free_port()
    cmd = cmd + ["-S", "-gdb", f"tcp:127.0.0.1:{port}"]
    with tempfile.TemporaryDirectory() as tmp:
        serial, rips = os.path.join(tmp, "serial"), os.path.join(tmp, "rips")
        with open(serial, "wb") as out:
            guest_proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out,
                                          stderr=subprocess.STDOUT, start_new_session=True)
        r = None
        try:
            for _ in range(200):			# the gdbstub listens once QEMU is up
                with socket.socket() as s:
                    if s.connect_ex(("127.0.0.1", port)) == 0:
                        break
                if guest_proc.poll() is not None:
                    break
                time.sleep(0.05)
            env = dict(os.environ, FORKLAB_PROFILE=json.dumps(dict(
                settings, port=port, nr=op.nr, until_nr=op.until or None, call=call,
                max_steps=max_steps, out=rips,
                user_top=USER_TOP)))
            r = subprocess.run(["gdb", "-nx", "-batch", "-x", GDB_SCRIPT] + ([elf] if elf else []),
                               env=env, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise qemu.UsageError(f"profile: gdb did not finish in {timeout:.0f} s")
        finally:
            if guest_proc.poll() is None:
                guest_proc.kill()
            guest_proc.wait()
        if not os.path.exists(rips):
            said = [l for l in open(serial, errors="replace").read().splitlines()
                    if l.strip() and "icount sleep" not in l]
            bad = [l for l in said if "bad command line" in l or l.startswith("forklab: guest")]
            why = (bad or said[-2:] or (r.stderr.strip().splitlines()[-1:] if r else [])
                   or ["no output"])
            raise qemu.UsageError(f"profile: the guest ended before call {call} of {op.name}: " +
                                  " | ".join(why))
        lines = open(rips).read().split()
    if not lines or not lines[-1].startswith("end,"):
        raise qemu.UsageError("profile: gdb stopped before the call ended: " +
                              " | ".join((r.stderr if r else "").strip().splitlines()[-2:]))
    rips = [int(x, 16) for x in lines[:-1]]
    return rips, lines[-1] == "end,back"


def vpmu_setup(linux):
    """The virtual PMU for a profile: every window's record (windows=on), or
    None when it cannot be had (said in one line; the profile goes on)."""
    try:
        vp = vpmu.Setup(True, [], "windows=on" + (",kglobal=on" if linux else ""), 0)
    except qemu.UsageError as e:
        warn(f"forklab profile: no virtual PMU counts: {e}")
        return None
    fd, path = tempfile.mkstemp(prefix="forklab-profile-", suffix=".vpmu")
    os.close(fd)
    vp.place(None, path)
    return vp


def vpmu_call(vp, guest, op, rss, call, timeout):
    """The virtual PMU's counts of the benchmark's window around call @call
    of @op at @rss pages (the empty pair's minimum taken off, as the
    benchmark takes it off), or None: @guest (its QEMU command with the
    plugin) runs once more, to its end and without gdb, the same
    instructions under icount but in the blocks a benchmark runs them in
    (single steps make every instruction a block of its own, where the
    plugin cannot tell a kernel instruction that faults from one that ends
    its block)."""
    if not vp:
        return None
    serial = qemu.stream(guest[0], timeout).lines
    if not os.path.exists(vp.path):
        return None
    results = [r for r in protocol.parse(serial) if r.is_a("result")]
    seq = next((i for i, r in enumerate(results) if (r["op"], r["rss_pages"]) == (op, rss)), None)
    with open(vp.path, errors="replace") as f:
        recs = [r for r in protocol.parse(f) if r.get("stream") == "user" and r.get("seq") == seq]
    os.unlink(vp.path)
    windows = [r["counts"] for r in recs if r.is_a("vpmu", "window")]
    timer = next((r["counts"] for r in recs if r.is_a("vpmu", "timer")), {})
    if len(windows) < call:
        return None
    return {k: max(v - timer.get(k, 0), 0) for k, v in windows[call - 1].items()}


def print_vpmu(c):
    """The virtual PMU's line of the profile."""
    n = lambda k: f"{c.get(k, 0):,}".replace(",", " ")	# noqa: E731
    print(f"virtual PMU, the benchmark's window around this call (from user space): "
          f"{n('inst')} instructions retired ({n('icount')} under icount less {n('rep_iters')} "
          f"rep iterations), {n('loads')} loads, {n('stores')} stores, {n('l1d_miss')} L1D, "
          f"{n('l2_miss')} L2 and {n('llc_miss')} LLC misses, {n('dtlb_miss')} DTLB misses, "
          f"{c.get('walk_load', 0) + c.get('walk_store', 0)} page walks; "
          f"{n('cycles')} cycles by the cost model")


def source_lines(kernel, addrs):
    """addr -> "func file:line <- caller file:line ..." for kernel addresses
    (addr2line -a -f -i: each address, then its frames, innermost first)."""
    res, cur, fname = {}, None, None
    out = subprocess.run(["addr2line", "-a", "-f", "-i", "-e", kernel] +
                         ["%x" % a for a in addrs], capture_output=True, text=True).stdout
    for line in out.splitlines():
        if line.startswith("0x"):
            cur, fname = int(line, 16), None
            res[cur] = []
        elif cur is not None and fname is None:
            fname = line
        elif cur is not None:
            loc = "(assembly)" if line.startswith("??") else short(line)
            res[cur].append(f"{fname} {loc}")
            fname = None
    return {a: " <- ".join(c) if c else "?" for a, c in res.items()}


def short(loc):
    loc = loc.split(" (discriminator")[0]
    return os.path.relpath(loc, ROOT) if loc.startswith(ROOT) else loc


def report(rips, back, ks, kernel, title, opts, top, op, counts=None):
    """Print the tables for @rips, the instructions of @op; @ks names kernel
    addresses, @kernel (an ELF with line information, or None) gives the
    per-line table; @counts, the virtual PMU's of the call's window."""
    us = Symbols(USER_PROGRAM) if os.path.exists(USER_PROGRAM) else None

    def fn(a):
        if a < USER_TOP:
            return "[user] " + (us.name(a) if us else "?")
        return ks.name(a)
    per_fn = collections.Counter(fn(a) for a in rips)
    total = len(rips)
    print(f"forklab profile: {title}, {opts.rss} resident page(s), call {opts.call} (icount)")
    until = f" from {SYSCALL_NAMES.get(op.until, op.until)}" if op.until else ""
    print(f"{total:,} instructions from the syscall entry to the caller's return to user mode"
          .replace(",", " ") + until +
          ("" if back else f" (stopped at --max-steps {opts.max_steps})"))
    # a rep-prefixed string instruction stays at one address for every
    # iteration: icount counts each, hardware retires the instruction once
    repeats = sum(1 for prev, cur in zip(rips, rips[1:]) if prev == cur)
    per_fn_rep = collections.Counter(fn(cur) for prev, cur in zip(rips, rips[1:])
                                     if prev == cur)
    print(f"{repeats:,} of them repeat one rep-prefixed string instruction (retired once on "
          f"hardware: {total - repeats:,} without them)".replace(",", " "))
    if per_fn_rep:
        print("  repeats in: " + ", ".join(f"{name} {n:,}".replace(",", " ")
                                           for name, n in per_fn_rep.most_common(4)))
    if counts:
        print_vpmu(counts)
    print()
    print(" instructions   share  function")
    for name, n in per_fn.most_common(top):
        print(f"{n:13,}  {100.0 * n / total:5.1f}%  {name}".replace(",", " "))
    rest = total - sum(n for _, n in per_fn.most_common(top))
    if rest:
        print(f"{rest:13,}  {100.0 * rest / total:5.1f}%  ({len(per_fn) - top} more functions)"
              .replace(",", " "))
    if kernel:
        per_addr = collections.Counter(a for a in rips if a >= USER_TOP)
        where = source_lines(kernel, sorted(per_addr))
        per_line = collections.Counter()
        for a, n in per_addr.items():
            per_line[where.get(a, ks.name(a))] += n
        print()
        print(" instructions  where (innermost frame first; a rep prefix counts each iteration)")
        for place, n in per_line.most_common(top):
            print(f"{n:13,}".replace(",", " ") + "  " + place)
    if opts.sequence:
        print()
        print(" in order (runs of consecutive instructions in one function)")
        run_name, run_n = None, 0
        for a in rips + [None]:
            name = fn(a) if a is not None else None
            if name == run_name:
                run_n += 1
                continue
            if run_name is not None:
                print(f"{run_n:13}  {run_name}")
            run_name, run_n = name, 1
    if opts.csv:
        with open(opts.csv, "w") as f:
            f.write("function,instructions,rep_repeats\n")
            for name, n in per_fn.most_common():
                f.write(f"{name},{n},{per_fn_rep.get(name, 0)}\n")
    return 0


def cmd_profile(argv):
    p = argparse.ArgumentParser(
        prog="forklab profile",
        description="Charge every instruction of one fork/vfork/clone call (icount, "
                    "single-stepped through QEMU's gdbstub) to its function and source line.")
    p.add_argument("op", help="a fork-benchmark op that is one call (forklab list names them; "
                   "fork-exit-wait runs on through the child's exit and the parent's wait4, as "
                   "the benchmark times it)")
    for family in catalog.FAMILIES:
        p.add_argument(f"--{family}", help=f"the {family}= strategy (default: the kernel's)")
    p.add_argument("--rss", type=int, default=1, help="resident pages before the call (default 1)")
    p.add_argument("--call", type=int, default=3,
                   help="which call of the op to trace (default 3: warm caches and free lists)")
    p.add_argument("--top", type=int, default=15, help="rows per table (default 15)")
    p.add_argument("--sequence", action="store_true", help="also print the call's path in order")
    p.add_argument("--csv", help="also write function,instructions to this file")
    p.add_argument("--max-steps", type=int, default=400000,
                   help="stop single-stepping after this many instructions (default 400000)")
    p.add_argument("--timeout", type=float, default=900)
    p.add_argument("--kernel", help="kernel ELF (default build/forklab.elf)")
    p.add_argument("--linux", action="store_true",
                   help="profile the call in Debian's Linux 6.1 instead (forklab linux's kernel; "
                        "functions from its /proc/kallsyms, no source lines)")
    opts = p.parse_args(argv)
    op = traced_op(opts.op, opts.kernel)
    for key in ("rss", "call", "top", "max_steps"):
        if getattr(opts, key) < 1:
            raise qemu.UsageError(f"profile: --{key.replace('_', '-')} must be at least 1")
    sweep = [4 ** k for k in range(12)]
    if opts.rss not in sweep or opts.op not in ("fork", "vfork") and opts.rss != 1:
        raise qemu.UsageError(f"profile: --rss {opts.rss}: the benchmark runs {opts.op} at "
                              + ("1 page only" if opts.op not in ("fork", "vfork") else
                                 "1 page and powers of 4 (4, 16, ... 4194304)"))
    for tool in ("gdb", "nm", "addr2line", qemu.QEMU):
        if not shutil.which(tool):
            raise qemu.UsageError(f"{tool} not found; run `make deps`")
    if opts.linux:
        given = [f"--{k}" for k in catalog.FAMILIES + ("kernel",) if getattr(opts, k)]
        if given:
            raise qemu.UsageError(f"profile: {', '.join(given)} "
                                  f"{'is' if len(given) == 1 else 'are'} for forklab's kernel; "
                                  "--linux profiles Debian's Linux as it is")
        vmlinuz, ks = linux_symbols()
        vp = vpmu_setup(True)
        with tempfile.TemporaryDirectory() as tmp:
            rips, back = trace(linux_guest(vmlinuz, ks, opts.op, opts.rss, opts.call, tmp),
                               op, opts.call, opts.max_steps, opts.timeout)
            counts = vpmu_call(vp, linux_guest(vmlinuz, ks, opts.op, opts.rss, opts.call, tmp, vp),
                               opts.op, opts.rss, opts.call, opts.timeout)
        return report(rips, back, ks, None, f"{opts.op} in Linux ({os.path.basename(vmlinuz)})",
                      opts, opts.top, op, counts)
    kernel = opts.kernel or qemu.ensure_built("build/forklab.elf")
    if not os.path.isfile(kernel):
        raise qemu.UsageError(f"kernel '{kernel}' not found")
    cat = catalog.of_kernel(opts.kernel)
    alloc, pt, pid = (getattr(opts, k) or cat.default(k) for k in catalog.FAMILIES)
    vp = vpmu_setup(False)
    guest = forklab_guest(kernel, opts.op, alloc, pt, pid, opts.rss, opts.call)
    rips, back = trace(guest, op, opts.call, opts.max_steps, opts.timeout)
    counts = vpmu_call(vp, forklab_guest(kernel, opts.op, alloc, pt, pid, opts.rss, opts.call, vp),
                       opts.op, opts.rss, opts.call, opts.timeout)
    return report(rips, back, Symbols(kernel), kernel,
                  f"{opts.op}, alloc={alloc} pt={pt} pid={pid}", opts, opts.top, op, counts)


COMMANDS = {"profile": cmd_profile}
