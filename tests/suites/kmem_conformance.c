/* tests/suites/kmem_conformance.c - the conformance suite of the object
 * allocators. Uses only report() and the
 * pmm/kmem API, so the same code runs on the host (ASan/UBSan, over an
 * arena) and in the guest (mode=test, over real RAM). */
#include "suites/xorshift.h"
#include "suites/kmem_conformance.h"
#include "suites/pmm_conformance.h"
#include "mm/slab.h"  /* slab geometry and kmem_align are checked too */
#include "lib/printk.h"
#include "lib/selftest.h"
#include "lib/string.h"

#define NR_LIVE		512		/* slots of the random walk */
#define RANDOM_STEPS	4000
#define NR_BATCH	64		/* objects live at once in the overlap check */
#define CTOR_MAGIC	0xc0ffee11u
#define EXHAUST_ORDER	5		/* room for 16384 object pointers */
#define SEED		0x9e3779b97f4a7c15ULL

static u64 rng_state;

/* xorshift - Marsaglia's xorshift64: fixed seed, same walk everywhere. */
static u64 xorshift(void)
{
	return xorshift64(&rng_state);
}


/* --- object allocators -------------------------------------------------- */

static int ctor_calls;

static void conformance_ctor(void *obj)
{
	*(u32 *)obj = CTOR_MAGIC;
	ctor_calls++;
}

/* The pattern: word i of an object with @tag holds tag * (i + 1) + i. Word
 * stores keep the guest run short; a tail of size % 8 bytes gets bytes. */
static void pattern_fill(void *obj, size_t size, u64 tag)
{
	u64 *w = obj;
	u8 *tail = (u8 *)obj + (size & ~7UL);

	for (size_t i = 0; i < size / 8; i++)
		w[i] = tag * (i + 1) + i;
	for (size_t i = 0; i < (size & 7); i++)
		tail[i] = (u8)(tag + i);
}

static bool pattern_ok(const void *obj, size_t size, u64 tag)
{
	const u64 *w = obj;
	const u8 *tail = (const u8 *)obj + (size & ~7UL);

	for (size_t i = 0; i < size / 8; i++)
		if (w[i] != tag * (i + 1) + i)
			return false;
	for (size_t i = 0; i < (size & 7); i++)
		if (tail[i] != (u8)(tag + i))
			return false;
	return true;
}

/* random_walk - interleave allocs and frees against a shadow model (the
 * tag each live object was filled with); false on the first mismatch or
 * an allocation failure. @live has NR_LIVE slots, then NR_LIVE tags. */
