/* core/mm/kmem_bump.c - alloc=bump: an arena bump pointer. Allocation is an
 * add and a compare; free does nothing; the arena's chunks go back only
 * when the cache is destroyed. The lower bound for every other strategy. */
#include "mm/slab.h"
#include "mm/pmm.h"

#define BUMP_CHUNK_ORDER	4	/* 64 KiB chunks, more for big objects */

struct bump_chunk {
	struct bump_chunk *next;
	unsigned int order;
};

/* Each CPU bumps through its own chunk (no lock on the fast path); the
 * list of chunks is shared, under the cache's lock. */
struct bump_cpu {
	char *cur, *end;
} __aligned(SMP_CACHE_BYTES);

struct bump_cache {
	struct kmem_cache base;
	struct bump_chunk *chunks;
	size_t stride;
	struct bump_cpu cpu[NR_CPUS];
};

static struct kmem_cache *bump_cache_create(const char *name, size_t size, size_t align,
					    void (*ctor)(void *))
{
	struct bump_cache *bc = kmem_desc_alloc(sizeof(*bc), name, size, align, ctor,
						&kmem_bump_ops);

	if (!bc)
		return NULL;
	bc->stride = ALIGN_UP(size, bc->base.align);
	bc->base.pages = 1;
	return &bc->base;
}

/* bump_refill - a new chunk for this CPU (@cpu); the header takes the
 * first aligned slot. */
static bool bump_refill(struct bump_cache *bc, struct bump_cpu *cpu)
{
	size_t header = ALIGN_UP(sizeof(struct bump_chunk), bc->base.align);
	unsigned int order = MAX(BUMP_CHUNK_ORDER, kmem_order_for(header + bc->stride));
	struct page *page = alloc_pages(order);
	struct bump_chunk *chunk;

	if (!page)
		return false;
	chunk = page_address(page);
	chunk->order = order;
	spin_lock(&bc->base.lock);
	chunk->next = bc->chunks;
	bc->chunks = chunk;
	bc->base.pages += 1UL << order;
	spin_unlock(&bc->base.lock);
	cpu->cur = (char *)chunk + header;
	cpu->end = (char *)chunk + (PAGE_SIZE << order);
	return true;
}

static void *bump_alloc(struct kmem_cache *c)
{
	struct bump_cache *bc = (struct bump_cache *)c;
	struct bump_cpu *cpu = this_cpu_slot(bc->cpu);
	char *obj = cpu->cur;

	if (unlikely(!obj || obj + bc->stride > cpu->end)) {
		if (!bump_refill(bc, cpu))
			return NULL;
		obj = cpu->cur;
	}
	cpu->cur = obj + bc->stride;
	if (c->ctor)
		c->ctor(obj);
	atomic64_inc(&c->allocs);
	return obj;
}

static void bump_free(struct kmem_cache *c, void *obj)
{
	(void)obj;
	atomic64_inc(&c->frees);
}

static int bump_cache_destroy(struct kmem_cache *c)
{
	struct bump_cache *bc = (struct bump_cache *)c;

	if (c->allocs != c->frees)
		return -EBUSY;
	while (bc->chunks) {
		struct bump_chunk *chunk = bc->chunks;

		bc->chunks = chunk->next;
		__free_pages(virt_to_page(chunk), chunk->order);
	}
	kmem_desc_free(c);
	return 0;
}

const struct kmem_ops kmem_bump_ops = {
	.name = "bump",
	.desc = "arena bump pointer, free does nothing: the lower bound",
	.cache_create = bump_cache_create,
	.alloc = bump_alloc,
	.free = bump_free,
	.cache_destroy = bump_cache_destroy,
	.stats = kmem_common_stats,
};
