/* core/main.c - kmain: from the boot code to the chosen mode. */
#include "console.h"
#include "desc.h"
#include "io.h"
#include "kmem.h"
#include "layout.h"
#include "multiboot.h"
#include "panic.h"
#include "params.h"
#include "pmm.h"
#include "printk.h"
#include "qemu_exit.h"
#include "selftest.h"
#include "traps.h"
#include "version.h"

#define LOW_MEMORY_END	0x100000	/* BIOS, VGA and real-mode leftovers */

extern char _end_phys[];
extern u64 boot_pml4[];
extern const struct selftest __selftests_start[], __selftests_end[];

struct boot_info boot_info_parsed;
/* Usable RAM after reserving the kernel, the loader's data and modules. */
struct memmap usable_ram;

/* reserve_memory - usable RAM = reported RAM less what is already in use
 * and less what the boot direct map does not cover. */
static void reserve_memory(const struct boot_info *bi)
{
	u64 mapped_end = (u64)BOOT_DIRECT_MAP_GB << 30;

	usable_ram = bi->ram;
	memmap_reserve(&usable_ram, 0, LOW_MEMORY_END);
	memmap_reserve(&usable_ram, KERNEL_PHYS, (u64)_end_phys);
	memmap_reserve(&usable_ram, bi->info_start, bi->info_end);
	for (int i = 0; i < bi->nr_modules; i++)
		memmap_reserve(&usable_ram, bi->modules[i].start, bi->modules[i].end);
	if (memmap_total(&usable_ram) && usable_ram.range[usable_ram.nr - 1].end > mapped_end) {
		printk("forklab: RAM above %d GiB is not in the boot direct map; ignored\n",
		       BOOT_DIRECT_MAP_GB);
		memmap_reserve(&usable_ram, mapped_end, UINT64_MAX);
	}
}

/* drop_identity_map - the lower half belongs to user processes from now on. */
static void drop_identity_map(void)
{
	boot_pml4[0] = 0;
	write_cr3(read_cr3());
}

static void crash_on_purpose(u32 kind)
{
	switch (kind) {
	case CRASH_PF:
		printk("forklab: crash=pf: reading an unmapped address\n");
		(void)*(volatile u64 *)0x1000;
		break;
	case CRASH_UD:
		printk("forklab: crash=ud: executing ud2\n");
		asm volatile("ud2");
		break;
	case CRASH_PANIC:
		panic("crash=panic requested on the command line");
	case CRASH_TRIPLE:
		printk("forklab: crash=triple: empty IDT, then int3\n");
		idt_load_empty();
		asm volatile("int3");
		break;
	case CRASH_HANG:
		printk("forklab: crash=hang: spinning with interrupts off\n");
		for (;;)
			asm volatile("cli; hlt");
	}
}

/* run_selftests - run every DEFINE_SELFTEST in link order; exit with the verdict. */
static __noreturn void run_selftests(void)
{
	for (const struct selftest *t = __selftests_start; t < __selftests_end; t++) {
		printk("TEST: %s\n", t->name);
		report_prefix_push(t->name);
		t->fn();
		report_prefix_pop();
	}
	qemu_exit(report_summary() ? FL_EXIT_FAIL : FL_EXIT_PASS);
}

static void list_everything(void)
{
	params_print_keys();
	for (int i = 0; i < kmem_nr_strategies(); i++)
		printk("strategy,alloc,%s,%s\n", kmem_strategy(i)->name, kmem_strategy(i)->desc);
}

/* kmain - C entry from boot/boot.S with the loader's magic and info pointer. */
__noreturn void kmain(u32 magic, u32 info_phys)
{
	struct boot_info *bi = &boot_info_parsed;
	char err[CMDLINE_ERR_MAX];

	console_init();
	printk("forklab %s: long mode, higher half at %lx\n", FORKLAB_VERSION, (u64)KERNEL_VMA);
	desc_init();
	if (multiboot_parse(magic, info_phys, bi)) {
		printk("forklab: unknown bootloader magic 0x%x; accepted: multiboot1 0x%x, "
		       "multiboot2 0x%x\n", magic, MULTIBOOT1_MAGIC, MULTIBOOT2_MAGIC);
		qemu_exit(FL_EXIT_BADBOOT);
	}
	printk("forklab: multiboot%d from %s, cmdline \"%s\"\n", bi->protocol,
	       bi->loader[0] ? bi->loader : "an unnamed loader", bi->cmdline);
	if (bi->cmdline_truncated) {
		printk("forklab: bad command line: longer than %d bytes\n", BOOT_CMDLINE_MAX - 1);
		qemu_exit(FL_EXIT_BADCMD);
	}
	if (params_parse(bi->cmdline, err, sizeof(err))) {
		printk("forklab: bad command line: %s\n", err);
		qemu_exit(FL_EXIT_BADCMD);
	}
	reserve_memory(bi);
	drop_identity_map();
	if (pmm_init_memmap(&usable_ram)) {
		printk("forklab: not enough memory for the page allocator\n");
		qemu_exit(FL_EXIT_NOMEM);
	}
	printk("forklab: %lu MiB usable in %d ranges, %lu pages free\n",
	       memmap_total(&usable_ram) >> 20, usable_ram.nr, nr_free_pages());
	crash_on_purpose(kparams.crash);

	switch (kparams.mode) {
	case MODE_TEST:
		run_selftests();
	case MODE_LIST:
		list_everything();
		break;
	case MODE_BENCH:
		bench_main();
		break;
	}
	printk("forklab: done\n");
	qemu_exit(FL_EXIT_PASS);
}
