// SPDX-License-Identifier: GPL-2.0
/*
 * env.c - the dispatch pointer of the env interface.  The engine that runs
 * protocol code points it at its operations before it starts any CPU.
 */
#include "env.h"

const struct env_ops *env;
