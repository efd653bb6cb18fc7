"""tools/forklablib/threads.py: reading the pthread benchmark's lines and
printing its table (forklab threads), without a guest."""
import contextlib
import io
import os
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
from forklablib import qemu, spawn_plot, threads  # noqa: E402

LINES = ["forklab: running the boot module (1 bytes) as pid 1",
         "pthread_bench,clone-thread,100,1678,1678,1690",
         "pthread_bench,pthread-create-join,100,12521,12969,13549",
         "pthread_bench,clone-thread-join,failed",
         "threads: something else"]


class Parse(unittest.TestCase):
    def test_result_lines_become_rows_and_nothing_else_does(self):
        rows = threads.parse(LINES, "forklab", "icount")
        self.assertEqual([r["op"] for r in rows], ["clone-thread", "pthread-create-join"])
        self.assertEqual(rows[1], dict(system="forklab", mode="icount", op="pthread-create-join",
                                       rss_pages=0, n=100, min=12521, p50=12969, max=13549))

    def test_table_has_a_column_per_system_and_a_row_per_op(self):
        rows = threads.parse(LINES, "forklab", "icount") + \
            threads.parse(LINES[1:2], "linux 6.1", "icount")
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            threads.print_table(rows)
        lines = out.getvalue().splitlines()
        self.assertIn("forklab, icount", lines[0])
        self.assertIn("linux 6.1, icount", lines[0])
        self.assertTrue(lines[1].startswith("clone-thread") and lines[1].count("1 678 (100)") == 2)
        self.assertTrue(lines[2].startswith("pthread-create-join") and "12 969 (100)" in lines[2]
                        and lines[2].rstrip().endswith("-"))

    def test_iters_out_of_range_is_one_clear_error(self):
        with self.assertRaisesRegex(qemu.UsageError, r"--iters 0: accepted 1\.\.100000"):
            threads.cmd_threads(["--iters", "0"])

    def test_rss_out_of_range_or_not_a_list_is_one_clear_error(self):
        for bad in ("300000", "1,x", "-1", ""):
            with self.assertRaisesRegex(qemu.UsageError, r"--rss .*: accepted a comma list"):
                threads.cmd_threads(["--rss", bad])

    def test_sizes_make_rows_of_their_own(self):
        rows = threads.parse(LINES, "forklab", "icount", 1) + \
            threads.parse(LINES, "forklab", "icount", 16384)
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            threads.print_table(rows)
        self.assertIn("clone-thread, 16384 pages", out.getvalue())


class SpawnFigure(unittest.TestCase):
    """threads.csv's rows as thread lines of the spawn figure (spawn_plot)."""
    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.rows = []
        for system in ("forklab", "linux 6.1.192-3"):
            for rss in (0, 1, 16384):
                self.rows += [{k: str(v) for k, v in r.items()} for r in threads.parse(
                    [f"pthread_bench,{op},50,{v},{v + rss // 1024 + (system != 'forklab')},"
                     f"{v + 9}" for op, v in (("clone-thread", 1600), ("clone-thread-join", 2700),
                                            ("pthread-create", 7000),
                                            ("pthread-create-join", 13000))],
                    system, "icount", rss)]

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def dat(self, name):
        with open(os.path.join(self.tmp, f"rss-spawn-{name}.dat")) as f:
            return [line.split() for line in f.read().splitlines()[1:]]

    def test_each_side_gets_its_own_systems_rows_from_one_page_on(self):
        got = spawn_plot.thread_series(self.tmp, "forklab", {"mode": "icount"}, self.rows)
        self.assertEqual(got, ["pthread-create", "clone-thread"])
        self.assertEqual(self.dat("forklab-pthread-create-wait"),
                         [["4", "13000", "13009", "50"], ["65536", "13016", "13009", "50"]])
        self.assertEqual(self.dat("forklab-clone-thread")[0][:2], ["4", "1600"])
        spawn_plot.thread_series(self.tmp, "linux", {"mode": "icount"}, self.rows)
        self.assertEqual(self.dat("linux-pthread-create-wait")[1][:2], ["65536", "13017"])

    def test_another_mode_draws_nothing(self):
        self.assertEqual(spawn_plot.thread_series(self.tmp, "forklab", {"mode": "tcg"},
                                                  self.rows), [])

    def test_not_a_threads_csv_is_one_line(self):
        with open(os.path.join(self.tmp, spawn_plot.THREADS), "w") as f:
            f.write("a,b\n1,2\n")
        with self.assertRaisesRegex(qemu.UsageError, "is not a `forklab threads --csv` file"):
            spawn_plot.read_threads(self.tmp)


if __name__ == "__main__":
    unittest.main()
