"""tools/forklab given bad input, run for real as a user would: one clear
line, a defined non-zero status, never a Python traceback."""
import csv
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
FORKLAB = os.path.join(ROOT, "tools", "forklab")
KERNEL = os.path.join(ROOT, "build", "forklab.elf")

ROW = ("fork,fork,slub,cow,hash,1,,,20,5141,5145,5200,5300,5400,5160,,cycles,"
       "41,1222,539,2819,68,100,48,50,4887")
HEADER = ("bench,op,alloc,pt,pid,rss_pages,size,live,n,min,p50,p90,p99,max,mean,stddev,unit,"
          "phase_flags,phase_dup_task_struct,phase_copy_files_to_signal,phase_copy_mm,"
          "phase_copy_thread,phase_alloc_pid,phase_attach_pid,phase_wake_up_new_task,phase_total")


def results_rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def forklab(*args, env=None):
    return subprocess.run([sys.executable, FORKLAB, *args], capture_output=True, text=True,
                          env=env, timeout=120)


class BadInput(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def assertClean(self, r, status, words):
        out = r.stdout + r.stderr
        self.assertEqual(r.returncode, status, out)
        self.assertNotIn("Traceback", out)
        self.assertIn(words, out)

    def run_dir(self, results, samples=None):
        d = tempfile.mkdtemp(dir=self.tmp)
        with open(os.path.join(d, "results.csv"), "w") as f:
            f.write(results)
        if samples is not None:
            with open(os.path.join(d, "samples.csv"), "w") as f:
                f.write(samples)
        return d

    def test_qemu_not_installed(self):
        env = dict(os.environ, PATH=os.path.dirname(sys.executable) + ":/nonexistent")
        self.assertClean(forklab("boot", "--mode", "tcg", env=env), 127,
                         "qemu-system-x86_64 not found; run `make deps`")

    def test_files_that_cannot_be_modules(self):
        """--program/--file: a missing file, a folder, a comma in the path,
        more than the kernel's 16 modules: one line each, status 2, no boot."""
        comma = os.path.join(self.tmp, "a,b")
        open(comma, "w").close()
        one = os.path.join(self.tmp, "one")
        open(one, "w").close()
        for args, words in ((["--file", "no/such/file"], "file 'no/such/file' not found"),
                            (["--program", self.tmp], "is not a regular file"),
                            (["--file", comma], "a comma or blank in the path"),
                            (["--file", one] * 17, "the kernel takes at most 16")):
            r = forklab("boot", "--mode", "tcg", *args)
            self.assertClean(r, 2, words)
            self.assertEqual(len((r.stdout + r.stderr).strip().splitlines()), 1, r.stderr)

    def test_missing_run_directory(self):
        self.assertClean(forklab("plot", os.path.join(self.tmp, "nope")), 2,
                         "is not a run directory")

    def test_directory_that_is_not_a_run(self):
        self.assertClean(forklab("report", self.tmp), 2, "is not a run directory (no results.csv)")

    def test_truncated_results_file(self):
        good = self.run_dir(f"{HEADER}\n{ROW}\n")
        cut = self.run_dir(f"{HEADER}\n{ROW}\n{ROW[:40]}")
        self.assertClean(forklab("plot", cut), 2, "line 3 has")
        self.assertClean(forklab("compare", good, cut), 2, "truncated or damaged")

    def test_empty_results_file(self):
        self.assertClean(forklab("plot", self.run_dir(HEADER[:50])), 2, "has no result rows")

    def test_damaged_samples_file(self):
        a = self.run_dir(f"{HEADER}\n{ROW}\n", "op,alloc,pt,pid,rss_pages,i,cycles\n"
                         "fork,slub,cow,hash,1,0,5145\n")
        b = self.run_dir(f"{HEADER}\n{ROW}\n", "op,alloc,pt,pid,rss_pages,i,cycles\n"
                         "fork,slub,cow,hash,1,0,fifty\n")
        self.assertClean(forklab("compare", a, b), 2, "line 2 is not a forklab sample")

    def test_unknown_subcommand(self):
        self.assertClean(forklab("frobnicate"), 2, "frobnicate")

    def test_linux_kernel_args_cannot_replace_init(self):
        self.assertClean(forklab("linux", "--kernel-args", "quiet rdinit=/bin/sh",
                                 "--out", os.path.join(self.tmp, "r")), 2,
                         "'rdinit=/bin/sh' is not accepted")

    def test_profile_rss_outside_the_sweep(self):
        self.assertClean(forklab("profile", "clone-vm", "--rss", "4"), 2,
                         "the benchmark runs clone-vm at 1 page only")

    def test_profile_linux_with_forklab_strategies(self):
        self.assertClean(forklab("profile", "fork", "--linux", "--alloc", "page"), 2,
                         "--alloc is for forklab's kernel; --linux profiles Debian's Linux")

    def test_profile_unknown_op(self):
        self.assertClean(forklab("profile", "exec"), 2,
                         "unknown op 'exec'; accepted: fork, vfork, clone-thread, clone-vm, "
                         "fork-exit-wait")

    @unittest.skipUnless(os.path.exists(KERNEL) and shutil.which("qemu-system-x86_64") and
                         shutil.which("gdb"), "needs the kernel, QEMU and gdb")
    def test_profile_bad_strategy_says_what_the_kernel_said(self):
        self.assertClean(forklab("profile", "fork", "--alloc", "nonsense"), 2,
                         "alloc=nonsense: unknown value; accepted: page, slab, slub")

    @unittest.skipUnless(os.path.exists(os.path.join(ROOT, "build", "pfm-encode")),
                         "build/pfm-encode not built")
    def test_unknown_event_name(self):
        self.assertClean(forklab("run", "--events", "NO_SUCH_EVENT", "--pmu-model", "skl",
                                 "--mode", "tcg", "--out", os.path.join(self.tmp, "r")), 2,
                         "cannot encode 'NO_SUCH_EVENT'")

    @unittest.skipUnless(os.path.exists(KERNEL) and shutil.which("qemu-system-x86_64"),
                         "needs the kernel and QEMU")
    def test_bad_run_values_are_refused_before_anything_runs(self):
        results = os.path.join(ROOT, "results")
        before = sorted(os.listdir(results))
        for args, words in (
                (["--alloc", "nonsense"], "--alloc nonsense: unknown value 'nonsense'; accepted: "
                                          "page, slab, slub"),
                (["--pt", "cow,"], "--pt cow,: an empty list item; accepted: cow, copy, share"),
                (["--pid", "hash,all"], "--pid hash,all: unknown value 'all'; accepted: hash"),
                (["--bench", "fork,exec"], "--bench fork,exec: unknown value 'exec'; accepted: "),
                (["--iters", "0"], "--iters 0: out of range; accepted: an integer from 1 to"),
                (["--rss-max", "262145"], "--rss-max 262145: out of range; accepted: an integer "
                                          "from 1 to 262144")):
            for out in (["--out", os.path.join(self.tmp, "r")], []):
                r = forklab("run", "--mode", "tcg", "--no-plots", *args, *out)
                self.assertClean(r, 2, words)
                self.assertEqual(len((r.stdout + r.stderr).strip().splitlines()), 1, r.stderr)
            self.assertFalse(os.path.exists(os.path.join(self.tmp, "r")), args)
            self.assertEqual(sorted(os.listdir(results)), before, args)	# no results/<date>

    def test_jobs_out_of_range(self):
        most = len(os.sched_getaffinity(0)) * 4
        for j in ("0", "-3", str(most + 1)):
            r = forklab("run", "-j", j, "--out", os.path.join(self.tmp, "r"))
            self.assertClean(r, 2, f"-j {j}: out of range; accepted: 1 to {most}")
            self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "r")))

    def test_bad_shard(self):
        self.assertClean(forklab("run", "--shard", "3/2", "--out", os.path.join(self.tmp, "r")),
                         2, "--shard 3/2: not I/N with 1 <= I <= N")

    def merge_run(self, mode="icount", kernel="ab", row=ROW):
        d = self.run_dir(f"{HEADER}\n{row}\n")
        with open(os.path.join(d, "meta.json"), "w") as f:
            f.write(f'{{"mode": "{mode}", "kernel_sha256": "{kernel}", "settings": {{}}}}')
        return d

    def test_merge_refuses_runs_of_different_kernels_or_modes(self):
        a = self.merge_run()
        other = ROW.replace("slub", "page")
        for b, words in ((self.merge_run(kernel="cd", row=other), "are runs of different kernels"),
                         (self.merge_run(mode="kvm", row=other), "are runs of different modes"),
                         (self.merge_run(), "both hold fork/fork/slub/cow/hash/1")):
            out = os.path.join(self.tmp, "m")
            r = forklab("merge", a, b, "--out", out)
            self.assertClean(r, 2, words)
            self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
            self.assertFalse(os.path.exists(out))

    def test_merge_refuses_what_is_not_a_run(self):
        self.assertClean(forklab("merge", self.merge_run(), self.tmp, "--out",
                                 os.path.join(self.tmp, "m")), 2, "is not a run directory")
        a = self.merge_run()
        self.assertClean(forklab("merge", a, "--out", a), 2, "exists; forklab merge writes a new")

    def test_merge_joins_two_parts(self):
        a, b = self.merge_run(), self.merge_run(row=ROW.replace("slub", "page"))
        out = os.path.join(self.tmp, "m")
        r = forklab("merge", b, a, "--out", out, "--no-plots")
        self.assertClean(r, 0, "forklab merge: 2 result rows from 2 runs")
        self.assertEqual([x["alloc"] for x in results_rows(os.path.join(out, "results.csv"))],
                         ["page", "slub"])		# no kernel order known: as given

    @unittest.skipUnless(os.geteuid() == 0 and shutil.which("runuser") and os.path.exists(KERNEL)
                         and os.path.exists("/dev/kvm") and shutil.which("qemu-system-x86_64"),
                         "needs root (to drop to nobody), /dev/kvm, QEMU and the kernel")
    def test_no_permission_on_dev_kvm_falls_back_to_tcg(self):
        # the system python: nobody cannot run one under /root
        r = subprocess.run(["runuser", "-u", "nobody", "--", "/usr/bin/env",
                            "PATH=/usr/local/bin:/usr/bin:/bin", FORKLAB, "boot",
                            "--mode", "kvm", "--timeout", "60", "--", "mode=boot"],
                           capture_output=True, text=True, timeout=120)
        self.assertClean(r, 0, "/dev/kvm: Permission denied; falling back to TCG")


if __name__ == "__main__":
    unittest.main()
