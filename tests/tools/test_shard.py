"""The parts of a run (shard.py), joining them (merge.py) and the progress
over them (ui.Progress with parts), without booting anything."""
import io
import json
import os
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
from forklablib import catalog, merge, qemu, results, shard, ui  # noqa: E402

LIST = """\
strategy,alloc,page,whole pages
strategy,alloc,slub,Linux SLUB
strategy,alloc,bump,lower bound
strategy,pt,cow,copy-on-write
strategy,pt,share,On-demand-fork
strategy,pid,hash,pidmap and hash
strategy,pid,idr,radix tree
bench,alloc,alloc,alloc+free pairs per object size, hot and cold
bench,pid,pid,alloc_pid+find_pid+free_pid at 1..10000 live pids
bench,fork,alloc/pt/pid,fork, vfork, clone from user space per strategy set
""".splitlines()
CAT = catalog.Catalog.from_lines(LIST)


def fork_row(a, t, p, op="fork", rss="1"):
    r = {c: "" for c in results.columns([])}
    r.update(bench="fork", op=op, alloc=a, pt=t, pid=p, rss_pages=rss, n="5", p50="100")
    return r


class Plan(unittest.TestCase):
    def test_one_part_for_the_microbenchmarks_then_one_per_strategy_set(self):
        parts = shard.plan(CAT, "fork,alloc,pid", "all", "all", "all")
        self.assertEqual(len(parts), 1 + 3 * 2 * 2)
        self.assertEqual(parts[0].args("iters=5"), "mode=bench bench=alloc,pid "
                         "alloc=page,slub,bump pt=cow,share pid=hash,idr iters=5")
        self.assertEqual(parts[1].args("iters=5"),
                         "mode=bench bench=fork alloc=page pt=cow pid=hash iters=5")
        self.assertEqual([p.label() for p in parts[1:4]],
                         ["fork alloc=page pt=cow pid=hash", "fork alloc=page pt=cow pid=idr",
                          "fork alloc=page pt=share pid=hash"])
        self.assertEqual([p.index for p in parts], list(range(13)))

    def test_the_kernels_order_whatever_order_names_are_given_in(self):
        parts = shard.plan(CAT, "fork", "bump,page", "cow", "idr")
        self.assertEqual([p.names["alloc"] for p in parts], [["page"], ["bump"]])

    def test_fork_alone_has_no_microbenchmark_part(self):
        self.assertEqual(len(shard.plan(CAT, "fork", "slub", "all", "all")), 4)
        self.assertEqual(len(shard.plan(CAT, "alloc", "all", "all", "all")), 1)

    def test_ci_parts_take_every_nth(self):
        parts = shard.plan(CAT, "fork,alloc,pid", "all", "all", "all")
        picked = [shard.pick(parts, (i, 3)) for i in (1, 2, 3)]
        self.assertEqual(sorted(p.index for ps in picked for p in ps), list(range(13)))
        self.assertEqual([p.index for p in picked[1]], [1, 4, 7, 10])

    def test_bad_shard_specs(self):
        self.assertEqual(shard.parse_part("2/4"), (2, 4))
        for bad in ("0/4", "5/4", "2", "a/b", "1/0", "/3", ""):
            with self.assertRaises(qemu.UsageError, msg=bad):
                shard.parse_part(bad)


class KernelOrder(unittest.TestCase):
    def test_rows_sort_as_one_boot_prints_them(self):
        one_boot = [{"bench": "alloc", "op": "hot", "alloc": a, "pt": "", "pid": ""}
                    for a in ("page", "slub", "bump")]
        one_boot += [{"bench": "pid", "op": "x", "alloc": "", "pt": "", "pid": p}
                     for p in ("hash", "idr")]
        one_boot += [fork_row(a, t, p, op) for a in ("page", "slub", "bump")
                     for t in ("cow", "share") for p in ("hash", "idr")
                     for op in ("fork", "vfork")]
        shuffled = one_boot[5:][::-1] + one_boot[:5][::-1]
        # parts come whole, in any order: rows of one part keep their order
        parts = [one_boot[i:i + 2] for i in range(5, len(one_boot), 2)][::-1] + [one_boot[:5]]
        self.assertEqual(merge.kernel_order([r for p in parts for r in p], CAT), one_boot)
        self.assertNotEqual(merge.kernel_order(shuffled, CAT), one_boot)	# only whole parts

    def test_sample_rows_have_no_bench_column(self):
        s = [{"op": "fork", "alloc": a, "pt": "cow", "pid": "hash", "i": "0"}
             for a in ("bump", "page")]
        self.assertEqual([r["alloc"] for r in merge.kernel_order(s, CAT)], ["page", "bump"])


