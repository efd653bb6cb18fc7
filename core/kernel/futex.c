/* core/kernel/futex.c - fast user-space locking (Linux's kernel/futex/):
 * FUTEX_WAIT, FUTEX_WAKE, FUTEX_REQUEUE and FUTEX_CMP_REQUEUE, with or
 * without FUTEX_PRIVATE_FLAG, and the CLONE_CHILD_CLEARTID wake at thread
 * exit. A futex is keyed by (mm, address): what Linux's get_futex_key gives
 * for private anonymous memory, the only memory forklab has, so a private
 * and a shared futex on one word are the same futex, as on Linux there.
 *
 * A waiter queues a futex_q on its own kernel stack in one of
 * FUTEX_HASH_SIZE buckets, each behind a spinlock. futex_wait takes the
 * bucket lock, reads the word, queues itself and sets its state before the
 * lock is dropped; a waker changes the word in user space first and then
 * takes the same lock, so it either sees the waiter queued or the waiter
 * sees the new value (-EAGAIN): no wake-up is lost on any CPU. A waker
 * dequeues, wakes, and only then clears q->lock_ptr, all under the lock: a
 * waiter that sees lock_ptr NULL may return (its futex_q and task_struct
 * are no longer touched); one that sees it set takes that lock to look
 * (REQUEUE moves a waiter to another bucket and changes its lock_ptr).
 *
 * FUTEX_WAIT with a timeout returns -ENOSYS, what Linux returns for an
 * operation it does not have (forklab has no clock to time it with);
 * every other operation (WAKE_OP, the PI and bitset ones) is -ENOSYS too. */
#include "kernel/futex.h"
#include "kernel/syscalls.h"
#include "kernel/task.h"
#include "lib/atomic.h"
#include "lib/list.h"
#include "lib/spinlock.h"
#include "mm/mm.h"
#include "x86/layout.h"
#include "x86/uaccess.h"

#define FUTEX_HASH_BITS		8
#define FUTEX_HASH_SIZE		(1 << FUTEX_HASH_BITS)

struct futex_hash_bucket {
	struct spinlock lock;
	struct list_head chain;		/* futex_q.list, in arrival order */
} __aligned(SMP_CACHE_BYTES);

struct futex_key {
	struct mm_struct *mm;
	u64 uaddr;
};

struct futex_q {
	struct list_head list;
	struct task_struct *task;
	struct futex_key key;
	/* the lock of the bucket it is queued in; NULL once a waker is done
	 * with it (set under that lock) */
	struct spinlock *volatile lock_ptr;
};

static struct futex_hash_bucket futex_queues[FUTEX_HASH_SIZE];
/* futex_waiters - futex_qs queued now, in every bucket (for the tests) */
static int futex_waiters;

void futex_init(void)
{
	for (int i = 0; i < FUTEX_HASH_SIZE; i++) {
		spin_lock_init(&futex_queues[i].lock, "futex_bucket");
		INIT_LIST_HEAD(&futex_queues[i].chain);
	}
}

int futex_nr_waiting(void)
{
	return *(volatile int *)&futex_waiters;
}

/* hash_futex - the bucket of @key (a multiplicative hash of both words). */
static struct futex_hash_bucket *hash_futex(const struct futex_key *key)
{
	u64 h = ((u64)key->mm ^ (key->uaddr >> 2)) * 0x9e3779b97f4a7c15ULL;

	return &futex_queues[h >> (64 - FUTEX_HASH_BITS)];
}

/* futex_get_value - the word at @uaddr: 0, or -EFAULT (unmapped, or a
 * PROT_NONE guard page, which mprotect may have left mapped for the kernel). */
static int futex_get_value(u64 uaddr, u32 *val)
{
	struct mm_struct *mm = current->mm;
	struct vm_area *vma;
	bool none;

	spin_lock(&mm->page_table_lock);
	vma = find_vma(mm, uaddr);
	none = vma && !vma->prot;
	spin_unlock(&mm->page_table_lock);
	if (none)
		return -EFAULT;
	/* outside every VMA: the fault below grows the stack or fails */
	return copy_from_user(val, uaddr, sizeof(*val)) ? -EFAULT : 0;
}

