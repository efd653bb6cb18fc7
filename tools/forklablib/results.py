"""A run's results: results.csv (one row per benchmark configuration) and
samples.csv (every sample of the fork benchmarks), made from the kernel's
records, written, and read back; meta.json's facts from the log."""
import csv
import json
import os

from . import protocol, qemu

KEY = ["bench", "op", "alloc", "pt", "pid", "rss_pages", "size", "live"]
STATS = ["n", "min", "p50", "p90", "p99", "max", "mean", "stddev", "unit"]
PMU_COUNTERS = ["inst", "cycles", "ref", "gp0", "gp1", "gp2", "gp3"]	# keys of pmu_call
SAMPLE_COLUMNS = ["op", "alloc", "pt", "pid", "rss_pages", "i", "cycles"]
SAMPLE_KEY = SAMPLE_COLUMNS[:5]		# a sample's configuration
# locks.csv: the locks each scale/tlb configuration took (`live` as in
# results.csv: tasks for scale, threads for tlb)
LOCK_COLUMNS = ["bench", "op", "alloc", "pt", "pid", "live", "lock", "acquisitions",
                "contended", "spins"]
PHASE_PREFIX = "phase_"
ERRNO_NAMES = {-38: "-ENOSYS"}		# what a spawn_unavailable record can say


def phase_column(phase):
    """results.csv's column for the kernel's phase @phase."""
    return PHASE_PREFIX + phase.replace("..", "_to_")


def phase_name(column):
    """The phase a results.csv column holds: phase_column's inverse."""
    return column[len(PHASE_PREFIX):].replace("_to_", "..")


def phase_columns(columns):
    return [c for c in columns if c.startswith(PHASE_PREFIX)]


def columns(phases):
    """results.csv's columns, with one per phase named in @phases (the
    per-call p50s the kernel's probes measure inside kernel_clone)."""
    return (KEY + STATS + [phase_column(p) for p in phases] +
            ["pmu_" + c for c in PMU_COUNTERS] +	# per-call p50s inside kernel_clone, with a PMU
            ["child_first_run"] +		# p50, kernel_clone entry to the child's first return to user
            ["ops_per_s"])			# scale: every task's ops per TSC second, summed


def log_phases(records):
    """The fork phases a log names: its `phase` records, or (a log from a
    kernel that did not list them) the keys of its first `phases` record."""
    listed = [r["name"] for r in records if r.is_a("phase")]
    if listed:
        return listed
    return next((list(r["phases"]) for r in records if r.is_a("phases")), [])


