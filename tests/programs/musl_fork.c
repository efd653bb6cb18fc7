/* tests/programs/musl_fork.c - an ordinary C program built with musl-gcc -static:
 * stdio, malloc, fork, waitpid. make check runs it as pid 1 on forklab and
 * expects exit code 3 (the child exited 42). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

int main(int argc, char **argv)
{
	(void)argv;
	char *heap = malloc(100000);
	int status = 0;
	pid_t pid;

	strcpy(heap, "heap ok");
	printf("hello from musl, argc=%d, %s\n", argc, heap);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		printf("child: pid %d, parent %d\n", getpid(), getppid());
		exit(42);
	}
	waitpid(pid, &status, 0);
	printf("parent: child exited with %d\n", WEXITSTATUS(status));
	free(heap);
	return WEXITSTATUS(status) == 42 ? 3 : 1;
}
