"""forklab nested: forklab's commands under a genuine kvm_amd (nested.py
runs them), the VM exits of each measured call (vmexits.py), and fork
cost against resident size beside bare icount."""
import os
import sys

from . import nested, plot, qemu, results, run, vmexits

USAGE = """usage: forklab nested [--exits] [--l1-cpu CPU] [--omit PATH] COMMAND [ARGS...]

A forklab command under a genuine KVM: Debian's 6.1 cloud kernel boots under
TCG -icount as the L1, loads kvm-amd and runs the inner QEMU with -accel kvm
(mode kvm-npt: nested paging; kvm-shadow: npt=0). Numbers are exact and
repeat from run to run; the L1's initramfs is cached in build/nested/.

commands:
  run|test|boot|expect|list|linux ARGS  that command, in mode kvm-npt unless
                   ARGS say --mode kvm-shadow (= forklab run --mode kvm-npt)
  exits RUN [--top N]  the VM exits inside each measured call of RUN (made
                   with --exits), by reason and by the code that caused them
                   (RUN/exits.csv, RUN/exit_sites.csv)
  plot BARE NPT SHADOW [--out DIR]  fork p50 against resident size, per pt=
  sweep [--rss-max P] [--iters N] [--out DIR] [-- KEYS]  bare icount, kvm-npt
                   and kvm-shadow runs of pt=cow,copy,share, and that plot

options:
  --exits          trace every VM exit in the L1 (kvm:kvm_exit) and print each
                   measured call's TSC readings (windows=1); run then prints
                   the exits too. Tracing costs the L1 instructions at each exit
  --l1-cpu CPU     the L1's -cpu (default max: the model with SVM)
  --omit PATH      leave PATH out of the L1 (what a missing file does)
"""
COMMANDS_IN_L1 = ("run", "test", "boot", "expect", "list", "linux")
ENVIRONMENTS = ("bare", "kvm-npt", "kvm-shadow")		# plot's three runs


def given_mode(args):
    """The --mode ARGS give (before any '--'), or None."""
    args = args[:args.index("--")] if "--" in args else args
    for i, a in enumerate(args):
        if a == "--mode" and i + 1 < len(args):
            return args[i + 1]
        if a.startswith("--mode="):
            return a.split("=", 1)[1]
    return None


def in_l1(command, args, cli_commands):
    mode = given_mode(args)
    if mode is None:
        args = ["--mode", "kvm-npt"] + args
    elif mode not in qemu.NESTED_MODES:
        raise qemu.UsageError(f"--mode {mode}: forklab nested runs in "
                              + " or ".join(qemu.NESTED_MODES))
    status = cli_commands[command](args)
    if command == "run" and nested.OPTIONS.exits and run.LAST_OUT:
        run_dir = run.LAST_OUT
        if os.path.exists(os.path.join(run_dir, "results.csv")):
            print_exits(run_dir, top=3)
    return status


def num(n):
    """@n with a space between thousands, as the README writes them."""
    return f"{n:,}".replace(",", " ")


