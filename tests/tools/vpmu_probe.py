"""tests/tools/vpmu_probe.py - the virtual PMU (build/vpmu/vpmu.so) against
windows whose counts are known: tests/programs/vpmu_probe.c runs as pid 1
on forklab under icount, prints each window's TSC delta (what icount
counts), and the plugin (windows=on) writes its record of each window. A
suite for tests/check.sh: one PASS:/FAIL: line per test.

    python3 tests/tools/vpmu_probe.py"""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
sys.path.insert(0, os.path.join(ROOT, "tools"))
sys.path.insert(0, HERE)
from forklablib import protocol, qemu, vpmu  # noqa: E402
from run_unittests import LineResult  # noqa: E402

PROGRAM = os.path.join(ROOT, "build", "user", "vpmu-probe")
REP_QWORDS = 100			# tests/programs/vpmu_probe.c
WINDOW_OVERHEAD = 3			# rdtsc, mov, mov before each body
TWO_NOPS = 50				# the nops after the "two" window's middle rdtsc
KEPT = ["rep", "nop", "two", "two-end", "zero", "cow"]	# the kept windows, in the program's order
SECOND_ROW = ["two-end"]		# the samples of the configuration's second row


# gdb, for test_rep_under_single_steps: stop at probe_rep, single-step
# through the rep window, let the guest run on
GDB_STEPS = """
import gdb
gdb.execute("target remote 127.0.0.1:%d", to_string=True)
gdb.execute("hbreak *%#x", to_string=True)
gdb.execute("continue", to_string=True)
gdb.execute("delete", to_string=True)
for _ in range(%d):
    gdb.execute("stepi", to_string=True)
gdb.execute("detach", to_string=True)
"""


def symbol(name):
    out = subprocess.run(["nm", PROGRAM], capture_output=True, text=True).stdout
    return next(int(l.split()[0], 16) for l in out.splitlines() if l.endswith(" " + name))


