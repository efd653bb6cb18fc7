"""Command-line front end of tools/forklab."""
import argparse
import os
import sys

from . import (catalog, compare, exitcodes, gate, linuxref, merge, nestedcmd, plot, profile, protocol,
               qemu, report, run, threads)
from .ui import warn

BOOT_EPILOG = """exit status:
  0 passed (or the user program exited 0); 1 self-test failure; 2 kernel panic;
  3 bad kernel command line; 4 CPU exception in the kernel; 5 out of memory;
  6 unsupported boot; 7 user program not loadable; N the user program's exit
  code (1..63); 70 user program
  killed by a fault; 124 timeout; 125 triple fault or reset; 126 QEMU failed;
  127 QEMU not installed; 2 also for bad options to this tool.
"""

OUTCOMES = ("pass", "fail", "panic", "badcmd", "exception", "nomem", "badboot", "badprog", "triple",
            "timeout", "killed", "program:N")


def add_boot_options(p, default_timeout=120):
    p.add_argument("--mode", help="auto (the default: kvm if /dev/kvm works, else tcg), kvm, "
                   "tcg, or icount (deterministic: the TSC counts instructions); or $FORKLAB_MODE")
    p.add_argument("--timeout", type=float, default=default_timeout,
                   help=f"seconds before the guest is stopped (default {default_timeout})")
    p.add_argument("--mem", type=int, default=512, help="guest RAM in MiB (default 512)")
    p.add_argument("--smp", type=qemu.smp_count, default=1,
                   help="virtual CPUs (default 1; TCG runs them as host threads, MTTCG)")
    p.add_argument("--kernel", help="kernel ELF (default build/forklab.elf, built if missing)")
    p.add_argument("--iso", action="store_true",
                   help="boot build/forklab.iso through GRUB (its grub.cfg holds the args)")
    p.add_argument("--program", action="append", default=[],
                   help="static x86-64 ELF to run as pid 1 instead of the embedded program "
                   "(/NAME in the guest's files; a cpio archive: its /init runs)")
    p.add_argument("--file", action="append", default=[],
                   help="one more file for the guest, as /NAME (a cpio newc archive is "
                   "unpacked into its paths); repeatable")
    p.add_argument("--log", help="also write the serial output to this file")
    p.add_argument("--quiet", action="store_true", help="do not echo the serial output")


def do_boot(opts, extra_args=()):
    if opts.iso and (opts.kargs or extra_args):
        raise qemu.UsageError("kernel arguments cannot be given with --iso "
                              "(boot/grub.cfg holds them)")
    mode = qemu.choose_mode(opts.mode, warn=warn)
    args = " ".join(list(extra_args) + opts.kargs)
    echo = None if opts.quiet else (lambda line: print(line, flush=True))
    return qemu.boot(mode, args=args, kernel=opts.kernel, iso=opts.iso, mem=opts.mem, smp=opts.smp,
                     timeout=opts.timeout, modules=opts.program + opts.file, echo=echo,
                     log=opts.log)


def report_end(res):
    o = res.outcome
    if o.name == "timeout":
        warn(f"forklab: timed out after {res.wall_s:.0f} s; last serial lines:")
        for line in res.lines[-10:]:
            warn("  | " + line)
    status = f" (status {o.guest_status})" if o.guest_status is not None else ""
    warn(f"forklab: guest exited: {o.words}{status} [{res.mode}, {res.wall_s:.2f} s]")


