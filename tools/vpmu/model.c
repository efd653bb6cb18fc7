/* tools/vpmu/model.c - caches, TLBs and page walks, modelled.
 *
 * What API 1 leaves out, and how the model stands in:
 *   - page sizes: the plugin sees no page tables, so the user half is
 *     taken to be 4 KiB pages and the kernel half kpage= pages (2M by
 *     default: forklab's and Linux's kernel text and direct map use them);
 *   - page walks: TCG's walker reads guest RAM directly, unseen by memory
 *     callbacks, so a walk is charged as one 8-byte load per level (4 for a
 *     4 KiB page, 3 for 2 MiB) at a synthetic physical address made from
 *     the virtual one: neighbouring pages share page-table lines as they do
 *     in real tables, but every address space shares one set of them;
 *   - global pages: kglobal=on keeps kernel-half entries across CR3 writes
 *     (Linux marks its kernel mappings global; forklab does not);
 *   - invlpg's operand is a register the plugin cannot read: the model
 *     drops the page that the next user-half access touches (a fault
 *     handler's invlpg of the faulting address, then the restarted access). */
#include "model.h"
#include <stdlib.h>
#include <string.h>

#define LINE_SHIFT	6
#define USER_TOP	0x0000800000000000ULL
#define WALK_BASE	(1ULL << 56)		/* above any guest RAM */
#define TAG_VALID	(1ULL << 63)
#define TAG_KERNEL	(1ULL << 62)
#define TAG_BIG		(1ULL << 61)
#define VA_MASK		((1ULL << 48) - 1)

static int log2u(unsigned long v)
{
	int s = 0;

	while ((1UL << s) < v)
		s++;
	return s;
}

static int sa_init(struct sa_cache *c, unsigned long sets, unsigned long ways)
{
	c->set_shift = log2u(sets);
	c->ways = ways;
	c->tags = calloc(sets * ways, sizeof(uint64_t));
	return c->tags ? 0 : -1;
}

static uint64_t set_of(const struct sa_cache *c, uint64_t key)
{
	return key & ((1ULL << c->set_shift) - 1);
}

/* sa_lookup - is @key in @c? Either way it ends most recently used (a miss
 * inserts it, evicting the set's least recently used). 1 on a hit. The
 * last two keys are kept aside: one that is still its set's most recent
 * (the newest, or the other in another set) hits with nothing to change,
 * which is most accesses of a copy or a clear. */
static inline __attribute__((always_inline)) int sa_lookup(struct sa_cache *c, uint64_t key)
{
	uint64_t tag = key | TAG_VALID;
	uint64_t *set;
	unsigned int w;

	if (tag == c->mru[0])
		return 1;
	if (tag == c->mru[1] && set_of(c, key) != set_of(c, c->mru[0])) {
		c->mru[1] = c->mru[0];
		c->mru[0] = tag;
		return 1;
	}
	c->mru[1] = c->mru[0];
	c->mru[0] = tag;
	set = c->tags + set_of(c, key) * c->ways;
	if (set[0] == tag)
		return 1;
	for (w = 1; w < c->ways && set[w] != tag; w++)
		;
	for (unsigned int i = w < c->ways ? w : c->ways - 1; i > 0; i--)
		set[i] = set[i - 1];		/* a few words: no memmove call */
	set[0] = tag;
	return w < c->ways;
}

/* sa_drop - remove @key from @c if it is there. */
static void sa_drop(struct sa_cache *c, uint64_t key)
{
	uint64_t tag = key | TAG_VALID;
	uint64_t *set = c->tags + set_of(c, key) * c->ways;

	c->mru[0] = c->mru[1] = 0;
	for (unsigned int w = 0; w < c->ways; w++)
		if (set[w] == tag) {
			memmove(set + w, set + w + 1, (c->ways - w - 1) * sizeof(uint64_t));
			set[c->ways - 1] = 0;
			return;
		}
}

/* sa_flush - empty @c, but keep kernel-half entries unless @all. */
static void sa_flush(struct sa_cache *c, int all)
{
	size_t n = (size_t)c->ways << c->set_shift;

	c->mru[0] = c->mru[1] = 0;
	for (size_t i = 0; i < n; i++)
		if (all || !(c->tags[i] & TAG_KERNEL))
			c->tags[i] = 0;
}

