/* core/x86/desc.h - descriptor tables (x86/desc.c). */
#ifndef FORKLAB_DESC_H
#define FORKLAB_DESC_H

#include "lib/types.h"

#define IST_DOUBLE_FAULT	1
#define IST_NMI			2

void desc_init(void);
void tss_set_rsp0(u64 rsp0);
void idt_load_empty(void);

#endif
