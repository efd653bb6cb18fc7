"""forklab nested exits: the VM exits inside each measured call of a run
made with `forklab nested --exits`, by reason, and the code that caused
them.

How an exit is put in its window: the L1 traces kvm:kvm_exit with
trace_clock x86-tsc, so each exit carries the L1's TSC when KVM handled
it; SVM gives the inner guest that TSC plus the VMCB's offset, which
kvm:kvm_write_tsc_offset reports whenever KVM sets it. The exit's time in
the guest's clock is then L1 TSC + offset, and the benchmark program
prints both readings of each measured call (`window` records). KVM
handles an exit after the guest left and before it resumes, so an exit
whose guest time lies between a call's two readings happened inside that
call; no exit can land in a window by being late or early. The serial
port's I/O exits are left out of the trace (the L1's histogram still
counts them: `run_totals`); a window holding one would be missed, which
is why the benchmark prints between calls, never inside one."""
import argparse
import bisect
import collections
import csv
import os
import re

from . import linuxref, nested, profile, protocol, qemu, results
from .exitcodes import ROOT

TSC_WRAP = 1 << 64
EVENT = re.compile(r"^\s*\S.*?\s+\[\d+\]\s+\S+\s+(\d+):\s+(\w+):\s+(.*)$")
EXIT = re.compile(r"reason (.+?) rip (0x[0-9a-f]+) info1 (0x[0-9a-f]+) info2 (0x[0-9a-f]+)")
OFFSET = re.compile(r"vcpu=(\d+) prev=(\d+) next=(\d+)")
HIST = re.compile(r"\{\s*exit_reason:\s*(\d+)\s*\}\s*hitcount:\s*(\d+)")
SYMBOLIC = re.compile(r'\{\s*(-?[0-9a-fA-Fx+ ]+?),\s*"([^"]+)"\s*\}')
SVM_TABLE = "__print_symbolic(REC->exit_reason, "	# VMX's is "REC->exit_reason & 0xffff"
EXITS_CSV = ["op", "alloc", "pt", "pid", "rss_pages", "calls", "reason", "exits",
             "per_call_min", "per_call_p50", "per_call_max"]
SITES_CSV = ["op", "alloc", "pt", "pid", "rss_pages", "reason", "rip", "code", "exits",
             "per_call", "cost_p50"]


class Trace:
    """What one traced run's log holds: @windows [(config, start, end)] in
    the guest's TSC, @exits [[guest TSC, reason, rip, cost]], @totals
    {reason: exits in the whole run} from the L1's histogram. An exit's
    cost is the L1's instructions from its kvm_exit to the next kvm_entry
    (KVM's handling; the world switch around them and the two tracepoints'
    own work outside that span are not in it), None without a kvm_entry."""

    def __init__(self, lines):
        con = nested.Console()
        for line in lines:
            con.line(line)
        names = reason_names(con.dump("format"))
        self.totals = collections.Counter()
        for line in con.dump("hist"):
            m = HIST.search(line)
            if m:
                code = int(m.group(1))
                self.totals[names.get(code, str(code))] += int(m.group(2))
        self.windows = windows(con.inner)
        self.exits, offsets, self.untimed, exit_ts = [], [], 0, 0
        for line in con.dump("trace"):
            m = EVENT.match(line)
            if not m:
                continue
            ts, event, rest = int(m.group(1)), m.group(2), m.group(3)
            if event == "kvm_write_tsc_offset":
                o = OFFSET.search(rest)
                if o:
                    offsets.append((ts, int(o.group(3))))
            elif event == "kvm_exit":
                e = EXIT.search(rest)
                if not e:
                    continue
                if not offsets:		# before KVM set the guest's TSC
                    self.untimed += 1
                    continue
                guest = (ts + offsets[-1][1]) % TSC_WRAP
                self.exits.append([guest, e.group(1), int(e.group(2), 16), None])
                exit_ts = ts
            elif event == "kvm_entry" and self.exits and self.exits[-1][3] is None:
                self.exits[-1][3] = ts - exit_ts
        self.traced = bool(con.dump("trace"))


def reason_names(format_lines):
    """SVM exit code -> name, from the kvm_exit event's print format: the
    L1 kernel's own __print_symbolic table (entries like 0x040 + 14)."""
    text = "\n".join(format_lines)
    if SVM_TABLE not in text:
        return {}
    table = text[text.index(SVM_TABLE):].split("__print_flags")[0]
    return {sum(int(p, 0) for p in code.split("+")): name
            for code, name in SYMBOLIC.findall(table)}


def windows(lines):
    """[(config, start, end)] of the `window` records among the inner
    guest's @lines; config is (op, alloc, pt, pid, rss_pages), the
    strategies from the `config` record before them."""
    out, config = [], None
    for rec in protocol.parse(lines):
        if rec.is_a("config"):
            config = rec
        elif rec.is_a("window") and config is not None:
            key = (rec["op"], config["alloc"], config["pt"], config["pid"], rec["rss_pages"])
            out.append((key, rec["start"], rec["end"]))
    return sorted(out, key=lambda w: w[1])


