/* core/mm/kmem.h - the object allocator interface. Every object the fork path
 * allocates comes from a kmem_cache; each strategy (alloc=) is one ops table
 * in one file, and a cache keeps the ops it was created with. */
#ifndef FORKLAB_KMEM_H
#define FORKLAB_KMEM_H

#include "lib/types.h"
#include "lib/registry.h"
#include "lib/spinlock.h"
#include "lib/list.h"

#define KMEM_MAX_SIZE	(PAGE_SIZE << 8)	/* 1 MiB: the largest object size */

struct kmem_stats {
	u64 allocs, frees;		/* calls that returned an object / took one back */
	u64 live;			/* objects allocated and not freed */
	u64 pages;			/* pages the cache holds now */
};

struct kmem_cache;

struct kmem_ops {
	STRATEGY_HEAD;
	/* cache_create - a cache of @size-byte objects aligned to @align (a power
	 * of two up to PAGE_SIZE; 0 means 8); @ctor runs once per object when
	 * its memory is first set up. NULL when out of memory. */
	struct kmem_cache *(*cache_create)(const char *name, size_t size, size_t align,
					   void (*ctor)(void *));
	void *(*alloc)(struct kmem_cache *c);		/* NULL when out of memory */
	void (*free)(struct kmem_cache *c, void *obj);
	/* cache_destroy - give every page back; -EBUSY (and nothing freed)
	 * while objects are live. */
	int (*cache_destroy)(struct kmem_cache *c);
	/* stats - optional; the wrapper falls back on the common counters. */
	void (*stats)(struct kmem_cache *c, struct kmem_stats *st);
};

/* The part every strategy's cache starts with. */
struct kmem_cache {
	const char *name;
	size_t size;			/* as asked */
	size_t align;
	void (*ctor)(void *);
	const struct kmem_ops *ops;
	u64 allocs, frees;		/* counts (slub keeps its fast paths' per CPU) */
	u64 pages;
	/* the strategy's shared state (slab lists, slub partials, magazine
	 * depot, bump chunks); fast paths that touch only per-CPU state, and
	 * the counters (atomic increments), go without it */
	struct spinlock lock;
	struct list_head list;		/* slab_caches */
};

/* kmem_for_each_cache - @fn(cache, @arg) for every cache alive (Linux's
 * slab_caches list, as /proc/slabinfo walks it); @fn must not create or
 * destroy caches. */
void kmem_for_each_cache(void (*fn)(struct kmem_cache *c, void *arg), void *arg);

/* The family (alloc=): its members in listing order, slub the default. */
extern const struct strategy_family kmem_family;
static inline const struct kmem_ops *kmem_strategy(int i)
{
	return strategy_at(&kmem_family, i, struct kmem_ops);
}
/* kmem_select - the strategy kmem_cache_create uses from now on; caches
 * already made keep theirs. */
void kmem_select(const struct kmem_ops *ops);
const struct kmem_ops *kmem_current(void);

/* kmem_cache_create - a cache from the selected strategy; NULL when out of
 * memory or @size is 0 or @align is not a power of two <= PAGE_SIZE. */
struct kmem_cache *kmem_cache_create(const char *name, size_t size, size_t align,
				     void (*ctor)(void *));
/* kmem_cache_alloc/free - through the cache's own ops. */
static inline void *kmem_cache_alloc(struct kmem_cache *c) { return c->ops->alloc(c); }
static inline void kmem_cache_free(struct kmem_cache *c, void *obj) { c->ops->free(c, obj); }
/* kmem_cache_destroy - 0, -EBUSY while objects are live, -ENOTSUP if the
 * strategy cannot destroy caches. */
int kmem_cache_destroy(struct kmem_cache *c);
/* kmem_cache_stats - fill @st; 0, or -ENOTSUP when the strategy has no
 * stats op (then @st holds the common counters). */
int kmem_cache_stats(struct kmem_cache *c, struct kmem_stats *st);
/* kmem_cache_live - objects allocated from @c and not freed (0 for no cache). */
static inline u64 kmem_cache_live(struct kmem_cache *c)
{
	struct kmem_stats st;

	if (!c)
		return 0;
	kmem_cache_stats(c, &st);
	return st.live;
}

/* kmem_order_for - the smallest page order holding @bytes. */
unsigned int kmem_order_for(size_t bytes);

/* The strategies' ops tables (one file each); slab is also the layer the
 * magazine strategy stacks on. */
extern const struct kmem_ops kmem_page_ops, kmem_slab_ops, kmem_slub_ops,
	kmem_magazine_ops, kmem_bump_ops;

#endif
