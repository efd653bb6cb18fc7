/* core/x86/smap.h - SMEP and SMAP (x86/smap.c): the kernel may neither run
 * user pages (SMEP) nor touch user memory (SMAP) except between stac and
 * clac, around each user access (x86/uaccess.c), as Linux. Each ASM_STAC /
 * ASM_CLAC is a 3-byte NOP noted in the smap_sites section; smap_init turns
 * them into stac/clac when SMAP is on (Linux's alternatives), so a CPU
 * without SMAP runs the same number of instructions and never sees an
 * opcode it would #UD on. Shared by C and assembly. */
#ifndef FORKLAB_SMAP_H
#define FORKLAB_SMAP_H

#define X86_CR4_SMEP		(1 << 20)
#define X86_CR4_SMAP		(1 << 21)
#define X86_EFLAGS_AC		(1 << 18)
#define CPUID7_EBX_SMEP		(1 << 7)
#define CPUID7_EBX_SMAP		(1 << 20)
#define SMAP_SITE_STAC		1
#define SMAP_SITE_CLAC		2

#ifdef __ASSEMBLY__
	.macro SMAP_SITE kind
661:	.byte 0x0f, 0x1f, 0x00		/* nopl (%rax): stac or clac once patched */
	.pushsection smap_sites, "a"
	.balign 8
	.quad 661b, \kind
	.popsection
	.endm
#define ASM_CLAC	SMAP_SITE SMAP_SITE_CLAC
#else
#include "lib/types.h"

#define __SMAP_SITE(kind)						\
	"661:	.byte 0x0f, 0x1f, 0x00\n"				\
	".pushsection smap_sites, \"a\"\n.balign 8\n"			\
	".quad 661b, " #kind "\n.popsection\n"
#define ASM_STAC	__SMAP_SITE(1)
#define ASM_CLAC	__SMAP_SITE(2)
_Static_assert(SMAP_SITE_STAC == 1 && SMAP_SITE_CLAC == 2, "ASM_STAC/ASM_CLAC kinds");

struct smap_site {
	u64 addr, kind;
};

/* stac, clac - open and close a user access (no-ops without SMAP). */
static inline __attribute__((always_inline)) void stac(void)
{
	asm volatile(ASM_STAC ::: "memory");
}
static inline __attribute__((always_inline)) void clac(void)
{
	asm volatile(ASM_CLAC ::: "memory");
}

/* smep=, smap= (kparams.smep, .smap): SMAP_KEY_ON uses the feature if the
 * CPU has it (the default), SMAP_KEY_OFF does not */
enum { SMAP_KEY_ON, SMAP_KEY_OFF };
/* whether this boot runs with them (every CPU alike) */
extern bool smep_enabled, smap_enabled;

/* smap_init - on the boot CPU: decide from CPUID 7 and the keys, patch the
 * sites if SMAP is on, say so in one line, set this CPU's CR4 bits.
 * smap_init_secondary - the same CR4 bits on another CPU. */
void smap_init(void);
void smap_init_secondary(void);
#endif

#endif
