// SPDX-License-Identifier: GPL-2.0
/*
 * check.c - a stand-in for `shootdown check` in builds without the
 * interleaving checker.
 *
 * The subcommand table in main.c calls check_main(), which check/ defines
 * with its own option parser.  Until it does, this weak definition links
 * instead and says plainly that the checker is missing.
 *
 * Why a weak definition in its own file, and not a weak reference tested
 * against NULL: the linker takes an object out of libshootdown.a only to
 * resolve a strong undefined reference, so a weak reference would never
 * bring check/'s object in.  main.c's reference is strong; the linker
 * resolves it with the first archive member that defines check_main, and
 * check/ objects come before cli/ objects in the archive (LIB_SRCS in the
 * Makefile), so the real one wins whenever it exists.  Nothing else may go
 * in this file: if something pulled it in first, check_main would already
 * be defined (weakly) and check/'s object would never be taken.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

__attribute__((weak)) int check_main(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			puts("usage: shootdown check [options]\n"
			     "The interleaving checker is not built into this binary.");
			return EXIT_OK;
		}
	}
	fprintf(stderr, "shootdown check: not built\n");
	return EXIT_INTERNAL;
}
