/* bench/user/parent_main.c - forklab-parent's main (see parent.c). */
#include "lib.h"
#include "out.h"
#include "parent.h"

int main(int argc, char **argv)
{
	if (argc < 2 || streq(argv[1], "semantics"))
		return parent_semantics();
	if (streq(argv[1], "fork-once"))
		return parent_fork_once();
	if (argc >= 5)
		return parent_bench(argv[1], atou(argv[2]), atou(argv[3]), atou(argv[4]));
	puts_("usage: forklab-parent [semantics | fork-once | OP N RSS LIVE]\n");
	flush();
	return 2;
}
