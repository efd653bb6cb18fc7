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
	if (argc == 5 || (argc == 6 && (streq(argv[5], "never") || streq(argv[5], "madvise"))))
		return parent_bench(argv[1], atou(argv[2]), atou(argv[3]), atou(argv[4]),
				    argc == 5 ? PARENT_THP_DEFAULT :
				    streq(argv[5], "never") ? PARENT_THP_NEVER : PARENT_THP_MADVISE);
	puts_("usage: forklab-parent [semantics | fork-once | OP N RSS LIVE [never | madvise]]\n");
	flush();
	return 2;
}
