/* tests/programs/musl_spawn.c - what fork is used for, through musl's own
 * functions (built with musl-gcc -static): posix_spawn, fork+execve,
 * vfork+execve, pipes, dup2/dup3/fcntl, close-on-exec, close_range,
 * waitpid, SIGPIPE, exec's errors, reading a file, and threads that spawn
 * and fork+exec while their siblings run (pthread_create/join). It prints the same
 * lines on Linux and on forklab (make check compares them), one "ok WHAT"
 * or "FAIL WHAT: got N" per check, then a summary; exit 0 iff all ok.
 *
 *   musl-spawn DATA        the checks; DATA: a file (not an ELF, mode 0755)
 *   musl-spawn echo TEXT   write TEXT and a newline to stdout (exec'd)
 *   musl-spawn exit N      exit with N
 *   musl-spawn fds A B     print whether fds A and B are open
 *   musl-spawn env NAME    print NAME's value in the environment
 *   musl-spawn readonly DATA  forklab only: its files are read-only
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define BIG_ARG		(200 * 1024)	/* over Linux's MAX_ARG_STRLEN (128 KiB) */
#define SPAWN_THREADS	4		/* threads that each start a program */
#define PIPE_BYTES	(100 * 1024)	/* through a pipe of 4 KiB (forklab) or 64 KiB */

extern char **environ;
static const char *self, *data;
static int nr_ok, nr_failed;

static void check(int cond, const char *what, long got)
{
	if (cond) {
		nr_ok++;
		printf("ok %s\n", what);
	} else {
		nr_failed++;
		printf("FAIL %s: got %ld\n", what, got);
	}
	fflush(stdout);
}

/* wait_for - waitpid(@pid)'s status, or -1000 - errno */
static int wait_for(pid_t pid)
{
	int status = 0;

	return waitpid(pid, &status, 0) == pid ? status : -1000 - errno;
}

/* read_all - read @fd to EOF into @buf (@size bytes); the bytes read */
static long read_all(int fd, char *buf, long size)
{
	long n = 0, r;

	while (n < size && (r = read(fd, buf + n, size - n)) > 0)
		n += r;
	return n;
}

/* run - a shell-less system(): spawn @argv, wait; the wait status or -errno */
static int run(char *const argv[])
{
	pid_t pid;
	int r = posix_spawn(&pid, argv[0], NULL, NULL, argv, environ);

	return r ? -r : wait_for(pid);
}

static void check_file(void)
{
	char buf[256] = "", first[64] = "";
	struct stat st;
	long n;
	int fd = open(data, O_RDONLY | O_CLOEXEC);

	check(fd >= 0, "open the data file read-only", fd);
	check(fstat(fd, &st) == 0 && S_ISREG(st.st_mode), "fstat: a regular file", st.st_mode);
	n = read_all(fd, buf, sizeof(buf) - 1);
	check(n == st.st_size, "read returns the whole file, st_size bytes", n);
	check(read(fd, buf, 1) == 0, "read at the end returns 0", 1);
	check(lseek(fd, 5, SEEK_SET) == 5 && read(fd, first, 4) == 4 && !memcmp(first, buf + 5, 4),
	      "lseek to byte 5 and read from there", 0);
	check(lseek(fd, 0, SEEK_END) == st.st_size, "lseek SEEK_END is st_size", 0);
	sscanf(buf, "%63[^\n]", first);
	printf("data file: %ld bytes, first line \"%s\"\n", n, first);
	check(stat(data, &st) == 0 && st.st_size == n, "stat by path agrees", st.st_size);
	check(open("/no/such/file", O_RDONLY) == -1 && errno == ENOENT, "open of a missing path: ENOENT",
	      errno);
	check(open(data, O_RDONLY | O_DIRECTORY) == -1 && errno == ENOTDIR,
	      "open of a file with O_DIRECTORY: ENOTDIR", errno);
	close(fd);
	check(read(fd, buf, 1) == -1 && errno == EBADF, "read of a closed fd: EBADF", errno);
}

