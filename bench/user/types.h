/* bench/user/types.h - the fixed-width name the user program's files share.
 * Not core/types.h: the program is built without the kernel's headers. */
#ifndef FORKLAB_USER_TYPES_H
#define FORKLAB_USER_TYPES_H

#include <stdint.h>

typedef uint64_t u64;

#endif
