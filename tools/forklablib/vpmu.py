"""The virtual PMU on the host side: which counters an --events list of
libpfm4 names selects, the plugin's -plugin argument (its arguments checked
first by build/vpmu/vpmu-info, from the plugin's own tables), and the
plugin's records merged into a run: vpmu.csv (every counter of every row,
per scope: the call, each fork phase, their total) and the pmu_* columns of
results.csv, as a hardware PMU fills them."""
import csv
import os
import subprocess

from . import protocol, qemu, results

PLUGIN = "build/vpmu/vpmu.so"
INFO = "build/vpmu/vpmu-info"
MODES = ("off", "counters", "cache")	# --vpmu: counters only, or with the memory model
RECORDS = "vpmu.txt"			# the plugin's own output, kept in the run
CSV = "vpmu.csv"
GP_SLOTS = ["gp0", "gp1", "gp2", "gp3"]	# results.csv's general-counter columns
HW_MODES = ("kvm",)			# where --events means a hardware PMU
USER_BENCHES = ("fork", "spawn")	# rows timed by the user program: the user stream's


class Counter:
    def __init__(self, name, model, pfm, what):
        self.name, self.model, self.pfm, self.what = name, model, pfm, what


def _info(*args):
    """vpmu-info's output lines (built if missing); UsageError with its one line."""
    try:
        tool = qemu.ensure_built(INFO)
    except qemu.UsageError as e:
        raise qemu.UsageError(f"the virtual PMU is not built: {e}")
    r = subprocess.run([tool] + list(args), capture_output=True, text=True)
    if r.returncode:
        raise qemu.UsageError(r.stderr.strip() or f"{INFO} failed")
    return r.stdout.splitlines()


_counters = []


def counters():
    """The plugin's counters, in its order (tools/vpmu/counters.h)."""
    if not _counters:
        for line in _info("counters"):
            _, name, model, pfm, what = line.split(",", 4)
            _counters.append(Counter(name, model == "1", pfm.split(), what))
    return _counters


def _key(name):
    return name.strip().upper().replace(".", ":")


def resolve(events, cache=True):
    """The counters an --events list selects, in its order: libpfm4 names
    (INST_RETIRED:ANY_P, or with a dot) or the counters' own names."""
    by_name = {}
    for c in counters():
        for n in c.pfm + [c.name]:
            by_name[_key(n)] = c
    out = []
    for name in events.split(","):
        c = by_name.get(_key(name))
        if c is None:
            accepted = ", ".join(n for c in counters() for n in c.pfm + [c.name])
            raise qemu.UsageError(f"--events: unknown event '{name}' for the virtual PMU; "
                                  f"accepted: {accepted}")
        if c.model and not cache:
            raise qemu.UsageError(f"--events: {name} needs the memory model; accepted "
                                  f"without it (--vpmu counters): " +
                                  ", ".join(n for c in counters() if not c.model
                                            for n in c.pfm + [c.name]))
        out.append(c)
    return out


def check_model(spec):
    """The plugin's arguments from --vpmu-model KEY=VALUE,... as the plugin
    takes them (a dict), or UsageError naming what is wrong."""
    args = [a for a in (spec or "").split(",") if a]
    line = _info("check", *args)[0]
    rec = protocol.parse_line(line)
    return rec["params"] if rec else {}


def add_options(p, events=False):
    """The virtual-PMU options of forklab run and forklab linux (@events:
    --events too, for a command that has no hardware PMU option)."""
    if events:
        p.add_argument("--events", help="libpfm4 event names for the virtual PMU's counters in "
                       "results.csv's pmu_gp0..3 columns, e.g. L1D:REPLACEMENT (tcg, icount)")
    p.add_argument("--vpmu", choices=MODES, help="the virtual PMU, a TCG plugin: counters "
                   "only or with the cache and TLB model (default with --events: cache)")
    p.add_argument("--vpmu-model", metavar="KEY=VALUE,...",
                   help="the modelled core, e.g. l2_size=1M,l2_ways=16 (a bad key lists them)")


class Setup:
    """One run's virtual PMU: @events the counters of the gp columns,
    @params the model as the plugin takes it; place() gives @arg, the
    -plugin argument writing into a run directory."""
    def __init__(self, cache, events, spec, kprobes):
        self.cache, self.events = cache, events
        self.params = check_model(",".join(filter(None, [
            "model=" + ("cache" if cache else "none"), f"kprobes={kprobes}", spec])))
        self.plugin = qemu.ensure_built(PLUGIN)
        self.path = self.arg = None

    def place(self, out_dir, path=None):
        self.path = path or os.path.join(out_dir, RECORDS)
        self.arg = (f"{self.plugin},out={self.path},"
                    + ",".join(f"{k}={v}" for k, v in self.params.items()))
        return self.arg


def wanted(opts, mode):
    """Whether this run gets the virtual PMU ("cache", "counters") or not
    (None): --vpmu, or --events where the mode has no hardware PMU and no
    --pmu-model asks for a hardware PMU's raw codes."""
    hardware = mode in HW_MODES or getattr(opts, "pmu_model", None)
    if opts.vpmu == "off":
        if opts.events and not hardware:
            raise qemu.UsageError(f"--events under {mode} needs the virtual PMU, which "
                                  "--vpmu off turns off")
        return None
    if opts.vpmu or (opts.events and not hardware):
        if mode in HW_MODES:
            raise qemu.UsageError(f"--vpmu: the virtual PMU is a TCG plugin; accepted modes: "
                                  f"tcg, icount (this run is {mode})")
        return opts.vpmu or "cache"
    if opts.vpmu_model:
        raise qemu.UsageError("--vpmu-model needs the virtual PMU (--vpmu cache, or --events "
                              "under tcg or icount)")
    return None


