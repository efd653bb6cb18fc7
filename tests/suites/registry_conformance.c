/* tests/suites/registry_conformance.c - see registry_conformance.h. */
#include "suites/registry_conformance.h"
#include "lib/selftest.h"
#include "lib/string.h"

void registry_conformance(const struct strategy_family *f, const char *names)
{
	char list[256], small[6];
	int len = strategy_names(f, list, sizeof(list));
	bool found = true, picked = true;

	report_prefix_push(f->key);
	report(f->nr > 0 && f->nr <= STRATEGIES_MAX && f->what && f->key,
	       "%d members, a key and a description", f->nr);
	report(!strcmp(list, names) && len == (int)strlen(names),
	       "strategy_names lists them in order (\"%s\")", list);
	report(strategy_names(f, small, sizeof(small)) == len && strlen(small) == sizeof(small) - 1,
	       "strategy_names cuts a short buffer safely and returns the whole length");
	for (int i = 0; i < f->nr; i++) {
		const struct strategy *s = f->list[i];

		found &= s->name && s->desc && strategy_find(f, s->name) == s &&
			 strategy_index(f, s) == i;
		picked &= strategy_pick(f, 1U << i) == s;
	}
	report(found, "every member is found by its name, at its index, and has a description");
	report(!strategy_find(f, "nonsense") && !strategy_find(f, ""), "an unknown name is not found");
	report(strategy_index(f, f->dflt) >= 0, "the default (%s) is a member", f->dflt->name);
	report(picked && strategy_pick(f, strategy_all(f)) == f->dflt && !strategy_pick(f, 0),
	       "strategy_pick: one selected gives it, all gives the default, none gives NULL");
	if (f->nr > 1)
		report(strategy_pick(f, strategy_all(f) & ~1U) == f->list[1],
		       "strategy_pick: several selected gives the first of them");
	report_prefix_pop();
}

struct toy_ops {
	STRATEGY_HEAD;
	int value;
};

static const struct toy_ops toy_a = { .name = "a", .desc = "first", .value = 1 };
static const struct toy_ops toy_b = { .name = "bb", .desc = "second, the default", .value = 2 };
static const struct toy_ops toy_c = { .name = "ccc", .desc = "third", .value = 3 };
DEFINE_STRATEGY_FAMILY(toy_family, "toy", "made-up strategies", &toy_b.strategy,
		       &toy_a.strategy, &toy_b.strategy, &toy_c.strategy);

void registry_selftest(void)
{
	registry_conformance(&toy_family, "a, bb, ccc");
	report(strategy_at(&toy_family, 2, struct toy_ops) == &toy_c &&
	       strategy_at(&toy_family, 0, struct toy_ops)->value == 1 &&
	       !strcmp(strategy_at(&toy_family, 1, struct toy_ops)->name, "bb"),
	       "strategy_at gives the member's own ops table, name and fields");
	report(strategy_pick(&toy_family, 0x5) == &toy_a.strategy &&
	       strategy_pick(&toy_family, 0x6) == &toy_b.strategy &&
	       strategy_pick(&toy_family, 0x4) == &toy_c.strategy,
	       "strategy_pick: the first selected member when not all are selected");
}
