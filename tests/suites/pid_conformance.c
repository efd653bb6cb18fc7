/* tests/suites/pid_conformance.c - what every pid strategy must do: unique numbers,
 * lookup, the cyclic order of pid.h through many wraps, -EAGAIN when full,
 * -ENOMEM with nothing lost, 10 000 live pids, every page back at the end.
 * Uses only report() and the pid, kmem and pmm APIs, so it runs on the host
 * and in the guest. Each allocation is checked against a model of the
 * cyclic order (a shadow table of live numbers plus the last one handed out),
 * so uniqueness, "a freed number waits for the wrap" and "-EAGAIN only when
 * every number is taken" are all one comparison. */
#include "suites/pid_conformance.h"
#include "mm/kmem.h"
#include "mm/pmm.h"
#include "lib/selftest.h"
#include "lib/string.h"

#define TINY_PID_MAX	64	/* below RESERVED_PIDS: wraps back to 1 */
#define SMALL_PID_MAX	400	/* wraps to RESERVED_PIDS: a 100-number window */
#define RANDOM_STEPS	6000	/* random alloc/free steps per table size */
#define MIN_WRAPS	5	/* the random walk must wrap at least this often */
#define SWEEP_EVERY	97	/* steps between full lookup sweeps */
#define MANY_LIVE	10000
#define BIG_STRIDE	61	/* sweeps of a pid_max=32768 table: 1 free number in 61 */
#define ENOMEM_BOUND	30000	/* allocations tried with every page taken */
#define OOM_PREFILL	1000	/* pids allocated before the pages are taken */

static u64 rng;

static u64 next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* The model: which numbers are live (and their struct pid), and the last
 * number handed out; it predicts every allocation. */
struct shadow {
	struct pid **live;		/* [pid_max] */
	unsigned int order;		/* of the pages holding live[] */
	int pid_max, last, n;
};

/* shadow_init - an empty model for @pid_max; false when out of pages. */
static bool shadow_init(struct shadow *s, int pid_max)
{
	struct page *p;

	s->order = kmem_order_for((size_t)pid_max * sizeof(struct pid *));
	p = alloc_pages(s->order);
	if (!p)
		return false;
	s->live = page_address(p);
	memset(s->live, 0, PAGE_SIZE << s->order);
	s->pid_max = pid_max;
	s->last = 0;
	s->n = 0;
	return true;
}

static void shadow_fini(struct shadow *s)
{
	__free_pages(virt_to_page(s->live), s->order);
}

/* shadow_expect - the number alloc_pid must hand out next, or -EAGAIN. */
static int shadow_expect(const struct shadow *s)
{
	int lo = pid_min(s->last), nr = pid_first(s->last, s->pid_max);

	for (int tries = s->pid_max - lo; tries > 0; tries--) {
		if (!s->live[nr])
			return nr;
		nr = nr + 1 < s->pid_max ? nr + 1 : lo;
	}
	return -EAGAIN;
}

/* shadow_alloc - alloc_pid and compare with the model: true if it handed
 * out the number (or the -EAGAIN) the model expects. The pid (or error) is
 * left in *@out, the number (or error) in *@got, the expected one in *@want. */
static bool shadow_alloc(struct shadow *s, struct pid **out, int *got, int *want)
{
	struct pid *p = alloc_pid();

	*want = shadow_expect(s);
	*got = IS_ERR(p) ? (int)PTR_ERR(p) : p->nr;
	*out = p;
	if (*got != *want) {
		if (!IS_ERR(p) && p->nr > 0 && p->nr < s->pid_max && !s->live[p->nr]) {
			s->live[p->nr] = p;	/* keep it so it is freed */
			s->n++;
		}
		return false;
	}
	if (IS_ERR(p))
		return true;
	s->live[p->nr] = p;
	s->last = p->nr;
	s->n++;
	return true;
}

static void shadow_free(struct shadow *s, int nr)
{
	free_pid(s->live[nr]);
	s->live[nr] = NULL;
	s->n--;
}

