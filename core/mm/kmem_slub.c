/* core/mm/kmem_slub.c - alloc=slub: Linux's SLUB. Each CPU owns a current slab
 * ("frozen") and a lockless freelist of its objects whose next pointers live
 * inside the free objects. The fast paths are a pop and a push on that
 * per-CPU list; everything else (remote frees, refills, full and empty
 * slabs) is the slow path. Only slabs with free objects are listed
 * (partial); full slabs are not tracked, as in Linux. */
#include "mm/slab.h"
#include "x86/percpu.h"
#include "mm/pmm.h"

#define SLUB_MIN_PARTIAL	1	/* empty slabs kept on the partial list */
/* cpu->base with no cpu slab: a non-canonical address, so that the fast
 * path's range check fails for every object (and for NULL). */
#define SLUB_NO_SLAB		(1UL << 63)

/* The fast path touches only this and s->slab_bytes / s->geo.free_offset. */
struct kmem_cache_cpu {
	void *freelist;			/* next free object of the cpu slab */
	u64 base;			/* address of the cpu slab, or SLUB_NO_SLAB */
	struct page *page;		/* the cpu slab, or NULL */
	u64 allocs, frees;		/* fast-path counts */
} __aligned(64);

struct slub_cache {
	struct kmem_cache base;
	struct slab_geometry geo;
	u64 slab_bytes;			/* PAGE_SIZE << geo.order */
	struct list_head partial;
	u32 nr_partial;
	struct kmem_cache_cpu cpu_slab[NR_CPUS];
};

static struct kmem_cache *slub_cache_create(const char *name, size_t size, size_t align,
					    void (*ctor)(void *))
{
	struct slub_cache *s = kmem_desc_alloc(sizeof(*s), name, size, align, ctor,
					       &kmem_slub_ops);

	if (!s)
		return NULL;
	/* with a constructor the object's contents must survive a free */
	kmem_slab_geometry(&s->base, &s->geo, ctor != NULL);
	s->slab_bytes = PAGE_SIZE << s->geo.order;
	for (int cpu = 0; cpu < NR_CPUS; cpu++)
		s->cpu_slab[cpu].base = SLUB_NO_SLAB;
	INIT_LIST_HEAD(&s->partial);
	s->base.pages = 1;
	return &s->base;
}

static void discard_slab(struct slub_cache *s, struct page *page)
{
	page->flags &= ~PG_slab;
	s->base.pages -= 1UL << s->geo.order;
	__free_pages(page, s->geo.order);
}

/* deactivate_slab - give the cpu slab's unused objects back to its page and
 * file the page where it belongs now: freed, partial, or (full) nowhere. */
static void deactivate_slab(struct slub_cache *s, struct kmem_cache_cpu *c)
{
	struct page *page = c->page;
	void *obj = c->freelist;

	if (!page)
		return;
	while (obj) {
		void *next = get_freepointer(obj, s->geo.free_offset);

		set_freepointer(obj, s->geo.free_offset, page->freelist);
		page->freelist = obj;
		page->inuse--;
		obj = next;
	}
	c->page = NULL;
	c->base = SLUB_NO_SLAB;
	c->freelist = NULL;
	if (page->inuse == 0 && s->nr_partial >= SLUB_MIN_PARTIAL) {
		discard_slab(s, page);
	} else if (page->freelist) {
		list_add(&page->lru, &s->partial);
		s->nr_partial++;
	}
}

/* __slab_alloc - the slow path (kept out of line so the fast path needs
 * no saved registers): take the cpu slab's remote frees, else a
 * partial slab, else a new one, and freeze it as the cpu slab. */
static __attribute__((noinline)) void *__slab_alloc(struct slub_cache *s,
						    struct kmem_cache_cpu *c)
{
	struct page *page;
	void *obj;

