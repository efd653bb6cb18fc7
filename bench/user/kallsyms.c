/* bench/user/kallsyms.c - Linux only: the running kernel's text symbols,
 * for forklab profile --linux. */
#include "kallsyms.h"
#include "out.h"
#include "sys.h"

/* kallsyms - Linux only (forklab profile --linux): mount /proc and copy
 * the text symbols of /proc/kallsyms ("addr t name") to stdout between
 * "kallsyms,begin" and "kallsyms,end"; the distribution's System.map is a
 * stub and its debug package is 280 MB. 0, or 1 if /proc cannot be read. */
int kallsyms(void)
{
	char buf[4096], line[256];	/* on the stack: a .bss buffer would add PTEs every fork copies */
	int len = 0;
	long fd, n;

	sys3(__NR_mkdir, (long)"/proc", 0555, 0);
	sys6(__NR_mount, (long)"proc", (long)"/proc", (long)"proc", 0, 0, 0);
	fd = sys3(__NR_open, (long)"/proc/kallsyms", 0, 0);
	if (fd < 0) {
		puts_("kallsyms: cannot open /proc/kallsyms\n");
		flush();
		return 1;
	}
	puts_("kallsyms,begin\n");
	while ((n = sys3(__NR_read, fd, (long)buf, sizeof(buf))) > 0) {
		for (long i = 0; i < n; i++) {
			if (buf[i] != '\n') {
				if (len < (int)sizeof(line) - 1)
					line[len++] = buf[i];
				continue;
			}
			/* "ffffffff81000000 T _stext": keep t and T */
			if (len > 19 && (line[17] == 't' || line[17] == 'T')) {
				line[len] = 0;
				puts_(line);
				putc_('\n');
			}
			len = 0;
		}
	}
	puts_("kallsyms,end\n");
	flush();
	return 0;
}
