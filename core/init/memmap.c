/* core/init/memmap.c - usable RAM ranges: add, reserve, normalize. */
#include "init/memmap.h"

int memmap_add(struct memmap *m, u64 start, u64 end)
{
	if (end <= start)
		return 0;
	if (m->nr >= MEMMAP_MAX)
		return -ENOMEM;
	m->range[m->nr].start = start;
	m->range[m->nr].end = end;
	m->nr++;
	return 0;
}

int memmap_reserve(struct memmap *m, u64 start, u64 end)
{
	int nr = m->nr;

	for (int i = 0; i < nr; i++) {
		u64 s = m->range[i].start, e = m->range[i].end;

		if (end <= s || start >= e)
			continue;
		if (start > s && end < e) {	/* split in two */
			if (m->nr >= MEMMAP_MAX)
				return -ENOMEM;
			m->range[i].end = start;
			m->range[m->nr].start = end;
			m->range[m->nr].end = e;
			m->nr++;
		} else if (start > s) {
			m->range[i].end = start;
		} else if (end < e) {
			m->range[i].start = end;
		} else {
			m->range[i].start = m->range[i].end = 0;	/* dropped below */
		}
	}
	memmap_normalize(m);
	return 0;
}

void memmap_normalize(struct memmap *m)
{
	int out = 0;

	for (int i = 0; i < m->nr; i++) {
		u64 s = ALIGN_UP(m->range[i].start, PAGE_SIZE);
		u64 e = ALIGN_DOWN(m->range[i].end, PAGE_SIZE);

		if (e > s) {
			m->range[out].start = s;
			m->range[out].end = e;
			out++;
		}
	}
	m->nr = out;
	/* insertion sort: a handful of ranges */
	for (int i = 1; i < m->nr; i++) {
		u64 s = m->range[i].start, e = m->range[i].end;
		int j = i - 1;

		for (; j >= 0 && m->range[j].start > s; j--)
			m->range[j + 1] = m->range[j];
		m->range[j + 1].start = s;
		m->range[j + 1].end = e;
	}
	out = 0;
	for (int i = 0; i < m->nr; i++) {
		if (out && m->range[i].start <= m->range[out - 1].end) {
			if (m->range[i].end > m->range[out - 1].end)
				m->range[out - 1].end = m->range[i].end;
			continue;
		}
		m->range[out++] = m->range[i];
	}
	m->nr = out;
}

u64 memmap_total(const struct memmap *m)
{
	u64 total = 0;

	for (int i = 0; i < m->nr; i++)
		total += m->range[i].end - m->range[i].start;
	return total;
}
