/* tools/vpmu/vpmu.c - the virtual PMU, a QEMU TCG plugin (API 1):
 * hardware-style counts of every measured window, on any machine.
 *
 *   qemu-system-x86_64 ... -plugin build/vpmu/vpmu.so,out=FILE[,model=none][,key=value...]
 *
 * Every instruction adds 1 to an inline counter (its starts: what icount
 * counts), a branch to another; with model=cache every access goes
 * through the memory model (model.c), which counts loads and stores too.
 * Callbacks run only where the counts need a decision: at each block's
 * start (retire.c: did the blocks before end early, or repeat a rep?), and
 * on rdtsc and marks (windows.c), CR3/CR4 writes and invlpg (the TLBs).
 * A block that is one rep instruction (every iteration after the first)
 * has no callback at all: inline counts that the next block reads.
 * Plugin API 1 inline counters are not per vCPU: one vCPU only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "qemu_plugin_api.h"
#include "model.h"
#include "params.h"
#include "vpmu.h"
#include "windows.h"
#include "x86_insn.h"

VPMU_EXPORT int qemu_plugin_version = VPMU_PLUGIN_API_VERSION;

#define ARENA_CHUNK	(1 << 20)
#define PA_CACHE	256		/* pages whose physical address the plugin keeps */
#define PA_IO		1ULL		/* in a physical page number's place: device memory */

uint64_t vpmu_raw[NR_RAW];

static struct {
	struct vpmu_params p;
	struct vpmu_model model;
	struct windows win;
	/* virtual page -> physical page, as QEMU last translated it (the
	 * virtual page number + 1, 0: empty; the physical one + 2, or PA_IO
	 * for device memory); emptied whenever the guest flushes TLB entries,
	 * as the translations may change then */
	uint64_t pa_vpn[PA_CACHE], pa_ppn[PA_CACHE];
	char **chunks;			/* the block descriptions' arena */
	size_t nchunks, chunk_used;
	FILE *out;
} V;

/* arena_alloc - @size bytes for a block description, freed at a TB flush. */
static void *arena_alloc(size_t size)
{
	size = (size + 15) & ~(size_t)15;
	if (!V.nchunks || V.chunk_used + size > ARENA_CHUNK) {
		char **c = realloc(V.chunks, (V.nchunks + 1) * sizeof(*c));

		if (!c || !(c[V.nchunks] = malloc(ARENA_CHUNK)))
			abort();
		V.chunks = c;
		V.nchunks++;
		V.chunk_used = 0;
	}
	V.chunk_used += size;
	return V.chunks[V.nchunks - 1] + V.chunk_used - size;
}

/* on_flush - QEMU flushed its translation blocks: their descriptions go. */
static void on_flush(qemu_plugin_id_t id)
{
	(void)id;
	retire_flush();			/* keeps what it needs of the last block */
	for (size_t i = 0; i < V.nchunks; i++)
		free(V.chunks[i]);
	V.nchunks = 0;
}

/* read_counters - the public counters now. */
static void read_counters(struct snap *s)
{
	const uint64_t *raw = vpmu_raw;

	memcpy(s->c, raw, sizeof(s->c));
	s->c[C_ICOUNT] = raw[R_EXEC] - raw[C_RESTARTS];
	s->c[C_INST] = s->c[C_ICOUNT] - raw[R_REPEATS];
	s->c[C_REP_ITERS] = raw[R_REPEATS];	/* n iterations: n + 1 executions */
	s->c[C_BRANCHES] = raw[R_BRANCH] - raw[R_RESTART_BRANCH];
	if (V.p.cache)
		s->c[C_CYCLES] = model_cycles(&V.p, s->c, raw[R_REP_BYTES]);
}

/* on_tb - a described block starts (@ud its description). */
static void on_tb(unsigned int vcpu, void *ud)
{
	(void)vcpu;
	retire_tb(ud);
}

/* on_rdtsc - an rdtsc at @ud runs: a snapshot of its half's stream. */
static void on_rdtsc(unsigned int vcpu, void *ud)
{
	struct snap s;

	(void)vcpu;
	read_counters(&s);
	windows_snapshot(&V.win, (uintptr_t)ud >= USER_TOP ? STREAM_KERNEL : STREAM_USER, &s);
}

/* on_mark - a mark runs: @ud its code, bit 8 set in the kernel half. */
static void on_mark(unsigned int vcpu, void *ud)
{
	uintptr_t v = (uintptr_t)ud;

	(void)vcpu;
	windows_mark(&V.win, (v >> 8) ? STREAM_KERNEL : STREAM_USER, v & 0xff);
}

