/* core/mm/kmem_slab.c - alloc=slab: Bonwick's slab allocator (USENIX 1994).
 * A cache keeps slabs on three lists: partial, full and empty. Objects are
 * constructed once when their slab is created and stay constructed across
 * free, so with a constructor the free-list link (bufctl) lives after the
 * object, not in it; without one it reuses the object's first word. Slabs are
 * coloured (their first object shifted by a multiple of the alignment) to
 * spread objects across cache lines. At most SLAB_EMPTY_KEEP empty slabs are
 * kept; the rest go back to the buddy allocator. */
#include "mm/slab.h"
#include "mm/pmm.h"

#define SLAB_EMPTY_KEEP	1

struct slab_cache {
	struct kmem_cache base;
	struct slab_geometry geo;
	struct list_head partial, full, empty;
	u32 nr_empty;
	u32 colour_next, colours;
};

static struct kmem_cache *slab_cache_create(const char *name, size_t size, size_t align,
					    void (*ctor)(void *))
{
	struct slab_cache *sc = kmem_desc_alloc(sizeof(*sc), name, size, align, ctor,
						&kmem_slab_ops);

	if (!sc)
		return NULL;
	/* constructed state must survive a free: then the link goes after it */
	kmem_slab_geometry(&sc->base, &sc->geo, ctor != NULL);
	sc->colours = ((PAGE_SIZE << sc->geo.order) - sc->geo.objects * sc->geo.stride) /
		      sc->base.align + 1;
	INIT_LIST_HEAD(&sc->partial);
	INIT_LIST_HEAD(&sc->full);
	INIT_LIST_HEAD(&sc->empty);
	sc->base.pages = 1;
	return &sc->base;
}

/* cache_grow - add one constructed slab to the empty list. */
static struct page *cache_grow(struct slab_cache *sc)
{
	size_t colour = (sc->colour_next++ % sc->colours) * sc->base.align;
	struct page *slab = kmem_slab_new(&sc->base, &sc->geo, colour);

	if (!slab)
		return NULL;
	list_add(&slab->lru, &sc->empty);
	sc->nr_empty++;
	return slab;
}

static void *slab_alloc(struct kmem_cache *c)
{
	struct slab_cache *sc = (struct slab_cache *)c;
	struct page *slab;
	void *obj;

	spin_lock(&c->lock);		/* Bonwick's per-cache lock */
	if (!list_empty(&sc->partial)) {
		slab = list_first_entry(&sc->partial, struct page, lru);
	} else {
		if (list_empty(&sc->empty) && !cache_grow(sc)) {
			spin_unlock(&c->lock);
			return NULL;
		}
		slab = list_first_entry(&sc->empty, struct page, lru);
		sc->nr_empty--;
		list_move(&slab->lru, &sc->partial);
	}
	obj = slab->freelist;
	slab->freelist = get_freepointer(obj, sc->geo.free_offset);
	slab->inuse++;
	if (!slab->freelist)
		list_move(&slab->lru, &sc->full);
	c->allocs++;
	spin_unlock(&c->lock);
	return obj;
}

static void slab_release(struct slab_cache *sc, struct page *slab)
{
	list_del(&slab->lru);
	slab->flags &= ~PG_slab;
	sc->base.pages -= 1UL << sc->geo.order;
	__free_pages(slab, sc->geo.order);
}

static void slab_free(struct kmem_cache *c, void *obj)
{
	struct slab_cache *sc = (struct slab_cache *)c;
	struct page *slab = kmem_slab_of(obj, sc->geo.order);

	spin_lock(&c->lock);
	if (!slab->freelist)		/* was full */
		list_move(&slab->lru, &sc->partial);
	set_freepointer(obj, sc->geo.free_offset, slab->freelist);
	slab->freelist = obj;
	c->frees++;
	if (--slab->inuse == 0) {
		if (sc->nr_empty >= SLAB_EMPTY_KEEP) {
			slab_release(sc, slab);
		} else {
			list_move(&slab->lru, &sc->empty);
			sc->nr_empty++;
		}
	}
	spin_unlock(&c->lock);
}

static int slab_cache_destroy(struct kmem_cache *c)
{
	struct slab_cache *sc = (struct slab_cache *)c;

	if (c->allocs != c->frees)
		return -EBUSY;
	while (!list_empty(&sc->empty))
		slab_release(sc, list_first_entry(&sc->empty, struct page, lru));
	kmem_desc_free(c);
	return 0;
}

const struct kmem_ops kmem_slab_ops = {
	.name = "slab",
	.desc = "Bonwick slabs: partial/full/empty lists, constructed objects, colouring",
	.cache_create = slab_cache_create,
	.alloc = slab_alloc,
	.free = slab_free,
	.cache_destroy = slab_cache_destroy,
	.stats = kmem_common_stats,
};
