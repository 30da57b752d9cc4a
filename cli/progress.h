/* SPDX-License-Identifier: GPL-2.0 */
/* progress.h - a \r-updated progress line on stderr (terminals only). */
#ifndef CLI_PROGRESS_H
#define CLI_PROGRESS_H

#include <stdbool.h>

void progress_begin(int total);
/* About to start step done+1 of total, described by what. */
void progress_step(int done, const char *what);
/* Erase the line before printing something else on stderr. */
void progress_clear(void);
void progress_end(void);

#endif