def scale_stats(recs, tsc_khz):
    """results.csv's statistics of one bench=scale configuration from its
    `scale` records (one per task): per-task ticks per op (n = every op of
    every task), and ops_per_s, the tasks' rates summed (TSC seconds)."""
    per_op = sorted(r["ticks"] / r["iters"] for r in recs)
    mean = sum(per_op) / len(per_op)
    sd = (sum((x - mean) ** 2 for x in per_op) / len(per_op)) ** 0.5
    rate = sum(r["iters"] * tsc_khz * 1000 / r["ticks"] for r in recs if r["ticks"])
    return {"live": str(len(recs)), "n": str(sum(r["iters"] for r in recs)),
            "min": str(round(per_op[0])), "p50": str(round(per_op[(len(per_op) - 1) // 2])),
            "max": str(round(per_op[-1])), "mean": str(round(mean)), "stddev": str(round(sd)),
            "unit": "cycles", "ops_per_s": str(round(rate)) if tsc_khz else ""}


def parse_log(lines, phases=None):
    """Serial lines -> (result rows as dicts, meta.json's facts, results.csv's
    columns); @phases names the phase columns when the log names none."""
    return parse_log_locks(lines, phases)[:3]


def parse_log_locks(lines, phases=None):
    """parse_log's three, and the rows of locks.csv."""
    records = list(protocol.parse(lines))
    cols = columns(log_phases(records) or phases or [])
    rows, config, row = [], None, None
    scale, locks, lrow = [], [], None
    khz = next((r["khz"] for r in records if r.is_a("tsc")), 0)

    def end_scale():
        nonlocal lrow
        if scale:
            lrow = new_row(scale[0], bench="scale", alloc=config["alloc"], pt=config["pt"],
                           pid=config["pid"], rss_pages="1", **scale_stats(scale, khz))
            scale.clear()

    def new_row(rec, **given):
        r = {c: "" for c in cols}
        r.update({c: str(rec[c]) for c in cols if c in rec.fields}, **given)
        rows.append(r)
        return r
    for rec in records:
        if rec.is_a("config") or rec.is_a("lock"):
            end_scale()
        if rec.is_a("config"):
            config, lrow = rec, None
        elif rec.is_a("scale") and config:
            scale.append(rec)
        elif rec.is_a("tlb") and config:
            lrow = new_row(rec, bench="tlb", op=config["op"], alloc=config["alloc"],
                           pt=config["pt"], pid=config["pid"], rss_pages="1",
                           live=str(rec["threads"]))
        elif rec.is_a("lock") and lrow is not None:
            locks.append({"bench": lrow["bench"], "op": lrow["op"], "alloc": lrow["alloc"],
                          "pt": lrow["pt"], "pid": lrow["pid"], "live": lrow["live"],
                          "lock": rec["name"], "acquisitions": rec["acquisitions"],
                          "contended": rec["contended"], "spins": rec["spins"]})
        elif rec.is_a("spawn") and config:	# no phases follow: the next config ends it
            new_row(rec, bench="spawn", alloc=config["alloc"], pt=config["pt"],
                    pid=config["pid"])
        elif rec.is_a("parent") and config:	# bench=parent: the config names the op
            new_row(rec, bench="parent", op=config["op"], alloc=config["alloc"],
                    pt=config["pt"], pid=config["pid"])
        elif rec.is_a("result") and config:
            row = new_row(rec, bench="fork", alloc=config["alloc"], pt=config["pt"],
                          pid=config["pid"])
        elif rec.is_a("child_run") and row is not None:
            row["child_first_run"] = str(rec["p50"]) if rec["n"] else ""
        elif rec.is_a("pmu_call") and row is not None:
            for c in PMU_COUNTERS:
                row["pmu_" + c] = str(rec["counts"].get(c, ""))
        elif rec.is_a("phases") and row is not None:
            for p, v in rec["phases"].items():
                if phase_column(p) in row:
                    row[phase_column(p)] = str(v)
            row, config = None, None
        elif rec.is_a("alloc"):
            new_row(rec, bench="alloc")
        elif rec.is_a("pid"):
            new_row(rec, bench="pid")
    end_scale()
    return rows, log_meta(records), cols, locks


def log_meta(records):
    """What meta.json keeps of a log: the TSC, the timer and probe overheads,
    the PMU the guest found (pmu: hardware or unavailable; a virtual PMU's
    run says virtual, vpmu.merge)."""
    meta = {}
    for rec in records:
        if rec.is_a("tsc"):
            meta.update(tsc_khz=rec["khz"], tsc_source=rec["source"],
                        invariant_tsc=rec["invariant"] == 1)
        elif rec.is_a("timer"):
            meta.update(timer_overhead_min=rec["overhead_min"],
                        timer_overhead_p50=rec["overhead_p50"])
        elif rec.is_a("tsc_close"):
            meta["tsc_close"] = rec["name"]	# the instructions that end a timing
        elif rec.is_a("user_timer"):
            # the user program's own empty rdtsc pair, taken off its samples
            meta.update(user_timer_overhead_min=rec["overhead_min"],
                        user_timer_overhead_p50=rec["overhead_p50"])
        elif rec.is_a("spawn_unavailable"):	# a kernel without a call a spawn method needs
            meta.setdefault("spawn_unavailable", {})[rec["op"]] = \
                f"{rec['call']} {ERRNO_NAMES.get(rec['err'], rec['err'])}"
        elif rec.is_a("probe", "compiled_out"):
            meta["probe_overhead"] = "compiled out"
        elif rec.is_a("probe", "overhead"):
            meta["probe_overhead"] = rec["overhead"]
        elif rec.is_a("pmu", "available") or rec.is_a("pmu", "unavailable"):
            meta["pmu"] = "hardware" if rec.kind == "available" else "unavailable"
            meta["pmu_guest"] = rec.line.split(",", 1)[1]	# the kernel's words
    return meta


def parse_samples(lines):
    """The raw per-call samples (forklab run --samples) as rows of SAMPLE_COLUMNS."""
    out, config, i = [], None, 0
    for rec in protocol.parse(lines):
        if rec.is_a("config"):
            config, i = rec, 0
        elif rec.is_a("sample") and config:
            out.append({"op": rec["op"], "alloc": config["alloc"], "pt": config["pt"],
                        "pid": config["pid"], "rss_pages": str(rec["rss_pages"]), "i": i,
                        "cycles": str(rec["cycles"])})
            i += 1
    return out


def write_csv(path, rows, cols):
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=cols)
        w.writeheader()
        w.writerows(rows)


def write_samples(path, samples):
    write_csv(path, samples, SAMPLE_COLUMNS)


def typed(value):
    """A results.csv cell for JSON: an integer as one, "" as null."""
    if value == "":
        return None
    try:
        return int(value)
    except ValueError:
        return value


def write_json(path, meta, cols, rows, summary):
    """results.json: {"meta": meta.json's facts, "summary": summary.py's,
    "columns": results.csv's, "rows": its rows as objects, numbers typed}
    (for CI tools that would rather not parse CSV)."""
    with open(path, "w") as f:
        json.dump({"meta": meta, "summary": summary, "columns": cols,
                   "rows": [{c: typed(r.get(c, "")) for c in cols} for r in rows]}, f,
                  separators=(",", ":"))
        f.write("\n")


def check_run(path):
    if not os.path.isfile(os.path.join(path, "results.csv")):
        raise qemu.UsageError(f"'{path}' is not a run directory (no results.csv)")


def read_csv(path):
    """The rows of a results.csv (its columns are the first row's keys)."""
    try:
        with open(path, newline="") as f:
            rows = list(csv.DictReader(f))
    except OSError as e:
        raise qemu.UsageError(f"cannot read {path}: {e.strerror}")
    if not rows:
        raise qemu.UsageError(f"{path} has no result rows (an empty or truncated file)")
    if set(KEY + ["p50"]) - set(rows[0]):
        raise qemu.UsageError(f"{path} is not a forklab results.csv (columns missing)")
    for i, r in enumerate(rows, start=2):
        if None in r.values() or None in r:
            raise qemu.UsageError(f"{path}: line {i} has {len([v for v in r.values() if v is not None])}"
                                  f" fields, not {len(rows[0])}: the file is truncated or damaged")
    return rows


def read_sample_rows(run):
    """samples.csv of @run as rows of SAMPLE_COLUMNS, or None when the run
    kept no samples."""
    path = os.path.join(run, "samples.csv")
    if not os.path.exists(path):
        return None
    try:
        with open(path, newline="") as f:
            rows = list(csv.DictReader(f))
    except OSError as e:
        raise qemu.UsageError(f"cannot read {path}: {e.strerror}")
    for i, r in enumerate(rows, start=2):
        try:
            float(r["cycles"])
            [r[c] for c in SAMPLE_KEY]
        except (KeyError, TypeError, ValueError):
            raise qemu.UsageError(f"{path}: line {i} is not a forklab sample "
                                  f"(columns {','.join(SAMPLE_COLUMNS)})")
    return rows


def read_samples(run):
    """samples.csv of @run as {(op, alloc, pt, pid, rss_pages): [cycles]}, or
    None when the run kept no samples."""
    rows = read_sample_rows(run)
    if rows is None:
        return None
    out = {}
    for r in rows:
        out.setdefault(tuple(r[c] for c in SAMPLE_KEY), []).append(float(r["cycles"]))
    return out


def read_meta(run):
    """meta.json of @run, or {} when it has none."""
    try:
        with open(os.path.join(run, "meta.json")) as f:
            return json.load(f)
    except OSError:
        return {}


def fnum(row, col):
    try:
        return float(row[col])
    except (KeyError, ValueError, TypeError):
        return None
