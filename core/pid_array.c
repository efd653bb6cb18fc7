/* core/pid_array.c - pid=array: xv6's process table. A fixed table of
 * slots is scanned for a free one; a candidate number is checked against
 * every live one by scanning too, and a lookup scans for a match. The naive
 * baseline that shows what the pid hash and the radix tree buy. */
#include "pid.h"
#include "kmem.h"
#include "pmm.h"
#include "string.h"

static struct pid **table;
static int nr_slots, pid_max, last_pid, in_use;
static unsigned int table_order;

static int array_init(int max)
{
	struct page *page;

	table_order = kmem_order_for(sizeof(struct pid *) * (size_t)max);
	page = alloc_pages(table_order);
	if (!page)
		return -ENOMEM;
	table = page_address(page);
	memset(table, 0, PAGE_SIZE << table_order);
	nr_slots = max;
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

static int array_alloc_nr(struct pid *pid)
{
	int nr = last_pid, slot = -1, tries;

	if (in_use >= pid_max - 1)
		return -EAGAIN;
	for (int i = 0; i < nr_slots && slot < 0; i++)
		if (!table[i])
			slot = i;
	for (tries = 0; tries < pid_max; tries++) {
		nr = pid_next_candidate(nr, pid_max);
		if (!array_find(nr))
			break;
	}
	if (slot < 0 || tries == pid_max)
		return -EAGAIN;
	pid->nr = nr;
	table[slot] = pid;
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
			return;
		}
	}
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
