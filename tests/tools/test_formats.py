"""--format json of forklab compare and forklab gate: one JSON object on
stdout that a CI tool can read, with the same verdicts as the tables."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
from forklablib import gate, results  # noqa: E402

FORKLAB = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools", "forklab")
HEADER = "bench,op,alloc,pt,pid,rss_pages,size,live,n,min,p50,p90,p99,max,mean,stddev,unit"
ROW = "fork,fork,slub,cow,hash,1,,,20,5141,5145,5200,5300,5400,5160,,cycles"


class CompareJson(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def run_dir(self, name, p50):
        d = os.path.join(self.tmp, name)
        os.makedirs(d)
        with open(os.path.join(d, "results.csv"), "w") as f:
            f.write(f"{HEADER}\n{ROW.replace(',5145,', f',{p50},')}\n")
        return d

    def compare(self, *args):
        r = subprocess.run([sys.executable, FORKLAB, "compare", *args], capture_output=True,
                           text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout

    def test_json_holds_what_the_table_says(self):
        a, b = self.run_dir("a", 5145), self.run_dir("b", 5660)
        got = json.loads(self.compare(a, b, "--format", "json"))
        self.assertEqual(got["counts"], {"slower": 1, "faster": 0, "same": 0, "p50_only": 1})
        c = got["configurations"][0]
        self.assertEqual(c["config"], {"bench": "fork", "op": "fork", "alloc": "slub",
                                       "pt": "cow", "pid": "hash", "rss_pages": "1"})
        self.assertEqual((c["a_p50"], c["b_p50"], c["verdict"], c["ci"]),
                         (5145, 5660, "slower", None))
        self.assertIn("has no samples.csv", got["notes"][0])
        self.assertIn("1 compared: 1 significantly slower in B", self.compare(a, b))


class GateJson(unittest.TestCase):
    def test_worse_metrics_fail_and_are_listed(self):
        base, _, _ = results.parse_log(["config,op,fork,alloc,slub,pt,cow,pid,hash,rss_pages,1",
                                        "result,fork,1,50,100,110,120,130,140,111,cycles"])
        now = [dict(base[0], p50="120")]
        verdict = gate.as_json(gate.compare_rows(base, now), 2.0, [], gate.BASELINE)
        self.assertEqual((verdict["verdict"], verdict["worse"], verdict["metrics"]),
                         ("fail", 1, 1))
        self.assertEqual(verdict["changed"][0]["config"]["op"], "fork")
        self.assertAlmostEqual(verdict["changed"][0]["change_pct"], 100 * 10 / 110)
        same = gate.as_json(gate.compare_rows(base, base), 2.0, [], gate.BASELINE)
        self.assertEqual((same["verdict"], same["changed"]), ("pass", []))
        json.dumps(verdict)			# all of it serialises


if __name__ == "__main__":
    unittest.main()
