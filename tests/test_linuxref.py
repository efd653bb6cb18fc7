"""tools/forklablib/linuxref.py: the parts of `forklab linux` that need no
guest (the initramfs, reading how the guest ended)."""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
from forklablib import linuxref  # noqa: E402


class Initramfs(unittest.TestCase):
    def test_newc_layout(self):
        a = linuxref.cpio_newc([("init", 0o100755, b"\x7fELF1234", 0, 0)])
        self.assertTrue(a.startswith(b"070701"))
        self.assertEqual(len(a) % 4, 0)
        self.assertIn(b"init\0", a)
        self.assertIn(b"TRAILER!!!\0", a)
        self.assertEqual(int(a[6 + 6 * 8:6 + 7 * 8], 16), 8)	# c_filesize of init

    @unittest.skipUnless(shutil.which("cpio"), "cpio not installed")
    def test_cpio_lists_init_and_the_console_node(self):
        with tempfile.TemporaryDirectory() as d:
            prog = os.path.join(d, "prog")
            with open(prog, "wb") as f:
                f.write(b"#!/bin/true\n" * 100)
            path = linuxref.make_initramfs(prog, os.path.join(d, "initramfs.cpio"))
            r = subprocess.run(["cpio", "-itv"], stdin=open(path, "rb"), capture_output=True,
                               text=True)
            self.assertEqual(r.returncode, 0, r.stderr)
            listing = r.stdout.splitlines()
            self.assertTrue(any(l.startswith("crw") and l.endswith("dev/console") for l in listing),
                            listing)
            self.assertTrue(any(l.startswith("-rwxr-xr-x") and l.endswith(" init") and " 1200 " in l
                                for l in listing), listing)


class GuestEnd(unittest.TestCase):
    def test_kvm_emulation_failure_is_recognised(self):
        err = ("KVM internal error. Suberror: 1\nextra data[0]: 0x0000000000000000\n"
               "emulation failure\nRAX=0000000000000000 RBX=...")
        self.assertTrue(linuxref.kvm_failed(err))
        self.assertFalse(linuxref.kvm_failed("qemu-system-x86_64: warning: host doesn't support "
                                             "requested feature"))

    def test_exit_code_from_the_init_panic(self):
        lines = ["result,fork,1,20,1,2,3,4,5,6,cycles",
                 "[    3.1] Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000100"]
        self.assertEqual(linuxref.init_exit_code(lines), 1)
        self.assertEqual(linuxref.init_exit_code(lines[:1] + [
            "Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000000"]), 0)
        self.assertIsNone(linuxref.init_exit_code(lines[:1]))

    def test_guest_command_per_mode(self):
        c = linuxref.guest_command("icount", "vmlinuz", "initrd", "benchall 5 4 linux", 512)
        self.assertIn("shift=0,sleep=off", c)
        self.assertIn("rdinit=/init -- benchall 5 4 linux", c[-1])
        self.assertIn("-no-reboot", c)
        k = linuxref.guest_command("kvm", "vmlinuz", "initrd", "x", 512)
        self.assertIn("host,-arch-capabilities,+invtsc", k)


if __name__ == "__main__":
    unittest.main()
