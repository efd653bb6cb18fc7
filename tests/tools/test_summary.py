"""The closing summary (tools/forklablib/summary.py) of the published run,
results/example-icount (icount, every strategy set, n = 50)."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
from forklablib import catalog, results, summary  # noqa: E402

RUN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "results",
                   "example-icount")


class Example(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        rows = results.read_csv(os.path.join(RUN, "results.csv"))
        cls.s = summary.summarize(rows, results.read_meta(RUN), catalog.of_run(RUN))

    def test_each_op_per_allocator_with_n(self):
        fork = next(o for o in self.s["ops"] if o["op"] == "fork")["by_alloc"]
        self.assertEqual(fork["slub"], {"p50": 4327, "n": 50})	# README's table
        self.assertEqual(list(fork), ["page", "slab", "slub", "magazine", "bump"])
        self.assertEqual(self.s["at"], {"pt": "cow", "pid": "hash", "rss_pages": 1})
        hot = next(o for o in self.s["ops"] if o["op"] == "kmem hot pair, 64 B")["by_alloc"]
        self.assertEqual(hot["slub"]["p50"], 31)

    def test_cost_per_resident_page_per_pt(self):
        slopes = {x["pt"]: x for x in self.s["slopes"]}
        self.assertAlmostEqual(slopes["cow"]["per_page"], (143961 - 4327) / 16383)
        self.assertGreater(slopes["copy"]["per_page"], 600)
        self.assertLess(slopes["share"]["per_page"], 1)
        self.assertEqual((slopes["cow"]["from"], slopes["cow"]["to"]), (1, 16384))

    def test_fastest_and_slowest_set(self):
        fast, slow = self.s["sets"]
        self.assertEqual(fast["set"], "slub/share/array")
        self.assertGreater(slow["geomean"], fast["geomean"])

    def test_the_text(self):
        lines = summary.text(self.s, report="results/example-icount/report.html")
        self.assertEqual(lines[0], "mode: icount (--mode icount)")
        self.assertRegex(lines[1], r"^p50 instructions \(n\) at 1 page, pt=cow pid=hash:$")
        self.assertRegex(lines[3], r"^fork +5 187 \(50\) +4 543 \(50\) +4 327 \(50\)")
        self.assertIn("pt=cow 8.5, pt=copy 667, pt=share 0.0", "\n".join(lines))
        self.assertTrue(lines[-2].startswith("fastest strategy set: slub/share/array"))
        self.assertEqual(lines[-1], "report: results/example-icount/report.html")


class SpawnExample(unittest.TestCase):
    """results/example-spawn-icount: bench=spawn with the virtual PMU."""
    def test_spawn_line_and_its_modelled_cycles(self):
        run = os.path.join(os.path.dirname(RUN), "example-spawn-icount")
        rows = results.read_csv(os.path.join(run, "results.csv"))
        s = summary.summarize(rows, results.read_meta(run), catalog.of_run(run))
        lines = summary.findings(s)
        self.assertIn("fork-exec 35 835 -> 11 770 130", lines[0])
        self.assertTrue(lines[1].startswith("... in the virtual PMU's modelled cycles: "
                                            "fork-exec 53 216 -> 134 753 976"), lines[1])
        for r in rows:		# the cycles a spawn row carries are its whole call's
            r["pmu_cycles"] = ""
        s = summary.summarize(rows, results.read_meta(run), catalog.of_run(run))
        self.assertNotIn("modelled cycles", "\n".join(summary.findings(s)))


if __name__ == "__main__":
    unittest.main()
