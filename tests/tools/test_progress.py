"""forklab run's progress (tools/forklablib/ui.py Progress, shard.Watch): the
total is the kernel's plan records, the count the config records that came,
over the parts of a run booted side by side."""
import io
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
from forklablib import shard, ui  # noqa: E402


class Stream(io.StringIO):
    def __init__(self, tty):
        super().__init__()
        self.tty = tty

    def isatty(self):
        return self.tty


class Clock:
    """One second per reading."""
    def __init__(self):
        self.t = 0

    def __call__(self):
        self.t += 1
        return self.t


def log(planned, ran):
    """A run's serial lines: the plan, then @ran configurations."""
    lines = ["forklab 1234: long mode", "strategy,alloc,slub,Linux SLUB",
             f"plan,configs,{planned}", "bench,fork,start", "probe,overhead,6,cycles"]
    for i in range(ran):
        lines += [f"config,op,fork,alloc,slub,pt,cow,pid,hash,rss_pages,{i + 1}",
                  "result,fork,1,10,4208,4212,4212,4212,4212,4211,cycles"]
    return lines + ["forklab: done"]


def watched(lines, tty):
    stream = Stream(tty)
    progress = ui.Progress(stream, clock=Clock())
    watch = shard.Watch(0, progress)
    for line in lines:
        watch.line(line)
    progress.done()
    return stream.getvalue()


class PlainLines(unittest.TestCase):
    def test_a_completed_run_ends_with_n_of_n(self):
        out = watched(log(855, 855), tty=False).splitlines()
        self.assertTrue(out[-1].startswith("forklab run: configuration 855/855, "), out[-1])
        self.assertNotIn("left", out[-1])

    def test_about_one_line_a_tenth(self):
        out = watched(log(855, 855), tty=False).splitlines()
        self.assertEqual(len(out), 10)			# 9 tenths on the way, and the end
        self.assertTrue(out[0].startswith("forklab run: configuration 87/855, "), out[0])
        for line in out:
            count = int(line.split()[3].split("/")[0].rstrip(","))
            self.assertLessEqual(count, 855, line)
            self.assertNotIn("~-", line)			# never a negative estimate

    def test_a_run_that_ended_early_says_how_far_it_got(self):
        out = watched(log(855, 100), tty=False).splitlines()
        self.assertTrue(out[-1].startswith("forklab run: configuration 100/855, "), out[-1])

    def test_a_run_without_fork_configurations_says_nothing(self):
        self.assertEqual(watched(log(0, 0), tty=False), "")

    def test_a_kernel_without_a_plan_is_counted_without_a_total(self):
        lines = [line for line in log(8, 8) if not line.startswith("plan,")]
        self.assertTrue(watched(lines, tty=False).startswith("forklab run: configuration 8, "))


class Terminal(unittest.TestCase):
    def test_the_bar_ends_full_at_n_of_n(self):
        out = watched(log(8, 8), tty=True)
        self.assertTrue(out.endswith("\n"))
        last = out.rstrip("\n").split("\r")[-1]
        self.assertTrue(last.startswith("[" + "#" * ui.Progress.WIDTH + "] configuration 8/8, "),
                        last)

    def test_the_bar_is_redrawn_per_configuration(self):
        out = watched(log(8, 8), tty=True)
        self.assertEqual(out.count("\r"), 9)		# each config and the end
        self.assertIn("configuration 4/8, 4 s elapsed, ~7 s left", out)	# 3 done in 4 s


if __name__ == "__main__":
    unittest.main()
