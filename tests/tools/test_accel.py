"""Mode auto (tools/forklablib/accel.py): the decision from recorded probe
values, without booting anything."""
import os
import sys
import unittest
from unittest import mock

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
from forklablib import accel, protocol, qemu  # noqa: E402

# accel records as the kernel printed them: three boots on the development
# machines' PVM, and what a hardware-assisted KVM is expected to show (no
# such host here: figures of the order published for VMX/SVM with EPT/NPT)
PVM = ["accel,rdtsc,26260,pte_write,4576,cr3,4576,cycles",
       "accel,rdtsc,25220,pte_write,4576,cr3,4576,cycles",
       "accel,rdtsc,26416,pte_write,4680,cr3,4654,cycles"]
HARDWARE_KVM = "accel,rdtsc,38,pte_write,180,cr3,240,cycles"
SHADOW_MMU_KVM = "accel,rdtsc,38,pte_write,3200,cr3,1900,cycles"	# rdtsc native, tables trap


def rec(line):
    return protocol.parse_line(line)


class Decide(unittest.TestCase):
    def test_pvm_is_measured_under_icount_and_says_why(self):
        for line in PVM:
            c = accel.decide(rec(line))
            self.assertEqual(c.mode, "icount", line)
            self.assertIn("traps rdtsc, page-table writes and CR3 loads", c.why)
            self.assertIn("--mode kvm forces KVM", c.why)
        self.assertIn("(26 260, 4 576, 4 576 TSC ticks", accel.decide(rec(PVM[0])).why)

    def test_a_hardware_assisted_kvm_stays_kvm(self):
        c = accel.decide(rec(HARDWARE_KVM))
        self.assertEqual(c.mode, "kvm")
        self.assertIn("(38, 180, 240 TSC ticks) without trapping", c.why)

    def test_shadow_paging_alone_is_enough_to_leave_kvm(self):
        c = accel.decide(rec(SHADOW_MMU_KVM))
        self.assertEqual(c.mode, "icount")
        self.assertIn("traps page-table writes and CR3 loads (3 200, 1 900", c.why)

    def test_the_threshold_is_where_a_trap_starts(self):
        at = {"rdtsc": 40, "pte_write": accel.TRAPPED_TICKS, "cr3": 200}
        self.assertEqual(accel.decide(at).mode, "icount")
        at["pte_write"] -= 1
        self.assertEqual(accel.decide(at).mode, "kvm")


class Choose(unittest.TestCase):
    def choose(self, requested=None, usable=(True, ""), probe=(None, "")):
        said = []
        with mock.patch.dict(os.environ, {}, clear=False):
            os.environ.pop("FORKLAB_MODE", None)
            c = accel.choose(requested, warn=said.append, usable=lambda: usable,
                             probe=lambda kernel: probe)
        return c, said

    def test_auto_on_pvm_says_so_in_one_line(self):
        c, said = self.choose(probe=(rec(PVM[1]), ""))
        self.assertEqual(c.mode, "icount")
        self.assertEqual(len(said), 1)
        self.assertTrue(said[0].startswith("forklab: mode icount: KVM here traps"), said[0])

    def test_auto_without_dev_kvm_is_icount(self):
        c, said = self.choose(usable=(False, "/dev/kvm: No such file or directory"))
        self.assertEqual(c.mode, "icount")
        self.assertIn("/dev/kvm: No such file or directory: running under icount", said[0])

    def test_auto_when_the_probe_fails_is_icount(self):
        c, said = self.choose(probe=(None, "the KVM probe (mode=probe) ended with: timeout"))
        self.assertEqual(c.mode, "icount")
        self.assertIn("ended with: timeout", c.why)

    def test_auto_on_a_real_kvm_is_kvm(self):
        self.assertEqual(self.choose(probe=(rec(HARDWARE_KVM), ""))[0].mode, "kvm")

    def test_a_mode_asked_for_is_kept_without_probing(self):
        def no_probe(kernel):
            raise AssertionError("probed")
        for mode in ("kvm", "tcg", "icount"):
            c = accel.choose(mode, usable=lambda: (True, ""), probe=no_probe)
            self.assertEqual((c.mode, c.why), (mode, f"--mode {mode}"))

    def test_forced_kvm_without_dev_kvm_falls_back_to_tcg(self):
        c, said = self.choose("kvm", usable=(False, "/dev/kvm: Permission denied"))
        self.assertEqual(c.mode, "tcg")
        self.assertIn("falling back to TCG", said[0])

    def test_the_environment_names_a_mode_too(self):
        with mock.patch.dict(os.environ, {"FORKLAB_MODE": "icount"}):
            c = accel.choose(None, usable=lambda: (True, ""), probe=None)
        self.assertEqual((c.mode, c.why), ("icount", "FORKLAB_MODE=icount"))

    def test_an_unknown_mode_is_refused(self):
        with self.assertRaises(qemu.UsageError):
            accel.choose("fast")


if __name__ == "__main__":
    unittest.main()
