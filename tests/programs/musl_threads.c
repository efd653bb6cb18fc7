/* tests/programs/musl_threads.c - an ordinary threaded C program built with
 * musl-gcc -static: pthread_create, pthread_join, a mutex, condition
 * variables (signal and broadcast), a detached thread (musl unmaps its
 * stack while it runs on it, then exits), and threads created until
 * pthread_create fails or MAX_BLOCKED exist (forklab's VMA slots run out
 * first: the failure path; Linux's do not). make check runs it as pid 1 on
 * forklab and on this Linux host and compares the lines; it exits 0. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define NR_WORKERS	6
#define INCREMENTS	2000
#define MAX_BLOCKED	40

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t started_cv = PTHREAD_COND_INITIALIZER;
static pthread_cond_t go_cv = PTHREAD_COND_INITIALIZER;
static int started, go, counter, detached_ran;

/* collatz_steps - steps of the Collatz sequence from @n to 1: some work. */
static unsigned collatz_steps(unsigned long n)
{
	unsigned steps = 0;

	while (n != 1) {
		n = (n & 1) ? 3 * n + 1 : n / 2;
		steps++;
	}
	return steps;
}

/* worker - say it started, wait for everyone's go (a broadcast), then add
 * to the shared counter under the mutex and return its own result. */
static void *worker(void *arg)
{
	long id = (long)arg;
	unsigned long best = 0, best_n = 0;
	char *buf = malloc(4096 * (id + 1));	/* each thread's own heap */

	pthread_mutex_lock(&lock);
	started++;
	pthread_cond_signal(&started_cv);
	while (!go)
		pthread_cond_wait(&go_cv, &lock);
	pthread_mutex_unlock(&lock);

	for (unsigned long n = 1 + id * 10000; n <= (unsigned long)(id + 1) * 10000; n++) {
		unsigned s = collatz_steps(n);

		if (s > best) {
			best = s;
			best_n = n;
		}
	}
	memset(buf, (int)id, 4096 * (id + 1));
	for (int i = 0; i < INCREMENTS; i++) {
		pthread_mutex_lock(&lock);
		counter++;
		pthread_mutex_unlock(&lock);
	}
	best += buf[4096 * id] - id;	/* 0: the heap held what it wrote */
	free(buf);
	return (void *)(best_n << 16 | best);
}

/* detached - runs alone; musl's exit path unmaps this stack under it */
static void *detached(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	detached_ran = 1;
	pthread_cond_signal(&started_cv);
	pthread_mutex_unlock(&lock);
	return NULL;
}

/* blocked - waits for the mutex main holds */
static void *blocked(void *arg)
{
	pthread_mutex_lock(&lock);
	pthread_mutex_unlock(&lock);
	return arg;
}

/* create_until_failure - threads that block until main lets them go, made
 * until pthread_create fails (EAGAIN) or MAX_BLOCKED exist; all joined.
 * The count is not printed: it differs between systems. */
static int create_until_failure(void)
{
	pthread_t t[MAX_BLOCKED];
	int n = 0, r = 0, joined = 0;

	pthread_mutex_lock(&lock);
	while (n < MAX_BLOCKED && !(r = pthread_create(&t[n], NULL, blocked, (void *)(long)n)))
		n++;
	pthread_mutex_unlock(&lock);
	for (int i = 0; i < n; i++) {
		void *res;

		joined += !pthread_join(t[i], &res) && (long)res == i;
	}
	printf("threads: created until %s, every one joined\n",
	       r == EAGAIN || n == MAX_BLOCKED ? "EAGAIN or the program's limit" : "another error");
	return joined != n || n < 1;
}

int main(void)
{
	pthread_t tid[NR_WORKERS], d;
	pthread_attr_t attr;
	int failed = 0;

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&d, &attr, detached, NULL)) {
		printf("threads: pthread_create (detached) failed\n");
		return 1;
	}
	pthread_mutex_lock(&lock);
	while (!detached_ran)
		pthread_cond_wait(&started_cv, &lock);
	pthread_mutex_unlock(&lock);
	printf("threads: a detached thread ran\n");

	for (long i = 0; i < NR_WORKERS; i++) {
		if (pthread_create(&tid[i], NULL, worker, (void *)i)) {
			printf("threads: pthread_create %ld failed\n", i);
			return 1;
		}
	}
	pthread_mutex_lock(&lock);
	while (started < NR_WORKERS)
		pthread_cond_wait(&started_cv, &lock);
	printf("threads: %d workers started, waiting on a condition variable\n", started);
	go = 1;
	pthread_cond_broadcast(&go_cv);
	pthread_mutex_unlock(&lock);

	for (int i = 0; i < NR_WORKERS; i++) {
		void *res;

		if (pthread_join(tid[i], &res)) {
			printf("threads: pthread_join %d failed\n", i);
			failed = 1;
			continue;
		}
		printf("threads: worker %d: longest Collatz run in its range starts at %lu: %lu steps\n",
		       i, (unsigned long)res >> 16, (unsigned long)res & 0xffff);
	}
	printf("threads: counter %d (expected %d)\n", counter, NR_WORKERS * INCREMENTS);
	printf("threads: joined %d workers\n", NR_WORKERS);
	failed |= create_until_failure();
	return failed || counter != NR_WORKERS * INCREMENTS;
}
