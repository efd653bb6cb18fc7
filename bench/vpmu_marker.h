/* bench/vpmu_marker.h - the marks the virtual PMU (tools/vpmu, a QEMU TCG
 * plugin) reads from the instruction stream, shared by the kernel, the user
 * program and the plugin. Plugin API 1 cannot read registers, so a measured
 * window is found from instructions alone:
 *
 *   - every rdtsc (0F 31) or rdtscp snapshots the counters; user-half and
 *     kernel-half ones are two streams, and a window is the stretch between
 *     the last two snapshots of one stream (tsc_open .. tsc_close);
 *   - kernel-half snapshots taken inside a user window are that window's
 *     phase probes (the fork path's fork_probe());
 *   - a mark, placed after tsc_close and outside every window, says what the
 *     stream's last window was: a sample to keep, a warm-up call, an empty
 *     timer pair (whose minimum every sample has taken off, as the
 *     programs' own timer overhead is), or the end of a configuration
 *     (print the samples' statistics, one record per result row);
 *   - a call timed to two ends (t0 .. t1 .. t2: the spawn benchmark's
 *     "until the parent goes on" and "until the child is reaped") is one
 *     VPMU_KEEP_TWO after t2: t0..t1 a sample of the configuration's first
 *     row, t0..t2 of its second, and the flush prints the two rows' records.
 *
 * A mark is the 8-byte nop `nopl VPMU_MARK(code)(%rax,%rax,1)`: a real nop
 * on hardware and under KVM, one instruction outside the windows under
 * icount, the same bytes under forklab and Linux. Only #defines and a
 * macro: the user program builds without the kernel's headers. */
#ifndef FORKLAB_VPMU_MARKER_H
#define FORKLAB_VPMU_MARKER_H

#define VPMU_MARK_MAGIC		0x56504d00u	/* "\0MPV": the displacement's top 24 bits */
#define VPMU_MARK_KIND(code)	((code) & 0xf)
#define VPMU_MARK_SHIFT(code)	(((code) >> 4) & 0xf)	/* a sample is the window >> shift */

#define VPMU_KEEP		1	/* the last window is a measured sample */
#define VPMU_SKIP		2	/* ... a warm-up call (counted, not kept) */
#define VPMU_TIMER		3	/* ... an empty tsc_open/tsc_close pair */
#define VPMU_FLUSH		4	/* the configuration ends: its statistics, then anew */
#define VPMU_KEEP_TWO		5	/* the last two windows are one call to two ends: two rows */

/* VPMU_KEEP_PER(n) - keep the last window as @n calls (n a power of two,
 * at most 2^15): each counter divided by n, as a batch timed whole is. */
#define VPMU_LOG2(n)		((n) >= 32768 ? 15 : (n) >= 16384 ? 14 : (n) >= 8192 ? 13 :	\
				 (n) >= 4096 ? 12 : (n) >= 2048 ? 11 : (n) >= 1024 ? 10 :	\
				 (n) >= 512 ? 9 : (n) >= 256 ? 8 : (n) >= 128 ? 7 :		\
				 (n) >= 64 ? 6 : (n) >= 32 ? 5 : (n) >= 16 ? 4 : (n) >= 8 ? 3 :	\
				 (n) >= 4 ? 2 : (n) >= 2 ? 1 : 0)
#define VPMU_KEEP_PER(n)	(VPMU_KEEP | VPMU_LOG2(n) << 4)

#ifndef __ASSEMBLY__
#ifndef VPMU_PLUGIN
/* vpmu_mark - one mark; @code a constant (VPMU_KEEP ...). No memory
 * clobber: it orders only against the other volatile asm (the rdtscs). */
#define vpmu_mark(code)								\
	__asm__ volatile(".byte 0x0f, 0x1f, 0x84, 0x00\n\t.long %c0"		\
			 : : "i"(VPMU_MARK_MAGIC | (code)))
#endif
#endif

#endif
