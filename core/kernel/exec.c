/* core/kernel/exec.c - starting a program: a new address space with the
 * static ELF's segments loaded and the initial user stack laid out as
 * Linux lays it out (argc, argv, envp, the auxiliary vector). */
#include "kernel/task.h"
#include "kernel/elf.h"
#include "lib/printk.h"
#include "lib/string.h"
#include "mm/mm.h"
#include "x86/layout.h"
#include "x86/uaccess.h"

#define USER_RFLAGS	0x202		/* IF on: the timer tick may preempt user mode */
#define AT_NULL		0
#define AT_PHDR		3
#define AT_PHENT	4
#define AT_PHNUM	5
#define AT_PAGESZ	6
#define AT_ENTRY	9
#define AT_RANDOM	25
#define MAX_ARGS	32

/* load_segments - map and fill every PT_LOAD of @img from @image. */
static int load_segments(struct mm_struct *mm, const u8 *image, const struct elf_image *img)
{
	u64 end = 0;

	for (int i = 0; i < img->nr_segments; i++) {
		const struct elf_segment *s = &img->seg[i];
		u64 start = ALIGN_DOWN(s->vaddr, PAGE_SIZE);
		u64 stop = ALIGN_UP(s->vaddr + s->memsz, PAGE_SIZE);
		int r = vma_add(mm, start, stop, s->prot);

		if (r) {
			printk("forklab: ELF segment %d [%lx, %lx) overlaps another page-wise\n",
			       i, s->vaddr, s->vaddr + s->memsz);
			return r;
		}
		for (u64 va = start; va < stop; va += PAGE_SIZE) {
			u64 lo = MAX(va, s->vaddr), hi = MIN(va + PAGE_SIZE, s->vaddr + s->filesz);
			u8 *kaddr;

			r = map_new_page(mm, va, s->prot);
			if (r)
				return r;
			kaddr = user_page_address(mm, va);
			if (hi > lo)
				memcpy(kaddr + (lo - va), image + s->file_offset + (lo - s->vaddr),
				       hi - lo);
		}
		end = MAX(end, stop);
	}
	mm->start_brk = mm->brk = end;
	return 0;
}

/* setup_stack - the initial user stack as Linux lays it out: argc, argv[],
 * NULL, envp NULL, auxv pairs, then the strings. @mm must be active. */
static long setup_stack(struct mm_struct *mm, const struct elf_image *img,
			const char *const *argv, u64 *sp_out)
{
	u64 sp = USER_STACK_TOP, argp[MAX_ARGS], frame[2 * MAX_ARGS + 20];
	static const u8 random_bytes[16] = { 0x66, 0x6f, 0x72, 0x6b, 0x6c, 0x61, 0x62, 0x21,
					     0x13, 0x37, 0xc0, 0xde, 0x5e, 0xed, 0xf0, 0x0d };
	int argc = 0, n = 0;
	long r;

	r = vma_add(mm, USER_STACK_TOP - USER_STACK_INIT, USER_STACK_TOP,
		    PROT_READ | PROT_WRITE);
	if (r)
		return r;
	find_vma(mm, USER_STACK_TOP - 1)->flags = VM_GROWSDOWN;
	for (argc = 0; argv[argc] && argc < MAX_ARGS; argc++) {
		size_t len = strlen(argv[argc]) + 1;

		sp -= len;
		if (copy_to_user(sp, argv[argc], len))
			return -EFAULT;
		argp[argc] = sp;
	}
	sp -= sizeof(random_bytes);
	if (copy_to_user(sp, random_bytes, sizeof(random_bytes)))
		return -EFAULT;
	frame[n++] = argc;
	for (int i = 0; i < argc; i++)
		frame[n++] = argp[i];
	frame[n++] = 0;			/* end of argv */
	frame[n++] = 0;			/* empty envp */
	frame[n++] = AT_PHDR;	frame[n++] = img->phdr_vaddr;
	frame[n++] = AT_PHENT;	frame[n++] = img->phentsize;
	frame[n++] = AT_PHNUM;	frame[n++] = img->phnum;
	frame[n++] = AT_PAGESZ;	frame[n++] = PAGE_SIZE;
	frame[n++] = AT_ENTRY;	frame[n++] = img->entry;
	frame[n++] = AT_RANDOM;	frame[n++] = sp;
	frame[n++] = AT_NULL;	frame[n++] = 0;
	sp = ALIGN_DOWN(sp - n * sizeof(u64), 16);
	if (copy_to_user(sp, frame, n * sizeof(u64)))
		return -EFAULT;
	*sp_out = sp;
	return 0;
}

int exec_into(struct task_struct *p, const void *image, u64 size,
		     const char *const *argv)
{
	char err[160];
	struct elf_image img;
	struct mm_struct *mm;
	struct pt_regs *regs = task_pt_regs(p);
	u64 sp = 0;
	long r;

	r = elf_parse(image, size, &img, err, sizeof(err));
	if (r) {
		printk("forklab: cannot run the program: %s\n", err);
		return r;
	}
	mm = mm_alloc();
	if (!mm)
		return -ENOMEM;
	r = load_segments(mm, image, &img);
	if (!r) {
		/* borrow the new mm, so faults on its stack resolve against it */
		struct mm_struct *saved = current->mm;

		current->mm = mm;
		switch_mm(mm);
		r = setup_stack(mm, &img, argv, &sp);
		current->mm = saved;
		switch_mm(saved);
	}
	if (r) {
		exit_mmap(mm);
		printk("forklab: cannot load the program: error %ld\n", r);
		return r;
	}
	p->mm = mm;
	memset(regs, 0, sizeof(*regs));
	regs->rip = img.entry;
	regs->rsp = sp;
	regs->cs = USER_CS | 3;
	regs->ss = USER_DS | 3;
	regs->rflags = USER_RFLAGS;
	p->thread.fsbase = 0;
	p->flags &= ~PF_KTHREAD;		/* forked from idle, now a user task */
	memcpy(p->thread.fxstate, fpu_init_state.fxstate, FXSAVE_SIZE);
	memcpy(p->comm, argv[0] ? argv[0] : "init", TASK_COMM_LEN - 1);
	return 0;
}
