// SPDX-License-Identifier: GPL-2.0
/*
 * explore.c - which schedules to run: exhaustive depth-first search with a
 * preemption bound and sleep sets, or PCT random schedules; and the search
 * for the shortest violating schedule.
 *
 * Stateless search: a schedule is the list of events chosen at each step;
 * to explore a sibling of step d the program is run again from its setup,
 * replaying the first d choices (struct ck_node keeps them).  Replays check
 * that the program behaves the same (same enabled events, same footprints):
 * a program that is not deterministic given the schedule is an error.
 *
 * Sleep sets (Godefroid, "Partial-Order Methods for the Verification of
 * Concurrent Systems", LNCS 1032, 1996): after exploring event t at a node,
 * its later siblings carry t "asleep" into their subtrees for as long as
 * only events independent of t (footprints that commute, ck_fp_dependent)
 * run; an asleep event is not explored again there, because every schedule
 * it would start is equivalent to one already explored.
 *
 * Preemption bound (Musuvathi & Qadeer, "Iterative context bounding for
 * systematic testing of multithreaded programs", PLDI 2007): switching from
 * a CPU whose next step could run to another CPU's step or interrupt costs
 * one preemption.  Store-buffer drains, speculative walks and host events
 * are free and do not change which CPU is "current" (host events are
 * bounded by their own budget instead).  A CPU that blocks (spin_wait on an
 * unchanged value, hlt) or finishes hands over for free.
 *
 * Without a bound, the default: source-set dynamic partial-order reduction
 * (Abdulla, Aronis, Jonsson & Sagonas, "Optimal dynamic partial order
 * reduction", POPL 2014, Algorithm 1, source-DPOR) with the same sleep
 * sets.  Each new event's vector clock is computed from the events before
 * it; every earlier event it races with (dependent, another actor, not
 * already ordered before it by happens-before) makes the search explore,
 * at the node of that event, one of the initials of the reversed race
 * unless one of them is explored there already.  See dpor_event().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check/ck.h"
#include "lib/rng.h"

/* Before the first step nobody is running, so nobody is preempted. */
#define NO_CPU CHECK_MAX_CPUS

struct ck_node {
	u32 enabled, sleep, done;
	u32 backtrack;			/* DPOR: actors to explore here */
	u32 costly;			/* choices that cost a preemption anyway */
	u8 chosen, cur, npre;
	bool cut;			/* the bound has cut a choice here */
	bool slow;			/* a timeout fired here: replay in full */
	/* Footprints of the events explored here, and where the footprint of
	 * each asleep event is: the node it was explored at (it is the same as
	 * long as it sleeps, so it is not copied). */
	struct ck_fp fp[CK_MAX_ACTORS];
	u16 sleep_at[CK_MAX_ACTORS];
	/* DPOR, of the chosen event: it is its actor's seq-th event; vc[q]:
	 * how many of actor q's events happen before it (itself included);
	 * the stores its CPU had issued before and after it, and had drained
	 * before it (a DRAIN drains store number pop_lo). */
	u16 seq;
	u16 vc[CK_MAX_ACTORS];
	u32 push_lo, push_hi, pop_lo;
};

enum search_mode {
	MODE_BOUNDED,		/* sleep sets and iterative preemption bounding */
	MODE_DPOR,		/* sleep sets and source-DPOR, unbounded */
	MODE_FULL,		/* no reduction: every enabled event everywhere */
};