static void check_fds(void)
{
	int p[2], fd, a;
	char buf[8];

	check(pipe2(p, O_CLOEXEC) == 0, "pipe2(O_CLOEXEC)", errno);
	check(fcntl(p[0], F_GETFD) == FD_CLOEXEC && fcntl(p[1], F_GETFD) == FD_CLOEXEC,
	      "both ends are close-on-exec", fcntl(p[0], F_GETFD));
	check(fcntl(p[0], F_GETFL) == O_RDONLY && fcntl(p[1], F_GETFL) == O_WRONLY,
	      "F_GETFL: the read end O_RDONLY, the write end O_WRONLY", fcntl(p[1], F_GETFL));
	fd = dup(p[0]);
	check(fd == p[1] + 1 && fcntl(fd, F_GETFD) == 0, "dup takes the lowest free fd, no cloexec", fd);
	check(dup2(p[1], 20) == 20, "dup2 onto fd 20", 0);
	check(dup3(p[1], 21, O_CLOEXEC) == 21 && fcntl(21, F_GETFD) == FD_CLOEXEC,
	      "dup3 with O_CLOEXEC", fcntl(21, F_GETFD));
	check(dup3(21, 21, 0) == -1 && errno == EINVAL, "dup3 onto itself: EINVAL", errno);
	a = fcntl(p[0], F_DUPFD_CLOEXEC, 30);
	check(a == 30 && fcntl(a, F_GETFD) == FD_CLOEXEC, "F_DUPFD_CLOEXEC from 30", a);
	check(fcntl(a, F_SETFD, 0) == 0 && fcntl(a, F_GETFD) == 0, "F_SETFD clears it", 0);
	check(dup2(99, 22) == -1 && errno == EBADF, "dup2 of a closed fd: EBADF", errno);
	check(write(20, "abc", 3) == 3 && read(a, buf, sizeof(buf)) == 3 && !memcmp(buf, "abc", 3),
	      "bytes written to one dup come out of another", 0);
	check(lseek(p[0], 0, SEEK_SET) == -1 && errno == ESPIPE, "lseek on a pipe: ESPIPE", errno);
	close(p[1]);
	close(20);
	close(21);
	check(read(p[0], buf, 1) == 0, "read after the last writer closed: 0 (EOF)", 1);
	check(syscall(SYS_close_range, 3, ~0U, 0) == 0 && fcntl(p[0], F_GETFD) == -1 &&
	      fcntl(a, F_GETFD) == -1, "close_range(3, ~0) closes them all", 0);
}

/* check_exec_child - fork; the child points stdout at a pipe and execs
 * "echo"; the parent reads what came through */
static void check_fork_exec(void)
{
	char buf[128] = "";
	int p[2], status, keep, gone;
	pid_t pid;

	pipe(p);
	pid = fork();
	if (pid == 0) {
		char *argv[] = { (char *)self, "echo", "hello through a pipe", NULL };

		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		execve(self, argv, environ);
		_exit(100 + errno);
	}
	close(p[1]);
	buf[read_all(p[0], buf, sizeof(buf) - 1)] = '\0';
	close(p[0]);
	status = wait_for(pid);
	check(status == 0 && !strcmp(buf, "hello through a pipe\n"),
	      "fork + dup2 + execve: the exec'd child's stdout comes through a pipe", status);
	printf("read: %s", buf);

	/* close-on-exec: the child sees fd keep, not fd gone */
	keep = open(data, O_RDONLY);
	gone = open(data, O_RDONLY | O_CLOEXEC);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		char k[16], g[16];
		char *argv[] = { (char *)self, "fds", k, g, NULL };

		snprintf(k, sizeof(k), "%d", keep);
		snprintf(g, sizeof(g), "%d", gone);
		execve(self, argv, environ);
		_exit(100 + errno);
	}
	status = wait_for(pid);
	check(status == 1 << 8, "exec closes the O_CLOEXEC fd and keeps the other", status);
	close(keep);
	close(gone);

	pid = vfork();
	if (pid == 0) {
		char *argv[] = { (char *)self, "exit", "5", NULL };

		execve(self, argv, environ);
		_exit(100 + errno);
	}
	check(wait_for(pid) == 5 << 8, "vfork + execve: the parent runs on at exec, the child exits 5",
	      0);
}

