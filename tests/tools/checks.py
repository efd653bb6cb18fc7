"""tests/tools/checks.py - what make check asserts about a run's files, one
subcommand each (called from tests/check.sh; see tests/checks.cfg):

  vfork-flat RESULTS             vfork flat across the RSS sweep, fork growing
  profile-matches PROFILE RESULTS  a forklab profile adds up to the benchmark
                                 vfork less its user-side code (0 < d < 30)
  noprobes WITH WITHOUT          no phase columns without probes, each op cheaper
  linux-rows RESULTS             the Linux reference run has its rows
  linux-profile PROFILE RESULTS  Linux's vfork profile within 5% of its fastest
                                 call, mostly ERMS string instructions
  scale-rows RUN CPUS            a bench=scale,tlb run on CPUS CPUs: a row per
                                 allocator, op and task count, a tlb row per
                                 thread count; slab takes its cache lock on
                                 every alloc and free, slub only on remote
                                 frees and refills
  vpmu-consistent RESULTS VPMU   the virtual PMU saw the benchmark's windows: each
                                 row's icount p50 is its p50 (and each phase's), and
                                 inst is icount less the rep iterations
  same-numbers A B               two results.csv alike but for their pmu_ columns
  windows-identical PLAIN WINDOWS  two bench logs, the second with windows=1: the
                                 same lines but its window records, one per sample
  shadow-dearer BARE SHADOW      fork costs more under shadow paging, vfork and
                                 clone-thread (no page tables written) the same
  exits-per-call EXITS SITES     each fork the same #PF exits, vfork none; sites
                                 in copy_mm's code
  same-p50 A B                   every row's min, p50 and max the same in both
  same-min-p50 A B               every row's n, min and p50 the same in both
  kernel-order LOG RESULTS       a sharded run's rows in one boot's order
  progress-count OUTPUT RESULTS  the last progress line is N/N, N configurations (fork rows,
                                 spawn methods x sizes)
  spawn-rows RUN RSSMAX          a spawn run: both rows of 4 methods at 1, 4 ..
                                 RSSMAX pages, reaped no sooner than returned,
                                 spawn.png drawn and in report.html
  spawn-forklab RUN              each spawn method the kernel lists is measured
                                 at every size or said unavailable (-ENOSYS)
  parent-rows RESULTS            bench=parent (icount): at the largest size fork
                                 in 2 MiB pages >= 10x cheaper than in 4 KiB ones,
                                 clean no dearer than dirty, a first write copying
                                 2 MiB (thp-copy) or splitting (thp-split, dearer
                                 than a 4 KiB copy, cheaper than 2 MiB), fork
                                 growing with VMAs and threads

Each prints what it compared and exits 0, or fails an assert (exit 1)."""
import csv
import json
import os
import sys

KEY = ["bench", "op", "alloc", "pt", "pid", "rss_pages", "size", "live"]	# results.py's


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def p50s(path):
    return {(r["op"], r["rss_pages"]): int(r["p50"]) for r in rows(path)}


def vfork_flat(results):
    p = p50s(results)
    v1, v4, f1, f4 = p["vfork", "1"], p["vfork", "4"], p["fork", "1"], p["fork", "4"]
    print("vfork", v1, v4, "fork", f1, f4)
    assert abs(v4 - v1) <= v1 // 50 and f4 > f1, (v1, v4, f1, f4)


def profile_matches(profile, results):
    total = sum(int(r["instructions"]) for r in rows(profile))
    bench = p50s(results)["vfork", "1"]
    print("profile", total, "benchmark", bench)
    assert 0 < bench - total < 30, (total, bench)


def noprobes(with_probes, without_probes):
    w, wo = ({r["op"]: r for r in rows(f) if r["rss_pages"] == "1"}
             for f in (with_probes, without_probes))
    for op in ("fork", "vfork", "clone-thread"):
        assert wo[op]["phase_total"] == "", op
        assert int(wo[op]["p50"]) < int(w[op]["p50"]), (op, wo[op]["p50"])
        print(op, "probed", w[op]["p50"], "unprobed", wo[op]["p50"])


def linux_rows(results):
    by = {(r["op"], r["rss_pages"]): r for r in rows(results)}
    for key in [("fork", "1"), ("vfork", "1"), ("clone-thread", "1"), ("clone-vm", "1"),
                ("fork-exit-wait", "1"), ("fork", "4"), ("vfork", "4"), ("cow-write", "4")]:
        r = by[key]
        assert r["alloc"] == r["pt"] == r["pid"] == "linux" and int(r["p50"]) > 0, r
    print(len(by), "Linux rows")


