/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fuzz.h - what the libFuzzer harnesses share: the one-line rule for the
 * error messages of every input parser.
 */
#ifndef TESTS_FUZZ_H
#define TESTS_FUZZ_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * An error is one non-empty line of printable characters, starting with
 * prefix.  abort() is how a harness reports a finding: libFuzzer saves the
 * input and prints the message.
 */
static inline void fuzz_check_error(const char *err, const char *prefix)
{
	const char *c;

	if (!err[0] || strncmp(err, prefix, strlen(prefix))) {
		fprintf(stderr, "fuzz: error without '%s': '%s'\n", prefix, err);
		abort();
	}
	for (c = err; *c; c++) {
		if (*c < 0x20 || *c > 0x7e) {
			fprintf(stderr, "fuzz: byte 0x%02x at %zu of the error '%s'\n",
				(unsigned char)*c, (size_t)(c - err), err);
			abort();
		}
	}
}

#endif