def setup(opts, mode, kprobes=0, spec=None):
    """The Setup for a run (@kprobes: the fork path's phase probes, @spec
    model arguments that come before --vpmu-model's), or None when the run
    gets no virtual PMU; UsageError on bad input, before anything runs."""
    kind = wanted(opts, mode)
    if not kind:
        return None
    events = resolve(opts.events, kind == "cache") if opts.events else []
    return Setup(kind == "cache", events, ",".join(filter(None, [spec, opts.vpmu_model])),
                 kprobes)


def fork_probes(phases):
    """The kernel's probes on the fork path: one per phase it lists, and
    the entry (the phase "total" is not one)."""
    return len([p for p in phases if p != "total"]) + 1 if phases else 0


def read_records(path):
    """The plugin's records in @path: (stats by stream, in order, each a list
    of (scope, n, per, counts) for one configuration; the end totals)."""
    streams, end = {"user": [], "kernel": []}, {}
    try:
        with open(path, errors="replace") as f:
            for rec in protocol.parse(f):
                if rec.is_a("vpmu", "stats"):
                    flushes = streams.setdefault(rec["stream"], [])
                    while len(flushes) <= rec["seq"]:
                        flushes.append([])
                    flushes[rec["seq"]].append((rec["scope"], rec["n"], rec["per"],
                                                rec["counts"]))
                elif rec.is_a("vpmu", "end"):
                    end = rec["counts"]
                elif rec.is_a("vpmu", "error"):
                    raise qemu.UsageError(f"vpmu: {rec['what']}")
    except OSError as e:
        raise qemu.UsageError(f"the virtual PMU wrote no records ({path}: {e.strerror})")
    return streams, end


def scope_name(scope, phases):
    """vpmu.csv's name for the plugin's scope: p<k> is the k-th fork phase."""
    if scope.startswith("p") and scope[1:].isdigit() and int(scope[1:]) <= len(phases):
        return phases[int(scope[1:]) - 1]
    return scope


def value(v, per):
    return str(v) if per == 1 else f"{v / per:.3f}"


def csv_columns(vp):
    """vpmu.csv's columns for @vp's counters."""
    return results.KEY + ["scope", "n"] + [c.name for c in counters() if vp.cache or not c.model]


def merge(vp, rows, phases, meta):
    """Give @rows (results.csv's, in one boot's log order) the plugin's
    counts: each fork and spawn row the user stream's next record, each
    alloc and pid row the kernel stream's; put the PMU's facts in @meta;
    return vpmu.csv's rows for them (write_csv writes them). A fork row's
    pmu_ columns hold the fork phases' total (kernel_clone), a spawn row's
    its whole call, as its p50 does."""
    streams, end = read_records(vp.path)
    names = csv_columns(vp)[len(results.KEY) + 2:]
    mine = {"user": [r for r in rows if r["bench"] in USER_BENCHES],
            "kernel": [r for r in rows if r["bench"] in ("alloc", "pid")]}
    table = []
    for stream, flushes in streams.items():
        if len(flushes) != len(mine.get(stream, [])):
            raise qemu.UsageError(f"vpmu: {len(flushes)} {stream} records for "
                                  f"{len(mine.get(stream, []))} result rows: the marks and the "
                                  "rows disagree (see vpmu.txt)")
        for row, flush in zip(mine[stream], flushes):
            scopes = {}
            for scope, n, per, counts in flush:
                name = scope_name(scope, phases)
                scopes[name] = {c: value(counts[c], per) for c in names if c in counts}
                table.append(dict({k: row[k] for k in results.KEY}, scope=name, n=n,
                                  **scopes[name]))
            hw = (scopes.get("call") if row["bench"] == "spawn" else
                  scopes.get("total") or scopes.get("call")) or {}
            row["pmu_inst"], row["pmu_cycles"] = hw.get("inst", ""), hw.get("cycles", "")
            for slot, c in zip(GP_SLOTS, vp.events):
                row["pmu_" + slot] = hw.get(c.name, "")
    meta.update(pmu="virtual", pmu_model=vp.params,
                pmu_events={slot: c.name for slot, c in zip(GP_SLOTS, vp.events)},
                pmu_window="fork rows: kernel_clone's entry probe to its last (the phase "
                           "total); spawn, alloc, pid and cow-write rows: the measured call",
                vpmu_totals=end)
    return table


def write_csv(vp, out_dir, table):
    """vpmu.csv in @out_dir: @table, merge's rows."""
    results.write_csv(os.path.join(out_dir, CSV), table, csv_columns(vp))


def read_file(path):
    """The rows of the vpmu.csv at @path; UsageError when it cannot be read
    or is not one."""
    try:
        with open(path, newline="") as f:
            rows = list(csv.DictReader(f))
    except OSError as e:
        raise qemu.UsageError(f"cannot read {path}: {e.strerror}")
    if rows and (None in rows[0] or not {"scope", "inst"} <= set(rows[0])):
        raise qemu.UsageError(f"{path} is not a forklab vpmu.csv (columns missing)")
    return rows


def read_csv(run):
    """vpmu.csv of @run as rows, or None when the run has none."""
    path = os.path.join(run, CSV)
    return read_file(path) if os.path.exists(path) else None
