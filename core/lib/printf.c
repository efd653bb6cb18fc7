/* core/lib/printf.c - a small vsnprintf for the kernel console (and host tests).
 * Supports %d %i %u %x %X %o %c %s %p %%, flags '-' '0', a width (or '*'),
 * a precision for %s, and the length modifiers l, ll, z. */
#include "lib/printk.h"

struct outbuf {
	char *buf;
	size_t size;
	size_t len;		/* characters the full output needs */
};

static void out_char(struct outbuf *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void out_pad(struct outbuf *o, char c, int n)
{
	while (n-- > 0)
		out_char(o, c);
}

/* out_number - print @v in @base, honouring width, '-' and '0'. */
static void out_number(struct outbuf *o, u64 v, bool negative, unsigned base,
		       bool upper, int width, bool left, bool zero)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, len;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	len = n + negative;
	if (!left && !zero)
		out_pad(o, ' ', width - len);
	if (negative)
		out_char(o, '-');
	if (!left && zero)
		out_pad(o, '0', width - len);
	while (n)
		out_char(o, tmp[--n]);
	if (left)
		out_pad(o, ' ', width - len);
}

/* out_string - print at most @prec bytes of @s (prec < 0: all), padded. */
static void out_string(struct outbuf *o, const char *s, int width, int prec, bool left)
{
	int len = 0;

	if (!s)
		s = "(null)";
	while (s[len] && (prec < 0 || len < prec))
		len++;
	if (!left)
		out_pad(o, ' ', width - len);
	for (int i = 0; i < len; i++)
		out_char(o, s[i]);
	if (left)
		out_pad(o, ' ', width - len);
}

int fl_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct outbuf o = { buf, size, 0 };

	for (; *fmt; fmt++) {
		bool left = false, zero = false;
		int width = 0, prec = -1, lng = 0;
		u64 v;
		s64 sv;

		if (*fmt != '%') {
			out_char(&o, *fmt);
			continue;
		}
		fmt++;
		for (;; fmt++) {
			if (*fmt == '-')
				left = true;
			else if (*fmt == '0')
				zero = true;
			else
				break;
		}
		if (*fmt == '*') {
			width = va_arg(ap, int);
			if (width < 0) {
				left = true;
				width = -width;
			}
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		if (*fmt == '.') {
			fmt++;
			prec = 0;
			if (*fmt == '*') {
				prec = va_arg(ap, int);
				fmt++;
			}
			while (*fmt >= '0' && *fmt <= '9')
				prec = prec * 10 + (*fmt++ - '0');
		}
		while (*fmt == 'l' || *fmt == 'z') {
			lng++;
			fmt++;
		}
		switch (*fmt) {
		case 'd':
		case 'i':
			sv = lng ? va_arg(ap, s64) : va_arg(ap, int);
			v = sv < 0 ? -(u64)sv : (u64)sv;
			out_number(&o, v, sv < 0, 10, false, width, left, zero);
			break;
		case 'u':
		case 'x':
		case 'X':
		case 'o':
			v = lng ? va_arg(ap, u64) : va_arg(ap, unsigned int);
			out_number(&o, v, false, *fmt == 'u' ? 10 : *fmt == 'o' ? 8 : 16,
				   *fmt == 'X', width, left, zero);
			break;
		case 'p':
			v = (u64)(uintptr_t)va_arg(ap, void *);
			out_char(&o, '0');
			out_char(&o, 'x');
			out_number(&o, v, false, 16, false, width ? width : 16, left, true);
			break;
		case 'c':
			out_pad(&o, ' ', left ? 0 : width - 1);
			out_char(&o, (char)va_arg(ap, int));
			out_pad(&o, ' ', left ? width - 1 : 0);
			break;
		case 's':
			out_string(&o, va_arg(ap, const char *), width, prec, left);
			break;
		case '%':
			out_char(&o, '%');
			break;
		case '\0':
			fmt--;		/* a lone '%' at the end: stop */
			break;
		default:		/* unknown conversion: print it verbatim */
			out_char(&o, '%');
			out_char(&o, *fmt);
			break;
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int fl_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fl_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

/* printk - format and print through vprintk (the serial console in the
 * kernel, stdout in the host tests); returns the formatted length. */
int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}
