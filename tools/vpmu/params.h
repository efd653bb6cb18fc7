/* tools/vpmu/params.h - the virtual PMU's arguments (QEMU passes them as
 * key=value strings: -plugin build/vpmu/vpmu.so,out=FILE,model=cache,...):
 * what is counted, the modelled core, and the cost model. One table, read
 * by the plugin and by build/vpmu/vpmu-info, which checks a set of
 * arguments for the host tools before anything boots. */
#ifndef VPMU_PARAMS_H
#define VPMU_PARAMS_H

#include <stdio.h>

/* X(field, key, default, kind, what): kind SIZE (bytes, K/M/G suffixes,
 * a power of two), WAYS (1 to 64), ENTRIES (a count), PAGE (4K or 2M),
 * BOOL (on/off), COUNT (a number), COST (cycles of the cost model). Every
 * cache and TLB must come to a power-of-two number of sets. */
#define VPMU_PARAM_TABLE(X)							\
	X(l1d_size, "l1d_size", 32768, SIZE, "L1D bytes")			\
	X(l1d_ways, "l1d_ways", 8, WAYS, "L1D ways")				\
	X(l2_size, "l2_size", 262144, SIZE, "L2 bytes")				\
	X(l2_ways, "l2_ways", 4, WAYS, "L2 ways")				\
	X(llc_size, "llc_size", 8388608, SIZE, "last-level cache bytes")	\
	X(llc_ways, "llc_ways", 16, WAYS, "last-level cache ways")		\
	X(dtlb, "dtlb", 64, ENTRIES, "DTLB entries for 4 KiB pages")		\
	X(dtlb_ways, "dtlb_ways", 4, WAYS, "their ways")			\
	X(dtlb2m, "dtlb2m", 32, ENTRIES, "DTLB entries for 2 MiB pages")	\
	X(dtlb2m_ways, "dtlb2m_ways", 4, WAYS, "their ways")			\
	X(stlb, "stlb", 1536, ENTRIES, "STLB entries (both page sizes)")	\
	X(stlb_ways, "stlb_ways", 12, WAYS, "their ways")			\
	X(kpage, "kpage", 21, PAGE, "page size the kernel half is mapped with") \
	X(kglobal, "kglobal", 0, BOOL, "kernel-half TLB entries are global: a CR3 write keeps them") \
	X(kprobes, "kprobes", 0, COUNT, "kernel snapshots in a user window that are phase probes") \
	X(cost_l2, "cost_l2", 8, COST, "cycles an L1D miss adds (an L2 hit)")	\
	X(cost_llc, "cost_llc", 30, COST, "cycles an L2 miss adds (an LLC hit)") \
	X(cost_mem, "cost_mem", 160, COST, "cycles an LLC miss adds (memory)")	\
	X(cost_stlb, "cost_stlb", 9, COST, "cycles a DTLB miss adds (an STLB hit)") \
	X(cost_walk, "cost_walk", 10, COST, "cycles a page walk adds, beyond its accesses") \
	X(rep_bytes_per_cycle, "rep_bytes_per_cycle", 32, COUNT, "bytes a rep string instruction moves a cycle")

#define VPMU_PARAM_FIELD(field, key, def, kind, what)	unsigned long field;
struct vpmu_params {
	VPMU_PARAM_TABLE(VPMU_PARAM_FIELD)
	int cache;		/* model=cache: the memory model runs (else counters only) */
	int windows;		/* windows=on: one record per call window, as it closes */
	const char *out;	/* out=FILE: where the records go */
};

/* vpmu_params_parse - fill @p from @argc key=value strings (defaults for
 * the rest); 0, or -1 after one line on @err naming what was wrong and what
 * is accepted. */
int vpmu_params_parse(struct vpmu_params *p, int argc, char **argv, FILE *err);
/* vpmu_params_print - the model as one "vpmu,model,key,value,..." line. */
void vpmu_params_print(const struct vpmu_params *p, FILE *f);

#endif