def boot(model, steps=0):
    """(TSC deltas by window name, plugin window records in order, the
    records file's text) of one icount boot of the probe program; with
    @steps, gdb single-steps that many instructions from probe_rep."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "vpmu.txt")
        arg = (f"{qemu.ensure_built(vpmu.PLUGIN)},out={out},windows=on,model={model}")
        cmd = qemu.qemu_command("icount", kernel=qemu.ensure_built("build/forklab.elf"),
                                modules=[PROGRAM], plugin=arg)
        if steps:
            with socket.socket() as sock:
                sock.bind(("127.0.0.1", 0))
                port = sock.getsockname()[1]
            cmd += ["-S", "-gdb", f"tcp:127.0.0.1:{port}"]
            script = os.path.join(tmp, "steps.py")
            with open(script, "w") as f:
                f.write(GDB_STEPS % (port, symbol("probe_rep"), steps))
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if steps:
            time.sleep(0.5)
            subprocess.run(["gdb", "-nx", "-batch", "-x", script], capture_output=True,
                           timeout=120)
        stdout, _ = proc.communicate(timeout=120)
        with open(out) as f:
            text = f.read()
    deltas = {}
    for line in stdout.splitlines():
        if line.startswith("probe,"):
            _, name, d = line.strip().split(",")
            deltas[name] = int(d)
    windows = [rec["counts"] for rec in protocol.parse(text.splitlines())
               if rec.is_a("vpmu", "window")]
    return deltas, windows, text


class Probe(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.deltas, cls.windows, cls.text = boot("cache")
        cls.by_name = dict(zip(KEPT, cls.windows))

    def test_every_window_recorded(self):
        self.assertEqual(sorted(self.deltas), sorted(KEPT + ["timer"]), self.deltas)
        self.assertEqual(len(self.windows), len(KEPT))

    def test_icount_agrees_with_the_tsc(self):
        """the plugin's icount of each window is what rdtsc measured under icount"""
        for name in KEPT:
            self.assertEqual(self.by_name[name]["icount"], self.deltas[name], name)

    def test_rep_movsq_is_one_instruction(self):
        w = self.by_name["rep"]
        self.assertEqual(w["inst"], WINDOW_OVERHEAD + 1)
        self.assertEqual(w["rep_iters"], REP_QWORDS)
        self.assertEqual(w["icount"], WINDOW_OVERHEAD + REP_QWORDS + 1)
        self.assertEqual((w["loads"], w["stores"]), (REP_QWORDS, REP_QWORDS))
        self.assertEqual((w["bytes_read"], w["bytes_written"]), (8 * REP_QWORDS, 8 * REP_QWORDS))

    def test_nops_are_not_repeats(self):
        w = self.by_name["nop"]
        self.assertEqual((w["inst"], w["rep_iters"]), (WINDOW_OVERHEAD + 100, 0))

    def test_cow_write_counted_once(self):
        """a store that faults (copy-on-write) and is restarted counts once"""
        w = self.by_name["cow"]
        self.assertEqual(w["restarts"], 1)
        self.assertEqual(w["icount"], self.deltas["cow"])
        self.assertEqual(w["inst"], w["icount"] - w["rep_iters"])
        self.assertGreater(w["inst"], 100)		# the fault handler ran in the window

    def test_demand_zero_fault_counted_once(self):
        w = self.by_name["zero"]
        self.assertEqual((w["restarts"], w["icount"]), (1, self.deltas["zero"]))

    def test_one_call_timed_to_two_ends(self):
        """VPMU_KEEP_TWO: both windows start at the first rdtsc"""
        a, b = self.by_name["two"], self.by_name["two-end"]
        self.assertEqual(a["inst"], WINDOW_OVERHEAD + REP_QWORDS)
        self.assertEqual(b["inst"], 2 * WINDOW_OVERHEAD + REP_QWORDS + TWO_NOPS)
        self.assertEqual((a["icount"], b["icount"]), (self.deltas["two"], self.deltas["two-end"]))

    def test_timer_taken_off_the_statistics(self):
        """each row's p50 after the empty pair's minimum, the rows in order"""
        stats = [r for r in protocol.parse(self.text.splitlines()) if r.is_a("vpmu", "stats")]
        calls = [r for r in stats if r["scope"] == "call"]
        self.assertEqual([r["seq"] for r in calls], [0, 1])
        for call, names in zip(calls, ([k for k in KEPT if k not in SECOND_ROW], SECOND_ROW)):
            insts = sorted(self.by_name[k]["inst"] - self.deltas["timer"] for k in names)
            self.assertEqual(call["counts"]["inst"], insts[(len(insts) - 1) // 2])
            self.assertEqual(call["n"], len(names))

    def test_two_runs_identical(self):
        self.assertEqual(boot("cache")[2], self.text)

    @unittest.skipUnless(shutil.which("gdb"), "needs gdb")
    def test_rep_under_single_steps(self):
        """gdb's single steps (a TB flush at every step) change no count"""
        _, windows, _ = boot("cache", steps=2 * REP_QWORDS)
        for name, a, b in zip(KEPT, windows, self.windows):
            for c in ("inst", "icount", "rep_iters", "restarts", "loads", "stores"):
                self.assertEqual(a[c], b[c], f"{name} {c}")

    def test_counters_mode_agrees(self):
        """model=none (inline counters only) counts the same instructions"""
        _, windows, _ = boot("none")
        for name, a, b in zip(KEPT, windows, self.windows):
            self.assertEqual(sorted(a), ["branches", "icount", "inst", "rep_iters", "restarts"])
            for c in a:
                self.assertEqual(a[c], b[c], f"{name} {c}")


if __name__ == "__main__":
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(Probe)
    runner = unittest.TextTestRunner(resultclass=LineResult, stream=sys.stderr, verbosity=0)
    sys.exit(0 if runner.run(suite).wasSuccessful() else 1)
