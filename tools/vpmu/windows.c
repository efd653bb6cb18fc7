/* tools/vpmu/windows.c - windows, samples and their statistics.
 *
 * A sample holds its window and, when the window had all kprobes kernel
 * snapshots, each phase (consecutive probes) and the total (first probe to
 * last): scopes "call", "p1".."p<kprobes-1>", "total". At a flush each
 * scope's counters get the p50 of its samples (nearest rank, as the
 * benchmark programs compute theirs), the call scope after the stream's
 * empty-pair minimum is taken off each counter, as the programs take their
 * timer overhead off. A window kept as a batch of 2^k calls (VPMU_KEEP_PER)
 * is printed whole with "per,2^k": the host divides, so that a fraction of
 * a miss per call is not lost. A call timed to two ends (VPMU_KEEP_TWO)
 * gives a sample to each of two rows, which a flush prints one after the
 * other, each with its own sequence number, as the program prints its rows. */
#define VPMU_PLUGIN
#include "windows.h"
#include <stdlib.h>
#include <string.h>
#include "vpmu_marker.h"

static const char *const counter_names[] = {
#define VPMU_COUNTER_NAME(id, name, pfm, model, what)	name,
	VPMU_COUNTER_TABLE(VPMU_COUNTER_NAME)
};
static const int counter_needs_model[] = {
#define VPMU_COUNTER_MODEL(id, name, pfm, model, what)	model,
	VPMU_COUNTER_TABLE(VPMU_COUNTER_MODEL)
};
static const char *const stream_names[NR_STREAMS] = { "user", "kernel" };

/* sample_words - u64s one sample takes: its flags, then scopes x counters. */
static size_t scopes(const struct windows *w)
{
	return w->kprobes >= 2 ? 1 + (size_t)w->kprobes : 1;
}

static size_t sample_words(const struct windows *w)
{
	return 1 + scopes(w) * NR_VPMU_COUNTERS;
}

int windows_init(struct windows *w, FILE *out, int kprobes, int print_windows, int cache)
{
	memset(w, 0, sizeof(*w));
	w->last = w->held[0];
	w->last2 = w->held[1];
	w->out = out;
	w->kprobes = kprobes > VPMU_MAX_PROBES ? VPMU_MAX_PROBES : kprobes;
	w->print_windows = print_windows;
	w->cache = cache;
	return 0;
}

void windows_print_counts(const struct windows *w, const uint64_t *c)
{
	for (int i = 0; i < NR_VPMU_COUNTERS; i++)
		if (w->cache || !counter_needs_model[i])
			fprintf(w->out, ",%s,%lu", counter_names[i], (unsigned long)c[i]);
}

void windows_snapshot(struct windows *w, enum vpmu_stream stream, const struct snap *now)
{
	struct stream *s = &w->s[stream];

	s->older = s->prev;
	s->prev = s->cur;
	s->cur = *now;
	if (stream == STREAM_USER) {
		struct snap *older = w->last2;	/* the window before the last: no copy */

		w->last2 = w->last;
		w->nlast2 = w->nlast;
		w->last = older;
		memcpy(w->last, w->probe, w->nprobe * sizeof(w->probe[0]));
		w->nlast = w->nprobe;
		w->nprobe = 0;
	} else if (w->nprobe < w->kprobes) {
		w->probe[w->nprobe++] = *now;
	}
}

static void diff(uint64_t *out, const struct snap *a, const struct snap *b)
{
	for (int i = 0; i < NR_VPMU_COUNTERS; i++)
		out[i] = b->c[i] - a->c[i];
}

#define SAMPLE_SHIFT(f)		((unsigned int)(f) & 0xff)
#define SAMPLE_ROW(f)		((unsigned int)((f) >> 8) & 0xff)
#define SAMPLE_NO_PHASES	(1ULL << 32)

/* keep - the window @a..@b of @s as a sample of the configuration's row
 * @row (@shift: a batch of 2^shift calls), with the @nprobes kernel
 * snapshots @probes taken inside it as its phases when they are all
 * there. 0, or -1 without memory. */
static int keep(struct windows *w, struct stream *s, unsigned int shift, unsigned int row,
		const struct snap *a, const struct snap *b, const struct snap *probes, int nprobes)
{
	size_t words = sample_words(w);
	uint64_t *smp;

	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 256;
		uint64_t *p = realloc(s->samples, cap * words * sizeof(uint64_t));

		if (!p)
			return -1;
		s->samples = p;
		s->cap = cap;
	}
	smp = s->samples + s->n++ * words;
	smp[0] = shift | row << 8;
	if (row >= s->rows)
		s->rows = row + 1;
	diff(smp + 1, a, b);
	if (scopes(w) == 1)
		return 0;
	if (nprobes < w->kprobes) {
		smp[0] |= SAMPLE_NO_PHASES;
		return 0;
	}
	for (int p = 1; p < w->kprobes; p++)
		diff(smp + 1 + p * NR_VPMU_COUNTERS, &probes[p - 1], &probes[p]);
	diff(smp + 1 + w->kprobes * NR_VPMU_COUNTERS, &probes[0], &probes[w->kprobes - 1]);
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* print_scope - the p50 of every counter of scope @sc over the samples of
 * @s's row @row (the first of them gives the batch's shift). */
