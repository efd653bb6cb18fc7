"""forklab threads: pthread_create + pthread_join against the raw
clone-thread they wrap, timed by one static musl program
(bench/musl/pthread_bench.c) on forklab, in the Linux guest of `forklab
linux` (Debian's cloud kernel) and, with --native, on this host. Under
icount (the default) the numbers are instructions; one CPU each."""
import argparse
import csv
import os
import subprocess

from . import linuxref, qemu
from .exitcodes import ROOT
from .ui import warn

PROGRAM = os.path.join(ROOT, "build", "user", "musl-pthread-bench")
PREFIX = "pthread_bench,"
COLUMNS = ("system", "mode", "op", "rss_pages", "n", "min", "p50", "max")
RSS_MAX = 262144		# pages: 1 GiB (bench/musl/pthread_bench.c MAX_PAGES)
LINUX_ARGS = "transparent_hugepage=never"	# 4 KiB pages, as the spawn sweep's Linux guest


def parse(lines, system, mode, rss=0):
    """The program's result lines as rows (dicts of COLUMNS); @rss: the
    resident pages it was given."""
    rows = []
    for line in lines:
        if line.startswith(PREFIX) and not line.endswith(",failed"):
            op, n, lo, p50, hi = line[len(PREFIX):].split(",")
            rows.append(dict(system=system, mode=mode, op=op, rss_pages=rss, n=int(n),
                             min=int(lo), p50=int(p50), max=int(hi)))
    return rows


def on_forklab(mode, iters, timeout, smp, rss=0):
    res = qemu.boot(mode, args=f"args={iters},{rss}", modules=[PROGRAM], timeout=timeout,
                    smp=smp, mem=qemu.guest_mem(rss))
    if res.outcome.name != "program:0":
        warn(f"forklab threads: forklab run did not end with status 0: {res.outcome.words}")
    return parse(res.lines, "forklab", mode, rss)


def on_linux(mode, iters, timeout, rss=0):
    vmlinuz, package = linuxref.ensure_kernel()
    initrd = linuxref.make_initramfs(PROGRAM, os.path.join(linuxref.CACHE, "threads.cpio"))
    lines, _, why, _, _ = linuxref.run_guest(mode, vmlinuz, initrd, f"{iters} {rss}",
                                             qemu.guest_mem(rss), timeout, LINUX_ARGS)
    if why or linuxref.init_exit_code(lines) != 0:
        warn(f"forklab threads: the Linux guest ({package}) did not end with status 0"
             + (f" ({why})" if why else ""))
    return parse(lines, "linux " + package.split("_")[-1], mode, rss)


def native(iters, timeout, rss=0):
    r = subprocess.run([PROGRAM, str(iters), str(rss)], capture_output=True, text=True,
                       timeout=timeout)
    return parse(r.stdout.splitlines(), "this host", "native", rss)


def print_table(rows):
    systems = list(dict.fromkeys((r["system"], r["mode"]) for r in rows))
    ops = list(dict.fromkeys((r["op"], r["rss_pages"]) for r in rows))
    sized = len({r["rss_pages"] for r in rows}) > 1
    by = {(r["system"], r["mode"], r["op"], r["rss_pages"]): r for r in rows}
    print(f"{'p50 (n)':<30}" + "".join(f"{s + ', ' + m:>28}" for s, m in systems))
    for op, rss in ops:
        cells = [by.get((s, m, op, rss)) for s, m in systems]
        name = f"{op}, {rss} pages" if sized else op
        print(f"{name:<30}" + "".join(
            f"{(format(c['p50'], ',').replace(',', ' ') + ' (' + str(c['n']) + ')') if c else '-':>28}"
            for c in cells))


def cmd_threads(argv):
    p = argparse.ArgumentParser(
        prog="forklab threads",
        description="Time pthread_create+pthread_join against the raw clone-thread (and its "
        "futex join) with one static musl program, on forklab and in the Linux guest of "
        "forklab linux, under the same QEMU mode (one CPU), and on this host with --native.")
    p.add_argument("--mode", default="icount", choices=("icount", "tcg"),
                   help="QEMU mode for both guests (default icount: instructions)")
    p.add_argument("--iters", type=int, default=100, help="timed calls per op (default 100)")
    p.add_argument("--no-linux", action="store_true", help="forklab only")
    p.add_argument("--native", action="store_true", help="also run it on this host")
    p.add_argument("--smp", type=int, default=1, help="forklab's CPUs (default 1)")
    p.add_argument("--rss", default="0",
                   help="the parent's resident pages, written before timing: a comma list, "
                   f"each 0..{RSS_MAX} (default 0: the program alone)")
    p.add_argument("--csv", help="write the rows to this CSV file too")
    p.add_argument("--timeout", type=float, default=600)
    opts = p.parse_args(argv)
    if not 1 <= opts.iters <= 100000:
        raise qemu.UsageError(f"--iters {opts.iters}: accepted 1..100000")
    try:
        sizes = [int(x) for x in opts.rss.split(",")]
    except ValueError:
        sizes = []
    if not sizes or not all(0 <= x <= RSS_MAX for x in sizes):
        raise qemu.UsageError(f"--rss {opts.rss}: accepted a comma list of pages, each "
                              f"0..{RSS_MAX}")
    # rebuilt when its source changed (ensure_built makes only missing files)
    subprocess.run(["make", "-C", ROOT, "-s", "build/user/musl-pthread-bench"], check=False)
    qemu.ensure_built("build/user/musl-pthread-bench")
    rows = []
    for rss in sizes:
        rows += on_forklab(opts.mode, opts.iters, opts.timeout, opts.smp, rss)
        if not opts.no_linux:
            rows += on_linux(opts.mode, opts.iters, opts.timeout, rss)
        if opts.native:
            rows += native(opts.iters, opts.timeout, rss)
    if not rows:
        warn("forklab threads: no result lines")
        return 1
    print_table(rows)
    if opts.csv:
        with open(opts.csv, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=COLUMNS)
            w.writeheader()
            w.writerows(rows)
    return 0


COMMANDS = {"threads": cmd_threads}
