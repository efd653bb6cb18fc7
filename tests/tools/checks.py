"""tests/tools/checks.py - what make check asserts about a run's files, one
subcommand each (called from tests/check.sh; see tests/checks.cfg):

  vfork-flat RESULTS             vfork flat across the RSS sweep, fork growing
  profile-matches PROFILE RESULTS  a forklab profile adds up to the benchmark
                                 vfork less its user-side code (0 < d < 30)
  noprobes WITH WITHOUT          no phase columns without probes, each op cheaper
  linux-rows RESULTS             the Linux reference run has its rows
  linux-profile PROFILE RESULTS  Linux's vfork profile within 5% of its fastest
                                 call, mostly ERMS string instructions
  kernel-order LOG RESULTS       a sharded run's rows in one boot's order
  progress-count OUTPUT RESULTS  the last progress line is N/N, N fork rows

Each prints what it compared and exits 0, or fails an assert (exit 1)."""
import csv
import sys


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


def linux_profile(profile, results):
    fn = {r["function"]: int(r["instructions"]) for r in rows(profile)}
    total = sum(fn.values())
    bench = [int(r["min"]) for r in rows(results)
             if r["op"] == "vfork" and r["rss_pages"] == "1"][0]
    erms = fn.get("memset_erms", 0) + fn.get("memcpy_erms", 0)
    print("Linux vfork: profile", total, "benchmark min", bench, "memset/memcpy_erms", erms)
    assert abs(bench - total) < bench // 20 and "copy_process" in fn and erms > total // 4, \
        (total, bench, erms)


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
    """The run's last progress line reads N/N for its N fork rows."""
    with open(output) as f:
        last = [line for line in f if line.startswith("forklab run: configuration ")][-1]
    n = sum(1 for r in rows(results) if r["bench"] == "fork")
    print(last.strip(), "|", n, "fork rows")
    assert last.startswith(f"forklab run: configuration {n}/{n}, "), (last, n)


CHECKS = {"vfork-flat": vfork_flat, "profile-matches": profile_matches, "noprobes": noprobes,
          "linux-rows": linux_rows, "linux-profile": linux_profile, "kernel-order": kernel_order,
          "progress-count": progress_count}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in CHECKS:
        sys.exit(f"usage: checks.py {{{','.join(CHECKS)}}} FILE...")
    CHECKS[sys.argv[1]](*sys.argv[2:])
