"""The guest's exit statuses, read from core/lib/exit_status.h (the single
source of truth), and their meaning on the host."""
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HEADER = os.path.join(ROOT, "core", "lib", "exit_status.h")

_LINE = re.compile(r"^#define\s+FL_EXIT_(\w+)\s+(\d+)\s*/\*\s*(.*?)\s*\*/")

# The tool's own exit statuses (documented in `forklab boot --help`).
TOOL_STATUS = {
    "PASS": 0, "FAIL": 1, "PANIC": 2, "BADCMD": 3, "EXCEPTION": 4, "NOMEM": 5,
    "BADBOOT": 6, "BADPROG": 7, "PROGRAM_KILLED": 70,
}
TIMEOUT = 124
TRIPLE_FAULT = 125
QEMU_FAILED = 126
QEMU_MISSING = 127


class HeaderError(Exception):
    pass


def load(path=HEADER):
    """Map status name -> (value, words) from the header."""
    try:
        with open(path) as f:
            lines = f.read().splitlines()
    except OSError as e:
        raise HeaderError(f"cannot read {path}: {e.strerror}")
    table = {}
    for line in lines:
        m = _LINE.match(line)
        if m:
            table[m.group(1)] = (int(m.group(2)), m.group(3))
    for need in ("PASS", "FAIL", "PANIC", "BADCMD", "PROGRAM_BASE", "PROGRAM_KILLED"):
        if need not in table:
            raise HeaderError(f"{path}: no FL_EXIT_{need} line")
    return table


class Outcome:
    """How a run ended: a short name, words for people, and the tool's exit status."""

    def __init__(self, name, words, tool_status, guest_status=None):
        self.name = name
        self.words = words
        self.tool_status = tool_status
        self.guest_status = guest_status

    def __repr__(self):
        return f"Outcome({self.name!r}, {self.words!r}, {self.tool_status})"


def decode(qemu_rc, table=None, timed_out=False):
    """Turn QEMU's exit code into an Outcome."""
    table = table or load()
    if timed_out:
        return Outcome("timeout", "timed out", TIMEOUT)
    if qemu_rc == 0:
        return Outcome("triple", "triple fault or reset: the kernel never reached isa-debug-exit",
                       TRIPLE_FAULT)
    if qemu_rc < 0:
        return Outcome("qemu", f"QEMU was killed by signal {-qemu_rc}", QEMU_FAILED)
    if qemu_rc % 2 == 0 or qemu_rc == 1:
        return Outcome("qemu", f"QEMU itself failed (exit code {qemu_rc})", QEMU_FAILED)
    status = (qemu_rc - 1) // 2
    base = table["PROGRAM_BASE"][0]
    if base <= status < base + 64:
        code = status - base
        return Outcome(f"program:{code}", f"the user program exited with code {code}", code, status)
    for name, (value, words) in table.items():
        if value == status and name != "PROGRAM_BASE":
            short = name.lower()
            if short == "program_killed":
                short = "killed"
            return Outcome(short, words, TOOL_STATUS.get(name, 1), status)
    return Outcome("unknown", f"unknown guest status {status}", 1, status)
