"""Runs inside gdb (forklab profile): wait for the benchmark engine to start
configuration (op, rss) (bench/bench.c run_fork_op), stop at that
configuration's call-th system call number nr, then single-step the guest,
writing the address of every instruction executed, until the calling task
is back in user mode. Settings come as JSON in $FORKLAB_PROFILE: port, op,
rss, nr, call, max_steps, out, user_top."""
import json
import os

import gdb  # noqa: E402  (only inside gdb)

cfg = json.loads(os.environ["FORKLAB_PROFILE"])
MASK = (1 << 64) - 1


def pc():
    return int(gdb.parse_and_eval("$pc")) & MASK


def current():
    return int(gdb.parse_and_eval("cpu_data[0].curr_task")) & MASK


gdb.execute("set pagination off")
gdb.execute("set confirm off")
gdb.execute(f"target remote 127.0.0.1:{cfg['port']}", to_string=True)
# run_fork_op(op, iters, rss): the arguments are still in rdi and rdx
gdb.execute(f"hbreak run_fork_op if $_streq((char *)$rdi, \"{cfg['op']}\") && "
            f"$rdx == {cfg['rss']}", to_string=True)
gdb.execute("continue", to_string=True)
gdb.execute("delete", to_string=True)
gdb.execute(f"hbreak entry_SYSCALL_64 if $rax == {cfg['nr']}", to_string=True)
for _ in range(cfg["call"]):
    gdb.execute("continue", to_string=True)
gdb.execute("delete", to_string=True)
caller, steps, back = current(), 0, False
with open(cfg["out"], "w") as out:
    here = pc()
    while steps < cfg["max_steps"]:
        out.write("%x\n" % here)
        gdb.execute("stepi", to_string=True)
        steps += 1
        here = pc()
        if here < cfg["user_top"] and current() == caller:
            back = True
            break
    out.write("end,%s\n" % ("back" if back else "max_steps"))
gdb.execute("kill", to_string=True)
