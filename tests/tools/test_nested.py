"""forklab nested without an L1 (tools/forklablib/nested.py, vmexits.py,
nestedcmd.py): the L1 console split, how a run ended, the init's
directives, the cached base archive, and VM exits put into windows."""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.join(HERE, "..", "..", "tools"), HERE]
from forklablib import exitcodes, initramfs, linuxref, nested, nestedcmd, qemu  # noqa: E402
from forklablib import vmexits  # noqa: E402
from test_linuxref import read_newc  # noqa: E402

FORKLAB = os.path.join(HERE, "..", "..", "tools", "forklab")


class Stream:
    """What qemu.stream returns, for outcome()."""
    def __init__(self, why=None, stderr="", rc=0):
        self.why, self.stderr, self.rc = why, stderr, rc


def read_archive(path):
    with open(path, "rb") as f:
        return read_newc(f.read())


def console(lines):
    con = nested.Console()
    for line in lines:
        con.line(line)
    return con


class L1Console(unittest.TestCase):
    def test_inner_lines_pass_and_records_stay(self):
        seen = []
        con = nested.Console(seen.append)
        for line in ["[ 1.0] an L1 message", "nested,start", "forklab abc: long mode",
                     "nested,stderr,qemu: warning", "nested,exit,3", "nested,hist,begin",
                     "nested,hist,{ exit_reason: 123 } hitcount: 7", "nested,hist,end"]:
            con.line(line)
        self.assertEqual(seen, ["forklab abc: long mode"])
        self.assertEqual(con.inner, seen)
        self.assertEqual(con.dump("stderr"), ["qemu: warning"])
        self.assertEqual(con.dump("hist"), ["{ exit_reason: 123 } hitcount: 7"])
        self.assertEqual((con.end.kind, con.end["code"]), ("exit", 3))

    def test_outcomes(self):
        ok = console(["nested,start", "forklab: done", "nested,exit,3"])
        self.assertEqual(nested.outcome(ok, Stream()).name, "pass")
        fail = console(["nested,start", "nested,fail,module,/m/kvm-amd.ko: Not supported"])
        o = nested.outcome(fail, Stream())
        self.assertEqual((o.name, o.tool_status), ("l1", exitcodes.QEMU_FAILED))
        self.assertIn("could not load a module: /m/kvm-amd.ko: Not supported", o.words)
        lib = console(["nested,start", "nested,stderr,qemu: error while loading shared "
                       "libraries: libz.so.1", "nested,exit,127"])
        o = nested.outcome(lib, Stream())		# 127 would read as program exit 47
        self.assertEqual(o.name, "qemu")
        self.assertIn("before its guest printed anything: qemu: error while loading", o.words)
        none = nested.outcome(console([]), Stream(stderr="qemu: cannot set up guest memory"))
        self.assertIn("ended before its init reported: qemu: cannot set up", none.words)
        for lines, where in (([], "had not reached its init"),
                             (["nested,start", "forklab"], "inner QEMU was still running")):
            o = nested.outcome(console(lines), Stream(why="timeout"))
            self.assertEqual((o.name, o.tool_status), ("timeout", exitcodes.TIMEOUT))
            self.assertIn(where, o.words)


class Directives(unittest.TestCase):
    MODULES = ["/x/irqbypass.ko", "/x/kvm.ko", "/x/kvm-amd.ko"]

    def test_modules_in_order_and_only_kvm_amd_gets_the_mode(self):
        nested.OPTIONS.exits = False
        text = nested.run_directives(["qemu-system-x86_64", "-append", "mode=boot x=1"],
                                     "kvm-shadow", self.MODULES, exits=False)
        mods = [l for l in text.splitlines() if l.startswith("module ")]
        self.assertEqual(mods, ["module /lib/modules/nested/irqbypass.ko",
                                "module /lib/modules/nested/kvm.ko",
                                "module /lib/modules/nested/kvm-amd.ko npt=0"])
        self.assertIn("arg mode=boot x=1\n", text)		# one argument, spaces kept
        self.assertNotIn("kvm_exit", text)

    def test_exits_trace_all_but_the_serial_port(self):
        text = nested.run_directives(["q"], "kvm-npt", self.MODULES, exits=True)
        self.assertIn("npt=1", text)
        self.assertIn("exit_reason == 123 && info1 >= 0x3f80000 && info1 < 0x4000000", text)
        self.assertIn("trace_clock x86-tsc", text)
        self.assertIn("dump trace /sys/kernel/tracing/trace", text)

    @unittest.skipUnless(os.path.isdir(linuxref.CACHE), "the L1 kernel is not downloaded")
    def test_kvm_amd_after_what_it_depends_on(self):
        vmlinuz, _ = linuxref.ensure_kernel()
        names = [os.path.basename(m) for m in nested.kvm_modules(vmlinuz)]
        self.assertEqual(names, ["irqbypass.ko", "kvm.ko", "kvm-amd.ko"])


