"""tools/forklablib/catalog.py: the kernel's names and accepted values, read
from its list records (no guest: a captured mode=list)."""
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
from forklablib import catalog, qemu  # noqa: E402

LIST = """\
forklab 1234: long mode, higher half at ffffffff80000000
key,alloc,object allocator strategies (the first one serves mode=run)
accepts,alloc,page, slab, slub (a comma-separated list, or all)
key,rss_max,bench=fork: the largest resident size in pages (sweep 1, 4, 16, ...; 262144 = 1 GiB)
accepts,rss_max,an integer from 1 to 262144
key,args,the user program's arguments, comma-separated (args=bench,fork,1000)
accepts,args,printable text of at most 255 bytes
strategy,alloc,page,whole pages from the buddy allocator per object, no caching
strategy,alloc,slab,Bonwick slabs: partial/full/empty lists, constructed objects, colouring
strategy,alloc,slub,Linux SLUB: per-CPU slab and lockless freelist inside free objects
strategy,pt,cow,copy every page-table level, share pages copy-on-write (Linux)
bench,fork,alloc/pt/pid,fork, vfork, clone from user space per strategy set
op,fork,57,0,fork(): a new process; page tables copied by the pt= strategy
op,fork-exit-wait,57,61,fork, the child's exit and the parent's wait4, in one window
op,cow-write,0,0,the child's first write to each resident page after a fork
phase,copy_files..signal,files, fs, sighand and signal copied or shared
phase,total,kernel_clone entry to the end of wake_up_new_task
forklab: done
""".splitlines()


class Names(unittest.TestCase):
    def setUp(self):
        self.cat = catalog.Catalog.from_lines(LIST)

    def test_names_in_the_kernels_order(self):
        self.assertEqual(self.cat.names("alloc"), ["page", "slab", "slub"])
        self.assertEqual(self.cat.names("pt"), ["cow"])
        self.assertEqual(self.cat.bench_names(), ["fork"])
        self.assertEqual(self.cat.phase_names(), ["copy_files..signal", "total"])
        self.assertEqual(self.cat.keys[2], ("args", "the user program's arguments, "
                                                    "comma-separated (args=bench,fork,1000)"))

    def test_ops_with_their_system_calls(self):
        self.assertEqual([(o.name, o.nr, o.until) for o in self.cat.ops],
                         [("fork", 57, 0), ("fork-exit-wait", 57, 61), ("cow-write", 0, 0)])
        self.assertEqual([o.name for o in self.cat.calls()], ["fork", "fork-exit-wait"])

    def test_defaults_come_from_default_records_when_there_are_some(self):
        self.assertEqual(self.cat.default("alloc"), catalog.FALLBACK_DEFAULTS["alloc"])
        cat = catalog.Catalog.from_lines(LIST + ["default,alloc,page"])
        self.assertEqual((cat.default("alloc"), cat.default("pt")),
                         ("page", catalog.FALLBACK_DEFAULTS["pt"]))

    def test_integer_ranges_read_from_accepts(self):
        self.assertEqual(self.cat.int_range("rss_max"), (1, 262144))
        self.assertIsNone(self.cat.int_range("args"))
        self.assertIsNone(self.cat.int_range("no_such_key"))


class OfRun(unittest.TestCase):
    def test_a_runs_log_gives_the_list_it_opens_with(self):
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "log.txt"), "w") as f:
                f.write("\n".join(LIST + ["default,pt,cow", "plan,configs,1",
                                           "config,op,fork,alloc,slub,pt,cow,pid,hash,rss_pages,1",
                                           "default,pt,never-read"]) + "\n")
            cat = catalog.of_run(d)
        self.assertEqual(cat.names("alloc"), ["page", "slab", "slub"])
        self.assertEqual(cat.defaults, {"pt": "cow"})

    def test_a_run_without_a_log_has_an_empty_list(self):
        with tempfile.TemporaryDirectory() as d:
            cat = catalog.of_run(d)
        self.assertEqual((cat.names("alloc"), cat.default("pid")),
                         ([], catalog.FALLBACK_DEFAULTS["pid"]))


class Refusals(unittest.TestCase):
    def setUp(self):
        self.cat = catalog.Catalog.from_lines(LIST)

    def refused(self, *args, check="check_list"):
        with self.assertRaises(qemu.UsageError) as e:
            getattr(self.cat, check)(*args)
        return str(e.exception)

    def test_known_names_and_all_pass(self):
        for value in ("all", "slub", "page,slub"):
            self.cat.check_list("alloc", "alloc", value, self.cat.names("alloc"))

    def test_an_unknown_name_is_named_with_what_is_accepted(self):
        self.assertEqual(self.refused("alloc", "alloc", "slub,bogus", self.cat.names("alloc")),
                         "--alloc slub,bogus: unknown value 'bogus'; accepted: page, slab, slub "
                         "(a comma-separated list, or all)")

    def test_all_inside_a_list_and_empty_items_are_refused(self):
        self.assertIn("unknown value 'all'",
                      self.refused("alloc", "alloc", "slub,all", self.cat.names("alloc")))
        self.assertIn("an empty list item",
                      self.refused("alloc", "alloc", "slub,", self.cat.names("alloc")))

    def test_out_of_range(self):
        self.cat.check_int("rss-max", "rss_max", 262144)
        self.assertEqual(self.refused("rss-max", "rss_max", 262145, check="check_int"),
                         "--rss-max 262145: out of range; accepted: an integer from 1 to 262144")
        self.assertIn("--rss-max 0: out of range",
                      self.refused("rss-max", "rss_max", 0, check="check_int"))


if __name__ == "__main__":
    unittest.main()
