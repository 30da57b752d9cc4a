// SPDX-License-Identifier: GPL-2.0
/*
 * hw.c - putting a machine together, and the names of its interrupt vectors.
 */
#include <stdlib.h>

#include "bug.h"
#include "hw/hw.h"

const char *const hw_vector_names[NR_VECTORS] = {
	[VEC_CALL_FUNCTION] = "call_function",
	[VEC_RESCHEDULE] = "reschedule",
	[VEC_HV_FLUSH] = "hv_flush",
	[VEC_NMI] = "nmi",
	[VEC_TIMER] = "local_timer",
};

int hw_machine_init(struct hw_machine *m, const struct hw_port *port,
		    const struct hw_config *cfg, u8 *ram, struct hw_cpu **cpus)
{
	BUG_ON(!cfg->tlb_sets || !cfg->tlb_ways || !cfg->fill_unit || !cfg->flushlog);
	BUG_ON(!cfg->pwc_entries || cfg->pwc_entries > HW_PWC_MAX);
	memset(m, 0, sizeof(*m));
	m->port = port;
	m->cfg = *cfg;
	m->cpu = cpus;
	m->running = -1;
	hw_mem_init(&m->mem, ram, cfg->nr_frames, cfg->quarantine);
	hw_flushlog_init(&m->log, cfg->flushlog);
	return 0;
}

void hw_machine_fini(struct hw_machine *m)
{
	hw_mem_fini(&m->mem);
	free(m->log.rec);
	m->log.rec = NULL;
}
