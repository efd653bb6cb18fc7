/* core/pid/pid_hash.c - pid=hash: Linux 2.6. A bitmap (pidmap) says which
 * numbers are taken and is scanned from the last number handed out; a
 * chained hash table keyed by number (pid_hash) finds a struct pid. */
#include "pid/pid.h"
#include "mm/kmem.h"
#include "mm/pmm.h"
#include "lib/string.h"

#define GOLDEN_RATIO_32	0x61C88647u

static u64 *pidmap;
static struct list_head *pid_hash;
static u32 hash_bits;
static int pid_max, last_pid, in_use;
static unsigned int map_order, hash_order;

static inline u32 pid_hashfn(int nr)
{
	return ((u32)nr * GOLDEN_RATIO_32) >> (32 - hash_bits);
}

/* hash_init - a zeroed pidmap and ~pid_max/8 empty buckets (16..65536);
 * 0 or -ENOMEM. */
static int hash_init(int max)
{
	size_t map_bytes = ALIGN_UP((size_t)max, 64) / 8;
	struct page *map, *table;

	hash_bits = 4;
	while ((1 << hash_bits) < max / 8 && hash_bits < 16)
		hash_bits++;
	map_order = kmem_order_for(map_bytes);
	hash_order = kmem_order_for(sizeof(struct list_head) << hash_bits);
	map = alloc_pages(map_order);
	table = alloc_pages(hash_order);
	if (!map || !table) {
		if (map)
			__free_pages(map, map_order);
		if (table)
			__free_pages(table, hash_order);
		return -ENOMEM;
	}
	pidmap = page_address(map);
	memset(pidmap, 0, PAGE_SIZE << map_order);
	pid_hash = page_address(table);
	for (u32 i = 0; i < (1U << hash_bits); i++)
		INIT_LIST_HEAD(&pid_hash[i]);
	pid_max = max;
	last_pid = 0;
	in_use = 0;
	return 0;
}

static void hash_destroy(void)
{
	__free_pages(virt_to_page(pidmap), map_order);
	__free_pages(virt_to_page(pid_hash), hash_order);
}

/* find_next_zero - the first clear bit in [from, to), or -1. */
static int find_next_zero(int from, int to)
{
	while (from < to) {
		u64 word = ~pidmap[from / 64] >> (from % 64);

		if (word) {
			int nr = from + __builtin_ctzll(word);

			return nr < to ? nr : -1;
		}
		from = ALIGN_DOWN(from, 64) + 64;
	}
	return -1;
}

/* hash_alloc_nr - the next clear bit in cyclic order (alloc_pidmap). */
static int hash_alloc_nr(struct pid *pid)
{
	int start = pid_first(last_pid, pid_max);
	int nr = find_next_zero(start, pid_max);

	if (nr < 0)
		nr = find_next_zero(pid_min(last_pid), start);
	if (nr < 0)
		return -EAGAIN;
	pidmap[nr / 64] |= 1ULL << (nr % 64);
	pid->nr = nr;
	list_add(&pid->hash_chain, &pid_hash[pid_hashfn(nr)]);
	last_pid = nr;
	in_use++;
	return 0;
}

static void hash_free_nr(struct pid *pid)
{
	pidmap[pid->nr / 64] &= ~(1ULL << (pid->nr % 64));
	list_del(&pid->hash_chain);
	in_use--;
}

static struct pid *hash_find(int nr)
{
	struct pid *pid;

	if (nr <= 0 || nr >= pid_max)
		return NULL;
	list_for_each_entry(pid, &pid_hash[pid_hashfn(nr)], hash_chain)
		if (pid->nr == nr)
			return pid;
	return NULL;
}

static int hash_nr_in_use(void)
{
	return in_use;
}

const struct pid_ops pid_hash_ops = {
	.name = "hash",
	.desc = "pidmap bitmap + chained hash table (Linux 2.6 pid_hash)",
	.init = hash_init,
	.destroy = hash_destroy,
	.alloc_nr = hash_alloc_nr,
	.free_nr = hash_free_nr,
	.find = hash_find,
	.nr_in_use = hash_nr_in_use,
};
