/* core/mm/pmm.c - binary buddy allocator (Knuth; Linux's page allocator in
 * miniature): free blocks of 2^order pages on one list per order, split on
 * allocation, merged with their buddy on free. */
#include "mm/pmm.h"
#include "lib/panic.h"
#include "lib/spinlock.h"
#include "lib/string.h"

u64 direct_map_base;
u64 vmemmap_base;

static struct page *memmap;		/* one entry per frame in [base_pfn, end_pfn) */
static u64 base_pfn, end_pfn;
static struct list_head free_area[MAX_ORDER];
static struct pmm_stats stats;

static inline struct page *pfn_to_page(u64 pfn) { return &memmap[pfn - base_pfn]; }

/* phys_to_page - the struct page of @pa; panics outside managed memory. */
struct page *phys_to_page(u64 pa)
{
	u64 pfn = pa >> PAGE_SHIFT;

	if (pfn < base_pfn || pfn >= end_pfn)
		panic("phys_to_page: %lx outside managed memory", pa);
	return pfn_to_page(pfn);
}

static void add_free_block(struct page *p, unsigned int order)
{
	p->flags = PG_buddy;
	p->order = order;
	p->_refcount = 0;
	list_add(&p->lru, &free_area[order]);
	stats.free_per_order[order]++;
	stats.free_pages += 1UL << order;
}

static void del_free_block(struct page *p, unsigned int order)
{
	list_del(&p->lru);
	p->flags = 0;
	stats.free_per_order[order]--;
	stats.free_pages -= 1UL << order;
}

/* __free_block - merge with free buddies as far as they go, then list. */
static void __free_block(u64 pfn, unsigned int order)
{
	while (order < MAX_ORDER - 1) {
		u64 buddy = pfn ^ (1UL << order);
		struct page *b;

		if (buddy < base_pfn || buddy + (1UL << order) > end_pfn)
			break;
		b = pfn_to_page(buddy);
		if (!(b->flags & PG_buddy) || b->order != order)
			break;
		del_free_block(b, order);
		pfn &= ~(1UL << order);
		order++;
	}
	add_free_block(pfn_to_page(pfn), order);
}

/* add_range - give the frames [start, end) to the buddy lists, in the
 * largest naturally aligned blocks that fit. */
static void add_range(u64 start, u64 end)
{
	while (start < end) {
		unsigned int order = MAX_ORDER - 1;

		while (order && ((start & ((1UL << order) - 1)) || start + (1UL << order) > end))
			order--;
		__free_block(start, order);
		stats.total_pages += 1UL << order;
		start += 1UL << order;
	}
}

static inline u64 range_first_pfn(const struct mem_range *r) { return ALIGN_UP(r->start, PAGE_SIZE) >> PAGE_SHIFT; }
static inline u64 range_end_pfn(const struct mem_range *r) { return r->end >> PAGE_SHIFT; }

/* pmm_init - manage the whole pages of @ranges. The memmap (a struct page
 * for every frame between the lowest and the highest, holes included, as
 * PG_reserved) is carved from the start of the largest range and never
 * handed out. Returns 0, or -ENOMEM if no range can hold it. */
int pmm_init(const struct mem_range *ranges, int nr)
{
	u64 lo = UINT64_MAX, hi = 0, size, len, best = 0;
	int host = -1;

	for (int i = 0; i < MAX_ORDER; i++)
		INIT_LIST_HEAD(&free_area[i]);
	memset(&stats, 0, sizeof(stats));
	for (int i = 0; i < nr; i++) {
		if (range_end_pfn(&ranges[i]) <= range_first_pfn(&ranges[i]))
			continue;
		lo = MIN(lo, range_first_pfn(&ranges[i]));
		hi = MAX(hi, range_end_pfn(&ranges[i]));
	}
	if (hi <= lo)
		return -ENOMEM;
	lo = 0;		/* the memmap starts at frame 0; frame 0 stays reserved */
	size = ALIGN_UP((hi - lo) * sizeof(struct page), PAGE_SIZE) >> PAGE_SHIFT;
	for (int i = 0; i < nr; i++) {
		len = range_end_pfn(&ranges[i]) > range_first_pfn(&ranges[i]) ?
		      range_end_pfn(&ranges[i]) - range_first_pfn(&ranges[i]) : 0;
		if (len > size && len > best) {
			best = len;
			host = i;
		}
	}
	if (host < 0)
		return -ENOMEM;
	base_pfn = lo;
	end_pfn = hi;
	memmap = __va(range_first_pfn(&ranges[host]) << PAGE_SHIFT);
	vmemmap_base = (u64)memmap - base_pfn * sizeof(struct page);
	for (u64 i = 0; i < hi - lo; i++)
		memmap[i] = (struct page){ .flags = PG_reserved, .lru = { NULL, NULL } };
	for (int i = 0; i < nr; i++) {
		u64 s = range_first_pfn(&ranges[i]), e = range_end_pfn(&ranges[i]);

		/* the free memory after the memmap starts on a MAX_ORDER block
		 * boundary, so that the buddy free lists (and with them alloc=page
		 * and fork+exit+wait under icount) do not change shape whenever
		 * the kernel image or the memmap grows by a few pages; costs at
		 * most one 4 MiB block */
		if (i == host)
			s = ALIGN_UP(s + size, 1UL << (MAX_ORDER - 1));
		s = MAX(s, 1UL);
		if (s < e)
			add_range(s, e);
	}
	return 0;
}