/* shadow_free_all - free every live pid. */
static void shadow_free_all(struct shadow *s)
{
	for (int nr = 0; nr < s->pid_max && s->n; nr++)
		if (s->live[nr])
			shadow_free(s, nr);
}

/* shadow_sweep - every live number finds its pid; every @stride-th other
 * number (and a few out of range) finds NULL. A stride keeps the sweep of a
 * big table affordable for pid=array. */
static bool shadow_sweep(const struct shadow *s, int stride)
{
	for (int nr = -2; nr < s->pid_max + 70; nr++) {
		struct pid *want = nr > 0 && nr < s->pid_max ? s->live[nr] : NULL;

		if (!want && nr > 0 && nr < s->pid_max && nr % stride)
			continue;
		if (find_pid(nr) != want || (want && want->nr != nr))
			return false;
	}
	return true;
}

/* registry - the ops table is complete and findable by name. */
static void registry(const struct pid_ops *ops)
{
	report(ops->name && ops->desc && ops->init && ops->destroy && ops->alloc_nr &&
	       ops->free_nr && ops->find && ops->nr_in_use, "the ops table is complete");
	report(strategy_find(&pid_family, ops->name) == &ops->strategy, "found by its name");
	report(pid_select(ops, 1) == -EINVAL && pid_select(NULL, 64) == -EINVAL,
	       "pid_select refuses pid_max < 2 and a NULL strategy");
}

/* basics - first numbers, lookups, references, at pid_max 64. */
static void basics(const struct pid_ops *ops)
{
	struct pid *p, *q;
	int first;

	if (pid_select(ops, TINY_PID_MAX)) {
		report(false, "set up with pid_max=%d", TINY_PID_MAX);
		return;
	}
	p = alloc_pid();
	report(!IS_ERR(p) && p->nr == 1 && p->count == 1, "the first number is 1 (got %d)",
	       IS_ERR(p) ? (int)PTR_ERR(p) : p->nr);
	if (IS_ERR(p))
		goto out;
	first = p->nr;
	free_pid(p);
	q = alloc_pid();
	report(!IS_ERR(q) && q->nr == first + 1, "a freed number is not reused at once (got %d)",
	       IS_ERR(q) ? (int)PTR_ERR(q) : q->nr);
	if (IS_ERR(q))
		goto out;
	report(find_pid(first) == NULL, "a freed number is not found");
	report(find_pid(q->nr) == q, "a live number is found");
	report(find_pid(q->nr + 1) == NULL && find_pid(TINY_PID_MAX - 1) == NULL &&
	       find_pid(TINY_PID_MAX) == NULL && find_pid(TINY_PID_MAX + 5) == NULL &&
	       find_pid(0) == NULL && find_pid(-3) == NULL,
	       "numbers never handed out (0, negative, >= pid_max too) are not found");
	report(ops->nr_in_use() == 1, "nr_in_use counts the live number");
	get_pid(q);
	free_pid(q);
	report(find_pid(first + 1) == NULL && q->count == 1 && q->nr == first + 1,
	       "free_pid releases the number while a reference keeps the struct");
	put_pid(q);
	put_pid(NULL);
	report(ops->nr_in_use() == 0, "nothing in use after the last free");
out:
	pid_unselect();
}

/* random_walk - @steps random allocs and frees at @pid_max, each allocation
 * checked against the model; the walk fills the table, drains it, and fills
 * it again, so it wraps and hits -EAGAIN many times. */