def windows_identical(plain, windows):
    def lines(path):
        with open(path) as f:		# the boot's command line differs, nothing else may
            return [l for l in f.read().splitlines() if "cmdline" not in l]
    a, b = lines(plain), lines(windows)
    w = [l for l in b if l.startswith("window,")]
    assert a == [l for l in b if not l.startswith("window,")], "windows=1 changed a line"
    calls = sum(int(l.split(",")[3]) for l in a if l.startswith("result,") and
                not l.startswith("result,cow-write,"))
    print(len(a), "lines identical;", len(w), "window records for", calls, "measured calls")
    assert len(w) == calls and all(int(x.split(",")[3]) < int(x.split(",")[4]) for x in w)


def shadow_dearer(bare, shadow):
    b, s = p50s(bare), p50s(shadow)
    print("fork", b["fork", "1"], "->", s["fork", "1"], "vfork", b["vfork", "1"], "->",
          s["vfork", "1"])
    assert s["fork", "1"] > 10 * b["fork", "1"], "shadow paging should cost fork dearly"
    for op in ("vfork", "clone-thread", "clone-vm"):
        assert s[op, "1"] == b[op, "1"], (op, b[op, "1"], s[op, "1"])


def exits_per_call(exits, sites):
    e = {(r["op"], r["reason"]): r for r in rows(exits)}
    pf = e["fork", "PF excp"]
    print("fork: #PF exits a call", pf["per_call_min"], "-", pf["per_call_max"])
    assert int(pf["per_call_min"]) == int(pf["per_call_max"]) > 0, pf
    assert not [k for k in e if k[0] in ("vfork", "clone-thread", "clone-vm")], e.keys()
    code = [r["code"] for r in rows(sites) if r["op"] == "fork" and r["reason"] == "PF excp"]
    assert code and all("core/mm/" in c for c in code), code


def same_p50(a, b):
    ra, rb = ({(r["op"], r["rss_pages"]): r for r in rows(f)} for f in (a, b))
    assert ra.keys() == rb.keys(), (ra.keys(), rb.keys())
    for k in ra:
        for c in ("min", "p50", "max"):
            assert ra[k][c] == rb[k][c], (k, c, ra[k][c], rb[k][c])
    print(len(ra), "rows with the same min, p50 and max")


def same_min_p50(a, b):
    """Every row's min and p50 the same in both; a max or mean may differ
    (kvm-npt: an L1 timer interrupt that lands inside one measured call)."""
    ra, rb = ({tuple(r[k] for k in ("bench", "op", "alloc", "pt", "pid", "rss_pages", "size")): r
               for r in rows(f)} for f in (a, b))
    assert ra.keys() == rb.keys(), (ra.keys() ^ rb.keys())
    for k in ra:
        for c in ("n", "min", "p50"):
            assert ra[k][c] == rb[k][c], (k, c, ra[k][c], rb[k][c])
    other = [(k[1], k[5], ra[k]["max"], rb[k]["max"]) for k in ra if ra[k]["max"] != rb[k]["max"]]
    print(len(ra), "rows with the same n, min and p50;", len(other), "with another max:", other)


def linux_profile(profile, results):
    fn = {r["function"]: int(r["instructions"]) for r in rows(profile)}
    total = sum(fn.values())
    bench = [int(r["min"]) for r in rows(results)
             if r["op"] == "vfork" and r["rss_pages"] == "1"][0]
    erms = fn.get("memset_erms", 0) + fn.get("memcpy_erms", 0)
    print("Linux vfork: profile", total, "benchmark min", bench, "memset/memcpy_erms", erms)
    assert abs(bench - total) < bench // 20 and "copy_process" in fn and erms > total // 4, \
        (total, bench, erms)