static void print_scope(struct windows *w, struct stream *s, enum vpmu_stream stream,
			size_t sc, unsigned int row, uint64_t *col)
{
	size_t words = sample_words(w), n = 0;
	uint64_t p50[NR_VPMU_COUNTERS];
	unsigned int shift = 0;
	char name[16];

	for (size_t i = 0; i < s->n; i++)
		if (SAMPLE_ROW(s->samples[i * words]) == row) {
			shift = SAMPLE_SHIFT(s->samples[i * words]);
			break;
		}
	for (int c = 0; c < NR_VPMU_COUNTERS; c++) {
		n = 0;
		for (size_t i = 0; i < s->n; i++) {
			const uint64_t *smp = s->samples + i * words;
			uint64_t v = smp[1 + sc * NR_VPMU_COUNTERS + c];

			if (SAMPLE_ROW(smp[0]) != row || (sc && (smp[0] & SAMPLE_NO_PHASES)))
				continue;
			if (!sc && s->have_timer)
				v = v > s->timer.c[c] ? v - s->timer.c[c] : 0;
			col[n++] = v;
		}
		qsort(col, n, sizeof(col[0]), cmp_u64);
		p50[c] = n ? col[(n - 1) / 2] : 0;
	}
	if (!n)
		return;
	if (sc == 0)
		strcpy(name, "call");
	else if (sc == (size_t)w->kprobes)
		strcpy(name, "total");
	else
		snprintf(name, sizeof(name), "p%zu", sc);
	fprintf(w->out, "vpmu,stats,%s,%lu,%s,n,%zu,per,%lu", stream_names[stream],
		(unsigned long)s->seq, name, n, 1UL << (sc ? 0 : shift));
	windows_print_counts(w, p50);
	fprintf(w->out, "\n");
}

/* flush - for each row of the configuration, the statistics of its samples
 * of @s (after the empty pair's minimum they had taken off) under the next
 * sequence number; then none. */
static void flush(struct windows *w, struct stream *s, enum vpmu_stream stream)
{
	uint64_t *col = malloc((s->n ? s->n : 1) * sizeof(uint64_t));

	for (unsigned int row = 0; row < (s->rows ? s->rows : 1); row++) {
		if (s->have_timer) {
			fprintf(w->out, "vpmu,timer,%s,%lu", stream_names[stream],
				(unsigned long)s->seq);
			windows_print_counts(w, s->timer.c);
			fprintf(w->out, "\n");
		}
		if (col && s->n)
			for (size_t sc = 0; sc < scopes(w); sc++)
				print_scope(w, s, stream, sc, row, col);
		if (!col || !s->n)
			fprintf(w->out, "vpmu,stats,%s,%lu,call,n,0,per,1\n", stream_names[stream],
				(unsigned long)s->seq);
		s->seq++;
	}
	free(col);
	fflush(w->out);
	s->n = 0;
	s->rows = 0;
	s->calls = 0;
}

/* print_window - one "vpmu,window" record: the window @a..@b as it is. */
static void print_window(struct windows *w, struct stream *s, enum vpmu_stream stream,
			 const char *kind, const struct snap *a, const struct snap *b)
{
	uint64_t c[NR_VPMU_COUNTERS];

	diff(c, a, b);
	fprintf(w->out, "vpmu,window,%s,%lu,%lu,%s", stream_names[stream], (unsigned long)s->seq,
		(unsigned long)s->calls, kind);
	windows_print_counts(w, c);
	fprintf(w->out, "\n");
	fflush(w->out);
}

void windows_mark(struct windows *w, enum vpmu_stream stream, uint32_t code)
{
	struct stream *s = &w->s[stream];
	uint64_t c[NR_VPMU_COUNTERS];
	int bad = 0;

	switch (VPMU_MARK_KIND(code)) {
	case VPMU_KEEP:
	case VPMU_SKIP:
		if (w->print_windows)
			print_window(w, s, stream, VPMU_MARK_KIND(code) == VPMU_KEEP ? "kept" : "skipped",
				     &s->prev, &s->cur);
		s->calls++;
		if (VPMU_MARK_KIND(code) == VPMU_KEEP)
			bad = keep(w, s, VPMU_MARK_SHIFT(code), 0, &s->prev, &s->cur,
				   w->last, stream == STREAM_USER ? w->nlast : 0);
		break;
	case VPMU_KEEP_TWO:		/* older = t0, prev = t1, cur = t2 */
		if (w->print_windows) {
			print_window(w, s, stream, "kept", &s->older, &s->prev);
			print_window(w, s, stream, "kept", &s->older, &s->cur);
		}
		s->calls++;
		bad = keep(w, s, 0, 0, &s->older, &s->prev, w->last2,
			   stream == STREAM_USER ? w->nlast2 : 0) ||
		      keep(w, s, 0, 1, &s->older, &s->cur, NULL, 0);
		break;
	case VPMU_TIMER:
		diff(c, &s->prev, &s->cur);
		for (int i = 0; i < NR_VPMU_COUNTERS; i++)
			if (!s->have_timer || c[i] < s->timer.c[i])
				s->timer.c[i] = c[i];
		s->have_timer = 1;
		break;
	case VPMU_FLUSH:
		flush(w, s, stream);
		break;
	}
	if (bad)
		fprintf(w->out, "vpmu,error,out of memory for samples\n");
}
