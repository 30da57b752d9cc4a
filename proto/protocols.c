// SPDX-License-Identifier: GPL-2.0
/*
 * protocols.c - the table of protocols (proto/protocols.h) and lookups.
 */
#include <string.h>

#include "proto/kernel.h"
#include "proto/protocols.h"

#define DECLARE(p) extern const struct flush_ops p##_flush_ops;
FOR_EACH_PROTOCOL(DECLARE)
#undef DECLARE

#define ENTRY(p) &p##_flush_ops,
const struct flush_ops *const protocols[] = {
	FOR_EACH_PROTOCOL(ENTRY)
	NULL,
};
#undef ENTRY

const struct flush_ops *protocol_by_name(const char *name)
{
	int i;

	for (i = 0; protocols[i]; i++)
		if (!strcmp(name, protocols[i]->name))
			return protocols[i];
	return NULL;
}

int proto_param_index(const struct flush_ops *ops, const char *name)
{
	int i;

	for (i = 0; ops->params && ops->params[i].name; i++)
		if (!strcmp(ops->params[i].name, name))
			return i;
	return -1;
}