def scale_rows(run, cpus):
    cpus = int(cpus)
    res = rows(run + "/results.csv")
    locks = {(r["op"], r["alloc"], r["live"], r["lock"]): int(r["acquisitions"])
             for r in rows(run + "/locks.csv") if r["bench"] == "scale"}
    tasks, t = [], 1
    while t < cpus:
        tasks.append(t)
        t *= 2
    tasks.append(cpus)
    scale = {(r["op"], r["alloc"], int(r["live"])): r for r in res if r["bench"] == "scale"}
    for op in ("fork-exit-wait", "fork-exit-remote", "vfork", "clone-thread"):
        for alloc in ("page", "slab", "slub", "magazine", "bump"):
            for t in tasks:
                r = scale[op, alloc, t]
                n = int(r["n"])
                assert int(r["p50"]) > 0 and n > 0 and n % t == 0, r
                got = lambda lock: locks.get((op, alloc, str(t), lock), 0)
                assert got("pidmap_lock") >= 2 * n and got("runqueue") >= n, (op, alloc, t)
                if alloc == "slab":
                    assert got("kmem:task_struct") >= 2 * n, (op, t, got("kmem:task_struct"))
                if alloc == "slub":		# at most remote frees (one per op) and refills
                    assert got("kmem:task_struct") < 3 * n // 2, (op, t, got("kmem:task_struct"))
    tlb = sorted(int(r["live"]) for r in res if r["bench"] == "tlb")
    assert tlb == list(range(cpus)), tlb
    print(len(scale), "scale rows for tasks", tasks, "and tlb rows for threads", tlb)


def vpmu_consistent(results, vpmu_csv):
    scopes = {}
    for r in rows(vpmu_csv):
        scopes.setdefault(tuple(r[k] for k in KEY), {})[r["scope"]] = r
    checked = exact = 0
    for row in rows(results):
        v = scopes[tuple(row[k] for k in KEY)]
        assert int(float(v["call"]["icount"])) == int(row["p50"]), (row, v["call"])
        for r in v.values():	# each counter's p50 is its own: exact where all calls are alike
            d = float(r["inst"]) - (float(r["icount"]) - float(r["rep_iters"]))
            alike = row["min"] == row["max"] or r["n"] == "1"
            assert d == 0 if alike else float(r["inst"]) <= float(r["icount"]), (d, r)
            exact += alike
        if row["op"] == "cow-write":	# its fork is outside the windows: no probes in them
            continue
        for col, value in row.items():
            phase = col[len("phase_"):].replace("_to_", "..")
            if col.startswith("phase_") and value:
                assert v[phase]["icount"] == value, (row["op"], phase, v[phase], value)
                checked += 1
    print(len(scopes), "rows,", checked, "phases: the plugin's icount is the benchmark's;",
          exact, "scopes of calls all alike: inst = icount - rep_iters exactly")


def same_numbers(a, b):
    ra, rb = rows(a), rows(b)
    assert len(ra) == len(rb), (len(ra), len(rb))
    for x, y in zip(ra, rb):
        assert {k: v for k, v in x.items() if not k.startswith("pmu_")} == \
            {k: v for k, v in y.items() if not k.startswith("pmu_")}, (x, y)
    print(len(ra), "rows alike but for their pmu_ columns")


def kernel_order(log, results):
    """The rows of a sharded run in the order one boot of the kernel prints
    them (@log: that boot's serial output)."""
    sys.path.insert(0, "tools")
    from forklablib import results as res
    key = res.KEY
    with open(log, errors="replace") as f:
        one, _, _ = res.parse_log(f.read().splitlines())
    joined = rows(results)
    print(len(one), "rows from one boot,", len(joined), "from the parts")
    assert [[r[k] for k in key] for r in one] == [[r[k] for k in key] for r in joined]


def progress_count(output, results):
    """The run's last progress line reads N/N for its N configurations: one
    per fork row, one per spawn method and size (its two rows)."""
    with open(output) as f:
        last = [line for line in f if line.startswith("forklab run: configuration ")][-1]
    got = rows(results)
    n = sum(1 for r in got if r["bench"] == "fork") + \
        len({(r["op"].removesuffix("-wait"), r["alloc"], r["pt"], r["pid"], r["rss_pages"])
             for r in got if r["bench"] == "spawn"})
    print(last.strip(), "|", n, "fork rows and spawn configurations")
    assert last.startswith(f"forklab run: configuration {n}/{n}, "), (last, n)


