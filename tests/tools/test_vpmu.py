"""The virtual PMU's host side (tools/forklablib/vpmu.py) with the plugin's
own tables (build/vpmu/vpmu-info): event names, model arguments, the plugin
build, and records merged into a run's rows."""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
sys.path.insert(0, os.path.join(ROOT, "tools"))
from forklablib import qemu, results, vpmu  # noqa: E402


def opts(**kw):
    base = dict(vpmu=None, vpmu_model=None, events=None, pmu_model=None)
    return argparse.Namespace(**dict(base, **kw))


class Events(unittest.TestCase):
    def test_libpfm4_names_select_counters(self):
        got = vpmu.resolve("INST_RETIRED:ANY_P,l1d:replacement,DTLB_LOAD_MISSES.WALK_COMPLETED")
        self.assertEqual([c.name for c in got], ["inst", "l1d_miss", "walk_load"])

    def test_own_names_too(self):
        self.assertEqual([c.name for c in vpmu.resolve("rep_iters,restarts")],
                         ["rep_iters", "restarts"])

    def test_unknown_event_is_one_line_with_what_is_accepted(self):
        with self.assertRaises(qemu.UsageError) as e:
            vpmu.resolve("INST_RETIRED:ANY_P,NO_SUCH_EVENT")
        msg = str(e.exception)
        self.assertIn("unknown event 'NO_SUCH_EVENT'", msg)
        self.assertIn("LONGEST_LAT_CACHE:MISS", msg)
        self.assertNotIn("\n", msg)

    def test_model_events_need_the_model(self):
        with self.assertRaises(qemu.UsageError) as e:
            vpmu.resolve("L1D:REPLACEMENT", cache=False)
        self.assertIn("needs the memory model", str(e.exception))

    def test_every_counter_has_a_description(self):
        self.assertTrue(all(c.what for c in vpmu.counters()))
        self.assertIn("cycles", [c.name for c in vpmu.counters()])


class Model(unittest.TestCase):
    def test_defaults(self):
        p = vpmu.check_model("")
        self.assertEqual((p["l1d_size"], p["l1d_ways"], p["stlb"], p["kpage"]),
                         ("32768", "8", "1536", "2M"))

    def test_size_not_a_power_of_two(self):
        with self.assertRaises(qemu.UsageError) as e:
            vpmu.check_model("l2_size=300K")
        self.assertIn("l2_size=300K; accepted: a power of two in bytes", str(e.exception))

    def test_sets_must_be_a_power_of_two(self):
        with self.assertRaises(qemu.UsageError) as e:
            vpmu.check_model("stlb=1000")
        self.assertIn("stlb: 1000 entries in 12 ways is not a power-of-two number of sets",
                      str(e.exception))

    def test_unknown_key_lists_the_keys(self):
        with self.assertRaises(qemu.UsageError) as e:
            vpmu.check_model("frob=1")
        self.assertIn("unknown argument 'frob'; accepted: out, model, windows, l1d_size",
                      str(e.exception))


class Choice(unittest.TestCase):
    def test_events_under_icount_are_virtual(self):
        self.assertEqual(vpmu.wanted(opts(events="INST_RETIRED:ANY_P"), "icount"), "cache")

    def test_events_under_kvm_are_hardware(self):
        self.assertIsNone(vpmu.wanted(opts(events="INST_RETIRED:ANY_P"), "kvm"))

    def test_pmu_model_asks_for_raw_codes(self):
        self.assertIsNone(vpmu.wanted(opts(events="INST_RETIRED:ANY_P", pmu_model="skl"), "tcg"))

    def test_vpmu_under_kvm_is_refused(self):
        with self.assertRaises(qemu.UsageError) as e:
            vpmu.wanted(opts(vpmu="cache"), "kvm")
        self.assertIn("accepted modes: tcg, icount", str(e.exception))

    def test_missing_plugin_build_is_one_line(self):
        saved = vpmu.PLUGIN
        vpmu.PLUGIN = "build/vpmu/no-such-plugin.so"
        try:
            with self.assertRaises(qemu.UsageError) as e:
                vpmu.setup(opts(vpmu="cache"), "icount")
            self.assertIn("cannot build build/vpmu/no-such-plugin.so", str(e.exception))
        finally:
            vpmu.PLUGIN = saved


STATS = """vpmu,model,model,cache,kprobes,3
vpmu,stats,kernel,0,call,n,20,per,1,inst,27,l1d_miss,0
vpmu,stats,kernel,1,call,n,1,per,256,inst,32256,l1d_miss,226
vpmu,stats,user,0,call,n,20,per,1,inst,2637,l1d_miss,476
vpmu,stats,user,0,p1,n,20,per,1,inst,46,l1d_miss,4
vpmu,stats,user,0,p2,n,20,per,1,inst,59,l1d_miss,246
vpmu,stats,user,0,total,n,20,per,1,inst,2489,l1d_miss,474
vpmu,end,inst,100
"""


