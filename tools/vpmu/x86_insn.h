/* tools/vpmu/x86_insn.h - what the virtual PMU needs to know of one x86-64
 * instruction, from its bytes alone (plugin API 1 gives bytes, not
 * decoded operands). */
#ifndef VPMU_X86_INSN_H
#define VPMU_X86_INSN_H

#include <stddef.h>
#include <stdint.h>

enum insn_flags {
	INSN_BRANCH	= 1 << 0,	/* jcc, jmp, call, ret, loop, syscall, sysret, iret, int */
	INSN_REP	= 1 << 1,	/* a rep/repne-prefixed string instruction */
	INSN_RDTSC	= 1 << 2,	/* rdtsc or rdtscp: a counter snapshot */
	INSN_MARK	= 1 << 3,	/* a bench/vpmu_marker.h mark (its code in *code) */
	INSN_RETURN	= 1 << 4,	/* iret or sysret: back from the kernel */
	INSN_FLUSH_TLB	= 1 << 5,	/* mov to CR3: non-global TLB entries go */
	INSN_FLUSH_ALL	= 1 << 6,	/* mov to CR4 (PGE toggled): every entry goes */
	INSN_INVLPG	= 1 << 7,	/* invlpg or invpcid: one page's entries go */
	INSN_REP2	= 1 << 8,	/* a rep movs or cmps: two accesses an iteration */
};

/* x86_classify - the INSN_* flags of the @size bytes at @p (64-bit code);
 * for a mark, its code goes to *@code. */
unsigned int x86_classify(const uint8_t *p, size_t size, uint32_t *code);

#endif
