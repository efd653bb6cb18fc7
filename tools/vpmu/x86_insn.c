/* tools/vpmu/x86_insn.c - classify an x86-64 instruction by its bytes: past
 * the legacy and REX prefixes, the opcode (and for some the ModRM reg field)
 * says whether it branches, repeats, reads the TSC, is a mark, returns from
 * the kernel or flushes TLB entries. Intel SDM vol. 2, appendix A. */
#define VPMU_PLUGIN
#include "x86_insn.h"
#include "vpmu_marker.h"

static int is_legacy_prefix(uint8_t b)
{
	switch (b) {
	case 0xf0: case 0xf2: case 0xf3: case 0x2e: case 0x36: case 0x3e:
	case 0x26: case 0x64: case 0x65: case 0x66: case 0x67:
		return 1;
	}
	return 0;
}

/* is_string_op - movs, cmps, stos, lods, scas, ins, outs (byte or wider) */
static int is_string_op(uint8_t op)
{
	return (op >= 0xa4 && op <= 0xa7) || (op >= 0xaa && op <= 0xaf) ||
	       (op >= 0x6c && op <= 0x6f);
}

/* classify_0f - the two-byte opcodes 0F @op (@p: the bytes after it). */
static unsigned int classify_0f(uint8_t op, const uint8_t *p, size_t left, int opsize)
{
	uint8_t modrm = left ? p[0] : 0, reg = (modrm >> 3) & 7;

	if (op >= 0x80 && op <= 0x8f)		/* jcc rel32 */
		return INSN_BRANCH;
	switch (op) {
	case 0x05: case 0x34:			/* syscall, sysenter */
		return INSN_BRANCH;
	case 0x07: case 0x35:			/* sysret, sysexit */
		return INSN_BRANCH | INSN_RETURN;
	case 0x31:				/* rdtsc */
		return INSN_RDTSC;
	case 0x01:
		if (modrm == 0xf9)		/* rdtscp */
			return INSN_RDTSC;
		if (reg == 7 && (modrm >> 6) != 3)	/* invlpg m */
			return INSN_INVLPG;
		return 0;
	case 0x22:				/* mov %reg, %crN */
		return reg == 3 ? INSN_FLUSH_TLB : reg == 4 ? INSN_FLUSH_ALL : 0;
	case 0x38:				/* 66 0F 38 82: invpcid */
		return opsize && left && p[0] == 0x82 ? INSN_INVLPG : 0;
	}
	return 0;
}

unsigned int x86_classify(const uint8_t *p, size_t size, uint32_t *code)
{
	size_t i = 0;
	int rep = 0, opsize = 0;
	uint8_t op;

	if (size == 8 && p[0] == 0x0f && p[1] == 0x1f && p[2] == 0x84 && p[3] == 0x00) {
		uint32_t disp = p[4] | p[5] << 8 | p[6] << 16 | (uint32_t)p[7] << 24;

		if ((disp & ~0xffu) == VPMU_MARK_MAGIC) {
			*code = disp & 0xff;
			return INSN_MARK;
		}
	}
	for (; i < size && is_legacy_prefix(p[i]); i++) {
		rep |= p[i] == 0xf3 || p[i] == 0xf2;
		opsize |= p[i] == 0x66;
	}
	if (i < size && (p[i] & 0xf0) == 0x40)	/* REX */
		i++;
	if (i >= size)
		return 0;
	op = p[i++];
	if (op == 0x0f)
		return i < size ? classify_0f(p[i], p + i + 1, size - i - 1, opsize) : 0;
	if (is_string_op(op))		/* movs A4/A5 and cmps A6/A7 read and write or read twice */
		return rep ? INSN_REP | (op <= 0xa7 && op >= 0xa4 ? INSN_REP2 : 0) : 0;
	if ((op >= 0x70 && op <= 0x7f) || (op >= 0xe0 && op <= 0xe3))	/* jcc rel8, loop, jrcxz */
		return INSN_BRANCH;
	switch (op) {
	case 0xe8: case 0xe9: case 0xeb:	/* call, jmp */
	case 0xc2: case 0xc3: case 0xca: case 0xcb:	/* ret, retf */
	case 0xcc: case 0xcd: case 0xce:	/* int3, int, into */
		return INSN_BRANCH;
	case 0xcf:				/* iret */
		return INSN_BRANCH | INSN_RETURN;
	case 0xff: {				/* group 5: /2 /3 call, /4 /5 jmp */
		uint8_t reg = i < size ? (p[i] >> 3) & 7 : 0;

		return reg >= 2 && reg <= 5 ? INSN_BRANCH : 0;
	}
	}
	return 0;
}
