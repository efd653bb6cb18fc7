/* tests/guest/smap_selftest.c - SMAP and SMEP (x86/smap.c) caught in the
 * act: a user page mapped in an address space of its own, then read by the
 * kernel outside stac/clac (SMAP: a #PF with the protection bit, absorbed
 * by probe_read_u64's fixup) and inside them (works), and called by the
 * kernel (SMEP: a #PF on the fetch, absorbed by probe_call's). On a CPU
 * without them, or with smap=off / smep=off, the first checks are skipped
 * and the kernel is seen doing what they would forbid. */
#include "init/params.h"
#include "mm/mm.h"
#include "lib/selftest.h"
#include "lib/string.h"
#include "kernel/task.h"
#include "x86/smap.h"
#include "x86/traps.h"
#include "x86/uaccess.h"

#define TEST_VA		0x400000UL
#define TEST_MAGIC	0x5a5a5a5a0badc0deUL
#define CODE_RESULT	0x5a
/* mov $CODE_RESULT, %eax; ret */
static const u8 user_code[] = { 0xb8, CODE_RESULT, 0, 0, 0, 0xc3 };

/* fault_since - whether exactly one fixed exception came after @count: a
 * #PF at @addr whose error code has the bits @want of @mask. */
static bool fault_since(u64 count, u64 addr, u64 mask, u64 want)
{
	const struct exception_record *e = &last_fixed_exception;

	return e->count == count + 1 && e->vector == X86_TRAP_PF && e->cr2 == addr &&
	       (e->error_code & mask) == want;
}

static void test_smap_smep(void)
{
	struct mm_struct *mm = mm_alloc(), *saved = current->mm;
	const u32 prot = PROT_READ | PROT_WRITE | PROT_EXEC;
	u64 v = 0, count;
	long r;
	u8 *page;

	if (!mm || vma_add(mm, TEST_VA, TEST_VA + PAGE_SIZE, prot) ||
	    map_new_page(mm, TEST_VA, prot)) {
		report(false, "SMAP/SMEP: a user page to test with");
		if (mm)
			mmput(mm);
		return;
	}
	page = user_page_address(mm, TEST_VA);
	memcpy(page, user_code, sizeof(user_code));
	*(u64 *)(page + 64) = TEST_MAGIC;
	current->mm = mm;
	switch_mm(mm);

	count = last_fixed_exception.count;
	r = probe_read_u64((void *)(TEST_VA + 64), &v);
	if (smap_enabled)
		report(r == -EFAULT && fault_since(count, TEST_VA + 64, PF_PROT | PF_WRITE | PF_USER,
						  PF_PROT),
		       "SMAP: a kernel read of a present user page outside stac/clac faults "
		       "(#PF, error 0x%lx: protection, supervisor read) and is not resolved",
		       last_fixed_exception.error_code);
	else
		report_skip("SMAP: off (%s): the kernel read the user page outside stac/clac (%s)",
			    kparams.smap == SMAP_KEY_OFF ? "smap=off" : "not in the CPU",
			    r == 0 ? "it did" : "it faulted");
	v = 0;
	stac();
	r = probe_read_u64((void *)(TEST_VA + 64), &v);
	clac();
	report(r == 0 && v == TEST_MAGIC, "SMAP: the same read between stac and clac works");
	v = 0;
	report(copy_from_user(&v, TEST_VA + 64, sizeof(v)) == 0 && v == TEST_MAGIC,
	       "copy_from_user reads the user page (its own stac/clac)");

	count = last_fixed_exception.count;
	r = probe_call(TEST_VA);
	if (smep_enabled)
		report(r == -EFAULT && fault_since(count, TEST_VA, PF_PROT | PF_INSTR | PF_USER,
						  PF_PROT | PF_INSTR),
		       "SMEP: the kernel calling into a user page faults on the fetch (error 0x%lx)",
		       last_fixed_exception.error_code);
	else
		report_skip("SMEP: off (%s): the kernel ran the user page's code (returned %ld)",
			    kparams.smep == SMAP_KEY_OFF ? "smep=off" : "not in the CPU", r);

	switch_mm(saved);
	current->mm = saved;
	mmput(mm);
}
DEFINE_SELFTEST(smap_smep, test_smap_smep);
