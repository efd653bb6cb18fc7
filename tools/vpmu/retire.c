/* tools/vpmu/retire.c - from instruction starts (what the plugin sees, and
 * icount counts) to instructions retired (what hardware counts).
 *
 * Two differences, both settled at the start of each block from how the
 * blocks before it ended:
 *
 *   - A rep-prefixed string instruction runs once per iteration, and once
 *     more to find rcx zero (icount counts n + 1 for n iterations; TCG ends a
 *     block at it and loops back to a block of that one instruction). An
 *     execution that continues the one before at the same address is a
 *     repeat; hardware retires the instruction once.
 *   - Callbacks fire before an instruction runs, so one that faults is seen,
 *     then seen again when the handler returns to it; icount does not count
 *     the attempt. When a block ends where its last instruction does not
 *     lead (cut short, a non-branch not falling through, user code giving
 *     way to kernel code), that instruction is remembered with the rep state
 *     of the moment; when an iret or sysret returns to that very address it
 *     ran again: a restart if it had faulted (always, for a non-rep: an
 *     interrupt returns past it; for a rep, when its last execution did not
 *     make all its accesses), and the rep state comes back either way.
 *
 * Not seen: a kernel instruction that faults as the last of its block and
 * is no rep (none in forklab's measured paths), and an instruction that
 * jumps to itself, interrupted and returned to (taken for a restart). */
#include "vpmu.h"
#include <stdlib.h>
#include <string.h>
#include "x86_insn.h"

#define MAX_PENDING	8
#define SLOT_HASH	4096		/* a power of two, above the rep sites in use */

/* The rep instruction in progress: the next execution of @vaddr continues
 * it while @open (it has not gone on to the next instruction). */
struct rep_state {
	uint64_t vaddr;
	uint8_t open;
	uint8_t repeat;			/* its last execution was a repeat */
	uint8_t full;			/* its last execution made all its accesses */
};

struct pending {
	uint64_t vaddr;
	uint16_t flags;
	uint8_t restart;		/* returning here means it ran again */
	struct rep_state rep;
};

static struct {
	const struct tb_desc *prev;	/* the last block with a description */
	uint64_t prev_start;		/* R_EXEC, and its rep accesses, when it started */
	uint64_t prev_rep_acc;
	struct pending pend[MAX_PENDING];
	int npend;
	struct rep_state rep;
	struct rep_slot *slots[SLOT_HASH];
	int nslots;
} R;

struct rep_slot *retire_rep_slot(uint64_t vaddr, unsigned int size, unsigned int flags)
{
	unsigned int h = (unsigned int)(vaddr ^ vaddr >> 17) & (SLOT_HASH - 1);

	while (R.slots[h] && R.slots[h]->vaddr != vaddr)
		h = (h + 1) & (SLOT_HASH - 1);
	if (!R.slots[h]) {
		if (R.nslots >= SLOT_HASH / 2 || !(R.slots[h] = calloc(1, sizeof(*R.slots[h]))))
			return NULL;
		R.nslots++;
		*R.slots[h] = (struct rep_slot){ .vaddr = vaddr, .size = size,
						  .per_iter = (flags & INSN_REP2) ? 2 : 1 };
	}
	return R.slots[h];
}

static struct rep_slot *slot_at(uint64_t vaddr)
{
	unsigned int h = (unsigned int)(vaddr ^ vaddr >> 17) & (SLOT_HASH - 1);

	while (R.slots[h] && R.slots[h]->vaddr != vaddr)
		h = (h + 1) & (SLOT_HASH - 1);
	return R.slots[h];
}

static int slot_ran(const struct rep_slot *s)
{
	return s && s->execs != s->seen_execs;
}

/* ran_slot - the rep block that ran since the last described block: at
 * @guess if it did, else the one whose count moved (a branch into a rep). */
static struct rep_slot *ran_slot(uint64_t guess)
{
	struct rep_slot *s = slot_at(guess);

	if (slot_ran(s))
		return s;
	for (int i = R.npend - 1; i >= 0; i--)		/* a return into a rep */
		if (slot_ran(s = slot_at(R.pend[i].vaddr)))
			return s;
	for (unsigned int h = 0; h < SLOT_HASH; h++)
		if (slot_ran(R.slots[h]))
			return R.slots[h];
	return NULL;
}

/* retire_flush - the block descriptions go (a TB flush: QEMU's code
 * buffer filled, or gdb single-steps, which flushes at every step): the
 * last one is kept, so that the next block still learns how it ended. */
void retire_flush(void)
{
	static struct tb_desc *saved;
	static uint32_t room;
	size_t size;

	if (!R.prev || R.prev == saved)
		return;
	size = sizeof(*saved) + R.prev->n * sizeof(saved->insn[0]);
	if (R.prev->n > room) {
		free(saved);
		room = 0;
		if (!(saved = malloc(size))) {
			R.prev = NULL;
			return;
		}
		room = R.prev->n;
	}
	memcpy(saved, R.prev, size);
	R.prev = saved;
}

