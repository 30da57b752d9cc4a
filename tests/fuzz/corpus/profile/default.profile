# a current 2-socket x86 server (Sapphire/Emerald Rapids class)
#
# The built-in default profile.  It models a 2-socket Intel Xeon of the
# Sapphire/Emerald Rapids generation running a current Linux, with the
# sources below.  See docs/profiles.md for the format, the meaning of each
# key and the full derivations.  Kinds of source, as marked on each line:
#
#   measured   our own measurement, on the development host (an Emerald
#              Rapids Xeon, model 207, under KVM), with tools/calibrate/run.sh
#              on 2026-11-21.  Used only for instructions that execute
#              natively inside a VM (loads, stores, locked RMWs, fences,
#              PAUSE, syscalls); the full figures are in docs/profiles.md.
#   kernel     a constant in the Linux source
#   cited      a primitive measurement published by someone else
#   estimate   our estimate, with the reasoning; replace it with a
#              measurement (tools/calibrate on bare metal) when one exists
#
# Published end-to-end results of the shootdown work (madvise loops,
# ebizzy, sysbench, will-it-scale) are NOT used here: they are the
# independent validation of the simulator.
#
# Cycle counts are converted at 3.0 GHz, the core clock implied by the
# measured L1 latency (5-cycle load-to-use at 1.69 ns), unless a line says
# otherwise; TSC-rate counts at 2.0 GHz, a typical base clock of these parts.

# ---- topology -------------------------------------------------------------
# 64 CPUs: large enough that SMT-sibling, same-socket and cross-socket
# targets all occur in one shootdown, small enough to keep runs fast.  A
# modelling choice, not a particular SKU; --cpus overrides it.
cpus = 64
sockets = 2
threads_per_core = 2

# ---- cache coherence ------------------------------------------------------
l1_hit_ns = 1.7			# measured: core, L1 load-to-use chain, 1.69 ns
# estimate: SMT siblings share L1/L2, so a hand-off is an L2-class access
# plus the snoop (L2 is 16 cycles = 5.3 ns on Golden Cove-class cores);
# one run on the development host where both vCPUs apparently shared a
# core gave 9.8 ns per CAS hand-off, not reproducible.
smt_transfer_ns = 10
socket_transfer_ns = 63		# measured: pingpong, one-way core-to-core transfer (runs: 63.2, 66.7, 55.8 ns)
# estimate: no 2-socket measurement at hand; one UPI hop each way on top of
# the on-die path, taken as twice the same-socket figure.
remote_transfer_ns = 126
# estimate: idle load latency of local DDR5 on current Xeons is ~100-120 ns;
# our host figure (191 ns, dram) includes nested-paging TLB misses and is
# not usable here.
dram_ns = 110
atomic_ns = 4.4			# measured: core, lock add minus l1_hit on an owned line (6.12 - 1.69 ns)
mfence_ns = 15.2		# measured: core, MFENCE after a store
pause_ns = 13.2			# measured: core, back-to-back PAUSE

# ---- TLB and paging -------------------------------------------------------
# measured (capacity): in the pagewalk sweep over 4 KiB pages, TLB misses
# start between 1536 and 2048 pages and are complete at 3072, which fits a
# 2048-entry second-level TLB.  Associativity cannot be seen that way and
# CPUID leaf 0x18 is hidden by the hypervisor: 16 ways is an estimate.  The
# engine has one TLB level; this is the second-level TLB.
tlb_entries = 2048
tlb_ways = 16
# cited: "Each single flush is about 100 ns" (Dave Hansen, comment added to
# arch/x86/mm/tlb.c by commit a5102476a24b "x86/mm: Set TLB flush tunable to
# sane value (33)", 2014); Ingo Molnar measured __flush_tlb_one() at 260 and
# 237 cycles on two Intel systems (LKML, 2015-06-08, "Re: [PATCH 0/3] TLB
# flush multiple pages per IPI v5", <20150608195237.GA15429@gmail.com> and
# <20150608200308.GA16978@gmail.com>), 79-87 ns at 3 GHz.
invlpg_ns = 100
# cited: Molnar, same messages: __flush_tlb() (a CR3 write) 96 and 251
# cycles cache-hot on two Intel systems; mean 174 cycles = 58 ns.  This is
# the instruction only: the refills it causes are charged as page walks.
flush_full_ns = 58
# estimate: no measurement of a PCID-preserving CR3 write found; taken as
# the cheaper flushing write above (96 cycles = 32 ns): both are
# serializing control-register writes, and the flush's real cost is refills.
cr3_noflush_ns = 32
# estimate: measured on the host (pagewalk, 16384 pages, L2-resident
# tables): 19.9 ns per load at an 87.5% miss rate = 22.7 ns per walk, but
# under nested paging; bare metal skips the EPT dimension, about one L2
# access (5 ns).
page_walk_ns = 17
tlb_flush_ceiling = 33		# kernel: tlb_single_page_flush_ceiling, arch/x86/mm/tlb.c