/* The zone lock (Linux's zone->lock): every free list and counter. */
static DEFINE_SPINLOCK(zone_lock);
static struct page *__alloc_pages(unsigned int order);

/* alloc_pages - a naturally aligned block of 2^@order pages with refcount
 * 1, split off the smallest free block that fits; NULL when there is none
 * (never panics). */
void (*pmm_reclaim)(void);

struct page *alloc_pages(unsigned int order)
{
	struct page *p = __alloc_pages(order);

	/* out of free pages: have the per-CPU caches that hold pages (the
	 * page-table quicklists, on every CPU) give theirs back, once */
	if (unlikely(!p) && pmm_reclaim && order < MAX_ORDER) {
		pmm_reclaim();
		p = __alloc_pages(order);
	}
	return p;
}

/* __alloc_pages - the buddy's own allocation (see alloc_pages). */
static struct page *__alloc_pages(unsigned int order)
{
	unsigned int o = order;
	struct page *p;

	spin_lock(&zone_lock);
	if (order >= MAX_ORDER ||
	    stats.free_pages < this_cpu_read(pmm_min_free) + (1UL << order))
		goto fail;
	while (o < MAX_ORDER && list_empty(&free_area[o]))
		o++;
	if (o == MAX_ORDER)
		goto fail;
	p = list_first_entry(&free_area[o], struct page, lru);
	del_free_block(p, o);
	while (o > order) {		/* split: the upper halves go back */
		o--;
		add_free_block(p + (1UL << o), o);
	}
	p->flags = PG_head;
	p->order = order;
	p->_refcount = 1;
	stats.total_allocs++;
	stats.pages_in_use += 1UL << order;
	if (stats.pages_in_use > stats.high_water)
		stats.high_water = stats.pages_in_use;
	spin_unlock(&zone_lock);
	return p;

fail:
	spin_unlock(&zone_lock);
	return NULL;
}

/* __free_pages - give back a block from alloc_pages(@order); panics if it
 * is not one (double free, wrong order, reserved page). */
void __free_pages(struct page *page, unsigned int order)
{
	if (page->flags & (PG_buddy | PG_reserved) || !(page->flags & PG_head) ||
	    page->order != order)
		panic("__free_pages: pfn %lx is not an allocated order-%u block (flags %x order %u)",
		      page_to_pfn(page), order, page->flags, page->order);
	page->flags = 0;
	page->slab_cache = NULL;
	page->freelist = NULL;
	page->inuse = 0;
	spin_lock(&zone_lock);
	stats.total_frees++;
	stats.pages_in_use -= 1UL << order;
	__free_block(page_to_pfn(page), order);
	spin_unlock(&zone_lock);
}

/* put_page - drop a reference to an order-0 page; the last one frees it. */
void put_page(struct page *page)
{
	if (page->_refcount <= 0)
		panic("put_page: pfn %lx has refcount %d", page_to_pfn(page), page->_refcount);
	if (atomic_dec_and_test(&page->_refcount))
		__free_pages(page, 0);
}

void split_page(struct page *page, unsigned int order)
{
	if (!(page->flags & PG_head) || page->order != order)
		panic("split_page: pfn %lx is not an allocated order-%u block", page_to_pfn(page),
		      order);
	for (u64 i = 1; i < 1UL << order; i++)
		page[i] = (struct page){ .flags = PG_head, .order = 0, ._refcount = page->_refcount };
	page->order = 0;
	spin_lock(&zone_lock);
	stats.total_allocs += (1UL << order) - 1;	/* as if each was allocated alone */
	spin_unlock(&zone_lock);
}

u64 nr_free_pages(void)
{
	return stats.free_pages;
}

void pmm_get_stats(struct pmm_stats *st)
{
	*st = stats;
}