/* on_flush_tlb - a CR3 write (@ud NULL) or a CR4 write (@ud set: globals too). */
static void on_flush_tlb(unsigned int vcpu, void *ud)
{
	(void)vcpu;
	model_flush_tlb(&V.model, ud != NULL);
	memset(V.pa_vpn, 0, sizeof(V.pa_vpn));
}

/* on_invlpg - an invlpg or invpcid, whose operand API 1 does not show. */
static void on_invlpg(unsigned int vcpu, void *ud)
{
	(void)vcpu;
	(void)ud;
	V.model.invlpg_pending = 1;
	memset(V.pa_vpn, 0, sizeof(V.pa_vpn));
}

/* physical - the physical address of the access @info at @vaddr, or 0 for
 * device memory; QEMU is asked once per page until the next TLB flush. */
static uint64_t physical(qemu_plugin_meminfo_t info, uint64_t vaddr)
{
	uint64_t vpn = (vaddr >> 12) + 1;
	unsigned int i = vpn & (PA_CACHE - 1);
	struct qemu_plugin_hwaddr *hw;

	if (V.pa_vpn[i] != vpn) {
		hw = qemu_plugin_get_hwaddr(info, vaddr);
		V.pa_vpn[i] = vpn;
		if (hw && qemu_plugin_hwaddr_is_io(hw))
			V.pa_ppn[i] = PA_IO;
		else
			V.pa_ppn[i] = ((hw ? qemu_plugin_hwaddr_phys_addr(hw) : vaddr) >> 12) + 2;
		/* (no handle happens only in user-mode emulation, refused above) */
	}
	return V.pa_ppn[i] == PA_IO ? 0 : (V.pa_ppn[i] - 2) << 12 | (vaddr & 0xfff);
}

/* on_mem - one load or store, through the memory model. (One callback for
 * both: QEMU 7.2 filters a callback's reads from its writes wrongly.) */
static void on_mem(unsigned int vcpu, qemu_plugin_meminfo_t info, uint64_t vaddr, void *ud)
{
	unsigned int size = 1u << qemu_plugin_mem_size_shift(info);
	int store = qemu_plugin_mem_is_store(info);
	uint64_t pa;

	(void)vcpu;
	vpmu_raw[store ? C_STORES : C_LOADS]++;
	if (ud) {			/* a rep's access: its block counts it too */
		(*(uint64_t *)ud)++;
		vpmu_raw[R_REP_BYTES] += size;
	}
	pa = physical(info, vaddr);
	if (pa)				/* device memory is not cached */
		model_access(&V.model, vpmu_raw, vaddr, pa, size, store);
}

/* count_accesses - the accesses of @insn: through the memory model (with
 * model=cache), and a rep's into @rep_acc. Callbacks and inline ops are
 * registered for reads and writes alike (QEMU_PLUGIN_MEM_RW): QEMU 7.2
 * runs one registered for one kind on accesses of the other. */
static void count_accesses(struct qemu_plugin_insn *insn, uint64_t *rep_acc)
{
	if (V.p.cache)
		qemu_plugin_register_vcpu_mem_cb(insn, on_mem, QEMU_PLUGIN_CB_NO_REGS,
						 QEMU_PLUGIN_MEM_RW, rep_acc);
	else if (rep_acc)
		qemu_plugin_register_vcpu_mem_inline(insn, QEMU_PLUGIN_MEM_RW,
						     QEMU_PLUGIN_INLINE_ADD_U64, rep_acc, 1);
}

/* add_inline - @counter += 1 each time @insn starts. */
static void add_inline(struct qemu_plugin_insn *insn, uint64_t *counter)
{
	qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64, counter, 1);
}

/* add_cb - @cb(@ud) each time @insn starts. */
static void add_cb(struct qemu_plugin_insn *insn, qemu_plugin_vcpu_udata_cb_t cb, uintptr_t ud)
{
	qemu_plugin_register_vcpu_insn_exec_cb(insn, cb, QEMU_PLUGIN_CB_NO_REGS, (void *)ud);
}

