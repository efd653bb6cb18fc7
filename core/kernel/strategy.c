/* core/kernel/strategy.c - the strategy families and the sets made of them
 * (see strategy.h); strategy_setup.c sets one up. */
#include "kernel/strategy.h"
#include "mm/kmem.h"
#include "mm/mm.h"
#include "pid/pid.h"
#include "lib/printk.h"

const struct strategy_family *const strategy_families[NR_FAMILIES] = {
	[FAMILY_ALLOC] = &kmem_family,
	[FAMILY_PT] = &pt_family,
	[FAMILY_PID] = &pid_family,
};

int nr_strategy_sets(void)
{
	return kmem_family.nr * pt_family.nr * pid_family.nr;
}

bool strategy_set_at(int n, const u32 mask[NR_FAMILIES], struct strategy_set *set)
{
	int p = n % pid_family.nr, t = n / pid_family.nr % pt_family.nr;
	int a = n / pid_family.nr / pt_family.nr;

	set->alloc = kmem_strategy(a);
	set->pt = pt_strategy(t);
	set->pid = pid_strategy(p);
	return (mask[FAMILY_ALLOC] >> a & 1) && (mask[FAMILY_PT] >> t & 1) &&
	       (mask[FAMILY_PID] >> p & 1);
}

void strategy_set_pick(const u32 mask[NR_FAMILIES], struct strategy_set *set)
{
	set->alloc = container_of(strategy_pick(&kmem_family, mask[FAMILY_ALLOC]),
				  struct kmem_ops, strategy);
	set->pt = container_of(strategy_pick(&pt_family, mask[FAMILY_PT]), struct pt_ops,
			       strategy);
	set->pid = container_of(strategy_pick(&pid_family, mask[FAMILY_PID]), struct pid_ops,
				strategy);
}

void strategies_list(void)
{
	for (int f = 0; f < NR_FAMILIES; f++) {
		const struct strategy_family *fam = strategy_families[f];

		for (int i = 0; i < fam->nr; i++)
			printk("strategy,%s,%s,%s\n", fam->key, fam->list[i]->name,
			       fam->list[i]->desc);
		printk("default,%s,%s\n", fam->key, fam->dflt->name);
	}
}
