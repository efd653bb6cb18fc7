/* core/uapi/futex.h - futex(2) operations and flags, as Linux's ABI numbers
 * them, and the robust-list head set_robust_list takes. Only #defines: the
 * kernel and the user programs (bench/user) both include it. */
#ifndef FORKLAB_UAPI_FUTEX_H
#define FORKLAB_UAPI_FUTEX_H

#define FUTEX_WAIT		0
#define FUTEX_WAKE		1
#define FUTEX_REQUEUE		3
#define FUTEX_CMP_REQUEUE	4
#define FUTEX_WAKE_OP		5
#define FUTEX_WAIT_BITSET	9
#define FUTEX_PRIVATE_FLAG	128
#define FUTEX_CLOCK_REALTIME	256

/* sizeof(struct robust_list_head) on x86-64: list, futex_offset, pending */
#define ROBUST_LIST_HEAD_SIZE	24

#endif
