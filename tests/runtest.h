/* SPDX-License-Identifier: GPL-2.0 */
/* runtest.h - run whole workloads from tests, on the default profile. */
#ifndef TESTS_RUNTEST_H
#define TESTS_RUNTEST_H

#include "sim/internal.h"
#include "tests/tap.h"
#include "work/workload.h"

static struct profile default_profile;

static inline void load_default_profile(void)
{
	char err[256];

	TEST_ASSERT(!profile_load(&default_profile, "default", err, sizeof(err)),
		    "%s", err);
}

static inline struct run_config rc_make(const char *wl, const char *proto,
					int cpus)
{
	struct run_config rc = { 0 };

	rc.wl = workload_by_name(wl);
	TEST_ASSERT(rc.wl, "workload %s", wl);
	rc.protocol = protocol_by_name(proto);
	TEST_ASSERT(rc.protocol, "protocol %s", proto);
	rc.prof = default_profile;
	rc.cpus = cpus;
	rc.seed = 1;
	rc.quiet = true;
	return rc;
}

static inline void rc_vms(struct run_config *rc, int vms, int vcpus, int pcpus)
{
	rc->vms = vms;
	rc->vcpus = vcpus;
	rc->pcpus = pcpus;
	rc->cpus = vms * vcpus;
}

static inline struct run_result run(const struct run_config *rc)
{
	struct run_result r;

	run_once(rc, &r);
	return r;
}

#endif