static void random_walk(const struct pid_ops *ops, int pid_max, int steps)
{
	struct shadow s;
	bool ordered = true, found = true, filling = true;
	int wraps = 0, fulls = 0, allocs = 0, got = 0, want = 0;

	if (!shadow_init(&s, pid_max) || pid_select(ops, pid_max)) {
		report(false, "set up with pid_max=%d", pid_max);
		return;
	}
	rng = 0x2545f4914f6cdd1dULL ^ (u64)pid_max;
	for (int step = 0; step < steps && ordered; step++) {
		bool do_alloc = s.n == 0 || next_rand() % 4 < (filling ? 3u : 1u);

		if (do_alloc) {
			struct pid *p;
			int last = s.last;

			ordered = shadow_alloc(&s, &p, &got, &want);
			if (IS_ERR(p)) {
				fulls++;
				filling = false;
			} else {
				allocs++;
				wraps += p->nr < last;
			}
		} else {
			int nr = next_rand() % pid_max;

			while (!s.live[nr])
				nr = (nr + 1) % pid_max;
			shadow_free(&s, nr);
			if (s.n == 0 || next_rand() % 64 == 0)
				filling = true;
		}
		if (step % SWEEP_EVERY == 0 && !shadow_sweep(&s, 1))
			found = false;
	}
	report(ordered, "pid_max=%d: %d allocations in the cyclic order (got %d, want %d)",
	       pid_max, allocs, got, want);
	report(wraps >= MIN_WRAPS && fulls >= 1, "pid_max=%d: through %d wraps and %d times full",
	       pid_max, wraps, fulls);
	report(found && shadow_sweep(&s, 1), "pid_max=%d: lookups find exactly the live numbers",
	       pid_max);
	report(ops->nr_in_use() == s.n, "pid_max=%d: nr_in_use matches (%d vs %d)", pid_max,
	       ops->nr_in_use(), s.n);
	shadow_free_all(&s);
	report(ops->nr_in_use() == 0 && shadow_sweep(&s, 1), "pid_max=%d: all freed, none found",
	       pid_max);
	pid_unselect();
	shadow_fini(&s);
}

/* exhaust - -EAGAIN when full; freeing one number makes exactly it come back. */
static void exhaust(const struct pid_ops *ops, int pid_max)
{
	struct shadow s;
	bool ok = true;
	struct pid *p;
	int got, want, nr;

	if (!shadow_init(&s, pid_max) || pid_select(ops, pid_max)) {
		report(false, "set up with pid_max=%d", pid_max);
		return;
	}
	do
		ok = shadow_alloc(&s, &p, &got, &want);
	while (ok && !IS_ERR(p));
	report(ok && got == -EAGAIN && s.n == pid_max - 1,
	       "pid_max=%d: -EAGAIN after all %d numbers (got %d)", pid_max, s.n, got);
	report(PTR_ERR(alloc_pid()) == -EAGAIN, "pid_max=%d: and again", pid_max);
	for (int i = 0; i < 3 && ok; i++) {
		int lo = pid_min(s.last);

		nr = lo + next_rand() % (pid_max - lo);
		shadow_free(&s, nr);
		ok = shadow_alloc(&s, &p, &got, &want) && got == nr &&
		     shadow_alloc(&s, &p, &got, &want) && got == -EAGAIN;
	}
	report(ok, "pid_max=%d: a number freed when full is the next one handed out (got %d)",
	       pid_max, got);
	if (pid_max > RESERVED_PIDS) {
		shadow_free(&s, RESERVED_PIDS / 2);
		ok = shadow_alloc(&s, &p, &got, &want) && got == -EAGAIN;
		report(ok, "pid_max=%d: after the wrap a number below %d stays unused (got %d)",
		       pid_max, RESERVED_PIDS, got);
	}
	shadow_free_all(&s);
	pid_unselect();
	shadow_fini(&s);
}

/* many_live - 10 000 live pids at the default pid_max, found, thinned out. */
static void many_live(const struct pid_ops *ops)
{
	struct shadow s;
	bool ok = true;
	struct pid *p;
	int got = 0, want = 0;

	if (!shadow_init(&s, PID_MAX_DEFAULT) || pid_select(ops, PID_MAX_DEFAULT)) {
		report(false, "set up with pid_max=%d", PID_MAX_DEFAULT);
		return;
	}
	while (s.n < MANY_LIVE && ok)
		ok = shadow_alloc(&s, &p, &got, &want) && !IS_ERR(p);
	report(ok && s.n == MANY_LIVE, "%d live pids numbered 1..%d (got %d, want %d)",
	       MANY_LIVE, MANY_LIVE, got, want);
	report(shadow_sweep(&s, BIG_STRIDE), "all %d are found, nothing else is", s.n);
	for (int nr = 1; nr < PID_MAX_DEFAULT; nr += 2)
		if (s.live[nr])
			shadow_free(&s, nr);
	report(shadow_sweep(&s, BIG_STRIDE),
	       "after freeing every odd number, exactly the rest are found");
	ok = shadow_alloc(&s, &p, &got, &want);
	report(ok && got == MANY_LIVE + 1, "the next number is %d, not a hole (got %d)",
	       MANY_LIVE + 1, got);
	shadow_free_all(&s);
	report(ops->nr_in_use() == 0, "all freed");
	pid_unselect();
	shadow_fini(&s);
}

