/* SPDX-License-Identifier: GPL-2.0 */
/*
 * coro.S - stackful coroutines for simulated CPUs (x86-64 SysV).
 *
 * coro_switch(from, to) saves the callee-saved registers on the current
 * stack, stores the stack pointer in *from, loads *to and restores.  The
 * caller-saved registers are dead across the call by the ABI, so this is the
 * whole context.  MXCSR and the x87 control word are never changed by the
 * simulator, so they are not saved.
 */
	.text
	.globl	coro_switch
	.type	coro_switch, @function
coro_switch:			/* rdi = void **from_sp, rsi = void **to_sp */
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, (%rdi)
	movq	(%rsi), %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret
	.size	coro_switch, .-coro_switch

/* First frame of a new coroutine: r12 = entry function, r13 = its argument. */
	.globl	coro_trampoline
	.type	coro_trampoline, @function
coro_trampoline:
	movq	%r13, %rdi
	callq	*%r12
	ud2			/* entry functions never return */
	.size	coro_trampoline, .-coro_trampoline

	.section .note.GNU-stack,"",@progbits
