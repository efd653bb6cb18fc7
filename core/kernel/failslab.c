/* core/kernel/failslab.c - the fault-injection point (see failslab.h). */
#include "kernel/failslab.h"
#include "lib/cmdline.h"
#include "lib/printk.h"
#include "lib/string.h"

const char *const fail_site_names[NR_FAIL_SITES] = {
	"none", "task_struct", "kernel_stack", "files", "fs", "sighand", "signal", "mm",
	"pgtable", "copy_page", "pid", "exec", "file", "pipe",
};

enum fail_site fail_armed_site;
bool fail_window;
static u64 armed_nth, seen;
static bool fired;

void fail_arm(enum fail_site site, u64 nth)
{
	fail_armed_site = site;
	armed_nth = nth;
	seen = 0;
	fired = false;
}

bool __should_fail(enum fail_site site)
{
	if (!fail_window || site != fail_armed_site || fired)
		return false;
	if (++seen < armed_nth)
		return false;
	fired = true;
	return true;
}

bool fail_fired(void)
{
	return fired;
}

int fail_parse(const char *spec, char *err, size_t errlen)
{
	const char *colon = strchr(spec, ':');
	u64 nth = 0;

	for (int s = 1; colon && s < NR_FAIL_SITES; s++) {
		if (strlen(fail_site_names[s]) != (size_t)(colon - spec) ||
		    strncmp(fail_site_names[s], spec, colon - spec))
			continue;
		if (parse_uint(colon + 1, strlen(colon + 1), &nth) || nth == 0)
			break;
		fail_arm(s, nth);
		return 0;
	}
	{
		size_t n = (size_t)fl_snprintf(err, errlen, "fail=%s: expected SITE:N with N >= 1; "
					       "sites:", spec);

		for (int s = 1; s < NR_FAIL_SITES && n < errlen; s++)
			n += (size_t)fl_snprintf(err + n, errlen - n, "%s %s", s > 1 ? "," : "",
						 fail_site_names[s]);
	}
	return -EINVAL;
}
