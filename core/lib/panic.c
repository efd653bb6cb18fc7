/* core/lib/panic.c - panic() and the isa-debug-exit path out of the guest. */
#include "lib/panic.h"
#include "lib/qemu_exit.h"
#include "x86/io.h"
#include "lib/printk.h"
#include "x86/console.h"
#include "lib/atomic.h"

/* qemu_exit - write @status to isa-debug-exit; QEMU exits (status<<1)|1.
 * Without the device (real hardware) the CPU halts forever instead. */
__noreturn void qemu_exit(u32 status)
{
	local_irq_disable();
	outl(FL_DEBUG_EXIT_PORT, status);
	for (;;)
		asm volatile("hlt");
}

static volatile u32 oops_cpu_taken;

/* oops_begin - the first CPU to die prints; any other stops here, so that
 * two reports do not mix. The console stops taking its lock: its holder may
 * be the CPU that broke. */
void oops_begin(void)
{
	local_irq_disable();
	if (xchg_u32(&oops_cpu_taken, 1))
		for (;;)
			asm volatile("hlt");
	console_panic();
}

/* panic - print the reason and a backtrace of frame pointers, then exit
 * with FL_EXIT_PANIC. Never returns. */
__noreturn void panic(const char *fmt, ...)
{
	static bool in_panic;
	va_list ap;
	u64 *fp;

	local_irq_disable();
	if (in_panic)
		qemu_exit(FL_EXIT_PANIC);
	in_panic = true;
	oops_begin();
	printk("\nKERNEL PANIC: ");
	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
	printk("\nbacktrace:");
	asm volatile("mov %%rbp, %0" : "=r"(fp));
	for (int depth = 0; fp && depth < 16 && (u64)fp > 0xffff800000000000; depth++) {
		printk(" %lx", fp[1]);
		fp = (u64 *)fp[0];
	}
	printk("\n");
	qemu_exit(FL_EXIT_PANIC);
}
