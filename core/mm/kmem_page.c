/* core/mm/kmem_page.c - alloc=page: every object is a block of whole pages
 * straight from the buddy allocator; nothing is cached. The "no slab"
 * baseline: what a cache buys is measured against this. */
#include "mm/slab.h"
#include "mm/pmm.h"

struct page_cache {
	struct kmem_cache base;
	unsigned int order;
};

static struct kmem_cache *page_cache_create(const char *name, size_t size, size_t align,
					    void (*ctor)(void *))
{
	struct page_cache *pc = kmem_desc_alloc(sizeof(*pc), name, size, align, ctor,
						&kmem_page_ops);

	if (!pc)
		return NULL;
	pc->order = kmem_order_for(size);
	pc->base.pages = 1;		/* the descriptor */
	return &pc->base;
}

static void *page_alloc(struct kmem_cache *c)
{
	struct page_cache *pc = (struct page_cache *)c;
	struct page *page = alloc_pages(pc->order);
	void *obj;

	if (!page)
		return NULL;
	obj = page_address(page);
	if (c->ctor)
		c->ctor(obj);
	atomic64_inc(&c->allocs);
	c->pages += 1UL << pc->order;
	return obj;
}

static void page_free(struct kmem_cache *c, void *obj)
{
	struct page_cache *pc = (struct page_cache *)c;

	__free_pages(virt_to_page(obj), pc->order);
	atomic64_inc(&c->frees);
	c->pages -= 1UL << pc->order;
}

static int page_cache_destroy(struct kmem_cache *c)
{
	if (c->allocs != c->frees)
		return -EBUSY;
	kmem_desc_free(c);
	return 0;
}

const struct kmem_ops kmem_page_ops = {
	.name = "page",
	.desc = "whole pages from the buddy allocator per object, no caching",
	.cache_create = page_cache_create,
	.alloc = page_alloc,
	.free = page_free,
	.cache_destroy = page_cache_destroy,
	.stats = kmem_common_stats,
};
