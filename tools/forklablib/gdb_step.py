"""Runs inside gdb (forklab profile). Optionally waits for an "arm"
breakpoint first (forklab: the benchmark engine starting configuration
(op, rss) in bench/bench.c run_fork_op), then stops at the call-th entry
to the system call entry point (@entry, a gdb location) with rax == nr, and
single-steps the guest, writing the address of every instruction executed,
until the caller is back in user mode: the first user instruction after a
return from the kernel with rax != 0 (the child of a fork, vfork or clone
comes back with 0, its parent with the child's id or an error). Settings
come as JSON in $FORKLAB_PROFILE: port, arm (or null), entry, nr, call,
until_nr (or null: nr), max_steps, out, user_top.

A rep-prefixed string instruction steps once per iteration and once more,
when its count has run out, to find rcx zero: n + 1 steps at one address
for n iterations, as icount counts it (QEMU 7.2 translates rep without the
shortcut that would leave straight after the last iteration)."""
import json
import os

import gdb  # noqa: E402  (only inside gdb)

cfg = json.loads(os.environ["FORKLAB_PROFILE"])
MASK = (1 << 64) - 1


def reg(name):
    return int(gdb.parse_and_eval(name)) & MASK


gdb.execute("set pagination off")
gdb.execute("set confirm off")
gdb.execute(f"target remote 127.0.0.1:{cfg['port']}", to_string=True)
if cfg.get("arm"):
    gdb.execute(f"hbreak {cfg['arm']}", to_string=True)
    gdb.execute("continue", to_string=True)
    gdb.execute("delete", to_string=True)
gdb.execute(f"hbreak {cfg['entry']} if $rax == {cfg['nr']}", to_string=True)
for _ in range(cfg["call"]):
    gdb.execute("continue", to_string=True)
gdb.execute("delete", to_string=True)
# until_nr: the window ends only after the caller's return from that system
# call (fork-exit-wait: fork, the child's exit, then wait4 in the parent)
entry_addr = reg(cfg["entry"].lstrip("*")) if cfg["entry"].startswith("*") else \
    reg(f"(unsigned long)&{cfg['entry']}")
until_nr = cfg.get("until_nr")
armed = until_nr is None	# with until_nr: once the caller has entered that call
steps, back, in_user = 0, False, False
with open(cfg["out"], "w") as out:
    here = reg("$pc")
    while steps < cfg["max_steps"]:
        out.write("%x\n" % here)
        gdb.execute("stepi", to_string=True)
        steps += 1
        here = reg("$pc")
        if not armed and here == entry_addr and reg("$rax") == until_nr:
            armed = True
        user = here < cfg["user_top"]
        if user and not in_user and armed and reg("$rax") != 0:
            back = True
            break
        in_user = user
    out.write("end,%s\n" % ("back" if back else "max_steps"))
gdb.execute("kill", to_string=True)
