/* bench/user/out.c - the output buffer: characters, strings and decimal
 * numbers collected in outbuf and written to fd 1 by flush(). */
#include "out.h"
#include "sys.h"

static char outbuf[512];
static int outlen;

/* flush - write what the buffer holds to fd 1 and empty it. An empty
 * buffer is not stored to: write_now flushes between measured forks, and
 * a store would dirty the .bss page, which pt=cow then write-protects
 * again at the next fork (4 instructions more per fork). */
void flush(void)
{
	if (outlen) {
		sys3(__NR_write, 1, (long)outbuf, outlen);
		outlen = 0;
	}
}

/* putc_ - append @c, flushing first when the buffer is full. */
void putc_(char c)
{
	if (outlen == (int)sizeof(outbuf))
		flush();
	outbuf[outlen++] = c;
}

/* puts_ - append the string @s (no newline added). */
void puts_(const char *s)
{
	while (*s)
		putc_(*s++);
}

char *format_s(char *p, const char *s)
{
	while (*s)
		*p++ = *s++;
	return p;
}

char *format_u(char *p, u64 v)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = '0' + v % 10;
		v /= 10;
	} while (v);
	while (n)
		*p++ = tmp[--n];
	return p;
}

void write_now(const char *s, long n)
{
	flush();
	sys3(__NR_write, 1, (long)s, n);
}

/* putu - append @v in decimal. */
void putu(u64 v)
{
	char tmp[24], *end = format_u(tmp, v);

	for (char *c = tmp; c < end; c++)
		putc_(*c);
}

/* puti - append @v in decimal, with a '-' if negative. */
void puti(long v)
{
	if (v < 0) {
		putc_('-');
		v = -v;
	}
	putu(v);
}

int nr_ok, nr_failed;

/* check - count and print one check: "ok @what", or "FAIL @what: got @detail". */
void check(int cond, const char *what, long detail)
{
	if (cond) {
		nr_ok++;
		puts_("ok ");
		puts_(what);
	} else {
		nr_failed++;
		puts_("FAIL ");
		puts_(what);
		puts_(": got ");
		puti(detail);
	}
	putc_('\n');
	flush();
}

int check_summary(const char *suite)
{
	puts_(suite);
	puts_(": ");
	putu(nr_ok);
	puts_(" ok, ");
	putu(nr_failed);
	puts_(" failed\n");
	flush();
	return nr_failed ? 1 : 0;
}