/* hoard/unhoard - take every free page (chained through themselves), give
 * them back. */
static void *hoard(void)
{
	void *head = NULL;
	struct page *p;

	while ((p = alloc_pages(0))) {
		*(void **)page_address(p) = head;
		head = page_address(p);
	}
	return head;
}

static void unhoard(void *head)
{
	while (head) {
		void *next = *(void **)head;

		__free_pages(virt_to_page(head), 0);
		head = next;
	}
}

/* out_of_memory - with no page left, alloc_pid fails with -ENOMEM before
 * the numbers run out, loses nothing (a failed pid=idr insert frees the
 * struct pid and any node it made), and works again once pages are back. */
static void out_of_memory(const struct pid_ops *ops)
{
	struct shadow s;
	bool ok = true;
	struct pid *p = NULL;
	int got = 0, want = 0, before, last;
	void *pages;

	if (!shadow_init(&s, PID_MAX_DEFAULT) || pid_select(ops, PID_MAX_DEFAULT)) {
		report(false, "set up with pid_max=%d", PID_MAX_DEFAULT);
		return;
	}
	while (s.n < OOM_PREFILL && ok)
		ok = shadow_alloc(&s, &p, &got, &want) && !IS_ERR(p);
	pages = hoard();
	/* Free all but one number in 64: the pid cache gets free objects while
	 * no idr leaf empties, so pid=idr runs out of tree nodes first. */
	for (int nr = 1; nr <= OOM_PREFILL; nr++)
		if (nr % 64 != 1 && s.live[nr])
			shadow_free(&s, nr);
	before = s.n;
	while (ok && !IS_ERR(p) && s.n < ENOMEM_BOUND) {
		p = alloc_pid();
		if (!IS_ERR(p)) {
			ok = p->nr > 0 && p->nr < s.pid_max && !s.live[p->nr];
			if (!ok)
				break;
			s.live[p->nr] = p;
			s.last = p->nr;
			s.n++;
		}
	}
	last = s.last;
	ok = ok && shadow_sweep(&s, BIG_STRIDE) && ops->nr_in_use() == s.n;
	unhoard(pages);
	if (!IS_ERR(p)) {
		report_skip("%s: the allocator did not run out within %d pids", ops->name,
			    ENOMEM_BOUND);
	} else {
		report(PTR_ERR(p) == -ENOMEM && ok,
		       "-ENOMEM with every page taken after %d more pids (got %ld), nothing lost",
		       s.n - before, PTR_ERR(p));
		ok = shadow_alloc(&s, &p, &got, &want);
		report(ok && got == last + 1, "with pages back the next number is %d (got %d)",
		       last + 1, got);
	}
	shadow_free_all(&s);
	report(ops->nr_in_use() == 0, "all freed");
	pid_unselect();
	shadow_fini(&s);
}

void pid_conformance(const struct pid_ops *ops)
{
	u64 free0 = nr_free_pages();

	report_prefix_push(ops->name);
	registry(ops);
	basics(ops);
	random_walk(ops, TINY_PID_MAX, RANDOM_STEPS);
	random_walk(ops, SMALL_PID_MAX, RANDOM_STEPS * 2);
	exhaust(ops, TINY_PID_MAX);
	exhaust(ops, SMALL_PID_MAX);
	many_live(ops);
	out_of_memory(ops);
	report(nr_free_pages() == free0, "every page is back after pid_unselect (%ld missing)",
	       (long)(free0 - nr_free_pages()));
	report_prefix_pop();
}
