/* tools/vpmu/vpmu_info.c - the virtual PMU's facts for the host tools, from
 * the plugin's own tables (counters.h, params.h), so they are written once:
 *
 *   vpmu-info counters            one "counter,NAME,MODEL,PFM NAMES,WHAT" line each
 *   vpmu-info check [KEY=VALUE]...  the plugin's arguments checked as the plugin
 *                                 does: its "vpmu,model,..." line, or one line on
 *                                 stderr saying what is wrong and what is accepted
 *
 * Exit status: 0, or 2 for bad arguments. */
#include <stdio.h>
#include <string.h>
#include "counters.h"
#include "params.h"

#define VPMU_COUNTER_LINE(id, name, pfm, model, what)				\
	printf("counter,%s,%d,%s,%s\n", name, model, pfm, what);

int main(int argc, char **argv)
{
	struct vpmu_params p;

	if (argc >= 2 && !strcmp(argv[1], "counters")) {
		VPMU_COUNTER_TABLE(VPMU_COUNTER_LINE)
		return 0;
	}
	if (argc >= 2 && !strcmp(argv[1], "check")) {
		if (vpmu_params_parse(&p, argc - 2, argv + 2, stderr))
			return 2;
		vpmu_params_print(&p, stdout);
		return 0;
	}
	fprintf(stderr, "usage: vpmu-info counters | vpmu-info check [KEY=VALUE]...\n");
	return 2;
}
