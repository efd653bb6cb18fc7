/* core/mm/pmm.h - the physical page allocator: a binary buddy system over the
 * usable RAM, with a struct page for every page frame. Pure logic over a
 * direct map, so the host unit tests run it over an ordinary arena. */
#ifndef FORKLAB_PMM_H
#define FORKLAB_PMM_H

#include "lib/list.h"
#include "lib/atomic.h"
#include "x86/percpu.h"

#define MAX_ORDER	11		/* orders 0..10: 4 KiB .. 4 MiB blocks */

/* struct page flags */
#define PG_buddy	(1U << 0)	/* free, head of a block in a free list */
#define PG_reserved	(1U << 1)	/* never handed out (the memmap itself, holes) */
#define PG_slab		(1U << 2)	/* owned by an object allocator */
#define PG_head		(1U << 3)	/* first page of an allocated block */

struct kmem_cache;

/* One per page frame. The buddy allocator owns flags/order/lru while a
 * block is free; an object allocator owns lru and the slab fields of the
 * head page of a block it holds. 64 bytes, as Linux's: pfn <-> struct page
 * is a shift, which the fork path's PTE loop counts on (pt_cow.c). */
#define PAGE_STRUCT_SHIFT 6
struct page {
	u32 flags;
	u32 order;			/* block order: free blocks and allocated heads */
	int _refcount;			/* 0 when free; COW shares raise it */
	u32 inuse;			/* slab strategies: objects not on ->freelist */
	struct list_head lru;		/* buddy free list, or a cache's slab list */
	struct kmem_cache *slab_cache;	/* slab strategies: owner */
	void *freelist;			/* slab strategies: first free object */
	u64 _pad[2];
};
_Static_assert(sizeof(struct page) == 1 << PAGE_STRUCT_SHIFT, "struct page is 64 bytes");

/* The memmap, an array indexed by pfn from pfn 0 (Linux's flat mem_map),
 * kept as an integer; set by pmm_init. Frame 0 is never managed: its
 * struct page is where copy_pte_range counts the empty entries it copies
 * (a user PTE is either present or 0), so that loop needs no branch. */
extern u64 vmemmap_base;

/* Virtual address of physical address 0 (the direct map). The kernel sets
 * PAGE_OFFSET; the host tests point it at their arena. */
extern u64 direct_map_base;
static inline void *__va(u64 pa) { return (void *)(pa + direct_map_base); }
static inline u64 __pa_of(const void *va) { return (u64)va - direct_map_base; }
#define __pa(va) __pa_of((const void *)(va))

struct mem_range {
	u64 start, end;			/* physical [start, end), page-aligned */
};

struct pmm_stats {
	u64 total_pages;		/* managed, memmap excluded */
	u64 free_pages;
	u64 free_per_order[MAX_ORDER];	/* free blocks per order */
	u64 total_allocs, total_frees;	/* blocks */
	u64 pages_in_use, high_water;	/* pages */
};

/* pmm_init - manage @ranges (usable, page-aligned); the memmap is carved out
 * of them. Returns 0, or -ENOMEM if no range can hold the memmap. */
int pmm_init(const struct mem_range *ranges, int nr);
/* alloc_pages - a block of 2^@order pages, refcount 1; NULL when none. */
struct page *alloc_pages(unsigned int order);
/* __free_pages - return a block from alloc_pages (its refcount is ignored);
 * merges it with its free buddies. Panics on a double free or a wrong order. */
void __free_pages(struct page *page, unsigned int order);
static inline struct page *alloc_page(void) { return alloc_pages(0); }
static inline void __free_page(struct page *page) { __free_pages(page, 0); }

static inline u64 page_to_pfn(const struct page *page)
{
	return ((u64)page - vmemmap_base) >> PAGE_STRUCT_SHIFT;
}
static inline u64 page_to_phys(const struct page *page) { return page_to_pfn(page) << PAGE_SHIFT; }
static inline void *page_address(const struct page *page) { return __va(page_to_phys(page)); }
/* __phys_to_page - unchecked: @pa must be managed memory (hot paths). */
static inline struct page *__phys_to_page(u64 pa)
{
	return (struct page *)(vmemmap_base + ((pa >> PAGE_SHIFT) << PAGE_STRUCT_SHIFT));
}
/* phys_to_page - checked: panics if @pa is outside managed memory. */
struct page *phys_to_page(u64 pa);
static inline struct page *virt_to_page(const void *addr) { return phys_to_page(__pa(addr)); }

static inline void get_page(struct page *page) { atomic_inc(&page->_refcount); }
static inline int page_count(const struct page *page) { return page->_refcount; }
/* put_page - drop a reference; the last one frees the (order-0) page. */
void put_page(struct page *page);
/* split_page - make the allocated block @page of 2^@order pages that many
 * order-0 pages, each with @page's reference count (Linux's split_page;
 * a transparent huge page split into 4 KiB ones, mm/huge_memory.c). */
void split_page(struct page *page, unsigned int order);

/* pmm_reclaim - when set, alloc_pages calls it once when the free lists
 * cannot serve a request, and tries again: per-CPU caches of pages give
 * them back (Linux's drain_all_pages). */
extern void (*pmm_reclaim)(void);

/* pmm_set_min_free - alloc_pages on this CPU fails rather than leave fewer
 * free pages than @pages (0: no floor). kernel_clone raises it for the time
 * of a fork, as Linux's min watermark keeps a reserve that page faults may
 * still use; per CPU, so one CPU's fork ending does not lower another's. */
static inline void pmm_set_min_free(u64 pages)
{
	this_cpu_write(pmm_min_free, pages);
}

/* nr_free_pages - pages on the buddy free lists now. */
u64 nr_free_pages(void);
/* pmm_get_stats - a snapshot of the counters. */
void pmm_get_stats(struct pmm_stats *st);

#endif
