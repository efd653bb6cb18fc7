/* core/kernel/strategy.h - strategy sets: one member of each family (the
 * object allocator every fork cache uses, the page-table copy, the pid
 * table), set up and torn down as a whole, so a run can compare sets one
 * after another and check that each gives back every page it took. */
#ifndef FORKLAB_STRATEGY_H
#define FORKLAB_STRATEGY_H

#include "lib/registry.h"

struct kmem_ops;
struct pt_ops;
struct pid_ops;

/* The families, in the order sets are enumerated (alloc slowest) and listed. */
enum strategy_family_id { FAMILY_ALLOC, FAMILY_PT, FAMILY_PID, NR_FAMILIES };
extern const struct strategy_family *const strategy_families[NR_FAMILIES];

struct strategy_set {
	const struct kmem_ops *alloc;
	const struct pt_ops *pt;
	const struct pid_ops *pid;
};

/* nr_strategy_sets - how many sets there are (every combination). */
int nr_strategy_sets(void);
/* strategy_set_at - combination @n (0 .. nr_strategy_sets()-1, alloc varying
 * slowest, pid fastest) into @set; false if @mask (one selection mask per
 * family, as kparams.strategy_mask) leaves it out. */
bool strategy_set_at(int n, const u32 mask[NR_FAMILIES], struct strategy_set *set);
/* strategy_set_pick - the set a single run uses (mode=run, mode=test): per
 * family the default, or the first member @mask selects. */
void strategy_set_pick(const u32 mask[NR_FAMILIES], struct strategy_set *set);

/* strategies_setup - select @alloc/@pt/@pid and create every cache the
 * fork path allocates from; a set already up is torn down first. 0 or
 * -ENOMEM (then nothing is left set up). */
int strategies_setup(const struct kmem_ops *alloc, const struct pt_ops *pt,
		     const struct pid_ops *pid, u32 tasksize, int pid_max);
/* strategies_teardown - destroy those caches (no task but idle may live). */
void strategies_teardown(void);
/* strategies_list - per family one "strategy,family,name,desc" line per
 * member and one "default,family,name" line (mode=list, mode=bench). */
void strategies_list(void);

#endif
