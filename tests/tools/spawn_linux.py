"""Run build/user/musl-spawn as /init of Debian's Linux 6.1 guest (the
kernel `forklab linux` uses; downloaded once), with its data file at
/data/spawn_data.txt, and print the program's lines: make check compares
them with the lines forklab and this host print. Given PROGRAM and PREFIX,
PROGRAM runs as /init with no arguments and no data file instead, and its
lines are those that start with PREFIX.

usage: spawn_linux.py OUTDIR [PROGRAM PREFIX]   (exit 0 iff /init exited 0)"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools"))
from forklablib import initramfs, linuxref, qemu  # noqa: E402

PROGRAM = "build/user/musl-spawn"
DATA = "tests/programs/spawn_data.txt"
END = "musl_spawn: "		# the program's last line starts so


def main(argv):
    if len(argv) not in (2, 4):
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    out = argv[1]
    program, prefixes, data = PROGRAM, ("ok ", "FAIL ", "read: ", "data file: ",
                                        "spawned child: ", END), DATA
    if len(argv) == 4:
        program, prefixes, data = argv[2], (argv[3],), None
        if not os.path.isfile(program):
            print(f"spawn_linux: no program {program!r} (build it first)", file=sys.stderr)
            return 2
    vmlinuz, _ = linuxref.ensure_kernel()
    arc = initramfs.Archive()
    arc.console()
    arc.file("init", source=program)
    if data:
        arc.file("data/spawn_data.txt", source=data)
    initrd = os.path.join(out, "spawn.cpio")
    with open(initrd, "wb") as f:
        f.write(arc.bytes())
    mode = "tcg"		# behaviour, not timing: the fastest mode that runs everywhere
    args = "data/spawn_data.txt" if data else ""
    lines, stderr, why, _, _ = linuxref.run_guest(mode, vmlinuz, initrd, args, 256, 300)
    with open(os.path.join(out, "guest.log"), "w") as f:
        f.write("\n".join(lines) + "\n")
    mine = []
    for line in lines:
        line = line.rstrip("\r")
        if line.startswith(prefixes):
            mine.append(line)
    print("\n".join(mine))
    code = linuxref.init_exit_code(lines)
    if why or code != 0:
        print(f"spawn_linux: the guest's /init ended with {code} ({why or 'exited'}): "
              f"{(stderr or '').strip()[-200:]}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except qemu.UsageError as e:
        print(f"spawn_linux: {e}", file=sys.stderr)
        sys.exit(2)
