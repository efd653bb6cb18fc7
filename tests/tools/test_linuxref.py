"""tools/forklablib/linuxref.py: the parts of `forklab linux` that need no
guest (the initramfs, reading how the guest ended)."""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
from forklablib import initramfs, linux_parent, linuxref, qemu, results, run  # noqa: E402


class Initramfs(unittest.TestCase):
    @unittest.skipUnless(shutil.which("cpio"), "cpio not installed")
    def test_cpio_lists_init_and_the_console_node(self):
        with tempfile.TemporaryDirectory() as d:
            prog = os.path.join(d, "prog")
            with open(prog, "wb") as f:
                f.write(b"#!/bin/true\n" * 100)
            path = linuxref.make_initramfs(prog, os.path.join(d, "initramfs.cpio"))
            r = subprocess.run(["cpio", "-itv"], stdin=open(path, "rb"), capture_output=True,
                               text=True)
            self.assertEqual(r.returncode, 0, r.stderr)
            listing = r.stdout.splitlines()
            self.assertTrue(any(l.startswith("crw") and l.endswith("dev/console") for l in listing),
                            listing)
            self.assertTrue(any(l.startswith("-rwxr-xr-x") and l.endswith(" init") and " 1200 " in l
                                for l in listing), listing)


class GuestEnd(unittest.TestCase):
    def test_exit_code_from_the_init_panic(self):
        lines = ["result,fork,1,20,1,2,3,4,5,6,cycles",
                 "[    3.1] Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000100"]
        self.assertEqual(linuxref.init_exit_code(lines), 1)
        self.assertEqual(linuxref.init_exit_code(lines[:1] + [
            "Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000000"]), 0)
        self.assertIsNone(linuxref.init_exit_code(lines[:1]))


def read_newc(data):
    """(name, mode, data, rdev major, rdev minor) of each member of a newc
    cpio, up to the trailer: the reader side of initramfs.cpio_newc."""
    out, pos = [], 0
    while True:
        assert data[pos:pos + 6] == b"070701", data[pos:pos + 6]
        f = [int(data[pos + 6 + 8 * i:pos + 14 + 8 * i], 16) for i in range(13)]
        mode, size, major, minor, namesize = f[1], f[6], f[9], f[10], f[11]
        name = data[pos + 110:pos + 110 + namesize - 1].decode()
        pos = (pos + 110 + namesize + 3) & ~3
        body = data[pos:pos + size]
        pos = (pos + size + 3) & ~3
        if name == "TRAILER!!!":
            assert pos == len(data)
            return out
        out.append((name, mode, body, major, minor))


# QEMU 7.2's stderr when this host's nested KVM stops the Linux guest (captured
# from `forklab linux --mode kvm` after 128 s, shortened)
KVM_STDERR = """KVM internal error. Suberror: 1
extra data[0]: 0x0000000000000001
extra data[1]: 0x74204dc70f48f00f
extra data[2]: 0x894d0824448b4c66
extra data[3]: 0x0000000000001000
emulation failure
RAX=ffff8c6081041040 RBX=0000000000000000 RCX=0000000080400040 RDX=0000000000400001
"""

LINUX_LOG = """[    0.000000] Linux version 6.1.0-56-cloud-amd64
config,op,fork,alloc,linux,pt,linux,pid,linux,rss_pages,1
result,fork,1,50,117812,119142,154927,169724,169724,130544,cycles
sample,fork,1,117812
config,op,vfork,alloc,linux,pt,linux,pid,linux,rss_pages,1
result,vfork,1,50,53853,54631,88916,108244,108244,65112,cycles
[    3.100000] Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000000
""".splitlines()