class Merge(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.vp = vpmu.Setup(True, vpmu.resolve("L1D:REPLACEMENT"), "", 3)
        self.vp.place(self.tmp)
        with open(self.vp.path, "w") as f:
            f.write(STATS)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def rows(self):
        cols = results.columns(["flags", "dup_task_struct", "total"])
        mk = lambda **kw: dict({c: "" for c in cols}, **kw)	# noqa: E731
        return [mk(bench="alloc", op="hot"), mk(bench="alloc", op="cold"),
                mk(bench="fork", op="fork", rss_pages="1")]

    def test_rows_get_their_stream_in_order(self):
        rows, meta = self.rows(), {"pmu": "unavailable", "pmu_guest": "unavailable,cpuid 0xa"}
        table = vpmu.merge(self.vp, rows, ["flags", "dup_task_struct", "total"], meta)
        vpmu.write_csv(self.vp, self.tmp, table)
        self.assertEqual((rows[0]["pmu_inst"], rows[0]["pmu_gp0"]), ("27", "0"))
        self.assertEqual((rows[1]["pmu_inst"], rows[1]["pmu_gp0"]), ("126.000", "0.883"))
        self.assertEqual((rows[2]["pmu_inst"], rows[2]["pmu_gp0"]), ("2489", "474"))
        self.assertEqual((meta["pmu"], meta["pmu_guest"]), ("virtual", "unavailable,cpuid 0xa"))
        table = vpmu.read_csv(self.tmp)
        self.assertEqual([r["scope"] for r in table if r["bench"] == "fork"],
                         ["call", "flags", "dup_task_struct", "total"])

    def test_spawn_rows_follow_fork_rows_with_their_call(self):
        """spawn rows take the user stream's next records, in order, and
        their pmu_ columns the whole call (a fork row's: the phase total)"""
        with open(self.vp.path, "a") as f:
            f.write("vpmu,stats,user,1,call,n,5,per,1,inst,30000,l1d_miss,2000\n"
                    "vpmu,stats,user,1,total,n,5,per,1,inst,2600,l1d_miss,470\n"
                    "vpmu,stats,user,2,call,n,5,per,1,inst,31000,l1d_miss,2100\n")
        rows = self.rows()
        rows += [dict(rows[2], bench="spawn", op="fork-exec"),
                 dict(rows[2], bench="spawn", op="fork-exec-wait")]
        vpmu.merge(self.vp, rows, ["flags", "dup_task_struct", "total"], {})
        self.assertEqual([(r["pmu_inst"], r["pmu_gp0"]) for r in rows[2:]],
                         [("2489", "474"), ("30000", "2000"), ("31000", "2100")])

    def test_a_missing_record_is_one_line(self):
        rows = self.rows() + [dict(self.rows()[2])]
        with self.assertRaises(qemu.UsageError) as e:
            vpmu.merge(self.vp, rows, [], {})
        self.assertIn("1 user records for 2 result rows", str(e.exception))


class BadInputFromTheCommandLine(unittest.TestCase):
    """tools/forklab itself: one line, status 2, nothing run or written."""
    def forklab(self, *args):
        out = os.path.join(tempfile.mkdtemp(), "run")
        r = subprocess.run([sys.executable, os.path.join(ROOT, "tools", "forklab"), *args,
                            "--out", out], capture_output=True, text=True, timeout=120)
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertNotIn("Traceback", r.stderr)
        self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
        self.assertFalse(os.path.exists(out))
        shutil.rmtree(os.path.dirname(out))
        return r.stderr

    @unittest.skipUnless(shutil.which("qemu-system-x86_64"), "needs QEMU")
    def test_unknown_event(self):
        self.assertIn("unknown event 'NO_SUCH_EVENT' for the virtual PMU; accepted: "
                      "INST_RETIRED:ANY_P", self.forklab("run", "--mode", "icount", "--events",
                                                         "NO_SUCH_EVENT"))

    @unittest.skipUnless(shutil.which("qemu-system-x86_64"), "needs QEMU")
    def test_model_size_not_a_power_of_two(self):
        self.assertIn("l2_size=300K; accepted: a power of two", self.forklab(
            "run", "--mode", "icount", "--vpmu", "cache", "--vpmu-model", "l2_size=300K"))

    def test_vpmu_needs_a_guest(self):
        self.assertIn("the virtual PMU runs in a guest", self.forklab(
            "linux", "--native", "--vpmu", "cache"))


if __name__ == "__main__":
    unittest.main()
