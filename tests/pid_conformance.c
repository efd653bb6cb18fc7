/* tests/pid_conformance.c - uniqueness, lookup, cyclic reuse, wrap-around,
 * exhaustion and clean tear-down for one pid strategy. Uses only report()
 * and the pid API, so it runs on the host and in the guest. */
#include "pid_conformance.h"
#include "kmem.h"
#include "pmm.h"
#include "selftest.h"
#include "string.h"

#define SMALL_PID_MAX	400
#define WRAP_STEPS	5000
#define WRAP_LIVE_MAX	60	/* after a wrap only 301..399 are handed out */
#define MANY_LIVE	10000

static u64 rng = 0x2545f4914f6cdd1dULL;

static u64 next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* scratch - zeroed pages for the test's own bookkeeping. */
static void *scratch(unsigned int order)
{
	struct page *p = alloc_pages(order);

	if (!p)
		return NULL;
	memset(page_address(p), 0, PAGE_SIZE << order);
	return page_address(p);
}

static void small_table(const struct pid_ops *ops)
{
	struct pid **live = scratch(0);		/* SMALL_PID_MAX pointers fit in 4 KiB */
	bool unique = true, found = true, cyclic = true;
	int first, n = 0;
	struct pid *p, *q;

	if (!live || pid_select(ops, SMALL_PID_MAX)) {
		report(false, "set up with pid_max=%d", SMALL_PID_MAX);
		return;
	}
	p = alloc_pid();
	report(!IS_ERR(p) && p->nr == 1, "the first number is 1 (got %d)", IS_ERR(p) ? -1 : p->nr);
	first = p->nr;
	free_pid(p);
	q = alloc_pid();
	report(!IS_ERR(q) && q->nr == first + 1, "a freed number is not reused at once (%d)",
	       IS_ERR(q) ? -1 : q->nr);
	report(find_pid(first) == NULL, "a freed number is not found");
	report(find_pid(q->nr) == q, "a live number is found");
	report(find_pid(SMALL_PID_MAX + 5) == NULL && find_pid(0) == NULL && find_pid(-3) == NULL,
	       "numbers never handed out are not found");
	free_pid(q);

	/* random alloc/free through many wraps, against a shadow table */
	for (int step = 0; step < WRAP_STEPS; step++) {
		bool do_free = n > 0 && (next_rand() % 3 == 0 || n > WRAP_LIVE_MAX);

		if (do_free) {
			int i = next_rand() % SMALL_PID_MAX;

			while (!live[i])
				i = (i + 1) % SMALL_PID_MAX;
			if (find_pid(i) != live[i])
				found = false;
			free_pid(live[i]);
			live[i] = NULL;
			n--;
		} else {
			p = alloc_pid();
			if (IS_ERR(p) || p->nr <= 0 || p->nr >= SMALL_PID_MAX || live[p->nr]) {
				unique = false;
				break;
			}
			live[p->nr] = p;
			n++;
		}
	}
	report(unique, "numbers stay unique through %d random steps at pid_max=%d", WRAP_STEPS,
	       SMALL_PID_MAX);
	report(found, "every live number is found");
	report(ops->nr_in_use() == n, "nr_in_use matches (%d vs %d)", ops->nr_in_use(), n);

	/* exhaustion: take every number, then one more */
	while (!IS_ERR(p = alloc_pid())) {
		if (live[p->nr]) {
			unique = false;
			break;
		}
		live[p->nr] = p;
		n++;
	}
	report(PTR_ERR(p) == -EAGAIN && unique, "-EAGAIN once all %d numbers are taken", n);
	for (int i = 0; i < SMALL_PID_MAX; i++) {
		if (live[i] && i > RESERVED_PIDS && cyclic) {
			free_pid(live[i]);
			live[i] = NULL;
			n--;
			p = alloc_pid();
			cyclic = !IS_ERR(p) && p->nr == i;
			if (!IS_ERR(p))
				live[p->nr] = p, n++;
		}
	}
	report(cyclic, "when full, a freed number is the one handed out next");
	for (int i = 0; i < SMALL_PID_MAX; i++)
		if (live[i])
			free_pid(live[i]);
	report(ops->nr_in_use() == 0, "all numbers freed");
	pid_unselect();
	__free_pages(virt_to_page(live), 0);
}

static void many_live(const struct pid_ops *ops)
{
	unsigned int order = kmem_order_for(MANY_LIVE * sizeof(struct pid *));
	struct pid **live = scratch(order);
	bool ok = true;
	int n;

	if (!live || pid_select(ops, PID_MAX_DEFAULT)) {
		report(false, "set up with pid_max=%d", PID_MAX_DEFAULT);
		return;
	}
	for (n = 0; n < MANY_LIVE && ok; n++) {
		live[n] = alloc_pid();
		ok = !IS_ERR(live[n]);
	}
	for (int i = 0; i < n && ok; i++)
		ok = find_pid(live[i]->nr) == live[i];
	report(ok, "%d live pids are all found", MANY_LIVE);
	for (int i = 0; i < n; i++)
		if (!IS_ERR(live[i]))
			free_pid(live[i]);
	pid_unselect();
	__free_pages(virt_to_page(live), order);
}

void pid_conformance(const struct pid_ops *ops)
{
	u64 free0 = nr_free_pages();

	report_prefix_push(ops->name);
	small_table(ops);
	many_live(ops);
	report(nr_free_pages() == free0, "every page is back after pid_unselect (%ld missing)",
	       (long)(free0 - nr_free_pages()));
	report_prefix_pop();
}
