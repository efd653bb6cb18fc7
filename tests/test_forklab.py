"""Host tests of tools/forklab's decoding and mode selection (no QEMU)."""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
from forklablib import exitcodes, linuxref, qemu, runs  # noqa: E402


class ExitStatus(unittest.TestCase):
    def setUp(self):
        self.table = exitcodes.load()

    def rc(self, name):
        return self.table[name][0] * 2 + 1

    def test_header_parsed(self):
        self.assertEqual(self.table["PASS"][0], 1)
        self.assertIn("panic", self.table["PANIC"][1])

    def test_pass_panic_badcmd(self):
        self.assertEqual(exitcodes.decode(self.rc("PASS"), self.table).name, "pass")
        self.assertEqual(exitcodes.decode(self.rc("PASS"), self.table).tool_status, 0)
        o = exitcodes.decode(self.rc("PANIC"), self.table)
        self.assertEqual((o.name, o.tool_status), ("panic", 2))
        self.assertEqual(exitcodes.decode(self.rc("BADCMD"), self.table).tool_status, 3)

    def test_triple_fault_and_qemu_failure(self):
        self.assertEqual(exitcodes.decode(0, self.table).name, "triple")
        self.assertEqual(exitcodes.decode(0, self.table).tool_status, 125)
        self.assertEqual(exitcodes.decode(1, self.table).name, "qemu")
        self.assertEqual(exitcodes.decode(1, self.table).tool_status, 126)

    def test_program_exit_codes(self):
        base = self.table["PROGRAM_BASE"][0]
        for code in (0, 7, 63):
            o = exitcodes.decode((base + code) * 2 + 1, self.table)
            self.assertEqual((o.name, o.tool_status), (f"program:{code}", code))
        o = exitcodes.decode(self.rc("PROGRAM_KILLED"), self.table)
        self.assertEqual((o.name, o.tool_status), ("killed", 70))

    def test_timeout(self):
        self.assertEqual(exitcodes.decode(0, self.table, timed_out=True).tool_status, 124)

    def test_broken_header(self):
        with tempfile.NamedTemporaryFile("w", suffix=".h", delete=False) as f:
            f.write("#define FL_EXIT_PASS 1 /* passed */\n")
        try:
            with self.assertRaises(exitcodes.HeaderError):
                exitcodes.load(f.name)
        finally:
            os.unlink(f.name)


class Modes(unittest.TestCase):
    def test_fallback_to_tcg(self):
        said = []
        mode = qemu.choose_mode("kvm", warn=said.append, probe=lambda: (False, "no /dev/kvm"))
        self.assertEqual(mode, "tcg")
        self.assertIn("falling back to TCG", said[0])

    def test_kvm_kept_when_usable(self):
        self.assertEqual(qemu.choose_mode("kvm", probe=lambda: (True, "")), "kvm")

    def test_bad_mode(self):
        with self.assertRaises(qemu.UsageError) as e:
            qemu.choose_mode("fast")
        self.assertIn("kvm, tcg, icount", str(e.exception))

    def test_icount_command(self):
        cmd = qemu.qemu_command("icount", kernel="k", args="mode=test")
        self.assertIn("shift=0,sleep=off", cmd)
        self.assertIn("isa-debug-exit,iobase=0xf4,iosize=0x04", cmd)
        self.assertEqual(cmd[cmd.index("-append") + 1], "mode=test")

    def test_kvm_command_drops_arch_capabilities(self):
        cmd = qemu.qemu_command("kvm", kernel="k")
        self.assertIn("host,-arch-capabilities,+invtsc", cmd)


LOG = """config,op,fork,alloc,slub,pt,cow,pid,hash,rss_pages,1
result,fork,1,50,100,110,120,130,140,111,cycles
phases,n,50,flags,1,dup_task_struct,2,copy_files..signal,3,copy_mm,4,copy_thread,5,alloc_pid,6,attach_pid,7,wake_up_new_task,8,total,40
alloc,hot,slub,64,100,20,27,27,30,40,28,1,cycles
pid,alloc+find+free,idr,1000,100,50,60,70,80,90,61,2,cycles
""".splitlines()


