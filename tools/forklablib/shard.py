"""The parts of a forklab run: its selection split into shards, one QEMU
boot each, booted N at a time (forklab run -j N) or some of them only
(--shard I/N, one CI job's part; forklab merge joins the parts).

A benchmark that varies the whole strategy set (fork: alloc/pt/pid) gets
one shard per strategy set; the others (alloc, pid) share one shard with the
whole selection. Every shard boots a fresh kernel, so a configuration's
numbers do not depend on what ran before it in the same boot, nor on -j or
--shard: under icount the joined results.csv is the same byte for byte.
(In one boot they did: after bench=alloc, fork with alloc=bump pt=copy at 4
pages cost 14 380 instructions, 14 396 without it; later sets' p99s moved
by 1-2 with the sets before them.)"""
import threading
import time

from . import catalog, protocol, qemu, results
from .ui import warn


class Shard:
    """Part @index of a run: benchmarks @bench and per family the strategy
    names it runs (lists, in the kernel's order)."""
    def __init__(self, index, bench, names):
        self.index, self.bench, self.names = index, bench, names

    def args(self, settings):
        """The kernel command line of this part (@settings: iters= and the rest)."""
        sel = " ".join(f"{f}={','.join(self.names[f])}" for f in catalog.FAMILIES)
        return f"mode=bench bench={','.join(self.bench)} {sel} {settings}".rstrip()

    def label(self):
        return f"{','.join(self.bench)} " + " ".join(
            f"{f}={','.join(self.names[f])}" for f in catalog.FAMILIES)


def selected(cat, family, value):
    """The names of @family that @value (a list or all) selects, in the
    kernel's order (it runs them so, whatever order they were given in)."""
    names = cat.names(family) if family in catalog.FAMILIES else cat.bench_names()
    want = names if value == "all" else value.split(",")
    return [n for n in names if n in want]


def plan(cat, bench, alloc, pt, pid):
    """Every shard of a run's selection, in the kernel's order."""
    names = {"alloc": selected(cat, "alloc", alloc), "pt": selected(cat, "pt", pt),
             "pid": selected(cat, "pid", pid)}
    benches = selected(cat, "bench", bench)
    whole = [name for name, varies, _ in cat.benches
             if name in benches and set(varies.split("/")) == set(catalog.FAMILIES)]
    rest = [b for b in benches if b not in whole]
    shards = [Shard(0, rest, names)] if rest else []
    if whole:
        for a in names["alloc"]:
            for t in names["pt"]:
                for p in names["pid"]:
                    shards.append(Shard(len(shards), whole, {"alloc": [a], "pt": [t], "pid": [p]}))
    return shards


def parse_part(spec):
    """(I, N) from --shard I/N (1 <= I <= N); UsageError otherwise."""
    i, slash, n = (spec or "").partition("/")
    if not (slash and i.isdigit() and n.isdigit() and 1 <= int(i) <= int(n)):
        raise qemu.UsageError(f"--shard {spec}: not I/N with 1 <= I <= N (e.g. --shard 2/4)")
    return int(i), int(n)


def pick(shards, part):
    """The shards of CI job @part = (I, N): every N-th, from the I-th."""
    i, n = part
    return [s for s in shards if s.index % n == i - 1]


class Part:
    """What one shard's boot gave: its @shard, the qemu Result @res, and
    results.parse_log_locks's rows, log facts, columns and locks.csv rows,
    and its samples."""
    def __init__(self, shard, res):
        self.shard, self.res = shard, res
        self.rows, self.meta, self.cols, self.locks = results.parse_log_locks(res.lines)
        self.samples = results.parse_samples(res.lines)


class Watch:
    """What a shard's serial lines tell the run as they come: progress from
    the `plan` and `config` records, the kernel's errors passed on, and the
    KVM timer's cost said once for the run."""
    def __init__(self, part, progress, on_timer=None):
        self.part, self.progress, self.on_timer = part, progress, on_timer

    def line(self, line):
        try:
            rec = protocol.parse_line(line)
        except protocol.ProtocolError:
            return			# parse_log says so once the guest is gone
        if rec is None:
            if line.startswith(("forklab: bad command line", "KERNEL PANIC")):
                warn(line)
        elif rec.is_a("plan"):
            self.progress.plan(rec["configs"], self.part)
        elif rec.is_a("config"):
            self.progress.config(self.part)
        elif rec.is_a("timer") and self.on_timer:
            self.on_timer(rec)
        elif rec.is_a("error"):
            warn(line)


def boot_all(shards, jobs, boot, progress, on_timer=None):
    """Boot every shard, @jobs at a time: boot(shard, echo, stop) returns
    its qemu Result; @progress counts shard i of @shards as its part i. Returns the Parts in shard order, with None for a
    shard that never ran: after the first shard that does not pass, no new
    one starts. Ctrl-C stops the running QEMUs before it is raised."""
    todo, parts, lock = list(enumerate(shards)), {}, threading.Lock()
    failed, cancel = threading.Event(), threading.Event()

    def worker():
        while not failed.is_set() and not cancel.is_set():
            with lock:
                if not todo:
                    return
                i, s = todo.pop(0)		# the progress knows it as part i
            watch = Watch(i, progress, on_timer)
            res = boot(s, watch.line, lambda err: "cancelled" if cancel.is_set() else None)
            progress.part_done(i)
            parts[s.index] = Part(s, res)
            if res.outcome.name != "pass":
                failed.set()
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(min(jobs, len(shards)))]
    for t in threads:
        t.start()
    try:
        while any(t.is_alive() for t in threads):
            time.sleep(0.05)
    except KeyboardInterrupt:
        cancel.set()
        for t in threads:
            t.join()
        raise
    return [parts.get(s.index) for s in shards]