static void check_spawn(void)
{
	posix_spawn_file_actions_t fa;
	char buf[128] = "", *env[] = { "FOO=bar", NULL };
	char *echo[] = { (char *)self, "echo", "spawned", NULL };
	char *getenv_argv[] = { (char *)self, "env", "FOO", NULL };
	char *missing[] = { "/no/such/program", NULL };
	char *notelf[] = { (char *)data, NULL };
	char *exit3[] = { (char *)self, "exit", "3", NULL };
	int p[2], r;
	pid_t pid = 0;

	pipe2(p, O_CLOEXEC);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	r = posix_spawn(&pid, self, &fa, NULL, echo, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	check(r == 0 && pid > 0, "posix_spawn returns 0 and the child's pid", r);
	buf[read_all(p[0], buf, sizeof(buf) - 1)] = '\0';
	close(p[0]);
	check(wait_for(pid) == 0 && !strcmp(buf, "spawned\n"),
	      "posix_spawn with adddup2: its output through the pipe", 0);
	fflush(stdout);
	r = posix_spawn(&pid, self, NULL, NULL, getenv_argv, env);
	check(r == 0 && wait_for(pid) == 0, "posix_spawn passes envp", r);
	pid = -1;
	r = posix_spawn(&pid, missing[0], NULL, NULL, missing, environ);
	check(r == ENOENT && pid == -1, "posix_spawn of a missing file: ENOENT, no pid", r);
	r = posix_spawn(&pid, data, NULL, NULL, notelf, environ);
	check(r == ENOEXEC, "posix_spawn of a file that is not ELF: ENOEXEC", r);
	check(run(exit3) == 3 << 8, "a shell-less system(): spawn and wait, exit status 3", 0);
	check(run(missing) == -ENOENT, "... of a missing program: ENOENT", 0);
}

static void check_exec_errors(void)
{
	static char big[BIG_ARG + 1];
	char *argv[] = { (char *)self, "exit", "9", NULL };
	char *bigv[] = { (char *)self, big, NULL };
	char **volatile bad = (char **)8;	/* volatile: the compiler must not know */

	check(execve("/no/such/program", argv, environ) == -1 && errno == ENOENT,
	      "execve of a missing path: ENOENT", errno);
	check(execve(data, argv, environ) == -1 && errno == ENOEXEC,
	      "execve of a file that is not ELF: ENOEXEC", errno);
	check(execve("/", argv, environ) == -1 && errno == EACCES, "execve of a folder: EACCES",
	      errno);
	memset(big, 'x', BIG_ARG);
	check(execve(self, bigv, environ) == -1 && errno == E2BIG,
	      "execve with a 200 KiB argument: E2BIG", errno);
	check(execve(self, bad, environ) == -1 && errno == EFAULT,
	      "execve with a bad argv pointer: EFAULT", errno);
	check(execve((char *)bad, argv, environ) == -1 && errno == EFAULT,
	      "execve with a bad path pointer: EFAULT", errno);
	check(1, "the caller's image survives every failed execve", 0);
}

static void check_pipes(void)
{
	static char chunk[PIPE_BYTES];
	int p[2], status;
	long n;
	pid_t pid;

	/* more than the pipe holds: the writer blocks until the reader reads */
	pipe(p);
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		memset(chunk, 'p', sizeof(chunk));
		_exit(write(p[1], chunk, sizeof(chunk)) == sizeof(chunk) ? 0 : 1);
	}
	close(p[1]);
	n = read_all(p[0], chunk, sizeof(chunk));
	close(p[0]);
	check(n == PIPE_BYTES && wait_for(pid) == 0, "100 KiB through a pipe, both sides blocking", n);

	/* no reader: SIGPIPE kills by default, -EPIPE when ignored */
	pipe(p);
	close(p[0]);
	pid = fork();
	if (pid == 0)
		_exit(write(p[1], "x", 1) == -1 ? 2 : 3);
	status = wait_for(pid);
	check(WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE,
	      "a write with no reader: killed by SIGPIPE", status);
	signal(SIGPIPE, SIG_IGN);
	check(write(p[1], "x", 1) == -1 && errno == EPIPE, "... and EPIPE with SIGPIPE ignored", errno);
	close(p[1]);
	signal(SIGPIPE, SIG_DFL);
}

