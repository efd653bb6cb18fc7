/* core/pid/pid_array.c - pid=array: xv6's process table. Live pids sit in a
 * fixed table of pid_max slots, filled lowest slot first; a lookup scans
 * the slots in use (up to the high-water mark) for the number, and so does
 * the check that a candidate number is free. The naive baseline that shows
 * what the pid hash and the radix tree buy: its cost grows with the number
 * of live pids. */
#include "pid/pid.h"
#include "mm/kmem.h"
#include "mm/pmm.h"
#include "lib/string.h"

static struct pid **table;
static int nr_slots;		/* slots below this may be in use */
static int pid_max, last_pid, in_use;
static unsigned int table_order;

/* array_init - a zeroed table of @max slots; 0 or -ENOMEM. */
static int array_init(int max)
{
	struct page *page;

	table_order = kmem_order_for(sizeof(struct pid *) * (size_t)max);
	page = alloc_pages(table_order);
	if (!page)
		return -ENOMEM;
	table = page_address(page);
	memset(table, 0, PAGE_SIZE << table_order);
	nr_slots = 0;
	pid_max = max;
	last_pid = 0;
	in_use = 0;
	return 0;
}

static void array_destroy(void)
{
	__free_pages(virt_to_page(table), table_order);
}

static struct pid *array_find(int nr)
{
	for (int i = 0; i < nr_slots; i++)
		if (table[i] && table[i]->nr == nr)
			return table[i];
	return NULL;
}

/* array_alloc_nr - the first number in cyclic order that no slot holds, in
 * the lowest free slot. Numbers in use < pid_max = slots, so a free number
 * always has a free slot. */
static int array_alloc_nr(struct pid *pid)
{
	int lo = pid_min(last_pid), nr = pid_first(last_pid, pid_max), slot = 0;

	for (int tries = pid_max - lo; array_find(nr); tries--) {
		if (tries == 1)
			return -EAGAIN;
		nr = nr + 1 < pid_max ? nr + 1 : lo;
	}
	while (table[slot])
		slot++;
	table[slot] = pid;
	if (slot >= nr_slots)
		nr_slots = slot + 1;
	pid->nr = nr;
	last_pid = nr;
	in_use++;
	return 0;
}

static void array_free_nr(struct pid *pid)
{
	for (int i = 0; i < nr_slots; i++) {
		if (table[i] == pid) {
			table[i] = NULL;
			in_use--;
			break;
		}
	}
	while (nr_slots > 0 && !table[nr_slots - 1])
		nr_slots--;
}

static int array_nr_in_use(void)
{
	return in_use;
}

const struct pid_ops pid_array_ops = {
	.name = "array",
	.desc = "fixed table scanned for a free slot and for lookups (xv6): the naive baseline",
	.init = array_init,
	.destroy = array_destroy,
	.alloc_nr = array_alloc_nr,
	.free_nr = array_free_nr,
	.find = array_find,
	.nr_in_use = array_nr_in_use,
};
