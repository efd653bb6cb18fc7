/* bench/user/lib.c - number parsing and sorting for the user program. */
#include "lib.h"

/* atou - the decimal number @s starts with (0 if none). */
u64 atou(const char *s)
{
	u64 v = 0;

	while (*s >= '0' && *s <= '9')
		v = v * 10 + (*s++ - '0');
	return v;
}

/* sort - shell sort @a[0..@n) ascending. */
void sort(u64 *a, long n)
{
	for (long gap = n / 2; gap > 0; gap /= 2)
		for (long i = gap; i < n; i++) {
			u64 t = a[i];
			long j = i;

			for (; j >= gap && a[j - gap] > t; j -= gap)
				a[j] = a[j - gap];
			a[j] = t;
		}
}
