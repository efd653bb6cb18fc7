/* core/pid/pid_idr.c - pid=idr: a radix tree keyed by pid number, as Linux
 * allocates pids since 4.15. 64-way nodes; each node has a bitmap of slots
 * with room below them, so the next free number at or after a start is
 * found in one walk down. Empty nodes are freed. Searches start at 1, so
 * id 0 (the idle task's) is never handed out. */
#include "pid/pid.h"
#include "mm/kmem.h"
#include "lib/string.h"

#define IDR_BITS	6
#define IDR_SLOTS	(1 << IDR_BITS)
#define IDR_NOMEM	(-2)
#define IDR_FULL	(-1)

struct idr_node {
	u64 free;			/* bit i: slot i has room (leaf: is empty) */
	int count;			/* slots in use */
	void *slots[IDR_SLOTS];
};

static struct kmem_cache *idr_node_cachep;	/* struct idr_node */
static struct idr_node *root;
static int levels, pid_max, last_pid, in_use;

static struct idr_node *node_new(void)
{
	struct idr_node *n = kmem_cache_alloc(idr_node_cachep);

	if (n) {
		memset(n, 0, sizeof(*n));
		n->free = ~0ULL;
	}
	return n;
}

static int idr_init(int max)
{
	idr_node_cachep = kmem_cache_create("idr_node", sizeof(struct idr_node), 64, NULL);
	if (!idr_node_cachep)
		return -ENOMEM;
	pid_max = max;
	levels = 1;
	while ((1L << (IDR_BITS * levels)) < max)
		levels++;
	root = NULL;
	last_pid = 0;
	in_use = 0;
	return 0;
}

static void idr_destroy(void)
{
	if (root)			/* only an empty root can be left */
		kmem_cache_free(idr_node_cachep, root);
	root = NULL;
	kmem_cache_destroy(idr_node_cachep);
}

/* insert_from - put @pid at the lowest free id >= @start in the subtree at
 * @n (@level, first id @base); returns the id, IDR_FULL or IDR_NOMEM. */
static int insert_from(struct idr_node *n, int level, int base, int start, struct pid *pid)
{
	int shift = IDR_BITS * level;
	int first = start > base ? (start - base) >> shift : 0;

	for (int i = first; i < IDR_SLOTS; i++) {
		int cbase = base + (i << shift);
		struct idr_node *c;
		int r;

		if (cbase >= pid_max)
			return IDR_FULL;
		if (!(n->free & (1ULL << i)))
			continue;
		if (level == 0) {
			n->slots[i] = pid;
			n->count++;
			n->free &= ~(1ULL << i);
			return cbase;
		}
		c = n->slots[i];
		if (!c) {
			c = node_new();
			if (!c)
				return IDR_NOMEM;
			n->slots[i] = c;
			n->count++;
		}
		r = insert_from(c, level - 1, cbase, MAX(start, cbase), pid);
		if (r >= 0) {
			if (!c->free)
				n->free &= ~(1ULL << i);
			return r;
		}
		if (!c->count) {	/* a node made for nothing */
			kmem_cache_free(idr_node_cachep, c);
			n->slots[i] = NULL;
			n->count--;
		}
		if (r == IDR_NOMEM)
			return r;
	}
	return IDR_FULL;
}

/* idr_alloc_nr - idr_alloc_cyclic: the lowest free id >= the cursor, else
 * the lowest >= pid_min; the root is kept once made (freed by destroy). */
static int idr_alloc_nr(struct pid *pid)
{
	int start = pid_first(last_pid, pid_max), lo = pid_min(last_pid), nr;

	if (!root) {
		root = node_new();
		if (!root)
			return -ENOMEM;
	}
	nr = insert_from(root, levels - 1, 0, start, pid);
	if (nr == IDR_FULL && start > lo)
		nr = insert_from(root, levels - 1, 0, lo, pid);
	if (nr == IDR_NOMEM)
		return -ENOMEM;
	if (nr < 0)
		return -EAGAIN;
	pid->nr = nr;
	last_pid = nr;
	in_use++;
	return 0;
}

/* remove_at - clear id @nr below @n; true if @n became empty. */
static bool remove_at(struct idr_node *n, int level, int nr)
{
	int i = (nr >> (IDR_BITS * level)) & (IDR_SLOTS - 1);

	if (level > 0) {
		struct idr_node *c = n->slots[i];

		if (remove_at(c, level - 1, nr)) {
			kmem_cache_free(idr_node_cachep, c);
			n->slots[i] = NULL;
			n->count--;
		}
	} else {
		n->slots[i] = NULL;
		n->count--;
	}
	n->free |= 1ULL << i;
	return n->count == 0;
}

static void idr_free_nr(struct pid *pid)
{
	remove_at(root, levels - 1, pid->nr);
	in_use--;
}

static struct pid *idr_find(int nr)
{
	struct idr_node *n = root;

	if (nr <= 0 || nr >= pid_max)
		return NULL;
	for (int level = levels - 1; n && level > 0; level--)
		n = n->slots[(nr >> (IDR_BITS * level)) & (IDR_SLOTS - 1)];
	return n ? n->slots[nr & (IDR_SLOTS - 1)] : NULL;
}

static int idr_nr_in_use(void)
{
	return in_use;
}

const struct pid_ops pid_idr_ops = {
	.name = "idr",
	.desc = "radix tree keyed by pid number, free-slot bitmaps (Linux >= 4.15 IDR)",
	.init = idr_init,
	.destroy = idr_destroy,
	.alloc_nr = idr_alloc_nr,
	.free_nr = idr_free_nr,
	.find = idr_find,
	.nr_in_use = idr_nr_in_use,
};
