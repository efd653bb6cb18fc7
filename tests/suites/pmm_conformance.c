/* tests/suites/pmm_conformance.c - the buddy allocator's checks: every
 * order, splitting and merging, exhaustion and recovery, reference counts.
 * Host (ASan/UBSan, over an arena) and guest (mode=test, over real RAM). */
#include "suites/pmm_conformance.h"
#include "lib/selftest.h"
#include "lib/string.h"

/* hoard - take every free page out of the buddy allocator, largest first. */
void hoard(struct hoard *h)
{
	INIT_LIST_HEAD(&h->blocks);
	for (int order = MAX_ORDER - 1; order >= 0; order--) {
		struct page *p;

		while ((p = alloc_pages(order)))
			list_add(&p->lru, &h->blocks);
	}
}

/* unhoard - give back what hoard() took (alloc_pages recorded each order). */
void unhoard(struct hoard *h)
{
	while (!list_empty(&h->blocks)) {
		struct page *p = list_first_entry(&h->blocks, struct page, lru);

		list_del(&p->lru);
		__free_pages(p, p->order);
	}
}

static bool same_free_areas(const struct pmm_stats *a, const struct pmm_stats *b)
{
	for (int order = 0; order < MAX_ORDER; order++)
		if (a->free_per_order[order] != b->free_per_order[order])
			return false;
	return a->free_pages == b->free_pages;
}

static bool stats_consistent(const struct pmm_stats *st)
{
	u64 listed = 0;

	for (int order = 0; order < MAX_ORDER; order++)
		listed += st->free_per_order[order] << order;
	return listed == st->free_pages && st->free_pages + st->pages_in_use == st->total_pages;
}

/* pmm_every_order - one block of each order: aligned, usable, counted,
 * and merged back into exactly the free lists there were. */
static void pmm_every_order(void)
{
	struct pmm_stats before, st;
	struct page *blocks[MAX_ORDER];
	bool ok = true, aligned = true, mapped = true;
	const u64 taken = (1UL << MAX_ORDER) - 1;

	pmm_get_stats(&before);
	for (int order = 0; order < MAX_ORDER; order++) {
		char *va;

		blocks[order] = alloc_pages(order);
		if (!blocks[order]) {
			ok = false;
			continue;
		}
		va = page_address(blocks[order]);
		if (page_to_phys(blocks[order]) & ((PAGE_SIZE << order) - 1))
			aligned = false;
		if (virt_to_page(va) != blocks[order] || phys_to_page(page_to_phys(blocks[order])) !=
		    blocks[order] || page_count(blocks[order]) != 1)
			mapped = false;
		/* first and last page: touching 8 MiB would cost the guest ~0.5 s */
		memset(va, 0xa5, PAGE_SIZE);
		memset(va + (PAGE_SIZE << order) - PAGE_SIZE, 0x5a, PAGE_SIZE);
	}
	report(ok, "a block of every order 0..%d can be allocated", MAX_ORDER - 1);
	report(aligned, "blocks are naturally aligned");
	report(mapped, "page_address/virt_to_page/page_to_phys/phys_to_page agree; refcount 1");
	pmm_get_stats(&st);
	report(st.pages_in_use - before.pages_in_use == taken &&
	       before.free_pages - st.free_pages == taken &&
	       st.total_allocs - before.total_allocs == MAX_ORDER && stats_consistent(&st),
	       "counters move by the pages (%lu) and blocks taken",
	       before.free_pages - st.free_pages);
	report(st.high_water >= before.pages_in_use + taken, "the high-water mark follows");
	for (int order = 0; order < MAX_ORDER; order++)
		if (blocks[order])
			__free_pages(blocks[order], order);
	pmm_get_stats(&st);
	report(nr_free_pages() == before.free_pages && st.high_water >= before.pages_in_use + taken &&
	       st.total_frees - before.total_frees == MAX_ORDER,
	       "freeing brings every page back; the high-water mark stays");
	report(same_free_areas(&before, &st) && stats_consistent(&st),
	       "freed buddies coalesce: free blocks per order exactly as before");
	report(!alloc_pages(MAX_ORDER) && !alloc_pages(MAX_ORDER + 5),
	       "an order >= MAX_ORDER gives NULL");
}

/* pmm_split - an order-0 page splits the smallest free block o: one more
 * free block at each order below o, one fewer at o. */
static void pmm_split(void)
{
	struct pmm_stats before, st;
	struct page *p, *q;
	unsigned int o = 0;
	bool ok = true;

	pmm_get_stats(&before);
	while (o < MAX_ORDER && !before.free_per_order[o])
		o++;
	p = alloc_page();
	pmm_get_stats(&st);
	for (unsigned int k = 0; k < MAX_ORDER && p; k++) {
		u64 want = before.free_per_order[k];

		if (k < o)
			want++;
		else if (k == o)
			want--;
		if (st.free_per_order[k] != want)
			ok = false;
	}
	report(p && ok, "an order-0 allocation splits the smallest free block (order %u)", o);
	q = alloc_page();
	report(q && q != p, "a second page comes from the other half");
	if (q)
		__free_page(q);
	if (p)
		__free_page(p);
	pmm_get_stats(&st);
	report(same_free_areas(&before, &st), "the halves merge back up to order %u", o);
}

/* pmm_exhaust - with every page taken, every order gives NULL, and all
 * comes back; the high-water mark is the all-taken count. */
static void pmm_exhaust(void)
{
	struct pmm_stats before, st;
	struct hoard h;
	struct page *big;
	bool none = true;

	pmm_get_stats(&before);
	hoard(&h);
	for (int order = 0; order < MAX_ORDER; order++)
		if (alloc_pages(order))
			none = false;
	pmm_get_stats(&st);
	report(nr_free_pages() == 0 && none, "exhaustion gives NULL at every order, no panic");
	report(st.high_water == st.total_pages && st.pages_in_use == st.total_pages,
	       "the high-water mark reaches every managed page (%lu)", st.total_pages);
	unhoard(&h);
	pmm_get_stats(&st);
	report(same_free_areas(&before, &st), "memory comes back after exhaustion, coalesced");
	big = alloc_pages(MAX_ORDER - 1);
	report(big != NULL, "a %lu KiB block can be had again", (PAGE_SIZE << (MAX_ORDER - 1)) >> 10);
	if (big)
		__free_pages(big, MAX_ORDER - 1);
}

static void pmm_refcount(void)
{
	u64 free0 = nr_free_pages();
	struct page *p = alloc_page();

	if (!p) {
		report(false, "a page for the refcount checks");
		return;
	}
	get_page(p);
	report(page_count(p) == 2, "get_page raises the count to 2");
	put_page(p);
	report(page_count(p) == 1 && nr_free_pages() == free0 - 1,
	       "put_page keeps a page with references left");
	put_page(p);
	report(nr_free_pages() == free0, "the last put_page frees it");
}

void pmm_conformance(void)
{
	struct pmm_stats st;

	pmm_get_stats(&st);
	report(stats_consistent(&st) && st.total_pages > (2UL << MAX_ORDER),
	       "free lists, free and in-use counts agree (%lu pages managed)", st.total_pages);
	pmm_every_order();
	pmm_split();
	pmm_exhaust();
	pmm_refcount();
}
