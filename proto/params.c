// SPDX-License-Identifier: GPL-2.0
/*
 * params.c - the kernel's tunables: names, defaults, ranges, value names.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/params.h"

static const char *const spinlock_values[] = {
	[SPINLOCK_QUEUED] = "qspinlock",
	[SPINLOCK_TTAS] = "ttas",
};

const struct kparam_desc kparams[NR_KPARAMS] = {
	[KP_SPINLOCK] = { "spinlock",
		"spinlock_t: qspinlock (queued, each waiter spins on its own line; "
		"Linux v4.2+) or ttas (every waiter spins on the lock word)",
		SPINLOCK_QUEUED, SPINLOCK_QUEUED, SPINLOCK_TTAS, spinlock_values },
};

int kparam_by_name(const char *name, size_t len)
{
	int i;

	for (i = 0; i < NR_KPARAMS; i++)
		if (strlen(kparams[i].name) == len && !strncmp(kparams[i].name, name, len))
			return i;
	return -1;
}

int kparam_parse(enum kparam p, const char *s, u64 *v)
{
	const struct kparam_desc *d = &kparams[p];
	unsigned long long n;
	char *end;
	u64 i;

	if (d->values) {
		for (i = d->min; i <= d->max; i++)
			if (!strcmp(s, d->values[i])) {
				*v = i;
				return 0;
			}
		return -1;
	}
	if (*s < '0' || *s > '9')
		return -1;
	n = strtoull(s, &end, 10);
	if (*end || n < d->min || n > d->max)
		return -1;
	*v = n;
	return 0;
}

const char *kparam_value_name(enum kparam p, u64 v)
{
	const struct kparam_desc *d = &kparams[p];

	return d->values && v >= d->min && v <= d->max ? d->values[v] : NULL;
}

void kparams_defaults(u64 v[NR_KPARAMS])
{
	int i;

	for (i = 0; i < NR_KPARAMS; i++)
		v[i] = kparams[i].def;
}

int kparam_format(enum kparam p, u64 v, char *buf, size_t len)
{
	const char *name = kparam_value_name(p, v);

	if (name)
		return snprintf(buf, len, "%s", name);
	return snprintf(buf, len, "%llu", (unsigned long long)v);
}

int kparam_format_values(enum kparam p, char *buf, size_t len)
{
	const struct kparam_desc *d = &kparams[p];
	size_t n = 0;
	u64 i;

	if (!d->values)
		return snprintf(buf, len, "%llu..%llu", (unsigned long long)d->min,
				(unsigned long long)d->max);
	if (len)
		buf[0] = '\0';
	for (i = d->min; i <= d->max; i++) {
		int w = snprintf(buf + (n < len ? n : len), n < len ? len - n : 0,
				 "%s%s", i > d->min ? "|" : "", d->values[i]);

		if (w < 0)
			return w;
		n += w;
	}
	return (int)n;
}
