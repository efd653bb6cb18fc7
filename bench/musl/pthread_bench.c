/* bench/musl/pthread_bench.c - musl's pthread_create and pthread_join timed
 * from user space against the raw thread clone they wrap, in one static
 * musl binary that runs unchanged on forklab and on Linux (forklab threads).
 * The raw ops are the fork benchmark's clone-thread (clone with
 * pthread_create's flags; the thread exits at once), alone and with its
 * join: a FUTEX_WAIT on the CLONE_CHILD_CLEARTID word until the kernel
 * clears it. pthread_create adds what musl does around that clone: the
 * stack mapped PROT_NONE and opened with mprotect, TLS copied, signals
 * masked and restored, the thread-list lock; pthread_join waits on the
 * thread's detach state, then for the thread-list lock the kernel releases
 * at the thread's exit, then munmaps the stack.
 *
 * usage: pthread-bench [N [PAGES]]   N timed calls per op (default 100) after
 * 10 untimed, with PAGES pages of anonymous memory written first (the
 * parent's resident size; default 0); one line per op: pthread_bench,OP,n,min,p50,max (TSC ticks less
 * the empty window's; under QEMU -icount, instructions). Exit 0. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include "../tsc.h"

#define WARMUP		10
#define MAX_N		100000
#define MAX_PAGES	262144		/* 1 GiB */
/* what musl's pthread_create passes to clone */
#define PTHREAD_FLAGS	(0x100 | 0x200 | 0x400 | 0x800 | 0x10000 | 0x40000 | 0x80000 | \
			 0x100000 | 0x200000 | 0x400000)
#define FUTEX_WAIT	0

/* raw_clone(flags, stack, ptid, ctid, tls) - clone; the child exits at
 * once without touching memory (the clone-thread op's thread) */
long raw_clone(long flags, void *stack, int *ptid, volatile int *ctid, void *tls);
__asm__(".text\n"
	".global raw_clone\n"
	"raw_clone:\n"
	"	mov %rcx, %r10\n"
	"	mov $56, %eax\n"
	"	syscall\n"
	"	test %rax, %rax\n"
	"	jnz 1f\n"
	"	xor %edi, %edi\n"
	"	mov $60, %eax\n"
	"	syscall\n"
	"	hlt\n"
	"1:	ret\n");

static char clone_stack[4096] __attribute__((aligned(16)));
static uint64_t clone_tls[8];
static int clone_ptid;
static volatile int clone_ctid;
static uint64_t overhead;

static void *quit(void *arg)
{
	return arg;
}

/* clone_join - wait the way pthread_join's last step does: until the
 * kernel clears the tid word at the thread's exit (and wakes us) */
static void clone_join(void)
{
	int v;

	while ((v = clone_ctid) != 0)
		syscall(SYS_futex, &clone_ctid, FUTEX_WAIT, v, 0, 0, 0);
}

static long start_raw(void)
{
	clone_ctid = 1;
	return raw_clone(PTHREAD_FLAGS, clone_stack + sizeof(clone_stack), &clone_ptid,
			 &clone_ctid, clone_tls);
}

/* time_op - one timed call of op @op (0 clone, 1 clone-join, 2
 * pthread-create, 3 pthread-create-join); its ticks, or -1 on failure */
static long time_op(int op)
{
	uint64_t t0, t1;
	pthread_t t;
	long r = 0;

	switch (op) {
	case 0:
		t0 = tsc_open();
		r = start_raw();
		t1 = tsc_close();
		clone_join();
		break;
	case 1:
		t0 = tsc_open();
		r = start_raw();
		clone_join();
		t1 = tsc_close();
		break;
	case 2:
		t0 = tsc_open();
		r = -pthread_create(&t, NULL, quit, NULL);
		t1 = tsc_close();
		if (!r)
			pthread_join(t, NULL);
		break;
	default:
		t0 = tsc_open();
		r = -pthread_create(&t, NULL, quit, NULL);
		if (!r)
			pthread_join(t, NULL);
		t1 = tsc_close();
		break;
	}
	if (r < 0)
		return -1;
	return t1 - t0 > overhead ? (long)(t1 - t0 - overhead) : 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	static const char *const names[] = { "clone-thread", "clone-thread-join",
					     "pthread-create", "pthread-create-join" };
	long n = argc > 1 ? atol(argv[1]) : 100, pages = argc > 2 ? atol(argv[2]) : 0;
	uint64_t *v;
	char *mem;

	if (n < 1 || n > MAX_N || pages < 0 || pages > MAX_PAGES ||
	    !(v = malloc(n * sizeof(*v)))) {
		fprintf(stderr, "usage: pthread-bench [N [PAGES]], N in 1..%d, PAGES in 0..%d\n",
			MAX_N, MAX_PAGES);
		return 2;
	}
	if (pages) {
		mem = mmap(NULL, pages * 4096L, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			   -1, 0);
		if (mem == MAP_FAILED) {
			printf("pthread_bench,resident,%ld pages,failed\n", pages);
			return 1;
		}
		for (long i = 0; i < pages; i++)
			mem[i * 4096L] = 1;
	}
	overhead = ~0ULL;
	for (int i = 0; i < 256; i++) {
		uint64_t t0 = tsc_open(), d = tsc_close() - t0;

		overhead = d < overhead ? d : overhead;
	}
	for (int op = 0; op < 4; op++) {
		for (long i = -WARMUP; i < n; i++) {
			long c = time_op(op);

			if (c < 0) {
				printf("pthread_bench,%s,failed\n", names[op]);
				return 1;
			}
			if (i >= 0)
				v[i] = c;
		}
		qsort(v, n, sizeof(*v), cmp_u64);
		printf("pthread_bench,%s,%ld,%llu,%llu,%llu\n", names[op], n,
		       (unsigned long long)v[0], (unsigned long long)v[(n - 1) / 2],
		       (unsigned long long)v[n - 1]);
	}
	return 0;
}
