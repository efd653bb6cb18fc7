/* core/pid.c - the pid strategy registry and the Linux-named entry points.
 * A strategy is one ops table in one file; listing it in pid_strategies[]
 * is the only other change adding one takes. */
#include "pid/pid.h"
#include "mm/kmem.h"
#include "lib/string.h"

extern const struct pid_ops pid_hash_ops, pid_idr_ops, pid_array_ops;

static const struct pid_ops *const pid_strategies[] = {
	&pid_hash_ops,
	&pid_idr_ops,
	&pid_array_ops,
};

static const struct pid_ops *pid_ops_current;
static struct kmem_cache *pid_cachep;	/* struct pid */

/* pid_nr_strategies/pid_strategy - the registry, in listing order. */
int pid_nr_strategies(void)
{
	return ARRAY_SIZE(pid_strategies);
}

const struct pid_ops *pid_strategy(int i)
{
	return pid_strategies[i];
}

/* pid_find_strategy - the strategy called @name, or NULL. */
const struct pid_ops *pid_find_strategy(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(pid_strategies); i++)
		if (!strcmp(pid_strategies[i]->name, name))
			return pid_strategies[i];
	return NULL;
}

const struct pid_ops *pid_current(void)
{
	return pid_ops_current;
}

int pid_select(const struct pid_ops *ops, int pid_max)
{
	int r;

	pid_unselect();
	if (!ops || pid_max < 2)
		return -EINVAL;
	pid_cachep = kmem_cache_create("pid", sizeof(struct pid), 8, NULL);
	if (!pid_cachep)
		return -ENOMEM;
	r = ops->init(pid_max);
	if (r)
		goto out_cache;
	pid_ops_current = ops;
	return 0;

out_cache:
	kmem_cache_destroy(pid_cachep);
	pid_cachep = NULL;
	return r;
}

/* pid_unselect - tear the current table down; every number must be free.
 * pid_current() keeps naming the strategy (callers print it). */
void pid_unselect(void)
{
	if (!pid_cachep)
		return;
	pid_ops_current->destroy();
	kmem_cache_destroy(pid_cachep);
	pid_cachep = NULL;
}

struct pid *alloc_pid(void)
{
	struct pid *pid = kmem_cache_alloc(pid_cachep);
	int r;

	if (!pid)
		return ERR_PTR(-ENOMEM);
	pid->count = 1;
	pid->task = NULL;
	r = pid_ops_current->alloc_nr(pid);
	if (r)
		goto out_free;
	return pid;

out_free:
	kmem_cache_free(pid_cachep, pid);
	return ERR_PTR(r);
}

struct pid *find_pid(int nr)
{
	return pid_ops_current->find(nr);
}

void get_pid(struct pid *pid)
{
	pid->count++;
}

void put_pid(struct pid *pid)
{
	if (pid && --pid->count == 0)
		kmem_cache_free(pid_cachep, pid);
}

void free_pid(struct pid *pid)
{
	pid_ops_current->free_nr(pid);
	put_pid(pid);
}
