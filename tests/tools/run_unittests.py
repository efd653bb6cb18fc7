"""tests/tools/run_unittests.py - the python tests of tests/tools as a
suite for tests/check.sh: one "PASS: name" or "FAIL: name" line per test
(the report() idiom the C suites use); exit 0 iff every test passed."""
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))


class LineResult(unittest.TextTestResult):
    def addSuccess(self, test):
        super().addSuccess(test)
        print(f"PASS: {test.id()}", flush=True)

    def addFailure(self, test, err):
        super().addFailure(test, err)
        print(f"FAIL: {test.id()}", flush=True)

    def addError(self, test, err):
        super().addError(test, err)
        print(f"FAIL: {test.id()} (error)", flush=True)


if __name__ == "__main__":
    suite = unittest.defaultTestLoader.discover(HERE, pattern="test_*.py", top_level_dir=HERE)
    runner = unittest.TextTestRunner(resultclass=LineResult, stream=sys.stderr, verbosity=0)
    sys.exit(0 if runner.run(suite).wasSuccessful() else 1)
