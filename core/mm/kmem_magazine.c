/* core/mm/kmem_magazine.c - alloc=magazine: Bonwick & Adams (USENIX 2001).
 * Each CPU holds a loaded and a previous magazine (stacks of MAG_ROUNDS
 * object pointers); alloc pops and free pushes on the loaded one, swapping
 * with the previous one when it runs dry or fills up, and trading with a
 * depot of full and empty magazines only when both are. Below the
 * magazines sits the slab layer (kmem_slab.c), which holds the objects. */
#include "mm/slab.h"
#include "x86/percpu.h"
#include "mm/pmm.h"

#define MAG_ROUNDS	15

struct magazine {
	struct list_head list;		/* depot list */
	int rounds;
	void *objs[MAG_ROUNDS];
};

struct mag_cpu {
	struct magazine *loaded, *previous;
} __aligned(64);

struct mag_cache {
	struct kmem_cache base;
	struct kmem_cache *slab;	/* the objects */
	struct kmem_cache *mags;	/* the magazines themselves */
	struct list_head full, empty;	/* the depot */
	struct mag_cpu cpu[NR_CPUS];
};

static struct kmem_cache *mag_cache_create(const char *name, size_t size, size_t align,
					   void (*ctor)(void *))
{
	struct mag_cache *mc = kmem_desc_alloc(sizeof(*mc), name, size, align, ctor,
					       &kmem_magazine_ops);

	if (!mc)
		return NULL;
	mc->slab = kmem_slab_ops.cache_create(name, size, align, ctor);
	mc->mags = kmem_slab_ops.cache_create("magazine", sizeof(struct magazine), 64, NULL);
	if (!mc->slab || !mc->mags) {
		if (mc->slab)
			kmem_slab_ops.cache_destroy(mc->slab);
		if (mc->mags)
			kmem_slab_ops.cache_destroy(mc->mags);
		kmem_desc_free(mc);
		return NULL;
	}
	INIT_LIST_HEAD(&mc->full);
	INIT_LIST_HEAD(&mc->empty);
	return &mc->base;
}

/* depot_take - a magazine off the depot's @list, or NULL. The depot is
 * shared by every CPU: under the cache's lock (Bonwick & Adams' depot lock). */
static struct magazine *depot_take(struct mag_cache *mc, struct list_head *list)
{
	struct magazine *m = NULL;

	spin_lock(&mc->base.lock);
	if (!list_empty(list)) {
		m = list_first_entry(list, struct magazine, list);
		list_del(&m->list);
	}
	spin_unlock(&mc->base.lock);
	return m;
}

/* depot_put - file @m as full or empty (a partly filled one counts as full). */
static void depot_put(struct mag_cache *mc, struct magazine *m)
{
	if (!m)
		return;
	spin_lock(&mc->base.lock);
	list_add(&m->list, m->rounds ? &mc->full : &mc->empty);
	spin_unlock(&mc->base.lock);
}

static void *mag_alloc(struct kmem_cache *c)
{
	struct mag_cache *mc = (struct mag_cache *)c;
	struct mag_cpu *cpu = this_cpu_slot(mc->cpu);
	struct magazine *m = cpu->loaded, *full;

	if (likely(m && m->rounds)) {
		atomic64_inc(&c->allocs);
		return m->objs[--m->rounds];
	}
	if (cpu->previous && cpu->previous->rounds) {
		cpu->loaded = cpu->previous;
		cpu->previous = m;
		return mag_alloc(c);
	}
	full = depot_take(mc, &mc->full);
	if (full) {
		depot_put(mc, cpu->previous);
		cpu->previous = m;
		cpu->loaded = full;
		return mag_alloc(c);
	}
	m = kmem_slab_ops.alloc(mc->slab);	/* the depot is dry too */
	if (m)
		atomic64_inc(&c->allocs);
	return m;
}

static void mag_free(struct kmem_cache *c, void *obj)
{
	struct mag_cache *mc = (struct mag_cache *)c;
	struct mag_cpu *cpu = this_cpu_slot(mc->cpu);
	struct magazine *m = cpu->loaded, *empty;

	if (likely(m && m->rounds < MAG_ROUNDS)) {
		m->objs[m->rounds++] = obj;
		atomic64_inc(&c->frees);
		return;
	}
	if (cpu->previous && cpu->previous->rounds < MAG_ROUNDS) {
		cpu->loaded = cpu->previous;
		cpu->previous = m;
		mag_free(c, obj);
		return;
	}
	empty = depot_take(mc, &mc->empty);
	if (!empty) {
		empty = kmem_slab_ops.alloc(mc->mags);
		if (empty)
			empty->rounds = 0;
	}
	if (!empty) {				/* no memory for a magazine */
		kmem_slab_ops.free(mc->slab, obj);
		atomic64_inc(&c->frees);
		return;
	}
	depot_put(mc, cpu->previous);
	cpu->previous = m;
	cpu->loaded = empty;
	mag_free(c, obj);
}

/* drain - every round back to the slab layer, every magazine freed. */
static void drain_magazine(struct mag_cache *mc, struct magazine *m)
{
	if (!m)
		return;
	while (m->rounds)
		kmem_slab_ops.free(mc->slab, m->objs[--m->rounds]);
	kmem_slab_ops.free(mc->mags, m);
}

static int mag_cache_destroy(struct kmem_cache *c)
{
	struct mag_cache *mc = (struct mag_cache *)c;
	struct magazine *m;

	if (c->allocs != c->frees)
		return -EBUSY;
	for (int i = 0; i < NR_CPUS; i++) {
		drain_magazine(mc, mc->cpu[i].loaded);
		drain_magazine(mc, mc->cpu[i].previous);
	}
	while ((m = depot_take(mc, &mc->full)))
		drain_magazine(mc, m);
	while ((m = depot_take(mc, &mc->empty)))
		drain_magazine(mc, m);
	kmem_slab_ops.cache_destroy(mc->slab);
	kmem_slab_ops.cache_destroy(mc->mags);
	kmem_desc_free(c);
	return 0;
}

static void mag_stats(struct kmem_cache *c, struct kmem_stats *st)
{
	struct mag_cache *mc = (struct mag_cache *)c;

	*st = (struct kmem_stats){ c->allocs, c->frees, c->allocs - c->frees,
				   1 + mc->slab->pages + mc->mags->pages };
}

const struct kmem_ops kmem_magazine_ops = {
	.name = "magazine",
	.desc = "Bonwick & Adams magazines: per-CPU loaded/previous, a depot, slabs below",
	.cache_create = mag_cache_create,
	.alloc = mag_alloc,
	.free = mag_free,
	.cache_destroy = mag_cache_destroy,
	.stats = mag_stats,
};
