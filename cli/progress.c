// SPDX-License-Identifier: GPL-2.0
/*
 * progress.c - the "[3/12] concurrent madv-touch 64 cpus" line on stderr.
 *
 * Shown only on a terminal and only once the command has run for a second,
 * so quick commands and scripts never see it.  A single run can take longer
 * than that without ever returning to the grid loop, so a one-shot timer
 * draws the line the first time; after that each step redraws it.  The line
 * is \r-updated and erased at the end, leaving stderr as it was.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "cli/progress.h"

#define ERASE	"\r\033[K"

static struct {
	bool enabled;
	int total;
	volatile sig_atomic_t shown;
	char line[192];
	size_t len;
	struct sigaction old_action;
} pg;

static void write_all(const char *s, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(STDERR_FILENO, s, len);
		if (n <= 0)
			return;		/* a progress line is not worth a retry */
		s += n;
		len -= (size_t)n;
	}
}

/* SIGALRM, once, one second into the command: async-signal-safe. */
static void progress_timer(int sig)
{
	(void)sig;
	if (pg.len) {
		write_all(pg.line, pg.len);
		pg.shown = 1;
	}
}

static void block_timer(bool block)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	sigprocmask(block ? SIG_BLOCK : SIG_UNBLOCK, &set, NULL);
}

void progress_begin(int total)
{
	struct itimerval once = { .it_value = { .tv_sec = 1 } };
	struct sigaction sa;

	memset(&pg, 0, sizeof(pg));
	pg.total = total;
	pg.enabled = isatty(STDERR_FILENO);
	if (!pg.enabled)
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = progress_timer;
	sa.sa_flags = SA_RESTART;	/* output writes must not see EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, &pg.old_action);
	setitimer(ITIMER_REAL, &once, NULL);
}

void progress_step(int done, const char *what)
{
	int n;

	if (!pg.enabled)
		return;
	block_timer(true);
	n = snprintf(pg.line, sizeof(pg.line), ERASE "[%d/%d] %s",
		     done + 1, pg.total, what);
	pg.len = n < 0 ? 0 : (size_t)n >= sizeof(pg.line) ?
		 sizeof(pg.line) - 1 : (size_t)n;
	block_timer(false);
	if (pg.shown)
		write_all(pg.line, pg.len);
}

void progress_clear(void)
{
	if (pg.enabled && pg.shown)
		write_all(ERASE, sizeof(ERASE) - 1);
}

void progress_end(void)
{
	struct itimerval off = { 0 };

	if (!pg.enabled)
		return;
	setitimer(ITIMER_REAL, &off, NULL);
	sigaction(SIGALRM, &pg.old_action, NULL);
	progress_clear();
	pg.enabled = false;
}
