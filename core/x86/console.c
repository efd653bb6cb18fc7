/* core/x86/console.c - COM1 at 115200 8N1 and printk on top of it. */
#include "x86/console.h"
#include "x86/io.h"
#include "lib/printk.h"
#include "lib/spinlock.h"

#define COM1			0x3f8
#define UART_LSR		5
#define UART_LSR_THRE		0x20
#define UART_SPIN_MAX		100000	/* give up on a missing UART rather than hang */
#define PRINTK_LINE_MAX		512

static u64 bytes_written;
/* console_lock - one CPU at a time on the UART, so lines do not mix; a
 * panicking CPU stops taking it (console_panic), since the holder may be
 * the one that is broken. */
static DEFINE_SPINLOCK(console_lock);
static bool console_panicking;

/* console_init - program the UART divisor and line settings. */
void console_init(void)
{
	outb(COM1 + 1, 0x00);	/* no interrupts */
	outb(COM1 + 3, 0x80);	/* DLAB on */
	outb(COM1 + 0, 0x01);	/* divisor 1: 115200 baud */
	outb(COM1 + 1, 0x00);
	outb(COM1 + 3, 0x03);	/* 8N1, DLAB off */
	outb(COM1 + 2, 0xc7);	/* FIFO on, cleared */
}

static void serial_putc(char c)
{
	for (int i = 0; i < UART_SPIN_MAX; i++)
		if (inb(COM1 + UART_LSR) & UART_LSR_THRE)
			break;
	outb(COM1, (u8)c);
}

/* console_write - send @n bytes to the serial port. */
void console_write(const char *s, size_t n)
{
	bool lock = !console_panicking;

	if (lock)
		spin_lock(&console_lock);
	for (size_t i = 0; i < n; i++)
		serial_putc(s[i]);
	bytes_written += n;
	if (lock)
		spin_unlock(&console_lock);
}

void console_panic(void)
{
	console_panicking = true;
}

u64 console_bytes_written(void)
{
	return bytes_written;
}

/* vprintk - format into a line buffer and write it; long output is cut. */
int vprintk(const char *fmt, va_list ap)
{
	char buf[PRINTK_LINE_MAX];
	int n = fl_vsnprintf(buf, sizeof(buf), fmt, ap);

	console_write(buf, n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
	return n;
}