/* get_futex_key - @uaddr's key in the caller's mm, as Linux checks it: 0,
 * -EINVAL (not 4-byte aligned) or -EFAULT (outside user space; a shared
 * futex also when its word cannot be read). */
static int get_futex_key(u64 uaddr, bool shared, struct futex_key *key)
{
	u32 v;

	if (uaddr & 3)
		return -EINVAL;
	if (!current->mm || uaddr > USER_SPACE_END - sizeof(u32))
		return -EFAULT;
	if (shared && futex_get_value(uaddr, &v))
		return -EFAULT;
	key->mm = current->mm;
	key->uaddr = uaddr;
	return 0;
}

static bool match_futex(const struct futex_key *a, const struct futex_key *b)
{
	return a->mm == b->mm && a->uaddr == b->uaddr;
}

/* wake_futex - with @q's bucket locked: dequeue it, wake its task, then
 * let it go (lock_ptr NULL: the waiter may return and its stack vanish). */
static void wake_futex(struct futex_q *q)
{
	struct task_struct *t = q->task;

	list_del(&q->list);
	atomic_dec(&futex_waiters);
	wake_up_process(t);
	smp_mb();
	q->lock_ptr = NULL;
}

/* futex_wait - sleep on @uaddr while it holds @val; 0 when woken, -EAGAIN
 * (the word differs), -EFAULT, -EINVAL, -EINTR (another thread called
 * exit_group: the caller leaves at its return to user mode). */
static long futex_wait(u64 uaddr, u32 val, bool shared)
{
	struct futex_hash_bucket *hb;
	struct futex_q q;
	struct spinlock *lock;
	u32 cur;
	int r;

	r = get_futex_key(uaddr, shared, &q.key);
	if (r)
		return r;
	hb = hash_futex(&q.key);
	spin_lock(&hb->lock);
	/* under the lock: a waker stores before it locks, so either we see
	 * its value or it sees us queued (a fault here maps the page in) */
	if (futex_get_value(uaddr, &cur)) {
		spin_unlock(&hb->lock);
		return -EFAULT;
	}
	if (cur != val) {
		spin_unlock(&hb->lock);
		return -EAGAIN;
	}
	q.task = current;
	q.lock_ptr = &hb->lock;
	list_add_tail(&q.list, &hb->chain);
	atomic_inc(&futex_waiters);
	for (;;) {
		/* the state before the flag: exit_group sets the flag, then
		 * wakes, so it either finds us asleep or we see the flag */
		current->state = TASK_INTERRUPTIBLE;
		smp_mb();
		if (current->flags & PF_GROUP_KILL) {
			current->state = TASK_RUNNING;
			list_del(&q.list);
			atomic_dec(&futex_waiters);
			spin_unlock(q.lock_ptr);
			return -EINTR;
		}
		spin_unlock(q.lock_ptr);
		schedule();
		/* woken, or asked to leave (exit_group), or moved */
		for (;;) {
			lock = q.lock_ptr;
			if (!lock)
				return 0;
			spin_lock(lock);
			if (lock == q.lock_ptr)
				break;
			spin_unlock(lock);	/* requeued meanwhile: its new bucket */
		}
		/* still queued: exit_group, or a spurious wake-up (a child's
		 * exit wakes its parent): look again under the lock */
	}
}

/* futex_wake_key - wake at most @nr waiters of @key (at least one when
 * there is one, as Linux does for @nr <= 0); how many were woken. */
static long futex_wake_key(const struct futex_key *key, int nr)
{
	struct futex_hash_bucket *hb = hash_futex(key);
	struct futex_q *q, *n;
	long woken = 0;

	spin_lock(&hb->lock);
	list_for_each_entry_safe(q, n, &hb->chain, list) {
		if (!match_futex(&q->key, key))
			continue;
		wake_futex(q);
		if (++woken >= nr)
			break;
	}
	spin_unlock(&hb->lock);
	return woken;
}

static long futex_wake(u64 uaddr, int nr, bool shared)
{
	struct futex_key key;
	int r = get_futex_key(uaddr, shared, &key);

	return r ? r : futex_wake_key(&key, nr);
}