def spawn_rows(run, rss_max):
    """Every method's two rows at every size; -wait (until reaped) no
    cheaper than the same calls until the parent went on; the figure."""
    got = {(r["op"], int(r["rss_pages"])): r for r in rows(os.path.join(run, "results.csv"))
           if r["bench"] == "spawn"}
    methods = sorted({op for op, _ in got if not op.endswith("-wait")})
    sizes = [4 ** k for k in range(20) if 4 ** k <= int(rss_max)]
    print(len(got), "spawn rows:", ", ".join(methods), "at", sizes)
    assert len(methods) == 4, methods
    for op in methods:
        for rss in sizes:
            back, reaped = got[(op, rss)], got[(op + "-wait", rss)]
            assert int(back["n"]) > 0 and int(back["p50"]) > 0, back
            assert int(reaped["p50"]) >= int(back["p50"]), (reaped, back)
    assert os.path.getsize(os.path.join(run, "spawn.png")) > 10000
    with open(os.path.join(run, "report.html")) as f:
        assert "Starting a program" in f.read()		# the figure's how-to-read line


def spawn_forklab(run):
    """Each method of the kernel's spawn_op list: rows at every size the run
    tried, or named in meta.json's spawn_unavailable with -ENOSYS."""
    with open(os.path.join(run, "log.txt"), errors="replace") as f:
        lines = f.read().splitlines()
    listed = list(dict.fromkeys(l.split(",")[1] for l in lines if l.startswith("spawn_op,")))
    tried = {(l.split(",")[2], l.split(",")[-1]) for l in lines
             if l.startswith("config,op,") and l.split(",")[2] in listed}
    with open(os.path.join(run, "meta.json")) as f:
        gone = json.load(f).get("spawn_unavailable", {})
    got = {(r["op"], r["rss_pages"]) for r in rows(os.path.join(run, "results.csv"))
           if r["bench"] == "spawn"}
    print("listed:", listed, "| unavailable:", gone, "|", len(got), "rows,", len(tried), "tried")
    assert len(listed) == 4 and tried, (listed, tried)
    for op, rss in tried:
        assert (op, rss) in got or gone.get(op, "").endswith("-ENOSYS"), (op, rss)


def parent_rows(results):
    """What bench=parent's pt=cow rows must show (instructions, icount)."""
    got = {}
    for r in rows(results):
        if r["bench"] == "parent" and r["pt"] == "cow":
            got.setdefault(r["op"], []).append(r)
    top = {op: max(rs, key=lambda r: int(r["rss_pages"])) for op, rs in got.items()}
    dirty, clean, thp = (int(top[op]["p50"]) for op in ("fork-dirty", "fork-clean", "fork-thp"))
    pages = int(top["fork-thp"]["rss_pages"])
    print(f"{pages} pages: fork dirty {dirty}, clean {clean}, 2 MiB pages {thp}")
    assert top["fork-dirty"]["rss_pages"] == top["fork-thp"]["rss_pages"] and dirty >= 10 * thp
    assert clean <= dirty
    copy, split, k4 = (top[op] for op in ("cow-write-thp-copy", "cow-write-thp-split",
                                          "cow-write-4k"))
    print("first writes, max:", copy["max"], split["max"], k4["max"], "p50:", copy["p50"],
          split["p50"], k4["p50"])
    assert int(copy["max"]) >= 2 ** 18 > int(split["max"]) > int(k4["max"])	# 2 MiB of movsq
    assert int(copy["p50"]) < 100 < int(split["p50"])	# 511 of 512 writes free after a copy
    assert all(int(r["n"]) == int(r["rss_pages"]) for r in (copy, split, k4))
    for op in ("fork-vmas", "fork-threads"):
        p = [int(r["p50"]) for r in sorted(got[op], key=lambda r: int(r["live"]))]
        print(op, p)
        assert len(p) > 3 and p == sorted(p) and p[-1] > p[0], p


CHECKS = {"vfork-flat": vfork_flat, "profile-matches": profile_matches, "noprobes": noprobes,
          "linux-rows": linux_rows, "linux-profile": linux_profile,
          "vpmu-consistent": vpmu_consistent, "same-numbers": same_numbers,
          "scale-rows": scale_rows,
          "windows-identical": windows_identical, "shadow-dearer": shadow_dearer,
          "exits-per-call": exits_per_call, "same-p50": same_p50, "same-min-p50": same_min_p50,
          "kernel-order": kernel_order, "progress-count": progress_count,
          "spawn-rows": spawn_rows, "spawn-forklab": spawn_forklab,
          "parent-rows": parent_rows}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in CHECKS:
        sys.exit(f"usage: checks.py {{{','.join(CHECKS)}}} FILE...")
    CHECKS[sys.argv[1]](*sys.argv[2:])