int model_init(struct vpmu_model *m, const struct vpmu_params *p)
{
	memset(m, 0, sizeof(*m));
	m->kpage_shift = p->kpage;
	m->kglobal = p->kglobal;
	return sa_init(&m->l1d, (p->l1d_size >> LINE_SHIFT) / p->l1d_ways, p->l1d_ways) ||
	       sa_init(&m->l2, (p->l2_size >> LINE_SHIFT) / p->l2_ways, p->l2_ways) ||
	       sa_init(&m->llc, (p->llc_size >> LINE_SHIFT) / p->llc_ways, p->llc_ways) ||
	       sa_init(&m->dtlb, p->dtlb / p->dtlb_ways, p->dtlb_ways) ||
	       sa_init(&m->dtlb2m, p->dtlb2m / p->dtlb2m_ways, p->dtlb2m_ways) ||
	       sa_init(&m->stlb, p->stlb / p->stlb_ways, p->stlb_ways) ? -1 : 0;
}

/* cache_line - one line through L1D, L2 and LLC: the misses counted. */
static void cache_line(struct vpmu_model *m, uint64_t *c, uint64_t line)
{
	if (sa_lookup(&m->l1d, line))
		return;
	c[C_L1D_MISS]++;
	if (sa_lookup(&m->l2, line))
		return;
	c[C_L2_MISS]++;
	if (!sa_lookup(&m->llc, line))
		c[C_LLC_MISS]++;
}

/* walk - the page walk for @vaddr: one load per level, down to @levels. */
static void walk(struct vpmu_model *m, uint64_t *c, uint64_t vaddr, int levels)
{
	uint64_t va = vaddr & VA_MASK;

	for (int l = 4; l > 4 - levels; l--) {
		uint64_t index = va >> (12 + 9 * (l - 1));

		cache_line(m, c, (WALK_BASE + ((uint64_t)l << 48) + index * 8) >> LINE_SHIFT);
	}
}

/* tlb_key - the DTLB key of @vaddr (its page, and which half). */
static inline uint64_t tlb_key(const struct vpmu_model *m, uint64_t vaddr)
{
	int kernel = vaddr >= USER_TOP;
	int big = kernel && m->kpage_shift == 21;

	return ((vaddr & VA_MASK) >> (big ? 21 : 12)) | (kernel ? TAG_KERNEL : 0) |
	       (big ? TAG_BIG : 0);
}

/* translate - the TLBs for @vaddr (DTLB key @skey); a walk when DTLB and
 * STLB miss. */
static void translate(struct vpmu_model *m, uint64_t *c, uint64_t vaddr, uint64_t skey, int store)
{
	int kernel = vaddr >= USER_TOP;
	int big = (skey & TAG_BIG) != 0;
	uint64_t key = skey & ~TAG_BIG;

	if (m->invlpg_pending && !kernel) {
		sa_drop(&m->dtlb, key);
		sa_drop(&m->stlb, skey);
		m->invlpg_pending = 0;
	}
	if (sa_lookup(big ? &m->dtlb2m : &m->dtlb, key))
		return;
	c[C_DTLB_MISS]++;
	if (sa_lookup(&m->stlb, skey))
		return;
	c[store ? C_WALK_STORE : C_WALK_LOAD]++;
	walk(m, c, vaddr, big ? 3 : 4);
}

void model_access(struct vpmu_model *m, uint64_t *c, uint64_t vaddr, uint64_t paddr,
		  unsigned int size, int store)
{
	uint64_t first = paddr >> LINE_SHIFT, last = (paddr + size - 1) >> LINE_SHIFT;
	uint64_t key = tlb_key(m, vaddr);

	c[store ? C_BYTES_WRITTEN : C_BYTES_READ] += size;
	if (key == m->last_page && first == m->last_line && last == first && !m->invlpg_pending)
		return;		/* the page and line just touched: hits that change nothing */
	translate(m, c, vaddr, key, store);
	for (uint64_t line = first; line <= last; line++)
		cache_line(m, c, line);
	m->last_page = key;
	m->last_line = last;
}

void model_flush_tlb(struct vpmu_model *m, int all)
{
	m->last_page = 0;
	all |= !m->kglobal;
	sa_flush(&m->dtlb, all);
	sa_flush(&m->dtlb2m, all);
	sa_flush(&m->stlb, all);
}

uint64_t model_cycles(const struct vpmu_params *p, const uint64_t *c, uint64_t rep_bytes)
{
	return c[C_INST] + p->cost_l2 * c[C_L1D_MISS] + p->cost_llc * c[C_L2_MISS] +
	       p->cost_mem * c[C_LLC_MISS] + p->cost_stlb * c[C_DTLB_MISS] +
	       p->cost_walk * (c[C_WALK_LOAD] + c[C_WALK_STORE]) +
	       rep_bytes / (p->rep_bytes_per_cycle ? p->rep_bytes_per_cycle : 1);
}