struct search {
	const struct check_config *cfg;
	struct check_result *r;
	struct ck_node *nodes;
	u32 max_steps;
	u32 limit;		/* do not extend executions beyond this */
	u32 prefix, depth;
	int bound;
	u8 order[CHECK_MAX_CPUS + 1][CK_MAX_ACTORS];	/* by current CPU */
	int norder;
	u8 *best;		/* shortest violating schedule */
	u32 best_len;
	char best_why[sizeof(ck.why)];
	u64 since_violation;
	double t0, last_progress;
	bool stopped;		/* by a limit, not by running out of choices */
	enum check_stop why;	/* which limit */
	bool cut_short;		/* an execution was cut at s->limit < max_steps */
	enum search_mode mode;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* ---- independence ---------------------------------------------------------- */

static bool class_conflict(const struct ck_fp *a, const struct ck_fp *b)
{
	return (a->cls_w & (b->cls_r | b->cls_w)) || (b->cls_w & a->cls_r);
}

/* Record an access of the current event. */
void fp_mem(uintptr_t a, int size, bool write)
{
	struct ck_fp *f = &ck_fp_cur;
	uintptr_t lo = a, hi = a + size, best_grow = ~(uintptr_t)0;
	u8 bit = write;
	int i, best = 0;

	for (i = 0; i < f->nr; i++) {
		if ((f->wmask >> i & 1) == bit && lo <= f->hi[i] && f->lo[i] <= hi) {
			f->lo[i] = min_t(uintptr_t, f->lo[i], lo);
			f->hi[i] = max_t(uintptr_t, f->hi[i], hi);
			return;
		}
	}
	if (f->nr < FP_RANGES) {
		f->lo[f->nr] = lo;
		f->hi[f->nr] = hi;
		f->wmask |= bit << f->nr;
		f->nr++;
		return;
	}
	/* full: widen the range that grows least (a write makes it a write) */
	for (i = 0; i < FP_RANGES; i++) {
		uintptr_t nlo = min_t(uintptr_t, f->lo[i], lo);
		uintptr_t nhi = max_t(uintptr_t, f->hi[i], hi);
		uintptr_t grow = (nhi - nlo) - (f->hi[i] - f->lo[i]);

		if (grow < best_grow) {
			best_grow = grow;
			best = i;
		}
	}
	f->lo[best] = min_t(uintptr_t, f->lo[best], lo);
	f->hi[best] = max_t(uintptr_t, f->hi[best], hi);
	f->wmask |= bit << best;
}

static bool mem_conflict(const struct ck_fp *a, const struct ck_fp *b)
{
	int i, j;

	if (!(a->wmask | b->wmask))
		return false;
	for (i = 0; i < a->nr; i++)
		for (j = 0; j < b->nr; j++)
			if (a->lo[i] < b->hi[j] && b->lo[j] < a->hi[i] &&
			    ((a->wmask >> i | b->wmask >> j) & 1))
				return true;
	return false;
}

/*
 * Do two events, both enabled in the same state, commute (and neither
 * enable nor disable the other)?  A CPU's own DRAIN commutes with its own
 * primitives that do not drain: its loads see the buffered value before the
 * drain and the same value in memory after it.
 */
bool ck_fp_dependent(const struct ck_fp *a, const struct ck_fp *b)
{
	bool da = ck_actor_kind(a->actor) == ACT_DRAIN;
	bool db = ck_actor_kind(b->actor) == ACT_DRAIN;

	if (ck_actor_cpu(a->actor) == ck_actor_cpu(b->actor) && da != db) {
		const struct ck_fp *other = da ? b : a;
		return (other->flags & FP_DRAINS) || class_conflict(a, b);
	}
	return (a->cpus & b->cpus) || (a->irq & b->irq) ||
	       class_conflict(a, b) || mem_conflict(a, b);
}

/*
 * The dependency DPOR uses, and the sleep sets with it: ck_fp_dependent,
 * and besides any two events of one CPU but its DRAIN (its steps, its
 * interrupts and NMIs, its speculative walks and host events share one
 * stack, one IF, one TLB: order matters whatever the footprints say; a
 * footprint left incomplete there would make DPOR miss a race).  A DRAIN
 * keeps ck_fp_dependent's rule for its own CPU, and is ordered after the
 * store it drains by dpor_event().
 */
static bool dpor_dependent(const struct ck_fp *a, const struct ck_fp *b)
{
	if (ck_actor_cpu(a->actor) == ck_actor_cpu(b->actor) &&
	    ck_actor_kind(a->actor) != ACT_DRAIN && ck_actor_kind(b->actor) != ACT_DRAIN)
		return true;
	return ck_fp_dependent(a, b);
}

static bool dependent(const struct search *s, const struct ck_fp *a,
		      const struct ck_fp *b)
{
	return s->mode == MODE_BOUNDED ? ck_fp_dependent(a, b) : dpor_dependent(a, b);
}

static bool fp_equal(const struct ck_fp *a, const struct ck_fp *b)
{
	return a->nr == b->nr && !memcmp(a->lo, b->lo, a->nr * sizeof(a->lo[0])) &&
	       !memcmp(a->hi, b->hi, a->nr * sizeof(a->hi[0])) &&
	       a->wmask == b->wmask && a->cls_r == b->cls_r && a->cls_w == b->cls_w &&
	       a->cpus == b->cpus && a->irq == b->irq && a->flags == b->flags &&
	       a->actor == b->actor;
}

/* ---- choices ------------------------------------------------------------------ */

/*
 * The order children are tried in: speculative walks (they end the run with
 * a violation), the current CPU, its interrupt, the other CPUs round-robin,
 * drains last so the first schedules keep stores buffered as long as they
 * can (that is where TSO bugs are).
 */
static void build_order(struct search *s)
{
	int n = ck.nr_cpus, cur, i, k;

	for (cur = 0; cur < n; cur++) {
		k = 0;
		for (i = 0; i < n; i++)
			s->order[cur][k++] = ck_actor(i, ACT_SPEC);
		for (i = 0; i < n; i++) {
			s->order[cur][k++] = ck_actor((cur + i) % n, ACT_STEP);
			s->order[cur][k++] = ck_actor((cur + i) % n, ACT_IRQ);
			s->order[cur][k++] = ck_actor((cur + i) % n, ACT_NMI);
		}
		for (i = 0; i < n; i++)
			s->order[cur][k++] = ck_actor((cur + i) % n, ACT_DRAIN);
		for (i = 0; i < n; i++)
			s->order[cur][k++] = ck_actor((cur + i) % n, ACT_HOST);
		s->norder = k;
	}
	memcpy(s->order[NO_CPU], s->order[0], sizeof(s->order[0]));
}

/*
 * Does choosing a cost a preemption?  costly: the host events that take a
 * vCPU away (a deschedule is the host preempting it, wherever it was).
 */
static bool is_preemption(u32 enabled, u32 costly, int cur, int a)
{
	if (costly & 1u << a)
		return true;
	return cur != NO_CPU && ck_actor_kind(a) <= ACT_IRQ &&
	       ck_actor_cpu(a) != cur && (enabled & 1u << ck_actor(cur, ACT_STEP));
}

/* The enabled host events that are deschedules, in the current state. */
static u32 costly_now(u32 enabled)
{
	u32 m = 0;
	int i;

	if (!ck.cfg->host)
		return 0;
	for (i = 0; i < ck.nr_cpus; i++) {
		int a = ck_actor(i, ACT_HOST);
		if ((enabled & 1u << a) && !ck.cpu[i].off && !ck.cpu[i].writeback)
			m |= 1u << a;
	}
	return m;
}

/* The next child of n to explore, or -1; *cut if the bound excluded one. */
static int next_choice(const struct search *s, const struct ck_node *n, bool *cut)
{
	u32 open = n->enabled & ~(n->done | n->sleep);
	int i;

	/* DPOR explores at a node what races asked for; a new node starts
	 * with its first choice (backtrack still 0) */
	if (s->mode == MODE_DPOR && n->backtrack)
		open &= n->backtrack;

	for (i = 0; open && i < s->norder; i++) {
		int a = s->order[n->cur][i];

		if (!(open & 1u << a))
			continue;
		if (s->bound >= 0 &&
		    n->npre + is_preemption(n->enabled, n->costly, n->cur, a) > s->bound) {
			*cut = true;
			continue;
		}
		return a;
	}
	return -1;
}

static const struct ck_fp *sleeper_fp(const struct search *s,
				      const struct ck_node *n, int z)
{
	return &s->nodes[n->sleep_at[z]].fp[z];
}

/* The sleep set of node d + 1 after event a ran at node d. */
static void child_sleep(struct search *s, u32 d, int a)
{
	struct ck_node *n = &s->nodes[d], *ch = &s->nodes[d + 1];
	const struct ck_fp *fa = &n->fp[a];
	u32 cand = n->sleep & ~(1u << a), keep = 0;

	while (cand) {				/* still asleep? */
		int z = __builtin_ctz(cand);

		cand &= cand - 1;
		if (!dependent(s, sleeper_fp(s, n, z), fa)) {
			keep |= 1u << z;
			ch->sleep_at[z] = n->sleep_at[z];
		}
	}
	cand = n->done & ~(1u << a);
	while (cand) {				/* explored siblings fall asleep */
		int z = __builtin_ctz(cand);

		cand &= cand - 1;
		if (!dependent(s, &n->fp[z], fa)) {
			keep |= 1u << z;
			ch->sleep_at[z] = d;
		}
	}
	ch->sleep = s->mode == MODE_FULL ? 0 : keep;
}

/* ---- source-DPOR ------------------------------------------------------------ */

static void vc_join(u16 *vc, const u16 *other)
{
	int q;

	for (q = 0; q < CK_MAX_ACTORS; q++)
		if (other[q] > vc[q])
			vc[q] = other[q];
}

/*
 * Event k races with the new event d (vcd: d's clock as far as the events
 * after k go).  v = notdep(k).d: the events after k that do not happen
 * after it, then d.  Its initials are the actors whose first event in v
 * has no predecessor in v: each could start, at node k, an execution that
 * reverses the race.  If none of them is explored at k already, explore
 * one (Abdulla et al. 2014, Algorithm 1, lines 5-9).
 */
static void dpor_race(struct search *s, u32 k, u32 d, const u16 *vcd)
{
	struct ck_node *e = &s->nodes[k];
	int ak = e->chosen;
	u16 sk = e->seq, first[CK_MAX_ACTORS];
	u32 have = 0, initials = 0, cand, m;

	for (m = k + 1; m <= d; m++) {
		const struct ck_node *x = &s->nodes[m];
		const u16 *vc = m == d ? vcd : x->vc;
		int q = x->chosen;
		bool pred = false;
		u32 h;

		if (m < d && vc[ak] >= sk)
			continue;			/* happens after k */
		if (have & 1u << q)
			continue;			/* not q's first in v */
		for (h = have; h && !pred; h &= h - 1)
			pred = vc[__builtin_ctz(h)] >= first[__builtin_ctz(h)];
		first[q] = m == d ? 0xffff : x->seq;
		have |= 1u << q;
		if (pred)
			continue;
		if ((e->backtrack | e->done) & 1u << q)
			return;				/* explored or due there */
		initials |= 1u << q;
	}
	/* an initial is enabled at k if happens-before is right; if one were
	 * not, every enabled event at k is the safe answer */
	cand = initials & e->enabled & ~e->sleep;
	if (cand)
		e->backtrack |= 1u << __builtin_ctz(cand);
	else if (initials & ~e->sleep)
		e->backtrack |= e->enabled & ~e->sleep;
}

/*
 * The new event at node d: its vector clock, and its races.  Scanning the
 * execution backwards, an event not yet known to happen before d is
 * joined into d's clock if it is d's actor's previous event (program
 * order), if it enabled d's actor (d could not run before it), if it
 * issued the store d drains, or if it is dependent with d: then it is a
 * race.  Going backwards, every later predecessor is joined before an
 * earlier event is looked at, so "not yet known" is exact.
 */
static void dpor_event(struct search *s, u32 d)
{
	struct ck_node *n = &s->nodes[d];
	int a = n->chosen, cpu = ck_actor_cpu(a);
	const struct ck_fp *f = &n->fp[a];
	bool drain = ck_actor_kind(a) == ACT_DRAIN, enabler = true;
	u16 vc[CK_MAX_ACTORS];
	u32 abit = 1u << a;
	int k;

	memset(vc, 0, sizeof(vc));
	n->seq = 0;
	for (k = (int)d - 1; k >= 0; k--) {
		struct ck_node *m = &s->nodes[k];
		int b = m->chosen;
		bool join = false;

		if (enabler && !(m->enabled & abit)) {
			join = true;		/* m's event enabled a */
			enabler = false;
		}
		if (vc[b] >= m->seq) {
			if (join)
				vc_join(vc, m->vc);	/* (nothing new) */
			continue;
		}
		if (b == a) {
			n->seq = m->seq;	/* + 1 below */
			enabler = false;	/* a ran since: it stayed enabled */
			join = true;
		} else if (drain && ck_actor_cpu(b) == cpu &&
			   m->push_lo <= n->pop_lo && n->pop_lo < m->push_hi) {
			join = true;		/* issued the store a drains */
		} else if (dpor_dependent(&m->fp[b], f)) {
			dpor_race(s, k, d, vc);
			join = true;
		}
		if (join)
			vc_join(vc, m->vc);
	}
	n->seq++;
	vc[a] = n->seq;
	memcpy(n->vc, vc, sizeof(vc));
}

/* Event d disabled the actors in dis: they could have run first (a false
 * independence would hide that from the race analysis). */
static void dpor_disabled(struct search *s, u32 d, u32 en_after)
{
	struct ck_node *n = &s->nodes[d];
	u32 dis = n->enabled & ~en_after & ~(1u << n->chosen);

	n->backtrack |= dis & ~n->sleep;
}

static void nondeterministic(struct search *s, u32 d, const char *what)
{
	struct check_result *r = s->r;

	r->error = true;
	snprintf(r->what, sizeof(r->what), "the program is not deterministic: "
		 "replaying step %u gave different %s (does setup() reset all "
		 "state, and does per-run memory come from check_alloc()?)",
		 d + 1, what);
	s->stopped = true;
}

/* ---- one execution ---------------------------------------------------------------- */

/*
 * The enabled events.  The machine ends a run once every CPU has returned
 * and drains what is still buffered itself, CPU by CPU (ck_run_end); that
 * fixes the order of the last stores to reach memory.  DPOR must see those
 * drains as events, or it would see no race between a buffered store and
 * a load that missed it (store buffering: cpu0's load of y and cpu1's
 * drain of y), and so the reduced and unreduced searches keep the run
 * going while a buffer holds a store.
 */
static u32 enabled_now(const struct search *s, bool *end)
{
	u32 en = ck_enabled(end), m = 0;
	int i;

	if (!*end || ck.violated || s->mode == MODE_BOUNDED)
		return en;
	for (i = 0; i < ck.nr_cpus; i++)
		if (ck.cpu[i].sb.n)
			m |= 1u << ck_actor(i, ACT_DRAIN);
	if (m)
		*end = false;
	return m;
}

static void record_violation(struct search *s, u32 len)
{
	struct check_result *r = s->r;
	u32 i;

	if (!r->violation) {
		r->first_executions = r->executions + 1;
		r->first_seconds = now_s() - s->t0;
	}
	if (!r->violation || len < s->best_len) {
		for (i = 0; i < len; i++)
			s->best[i] = s->nodes[i].chosen;
		s->best_len = len;
		memcpy(s->best_why, ck.why, sizeof(s->best_why));
	}
	r->violation = true;
	if (!s->cfg->all_executions)
		s->limit = len > 1 ? len - 1 : 1;
}

/*
 * Replay nodes [d, prefix - 1) quickly: the choices are known, so neither
 * the enabled events nor the footprints are computed, and a run of steps
 * of one CPU executes without coming back here (ck_park).  Returns the
 * node reached.
 */
static u32 fast_replay(struct search *s, u32 d)
{
	while (d + 1 < s->prefix && !s->nodes[d].slow) {
		int a = s->nodes[d].chosen;
		u32 len = 1;

		if (ck_actor_kind(a) == ACT_STEP)
			while (d + len + 1 < s->prefix && s->nodes[d + len].chosen == a &&
			       !s->nodes[d + len].slow)
				len++;
		ck.cpu[ck_actor_cpu(a)].fast = len - 1;
		ck_exec(a);
		d += len;
	}
	return d;
}

/* Run the program once: replay the prefix, then extend depth-first. */
static void dfs_execution(struct search *s)
{
	struct check_result *r = s->r;
	bool verify = !(r->executions & 7), end = false;
	u32 d = 0;
	u8 cur = NO_CPU, npre = 0;

	ck_run_begin();
	for (;;) {
		u32 timeouts = ck.timeouts, en;
		struct ck_node *n;
		bool cut = false;
		int a;

		if (!verify && d + 1 < s->prefix && !s->nodes[d].slow) {
			d = fast_replay(s, d);
			cur = s->nodes[d].cur;
			npre = s->nodes[d].npre;
		}
		en = enabled_now(s, &end);
		n = &s->nodes[d];
		if (end)
			break;
		if (s->mode == MODE_DPOR && d && d >= s->prefix)
			dpor_disabled(s, d - 1, en);
		if (d < s->prefix) {
			if (en != n->enabled) {
				nondeterministic(s, d, "enabled events");
				break;
			}
			a = n->chosen;
		} else {
			if (d >= s->limit) {
				if (s->limit == s->max_steps)
					r->step_cut++;
				else
					s->cut_short = true;
				break;
			}
			n->enabled = en;
			n->costly = costly_now(en);
			n->cur = cur;
			n->npre = npre;
			n->done = 0;
			n->backtrack = 0;
			n->cut = false;
			if (!d || s->mode == MODE_FULL)
				n->sleep = 0;
			/* an event that got disabled is awake again: its next
			 * event may not be the one that fell asleep */
			if (s->mode == MODE_DPOR)
				n->sleep &= en;
			a = next_choice(s, n, &cut);
			if (a < 0) {
				if (cut) {
					n->cut = true;
					r->bound_cut++;
				} else {
					r->pruned++;
				}
				break;
			}
			n->chosen = a;
			n->done |= 1u << a;
			n->backtrack |= 1u << a;
		}
		n->slow = ck.timeouts != timeouts;
		npre += is_preemption(en, n->costly, cur, a);
		if (d + 1 >= s->prefix) {
			const struct ck_sb *sb = &ck.cpu[ck_actor_cpu(a)].sb;

			n->push_lo = sb->pushed;
			n->pop_lo = sb->popped;
		}
		ck_exec(a);
		/* determinism: replayed steps must touch what they touched
		 * (checked on every 8th execution, replayed in full) */
		if (d + 1 < s->prefix && verify &&
		    !fp_equal(&ck_fp_cur, &n->fp[a])) {
			nondeterministic(s, d, "memory accesses");
			break;
		}
		n->fp[a] = ck_fp_cur;
		if (d + 1 >= s->prefix) {
			n->push_hi = ck.cpu[ck_actor_cpu(a)].sb.pushed;
			child_sleep(s, d, a);
			if (s->mode == MODE_DPOR)
				dpor_event(s, d);
		}
		if (ck_actor_kind(a) <= ACT_IRQ)
			cur = ck_actor_cpu(a);
		d++;
		if (ck.violated)
			break;
	}
	if (end && !ck.violated)
		ck_run_end();
	s->depth = d;
	if ((end || ck.violated) && !r->error) {
		r->finished++;
		r->witnesses += ck.violated;
	}
	if (ck.violated && !r->error)
		record_violation(s, d);
}

static bool backtrack(struct search *s)
{
	int d;

	for (d = (int)s->depth - 1; d >= 0; d--) {
		struct ck_node *n = &s->nodes[d];
		bool cut = false;
		int a = next_choice(s, n, &cut);

		if (a >= 0) {
			n->chosen = a;
			n->done |= 1u << a;
			s->prefix = d + 1;
			return true;
		}
		if (cut && !n->cut) {
			n->cut = true;
			s->r->bound_cut++;
		}
	}
	return false;
}

/* Should the search stop now?  Limits, and the budget for shortening. */
static bool out_of_budget(struct search *s)
{
	const struct check_config *cfg = s->cfg;
	struct check_result *r = s->r;

	if (r->error)
		return true;
	if (r->violation && !cfg->all_executions &&
	    ++s->since_violation >= cfg->shorten) {
		s->why = STOP_VIOLATION;
		return true;
	}
	if (cfg->max_schedules && r->executions >= cfg->max_schedules) {
		s->why = STOP_SCHEDULES;
		return true;
	}
	if ((cfg->max_seconds > 0 || cfg->progress) && !(r->executions & 255)) {
		double t = now_s() - s->t0;

		if (cfg->max_seconds > 0 && t > cfg->max_seconds) {
			s->why = STOP_TIME;
			return true;
		}
		if (cfg->progress && t - s->last_progress >= 1) {
			s->last_progress = t;
			cfg->progress(cfg->progress_arg, r, t);
		}
	}
	return false;
}

static void dfs_pass(struct search *s)
{
	s->prefix = 0;
	s->depth = 0;
	for (;;) {
		dfs_execution(s);
		s->r->executions++;
		if (out_of_budget(s)) {
			s->stopped = true;
			return;
		}
		if (!backtrack(s))
			return;
	}
}

/*
 * Iterative context bounding: search with bound 0, then 1, ... up to the
 * configured bound (or, unbounded, until a pass is no longer cut by its
 * bound).  A bug that needs few preemptions is found early, with a short
 * counterexample; the passes below the last cost a fraction of it.
 */
static void dfs(struct search *s)
{
	struct check_result *r = s->r;
	int last = s->cfg->bound;
	bool shortening = r->violation;	/* the prelude found one */

	/* DPOR and the unreduced search need no bound; counting every
	 * execution needs one pass (the passes below repeat schedules) */
	if (s->mode != MODE_BOUNDED || s->cfg->all_executions) {
		s->bound = s->mode == MODE_BOUNDED ? last : -1;
		r->bound_cut = 0;
		dfs_pass(s);
		return;
	}
	for (s->bound = 0; ; s->bound++) {
		r->bound_cut = 0;
		dfs_pass(s);
		if ((r->violation && !shortening) || s->stopped || r->error)
			return;
		if (last >= 0 ? s->bound >= last : !r->bound_cut || s->bound >= 64)
			return;
	}
}

/* ---- PCT ---------------------------------------------------------------------------- */

static int highest(const u32 *prio, u32 en)
{
	int best = -1;

	while (en) {
		int a = __builtin_ctz(en);

		en &= en - 1;
		if (best < 0 || prio[a] > prio[best])
			best = a;
	}
	return best;
}

/*
 * Probabilistic Concurrency Testing (Burckhardt et al., "A randomized
 * scheduler with probabilistic guarantees of finding bugs", ASPLOS 2010):
 * every actor (a CPU's steps, its interrupts, its drains) gets a random
 * distinct priority; the highest enabled one runs; at d - 1 random steps the
 * running actor drops below all others.  A bug of depth d is found with
 * probability at least 1 / (n k^(d-1)) per run.
 */
static void pct_execution(struct search *s, u64 run, u32 *k_est)
{
	int nact = ck.nr_cpus * CK_ACTOR_KINDS, depth = s->cfg->pct_depth, i;
	u32 prio[CK_MAX_ACTORS], change[16], d = 0;
	u64 rng = s->cfg->seed * 0x100000001b3ULL + run;
	bool end = false;

	for (i = 0; i < nact; i++)
		prio[i] = depth + i;
	for (i = nact - 1; i > 0; i--) {		/* Fisher-Yates */
		int j = rng_next(&rng) % (i + 1);
		u32 t = prio[i];
		prio[i] = prio[j];
		prio[j] = t;
	}
	for (i = 1; i < depth; i++)
		change[i] = 1 + rng_next(&rng) % *k_est;
	ck_run_begin();
	for (;;) {
		u32 en = ck_enabled(&end);
		int a;

		if (end)
			break;
		if (d >= s->max_steps || d >= s->limit) {
			if (d >= s->max_steps)
				s->r->step_cut++;
			break;
		}
		for (i = 1; i < depth; i++)
			if (change[i] == d)
				prio[highest(prio, en)] = i;
		a = highest(prio, en);
		s->nodes[d].chosen = a;
		ck_exec(a);
		/* half the time, a descheduled vCPU stays off as long as
		 * anything else can run (else the host puts it back soon) */
		if (ck_actor_kind(a) == ACT_HOST && ck.cpu[ck_actor_cpu(a)].off &&
		    rng_next(&rng) & 1)
			prio[a] = 0;
		d++;
		if (ck.violated)
			break;
	}
	if (end && !ck.violated)
		ck_run_end();
	if (d > *k_est)
		*k_est = d;
	if (end || ck.violated) {
		s->r->finished++;
		s->r->witnesses += ck.violated;
	}
	if (ck.violated)
		record_violation(s, d);
}

static void pct(struct search *s, u64 runs)
{
	u32 k_est = 64;
	u64 run;

	for (run = 0; run < runs; run++) {
		pct_execution(s, run, &k_est);
		s->r->executions++;
		if (out_of_budget(s)) {
			s->stopped = run + 1 < runs;
			return;
		}
	}
}

/*
 * The exhaustive search, after a short PCT prelude: random schedules find
 * most bugs at once, while depth-first search reaches choices near the root
 * (which CPU starts, an early deschedule) last.  When the prelude finds a
 * violation, the search only looks for shorter ones (s->limit).
 */
static void search(struct search *s)
{
	const struct check_config *cfg = s->cfg;
	struct check_result *r = s->r;

	/* the prelude's executions are not part of the search: when every
	 * execution is counted, they would be counted twice */
	if (cfg->prelude > 0 && !cfg->all_executions) {
		pct(s, cfg->prelude);
		if (r->error || (s->stopped && !r->violation))
			return;
		s->stopped = false;
	}
	dfs(s);
}

/* ---- the counterexample -------------------------------------------------------------- */

static void replay(struct search *s)
{
	struct check_result *r = s->r;
	struct ck_text t = { 0 }, head = { 0 };
	u32 d, npre = 0;
	u8 cur = NO_CPU;
	bool end = false;

	ck.verbose = true;
	ck.out = &t;
	ck.step_logged = false;
	ck.step_preempt = false;
	ck_run_begin();
	for (d = 0; d < s->best_len && !ck.violated; d++) {
		u32 en = enabled_now(s, &end);
		int a = s->best[d];

		if (end || !(en & 1u << a)) {
			ck_text_printf(&t, "(replay diverged at step %u)\n", d + 1);
			break;
		}
		ck.step_no = d + 1;
		ck.step_logged = false;
		ck.step_preempt = is_preemption(en, costly_now(en), cur, a);
		npre += ck.step_preempt;
		ck_exec(a);
		if (ck_actor_kind(a) <= ACT_IRQ)
			cur = ck_actor_cpu(a);
	}
	if (!ck.violated) {
		ck.step_no = d + 1;
		ck.step_logged = false;
		ck.step_preempt = false;
		ck_enabled(&end);
		if (end && !ck.violated)
			ck_run_end();
	}
	ck_log_flush();
	ck_text_printf(&head, "counterexample: %u events, %u preemption%s (*), %s\n",
		       s->best_len, npre, npre == 1 ? "" : "s",
		       ck.tso ? "x86-TSO" : "sequential consistency");
	ck_text_printf(&head, "%s", t.buf ? t.buf : "");
	if (!ck.violated || strcmp(ck.why, s->best_why))
		ck_text_printf(&head, "(the replay did not reproduce: %s)\n",
			       s->best_why);
	r->counterexample = head.buf;
	r->cex_steps = s->best_len;
	r->cex_preemptions = npre;
	/* the replay's message names locations; the search's has addresses */
	snprintf(r->what, sizeof(r->what), "%s", ck.violated ? ck.why : s->best_why);
	free(t.buf);
	ck.verbose = false;
	ck.out = NULL;
}

/* ---- entry point ----------------------------------------------------------------------- */

static void config_defaults(struct check_config *cfg)
{
	if (!cfg->pct_depth)
		cfg->pct_depth = 3;
	if (cfg->pct_depth > 15)
		cfg->pct_depth = 15;
	if (!cfg->max_steps)
		cfg->max_steps = 4000;
	if (cfg->max_steps > 60000)	/* node depths are 16-bit */
		cfg->max_steps = 60000;
	if (!cfg->shorten)
		cfg->shorten = 20000;
	if (!cfg->prelude)
		cfg->prelude = 1000;
}

int check_explore(const struct check_program *p, const struct check_config *cfg_in,
		  struct check_result *r)
{
	const struct env_ops *saved = env;
	struct check_config cfg = *cfg_in;
	struct search s = { 0 };
	char err[200];

