"""What the kernel says it has, from its own list records (mode=list prints
them all; mode=bench its strategies, benchmarks, ops and phases): the host's
only source of strategy, benchmark, op and phase names and of the values
each command-line key accepts."""
import os
import re

from . import protocol, qemu

# the strategy set forklab's numbers are quoted for, until the kernel
# names its defaults itself (`default` records)
FALLBACK_DEFAULTS = {"alloc": "slub", "pt": "cow", "pid": "hash"}
FAMILIES = ("alloc", "pt", "pid")


class Op:
    """A fork-benchmark op: the system call @nr its timed call makes (0: not
    one call) and @until, the one whose return ends the window (0: @nr's)."""
    def __init__(self, name, nr, until, desc):
        self.name, self.nr, self.until, self.desc = name, nr, until, desc


class Catalog:
    def __init__(self, records):
        self.strategies = {f: [] for f in FAMILIES}	# family -> [(name, desc)]
        self.defaults, self.benches, self.ops, self.phases = {}, [], [], []
        self.spawn_ops = []		# [(name, desc)]: bench=spawn's methods
        self.keys, self.accepts = [], {}
        for rec in records:
            if rec.is_a("strategy"):
                self.strategies.setdefault(rec["family"], []).append((rec["name"], rec["desc"]))
            elif rec.is_a("default"):
                self.defaults[rec["family"]] = rec["name"]
            elif rec.is_a("bench", "list"):
                self.benches.append((rec["name"], rec["varies"], rec["desc"]))
            elif rec.is_a("op"):
                self.ops.append(Op(rec["name"], rec["nr"], rec["until"], rec["desc"]))
            elif rec.is_a("spawn_op"):
                self.spawn_ops.append((rec["name"], rec["desc"]))
            elif rec.is_a("phase"):
                self.phases.append((rec["name"], rec["desc"]))
            elif rec.is_a("key"):
                self.keys.append((rec["name"], rec["desc"]))
            elif rec.is_a("accepts"):
                self.accepts[rec["name"]] = rec["text"]

    @classmethod
    def from_lines(cls, lines):
        return cls(protocol.parse(lines))

    def names(self, family):
        return [n for n, _ in self.strategies.get(family, [])]

    def default(self, family):
        return self.defaults.get(family) or FALLBACK_DEFAULTS[family]

    def bench_names(self):
        return [n for n, _, _ in self.benches]

    def phase_names(self):
        return [n for n, _ in self.phases]

    def calls(self):
        """The ops whose window is one system call (profile can trace them)."""
        return [op for op in self.ops if op.nr]

    def int_range(self, key):
        """(lowest, highest) that @key accepts when the kernel says "an integer
        from A to B", else None."""
        m = re.fullmatch(r"an integer from (\d+) to (\d+)", self.accepts.get(key, ""))
        return (int(m.group(1)), int(m.group(2))) if m else None

    def check_list(self, option, key, value, known):
        """Refuse @value of --@option (a comma-separated list of @known names,
        or all) naming one that the kernel does not have."""
        if value == "all":
            return
        for name in value.split(","):
            if name not in known:
                what = f"unknown value '{name}'" if name else "an empty list item"
                raise qemu.UsageError(f"--{option} {value}: {what}; accepted: "
                                      + self.accepts.get(key, ", ".join(known) + ", or all"))

    def check_int(self, option, key, value):
        """Refuse @value of --@option outside the range the kernel's @key takes."""
        r = self.int_range(key)
        if r and not r[0] <= value <= r[1]:
            raise qemu.UsageError(f"--{option} {value}: out of range; accepted: "
                                  f"{self.accepts[key]}")


def of_log(lines):
    """The Catalog of the kernel whose serial @lines these are, from the
    list records they open with, up to the first benchmark's start (a
    merged run's log repeats them for every part)."""
    records = []
    for rec in protocol.parse(lines):
        if rec.is_a("bench", "start") or rec.is_a("config"):	# the list is over
            break
        records.append(rec)
    return Catalog(records)


def of_run(run):
    """The Catalog of the kernel that made @run, from the list records its
    log.txt opens with (none in a Linux run or an old one: then empty)."""
    try:
        with open(os.path.join(run, "log.txt"), errors="replace") as f:
            return of_log(f)
    except OSError:
        return Catalog([])


_listed = {}


def of_kernel(kernel=None):
    """The Catalog of @kernel (default build/forklab.elf): its mode=list,
    booted once per process (TCG, about 0.1 s)."""
    if kernel not in _listed:
        res = qemu.boot("tcg", args="mode=list", kernel=kernel, timeout=60)
        if res.outcome.name != "pass":
            raise qemu.UsageError(f"cannot read the kernel's names (mode=list): "
                                  f"{res.outcome.words}")
        _listed[kernel] = Catalog.from_lines(res.lines)
    return _listed[kernel]
