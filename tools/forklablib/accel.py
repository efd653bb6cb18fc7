"""Which accelerator a measurement runs under. Mode auto (the default of
forklab run and forklab linux) boots the kernel's mode=probe under KVM and
keeps KVM only when KVM runs the probed instructions without trapping;
otherwise, or without a usable /dev/kvm, it measures under icount (TCG with
-icount: one TSC tick is one guest instruction, the same numbers every
run), and says why in one line."""
from . import protocol, qemu
from .ui import group

# The probe's fields (minima of 64 tries each, TSC ticks; bench/accel_probe.c):
# an empty lfence;rdtsc;lfence pair, a write to a live PML4 entry plus
# invlpg, a CR3 load; and what the reason line calls them.
PROBED = (("rdtsc", "rdtsc"), ("pte_write", "page-table writes"), ("cr3", "CR3 loads"))
# A minimum at or above this says the instruction left the guest. A VM exit
# and entry alone take about a thousand cycles on current x86 hardware, and
# none of the three costs that when it does not exit: under a hardware-
# assisted KVM (VMX or SVM with EPT/NPT) the rdtsc pair is tens of cycles,
# the write a plain store, invlpg and a CR3 load without PCID a few hundred
# (published figures; no such host was at hand to measure). Measured on the
# development machines' PVM (a software hypervisor with shadow paging, which
# traps all three; 17 boots): rdtsc pair 25 038 - 26 416, page-table write
# 4 420 - 5 694, CR3 load 4 264 - 4 654. A KVM with shadow paging on
# hardware (no EPT/NPT) keeps rdtsc native but traps the other two.
TRAPPED_TICKS = 1000
PROBE_MEM_MIB = 64	# the probe boots in 0.3 s under PVM (1.4 s with 512 MiB to initialise)
PROBE_TIMEOUT_S = 20


class Choice:
    """The mode a measurement runs in and @why, one line for the user."""
    def __init__(self, mode, why):
        self.mode, self.why = mode, why


def probe_kvm(kernel=None):
    """The `accel` record of mode=probe booted under KVM, or (None, why not)."""
    res = qemu.boot("kvm", args="mode=probe", kernel=kernel, mem=PROBE_MEM_MIB,
                    timeout=PROBE_TIMEOUT_S)
    rec = next((r for r in protocol.parse(res.lines) if r.is_a("accel")), None)
    if res.outcome.name != "pass" or rec is None:
        return None, f"the KVM probe (mode=probe) ended with: {res.outcome.words}"
    return rec, ""


def decide(rec):
    """Choice from an `accel` record: kvm when every minimum is under
    TRAPPED_TICKS, icount when any is not (a KVM that traps them would time
    itself, not the fork path)."""
    def said(fields):
        names = [what for _, what in fields]
        words = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        return f"{words} ({', '.join(group(rec[field]) for field, _ in fields)} TSC ticks"
    trapped = [f for f in PROBED if rec[f[0]] >= TRAPPED_TICKS]
    if not trapped:
        return Choice("kvm", f"KVM runs {said(PROBED)}) without trapping")
    return Choice("icount", f"KVM here traps {said(trapped)}; hardware virtualization: tens "
                  "to hundreds), so its numbers would time the hypervisor: measuring under "
                  "icount instead (--mode kvm forces KVM)")


def choose(requested, warn=None, kernel=None, usable=qemu.kvm_usable, probe=probe_kvm):
    """The Choice for a measurement: --mode or $FORKLAB_MODE as given (kvm
    falls back to TCG when /dev/kvm does not open), else auto as above; the
    reason goes through warn when auto decided."""
    mode = qemu.requested_mode(requested)
    if mode != "auto":
        how = f"--mode {mode}" if requested else f"FORKLAB_MODE={mode}"
        chosen = qemu.choose_mode(mode, warn=warn, probe=usable)
        return Choice(chosen, how if chosen == mode else f"{how}, but /dev/kvm is not usable")
    ok, why = usable()
    if not ok:
        choice = Choice("icount", f"{why}: running under icount (1 tick = 1 instruction)")
    else:
        rec, failed = probe(kernel)
        choice = decide(rec) if rec else Choice("icount", f"{failed}: running under icount")
    if warn:
        warn(f"forklab: mode {choice.mode}: {choice.why}")
    return choice