def attribute(trace):
    """{config: [calls, [Counter of reasons per call], Counter of (reason,
    rip), {(reason, rip): [costs]}]} and how many traced exits fell
    outside every window."""
    starts = [w[1] for w in trace.windows]
    per_window = [collections.Counter() for _ in trace.windows]
    sites = collections.defaultdict(collections.Counter)
    costs = collections.defaultdict(lambda: collections.defaultdict(list))
    outside = 0
    for t, reason, rip, cost in trace.exits:
        i = bisect.bisect_right(starts, t) - 1
        if i < 0 or t > trace.windows[i][2]:
            outside += 1
            continue
        per_window[i][reason] += 1
        sites[trace.windows[i][0]][(reason, rip)] += 1
        if cost is not None:
            costs[trace.windows[i][0]][(reason, rip)].append(cost)
    configs = {}
    for (key, _, _), counts in zip(trace.windows, per_window):
        configs.setdefault(key, [0, [], sites[key], costs[key]])
        configs[key][0] += 1
        configs[key][1].append(counts)
    return configs, outside


def p50(values):
    v = sorted(values)
    return v[(len(v) - 1) // 2]


class Symbolizer:
    """Where an inner guest's address is: kernel addresses through the
    kernel ELF the run booted, user ones through its user program (nm for
    the function, addr2line for the lines where the ELF has them); an ELF
    that is no longer the one the run booted (its sha256) is not used. A
    Linux guest's kernel addresses are named from its kallsyms (functions
    only) when it booted with nokaslr (forklab linux --kernel-args nokaslr)."""

    def __init__(self, meta):
        info = meta.get("nested", {})
        self.elfs, self.linux = {}, None
        for part in ("kernel", "program"):
            elf = info.get(f"{part}_elf")
            path = elf and os.path.join(ROOT, elf)
            if path and os.path.exists(path) and nested.file_sha256(path) == info.get(
                    f"{part}_sha256"):
                self.elfs[part] = (path, profile.Symbols(path))
        if meta.get("kernel") == linuxref.NAME:
            if "nokaslr" in meta.get("linux_kernel_args", "").split():
                self.linux = profile.linux_symbols()[1]
            program = os.path.join(ROOT, meta.get("program", ""))
            if os.path.isfile(program):		# the same static ELF the guest ran
                self.elfs["program"] = (program, profile.Symbols(program))

    def where(self, rips):
        """rip -> "function: innermost file:line <- ..." (or "?")."""
        out = {}
        for part in ("kernel", "program"):
            mine = [r for r in rips if (r >= profile.USER_TOP) == (part == "kernel")]
            if not mine:
                continue
            if part == "kernel" and self.linux:
                out.update({r: f"{self.linux.name(r)} (Linux)" for r in mine})
                continue
            if part not in self.elfs:
                out.update({r: "?" for r in mine})
                continue
            path, syms = self.elfs[part]
            lines = profile.source_lines(path, mine)
            for r in mine:
                loc = lines.get(r, "?")
                out[r] = (f"{syms.name(r)}: {loc}" if "?" not in loc else
                          f"{syms.name(r)} ({'user' if part == 'program' else 'kernel'})")
        return out


class Analysis:
    """A traced run's exits: @configs as attribute() gives them, @outside
    (traced exits in no window), @trace, @meta, @where (rip -> code)."""

    def __init__(self, run_dir):
        self.meta = results.read_meta(run_dir)
        log = os.path.join(run_dir, "log.txt")
        try:
            with open(log) as f:
                self.trace = Trace(f.read().splitlines())
        except OSError as e:
            raise qemu.UsageError(f"{log}: {e.strerror}")
        if not self.trace.traced:
            raise qemu.UsageError(f"{run_dir} holds no VM exit trace: run it with "
                                  "`forklab nested --exits run ...`")
        if not self.trace.windows:
            raise qemu.UsageError(f"{run_dir}'s log holds no window records (bench=fork "
                                  "with windows=1)")
        self.configs, self.outside = attribute(self.trace)
        rips = sorted({rip for c in self.configs.values() for _, rip in c[2]})
        self.where = Symbolizer(self.meta).where(rips)

    def write(self, run_dir):
        """exits.csv (per configuration and reason: exits a call) and
        exit_sites.csv (per configuration, reason and guest address)."""
        with open(os.path.join(run_dir, "exits.csv"), "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(EXITS_CSV)
            for key, (calls, counts, _, _) in self.configs.items():
                for reason in sorted({r for c in counts for r in c}):
                    per = [c[reason] for c in counts]
                    w.writerow(list(key) + [calls, reason, sum(per), min(per), p50(per),
                                            max(per)])
        with open(os.path.join(run_dir, "exit_sites.csv"), "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(SITES_CSV)
            for key, (calls, _, sites, costs) in self.configs.items():
                for (reason, rip), n in sites.most_common():
                    cost = costs.get((reason, rip))
                    w.writerow(list(key) + [reason, f"{rip:#x}", self.where.get(rip, "?"), n,
                                            round(n / calls, 2), p50(cost) if cost else ""])