def print_exits(run_dir, top):
    """Write RUN/exits.csv and exit_sites.csv and print the VM exits of
    @run_dir's measured calls, with the @top code sites of each."""
    an = vmexits.Analysis(run_dir)
    an.write(run_dir)
    info, trace = an.meta.get("nested", {}), an.trace
    rows = {(r["op"], r["alloc"], r["pt"], r["pid"], int(r["rss_pages"])): r
            for r in results.read_csv(os.path.join(run_dir, "results.csv"))
            if r.get("bench") == "fork"}
    serial = trace.totals.get("io", 0) - sum(1 for e in trace.exits if e[1] == "io")
    inside = sum(sum(sum(c.values()) for c in counts) for _, counts, _, _ in an.configs.values())
    print(f"VM exits of {os.path.relpath(run_dir)} ({info.get('mode', '?')}: kvm_amd "
          f"{info.get('kvm_amd_params', '?')}, L1 {info.get('l1_kernel', '?')})")
    print(f"{len(trace.exits)} exits traced (and {serial} serial-port I/O exits counted, not "
          f"traced); {inside} inside the {len(trace.windows)} measured calls")
    for key, (calls, counts, sites, costs) in an.configs.items():
        op, alloc, pt, pid, rss = key
        r = rows.get(key)
        typical = [(x, vmexits.p50([c[x] for c in counts]))
                   for x in sorted({x for c in counts for x in c})]
        spent = sum(sum(c) for c in costs.values()) // calls
        print(f"\n{op}, {rss} page(s), {alloc}/{pt}/{pid}: {calls} calls"
              + (f", p50 {num(int(r['p50']))}" if r else "") + "; exits a call (p50): "
              + (", ".join(f"{n} {x}" for x, n in typical if n) or "none")
              + (f"; exit to entry {num(spent)} a call" if spent else ""))
        if sites:
            print("   exits  L1 instr    each  reason     code")
            print("  a call    a call   (p50)")
        for (reason, rip), n in sites.most_common(top):
            cost = costs.get((reason, rip))
            total, each = (num(sum(cost) // calls), num(vmexits.p50(cost))) if cost else ("?", "?")
            print(f"  {n / calls:6.2f} {total:>9} {each:>7}  {reason:<10} {an.where.get(rip, '?')}")
    return 0


def cmd_exits(argv):
    import argparse
    p = argparse.ArgumentParser(prog="forklab nested exits",
                                description="VM exits inside each measured call of a run made "
                                "with forklab nested --exits")
    p.add_argument("run")
    p.add_argument("--top", type=int, default=8, help="code sites shown per configuration")
    opts = p.parse_args(argv)
    results.check_run(opts.run)
    return print_exits(opts.run, opts.top)


def cmd_plot(argv):
    import argparse
    p = argparse.ArgumentParser(prog="forklab nested plot",
                                description="fork p50 against resident size: bare icount, "
                                "kvm-npt and kvm-shadow, one curve per pt= strategy each")
    for env in ENVIRONMENTS:
        p.add_argument(env.replace("-", "_"), metavar=env.upper().replace("KVM-", ""),
                       help=f"a run directory made in mode {'icount' if env == 'bare' else env}")
    p.add_argument("--out", help="where the figure goes (default: the SHADOW run)")
    opts = p.parse_args(argv)
    runs = [getattr(opts, env.replace("-", "_")) for env in ENVIRONMENTS]
    series = []
    out = opts.out or runs[-1]
    os.makedirs(out, exist_ok=True)
    for env, run in zip(ENVIRONMENTS, runs):
        results.check_run(run)
        fork = [r for r in results.read_csv(os.path.join(run, "results.csv"))
                if r.get("bench") == "fork" and r["op"] == "fork"]
        if not fork:
            raise qemu.UsageError(f"{run} has no fork rows")
        a0, p0 = fork[0]["alloc"], fork[0]["pid"]
        for pt in plot.in_order(r["pt"] for r in fork):
            plot.rss_series(out, f"{env}-{pt}", [r for r in fork if r["pt"] == pt and
                                                 r["alloc"] == a0 and r["pid"] == p0])
            series.append(f"{env}-{pt}")
    made = plot.gnuplot("nested_rss.gp", out, series=" ".join(series),
                        subtitle=f"alloc={a0} pid={p0}")
    for path in made:
        print(os.path.relpath(path))
    return 0 if made else 1


def cmd_sweep(argv, cli_commands):
    """The fork benchmark under bare icount, kvm-npt and kvm-shadow into
    OUT/bare, OUT/kvm-npt, OUT/kvm-shadow, and the plot of the three."""
    import argparse
    kargs = argv[argv.index("--"):] if "--" in argv else []
    p = argparse.ArgumentParser(prog="forklab nested sweep",
                                description="fork against resident size in the three "
                                "environments (pt=cow,copy,share), and their plot")
    p.add_argument("--rss-max", type=int, default=262144, help="pages (default 1 GiB)")
    p.add_argument("--iters", type=int, default=20)
    p.add_argument("--out", help="default results/<date>-<host>-nested")
    opts = p.parse_args(argv[:len(argv) - len(kargs)])
    out = opts.out or run.run_dir("nested")
    runs = []
    for env in ENVIRONMENTS:
        runs.append(os.path.join(out, env))
        status = cli_commands["run"](
            ["--mode", "icount" if env == "bare" else env, "--bench", "fork", "--alloc", "slub",
             "--pid", "hash", "--pt", "cow,copy,share", "--iters", str(opts.iters), "--rss-max",
             str(opts.rss_max), "--no-plots", "--out", runs[-1]] + kargs)
        if status:
            return status
    return cmd_plot(runs + ["--out", out])


def cmd_nested(argv):
    """forklab nested: the options, then the command."""
    from . import cli		# the commands it runs in the L1 (cli imports this module)

    i = 0
    while i < len(argv) and argv[i].startswith("-"):
        if argv[i] in ("-h", "--help"):
            print(USAGE, end="")
            return 0
        if argv[i] == "--exits":
            nested.OPTIONS.exits = True
        elif argv[i] in ("--l1-cpu", "--omit") and i + 1 < len(argv):
            if argv[i] == "--l1-cpu":
                nested.OPTIONS.l1_cpu = argv[i + 1]
            else:
                nested.OPTIONS.omit += (argv[i + 1],)
            i += 1
        else:
            raise qemu.UsageError(f"nested: unknown option '{argv[i]}'; accepted: --exits, "
                                  "--l1-cpu CPU, --omit PATH (see forklab nested --help)")
        i += 1
    if i == len(argv):
        print(USAGE, end="", file=sys.stderr)
        return 2
    command, args = argv[i], argv[i + 1:]
    if command in COMMANDS_IN_L1:
        return in_l1(command, args, cli.COMMANDS)
    if command == "exits":
        return cmd_exits(args)
    if command == "plot":
        return cmd_plot(args)
    if command == "sweep":
        return cmd_sweep(args, cli.COMMANDS)
    raise qemu.UsageError(f"nested: unknown command '{command}'; accepted: "
                          + ", ".join(COMMANDS_IN_L1 + ("exits", "plot", "sweep")))


COMMANDS = {"nested": cmd_nested}
