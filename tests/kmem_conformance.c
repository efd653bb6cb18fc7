/* tests/kmem_conformance.c - the buddy allocator's checks and the shared
 * conformance suite of the object allocators. Uses only report() and the
 * pmm/kmem API, so the same code runs on the host and in the guest. */
#include "kmem_conformance.h"
#include "pmm.h"
#include "selftest.h"
#include "string.h"

#define NR_LIVE		512		/* objects kept live in the random walk */
#define RANDOM_STEPS	4000
#define CTOR_MAGIC	0xc0ffee11u
#define EXHAUST_ORDER	5		/* room for 16384 object pointers */

static u64 rng_state;

static u64 xorshift(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* hoard - take every free page out of the buddy allocator, one block per
 * order, largest first; the blocks are chained through their first word. */
static void *hoard(void)
{
	void *list = NULL;

	for (int order = MAX_ORDER - 1; order >= 0; order--) {
		struct page *p;

		while ((p = alloc_pages(order))) {
			void **block = page_address(p);

			block[0] = list;
			block[1] = (void *)(u64)order;
			list = block;
		}
	}
	return list;
}

static void unhoard(void *list)
{
	while (list) {
		void **block = list;

		list = block[0];
		__free_pages(virt_to_page(block), (unsigned int)(u64)block[1]);
	}
}

void pmm_conformance(void)
{
	struct pmm_stats before, st;
	u64 free0 = nr_free_pages();
	struct page *blocks[MAX_ORDER];
	bool ok = true, aligned = true;
	void *h;

	pmm_get_stats(&before);
	for (int order = 0; order < MAX_ORDER; order++) {
		blocks[order] = alloc_pages(order);
		if (!blocks[order]) {
			ok = false;
			continue;
		}
		if (page_to_phys(blocks[order]) & ((PAGE_SIZE << order) - 1))
			aligned = false;
		memset(page_address(blocks[order]), 0xa5, PAGE_SIZE << order);
	}
	report(ok, "a block of every order 0..%d can be allocated", MAX_ORDER - 1);
	report(aligned, "blocks are naturally aligned");
	pmm_get_stats(&st);
	report(st.pages_in_use - before.pages_in_use == (1UL << MAX_ORDER) - 1 &&
	       free0 - nr_free_pages() == (1UL << MAX_ORDER) - 1,
	       "counters move by the pages taken (%lu)", free0 - nr_free_pages());
	for (int order = 0; order < MAX_ORDER; order++)
		if (blocks[order])
			__free_pages(blocks[order], order);
	pmm_get_stats(&st);
	report(nr_free_pages() == free0 && st.high_water >= before.pages_in_use +
	       (1UL << MAX_ORDER) - 1, "freeing brings every page back; the high-water mark stays");
	for (int order = 0; order < MAX_ORDER; order++)
		if (st.free_per_order[order] > before.free_per_order[order] + 1)
			ok = false;
	report(ok, "freed buddies merge again (free blocks per order as before)");

	h = hoard();
	report(nr_free_pages() == 0 && !alloc_pages(0), "exhaustion returns NULL, no panic");
	unhoard(h);
	report(nr_free_pages() == free0, "memory comes back after exhaustion");
	{
		struct page *p = alloc_page();

		get_page(p);
		put_page(p);
		report(page_count(p) == 1 && nr_free_pages() == free0 - 1,
		       "put_page keeps a page with references left");
		put_page(p);
		report(nr_free_pages() == free0, "the last put_page frees it");
	}
}

static void conformance_ctor(void *obj)
{
	*(u32 *)obj = CTOR_MAGIC;
}

static bool pattern_ok(const u8 *obj, size_t size, u8 tag)
{
	for (size_t i = 0; i < size; i++)
		if (obj[i] != (u8)(tag + i))
			return false;
	return true;
}

static void pattern_fill(u8 *obj, size_t size, u8 tag)
{
	for (size_t i = 0; i < size; i++)
		obj[i] = (u8)(tag + i);
}

/* random_walk - interleave allocs and frees against a shadow of what must
 * be in each live object; returns false on the first mismatch. */
static bool random_walk(struct kmem_cache *c, size_t size, void **live)
{
	u8 *tags = (u8 *)(live + NR_LIVE);	/* the scratch space after the slots */
	bool ok = true;

	for (int step = 0; step < RANDOM_STEPS && ok; step++) {
		int i = xorshift() % NR_LIVE;

		if (live[i]) {
			ok = pattern_ok(live[i], size, tags[i]);
			kmem_cache_free(c, live[i]);
			live[i] = NULL;
		} else {
			live[i] = kmem_cache_alloc(c);
			if (!live[i])
				return false;
			tags[i] = (u8)xorshift();
			pattern_fill(live[i], size, tags[i]);
		}
	}
	for (int i = 0; i < NR_LIVE; i++) {
		if (live[i]) {
			ok &= pattern_ok(live[i], size, tags[i]);
			kmem_cache_free(c, live[i]);
			live[i] = NULL;
		}
	}
	return ok;
}

static void conformance_size(const struct kmem_ops *ops, size_t size, size_t align,
			     void **live)
{
	u64 free0 = nr_free_pages();
	struct kmem_cache *c = ops->cache_create("conformance", size, align, NULL);
	struct kmem_stats st;
	bool ok = true;
	void *a, *b, *h;

	if (!c) {
		report(false, "%lu B: cache_create", size);
		return;
	}
	for (int i = 0; i < 64 && ok; i++) {
		live[i] = kmem_cache_alloc(c);
		ok = live[i] && IS_ALIGNED((u64)live[i], kmem_align(align));
	}
	report(ok, "%lu B: objects aligned to %lu", size, kmem_align(align));
	for (int i = 0; i < 64 && live[i]; i++)
		pattern_fill(live[i], size, (u8)i);
	for (int i = 0; i < 64 && ok; i++)
		ok = pattern_ok(live[i], size, (u8)i);
	report(ok, "%lu B: 64 live objects do not overlap", size);
	for (int i = 0; i < 64; i++)
		if (live[i])
			kmem_cache_free(c, live[i]);
	memset(live, 0, NR_LIVE * sizeof(void *));

	a = kmem_cache_alloc(c);
	kmem_cache_free(c, a);
	b = kmem_cache_alloc(c);
	report(a && b && (a == b || !strcmp(ops->name, "bump") || !strcmp(ops->name, "page")),
	       "%lu B: a freed object is reused (or the strategy never reuses)", size);
	kmem_cache_free(c, b);

	rng_state = 0x9e3779b97f4a7c15ULL ^ size;
	report(random_walk(c, size, live), "%lu B: %d random alloc/free steps match the shadow",
	       size, RANDOM_STEPS);

	h = hoard();
	a = kmem_cache_alloc(c);
	unhoard(h);
	/* a cache may still hold a free object; exhaust it before judging */
	report(true, "%lu B: allocation with no free pages returned %s", size,
	       a ? "a cached object" : "NULL");
	if (a)
		kmem_cache_free(c, a);
	{
		struct page *array = alloc_pages(EXHAUST_ORDER);
		void **objs = array ? page_address(array) : NULL;
		int n = 0, max = (PAGE_SIZE << EXHAUST_ORDER) / sizeof(void *);

		h = hoard();
		while (objs && n < max && (objs[n] = kmem_cache_alloc(c)))
			n++;
		report(objs && n < max, "%lu B: exhausted memory gives NULL after %d cached objects",
		       size, n);
		unhoard(h);
		b = kmem_cache_alloc(c);
		report(b != NULL, "%lu B: allocation recovers when memory comes back", size);
		if (b)
			kmem_cache_free(c, b);
		while (n--)
			kmem_cache_free(c, objs[n]);
		if (array)
			__free_pages(array, EXHAUST_ORDER);
	}
	kmem_cache_stats(c, &st);
	report(st.live == 0 && st.allocs == st.frees, "%lu B: stats count %lu allocs, %lu frees",
	       size, st.allocs, st.frees);
	report(kmem_cache_destroy(c) == 0, "%lu B: the empty cache is destroyed", size);
	report(nr_free_pages() == free0, "%lu B: every page is back in the buddy allocator "
	       "(%ld missing)", size, (long)(free0 - nr_free_pages()));
}

static void conformance_ctor_and_busy(const struct kmem_ops *ops)
{
	u64 free0 = nr_free_pages();
	struct kmem_cache *c = ops->cache_create("ctor", 200, 64, conformance_ctor);
	u32 *o1, *o2;
	bool ok;

	if (!c) {
		report(false, "ctor cache_create");
		return;
	}
	o1 = kmem_cache_alloc(c);
	report(o1 && *o1 == CTOR_MAGIC, "new objects come constructed");
	ok = kmem_cache_destroy(c) == -EBUSY;
	report(ok, "destroying a cache with live objects is refused (-EBUSY)");
	kmem_cache_free(c, o1);
	o2 = kmem_cache_alloc(c);
	report(o2 && *o2 == CTOR_MAGIC, "a reused object is still constructed");
	kmem_cache_free(c, o2);
	report(kmem_cache_destroy(c) == 0 && nr_free_pages() == free0,
	       "after destroy every page is back");
	report(!ops->cache_create("bad", 64, 48, NULL), "a non-power-of-two alignment is refused");
}

void kmem_conformance(const struct kmem_ops *ops)
{
	static const size_t sizes[] = { 8, 64, 200, 1024, 4096, 9216, 16384 };
	struct page *scratch = alloc_pages(1);
	void **live;

	report_prefix_push(ops->name);
	if (!scratch) {
		report(false, "scratch memory for the suite");
		report_prefix_pop();
		return;
	}
	live = page_address(scratch);
	memset(live, 0, 2 * PAGE_SIZE);
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++)
		conformance_size(ops, sizes[i], sizes[i] >= 4096 ? PAGE_SIZE : 8, live);
	conformance_ctor_and_busy(ops);
	__free_pages(scratch, 1);
	report_prefix_pop();
}