def cmd_boot(argv):
    p = argparse.ArgumentParser(prog="forklab boot", description="Boot the kernel once.",
                                epilog=BOOT_EPILOG,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    add_boot_options(p)
    p.add_argument("--time-boot", action="store_true",
                   help="print the time from QEMU start to the first serial line")
    opts = parse(p, argv)
    res = do_boot(opts)
    if opts.time_boot and res.boot_ms is not None:
        warn(f"forklab: first serial line after {res.boot_ms:.0f} ms ({res.mode})")
    report_end(res)
    return res.outcome.tool_status


def cmd_test(argv):
    p = argparse.ArgumentParser(prog="forklab test",
                                description="Run the guest self-tests (mode=test).")
    add_boot_options(p, default_timeout=300)
    opts = parse(p, argv)
    res = do_boot(opts, extra_args=() if opts.iso else ("mode=test",))
    passed = sum(1 for line in res.lines if line.startswith("PASS:"))
    failed = sum(1 for line in res.lines if line.startswith("FAIL:"))
    report_end(res)
    print(f"guest: {passed} passed, {failed} failed", flush=True)
    if res.outcome.name != "pass":
        return res.outcome.tool_status or 1
    return 0 if failed == 0 and passed > 0 else 1


def cmd_expect(argv):
    p = argparse.ArgumentParser(prog="forklab expect",
                                description="Boot and exit 0 iff the guest ends with OUTCOME: "
                                + ", ".join(OUTCOMES))
    p.add_argument("outcome")
    add_boot_options(p, default_timeout=60)
    opts = parse(p, argv)
    want = opts.outcome
    if want not in OUTCOMES and not (want.startswith("program:") and want[8:].isdigit()):
        raise qemu.UsageError(f"unknown outcome '{want}'; accepted: {', '.join(OUTCOMES)}")
    opts.quiet = True
    res = do_boot(opts)
    got = res.outcome.name
    for line in res.lines[-15:]:
        print("  | " + line)
    print(f"forklab: expected {want}, got {got} ({res.outcome.words})", flush=True)
    return 0 if got == want else 1


def cmd_list(argv):
    p = argparse.ArgumentParser(prog="forklab list",
                                description="List kernel keys, strategies and benchmarks "
                                "(read from the kernel itself).")
    p.add_argument("--mode")
    opts = parse(p, argv)
    mode = qemu.choose_mode(opts.mode, warn=warn)
    res = qemu.boot(mode, args="mode=list", timeout=60)
    if res.outcome.name != "pass":
        warn(f"forklab: the kernel did not list: {res.outcome.words}")
        return res.outcome.tool_status or 1
    cat = catalog.Catalog.from_lines(res.lines)
    print("kernel command-line keys:")
    for name, desc in cat.keys:
        print(f"  {name:<10} {desc}")
        if name in cat.accepts:
            print(f"  {'':<10} accepts: {cat.accepts[name]}")
    print("strategies:")
    for family, strategies in cat.strategies.items():
        for name, desc in strategies:
            default = " (default)" if cat.defaults.get(family) == name else ""
            print(f"  {family + '=' + name:<16} {desc}{default}")
    print("benchmarks:")
    for name, varies, desc in cat.benches:
        print(f"  {name:<8} varies {varies:<14} {desc}")
    print("fork benchmark operations:")
    for op in cat.ops:
        print(f"  {op.name:<16} {op.desc}")
    print("fork phases:")
    for name, desc in cat.phases:
        print(f"  {name:<20} {desc}")
    return 0


COMMANDS = {"boot": cmd_boot, "test": cmd_test, "expect": cmd_expect, "list": cmd_list}
for module in (run, merge, plot, report, compare, gate, linuxref, profile, nestedcmd, threads):
    COMMANDS.update(module.COMMANDS)


def parse(p, argv):
    """argparse with everything after '--' taken as kernel arguments."""
    kargs = []
    if "--" in argv:
        i = argv.index("--")
        argv, kargs = argv[:i], argv[i + 1:]
    opts = p.parse_args(argv)
    opts.kargs = kargs
    return opts


def main(argv):
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(sys.modules["__main__"].__doc__ or "")
        return 0 if argv else 2
    name = argv[0]
    if name not in COMMANDS:
        warn(f"forklab: unknown command '{name}'; accepted: {', '.join(sorted(COMMANDS))}")
        return 2
    try:
        return COMMANDS[name](argv[1:])
    except qemu.UsageError as e:
        warn(f"forklab: {e}")
        return 2
    except exitcodes.HeaderError as e:
        warn(f"forklab: {e}")
        return 2
    except protocol.ProtocolError as e:	# the kernel and this tool disagree
        warn(f"forklab: {e}")
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:		# e.g. `forklab compare A B | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
