/* core/init/main.c - kmain: from the boot code to the chosen mode. */
#include "bench.h"
#include "accel_probe.h"
#include "x86/console.h"
#include "x86/desc.h"
#include "kernel/elf.h"
#include "x86/fault.h"
#include "mm/mm.h"
#include "pid/pid.h"
#include "kernel/task.h"
#include "fs/fs.h"
#include "kernel/futex.h"
#include "kernel/syscall.h"
#include "x86/io.h"
#include "mm/kmem.h"
#include "x86/layout.h"
#include "init/multiboot.h"
#include "lib/panic.h"
#include "init/params.h"
#include "mm/pmm.h"
#include "lib/printk.h"
#include "lib/qemu_exit.h"
#include "lib/selftest.h"
#include "x86/traps.h"
#include "x86/smap.h"
#include "x86/timer.h"
#include "lib/string.h"
#include "version.h"
#include "x86/sections.h"
#include "x86/apic.h"
#include "x86/smp.h"

#define LOW_MEMORY_END	0x100000	/* BIOS, VGA and real-mode leftovers */


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

/* pmm_init_memmap - hand the usable ranges to the buddy allocator. */
static int pmm_init_memmap(const struct memmap *m)
{
	struct mem_range ranges[MEMMAP_MAX];

	for (int i = 0; i < m->nr; i++) {
		ranges[i].start = m->range[i].start;
		ranges[i].end = m->range[i].end;
	}
	return pmm_init(ranges, m->nr);
}

/* drop_identity_map - the lower half belongs to user processes from now on. */
static void drop_identity_map(void)
{
	boot_pml4[0] = 0;
	load_cr3(read_cr3());
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
	strategies_list();
	bench_list();
}

/* split_args - argv from "prog,arg1,arg2" in @buf (modified); returns argc. */
static int split_args(char *buf, const char **argv, int max)
{
	int argc = 0;

	while (*buf && argc < max - 1) {
		argv[argc++] = buf;
		while (*buf && *buf != ',')
			buf++;
		if (*buf)
			*buf++ = '\0';
	}
	argv[argc] = NULL;
	return argc;
}

/* run_program - pid 1 runs the first boot module (or /init when that is
 * a cpio archive), else the embedded program, with its ramfs path as
 * argv[0]; its fate becomes the run's exit status. */
static __noreturn void run_program(const struct boot_info *bi, u64 free_before)
{
	static char args[ARGS_MAX + 32];
	const char *argv[33], *path = ramfs_first_program();
	struct inode *in;
	int status, err = 0;

	in = ramfs_lookup(path, &err);
	if (!in || (in->mode & S_IFMT) != S_IFREG) {
		printk("forklab: no program to run as pid 1: %s %s\n", path,
		       in ? "is not a file" : "is not in the archive");
		qemu_exit(FL_EXIT_BADPROG);
	}
	fl_snprintf(args, sizeof(args), "%s%s%s", path, kparams.args[0] ? "," : "", kparams.args);
	split_args(args, argv, ARRAY_SIZE(argv));
	printk("forklab: running %s (%s, %lu bytes) as pid 1 with alloc=%s pt=%s pid=%s\n",
	       path, bi->nr_modules ? "from the boot modules" : "the embedded program", in->size,
	       kmem_current()->name, pt_ops_current->name, pid_current()->name);
	status = run_user_program(in->data, in->size, argv);
	if (status >= 0) {
		/* every task is reaped: the fork path must hold nothing now */
		u64 live = fork_live_objects() + mm_live_objects() + pid_current()->nr_in_use();

		strategies_teardown();
		printk("forklab: after pid 1: %lu objects live, %ld pages unaccounted, %d tasks "
		       "(%lu timer ticks, %lu preemptions)\n", live,
		       (long)(free_before - nr_free_pages()), nr_threads, jiffies, nr_preemptions);
		if (futex_nr_waiting())
			printk("forklab: %d futex waiters still queued\n", futex_nr_waiting());
		if (live || nr_free_pages() != free_before || nr_threads || futex_nr_waiting()) {
			printk("forklab: the fork path leaked; failing the run\n");
			qemu_exit(FL_EXIT_FAIL);
		}
	}
	if (syscalls_via_fault)
		printk("forklab: %lu system calls arrived as page faults (a nested-KVM quirk; "
		       "each paid a fault and was completed by the #PF handler)\n",
		       syscalls_via_fault);
	if (status == -ENOEXEC)
		qemu_exit(FL_EXIT_BADPROG);
	if (status < 0)
		qemu_exit(FL_EXIT_FAIL);
	if (status & 0x7f) {
		printk("forklab: pid 1 was killed by signal %d\n", status & 0x7f);
		qemu_exit(FL_EXIT_PROGRAM_KILLED);
	}
	printk("forklab: pid 1 exited with status %d\n", (status >> 8) & 0xff);
	qemu_exit(FL_EXIT_PROGRAM_BASE + ((status >> 8) & 63));
}

/* setup_fork_path - allocator, page-table and pid strategies for mode=run
 * and mode=test, then the caches fork allocates from. */
static void setup_fork_path(void)
{
	struct strategy_set set;

	strategy_set_pick(kparams.strategy_mask, &set);
	if (strategies_setup(set.alloc, set.pt, set.pid, kparams.tasksize, kparams.pid_max)) {
		printk("forklab: not enough memory for the fork caches\n");
		qemu_exit(FL_EXIT_NOMEM);
	}
}

/* The version (git describe) in an array of fixed size: its length (a
 * -dirty suffix) must not move the kernel's data, whose cache lines the
 * virtual PMU's modelled misses see. */
static const char forklab_version[48] = FORKLAB_VERSION;

/* kmain - C entry from boot/boot.S with the loader's magic and info pointer. */
__noreturn void kmain(u32 magic, u32 info_phys)
{
	struct boot_info *bi = &boot_info_parsed;
	char err[CMDLINE_ERR_MAX];

	direct_map_base = PAGE_OFFSET;
	percpu_init(0, 0);		/* GS first: smp_processor_id() and current read it */
	cpu_data[0].curr_task = &idle_task;	/* current is never NULL: locks record it */
	console_init();
	printk("forklab %s: long mode, higher half at %lx\n", forklab_version, (u64)KERNEL_VMA);
	desc_init();
	trap_init();
	if (lapic_init(true))
		cpu_data[0].apic_id = lapic_id();
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
	set_max_threads(nr_free_pages(), kparams.max_threads);
	/* no tick under the benchmarks unless asked for: at 100 Hz one lands in
	 * every 10 M instructions of icount time, inside any long measured
	 * call, and preempts the parent to run the child there */
	timer_init(kparams.hz != HZ_AUTO ? kparams.hz :
		   kparams.mode == MODE_BENCH ? 0 : HZ_DEFAULT);
	sched_init();
	futex_init();
	fpu_init();
	smap_init();		/* before the first user access */
	syscall_init();
	smp_boot_cpus(bi, (int)kparams.maxcpus);
	task_init_idle_objects();
	ramfs_init(bi, user_program_start, user_program_end - user_program_start);
	crash_on_purpose(kparams.crash);

	switch (kparams.mode) {
	case MODE_RUN: {
		u64 free_before = nr_free_pages();

		setup_fork_path();
		run_program(bi, free_before);
	}
	case MODE_TEST:
		setup_fork_path();
		run_selftests();
	case MODE_LIST:
		list_everything();
		break;
	case MODE_BENCH:
		bench_main();
		break;
	case MODE_PROBE:
		accel_probe();
		break;
	}
	printk("forklab: done\n");
	qemu_exit(FL_EXIT_PASS);
}
