"""Parsing of the guest's serial protocol by tools/forklablib/runs.py."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
from forklablib import runs  # noqa: E402

LOG = """\
tsc,khz,2100000,source,cpuid 0x15,invariant,1
timer,overhead_min,20,overhead_p50,22,cycles
pmu,available,version,4,general,4,width,48,fixed,3
probe,overhead,25,cycles
config,op,fork,alloc,slub,pt,cow,pid,hash,rss_pages,1
user_timer,overhead_min,5,overhead_p50,6,cycles
result,fork,1,20,5141,5145,5200,5300,5400,5160,cycles
child_run,n,18,p50,6155,p90,6200
pmu_call,n,18,inst,4887,cycles,9100,ref,8800,gp0,120,gp1,7,gp2,0,gp3,0
phases,n,18,flags,41,dup_task_struct,1222,copy_files..signal,539,copy_mm,2819,copy_thread,68,alloc_pid,100,attach_pid,48,wake_up_new_task,50,total,4887
config,op,vfork,alloc,slub,pt,cow,pid,hash,rss_pages,1
result,vfork,1,20,2702,2702,2702,2702,2702,2702,cycles
phases,n,18,flags,41,dup_task_struct,1222,copy_files..signal,539,copy_mm,11,copy_thread,68,alloc_pid,100,attach_pid,48,wake_up_new_task,57,total,2086
"""


class Select(unittest.TestCase):
    ROWS = [{"alloc": a, "pt": "cow", "pid": "hash", "op": "fork"} for a in ("slub", "page")] + \
        [{"alloc": "", "pt": "", "pid": "hash", "op": "alloc+find+free"}]

    def test_select_narrows_only_fields_with_several_values(self):
        rows = runs.select_rows(self.ROWS, "alloc=slub,pt=copy")
        self.assertEqual([r["alloc"] for r in rows], ["slub", ""])	# pt has one value: kept

    def test_bad_select_is_refused(self):
        with self.assertRaises(runs.qemu.UsageError):
            runs.select_rows(self.ROWS, "colour=blue")


class SlowTimer(unittest.TestCase):
    def said(self, line):
        import contextlib
        import io
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            runs.warn_slow_timer(line)
        return err.getvalue()

    def test_a_trapping_rdtsc_is_pointed_out(self):
        self.assertIn("8034 ticks", self.said("timer,overhead_min,8034,overhead_p50,8300,cycles"))

    def test_a_normal_timer_says_nothing(self):
        self.assertEqual(self.said("timer,overhead_min,24,overhead_p50,26,cycles"), "")


class ParseLog(unittest.TestCase):
    def test_pmu_call_row_fills_the_pmu_columns_of_its_result(self):
        rows, meta = runs.parse_log(LOG.splitlines())
        fork, vfork = rows
        self.assertEqual(fork["pmu_inst"], "4887")
        self.assertEqual(fork["pmu_cycles"], "9100")
        self.assertEqual(fork["pmu_gp1"], "7")
        self.assertEqual(fork["phase_total"], "4887")
        self.assertEqual(fork["child_first_run"], "6155")
        self.assertEqual(vfork["pmu_inst"], "")		# no pmu_call line for it
        self.assertEqual(vfork["child_first_run"], "")
        self.assertTrue(meta["pmu"].startswith("available"))

    def test_both_timer_overheads_reach_meta(self):
        _, meta = runs.parse_log(LOG.splitlines())
        self.assertEqual((meta["timer_overhead_min"], meta["timer_overhead_p50"]), (20, 22))
        self.assertEqual((meta["user_timer_overhead_min"], meta["user_timer_overhead_p50"]),
                         (5, 6))

    def test_compiled_out_probes_are_recorded(self):
        _, meta = runs.parse_log(["probe,compiled_out"])
        self.assertEqual(meta["probe_overhead"], "compiled out")


if __name__ == "__main__":
    unittest.main()