class Results(unittest.TestCase):
    def test_parse_log(self):
        rows, meta = runs.parse_log(LOG)
        self.assertEqual(len(rows), 3)
        fork = rows[0]
        self.assertEqual((fork["op"], fork["alloc"], fork["pt"], fork["p50"]), ("fork", "slub", "cow", "110"))
        self.assertEqual((fork["phase_copy_mm"], fork["phase_total"]), ("4", "40"))
        self.assertEqual((rows[1]["bench"], rows[1]["size"], rows[1]["p50"]), ("alloc", "64", "27"))
        self.assertEqual((rows[2]["pid"], rows[2]["live"]), ("idr", "1000"))

    def test_compare_flags_regressions(self):
        base, _ = runs.parse_log(LOG)
        now = [dict(r) for r in base]
        now[0]["p50"] = "120"		# +9%
        now[1]["p50"] = "26"		# -3.7%
        verdicts = {(k[0], m): v for k, m, x, y, ch, v in runs.compare_rows(base, now)}
        self.assertEqual(verdicts[("fork", "p50")], "worse")
        self.assertEqual(verdicts[("alloc", "p50")], "better")
        self.assertEqual(verdicts[("pid", "p50")], "same")

    def test_missing_row_is_reported(self):
        base, _ = runs.parse_log(LOG)
        result = runs.compare_rows(base, base[1:])
        self.assertIn("missing", [r[5] for r in result])


def read_newc(data):
    """(name, mode, data, rdev major, rdev minor) of each member of a newc
    cpio, up to the trailer: the reader side of linuxref.cpio_newc."""
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
        a = linuxref.cpio_newc([("dev", 0o040755, b"", 0, 0),
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
        rows, _ = runs.parse_log(LINUX_LOG)
        self.assertEqual([(r["op"], r["alloc"], r["pt"], r["pid"], r["p50"]) for r in rows],
                         [("fork", "linux", "linux", "linux", "119142"),
                          ("vfork", "linux", "linux", "linux", "54631")])
        self.assertEqual(linuxref.init_exit_code(LINUX_LOG), 0)
        self.assertEqual(runs.parse_samples(LINUX_LOG),
                         [{"op": "fork", "alloc": "linux", "pt": "linux", "pid": "linux",
                           "rss_pages": "1", "i": 0, "cycles": "117812"}])

    def test_icount_command_line(self):
        c = linuxref.guest_command("icount", "vmlinuz", "initrd", "benchall 5 4 linux", 512)
        self.assertEqual(c[c.index("-accel") + 1], "tcg")
        self.assertEqual(c[c.index("-icount") + 1], "shift=0,sleep=off")
        self.assertTrue(c[-1].startswith("console=ttyS0"))
        self.assertTrue(c[-1].endswith("rdinit=/init -- benchall 5 4 linux"))

    def test_default_run_dir_is_new(self):
        with tempfile.TemporaryDirectory() as d:
            saved = runs.ROOT
            runs.ROOT = d
            try:
                a = linuxref.new_dir(None, "icount")
                b = linuxref.new_dir(None, "icount")
            finally:
                runs.ROOT = saved
            self.assertNotEqual(a, b)
            self.assertTrue(os.path.isdir(a) and os.path.isdir(b))
            self.assertTrue(os.path.basename(a).endswith("-linux-icount"))
            with self.assertRaises(qemu.UsageError):
                linuxref.new_dir(a, "icount")

    def forklab_linux(self, *args):
        r = subprocess.run([sys.executable, os.path.join(os.path.dirname(__file__), "..",
                                                         "tools", "forklab"), "linux", *args],
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

    @unittest.skipUnless(os.path.exists(linuxref.PROGRAM) and shutil.which(qemu.QEMU),
                         "build/user/forklab-user not built or QEMU missing")
    def test_unknown_mode(self):
        r = self.forklab_linux("--mode", "fast", "--out", os.path.join(tempfile.gettempdir(),
                                                                       "forklab-linux-never"))
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertEqual(r.stderr.strip().splitlines(),
                         ["forklab: unknown mode 'fast'; accepted: kvm, tcg, icount"])


if __name__ == "__main__":
    unittest.main()
