"""tools/forklablib/protocol.py: every serial record parsed by name against
the one schema."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
from forklablib import protocol  # noqa: E402

# one line of each shape in SCHEMA, as the kernel and the benchmark program
# print them, and the fields it must give
EXAMPLES = [
    ("tsc,khz,2100000,source,cpuid 0x15,invariant,1", "tsc", "-",
     {"khz": 2100000, "source": "cpuid 0x15", "invariant": 1}),
    ("timer,overhead_min,20,overhead_p50,22,cycles", "timer", "-",
     {"overhead_min": 20, "overhead_p50": 22, "unit": "cycles"}),
    ("user_timer,overhead_min,5,overhead_p50,6,cycles", "user_timer", "-",
     {"overhead_min": 5, "overhead_p50": 6, "unit": "cycles"}),
    ("tsc_close,lfence;rdtsc;lfence", "tsc_close", "-", {"name": "lfence;rdtsc;lfence"}),
    ("probe,overhead,25,cycles", "probe", "overhead", {"overhead": 25, "unit": "cycles"}),
    ("probe,compiled_out", "probe", "compiled_out", {}),
    ("pmu,available,version,4,general,4,width,48,fixed,3", "pmu", "available",
     {"info": {"version": 4, "general": 4, "width": 48, "fixed": 3}}),
    ("pmu,unavailable,cpuid 0xa reports version 0 with 0 general and 0 fixed counters", "pmu",
     "unavailable", {"why": "cpuid 0xa reports version 0 with 0 general and 0 fixed counters"}),
    ("pmu,op,fork,calls,60,inst,5000,cycles,9000,ref,8000,gp0,1,gp1,2,gp2,3,gp3,4", "pmu", "totals",
     {"op": "fork", "counts": {"calls": 60, "inst": 5000, "cycles": 9000, "ref": 8000, "gp0": 1,
                               "gp1": 2, "gp2": 3, "gp3": 4}}),
    ("strategy,alloc,slub,Linux SLUB: per-CPU slab and lockless freelist inside free objects",
     "strategy", "-", {"family": "alloc", "name": "slub",
                       "desc": "Linux SLUB: per-CPU slab and lockless freelist inside free objects"}),
    ("default,alloc,slub", "default", "-", {"family": "alloc", "name": "slub"}),
    ("key,iters,measured iterations per configuration", "key", "-",
     {"name": "iters", "desc": "measured iterations per configuration"}),
    ("accepts,alloc,page, slab, slub, magazine, bump (a comma-separated list, or all)", "accepts",
     "-", {"name": "alloc", "text": "page, slab, slub, magazine, bump (a comma-separated list, or all)"}),
    ("bench,alloc,start", "bench", "start", {"name": "alloc"}),
    ("bench,op,alloc,size,n,min,p50,p90,p99,max,mean,stddev,unit", "bench", "columns",
     {"names": "alloc,size,n,min,p50,p90,p99,max,mean,stddev,unit"}),
    ("bench,fork,alloc/pt/pid,fork, vfork, clone from user space per strategy set", "bench", "list",
     {"name": "fork", "varies": "alloc/pt/pid",
      "desc": "fork, vfork, clone from user space per strategy set"}),
    ("op,fork-exit-wait,57,61,fork, the child's exit and the parent's wait4, in one window", "op",
     "-", {"name": "fork-exit-wait", "nr": 57, "until": 61,
           "desc": "fork, the child's exit and the parent's wait4, in one window"}),
    ("phase,copy_files..signal,files, fs, sighand and signal copied or shared", "phase", "-",
     {"name": "copy_files..signal", "desc": "files, fs, sighand and signal copied or shared"}),
    ("plan,configs,855", "plan", "-", {"configs": 855}),
    ("accel,rdtsc,25220,pte_write,4576,cr3,4394,cycles", "accel", "-",
     {"rdtsc": 25220, "pte_write": 4576, "cr3": 4394, "unit": "cycles"}),
    ("config,op,fork,alloc,slub,pt,cow,pid,hash,rss_pages,4", "config", "-",
     {"op": "fork", "alloc": "slub", "pt": "cow", "pid": "hash", "rss_pages": 4}),
    ("result,fork,1,20,5141,5145,5200,5300,5400,5160,cycles", "result", "-",
     {"op": "fork", "rss_pages": 1, "n": 20, "min": 5141, "p50": 5145, "p90": 5200, "p99": 5300,
      "max": 5400, "mean": 5160, "unit": "cycles"}),
    ("sample,fork,1,5145", "sample", "-", {"op": "fork", "rss_pages": 1, "cycles": 5145}),
    ("child_run,n,18,p50,6155,p90,6200", "child_run", "-", {"n": 18, "p50": 6155, "p90": 6200}),
    ("pmu_call,n,18,inst,4887,cycles,9100", "pmu_call", "-",
     {"n": 18, "counts": {"inst": 4887, "cycles": 9100}}),
    ("phases,n,18,flags,41,copy_files..signal,539,total,4887", "phases", "-",
     {"n": 18, "phases": {"flags": 41, "copy_files..signal": 539, "total": 4887}}),
    ("alloc,error,slub,64,cache_create failed", "alloc", "error",
     {"what": "slub,64,cache_create failed"}),
    ("alloc,hot,slub,64,100,20,27,27,30,40,28,1,cycles", "alloc", "-",
     {"op": "hot", "alloc": "slub", "size": 64, "n": 100, "min": 20, "p50": 27, "p90": 27,
      "p99": 30, "max": 40, "mean": 28, "stddev": 1, "unit": "cycles"}),
    ("pid,op,strategy,live,n,min,p50,p90,p99,max,mean,stddev,unit", "pid", "columns",
     {"names": "strategy,live,n,min,p50,p90,p99,max,mean,stddev,unit"}),
    ("pid,error,idr,10000,out of memory", "pid", "error", {"what": "idr,10000,out of memory"}),
    ("scale,vfork,4,2,2000,90811234", "scale", "-",
     {"op": "vfork", "tasks": 4, "i": 2, "iters": 2000, "ticks": 90811234}),
    ("tlb,1,2000,46280,81484,55851770,cycles", "tlb", "-",
     {"threads": 1, "n": 2000, "min": 46280, "p50": 81484, "max": 55851770, "unit": "cycles"}),
    ("spawn_op,posix-spawn,musl's mechanism, in short", "spawn_op", "-",
     {"name": "posix-spawn", "desc": "musl's mechanism, in short"}),
    ("spawn,vfork-exec-wait,16,50,260202,264524,286468,382096,382096,270654,cycles", "spawn",
     "-", {"op": "vfork-exec-wait", "rss_pages": 16, "n": 50, "min": 260202, "p50": 264524,
           "p90": 286468, "p99": 382096, "max": 382096, "mean": 270654, "unit": "cycles"}),
    ("spawn_unavailable,posix-spawn,4,pipe2,-38", "spawn_unavailable", "-",
     {"op": "posix-spawn", "rss_pages": 4, "call": "pipe2", "err": -38}),
    ("parent,fork-vmas,1,100,20,25117,25418,25418,25418,25418,25402,cycles", "parent", "-",
     {"op": "fork-vmas", "rss_pages": 1, "live": 100, "n": 20, "min": 25117, "p50": 25418,
      "p90": 25418, "p99": 25418, "max": 25418, "mean": 25402, "unit": "cycles"}),
    ("lock,zone_lock,4129,12,5012", "lock", "-",
     {"name": "zone_lock", "acquisitions": 4129, "contended": 12, "spins": 5012}),
    ("pid,alloc+find+free,idr,1000,100,50,60,70,80,90,61,2,cycles", "pid", "-",
     {"op": "alloc+find+free", "pid": "idr", "live": 1000, "n": 100, "min": 50, "p50": 60,
      "p90": 70, "p99": 80, "max": 90, "mean": 61, "stddev": 2, "unit": "cycles"}),
    ("error,op,fork,rss_pages,16,status,0x100", "error", "-",
     {"what": "op,fork,rss_pages,16,status,0x100"}),
    ("kallsyms,begin", "kallsyms", "begin", {}),
    ("kallsyms,end", "kallsyms", "end", {}),
    ("vpmu,model,model,cache,l1d_size,32768,kpage,2M", "vpmu", "model",
     {"params": {"model": "cache", "l1d_size": "32768", "kpage": "2M"}}),
    ("vpmu,stats,user,3,call,n,20,per,1,inst,2637,icount,4212", "vpmu", "stats",
     {"stream": "user", "seq": 3, "scope": "call", "n": 20, "per": 1,
      "counts": {"inst": 2637, "icount": 4212}}),
    ("vpmu,window,user,0,2,kept,inst,4,rep_iters,100", "vpmu", "window",
     {"stream": "user", "seq": 0, "idx": 2, "kind": "kept", "counts": {"inst": 4, "rep_iters": 100}}),
    ("vpmu,timer,user,0,inst,5", "vpmu", "timer",
     {"stream": "user", "seq": 0, "counts": {"inst": 5}}),
    ("vpmu,end,inst,6521808", "vpmu", "end", {"counts": {"inst": 6521808}}),
    ("vpmu,error,out of memory for samples", "vpmu", "error", {"what": "out of memory for samples"}),
    ("window,fork,1,10054063,10058276", "window", "-",
     {"op": "fork", "rss_pages": 1, "start": 10054063, "end": 10058276}),
    ("nested,start", "nested", "start", {}),
    ("nested,exit,3", "nested", "exit", {"code": 3}),
    ("nested,signal,9", "nested", "signal", {"signo": 9}),
    ("nested,fail,module,/lib/modules/nested/kvm-amd.ko: No such device", "nested", "fail",
     {"step": "module", "what": "/lib/modules/nested/kvm-amd.ko: No such device"}),
    ("nested,trace, qemu-system-x86-83 [000] ..... 2595317194: kvm_exit: vcpu 0 reason npf",
     "nested", "line", {"dump": "trace",
                        "text": " qemu-system-x86-83 [000] ..... 2595317194: kvm_exit: vcpu 0 "
                                "reason npf"}),
]


class EachRecord(unittest.TestCase):
    def test_every_shape_parses_to_its_named_fields(self):
        for line, name, kind, fields in EXAMPLES:
            rec = protocol.parse_line(line)
            self.assertIsNotNone(rec, line)
            self.assertEqual((rec.name, rec.kind, rec.fields), (name, kind, fields), line)
            self.assertEqual(rec.line, line)

    def test_every_shape_of_the_schema_has_an_example(self):
        declared = {(n, s.kind) for n, shapes in protocol.SCHEMA.items() for s in shapes}
        self.assertEqual(declared, {(n, k) for _, n, k, _ in EXAMPLES})


class FreeText(unittest.TestCase):
    def test_free_text_keeps_its_commas(self):
        rec = protocol.parse_line("key,args,the user program's arguments, comma-separated "
                                  "(args=bench,fork,1000)")
        self.assertEqual(rec["name"], "args")
        self.assertEqual(rec["desc"], "the user program's arguments, comma-separated "
                         "(args=bench,fork,1000)")

    def test_empty_free_text_is_a_field(self):
        self.assertEqual(protocol.parse_line("phase,total,")["desc"], "")

    def test_a_row_goes_on_on_an_indented_line(self):
        schema = protocol.load_schema("thing - skip a:int\n              b:int c...\n")
        self.assertEqual(protocol.parse_line("thing,1,2,x,y", schema).fields,
                         {"a": 1, "b": 2, "c": "x,y"})

    def test_free_text_must_be_last_in_the_schema(self):
        with self.assertRaises(ValueError):
            protocol.load_schema("thing - skip name desc... more")


class NotRecords(unittest.TestCase):
    def test_an_unknown_record_is_ignored(self):
        self.assertIsNone(protocol.parse_line("frobnicate,1,2,3"))
        self.assertIsNone(protocol.parse_line("forklab: done"))
        self.assertIsNone(protocol.parse_line("[    0.000000] Linux version 6.1.0, (gcc)"))
        self.assertIsNone(protocol.parse_line(""))

    def test_parse_yields_the_records_in_order(self):
        lines = ["forklab 1234: long mode", "plan,configs,2", "whatever,else",
                 "config,op,fork,alloc,slub,pt,cow,pid,hash,rss_pages,1", "sample,fork,1,9"]
        self.assertEqual([r.name for r in protocol.parse(lines)], ["plan", "config", "sample"])


class Truncated(unittest.TestCase):
    def test_a_truncated_measurement_is_skipped(self):
        self.assertIsNone(protocol.parse_line("result,fork,1,20,5141,51"))
        self.assertIsNone(protocol.parse_line("config,op,fork,alloc,slub,pt"))
        self.assertIsNone(protocol.parse_line("phases,n,18,flags,41,dup_task_struct"))

    def test_a_truncated_list_record_is_rejected(self):
        for line in ("op,fork,57", "phase,copy_mm", "strategy,alloc", "plan,configs",
                     "bench,fork"):
            with self.assertRaises(protocol.ProtocolError, msg=line) as e:
                protocol.parse_line(line)
            self.assertIn(f"'{line}'", str(e.exception))

    def test_a_longer_record_has_no_shape(self):
        self.assertIsNone(protocol.parse_line("sample,fork,1,5145,7"))
        with self.assertRaises(protocol.ProtocolError):
            protocol.parse_line("plan,configs,8,9")

    def test_a_word_where_a_number_belongs_is_no_record(self):
        self.assertIsNone(protocol.parse_line("sample,fork,1,fifty"))
        with self.assertRaises(protocol.ProtocolError):
            protocol.parse_line("op,fork,fifty-seven,0,fork()")


if __name__ == "__main__":
    unittest.main()