class LinuxReference(unittest.TestCase):
    """forklab linux (tools/forklablib/linuxref.py) without a guest."""

    def test_initramfs_reads_back(self):
        prog = bytes(range(256)) * 5 + b"\x7fELF"		# a length that needs padding
        a = initramfs.cpio_newc([("dev", 0o040755, b"", 0, 0),
                                ("dev/console", 0o020600, b"", 5, 1),
                                ("init", 0o100755, prog, 0, 0)])
        self.assertEqual(read_newc(a), [("dev", 0o040755, b"", 0, 0),
                                        ("dev/console", 0o020600, b"", 5, 1),
                                        ("init", 0o100755, prog, 0, 0)])

    def test_kvm_emulation_failure_detected(self):
        self.assertTrue(linuxref.kvm_failed(KVM_STDERR))
        self.assertFalse(linuxref.kvm_failed(""))
        self.assertFalse(linuxref.kvm_failed("qemu-system-x86_64: terminating on signal 9\n"))

    def test_guest_log_gives_linux_rows_and_exit(self):
        rows, _, _ = results.parse_log(LINUX_LOG)
        self.assertEqual([(r["op"], r["alloc"], r["pt"], r["pid"], r["p50"]) for r in rows],
                         [("fork", "linux", "linux", "linux", "119142"),
                          ("vfork", "linux", "linux", "linux", "54631")])
        self.assertEqual(linuxref.init_exit_code(LINUX_LOG), 0)
        self.assertEqual(results.parse_samples(LINUX_LOG),
                         [{"op": "fork", "alloc": "linux", "pt": "linux", "pid": "linux",
                           "rss_pages": "1", "i": 0, "cycles": "117812"}])

    def test_icount_command_line(self):
        c = linuxref.guest_command("icount", "vmlinuz", "initrd", "benchall 5 4 linux", 512)
        self.assertEqual(c[c.index("-accel") + 1], "tcg")
        self.assertEqual(c[c.index("-icount") + 1], "shift=0,sleep=off")
        self.assertTrue(c[-1].startswith("console=ttyS0"))
        self.assertTrue(c[-1].endswith("rdinit=/init -- benchall 5 4 linux"))
        k = linuxref.guest_command("kvm", "vmlinuz", "initrd", "x", 512)
        self.assertIn("host,-arch-capabilities,+invtsc", k)

    def test_default_run_dir_is_new(self):
        with tempfile.TemporaryDirectory() as d:
            saved = run.ROOT
            run.ROOT = d
            try:
                a = linuxref.new_dir(None, "icount")
                b = linuxref.new_dir(None, "icount")
            finally:
                run.ROOT = saved
            self.assertNotEqual(a, b)
            self.assertTrue(os.path.isdir(a) and os.path.isdir(b))
            self.assertTrue(os.path.basename(a).endswith("-linux-icount"))
            with self.assertRaises(qemu.UsageError):
                linuxref.new_dir(a, "icount")

    def forklab_linux(self, *args):
        forklab = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools",
                               "forklab")
        r = subprocess.run([sys.executable, forklab, "linux", *args],
                           capture_output=True, text=True, timeout=60)
        self.assertNotIn("Traceback", r.stderr)
        return r

    def test_bad_arguments(self):
        with tempfile.TemporaryDirectory() as d:
            for args, says in ((["--iters", "0"], "at least 1"),
                               (["--rss-max", "-3"], "at least 1"),
                               (["--out", d], "never overwrites"),
                               (["--no-such-option"], "unrecognized arguments")):
                r = self.forklab_linux(*args)
                self.assertEqual(r.returncode, 2, (args, r.stderr))
                self.assertIn(says, r.stderr.strip().splitlines()[-1], args)
            self.assertEqual(os.listdir(d), [])		# nothing written into it

    def test_meta_names_the_commit(self):
        meta = linuxref.common_meta("icount", "x")
        head = subprocess.run(["git", "-C", linuxref.ROOT, "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True).stdout.strip()
        self.assertTrue(head and meta["git_commit"].startswith(head[:7]), meta["git_commit"])
        self.assertEqual(meta["git_dirty"], meta["git_commit"].endswith("-dirty"))
        self.assertTrue(meta["host"] and meta["host_cores"] >= 1)	# the report's "where"
        self.assertEqual(linuxref.common_meta("native", "x")["qemu"], "no QEMU (native)")

    @unittest.skipUnless(os.path.exists(linux_parent.PROGRAM), "build/user/forklab-parent not built")
    def test_parent_bench_natively(self):
        """--native --bench parent: the sweep's every point on this host, a
        process each, its pages asked for by prctl or madvise"""
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "run")
            r = self.forklab_linux("--native", "--bench", "parent", "--rss-max", "512",
                                   "--iters", "3", "--no-plots", "--out", out)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            rows = results.read_csv(os.path.join(out, "results.csv"))
            meta = results.read_meta(out)
        want = [(name, str(rss), str(live)) for name, _, _, rss, live in linux_parent.sweep(512)]
        self.assertEqual([(x["op"], x["rss_pages"], x["live"]) for x in rows], want)
        self.assertEqual({x["n"] for x in rows if x["op"].startswith("cow-write")}, {"512"})
        self.assertEqual((meta["mode"], meta["host_thp"]), ("native", linux_parent.host_thp()))
        self.assertIn("never|madvise", meta["program_args"])

    @unittest.skipUnless(os.path.exists(linuxref.PROGRAM) and shutil.which(qemu.QEMU),
                         "build/user/forklab-user not built or QEMU missing")
    def test_unknown_mode(self):
        r = self.forklab_linux("--mode", "fast", "--out", os.path.join(tempfile.gettempdir(),
                                                                       "forklab-linux-never"))
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertEqual(r.stderr.strip().splitlines(),
                         ["forklab: unknown mode 'fast'; accepted: auto, kvm, tcg, icount, kvm-npt, kvm-shadow"])


class ParentSweep(unittest.TestCase):
    """linux_parent.sweep: bench=parent's points for the Linux guest."""

    def test_sizes_ops_and_hugepages(self):
        got = linux_parent.sweep(262144)
        sizes = [rss for name, _, _, rss, _ in got if name == "fork-dirty"]
        self.assertEqual(sizes, [1, 512, 2048, 8192, 32768, 131072, 262144])
        thp = [(op, t) for name, op, t, _, _ in got if name == "fork-thp"]
        self.assertEqual(set(thp), {("fork-dirty", "always")})
        self.assertEqual([live for name, _, _, _, live in got if name == "fork-vmas"],
                         list(linux_parent.VMA_COUNTS))
        self.assertEqual({t for name, _, t, _, _ in got
                          if name not in ("fork-thp", "cow-write-thp-split")}, {"never"})

    def test_a_small_maximum_is_a_point_of_its_own(self):
        self.assertEqual([rss for name, _, _, rss, _ in linux_parent.sweep(1000)
                          if name == "fork-clean"], [1, 512, 1000])
        self.assertEqual([(name, rss) for name, op, _, rss, _ in linux_parent.sweep(1000)
                          if op == linux_parent.COW_WRITE],
                         [("cow-write-4k", 512), ("cow-write-4k", 1000),
                          ("cow-write-thp-split", 512), ("cow-write-thp-split", 1000)])

    def test_first_writes_as_the_kernel_sweeps_them(self):
        """bench/parent_bench.c's SWEEP_COW: 2 MiB, 64 MiB, rss_max; 4 KiB
        pages, and 2 MiB ones under THP, named after what Linux does."""
        got = linux_parent.sweep(262144)
        cow = [(name, thp, rss, live) for name, op, thp, rss, live in got
               if op == linux_parent.COW_WRITE]
        self.assertEqual(cow, [("cow-write-4k", "never", r, 0) for r in (512, 16384, 262144)] +
                         [("cow-write-thp-split", "always", r, 0) for r in (512, 16384, 262144)])
        self.assertEqual({name for name, *_ in got if name.startswith("cow-write")},
                         {"cow-write-4k", "cow-write-thp-split"})	# no thp_cow=copy on Linux
        ops = [name for name, *_ in got]		# the kernel's order: after fork-thp
        self.assertEqual(ops.index("cow-write-4k"), len(ops) - ops[::-1].index("fork-thp"))
        self.assertEqual([rss for name, _, _, rss, _ in linux_parent.sweep(512)
                          if name == "cow-write-4k"], [512])
        self.assertEqual([x for x in linux_parent.sweep(100) if x[1] == linux_parent.COW_WRITE],
                         [])

    def test_the_program_op_is_parent_ops_h(self):
        with open(os.path.join(linuxref.ROOT, "bench", "user", "parent_ops.h")) as f:
            self.assertIn(f'#define PARENT_OP_COW_WRITE\t"{linux_parent.COW_WRITE}"', f.read())


if __name__ == "__main__":
    unittest.main()