/* diverted - control left @vaddr for where it does not lead (an exception
 * or an interrupt); returning to it means it ran again if @restart. */
static void diverted(uint64_t vaddr, uint16_t flags, int restart)
{
	if (R.npend == MAX_PENDING) {
		memmove(R.pend, R.pend + 1, (MAX_PENDING - 1) * sizeof(R.pend[0]));
		R.npend--;
	}
	R.pend[R.npend++] = (struct pending){ vaddr, flags, restart, R.rep };
}

/* returned - an iret/sysret went to @vaddr: the pending diversion that
 * began there resumes; back in user mode nothing deeper is pending. */
static void returned(uint64_t vaddr)
{
	int i, to_kernel = vaddr >= USER_TOP;

	for (i = R.npend - 1; i >= 0 && R.pend[i].vaddr != vaddr; i--)
		;
	if (i >= 0) {
		const struct pending *e = &R.pend[i];

		if (e->restart) {
			vpmu_raw[C_RESTARTS]++;
			if (e->flags & INSN_BRANCH)
				vpmu_raw[R_RESTART_BRANCH]++;
			if ((e->flags & INSN_REP) && e->rep.repeat)
				vpmu_raw[R_REPEATS]--;	/* the execution that faulted */
		}
		R.rep = e->rep;
		R.npend = i;
	} else if (!to_kernel && R.npend) {
		R.rep = R.pend[0].rep;		/* the user's, from before the kernel */
	}
	if (!to_kernel)
		R.npend = 0;
}

/* rep_run - @s ran @n times since it was last seen: the first continues
 * the rep in progress if it is open at the same address, the rest do. */
static void rep_run(struct rep_slot *s, uint64_t n)
{
	int first = R.rep.open && R.rep.vaddr == s->vaddr;
	uint64_t acc = s->acc - s->seen_acc;

	vpmu_raw[R_REPEATS] += n - 1 + first;
	R.rep = (struct rep_state){ s->vaddr, 1, n > 1 || first, acc >= n * s->per_iter };
	s->seen_execs = s->execs;
	s->seen_acc = s->acc;
}

/* how_ended - the last block @p (started @started instructions ago, its
 * rep having made @rep_acc accesses) and any rep block after it ended with
 * @d starting: restarts, repeats and diversions accounted. */
static void how_ended(const struct tb_desc *p, uint64_t started, uint64_t rep_acc,
		      const struct tb_desc *d)
{
	const struct tb_insn *x = &p->insn[p->n - 1];
	uint64_t xva = p->vaddr + x->off, extra = started - p->n;
	struct rep_slot *s = NULL;
	int rep;

	if (started < p->n) {			/* cut short: that one faulted */
		x = &p->insn[started - 1];
		diverted(p->vaddr + x->off, x->flags, 1);
		return;
	}
	if (extra)				/* a rep block ran after @p */
		s = ran_slot(p->ends_return ? xva : xva + ((x->flags & INSN_REP) ? 0 : x->size));
	if (p->ends_return) {
		returned(s ? s->vaddr : d->vaddr);
		if (!s)
			return;
	} else if (x->flags & INSN_REP) {	/* an execution in @p: its first, unless @p is
						 * the rep alone (when no slot could be had) */
		int again = p->n == 1 && R.rep.open && R.rep.vaddr == xva;

		vpmu_raw[R_REPEATS] += again;
		R.rep = (struct rep_state){ xva, 1, again,
					    rep_acc >= ((x->flags & INSN_REP2) ? 2u : 1u) };
	}
	if (s) {
		rep_run(s, extra);
		xva = s->vaddr;
	}
	rep = s || (x->flags & INSN_REP);
	if (rep) {
		uint64_t size = s ? s->size : x->size;

		if (d->vaddr == xva + size)
			R.rep.open = 0;		/* done: on to the next instruction */
		else if (d->vaddr != xva)	/* diverted: it had faulted if it fell short */
			diverted(xva, s ? INSN_REP : x->flags, !R.rep.full);
	} else if ((!(x->flags & INSN_BRANCH) && d->vaddr != xva + x->size) ||
		   (!p->kernel && d->kernel)) {
		diverted(xva, x->flags, 1);
	}
}

void retire_tb(const struct tb_desc *d)
{
	const struct tb_desc *p = R.prev;
	uint64_t now = vpmu_raw[R_EXEC], started = now - R.prev_start;
	uint64_t rep_acc = p ? p->rep_acc - R.prev_rep_acc : 0;

	if (p && started >= 1)
		how_ended(p, started, rep_acc, d);
	R.prev = d;
	R.prev_start = now;
	R.prev_rep_acc = d->rep_acc;
}