static bool random_walk(struct kmem_cache *c, size_t size, void **live)
{
	u64 *tags = (u64 *)(live + NR_LIVE);
	bool ok = true;

	for (int step = 0; step < RANDOM_STEPS && ok; step++) {
		int i = xorshift() % NR_LIVE;

		if (live[i]) {
			ok = pattern_ok(live[i], size, tags[i]);
			kmem_cache_free(c, live[i]);
			live[i] = NULL;
		} else {
			live[i] = kmem_cache_alloc(c);
			if (!live[i] || !IS_ALIGNED((u64)live[i], c->align))
				ok = false;
			else
				pattern_fill(live[i], size, tags[i] = xorshift());
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

/* exhaust - with the buddy allocator emptied, the cache hands out what it
 * holds and then NULL; with memory back it allocates again. */
static void exhaust(struct kmem_cache *c, size_t size)
{
	struct page *array = alloc_pages(EXHAUST_ORDER);
	void **objs = array ? page_address(array) : NULL;
	int n = 0, max = (PAGE_SIZE << EXHAUST_ORDER) / sizeof(void *);
	struct hoard h;
	void *b;

	if (!objs) {
		report(false, "%lu B: memory for the exhaustion check", size);
		return;
	}
	hoard(&h);
	while (n < max && (objs[n] = kmem_cache_alloc(c)))
		n++;
	report(n < max, "%lu B: no free pages: NULL after %d cached objects, no panic", size, n);
	unhoard(&h);
	b = kmem_cache_alloc(c);
	report(b != NULL, "%lu B: allocation recovers when memory comes back", size);
	if (b)
		kmem_cache_free(c, b);
	while (n--)
		kmem_cache_free(c, objs[n]);
	__free_pages(array, EXHAUST_ORDER);
}

static void conformance_size(const struct kmem_ops *ops, size_t size, size_t align,
			     void **live)
{
	u64 free0 = nr_free_pages();
	struct kmem_cache *c = ops->cache_create("conformance", size, align, NULL);
	struct kmem_stats st;
	bool ok = true;
	void *a, *b;

	if (!c) {
		report(false, "%lu B: cache_create", size);
		return;
	}
	report(c->ops == ops && c->size == size && c->align == kmem_align(align),
	       "%lu B: the cache header records ops, size and alignment", size);
	for (int i = 0; i < NR_BATCH && ok; i++) {
		live[i] = kmem_cache_alloc(c);
		ok = live[i] && IS_ALIGNED((u64)live[i], kmem_align(align));
	}
	report(ok, "%lu B: %d objects, aligned to %lu", size, NR_BATCH, kmem_align(align));
	for (int i = 0; i < NR_BATCH && live[i]; i++)
		pattern_fill(live[i], size, SEED * (i + 1));
	for (int i = 0; i < NR_BATCH && ok; i++)
		ok = pattern_ok(live[i], size, SEED * (i + 1));
	report(ok, "%lu B: %d live objects do not overlap", size, NR_BATCH);
	kmem_cache_stats(c, &st);
	report(st.live == (u64)NR_BATCH || !ok, "%lu B: stats count %lu live objects", size, st.live);
	for (int i = 0; i < NR_BATCH; i++)
		if (live[i])
			kmem_cache_free(c, live[i]);
	memset(live, 0, NR_LIVE * sizeof(void *));

	a = kmem_cache_alloc(c);
	if (a)
		kmem_cache_free(c, a);
	b = kmem_cache_alloc(c);
	report(a && b && (a == b || ops == &kmem_bump_ops || ops == &kmem_page_ops),
	       "%lu B: a freed object is reused at once (page and bump do not cache)", size);
	if (b)
		kmem_cache_free(c, b);

	rng_state = SEED ^ size;
	report(random_walk(c, size, live), "%lu B: %d random alloc/free steps match the shadow",
	       size, RANDOM_STEPS);
	kmem_cache_stats(c, &st);
	report(st.pages == free0 - nr_free_pages(), "%lu B: the cache counts the %lu pages it holds",
	       size, (unsigned long)(free0 - nr_free_pages()));
	if (ops == &kmem_slab_ops || ops == &kmem_slub_ops) {
		struct slab_geometry g;

		kmem_slab_geometry(c, &g, false);
		report(st.pages <= 1 + (2UL << g.order),
		       "%lu B: with every object freed, at most 2 empty slabs stay (%lu pages)",
		       size, st.pages);
	}
	exhaust(c, size);
	kmem_cache_stats(c, &st);
	report(st.live == 0 && st.allocs == st.frees && st.allocs > RANDOM_STEPS / 4,
	       "%lu B: stats count %lu allocs, %lu frees", size, st.allocs, st.frees);
	report(kmem_cache_destroy(c) == 0, "%lu B: the empty cache is destroyed", size);
	report(nr_free_pages() == free0, "%lu B: every page is back in the buddy allocator "
	       "(%ld missing)", size, (long)(free0 - nr_free_pages()));
}

/* conformance_align - every power-of-two alignment up to PAGE_SIZE. */
static void conformance_align(const struct kmem_ops *ops)
{
	u64 free0 = nr_free_pages();
	bool ok = true;
	size_t bad = 0;

	for (size_t align = 8; align <= PAGE_SIZE; align <<= 1) {
		struct kmem_cache *c = ops->cache_create("align", 40, align, NULL);
		void *objs[12];

		if (!c) {
			ok = false;
			bad = align;
			break;
		}
		for (size_t i = 0; i < ARRAY_SIZE(objs); i++) {
			objs[i] = kmem_cache_alloc(c);
			if (!objs[i] || !IS_ALIGNED((u64)objs[i], align)) {
				ok = false;
				bad = align;
			}
		}
		for (size_t i = 0; i < ARRAY_SIZE(objs); i++)
			if (objs[i])
				kmem_cache_free(c, objs[i]);
		if (kmem_cache_destroy(c))
			ok = false;
	}
	report(ok, "40 B objects honour every alignment 8..%lu (first bad: %lu)", PAGE_SIZE, bad);
	report(nr_free_pages() == free0, "alignment caches give every page back");
	report(!ops->cache_create("bad", 64, 48, NULL) && !ops->cache_create("bad", 64, 2 * PAGE_SIZE, NULL) &&
	       !ops->cache_create("bad", 0, 8, NULL) && !ops->cache_create("bad", KMEM_MAX_SIZE + 1, 8, NULL),
	       "a bad alignment or size is refused with NULL");
	report(nr_free_pages() == free0, "refused caches leak nothing");
}

static void conformance_ctor_and_busy(const struct kmem_ops *ops)
{
	u64 free0 = nr_free_pages();
	struct kmem_cache *c = ops->cache_create("ctor", 200, 64, conformance_ctor);
	u32 *o1, *o2;
	int calls;

	if (!c) {
		report(false, "ctor cache_create");
		return;
	}
	ctor_calls = 0;
	o1 = kmem_cache_alloc(c);
	report(o1 && *o1 == CTOR_MAGIC && ctor_calls > 0, "new objects come constructed");
	report(kmem_cache_destroy(c) == -EBUSY, "destroying a cache with live objects is refused (-EBUSY)");
	calls = ctor_calls;
	kmem_cache_free(c, o1);
	o2 = kmem_cache_alloc(c);
	report(o2 && *o2 == CTOR_MAGIC, "a reused object is still constructed");
	report_info("constructor calls: %d for the first object, %d more for the reuse",
		    calls, ctor_calls - calls);
	kmem_cache_free(c, o2);
	report(kmem_cache_destroy(c) == 0 && nr_free_pages() == free0,
	       "after destroy every page is back");
}

/* list_has - whether the ", "-separated @list holds @name. */
static bool list_has(const char *list, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = list; *p; p++)
		if ((p == list || p[-1] == ' ') && !strncmp(p, name, n) && (p[n] == ',' || !p[n]))
			return true;
	return false;
}

/* conformance_registry - the strategy is found by name, listed, and a
 * cache keeps its ops when the selection changes. */
static void conformance_registry(const struct kmem_ops *ops)
{
	const struct kmem_ops *prev = kmem_current();
	const struct kmem_ops *other = ops == &kmem_bump_ops ? &kmem_page_ops : &kmem_bump_ops;
	u64 free0 = nr_free_pages();
	struct kmem_cache *c;
	char names[128];
	void *o;

	strategy_names(&kmem_family, names, sizeof(names));
	report(strategy_find(&kmem_family, ops->name) == &ops->strategy &&
	       list_has(names, ops->name) && ops->desc,
	       "found by name and listed (\"%s\")", names);
	kmem_select(ops);
	c = kmem_cache_create("selected", 96, 32, NULL);
	kmem_select(other);
	o = c ? kmem_cache_alloc(c) : NULL;
	report(c && c->ops == ops && o && IS_ALIGNED((u64)o, 32),
	       "kmem_cache_create uses the selection; the cache keeps it after a change");
	if (o)
		kmem_cache_free(c, o);
	if (c)
		kmem_cache_destroy(c);
	kmem_select(prev);
	report(nr_free_pages() == free0, "the selected cache gives every page back");
}

void kmem_conformance(const struct kmem_ops *ops)
{
	static const size_t sizes[] = { 8, 64, 200, 1024, 4096, 9216, 16384 };
	struct page *scratch = alloc_pages(kmem_order_for(NR_LIVE * 2 * sizeof(void *)));
	void **live;

	report_prefix_push(ops->name);
	if (!scratch) {
		report(false, "scratch memory for the suite");
		report_prefix_pop();
		return;
	}
	live = page_address(scratch);
	memset(live, 0, NR_LIVE * 2 * sizeof(void *));
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++)
		conformance_size(ops, sizes[i], sizes[i] >= PAGE_SIZE ? PAGE_SIZE : 8, live);
	conformance_align(ops);
	conformance_ctor_and_busy(ops);
	conformance_registry(ops);
	__free_pages(scratch, kmem_order_for(NR_LIVE * 2 * sizeof(void *)));
	report_prefix_pop();
}

