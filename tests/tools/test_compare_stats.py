"""tools/forklablib/stats.py: what `forklab compare` decides with."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
from forklablib import stats  # noqa: E402


class MannWhitney(unittest.TestCase):
    def test_separated_samples_match_the_textbook_value(self):
        # U = 0, n1 = n2 = 5: z = (12.5 - 0.5) / sqrt(25 * 11 / 12) = 2.507
        p = stats.mann_whitney_p([1, 2, 3, 4, 5], [6, 7, 8, 9, 10])
        self.assertAlmostEqual(p, 0.01219, places=4)

    def test_all_ties_give_p_one(self):
        self.assertEqual(stats.mann_whitney_p([7] * 20, [7] * 20), 1.0)

    def test_interleaved_samples_are_not_significant(self):
        self.assertGreater(stats.mann_whitney_p([1, 3, 5, 7, 9], [2, 4, 6, 8, 10]), 0.5)


class Bootstrap(unittest.TestCase):
    def test_identical_icount_samples_are_no_difference(self):
        c = stats.compare_samples([5248] * 30, [5248] * 30)
        self.assertEqual(c["ci"], (1.0, 1.0))
        self.assertFalse(c["significant"])

    def test_a_constant_shift_is_significant(self):
        c = stats.compare_samples([2795] * 30, [3671] * 30)
        self.assertAlmostEqual(c["ratio"], 3671 / 2795)
        self.assertTrue(c["significant"])

    def test_noise_around_the_same_median_is_not_significant(self):
        a = [100 + (i * 37) % 11 for i in range(40)]
        b = [100 + (i * 53) % 11 for i in range(40)]
        c = stats.compare_samples(a, b)
        self.assertLessEqual(c["ci"][0], 1.0)
        self.assertGreaterEqual(c["ci"][1], 1.0)
        self.assertFalse(c["significant"])

    def test_deterministic(self):
        a, b = [1, 5, 2, 8, 3, 9], [2, 6, 3, 9, 4, 10]
        self.assertEqual(stats.bootstrap_ratio_ci(a, b), stats.bootstrap_ratio_ci(a, b))

    def test_no_samples_is_an_error(self):
        with self.assertRaises(ValueError):
            stats.compare_samples([], [1])


if __name__ == "__main__":
    unittest.main()
