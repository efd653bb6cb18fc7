/* tools/pfm-encode - event names in, raw IA32_PERFEVTSELx codes out, via
 * libpfm4, counting in user and kernel mode. The codes go to the kernel as
 * pmu=0x...,0x... (forklab run --events does that for you).
 *
 *   pfm-encode [--pmu MODEL] EVENT...     e.g. pfm-encode --pmu skl INST_RETIRED:ANY_P
 *
 * Without --pmu, libpfm4 uses the host's PMU; where the host has none (VMs,
 * the development machines) name a model: libpfm4 then encodes for it
 * (LIBPFM_FORCE_PMU). Exit status: 0, 1 for an event it cannot encode,
 * 2 for bad usage. */
#include <perfmon/pfmlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int usage(void)
{
	fprintf(stderr, "usage: pfm-encode [--pmu MODEL] EVENT...\n"
		"  prints one raw IA32_PERFEVTSELx code per event, comma-separated\n"
		"  MODEL: a libpfm4 PMU name such as skl, icl, hsw, amd64_fam17h_zen2\n");
	return 2;
}

/* host_has_pmu - does libpfm4 see an active PMU on this machine? */
static int host_has_pmu(void)
{
	pfm_pmu_info_t info;
	int pmu;

	pfm_for_all_pmus(pmu) {
		memset(&info, 0, sizeof(info));
		info.size = sizeof(info);
		if (pfm_get_pmu_info(pmu, &info) == PFM_SUCCESS && info.is_present &&
		    info.type == PFM_PMU_TYPE_CORE)
			return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int first = 1, ret;

	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")))
		return usage() == 2 ? 0 : 2;
	if (argc > 2 && !strcmp(argv[1], "--pmu")) {
		setenv("LIBPFM_FORCE_PMU", argv[2], 1);
		first = 3;
	}
	if (first >= argc)
		return usage();
	ret = pfm_initialize();
	if (ret != PFM_SUCCESS) {
		fprintf(stderr, "pfm-encode: libpfm4 failed to start: %s\n", pfm_strerror(ret));
		return 1;
	}
	if (first == 1 && !host_has_pmu()) {
		fprintf(stderr, "pfm-encode: this host has no PMU libpfm4 can use; name a model "
			"with --pmu (e.g. --pmu skl)\n");
		return 1;
	}
	for (int i = first; i < argc; i++) {
		uint64_t codes[4] = { 0 };
		pfm_pmu_encode_arg_t arg;

		memset(&arg, 0, sizeof(arg));
		arg.size = sizeof(arg);
		arg.codes = codes;
		arg.count = 4;
		ret = pfm_get_os_event_encoding(argv[i], PFM_PLM0 | PFM_PLM3, PFM_OS_NONE, &arg);
		if (ret != PFM_SUCCESS) {
			fprintf(stderr, "pfm-encode: cannot encode '%s': %s%s\n", argv[i],
				pfm_strerror(ret), first == 1 ? " (for another PMU, name it "
				"with --pmu MODEL, e.g. --pmu skl)" : "");
			return 1;
		}
		printf("%s0x%llx", i > first ? "," : "", (unsigned long long)codes[0]);
	}
	printf("\n");
	return 0;
}