class BaseArchive(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.a, self.b = os.path.join(self.tmp, "a"), os.path.join(self.tmp, "b")
        for p, data in ((self.a, b"first"), (self.b, b"second")):
            with open(p, "wb") as f:
                f.write(data)

    def tearDown(self):
        nested.OPTIONS.omit = ()
        shutil.rmtree(self.tmp)

    def test_cached_until_an_input_changes(self):
        files = [("/init", self.a), ("/usr/bin/b", self.b)]
        cache = os.path.join(self.tmp, "cache")
        path = nested.base_archive(files, cache)
        names = {e[0]: e[2] for e in read_archive(path)}
        self.assertEqual((names["init"], names["usr/bin/b"]), (b"first", b"second"))
        self.assertIn("dev/console", names)
        built = os.stat(path).st_mtime_ns
        self.assertEqual(os.stat(nested.base_archive(files, cache)).st_mtime_ns, built)
        with open(self.b, "wb") as f:
            f.write(b"changed!")
        names = {e[0]: e[2] for e in read_archive(nested.base_archive(files, cache))}
        self.assertEqual(names["usr/bin/b"], b"changed!")
        nested.OPTIONS.omit = ("/usr/bin/b",)
        names = {e[0] for e in read_archive(nested.base_archive(files, cache))}
        self.assertNotIn("usr/bin/b", names)

    @unittest.skipUnless(shutil.which("gcc"), "no gcc")
    def test_a_library_ldd_cannot_find_is_named(self):
        lib, prog = os.path.join(self.tmp, "libgone.so"), os.path.join(self.tmp, "prog")
        src, main = os.path.join(self.tmp, "gone.c"), os.path.join(self.tmp, "main.c")
        with open(src, "w") as f:
            f.write("int gone(void) { return 1; }\n")
        with open(main, "w") as f:
            f.write("int gone(void);\nint main(void) { return gone(); }\n")
        subprocess.run(["gcc", "-shared", "-fPIC", "-o", lib, src], check=True)
        subprocess.run(["gcc", "-o", prog, main, "-L", self.tmp, "-lgone"], check=True)
        os.unlink(lib)
        with self.assertRaises(initramfs.LibraryError) as e:
            initramfs.shared_libraries(prog)
        self.assertIn("prog needs libgone.so, which ldd cannot find", str(e.exception))


# a traced run's log, cut down: the guest's TSC is the L1's plus the offset
OFFSET = (1 << 64) - 1000
LOG = """nested,start
config,op,fork,alloc,slub,pt,cow,pid,hash,rss_pages,1
window,fork,1,5000,6000
window,fork,1,7000,8000
config,op,vfork,alloc,slub,pt,cow,pid,hash,rss_pages,1
window,vfork,1,9000,9500
nested,exit,3
nested,format,begin
nested,format,print fmt: "%s", (REC->isa == 1) ? __print_symbolic(REC->exit_reason & 0xffff, \
{ 0, "EXCEPTION_NMI" }) : __print_symbolic(REC->exit_reason, { 0x013, "write_cr3" }, \
{ 0x040 + 14, "PF excp" }, { 0x07b, "io" }), (REC->isa == 1) ? __print_flags(x) : ""
nested,format,end
nested,hist,begin
nested,hist,{ exit_reason:         78 } hitcount:          3
nested,hist,{ exit_reason:        123 } hitcount:         40
nested,hist,end
nested,trace,begin
nested,trace, qemu-system-x86-83 [000] d..1. 100: kvm_write_tsc_offset: vcpu=0 prev=0 next=OFF
nested,trace, qemu-system-x86-83 [000] ..... 5500: kvm_exit: vcpu 0 reason PF excp rip \
0xffffffff8010c490 info1 0x0 info2 0x0 intr_info 0x0 error_code 0x0
nested,trace, qemu-system-x86-83 [000] ..... 6500: kvm_exit: vcpu 0 reason PF excp rip \
0xffffffff8010c490 info1 0x0 info2 0x0 intr_info 0x0 error_code 0x0
nested,trace, qemu-system-x86-83 [000] ..... 6620: kvm_entry: vcpu 0, rip 0xffffffff8010c493
nested,trace, qemu-system-x86-83 [000] ..... 7200: kvm_exit: vcpu 0 reason write_cr3 rip \
0xffffffff8010ba7a info1 0x0 info2 0x0 intr_info 0x0 error_code 0x0
nested,trace, qemu-system-x86-83 [000] ..... 10300: kvm_exit: vcpu 0 reason PF excp rip \
0x402c61 info1 0x0 info2 0x0 intr_info 0x0 error_code 0x0
nested,trace,end
""".replace("\\\n", "").replace("OFF", str(OFFSET)).splitlines()


class Exits(unittest.TestCase):
    def test_exits_land_in_the_window_of_their_guest_time(self):
        trace = vmexits.Trace(LOG)
        self.assertEqual(trace.totals, {"PF excp": 3, "io": 40})
        self.assertEqual([w[1:] for w in trace.windows], [(5000, 6000), (7000, 8000),
                                                           (9000, 9500)])
        configs, outside = vmexits.attribute(trace)
        fork = configs[("fork", "slub", "cow", "hash", 1)]
        # guest times 4500: before the first window; 5500 in it; 6200 between the
        # first two; 9300 in vfork's
        self.assertEqual(fork[0], 2)
        self.assertEqual([dict(c) for c in fork[1]], [{"PF excp": 1}, {}])
        self.assertEqual([dict(c) for c in configs[("vfork", "slub", "cow", "hash", 1)][1]],
                         [{"PF excp": 1}])
        self.assertEqual(outside, 2)
        self.assertEqual(fork[3][("PF excp", 0xffffffff8010c490)], [120])	# exit to entry
        self.assertEqual([e[3] for e in trace.exits], [None, 120, None, None])

    def test_reason_names_from_the_svm_table(self):
        names = vmexits.reason_names([l.split(",", 2)[2] for l in LOG
                                      if l.startswith("nested,format,print")])
        self.assertEqual(names, {0x13: "write_cr3", 0x4e: "PF excp", 0x7b: "io"})


class Command(unittest.TestCase):
    def forklab(self, *args):
        r = subprocess.run([sys.executable, FORKLAB, *args], capture_output=True, text=True,
                           timeout=60)
        self.assertNotIn("Traceback", r.stderr)
        return r

    def test_bad_input_one_line(self):
        for args, says in ((["nested", "--frob", "run"], "unknown option '--frob'"),
                           (["nested", "fly"], "unknown command 'fly'"),
                           (["nested", "run", "--mode", "kvm"], "--mode kvm: forklab nested "
                            "runs in kvm-npt or kvm-shadow"),
                           (["nested", "exits", "/no/such/run"], "/no/such/run")):
            r = self.forklab(*args)
            self.assertEqual(r.returncode, 2, (args, r.stderr))
            self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
            self.assertIn(says, r.stderr)

    def test_help_fits_a_screen(self):
        r = self.forklab("nested", "--help")
        self.assertEqual(r.returncode, 0)
        self.assertLessEqual(len(r.stdout.splitlines()), 24)

    def test_the_mode_is_kept_or_given(self):
        self.assertEqual(nestedcmd.given_mode(["--iters", "5", "--mode", "kvm-shadow"]),
                         "kvm-shadow")
        self.assertIsNone(nestedcmd.given_mode(["--iters", "5", "--", "--mode", "x"]))
        self.assertEqual(qemu.choose_mode("kvm-npt"), "kvm-npt")


if __name__ == "__main__":
    unittest.main()