/* double_lock_hb - both buckets, in address order (one lock if the same). */
static void double_lock_hb(struct futex_hash_bucket *a, struct futex_hash_bucket *b)
{
	if (a > b) {
		struct futex_hash_bucket *t = a;

		a = b;
		b = t;
	}
	spin_lock(&a->lock);
	if (a != b)
		spin_lock(&b->lock);
}

static void double_unlock_hb(struct futex_hash_bucket *a, struct futex_hash_bucket *b)
{
	spin_unlock(&a->lock);
	if (a != b)
		spin_unlock(&b->lock);
}

/* futex_requeue - wake @nr_wake waiters of @uaddr and move up to
 * @nr_requeue more to @uaddr2; with @cmp (CMP_REQUEUE) only while @uaddr
 * holds @val (else -EAGAIN). Woken plus moved, or -errno. */
static long futex_requeue(u64 uaddr, u64 uaddr2, int nr_wake, int nr_requeue, bool cmp,
			  u32 val, bool shared)
{
	struct futex_key key1, key2;
	struct futex_hash_bucket *hb1, *hb2;
	struct futex_q *q, *n;
	long done = 0;
	int woken = 0, moved = 0;
	u32 cur;
	int r;

	if (nr_wake < 0 || nr_requeue < 0)
		return -EINVAL;
	r = get_futex_key(uaddr, shared, &key1);
	if (!r)
		r = get_futex_key(uaddr2, shared, &key2);
	if (r)
		return r;
	hb1 = hash_futex(&key1);
	hb2 = hash_futex(&key2);
	double_lock_hb(hb1, hb2);
	if (cmp) {
		if (futex_get_value(uaddr, &cur)) {
			done = -EFAULT;
			goto out;
		}
		if (cur != val) {
			done = -EAGAIN;
			goto out;
		}
	}
	list_for_each_entry_safe(q, n, &hb1->chain, list) {
		if (!match_futex(&q->key, &key1))
			continue;
		if (woken < nr_wake) {
			wake_futex(q);
			woken++;
			continue;
		}
		if (moved >= nr_requeue)
			break;
		/* to the other key: its bucket's chain and lock */
		q->key = key2;
		if (hb1 != hb2) {
			list_del(&q->list);
			list_add_tail(&q->list, &hb2->chain);
			q->lock_ptr = &hb2->lock;
		}
		moved++;
	}
	done = woken + moved;
out:
	double_unlock_hb(hb1, hb2);
	return done;
}

/* sys_futex - futex(uaddr, op, val, timeout or val2, uaddr2, val3). */
long sys_futex(u64 uaddr, u64 op, u64 val, u64 utime, u64 uaddr2, u64 val3)
{
	int cmd = (int)op & ~FUTEX_PRIVATE_FLAG;
	bool shared = !(op & FUTEX_PRIVATE_FLAG);

	switch (cmd) {
	case FUTEX_WAIT:
		if (utime)
			return -ENOSYS;		/* no timed waits (no clock) */
		return futex_wait(uaddr, (u32)val, shared);
	case FUTEX_WAKE:
		return futex_wake(uaddr, (int)val, shared);
	case FUTEX_REQUEUE:
		return futex_requeue(uaddr, uaddr2, (int)val, (int)utime, false, 0, shared);
	case FUTEX_CMP_REQUEUE:
		return futex_requeue(uaddr, uaddr2, (int)val, (int)utime, true, (u32)val3, shared);
	}
	return -ENOSYS;		/* FUTEX_CLOCK_REALTIME too: only for the timed ops */
}

void futex_exit_release(struct task_struct *tsk)
{
	struct futex_key key = { tsk->mm, tsk->clear_child_tid };

	/* Linux's mm_release: only when another thread may look at it */
	if (tsk->mm->mm_users > 1 && !(key.uaddr & 3) &&
	    !put_user_u32(0, key.uaddr))
		futex_wake_key(&key, 1);
	tsk->clear_child_tid = 0;
	tsk->robust_list = 0;
}
