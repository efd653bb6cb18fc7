/* tools/vpmu/model.h - the modelled memory hierarchy: L1D, L2 and LLC
 * (set-associative, LRU, 64-byte lines, physical addresses, filled on
 * every miss, write-allocate), a DTLB per page size and a shared STLB
 * (virtual pages; a miss of both is a page walk whose loads go through the
 * caches), and the cost model that turns the counts into estimated cycles. */
#ifndef VPMU_MODEL_H
#define VPMU_MODEL_H

#include <stdint.h>
#include "counters.h"
#include "params.h"

struct sa_cache {
	unsigned int set_shift;		/* log2 of the number of sets */
	unsigned int ways;
	uint64_t *tags;			/* sets x ways, most recent first; 0 empty */
	uint64_t mru[2];		/* the last two keys looked up, newest first */
};

struct vpmu_model {
	struct sa_cache l1d, l2, llc, dtlb, dtlb2m, stlb;
	unsigned int kpage_shift;
	int kglobal;
	int invlpg_pending;	/* an invlpg ran: drop the next user page touched */
	uint64_t last_page, last_line;	/* the last access's TLB key and line: both MRU */
};

/* model_init - size every structure from @p; 0 or -1 (out of memory). */
int model_init(struct vpmu_model *m, const struct vpmu_params *p);
/* model_access - one data access of @size bytes at @vaddr (physical @paddr)
 * into the counters @c. */
void model_access(struct vpmu_model *m, uint64_t *c, uint64_t vaddr, uint64_t paddr,
		  unsigned int size, int store);
/* model_flush_tlb - a CR3 write (@all: a CR4 write, globals too). */
void model_flush_tlb(struct vpmu_model *m, int all);
/* model_cycles - the cost model: estimated cycles of the counts @c, whose
 * rep string instructions moved @rep_bytes. */
uint64_t model_cycles(const struct vpmu_params *p, const uint64_t *c, uint64_t rep_bytes);

#endif