# ---- interrupts and kernel entry ------------------------------------------
# No bare-metal IPI measurement of a current Xeon was at hand (the host is a
# VM); the IPI figures are estimates built from the primitives above, and
# cross-checked against one cited VM measurement.  Run tools/calibrate's ipi
# and madvise_ipi on bare metal to replace them: they give the round trip
# and the target's lost time directly.
#
# estimate: an x2APIC ICR write is one WRMSR per destination; a serializing
# MSR write, ~120 cycles.
ipi_send_ns = 40
# estimate: ICR write to handler entry on another core of the socket: the
# message crosses the mesh like a cache line (socket_transfer_ns), then the
# target drains its pipeline at an instruction boundary and the IDT delivery
# microcode runs, together ~1500 cycles.
ipi_socket_ns = 500
ipi_smt_ns = 447		# estimate: ipi_socket_ns - socket_transfer_ns + smt_transfer_ns
ipi_remote_ns = 563		# estimate: ipi_socket_ns - socket_transfer_ns + remote_transfer_ns
# Cross-check (cited): Intel measured 3645 TSC cycles (1.8 us at 2 GHz) from
# IPI send to handler completion between two vCPUs of a Sapphire Rapids VM
# with IPI virtualization and posted interrupts, i.e. with no VM exit on
# either side (Zeng Guang, "[PATCH v7 0/8] IPI virtualization support for
# VM", kvm list, 2022-03-04, kvm-unit-tests vmexit/ipi, x2APIC).  The model
# above gives ~0.8 us on bare metal for the same path (send, flight, entry,
# a minimal handler, the acknowledgement line); the remaining ~1 us is
# posted-interrupt processing, see inject_ns.
#
# estimate: interrupt entry (IDT delivery already in ipi_*_ns): register
# save, irq_enter, vector dispatch; and exit: irq_exit, the softirq check,
# IRET.  Each about a syscall half plus IDT/IRET overhead, 450 cycles.
irq_entry_ns = 150
irq_exit_ns = 150
syscall_ns = 111.5		# measured: syscall, getppid() round trip (syscalls do not exit to the hypervisor)
# estimate: exception entry + exit without the handler's work: a syscall
# round trip plus exception delivery, error code and CR2 (~140 ns).  Upper
# bound measured on the host: a whole zero-page read fault, 718 ns.
page_fault_ns = 250
# A model knob, not a measurement: how often a CPU whose CR3 holds a user
# address space may speculatively walk those page tables while it runs in
# the kernel (a lazy CPU, or one in an interrupt).  Hardware may walk at any
# time; the engine samples one walk per interval and checks that it does not
# reach a freed page-table page.  2 us is conservative (frequent); 0 turns
# the check off.
spec_walk_interval_ns = 2000
# perf sampling NMIs on every CPU: 0, no perf session.  `perf record`'s
# default frequency is 4000 Hz (tools/perf/builtin-record.c), a period of
# 250000 ns; set that to judge a design with perf running.
nmi_interval_ns = 0

# ---- virtualization (the host under simulated VMs: KVM on this machine) ----
# cited: IPI virtualization removes the sender's VM exit and saves 693 TSC
# cycles (4338 -> 3645, x2APIC, Zeng Guang 2022 as above): that ICR-write
# exit is KVM's fast path, its cheapest exit, 347 ns at 2 GHz.
vmexit_ns = 350
vmexit_ipi_ns = 390		# cited + estimate: the 350 ns fast-path exit plus the ICR write itself (ipi_send_ns)
# estimate: what a vCPU pays beyond bare metal to receive an interrupt:
# 1.8 us (cited IPIv round trip, no exits) - ~0.8 us (the bare-metal model
# for the same path) = ~1 us of posted-interrupt notification and virtual
# interrupt delivery.
inject_ns = 1000
# estimate: a hypercall is a full (not fast-path) exit with the handler
# dispatched with interrupts on: twice the fast-path exit.
hypercall_ns = 700
# estimate: a process switch measured on the host (ctxsw: 1.42 us, two
# pipe syscalls included) plus vcpu_put and vcpu_load (VMCS switch, MSR
# and FPU state), ~0.6 us.
host_ctxsw_ns = 2000
# kernel: EEVDF, sysctl_sched_base_slice = 0.70 ms (kernel/sched/fair.c
# since 2025; 0.75 ms before) x (1 + ilog2(min(ncpus, 8))) = 4: 2.8 ms.
host_timeslice_ns = 2800000
# kernel: RUN_TO_PARITY (kernel/sched/features.h, default on) inhibits
# wake-up preemption until the running task reaches its 0-lag point or
# exhausts its slice: at most the 2.8 ms slice, which we use.
host_wakeup_gran_ns = 2800000
# kernel: KVM_VMX_DEFAULT_PLE_WINDOW = 4096 (arch/x86/kvm/x86.h), counted at
# the TSC rate: 2.05 us at 2 GHz.  (KVM grows it on repeated exits; the
# engine keeps it fixed.)
ple_window_ns = 2048
# estimate: KVM's record_steal_time on entry: a guest-memory cache check,
# an xchg of the preempted byte and a few stores, ~450 cycles.
steal_update_ns = 150
# estimate: the host's own timer tick (HZ=1000, common in distribution
# kernels) takes each pCPU every 1 ms for an exit, the tick handler and
# re-entry, ~3 us; other host work is rarer.  Consistent with what a busy
# vCPU of the development host sees (noise: 1075 gaps/s, median 3.1 us,
# 250/s of them its own HZ=250 ticks).
host_noise_interval_ns = 1000000
host_noise_ns = 3000
