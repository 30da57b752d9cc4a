/* SPDX-License-Identifier: GPL-2.0 */
/*
 * profiles_builtin.S - the built-in machine profiles, embedded verbatim.
 *
 * Each profiles/NAME.profile becomes a NUL-terminated string in .rodata
 * (symbol profile_text_NAME), and two parallel NULL-terminated pointer
 * tables list them for sim/profile.c:
 *
 *	const char *const profile_builtin_name_table[];	  "default", ...
 *	const char *const profile_builtin_text_table[];	  the file texts
 *
 * Embedding the files rather than C copies of them keeps one source of
 * truth, comments and citations included.  To add a profile, add one
 * BUILTIN line below; NAME becomes part of a symbol, so keep it to
 * letters, digits and '_'.  .incbin paths are relative to the directory
 * the assembler runs in: the repository root, where make runs.  make's
 * dependency files do not list .incbin'd files: after editing a profile,
 * remove build/sim/profiles_builtin.o (or make clean).
 *
 * The pointer tables need relocations in a position-independent
 * executable, so they live in .data.rel.ro (read-only after relocation)
 * rather than .rodata.
 */

	.macro BUILTIN name
	.pushsection .rodata.profile_names, "a"
.Lname_\name:
	.asciz "\name"
	.popsection

	.pushsection .rodata.profile_texts, "a"
	.globl profile_text_\name
	.type profile_text_\name, @object
profile_text_\name:
	.incbin "profiles/\name\().profile"
	.byte 0
	.size profile_text_\name, . - profile_text_\name
	.popsection

	.pushsection .data.rel.ro.profile_name_table, "aw"
	.quad .Lname_\name
	.popsection
	.pushsection .data.rel.ro.profile_text_table, "aw"
	.quad profile_text_\name
	.popsection
	.endm

	/* Table heads: the entries follow in the same sections. */
	.section .data.rel.ro.profile_name_table, "aw"
	.balign 8
	.globl profile_builtin_name_table
	.type profile_builtin_name_table, @object
profile_builtin_name_table:

	.section .data.rel.ro.profile_text_table, "aw"
	.balign 8
	.globl profile_builtin_text_table
	.type profile_builtin_text_table, @object
profile_builtin_text_table:

	/* The first entry is the default profile. */
	BUILTIN default
	BUILTIN host

	/* NULL terminators. */
	.section .data.rel.ro.profile_name_table, "aw"
	.quad 0
	.size profile_builtin_name_table, . - profile_builtin_name_table
	.section .data.rel.ro.profile_text_table, "aw"
	.quad 0
	.size profile_builtin_text_table, . - profile_builtin_text_table

	.section .note.GNU-stack, "", @progbits
