/* core/pid/pid.c - the pid strategy family and the Linux-named entry points.
 * A strategy is one ops table in one file; listing it in pid_family is the
 * only other change adding one takes. */
#include "pid/pid.h"
#include "mm/kmem.h"
#include "lib/string.h"
#include "lib/spinlock.h"

DEFINE_STRATEGY_FAMILY(pid_family, "pid", "pid allocation and lookup", &pid_hash_ops.strategy,
		       &pid_hash_ops.strategy, &pid_idr_ops.strategy, &pid_array_ops.strategy);

static const struct pid_ops *pid_ops_current;
/* pidmap_lock - the current strategy's table (bitmap and hash, radix tree
 * or array): every alloc_nr, free_nr and find goes through it, as Linux's
 * pidmap_lock (and the IDR's lock since 4.15) do. */
static DEFINE_SPINLOCK(pidmap_lock);
static struct kmem_cache *pid_cachep;	/* struct pid */

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
	spin_lock(&pidmap_lock);
	r = pid_ops_current->alloc_nr(pid);
	spin_unlock(&pidmap_lock);
	if (r)
		goto out_free;
	return pid;

out_free:
	kmem_cache_free(pid_cachep, pid);
	return ERR_PTR(r);
}

struct pid *find_pid(int nr)
{
	struct pid *pid;

	spin_lock(&pidmap_lock);
	pid = pid_ops_current->find(nr);
	spin_unlock(&pidmap_lock);
	return pid;
}

void get_pid(struct pid *pid)
{
	atomic_inc(&pid->count);
}

void put_pid(struct pid *pid)
{
	if (pid && atomic_dec_and_test(&pid->count))
		kmem_cache_free(pid_cachep, pid);
}

void free_pid(struct pid *pid)
{
	spin_lock(&pidmap_lock);
	pid_ops_current->free_nr(pid);
	spin_unlock(&pidmap_lock);
	put_pid(pid);
}
