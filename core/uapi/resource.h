/* core/uapi/resource.h - resource limits, as Linux's ABI numbers them. Only
 * #defines: the kernel and the user programs share it. */
#ifndef FORKLAB_UAPI_RESOURCE_H
#define FORKLAB_UAPI_RESOURCE_H

#define RLIMIT_STACK	3
#define RLIMIT_NPROC	6
#define RLIM_NLIMITS	16
#define RLIM_INFINITY	(~0UL)

#endif
