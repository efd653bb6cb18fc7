/* tools/nested/init.c - /init of the L1 Linux that `forklab nested` boots
 * under TCG (-cpu max emulates AMD SVM with nested paging): load kvm-amd,
 * arm the KVM tracepoints, run the inner QEMU (-accel kvm) with its serial
 * on this console, and report how it ended. Built static with musl-gcc.
 *
 * It does what /nested/run says, one directive a line, in order
 * (tools/forklablib/nested.py writes the file into the run's initramfs):
 *
 *   mount TYPE DIR              mount a pseudo file system (proc, sysfs, ...)
 *   module PATH [PARAMS...]     finit_module(PATH, "PARAMS")
 *   write FILE TEXT...          write TEXT to FILE (tracefs settings)
 *   arg WORD...                 one argument of the inner command (the rest
 *                               of the line, spaces kept); the first is the
 *                               program, found on $PATH
 *   dump NAME FILE              after the inner command: FILE's lines as
 *                               "nested,NAME,begin" ... "nested,NAME,end"
 *
 * Everything it prints itself is a line starting "nested,", written
 * before the inner command starts or after it ended, never in between;
 * the inner command's stdout is this console, its stderr goes to a file
 * dumped afterwards as "nested,stderr,LINE". Records:
 *
 *   nested,start                    the directives read, before the first
 *   nested,fail,STEP,WHAT           a directive failed (then dmesg, poweroff)
 *   nested,dmesg,LINE               the kernel log, after a failure
 *   nested,exit,CODE | nested,signal,SIG   how the inner command ended
 *
 * Then the machine powers off; any failure of its own powers off too. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define RUN_FILE	"/nested/run"
#define STDERR_FILE	"/nested/stderr"
#define MAX_ARGS	128
#define MAX_DUMPS	8
#define LINE_MAX_	4096

static char *inner_argv[MAX_ARGS + 1];
static int inner_argc;
static struct dump {
	char *name, *path;
} dumps[MAX_DUMPS];
static int nr_dumps;

/* poweroff - flush and switch the machine off; never returns. */
static void poweroff(void)
{
	fflush(stdout);
	sync();
	reboot(RB_POWER_OFF);
	for (;;)
		pause();
}

/* print_file - each line of @path as "nested,@name,LINE", or nothing
 * if it cannot be read. */
static void print_file(const char *name, const char *path)
{
	char *line = NULL;
	size_t size = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return;
	while (getline(&line, &size, f) >= 0) {
		line[strcspn(line, "\n")] = 0;
		printf("nested,%s,%s\n", name, line);
	}
	free(line);
	fclose(f);
}

/* print_dmesg - the kernel log, one "nested,dmesg," line per line. */
static void print_dmesg(void)
{
	static char buf[1 << 17];
	int n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, sizeof(buf) - 1);
	char *line, *save = NULL;

	if (n <= 0)
		return;
	buf[n] = 0;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		printf("nested,dmesg,%s\n", line);
}

/* fail - report that @step failed because of @what, with the kernel log,
 * and power off. */
static void fail(const char *step, const char *what)
{
	printf("nested,fail,%s,%s\n", step, what);
	print_dmesg();
	poweroff();
}

/* load_module - finit_module @path with @params ("" for none). */
static void load_module(const char *path, const char *params)
{
	char what[512];
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || syscall(SYS_finit_module, fd, params, 0)) {
		snprintf(what, sizeof(what), "%s: %s", path, strerror(errno));
		fail("module", what);
	}
	close(fd);
}

/* write_file - write @text to @path (a tracefs or sysfs knob). */
static void write_file(const char *path, const char *text)
{
	char what[512];
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	size_t n = strlen(text);

	if (fd < 0 || write(fd, text, n) != (ssize_t)n) {
		snprintf(what, sizeof(what), "%s: %s", path, strerror(errno));
		fail("write", what);
	}
	close(fd);
}

/* do_directive - carry out one line of the run file (see the top). */
static void do_directive(char *line)
{
	char *rest = strchr(line, ' ');
	char *word = line, what[512];

	if (rest)
		*rest++ = 0;
	else
		rest = line + strlen(line);
	if (!strcmp(word, "arg")) {
		if (inner_argc == MAX_ARGS)
			fail("run", "too many arg lines");
		inner_argv[inner_argc++] = strdup(rest);
	} else if (!strcmp(word, "mount") || !strcmp(word, "module") ||
		   !strcmp(word, "write") || !strcmp(word, "dump")) {
		char *second = strchr(rest, ' ');
		const char *tail = "";

		if (second) {
			*second++ = 0;
			tail = second;
		}
		if (!strcmp(word, "mount")) {
			mkdir(tail, 0755);
			if (mount(rest, tail, rest, 0, NULL) && errno != EBUSY) {
				snprintf(what, sizeof(what), "%s on %s: %s", rest, tail, strerror(errno));
				fail("mount", what);
			}
		} else if (!strcmp(word, "module")) {
			load_module(rest, tail);
		} else if (!strcmp(word, "write")) {
			write_file(rest, tail);
		} else if (nr_dumps < MAX_DUMPS) {
			dumps[nr_dumps++] = (struct dump){ strdup(rest), strdup(tail) };
		}
	} else if (*word && *word != '#') {
		snprintf(what, sizeof(what), "unknown directive '%s'", word);
		fail("run", what);
	}
}

/* run_inner - fork and exec the inner command (stdin /dev/null, stdout
 * this console, stderr STDERR_FILE); its wait status. */
static int run_inner(void)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		fail("fork", strerror(errno));
	if (pid == 0) {
		int in = open("/dev/null", O_RDONLY);
		int err = open(STDERR_FILE, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (in < 0 || err < 0 || dup2(in, 0) < 0 || dup2(err, 2) < 0)
			_exit(126);
		execvp(inner_argv[0], inner_argv);
		dprintf(2, "exec %s: %s\n", inner_argv[0], strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			fail("wait", strerror(errno));
	return status;
}

int main(void)
{
	char line[LINE_MAX_];
	FILE *run;
	int status;

	setvbuf(stdout, NULL, _IOLBF, 0);
	setenv("PATH", "/usr/bin:/bin", 1);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	run = fopen(RUN_FILE, "r");
	if (!run)
		fail("run", RUN_FILE ": cannot open");
	printf("nested,start\n");
	while (fgets(line, sizeof(line), run)) {
		line[strcspn(line, "\n")] = 0;
		do_directive(line);
	}
	fclose(run);
	if (!inner_argc)
		fail("run", "no arg lines: nothing to run");
	status = run_inner();
	print_file("stderr", STDERR_FILE);
	if (WIFEXITED(status))
		printf("nested,exit,%d\n", WEXITSTATUS(status));
	else
		printf("nested,signal,%d\n", WTERMSIG(status));
	for (int i = 0; i < nr_dumps; i++) {
		printf("nested,%s,begin\n", dumps[i].name);
		print_file(dumps[i].name, dumps[i].path);
		printf("nested,%s,end\n", dumps[i].name);
	}
	poweroff();
}
