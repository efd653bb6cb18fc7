"""Host tests of tools/forklab's decoding and mode selection (no QEMU)."""
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
from forklablib import cli, exitcodes, gate, qemu, results  # noqa: E402

FORKLAB = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools", "forklab")


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
        self.assertIn("auto, kvm, tcg, icount", str(e.exception))

    def test_auto_boots_kvm_when_usable(self):
        self.assertEqual(qemu.choose_mode("auto", probe=lambda: (True, "")), "kvm")
        self.assertEqual(qemu.choose_mode("auto", probe=lambda: (False, "no")), "tcg")

    def test_icount_command(self):
        cmd = qemu.qemu_command("icount", kernel="k", args="mode=test")
        self.assertIn("shift=0,sleep=off", cmd)
        self.assertIn("isa-debug-exit,iobase=0xf4,iosize=0x04", cmd)
        self.assertEqual(cmd[cmd.index("-append") + 1], "mode=test")

    def test_kvm_command_drops_arch_capabilities(self):
        cmd = qemu.qemu_command("kvm", kernel="k")
        self.assertIn("host,-arch-capabilities,+invtsc", cmd)


class Usage(unittest.TestCase):
    def test_the_usage_names_every_command(self):
        r = subprocess.run([sys.executable, FORKLAB, "--help"], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        for name in cli.COMMANDS:
            self.assertRegex(r.stdout, rf"(forklab|\|) {name} ", name)


LOG = """config,op,fork,alloc,slub,pt,cow,pid,hash,rss_pages,1
result,fork,1,50,100,110,120,130,140,111,cycles
phases,n,50,flags,1,dup_task_struct,2,copy_files..signal,3,copy_mm,4,copy_thread,5,alloc_pid,6,attach_pid,7,wake_up_new_task,8,total,40
alloc,hot,slub,64,100,20,27,27,30,40,28,1,cycles
pid,alloc+find+free,idr,1000,100,50,60,70,80,90,61,2,cycles
""".splitlines()


class Results(unittest.TestCase):
    def test_parse_log(self):
        rows, meta, _ = results.parse_log(LOG)
        self.assertEqual(len(rows), 3)
        fork = rows[0]
        self.assertEqual((fork["op"], fork["alloc"], fork["pt"], fork["p50"]), ("fork", "slub", "cow", "110"))
        self.assertEqual((fork["phase_copy_mm"], fork["phase_total"]), ("4", "40"))
        self.assertEqual((rows[1]["bench"], rows[1]["size"], rows[1]["p50"]), ("alloc", "64", "27"))
        self.assertEqual((rows[2]["pid"], rows[2]["live"]), ("idr", "1000"))

    def test_compare_flags_regressions(self):
        base, _, _ = results.parse_log(LOG)
        now = [dict(r) for r in base]
        now[0]["p50"] = "120"		# +9%
        now[1]["p50"] = "26"		# -3.7%
        verdicts = {(k[0], m): v for k, m, x, y, ch, v in gate.compare_rows(base, now)}
        self.assertEqual(verdicts[("fork", "p50")], "worse")
        self.assertEqual(verdicts[("alloc", "p50")], "better")
        self.assertEqual(verdicts[("pid", "p50")], "same")

    def test_missing_row_is_reported(self):
        base, _, _ = results.parse_log(LOG)
        result = gate.compare_rows(base, base[1:])
        self.assertIn("missing", [r[5] for r in result])


if __name__ == "__main__":
    unittest.main()