	memset(r, 0, sizeof(*r));
	config_defaults(&cfg);
	env = &check_env_ops;
	if (!ck_env_complete(err, sizeof(err)) ||
	    ck_machine_init(p, &cfg, err, sizeof(err))) {
		r->error = true;
		snprintf(r->what, sizeof(r->what), "%s", err);
		ck_machine_fini();
		env = saved;
		return -1;
	}
	s.cfg = &cfg;
	s.r = r;
	s.mode = cfg.unreduced ? MODE_FULL : cfg.bound < 0 ? MODE_DPOR : MODE_BOUNDED;
	r->dpor = s.mode == MODE_DPOR;
	s.max_steps = s.limit = cfg.max_steps;
	s.nodes = malloc(sizeof(*s.nodes) * (cfg.max_steps + 1));
	s.best = malloc(cfg.max_steps + 1);
	if (!s.nodes || !s.best) {
		r->error = true;
		snprintf(r->what, sizeof(r->what), "out of memory");
		goto out;
	}
	build_order(&s);
	s.t0 = now_s();
	if (cfg.random_runs)
		pct(&s, cfg.random_runs);
	else
		search(&s);
	r->seconds = now_s() - s.t0;
	if (r->error)
		r->stop = STOP_ERROR;
	else if (cfg.random_runs)
		r->stop = STOP_RANDOM;
	else if (s.stopped && s.why)
		r->stop = s.why;
	else if (r->step_cut)
		r->stop = STOP_STEPS;
	else if (r->bound_cut)
		r->stop = STOP_BOUND;
	else if (r->violation && (s.cut_short || !cfg.all_executions))
		r->stop = STOP_VIOLATION;	/* it stopped looking */
	else
		r->stop = s.stopped ? STOP_VIOLATION : STOP_NONE;
	r->complete = r->stop == STOP_NONE;
	if (r->violation && !r->error)
		replay(&s);
out:
	free(s.nodes);
	free(s.best);
	ck_machine_fini();
	env = saved;
	return r->error ? -1 : r->violation;
}

void check_result_free(struct check_result *r)
{
	free(r->counterexample);
	r->counterexample = NULL;
}

/*
 * A violation is a proof whatever else the search did; no violation is a
 * proof only if the search covered everything, else it is Unknown (never
 * a false Never).  Always: complete, and every complete execution violates.
 */
enum check_verdict check_verdict(const struct check_result *r)
{
	if (r->error)
		return CHECK_ERROR;
	if (r->violation)
		return r->complete && r->witnesses == r->finished ?
			CHECK_ALWAYS : CHECK_SOMETIMES;
	return r->complete ? CHECK_NEVER : CHECK_UNKNOWN;
}

const char *check_verdict_name(enum check_verdict v)
{
	static const char *const names[] = {
		[CHECK_NEVER] = "Never", [CHECK_SOMETIMES] = "Sometimes",
		[CHECK_ALWAYS] = "Always", [CHECK_UNKNOWN] = "Unknown",
		[CHECK_ERROR] = "error",
	};
	return (unsigned)v < ARRAY_SIZE(names) ? names[v] : "error";
}

const char *check_stop_name(enum check_stop st)
{
	static const char *const names[] = {
		[STOP_NONE] = "complete", [STOP_VIOLATION] = "violation",
		[STOP_TIME] = "time", [STOP_SCHEDULES] = "schedules",
		[STOP_STEPS] = "steps", [STOP_BOUND] = "bound",
		[STOP_RANDOM] = "random", [STOP_ERROR] = "error",
	};
	return (unsigned)st < ARRAY_SIZE(names) ? names[st] : "error";
}
