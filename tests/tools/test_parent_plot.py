"""parent_plot: the bench=parent figures, forklab's lines with Linux's
beside them (report --linux), and the first writes' sums."""
import os
import shutil
import sys
import tempfile
import unittest
from unittest import mock

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools"))
from forklablib import parent_plot, results  # noqa: E402

COLS = ["bench", "op", "alloc", "pt", "pid", "rss_pages", "size", "live", "n", "min", "p50",
        "p90", "p99", "max", "mean", "unit"]


def row(op, pt, rss, live, n, p50, mean=None, side="slub"):
    return {"bench": "parent", "op": op, "alloc": side, "pt": pt, "pid": side,
            "rss_pages": str(rss), "size": "", "live": str(live), "n": str(n), "min": str(p50),
            "p50": str(p50), "p90": str(p50), "p99": str(p50), "max": str(p50),
            "mean": str(mean if mean is not None else p50), "unit": "cycles"}


FORKLAB = [row("fork-dirty", "cow", 1, 0, 50, 4391), row("fork-dirty", "cow", 512, 0, 50, 10915),
           row("fork-dirty", "copy", 512, 0, 50, 99999),		# not the shown pt
           row("cow-write-4k", "cow", 512, 0, 512, 1005, 1029),
           row("cow-write-thp-copy", "cow", 512, 0, 512, 3, 515),
           row("fork-vmas", "cow", 1, 1, 50, 4755), row("fork-vmas", "cow", 1, 100, 50, 25422),
           row("fork-threads", "cow", 1, 0, 50, 4415), row("fork-threads", "cow", 1, 64, 50, 13253)]
LINUX = [row(*a, side="linux") for a in (
    ("fork-dirty", "linux", 1, 0, 20, 120233), ("fork-dirty", "linux", 512, 0, 20, 200768),
    ("cow-write-4k", "linux", 512, 0, 512, 11099, 11686),
    ("cow-write-thp-split", "linux", 512, 0, 512, 11073, 11732),
    ("fork-vmas", "linux", 1, 1, 20, 143036), ("fork-vmas", "linux", 1, 100, 20, 551795),
    ("fork-threads", "linux", 1, 0, 20, 20000), ("fork-threads", "linux", 1, 64, 20, 60000))]


def make_run(d, name, rows, meta):
    path = os.path.join(d, name)
    os.makedirs(path)
    results.write_csv(os.path.join(path, "results.csv"), rows, COLS)
    with open(os.path.join(path, "meta.json"), "w") as f:
        f.write(meta)
    return path


def dat(path):
    with open(path) as f:
        return [tuple(int(v) for v in line.split()) for line in f.read().splitlines()[1:]]


class ParentPlot(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.run = make_run(self.tmp, "forklab", FORKLAB, '{"mode": "icount"}')
        self.linux = make_run(self.tmp, "linux", LINUX,
                              '{"mode": "icount", "kernel": "linux", '
                              '"linux_package": "linux-image-6.1.0-57-cloud-amd64_6.1.192-3"}')
        self.calls = {}

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def draw(self, linux):
        def gnuplot(script, out, **v):
            self.calls[script] = v
            return [script]
        with mock.patch.object(parent_plot.fplot, "gnuplot", gnuplot):
            return parent_plot.plot(self.run, results.read_csv(
                os.path.join(self.run, "results.csv")), "icount", linux)

    def test_forklab_alone(self):
        self.assertEqual(self.draw(None), ["parent_rss.gp", "parent_live.gp", "parent_cow.gp"])
        self.assertEqual({v["lseries"] for v in self.calls.values()}, {""})
        self.assertEqual({v["logy"] for v in self.calls.values()}, {""})
        self.assertEqual(dat(os.path.join(self.run, "parent-fork-dirty.dat")),
                         [(4, 4391), (2048, 10915)])		# KiB; pt=cow only
        self.assertEqual(self.calls["parent_cow.gp"]["series"], "cow-write-4k cow-write-thp-copy")

    def test_linux_beside_in_the_same_panels(self):
        self.draw(self.linux)
        cow, live = self.calls["parent_cow.gp"], self.calls["parent_live.gp"]
        self.assertEqual(cow["lseries"], "cow-write-4k cow-write-thp-split")
        self.assertEqual(self.calls["parent_rss.gp"]["lseries"], "fork-dirty")
        self.assertIn("Linux 6.1.192-3 guest (icount)", live["lsubtitle"])
        self.assertIn("n = 20", live["lsubtitle"])
        self.assertIn("n = every page", cow["lsubtitle"])
        # the first writes: their sum, mean x n
        self.assertEqual(dat(os.path.join(self.run, "parent-linux-cow-write-thp-split.dat")),
                         [(2048, 11732 * 512)])
        self.assertEqual(dat(os.path.join(self.run, "parent-cow-write-4k.dat")),
                         [(2048, 1029 * 512)])
        # VMAs 30x apart: log y; threads 4.5x at most: linear
        self.assertEqual(live["logy"], "fork-vmas")

    def test_apart(self):
        self.assertTrue(parent_plot.apart({1: 100, 2: 5}, {1: 150, 2: 50}))
        self.assertFalse(parent_plot.apart({1: 100, 2: 10}, {1: 999, 2: 99, 3: 1}))
        self.assertFalse(parent_plot.apart({1: 0}, {1: 50}))

    def test_a_linux_run_without_parent_rows(self):
        fork = [dict(r, bench="fork", op="fork") for r in LINUX]
        other = make_run(self.tmp, "linux-fork", fork, '{"mode": "icount", "kernel": "linux"}')
        self.draw(other)
        self.assertEqual({v["lseries"] for v in self.calls.values()}, {""})


if __name__ == "__main__":
    unittest.main()