/* instrument - the counts and callbacks of one instruction of a block. */
static void instrument(struct qemu_plugin_insn *insn, unsigned int flags, uint32_t code,
		       uint64_t vaddr, uint64_t *rep_acc)
{
	add_inline(insn, &vpmu_raw[R_EXEC]);
	if (flags & INSN_BRANCH)
		add_inline(insn, &vpmu_raw[R_BRANCH]);
	count_accesses(insn, (flags & INSN_REP) ? rep_acc : NULL);
	if (flags & INSN_RDTSC)
		add_cb(insn, on_rdtsc, vaddr);
	if (flags & INSN_MARK)
		add_cb(insn, on_mark, code | (vaddr >= USER_TOP ? 0x100 : 0));
	if (V.p.cache && (flags & (INSN_FLUSH_TLB | INSN_FLUSH_ALL)))
		add_cb(insn, on_flush_tlb, !!(flags & INSN_FLUSH_ALL));
	if (V.p.cache && (flags & INSN_INVLPG))
		add_cb(insn, on_invlpg, 0);
}

/* translate_rep_block - a block of one rep instruction: inline counts only. */
static int translate_rep_block(struct qemu_plugin_insn *insn)
{
	uint64_t vaddr = qemu_plugin_insn_vaddr(insn);
	size_t size = qemu_plugin_insn_size(insn);
	uint32_t code;
	unsigned int flags = x86_classify(qemu_plugin_insn_data(insn), size, &code);
	struct rep_slot *s;

	if (!(flags & INSN_REP) || !(s = retire_rep_slot(vaddr, size, flags)))
		return 0;
	add_inline(insn, &vpmu_raw[R_EXEC]);
	add_inline(insn, &s->execs);
	count_accesses(insn, &s->acc);
	return 1;
}

/* on_translate - QEMU translated block @tb: describe and instrument it. */
static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t n = qemu_plugin_tb_n_insns(tb);
	struct tb_desc *d;

	(void)id;
	if (n == 1 && translate_rep_block(qemu_plugin_tb_get_insn(tb, 0)))
		return;
	d = arena_alloc(sizeof(*d) + n * sizeof(d->insn[0]));
	d->vaddr = qemu_plugin_tb_vaddr(tb);
	d->rep_acc = 0;
	d->n = n;
	d->kernel = d->vaddr >= USER_TOP;
	d->ends_return = 0;
	for (size_t i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
		uint64_t vaddr = qemu_plugin_insn_vaddr(insn);
		size_t size = qemu_plugin_insn_size(insn);
		uint32_t code = 0;
		unsigned int flags = x86_classify(qemu_plugin_insn_data(insn), size, &code);

		d->insn[i] = (struct tb_insn){ vaddr - d->vaddr, size, flags };
		if (i == n - 1 && (flags & INSN_RETURN))
			d->ends_return = 1;
		instrument(insn, flags, code, vaddr, &d->rep_acc);
	}
	qemu_plugin_register_vcpu_tb_exec_cb(tb, on_tb, QEMU_PLUGIN_CB_NO_REGS, d);
}

/* on_atexit - the whole run's counts, and the records file closed. */
static void on_atexit(qemu_plugin_id_t id, void *ud)
{
	struct snap s;

	(void)id;
	(void)ud;
	read_counters(&s);
	fprintf(V.out, "vpmu,end");
	windows_print_counts(&V.win, s.c);
	fprintf(V.out, "\n");
	fclose(V.out);
}

/* qemu_plugin_install - the plugin's entry: its arguments checked (one line
 * on stderr and -1 if they are bad), its callbacks registered. */
VPMU_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc,
				    char **argv)
{
	if (vpmu_params_parse(&V.p, argc, argv, stderr))
		return -1;
	if (!info->system_emulation || strcmp(info->target_name, "x86_64")) {
		fprintf(stderr, "vpmu: needs qemu-system-x86_64 (this is %s)\n", info->target_name);
		return -1;
	}
	if (info->system.max_vcpus > 1) {
		fprintf(stderr, "vpmu: %d vCPUs; accepted: one (API 1's inline counters are "
			"not per vCPU)\n", info->system.max_vcpus);
		return -1;
	}
	if (!V.p.out) {
		fprintf(stderr, "vpmu: no out=FILE; accepted: out=PATH, where the records go\n");
		return -1;
	}
	V.out = fopen(V.p.out, "w");
	if (!V.out) {
		fprintf(stderr, "vpmu: cannot write out=%s\n", V.p.out);
		return -1;
	}
	if (model_init(&V.model, &V.p) ||
	    windows_init(&V.win, V.out, V.p.kprobes, V.p.windows, V.p.cache)) {
		fprintf(stderr, "vpmu: out of memory for the model\n");
		return -1;
	}
	vpmu_params_print(&V.p, V.out);
	qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
	qemu_plugin_register_flush_cb(id, on_flush);
	qemu_plugin_register_atexit_cb(id, on_atexit, NULL);
	return 0;
}
