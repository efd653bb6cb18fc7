/* bench/user/regress.h - the fuzzer's bugs as checks (regress.c). */
#ifndef FORKLAB_USER_REGRESS_H
#define FORKLAB_USER_REGRESS_H

/* regress - one check per bug the fuzzer found; 0 iff all passed. */
int regress(void);

#endif
