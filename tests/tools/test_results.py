"""A run's serial log made into results.csv rows and meta.json facts
(tools/forklablib/results.py), and what forklab run and compare do with them."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
from forklablib import compare, protocol, qemu, results, run  # noqa: E402

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
        rows = compare.select_rows(self.ROWS, "alloc=slub,pt=copy")
        self.assertEqual([r["alloc"] for r in rows], ["slub", ""])	# pt has one value: kept

    def test_bad_select_is_refused(self):
        with self.assertRaises(qemu.UsageError):
            compare.select_rows(self.ROWS, "colour=blue")


class SlowTimer(unittest.TestCase):
    def said(self, line):
        import contextlib
        import io
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            run.warn_slow_timer(protocol.parse_line(line))
        return err.getvalue()

    def test_a_trapping_rdtsc_is_pointed_out(self):
        self.assertIn("8034 ticks", self.said("timer,overhead_min,8034,overhead_p50,8300,cycles"))

    def test_a_normal_timer_says_nothing(self):
        self.assertEqual(self.said("timer,overhead_min,24,overhead_p50,26,cycles"), "")


class ParseLog(unittest.TestCase):
    def test_pmu_call_row_fills_the_pmu_columns_of_its_result(self):
        rows, meta, _ = results.parse_log(LOG.splitlines())
        fork, vfork = rows
        self.assertEqual(fork["pmu_inst"], "4887")
        self.assertEqual(fork["pmu_cycles"], "9100")
        self.assertEqual(fork["pmu_gp1"], "7")
        self.assertEqual(fork["phase_total"], "4887")
        self.assertEqual(fork["child_first_run"], "6155")
        self.assertEqual(vfork["pmu_inst"], "")		# no pmu_call line for it
        self.assertEqual(vfork["child_first_run"], "")
        self.assertEqual(meta["pmu"], "hardware")
        self.assertTrue(meta["pmu_guest"].startswith("available"))

    def test_both_timer_overheads_reach_meta(self):
        _, meta, _ = results.parse_log(LOG.splitlines())
        self.assertEqual((meta["timer_overhead_min"], meta["timer_overhead_p50"]), (20, 22))
        self.assertEqual((meta["user_timer_overhead_min"], meta["user_timer_overhead_p50"]),
                         (5, 6))

    def test_compiled_out_probes_are_recorded(self):
        _, meta, _ = results.parse_log(["probe,compiled_out"])
        self.assertEqual(meta["probe_overhead"], "compiled out")


SCALE_LOG = """\
tsc,khz,1000000,source,pit,invariant,0
config,op,vfork,alloc,slab,pt,cow,pid,hash,rss_pages,1
scale,vfork,2,1,100,300000
scale,vfork,2,0,100,100000
lock,zone_lock,400,3,90
lock,kmem:task_struct,404,0,0
config,op,fork,alloc,slub,pt,cow,pid,hash,rss_pages,1
tlb,1,100,4000,4500,9000,cycles
lock,runqueue,200,1,7
"""


class ScaleRows(unittest.TestCase):
    def test_a_scale_row_per_configuration_and_its_locks(self):
        rows, _, _, locks = results.parse_log_locks(SCALE_LOG.splitlines())
        scale, tlb = rows
        # per-task ticks per op: 1000 and 3000; each task's rate 1e9 / that
        self.assertEqual((scale["bench"], scale["op"], scale["alloc"], scale["live"]),
                         ("scale", "vfork", "slab", "2"))
        self.assertEqual((scale["n"], scale["min"], scale["max"], scale["p50"]),
                         ("200", "1000", "3000", "1000"))
        self.assertEqual(scale["ops_per_s"], str(round(1e6 + 1e6 / 3)))
        self.assertEqual((tlb["bench"], tlb["live"], tlb["p50"], tlb["alloc"]),
                         ("tlb", "1", "4500", "slub"))
        self.assertEqual([(l["bench"], l["live"], l["lock"], l["contended"]) for l in locks],
                         [("scale", "2", "zone_lock", 3), ("scale", "2", "kmem:task_struct", 0),
                          ("tlb", "1", "runqueue", 1)])


SPAWN_LOG = """\
config,op,fork-exec,alloc,slub,pt,cow,pid,hash,rss_pages,4
spawn,fork-exec,4,20,60000,61000,62000,63000,64000,61500,cycles
spawn,fork-exec-wait,4,20,280000,281000,282000,283000,284000,281500,cycles
config,op,posix-spawn,alloc,slub,pt,cow,pid,hash,rss_pages,4
spawn_unavailable,posix-spawn,4,pipe2,-38
"""


class SpawnRows(unittest.TestCase):
    def test_two_rows_per_method_and_the_unavailable_ones_in_meta(self):
        rows, meta, _ = results.parse_log(SPAWN_LOG.splitlines())
        self.assertEqual([(r["bench"], r["op"], r["pt"], r["rss_pages"], r["p50"]) for r in rows],
                         [("spawn", "fork-exec", "cow", "4", "61000"),
                          ("spawn", "fork-exec-wait", "cow", "4", "281000")])
        self.assertEqual(meta["spawn_unavailable"], {"posix-spawn": "pipe2 -ENOSYS"})


PARENT_LOG = """\
config,op,fork-thp,alloc,slub,pt,cow,pid,hash,rss_pages,512
user_timer,overhead_min,5,overhead_p50,5,cycles
parent,fork-dirty,512,0,20,4445,4562,4562,4562,4562,4556,cycles
config,op,fork-vmas,alloc,slub,pt,cow,pid,hash,rss_pages,1
parent,fork-vmas,1,100,20,25117,25418,25418,25418,25418,25402,cycles
"""


class ParentRows(unittest.TestCase):
    def test_the_config_names_the_op_and_live_is_kept(self):
        rows, _, _ = results.parse_log(PARENT_LOG.splitlines())
        self.assertEqual([(r["bench"], r["op"], r["rss_pages"], r["live"], r["p50"])
                          for r in rows],
                         [("parent", "fork-thp", "512", "0", "4562"),
                          ("parent", "fork-vmas", "1", "100", "25418")])


PHASE_LIST = """\
phase,flags,clone flags validated
phase,copy_files..signal,files, fs, sighand and signal copied or shared
phase,copy_pidfd,a new phase, named by the kernel
phase,total,kernel_clone entry to the end of wake_up_new_task
"""


class PhaseColumns(unittest.TestCase):
    def test_columns_are_the_phases_the_log_names(self):
        _, _, cols = results.parse_log((PHASE_LIST + LOG).splitlines())
        self.assertEqual(results.phase_columns(cols),
                         ["phase_flags", "phase_copy_files_to_signal", "phase_copy_pidfd",
                          "phase_total"])

    def test_a_phase_the_phases_record_lacks_stays_empty(self):
        rows, _, _ = results.parse_log((PHASE_LIST + LOG).splitlines())
        self.assertEqual((rows[0]["phase_flags"], rows[0]["phase_copy_pidfd"],
                          rows[0]["phase_total"]), ("41", "", "4887"))
        self.assertNotIn("phase_copy_mm", rows[0])	# not a phase this kernel names

    def test_a_log_without_phase_records_takes_its_phases_records_keys(self):
        _, _, cols = results.parse_log(LOG.splitlines())
        self.assertEqual(results.phase_columns(cols)[:3],
                         ["phase_flags", "phase_dup_task_struct", "phase_copy_files_to_signal"])

    def test_a_log_with_no_phases_at_all_takes_the_given_names(self):
        lines = ["config,op,fork,alloc,linux,pt,linux,pid,linux,rss_pages,1",
                 "result,fork,1,50,117812,119142,154927,169724,169724,130544,cycles"]
        rows, _, cols = results.parse_log(lines, phases=["copy_mm", "total"])
        self.assertEqual(results.phase_columns(cols), ["phase_copy_mm", "phase_total"])
        self.assertEqual(rows[0]["phase_total"], "")
        self.assertEqual(results.phase_columns(results.parse_log(lines)[2]), [])

    def test_the_layout_of_existing_files(self):
        cols = results.columns(["flags", "copy_files..signal", "total"])
        self.assertEqual(cols[:17], results.KEY + results.STATS)
        self.assertEqual(cols[17:20], ["phase_flags", "phase_copy_files_to_signal", "phase_total"])
        self.assertEqual(cols[-2:], ["child_first_run", "ops_per_s"])
        self.assertEqual(results.phase_name("phase_copy_files_to_signal"), "copy_files..signal")
        root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
        for f in ("results/baseline-icount.csv", "results/example-icount/results.csv"):
            with open(os.path.join(root, f)) as fp:
                header = fp.readline().strip().split(",")
            phases = [results.phase_name(c) for c in results.phase_columns(header)]
            self.assertEqual(results.columns(phases), header, f)


if __name__ == "__main__":
    unittest.main()
