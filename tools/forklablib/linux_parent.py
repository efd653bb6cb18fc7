"""forklab linux --bench parent: bench=parent's sweep (fork against the
parent's state) in the Linux guest, with the same program the kernel's
bench=parent runs (build/user/forklab-parent, as /init). One guest boot a
configuration: 2 MiB pages are Linux's transparent_hugepage=always (the
4 KiB rows boot with never), and each boot gets the memory its size
needs. A first write to a 2 MiB page that fork shared splits the PMD and
copies 4 KiB (mm/huge_memory.c do_huge_pmd_wp_page: shared, it falls
back), so Linux's 2 MiB first-write row is forklab's thp_cow=split one.
The rows are bench=parent with alloc, pt and pid 'linux', as the kernel's
rows of the same ops (plot, report and compare read them). With --native
the same program runs on this host, one process a configuration, asking
for its pages with prctl(PR_SET_THP_DISABLE) or madvise(MADV_HUGEPAGE)
instead of a boot parameter (forklab-parent's last argument)."""
import os
import platform
import subprocess
import time

from . import linuxref, qemu
from .ui import warn

PROGRAM = os.path.join(linuxref.ROOT, "build", "user", "forklab-parent")
VMA_COUNTS = (1, 10, 100, 1000, 10000)		# bench/parent_bench.c's sweeps
THREAD_COUNTS = (0, 1, 2, 4, 8, 16, 32, 64)
COW_WRITE = "cow-write-all"	# parent_ops.h's PARENT_OP_COW_WRITE: one fork, every page written
SIZE_ITERS_MAX = 16384		# pages past which a configuration gets 5 calls
THP_MEM_MIN = 1024		# MiB: below 512 Linux turns THP off at boot (hugepage_init)
HOST_THP = "/sys/kernel/mm/transparent_hugepage/enabled"
NATIVE_THP = {"never": "never", "always": "madvise"}	# forklab-parent's ask, by guest setting


def sweep(rss_max):
    """(row op, program op, transparent_hugepage, rss, live) for each
    configuration: the kernel's sweep points (bench/parent_bench.c
    sweep_points), its first writes in 4 KiB pages and in 2 MiB ones
    (Linux splits: cow-write-thp-split; it has no thp_cow=copy)."""
    sizes = [1] + with_max([r for r in (512 * 4 ** k for k in range(12)) if r <= rss_max],
                           rss_max)
    cow = with_max([r for r in (512, 512 * 32) if r <= rss_max], rss_max)
    out = [(name, op, thp, rss, 0) for name, op, thp in
           (("fork-dirty", "fork-dirty", "never"), ("fork-clean", "fork-clean", "never"),
            ("fork-thp", "fork-dirty", "always")) for rss in sizes]
    out += [(name, COW_WRITE, thp, rss, 0) for name, thp in
            (("cow-write-4k", "never"), ("cow-write-thp-split", "always")) for rss in cow]
    out += [("fork-vmas", "fork-vmas", "never", 1, n) for n in VMA_COUNTS]
    out += [("fork-threads", "fork-threads", "never", 1, n) for n in THREAD_COUNTS]
    return out


def with_max(sizes, rss_max):
    """@sizes, then @rss_max when it is past 512 pages and not the last."""
    return sizes + [rss_max] if rss_max > 512 and (not sizes or sizes[-1] != rss_max) else sizes


def host_thp():
    """This host's THP mode ("always", "madvise", "never"), None unknown."""
    try:
        with open(HOST_THP) as f:
            word = f.read()
    except OSError:
        return None
    return word[word.find("[") + 1:word.find("]")] if "[" in word else None


def configurations(opts):
    """(row op, program op, THP setting, rss, live, calls) of the sweep."""
    for name, op, thp, rss, live in sweep(opts.rss_max):
        n = 1 if op == COW_WRITE else opts.iters if rss <= SIZE_ITERS_MAX else min(opts.iters, 5)
        yield name, op, thp, rss, live, n


def on_guest(opts, mode):
    """Each configuration in its own boot: (name, rss, live, output lines, why
    not, or None) in sweep order; the Linux package's name."""
    vmlinuz, package = linuxref.ensure_kernel()
    initrd = linuxref.make_initramfs(PROGRAM, os.path.join(linuxref.CACHE, "parent.cpio"))

    def each():
        for name, op, thp, rss, live, n in configurations(opts):
            got, _, why, _, _ = linuxref.run_guest(
                mode, vmlinuz, initrd, f"{op} {n} {rss} {live}",
                opts.mem or max(qemu.guest_mem(rss), THP_MEM_MIN if thp == "always" else 0),
                opts.timeout, f"transparent_hugepage={thp} {opts.kernel_args}".strip())
            yield name, rss, live, got, why
    return each(), package


def on_host(opts):
    """Each configuration as a process of its own on this host (2 MiB pages
    by madvise: a host whose THP is "never" has none, and says so); as
    on_guest's."""
    thp_mode = host_thp()
    if thp_mode == "never":
        warn(f"forklab linux: this host's THP is 'never' ({HOST_THP}): the 2 MiB rows "
             "measure 4 KiB pages")

    def each():
        for name, op, thp, rss, live, n in configurations(opts):
            cmd = [PROGRAM, op, str(n), str(rss), str(live), NATIVE_THP[thp]]
            try:
                r = subprocess.run(cmd, capture_output=True, text=True, timeout=opts.timeout)
                got, why = r.stdout.splitlines(), None if r.returncode == 0 else \
                    f"exit status {r.returncode}: {(r.stdout + r.stderr).strip()[-200:]}"
            except subprocess.TimeoutExpired:
                got, why = [], "timeout"
            yield name, rss, live, got, why
    return each(), f"this host's Linux {platform.release()} (THP {thp_mode or '?'})"


def run(opts, mode, choice):
    """The sweep to opts.rss_max pages in the guest of @mode, or on this host
    (@mode "native"), opts.iters calls a configuration (5 past
    SIZE_ITERS_MAX pages; a first-write configuration forks once and times
    every page); (the run directory's path, configurations that failed)."""
    qemu.ensure_built("build/user/forklab-parent")
    native = mode == "native"
    configs, where = on_host(opts) if native else on_guest(opts, mode)
    out = linuxref.new_dir(opts.out, mode)
    lines, start, failed = [], time.monotonic(), 0
    for name, rss, live, got, why in configs:
        rows = [l for l in got if l.startswith("parent,")]
        if why or not rows:
            failed += 1
            warn(f"forklab linux: {name} at {rss} pages, {live} live: no result"
                 + (f" ({why})" if why else ""))
        lines.append(f"config,op,{name},alloc,{linuxref.NAME},pt,{linuxref.NAME},"
                     f"pid,{linuxref.NAME},rss_pages,{rss}")
        lines += rows
    with open(os.path.join(out, "log.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    meta = linuxref.common_meta(mode, "forklab-parent OP N RSS LIVE" +
                                (" never|madvise, one process each" if native else
                                 ", one boot each"))
    meta.update(program="build/user/forklab-parent", configurations_failed=failed,
                wall_s=round(time.monotonic() - start, 1))
    if native:
        meta.update(host_thp=host_thp())
    else:
        meta.update(mode_why=choice.why, linux_package=where, linux_kernel_args=opts.kernel_args)
    rows = linuxref.write_run(out, lines, meta)
    print(f"forklab linux: {len(rows)} result rows ({where}, {mode}, bench=parent) in "
          f"{os.path.relpath(out)}")
    return out, failed
