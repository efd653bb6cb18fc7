"""tools/forklablib/threads.py: reading the pthread benchmark's lines and
printing its table (forklab threads), without a guest."""
import contextlib
import io
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
from forklablib import qemu, threads  # noqa: E402

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
        for bad in ("70000", "1,x", "-1", ""):
            with self.assertRaisesRegex(qemu.UsageError, r"--rss .*: accepted a comma list"):
                threads.cmd_threads(["--rss", bad])

    def test_sizes_make_rows_of_their_own(self):
        rows = threads.parse(LINES, "forklab", "icount", 1) + \
            threads.parse(LINES, "forklab", "icount", 16384)
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            threads.print_table(rows)
        self.assertIn("clone-thread, 16384 pages", out.getvalue())


if __name__ == "__main__":
    unittest.main()
