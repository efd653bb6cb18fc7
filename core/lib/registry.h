/* core/lib/registry.h - the one registry mechanism of the strategy families
 * (alloc=, pt=, pid=). A strategy is one file that fills one ops table; the
 * table starts with STRATEGY_HEAD (its name and description), and one
 * DEFINE_STRATEGY_FAMILY lists a family's tables, in the order every
 * listing, benchmark and command line uses, with the one that serves
 * mode=run and mode=test unless told otherwise. Pure logic, host-tested. */
#ifndef FORKLAB_REGISTRY_H
#define FORKLAB_REGISTRY_H

#include "lib/types.h"

struct strategy {
	const char *name;		/* as the command line spells it */
	const char *desc;		/* one line, for listings */
};

/* The first member of every ops table: ops->name and ops->desc read as
 * before, and &ops->strategy is what a family lists. */
#define STRATEGY_HEAD							\
	union {								\
		struct strategy strategy;				\
		struct { const char *name; const char *desc; };		\
	}

struct strategy_family {
	const char *key;			/* the command-line key: "alloc" */
	const char *what;			/* "object allocator" */
	const struct strategy *const *list;	/* the members, in listing order */
	int nr;
	const struct strategy *dflt;		/* the one used unless told otherwise */
};

#define STRATEGIES_MAX	16	/* members of one family: bits of a selection mask */

/* DEFINE_STRATEGY_FAMILY - the family @var under command-line key @key,
 * defaulting to @dflt (a struct strategy *), with the members that follow. */
#define DEFINE_STRATEGY_FAMILY(var, key, what, dflt, ...)			\
	static const struct strategy *const var##_list[] = { __VA_ARGS__ };	\
	_Static_assert(ARRAY_SIZE(var##_list) <= STRATEGIES_MAX, #var ": too many members"); \
	const struct strategy_family var = { key, what, var##_list, ARRAY_SIZE(var##_list), dflt }

/* strategy_at - member @i of family @f as its ops type @type. */
#define strategy_at(f, i, type)	container_of((f)->list[i], type, strategy)

/* strategy_find - the member of @f called @name, or NULL. */
const struct strategy *strategy_find(const struct strategy_family *f, const char *name);
/* strategy_index - @s's position in @f, or -1 if it is not a member. */
int strategy_index(const struct strategy_family *f, const struct strategy *s);
/* strategy_names - "page, slab, ..." into @buf (for messages); returns the
 * length the whole list has, like snprintf. */
int strategy_names(const struct strategy_family *f, char *buf, size_t size);
/* strategy_all - the selection mask with every member of @f. */
u32 strategy_all(const struct strategy_family *f);
/* strategy_pick - the one member a single run uses from selection @mask:
 * the default when every member is selected (nothing asked for), else the
 * first one selected; NULL for an empty mask. */
const struct strategy *strategy_pick(const struct strategy_family *f, u32 mask);

#endif