/* check_readonly - forklab's files refuse writing as a read-only mount
 * does (on Linux DATA is writable: not part of the common lines) */
static int check_readonly(void)
{
	check(open(data, O_WRONLY) == -1 && errno == EROFS, "open for writing: EROFS", errno);
	check(open(data, O_RDWR) == -1 && errno == EROFS, "open for reading and writing: EROFS",
	      errno);
	check(open(data, O_RDONLY | O_TRUNC) == -1 && errno == EROFS, "O_TRUNC: EROFS", errno);
	check(open("/new-file", O_WRONLY | O_CREAT, 0644) == -1 && errno == EROFS,
	      "O_CREAT of a new file: EROFS", errno);
	check(open(data, O_WRONLY | O_CREAT | O_EXCL, 0644) == -1 && errno == EEXIST,
	      "O_CREAT|O_EXCL of an existing file: EEXIST", errno);
	printf("readonly: %d ok, %d failed\n", nr_ok, nr_failed);
	return nr_failed ? 1 : 0;
}

/* child_mode - the modes the checks exec; an exit status */
static int child_mode(int argc, char **argv)
{
	if (!strcmp(argv[1], "echo") && argc >= 3) {
		printf("%s\n", argv[2]);
		return 0;
	}
	if (!strcmp(argv[1], "exit") && argc >= 3)
		return atoi(argv[2]);
	if (!strcmp(argv[1], "fds") && argc >= 4)
		return fcntl(atoi(argv[2]), F_GETFD) >= 0 && fcntl(atoi(argv[3]), F_GETFD) == -1 ? 1 : 2;
	if (!strcmp(argv[1], "env") && argc >= 3) {
		const char *v = getenv(argv[2]);

		printf("spawned child: %s=%s\n", argv[2], v ? v : "(unset)");
		return v && !strcmp(v, "bar") ? 0 : 1;
	}
	return -1;
}

/* spawn_thread - thread @arg starts "self exit 10+i" (posix_spawn for even
 * i, fork+execve for odd) and returns its wait status */
static void *spawn_thread(void *arg)
{
	long i = (long)arg;
	char code[24];
	char *argv[] = { (char *)self, "exit", code, NULL };
	pid_t pid;

	snprintf(code, sizeof(code), "%ld", 10 + i);
	if (i % 2 == 0) {
		if (posix_spawn(&pid, self, NULL, NULL, argv, environ))
			return (void *)-1L;
	} else {
		pid = fork();
		if (pid == 0) {
			execve(self, argv, environ);
			_exit(127);
		}
		if (pid < 0)
			return (void *)-1L;
	}
	return (void *)(long)wait_for(pid);
}

static void check_threads(void)
{
	pthread_t t[SPAWN_THREADS];
	int created = 0, right = 0;

	for (long i = 0; i < SPAWN_THREADS; i++)
		created += pthread_create(&t[i], NULL, spawn_thread, (void *)i) == 0;
	check(created == SPAWN_THREADS, "pthread_create: 4 threads", created);
	for (long i = 0; i < created; i++) {
		void *status = NULL;

		if (pthread_join(t[i], &status) == 0 && (long)status == (10 + i) << 8)
			right++;
	}
	check(right == SPAWN_THREADS,
	      "pthread_join: each thread's posix_spawn or fork+execve child exited 10+i", right);
}

int main(int argc, char **argv)
{
	int r;

	self = argv[0];
	if (argc < 2) {
		fprintf(stderr, "usage: musl-spawn DATA | echo TEXT | exit N | fds A B | env NAME\n");
		return 2;
	}
	r = child_mode(argc, argv);
	if (r >= 0)
		return r;
	data = argv[1];
	if (!strcmp(argv[1], "readonly") && argc >= 3) {
		data = argv[2];
		return check_readonly();
	}
	/* what the caller left open (make's jobserver, ...) must not show */
	syscall(SYS_close_range, 3, ~0U, 0);
	check_file();
	check_fds();
	check_fork_exec();
	check_spawn();
	check_exec_errors();
	check_pipes();
	check_threads();
	printf("musl_spawn: %d ok, %d failed\n", nr_ok, nr_failed);
	return nr_failed ? 1 : 0;
}
