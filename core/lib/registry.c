/* core/lib/registry.c - lookups over a strategy family (see registry.h). */
#include "lib/registry.h"
#include "lib/printk.h"
#include "lib/string.h"

const struct strategy *strategy_find(const struct strategy_family *f, const char *name)
{
	for (int i = 0; i < f->nr; i++)
		if (!strcmp(f->list[i]->name, name))
			return f->list[i];
	return NULL;
}

int strategy_index(const struct strategy_family *f, const struct strategy *s)
{
	for (int i = 0; i < f->nr; i++)
		if (f->list[i] == s)
			return i;
	return -1;
}

int strategy_names(const struct strategy_family *f, char *buf, size_t size)
{
	int len = 0;

	if (size)
		buf[0] = '\0';
	for (int i = 0; i < f->nr; i++)
		len += fl_snprintf(buf + MIN((size_t)len, size), size - MIN((size_t)len, size),
				   "%s%s", i ? ", " : "", f->list[i]->name);
	return len;
}

u32 strategy_all(const struct strategy_family *f)
{
	return (1U << f->nr) - 1;
}

const struct strategy *strategy_pick(const struct strategy_family *f, u32 mask)
{
	mask &= strategy_all(f);
	if (!mask)
		return NULL;
	return mask == strategy_all(f) ? f->dflt : f->list[__builtin_ctz(mask)];
}