class Merge(unittest.TestCase):
    META = {"kernel_sha256": "ab", "mode": "icount", "settings": {"iters": 5}}

    def test_same_kernel_mode_and_settings_merge(self):
        merge.check_same([dict(self.META), dict(self.META)], ["A", "B"])

    def test_different_kernels_modes_or_settings_do_not(self):
        for field, other, words in (("kernel_sha256", "cd", "different kernels"),
                                    ("mode", "kvm", "different modes"),
                                    ("settings", {"iters": 6}, "different settings")):
            with self.assertRaises(qemu.UsageError) as e:
                merge.check_same([dict(self.META), dict(self.META, **{field: other})], ["A", "B"])
            self.assertIn(f"A and B are runs of {words}", str(e.exception))

    def test_a_run_that_does_not_say_its_kernel_does_not(self):
        old = {k: v for k, v in self.META.items() if k != "kernel_sha256"}
        with self.assertRaises(qemu.UsageError) as e:
            merge.check_same([dict(self.META), old], ["A", "B"])
        self.assertIn("B does not record its kernel_sha256", str(e.exception))

    def test_the_same_configuration_twice_does_not(self):
        with self.assertRaises(qemu.UsageError) as e:
            merge.check_disjoint([[fork_row("page", "cow", "hash")],
                                  [fork_row("page", "cow", "hash")]], ["A", "B"])
        self.assertIn("A and B both hold fork/fork/page/cow/hash/1", str(e.exception))

    def test_write_run_makes_results_json_beside_the_csv(self):
        d = tempfile.mkdtemp()
        try:
            rows = [fork_row("page", "cow", "hash"), fork_row("slub", "cow", "hash")]
            cols = results.columns([])
            merge.write_run(d, rows, cols, [], dict(self.META), [("part", ["x"])], CAT)
            with open(os.path.join(d, "results.json")) as f:
                got = json.load(f)
            self.assertEqual(got["columns"], cols)
            self.assertEqual(got["rows"][1]["alloc"], "slub")
            self.assertEqual((got["rows"][0]["p50"], got["rows"][0]["size"]), (100, None))
            self.assertEqual(got["meta"]["mode"], "icount")
            self.assertEqual(results.read_csv(os.path.join(d, "results.csv")), rows)
        finally:
            shutil.rmtree(d)


class Stream(io.StringIO):
    def isatty(self):
        return False


class PartsProgress(unittest.TestCase):
    def test_unbooted_parts_count_at_the_plan_of_a_booted_one_of_their_kind(self):
        p = ui.Progress(Stream(), clock=lambda: 0, kinds=["alloc,pid", "fork", "fork", "fork"])
        p.plan(23, part=2)
        self.assertEqual(p.total, 23 * 3)	# the microbenchmarks: 0 until they say
        p.plan(0, part=0)			# they plan no configurations
        self.assertEqual(p.total, 23 * 3)
        for part in (1, 3):
            p.plan(23, part=part)
        self.assertEqual(p.total, 69)

    def test_the_last_line_counts_what_every_part_ran(self):
        out = Stream()
        p = ui.Progress(out, clock=iter(range(100)).__next__, kinds=["fork"] * 3)
        for part in range(3):
            p.plan(4, part=part)
        for i in range(4):
            for part in range(3):
                p.config(part)
        for part in range(3):
            p.part_done(part)
        p.done()
        lines = out.getvalue().splitlines()
        self.assertTrue(lines[-1].startswith("forklab run: configuration 12/12, "), lines[-1])
        self.assertEqual(len([x for x in lines if "/12," in x]), len(lines))


if __name__ == "__main__":
    unittest.main()
