/* bench/user/out.c - the output buffer: characters, strings and decimal
 * numbers collected in outbuf and written to fd 1 by flush(). */
#include "out.h"
#include "sys.h"

static char outbuf[512];
static int outlen;

/* flush - write what the buffer holds to fd 1 and empty it. */
void flush(void)
{
	if (outlen)
		sys3(__NR_write, 1, (long)outbuf, outlen);
	outlen = 0;
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

/* putu - append @v in decimal. */
void putu(u64 v)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = '0' + v % 10;
		v /= 10;
	} while (v);
	while (n)
		putc_(tmp[--n]);
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