	/* the partial list, and the remote frees other CPUs put on this
	 * CPU's slab (page->freelist), are shared: under the cache lock */
	spin_lock(&s->base.lock);
	page = c->page;
	if (page && page->freelist) {
		c->freelist = page->freelist;
	} else {
		deactivate_slab(s, c);
		if (!list_empty(&s->partial)) {
			page = list_first_entry(&s->partial, struct page, lru);
			list_del(&page->lru);
			s->nr_partial--;
		} else {
			page = kmem_slab_new(&s->base, &s->geo, 0);
			if (!page) {
				spin_unlock(&s->base.lock);
				return NULL;
			}
		}
		c->page = page;
		c->base = (u64)page_address(page);
		c->freelist = page->freelist;
	}
	/* the cpu owns every object on its freelist: count them as in use */
	for (obj = page->freelist; obj; obj = get_freepointer(obj, s->geo.free_offset))
		page->inuse++;
	page->freelist = NULL;
	obj = c->freelist;
	c->freelist = get_freepointer(obj, s->geo.free_offset);
	s->base.allocs++;
	spin_unlock(&s->base.lock);
	return obj;
}

/* slub_alloc - fast path: pop the cpu freelist. */
static void *slub_alloc(struct kmem_cache *cache)
{
	struct slub_cache *s = (struct slub_cache *)cache;
	struct kmem_cache_cpu *c = this_cpu_slot(s->cpu_slab);
	void *obj = c->freelist;

	if (unlikely(!obj))
		return __slab_alloc(s, c);
	c->freelist = get_freepointer(obj, s->geo.free_offset);
	c->allocs++;
	return obj;
}

/* __slab_free - the slow path: @obj belongs to a slab that is not this
 * cpu's; put it on that page's freelist and re-file the page. */
static __attribute__((noinline)) void __slab_free(struct slub_cache *s, void *obj)
{
	struct page *page = kmem_slab_of(obj, s->geo.order);
	bool was_full, frozen = false;

	spin_lock(&s->base.lock);
	was_full = !page->freelist;
	for (int cpu = 0; cpu < NR_CPUS; cpu++)
		if (s->cpu_slab[cpu].page == page)
			frozen = true;
	set_freepointer(obj, s->geo.free_offset, page->freelist);
	page->freelist = obj;
	page->inuse--;
	s->base.frees++;
	if (frozen)
		goto out;		/* the owning cpu picks it up on refill */
	if (page->inuse == 0 && s->nr_partial >= SLUB_MIN_PARTIAL) {
		if (!was_full) {
			list_del(&page->lru);
			s->nr_partial--;
		}
		discard_slab(s, page);
	} else if (was_full) {
		list_add_tail(&page->lru, &s->partial);
		s->nr_partial++;
	}
out:
	spin_unlock(&s->base.lock);
}

/* slub_free - fast path: push on the cpu freelist if @obj lies in the cpu
 * slab (an address range check: no struct page is touched). */
static void slub_free(struct kmem_cache *cache, void *obj)
{
	struct slub_cache *s = (struct slub_cache *)cache;
	struct kmem_cache_cpu *c = this_cpu_slot(s->cpu_slab);

	if (likely((u64)obj - c->base < s->slab_bytes)) {
		set_freepointer(obj, s->geo.free_offset, c->freelist);
		c->freelist = obj;
		c->frees++;
		return;
	}
	__slab_free(s, obj);
}

static void slub_stats(struct kmem_cache *cache, struct kmem_stats *st)
{
	struct slub_cache *s = (struct slub_cache *)cache;

	*st = (struct kmem_stats){ cache->allocs, cache->frees, 0, cache->pages };
	for (int cpu = 0; cpu < NR_CPUS; cpu++) {
		st->allocs += s->cpu_slab[cpu].allocs;
		st->frees += s->cpu_slab[cpu].frees;
	}
	st->live = st->allocs - st->frees;
}

static int slub_cache_destroy(struct kmem_cache *cache)
{
	struct slub_cache *s = (struct slub_cache *)cache;
	struct kmem_stats st;

	slub_stats(cache, &st);
	if (st.live)
		return -EBUSY;
	for (int cpu = 0; cpu < NR_CPUS; cpu++)
		deactivate_slab(s, &s->cpu_slab[cpu]);
	while (!list_empty(&s->partial)) {
		struct page *page = list_first_entry(&s->partial, struct page, lru);

		list_del(&page->lru);
		discard_slab(s, page);
	}
	kmem_desc_free(cache);
	return 0;
}

const struct kmem_ops kmem_slub_ops = {
	.name = "slub",
	.desc = "Linux SLUB: per-CPU slab and lockless freelist inside free objects",
	.cache_create = slub_cache_create,
	.alloc = slub_alloc,
	.free = slub_free,
	.cache_destroy = slub_cache_destroy,
	.stats = slub_stats,
};
