/* tools/vpmu/counters.h - the virtual PMU's counters, once: their names (the
 * vpmu records and vpmu.csv columns), the libpfm4 event names that select
 * them (`forklab run --events`; on a machine with a PMU the same names are
 * encoded to raw codes instead), whether they need the memory model, and
 * what they count. build/vpmu/vpmu-info prints this table for the host.
 *
 * X(id, name, libpfm4 names (space-separated, "" for forklab's own),
 *   needs model=cache, what). Loads and stores need it too: they are
 * counted by the memory callback, since QEMU 7.2 runs inline memory ops on
 * the wrong kind of access (one for reads on every store, say). */
#ifndef VPMU_COUNTERS_H
#define VPMU_COUNTERS_H

#define VPMU_COUNTER_TABLE(X)							\
	X(C_INST, "inst", "INST_RETIRED:ANY_P", 0,				\
	  "instructions retired as hardware counts them: a rep string instruction once, a faulting one once") \
	X(C_ICOUNT, "icount", "", 0,						\
	  "instructions as QEMU's icount counts them: every rep iteration")	\
	X(C_REP_ITERS, "rep_iters", "", 0,					\
	  "iterations of rep-prefixed string instructions")			\
	X(C_RESTARTS, "restarts", "", 0,					\
	  "instructions that faulted and ran again (seen twice, counted once)")	\
	X(C_BRANCHES, "branches", "BR_INST_RETIRED:ALL_BRANCHES", 0,		\
	  "branches retired: jumps, calls, returns, syscall, sysret, iret, int") \
	X(C_LOADS, "loads", "MEM_INST_RETIRED:ALL_LOADS", 1,			\
	  "loads: data read accesses (a rep iteration's is one)")		\
	X(C_STORES, "stores", "MEM_INST_RETIRED:ALL_STORES", 1,		\
	  "stores: data write accesses (a rep iteration's is one)")		\
	X(C_BYTES_READ, "bytes_read", "", 1, "bytes the loads read")		\
	X(C_BYTES_WRITTEN, "bytes_written", "", 1, "bytes the stores wrote")	\
	X(C_L1D_MISS, "l1d_miss", "L1D:REPLACEMENT", 1,			\
	  "L1D misses: lines filled into the modelled L1D (page walks included)") \
	X(C_L2_MISS, "l2_miss", "L2_RQSTS:MISS", 1, "misses of the modelled L2") \
	X(C_LLC_MISS, "llc_miss", "LONGEST_LAT_CACHE:MISS", 1,		\
	  "misses of the modelled last-level cache")				\
	X(C_DTLB_MISS, "dtlb_miss", "", 1,					\
	  "accesses that missed the modelled DTLB (STLB hit or page walk)")	\
	X(C_WALK_LOAD, "walk_load", "DTLB_LOAD_MISSES:WALK_COMPLETED", 1,	\
	  "page walks for loads (DTLB and STLB missed)")			\
	X(C_WALK_STORE, "walk_store", "DTLB_STORE_MISSES:WALK_COMPLETED", 1,	\
	  "page walks for stores")						\
	X(C_CYCLES, "cycles", "CPU_CLK_UNHALTED:THREAD_P", 1,			\
	  "estimated core cycles: a stated cost model over the counts above, not a measurement")

#define VPMU_COUNTER_ID(id, name, pfm, model, what)	id,
enum vpmu_counter { VPMU_COUNTER_TABLE(VPMU_COUNTER_ID) NR_VPMU_COUNTERS };

#endif
