/* core/mm/kmem.c - the allocator registry and the Linux-named entry points. */
#include "mm/slab.h"
#include "mm/pmm.h"
#include "lib/printk.h"
#include "lib/string.h"

/* The strategies, in the order benchmarks and listings show them. */
DEFINE_STRATEGY_FAMILY(kmem_family, "alloc", "object allocator", &kmem_slub_ops.strategy,
		       &kmem_page_ops.strategy, &kmem_slab_ops.strategy, &kmem_slub_ops.strategy,
		       &kmem_magazine_ops.strategy, &kmem_bump_ops.strategy);

static const struct kmem_ops *kmem_selected;	/* NULL: the family's default */

void kmem_select(const struct kmem_ops *ops)
{
	kmem_selected = ops;
}

const struct kmem_ops *kmem_current(void)
{
	return kmem_selected ? kmem_selected :
		container_of(kmem_family.dflt, struct kmem_ops, strategy);
}

struct kmem_cache *kmem_cache_create(const char *name, size_t size, size_t align,
				     void (*ctor)(void *))
{
	return kmem_current()->cache_create(name, size, align, ctor);
}

int kmem_cache_destroy(struct kmem_cache *c)
{
	if (!c->ops->cache_destroy)
		return -ENOTSUP;
	return c->ops->cache_destroy(c);
}

int kmem_cache_stats(struct kmem_cache *c, struct kmem_stats *st)
{
	if (!c->ops->stats) {
		kmem_common_stats(c, st);
		return -ENOTSUP;
	}
	c->ops->stats(c, st);
	return 0;
}

void kmem_common_stats(struct kmem_cache *c, struct kmem_stats *st)
{
	*st = (struct kmem_stats){ c->allocs, c->frees, c->allocs - c->frees, c->pages };
}

size_t kmem_align(size_t align)
{
	return align < 8 ? 8 : align;
}

unsigned int kmem_order_for(size_t bytes)
{
	unsigned int order = 0;

	while ((PAGE_SIZE << order) < bytes)
		order++;
	return order;
}

static LIST_HEAD(slab_caches);		/* every cache alive */
static DEFINE_SPINLOCK(slab_caches_lock);

/* kmem_desc_alloc - see kmem.h: one page from the buddy allocator, so a
 * destroyed cache gives every page back. */
void *kmem_desc_alloc(size_t bytes, const char *name, size_t size, size_t align,
		      void (*ctor)(void *), const struct kmem_ops *ops)
{
	struct page *page;
	struct kmem_cache *c;

	if (bytes > PAGE_SIZE || !size || size > KMEM_MAX_SIZE || (align & (align - 1)) ||
	    align > PAGE_SIZE)
		return NULL;
	page = alloc_page();
	if (!page)
		return NULL;
	c = page_address(page);
	memset(c, 0, bytes);
	c->name = name;
	c->size = size;
	c->align = kmem_align(align);
	c->ctor = ctor;
	c->ops = ops;
	spin_lock_init(&c->lock, name);
	spin_lock(&slab_caches_lock);
	list_add_tail(&c->list, &slab_caches);
	spin_unlock(&slab_caches_lock);
	return c;
}

void kmem_desc_free(void *desc)
{
	struct kmem_cache *c = desc;

	spin_lock(&slab_caches_lock);
	list_del(&c->list);
	spin_unlock(&slab_caches_lock);
	__free_page(virt_to_page(desc));
}

void kmem_for_each_cache(void (*fn)(struct kmem_cache *c, void *arg), void *arg)
{
	struct kmem_cache *c;

	spin_lock(&slab_caches_lock);
	list_for_each_entry(c, &slab_caches, list)
		fn(c, arg);
	spin_unlock(&slab_caches_lock);
}

#define SLAB_MIN_OBJECTS	8	/* per slab, unless that needs > SLAB_MAX_ORDER */
#define SLAB_MAX_ORDER		5	/* 128 KiB: 8 kernel stacks of 16 KiB */

/* kmem_slab_geometry - the smallest slab order (up to SLAB_MAX_ORDER, more
 * only for objects that would not fit at all) holding SLAB_MIN_OBJECTS. */
void kmem_slab_geometry(struct kmem_cache *c, struct slab_geometry *g, bool ptr_outside)
{
	size_t size = MAX(c->size, sizeof(void *));

	g->free_offset = ptr_outside ? ALIGN_UP(size, sizeof(void *)) : 0;
	g->stride = ALIGN_UP(ptr_outside ? g->free_offset + sizeof(void *) : size, c->align);
	g->order = 0;
	while (g->order < SLAB_MAX_ORDER &&
	       (PAGE_SIZE << g->order) / g->stride < SLAB_MIN_OBJECTS)
		g->order++;
	while (g->order < MAX_ORDER - 1 && (PAGE_SIZE << g->order) < g->stride)
		g->order++;
	g->objects = (PAGE_SIZE << g->order) / g->stride;
}

/* kmem_slab_new - see kmem.h; the block's head page records the cache. */
struct page *kmem_slab_new(struct kmem_cache *c, const struct slab_geometry *g,
			   size_t first_offset)
{
	struct page *page = alloc_pages(g->order);
	char *base, *prev = NULL;

	if (!page)
		return NULL;
	base = (char *)page_address(page) + first_offset;
	page->flags |= PG_slab;
	page->slab_cache = c;
	page->inuse = 0;
	page->freelist = NULL;
	INIT_LIST_HEAD(&page->lru);
	for (u32 i = 0; i < g->objects && first_offset + (i + 1) * g->stride <=
			(PAGE_SIZE << g->order); i++) {
		char *obj = base + i * g->stride;

		if (c->ctor)
			c->ctor(obj);
		if (prev)
			set_freepointer(prev, g->free_offset, obj);
		else
			page->freelist = obj;
		prev = obj;
	}
	if (prev)
		set_freepointer(prev, g->free_offset, NULL);
	c->pages += 1UL << g->order;
	return page;
}

struct page *kmem_slab_of(const void *obj, u32 order)
{
	u64 pa = __pa(obj) & ~((PAGE_SIZE << order) - 1);

	return phys_to_page(pa);
}
