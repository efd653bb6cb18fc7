/* tools/vpmu/vpmu.h - what the plugin's files share (internal): the raw
 * counts, the description of each translated block, and retire.c, which
 * turns instruction starts into instructions retired. */
#ifndef VPMU_VPMU_H
#define VPMU_VPMU_H

#include <stdint.h>
#include "counters.h"

#define USER_TOP	0x0000800000000000ULL	/* below: user addresses */

/* Raw counts: the public counters (counters.h) that are counted as they
 * are, then what the others are made of. */
enum {
	R_EXEC = NR_VPMU_COUNTERS,	/* instruction starts (inline) */
	R_BRANCH,			/* branch starts (inline) */
	R_REPEATS,			/* rep executions continuing the one before */
	R_RESTART_BRANCH,		/* restarts of branches */
	R_REP_BYTES,			/* bytes rep instructions moved (model=cache) */
	NR_RAW
};

extern uint64_t vpmu_raw[NR_RAW];

struct tb_insn {
	uint32_t off;			/* from the block's first instruction */
	uint8_t size;
	uint16_t flags;			/* INSN_* (x86_insn.h) */
};

/* A translated block: its instructions and, when the last one is a rep,
 * that rep's accesses (added inline). A block of one rep instruction has
 * no description: its executions are counted in a rep_slot. */
struct tb_desc {
	uint64_t vaddr;
	uint64_t rep_acc;
	uint32_t n;
	uint8_t kernel, ends_return;
	struct tb_insn insn[];
};

/* The block that is nothing but the rep instruction at @vaddr: every
 * iteration after the first runs it, so it has no callback, only inline
 * counts of its executions and accesses, read at the next block. */
struct rep_slot {
	uint64_t vaddr;
	uint64_t execs, acc;		/* added inline */
	uint64_t seen_execs, seen_acc;	/* what retire_tb has accounted for */
	uint8_t size, per_iter;		/* bytes; accesses one iteration makes */
};

/* retire_tb - block @d starts: account for how the blocks before it ended. */
void retire_tb(const struct tb_desc *d);
/* retire_rep_slot - the slot of the rep instruction at @vaddr (made on
 * first use; NULL when out of memory). */
struct rep_slot *retire_rep_slot(uint64_t vaddr, unsigned int size, unsigned int flags);
/* retire_flush - the block descriptions are about to go (a TB flush). */
void retire_flush(void);

#endif
