# this development machine: 2 vCPUs of an Emerald Rapids Xeon under nested KVM
#
# Measured with tools/calibrate/run.sh on 2026-11-21, three full runs, each
# figure the median of its program's 11 repetitions; the value used is the
# median of the three runs (all runs are listed in docs/profiles.md).  The
# machine: Intel Xeon model 207 (Emerald Rapids), 2 vCPUs, guest kernel
# 6.18 (HZ=250, KVM PV TLB flush, PV IPIs, PV EOI).  CPUID exits take
# 6.2 us, far beyond a plain KVM guest, which suggests nested
# virtualization; what is measured is the machine as this guest sees it.
# Where a primitive cannot be measured from user space (INVLPG, CR3 writes)
# the bare-metal value of the default profile is used: with EPT those
# instructions run natively in a guest.

# ---- topology: what the guest is shown ----------------------------------
cpus = 2
sockets = 1
threads_per_core = 1

# ---- cache coherence ------------------------------------------------------
l1_hit_ns = 1.7			# measured: core, L1 load-to-use (1.69, 1.69, 1.68 ns)
socket_transfer_ns = 63		# measured: pingpong, one-way transfer CPU 0 <-> 1 (63.2, 66.7, 55.8 ns)
smt_transfer_ns = 63		# unused (threads_per_core = 1); set to the measured transfer
remote_transfer_ns = 63		# unused (one socket); set to the measured transfer
# measured: dram, 2 GiB random chase on 2 MiB guest pages (194.6, 181.5,
# 191.3 ns); includes the TLB misses of nested paging, so it is an upper
# bound on the memory latency itself.
dram_ns = 191
atomic_ns = 4.4			# measured: core, lock add - l1_hit (4.43, 4.47, 4.38 ns)
mfence_ns = 15.2		# measured: core, MFENCE after a store (15.52, 15.20, 15.06 ns)
pause_ns = 13.2			# measured: core, PAUSE (13.17, 13.19, 13.15 ns)

# ---- TLB and paging -------------------------------------------------------
# measured (capacity): pagewalk sweep, misses start between 1536 and 2048
# pages, complete at 3072; ways are an estimate (CPUID leaf 0x18 hidden).
tlb_entries = 2048
tlb_ways = 16
invlpg_ns = 100			# cited, as default.profile (not measurable from user space)
flush_full_ns = 58		# cited, as default.profile
cr3_noflush_ns = 32		# estimate, as default.profile
# measured: pagewalk, 16384 pages with L2-resident tables: 19.9 ns per load
# (21.7, 19.9, 19.1) at an 87.5% miss rate (2048 of 16384 pages hit) =
# 22.7 ns per walk, two-dimensional (guest tables, then EPT).
page_walk_ns = 22.7
tlb_flush_ceiling = 33		# kernel: tlb_single_page_flush_ceiling, arch/x86/mm/tlb.c

# ---- interrupts and kernel entry ------------------------------------------
# Derived from madvise_ipi (a TLB-shootdown round trip, one page, CPU 0 to a
# thread spinning on CPU 1) and the exit cost from ipi (CPUID):
#   RT = 15.38 us  initiator: iteration with an IPI - iteration alone
#                  (17.91, 15.27, 15.38 us)
#   G  =  9.39 us  target: time CPU 1's thread lost per interrupt
#                  (9.84, 9.39, 9.36 us)
#   E  =  6.16 us  one VM exit and re-entry (CPUID: 6.15, 6.28, 6.16 us)
# with the handler's native work h = CSD read (63 ns) + INVLPG (100) + two
# more lines (126) = 0.29 us and the acknowledgement's transfer back, 63 ns:
#   irq_exit  = 0.15 us, as default (PV EOI: no exit on EOI)
#   irq_entry = G - h - irq_exit = 8.95 us (includes the host injecting the
#               interrupt into the running vCPU)
#   ipi_send + ipi_socket = RT - irq_entry - h - 0.063 = 6.08 us
# The send is a PV IPI hypercall, an exit of E = 6.16 us, longer than the
# 6.08 us left: the host interrupts CPU 1 before the sender's hypercall
# returns.  The engine charges the send before the flight, so we split at
# an assumed midpoint: ipi_send = E / 2 = 3.08 us, ipi_socket = 3.00 us.
# Cross-check with ipi (membarrier: a cross-CPU call without a flush):
# measured RT 13.81 us, G 8.34 us; this model gives 15.17 and 9.18 us.  A
# flush IPI costs the target ~1 us more than this model's native flush
# work; the gap is folded into irq_entry.
ipi_send_ns = 3082
ipi_socket_ns = 3001
ipi_smt_ns = 3001		# unused here; as ipi_socket_ns
ipi_remote_ns = 3001		# unused here; as ipi_socket_ns
irq_entry_ns = 8948
irq_exit_ns = 150
syscall_ns = 111.5		# measured: syscall, getppid() round trip (112.5, 111.5, 103.8 ns)
# estimate, as default: syscall round trip + ~140 ns exception overhead;
# upper bound measured: pagefault, whole zero-page read fault 718 ns
# (718, 825, 648 ns; write fault with page allocation 1.67 us).
page_fault_ns = 250
spec_walk_interval_ns = 2000	# model knob, as default.profile
nmi_interval_ns = 0		# no perf session, as default.profile

# ---- virtualization: VMs simulated on top of this machine -----------------
vmexit_ns = 6164		# measured: ipi, CPUID exit round trip
vmexit_ipi_ns = 6164		# measured: an exit (E); the ICR write or PV IPI hypercall
inject_ns = 8798		# derived: irq_entry_ns - the native 150 ns entry
hypercall_ns = 6164		# measured: an exit (E)
host_ctxsw_ns = 1422		# measured: ctxsw, process switch on one CPU (2045, 1422, 1392 ns)
# kernel: EEVDF base slice 0.70 ms x (1 + ilog2(2 CPUs)) = 1.4 ms
host_timeslice_ns = 1400000
host_wakeup_gran_ns = 1400000	# kernel: RUN_TO_PARITY, as default.profile
ple_window_ns = 1781		# kernel: 4096 TSC cycles at this machine's 2.3 GHz TSC
steal_update_ns = 150		# estimate, as default.profile
# measured: noise, a busy CPU 1 loses the CPU 1075 times a second (1075,
# 1764, 1005), median 3.08 us (3.08, 1.64, 6.28); 250/s are its own ticks.
host_noise_interval_ns = 930233
host_noise_ns = 3080
