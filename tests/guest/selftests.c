/* tests/guest/selftests.c - guest self-tests of the boot skeleton (mode=test). */
#include "x86/console.h"
#include "x86/layout.h"
#include "init/memmap.h"
#include "init/multiboot.h"
#include "lib/printk.h"
#include "lib/selftest.h"
#include "lib/string.h"
#include "x86/traps.h"
#include "suites/core_tests.h"
#include "suites/registry_conformance.h"
#include "mm/kmem.h"
#include "mm/mm.h"
#include "pid/pid.h"
#include "x86/sections.h"

#define UNMAPPED_KERNEL_ADDR	0xffffc90000001000UL	/* vmalloc-like hole, never mapped */


static void test_console(void)
{
	u64 before = console_bytes_written();

	printk("console: twelve bytes\n");	/* 22 bytes including the newline */
	report(console_bytes_written() - before == 22,
	       "printk writes exactly its bytes to the serial port (%lu)",
	       console_bytes_written() - before);
	printf_selftest();
}
DEFINE_SELFTEST(console, test_console);

DEFINE_SELFTEST(cmdline, cmdline_selftest);

/* test_registry - the mechanism, then each real family as the kernel has it. */
static void test_registry(void)
{
	registry_selftest();
	registry_conformance(&kmem_family, "page, slab, slub, magazine, bump");
	registry_conformance(&pt_family, "cow, copy, share");
	registry_conformance(&pid_family, "hash, idr, array");
}
DEFINE_SELFTEST(registry, test_registry);
DEFINE_SELFTEST(memmap_logic, memmap_selftest);

static void test_boot_memmap(void)
{
	const struct memmap *m = &usable_ram;
	bool sorted = true, aligned = true, clear_of_kernel = true;

	report(boot_info_parsed.ram.nr > 0 && m->nr > 0, "the loader reported RAM (%d ranges, %d usable)",
	       boot_info_parsed.ram.nr, m->nr);
	for (int i = 0; i < m->nr; i++) {
		if (i && m->range[i].start <= m->range[i - 1].end)
			sorted = false;
		if (!IS_ALIGNED(m->range[i].start | m->range[i].end, PAGE_SIZE))
			aligned = false;
		if (m->range[i].start < (u64)_end_phys && m->range[i].end > KERNEL_PHYS)
			clear_of_kernel = false;
		report_info("usable [%016lx, %016lx) %lu KiB", m->range[i].start,
			    m->range[i].end, (m->range[i].end - m->range[i].start) >> 10);
	}
	report(sorted, "usable ranges are sorted and disjoint");
	report(aligned, "usable ranges are page-aligned");
	report(clear_of_kernel, "no usable range overlaps the kernel image");
	report(m->range[0].start >= 0x100000, "the first MiB is not handed out");
	report(memmap_total(m) <= boot_info_parsed.ram_reported &&
	       memmap_total(m) + (16 << 20) >= boot_info_parsed.ram_reported,
	       "usable RAM (%lu KiB) is what the loader reported (%lu KiB) less a little",
	       memmap_total(m) >> 10, boot_info_parsed.ram_reported >> 10);
}
DEFINE_SELFTEST(boot_memmap, test_boot_memmap);

static void test_address_space(void)
{
	u64 v = 0;
	const u32 *header = (const u32 *)(KERNEL_VMA + KERNEL_PHYS);
	const u32 *direct = (const u32 *)(PAGE_OFFSET + KERNEL_PHYS);

	report((u64)&test_address_space >= KERNEL_VMA, "the kernel runs in the higher half");
	report(header[0] == 0x1badb002 && direct[0] == header[0],
	       "the direct map and the kernel mapping show the same physical memory");
	report(probe_read_u64((void *)0x100000, &v) == -EFAULT,
	       "the identity map is gone: the lower half is free for user space");
}
DEFINE_SELFTEST(address_space, test_address_space);

/* probe_ud - execute ud2 under a fixup; returns -EFAULT when #UD was caught. */
static long probe_ud(void)
{
	long ret = 0;

	asm volatile("1:	ud2\n"
		     _ASM_EFAULT_FIXUP
		     : [ret] "+r"(ret)
		     : [efault] "i"(-EFAULT));
	return ret;
}

static void test_exceptions(void)
{
	u64 v = 0, before = last_fixed_exception.count;
	long r;

	r = probe_read_u64((void *)UNMAPPED_KERNEL_ADDR, &v);
	report(r == -EFAULT && last_fixed_exception.count == before + 1,
	       "a page fault in the kernel is caught by the handler (ret %ld)", r);
	report(last_fixed_exception.vector == X86_TRAP_PF &&
	       last_fixed_exception.cr2 == UNMAPPED_KERNEL_ADDR &&
	       (last_fixed_exception.error_code & 1) == 0,
	       "#PF: vector %lu, CR2 %lx, error code 0x%lx (not present)",
	       last_fixed_exception.vector, last_fixed_exception.cr2,
	       last_fixed_exception.error_code);
	r = probe_read_u64(&before, &v);
	report(r == 0 && v == before, "a read of mapped memory goes through the same probe");
	r = probe_ud();
	report(r == -EFAULT && last_fixed_exception.vector == X86_TRAP_UD,
	       "ud2 raises #UD (vector %lu) and the handler resumes", last_fixed_exception.vector);
}
DEFINE_SELFTEST(exceptions, test_exceptions);
