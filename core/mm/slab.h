/* core/mm/slab.h - what the allocator strategies share (kmem.c), for the
 * strategy files only (Linux's mm/slab.h beside the public slab.h, here
 * mm/kmem.h): cache descriptors, slab geometry and free pointers. */
#ifndef FORKLAB_SLAB_H
#define FORKLAB_SLAB_H

#include "mm/kmem.h"
#include "mm/pmm.h"

/* kmem_desc_alloc - a zeroed cache descriptor of @bytes (<= PAGE_SIZE) with
 * its common header filled in; NULL when out of memory or the size (0 or
 * above KMEM_MAX_SIZE) or the alignment is invalid. */
void *kmem_desc_alloc(size_t bytes, const char *name, size_t size, size_t align,
		      void (*ctor)(void *), const struct kmem_ops *ops);
void kmem_desc_free(void *desc);
/* kmem_common_stats - a stats op from the counters every cache keeps (for
 * strategies that count nothing of their own). */
void kmem_common_stats(struct kmem_cache *c, struct kmem_stats *st);
/* kmem_align - the effective alignment for @align (at least 8). */
size_t kmem_align(size_t align);

/* Slab geometry shared by slab and slub: objects of @stride bytes in a block
 * of 2^order pages; a free object's next pointer lives at +free_offset
 * (inside the object, or after it when a constructor's state must survive). */
struct slab_geometry {
	size_t stride;
	u32 order;
	u32 objects;
	u32 free_offset;
};
void kmem_slab_geometry(struct kmem_cache *c, struct slab_geometry *g, bool ptr_outside);
/* kmem_slab_new - a new slab block: every object constructed and chained on
 * page->freelist starting at @first_offset; NULL when out of pages. */
struct page *kmem_slab_new(struct kmem_cache *c, const struct slab_geometry *g,
			   size_t first_offset);
/* kmem_slab_of - the head page of the slab block holding @obj. */
struct page *kmem_slab_of(const void *obj, u32 order);

static inline void *get_freepointer(const void *obj, u32 off) { return *(void **)((char *)obj + off); }
static inline void set_freepointer(void *obj, u32 off, void *next) { *(void **)((char *)obj + off) = next; }

#endif
