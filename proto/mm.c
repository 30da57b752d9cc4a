// SPDX-License-Identifier: GPL-2.0
/*
 * mm.c - the memory-management paths that cause shootdowns: page faults,
 * madvise(MADV_DONTNEED), munmap (which also frees page-table pages),
 * mprotect, and writeback write-protecting dirty file pages.
 *
 * Page tables live in simulated physical memory and are changed only under
 * mm->page_table_lock, with READ_ONCE/WRITE_ONCE/xchg so engines see every
 * access.  What a zap unmaps is gathered (as mm/mmu_gather.c does) and freed
 * only after the shootdown returns.
 */
#include <stdlib.h>
#include <string.h>

#include "proto/kernel.h"
#include "proto/mm.h"

static pte_t *table_entry(u64 table_pfn, unsigned int idx)
{
	return (pte_t *)pfn_to_virt(table_pfn) + idx;
}

/* The PTE slot for va; with alloc, missing tables are allocated.  Caller
 * holds page_table_lock. */
static pte_t *pte_slot(struct mm *mm, u64 va, bool alloc)
{
	u64 t = mm->pgd;
	int level;

	for (level = PT_LEVELS; level > 1; level--) {
		pte_t *e = table_entry(t, pt_index(va, level));
		pte_t v = READ_ONCE(*e);

		if (!pte_present(v)) {
			u64 n;

			if (!alloc)
				return NULL;
			n = alloc_page_pfn();
			if (!n)
				return NULL;
			v = pfn_pte(n, _PAGE_PRESENT | _PAGE_RW | _PAGE_USER);
			WRITE_ONCE(*e, v);
		}
		t = pte_pfn(v);
	}
	return table_entry(t, pt_index(va, 1));
}

struct mm *mm_create(struct kernel *k)
{
	struct mm *mm = kzalloc(k, sizeof(*mm));

	mm->k = k;
	spin_lock_init(&mm->page_table_lock, LOCK_CLASS_PTL);
	mm->pgd = alloc_page_pfn();
	mm->ctx_id = atomic_inc_return(&k->next_ctx_id);
	return mm;
}

void mm_destroy(struct mm *mm)
{
	kmem_free(mm->k->kmem, mm);
}

int mm_add_vma(struct mm *mm, u64 start, u64 end, enum vma_kind kind,
	       bool writable, struct file *f, u64 pgoff)
{
	struct vma *v;

	if (mm->nr_vmas == MM_MAX_VMAS || start >= end || start & ~PAGE_MASK ||
	    end > USER_VA_TOP)
		return -1;
	v = &mm->vmas[mm->nr_vmas++];
	*v = (struct vma){ .start = start, .end = end, .kind = kind,
			   .writable = writable, .file = f, .pgoff = pgoff };
	return 0;
}

struct file *file_create(struct kernel *k, u64 nr_pages)
{
	struct file *f = kzalloc(k, sizeof(*f));

	f->nr_pages = nr_pages;
	f->pages = kzalloc(k, nr_pages * sizeof(*f->pages));
	f->dirty = kzalloc(k, nr_pages);
	return f;
}

static struct vma *find_vma(struct mm *mm, u64 va)
{
	int i;

	for (i = 0; i < mm->nr_vmas; i++)
		if (va >= mm->vmas[i].start && va < mm->vmas[i].end)
			return &mm->vmas[i];
	return NULL;
}

struct mm *current_mm(void)
{
	struct kernel *k = K();

	return READ_ONCE(k->tlbstate[smp_processor_id()].loaded_mm);
}

/* The page-cache page for file page idx, read in on first use. */
static u64 file_page(struct file *f, u64 idx)
{
	u64 pfn;

	spin_lock(&f->lock);
	pfn = READ_ONCE(f->pages[idx]);
	if (!pfn) {
		pfn = alloc_page_pfn();
		/* "read from disk": the file's content is its page index */
		*(u64 *)pfn_to_virt(pfn) = file_content(idx);
		WRITE_ONCE(f->pages[idx], pfn);
	}
	spin_unlock(&f->lock);
	return pfn;
}

static u64 copy_page(u64 from)
{
	u64 to = alloc_page_pfn();

	if (to)
		memcpy(pfn_to_virt(to), pfn_to_virt(from), PAGE_SIZE);
	return to;
}

/*
 * The page fault handler.  Returns 0 when the access can be retried, non-zero
 * for SIGSEGV.
 */
int handle_page_fault(u64 va, bool write)
{
	struct mm *mm = current_mm();
	struct vma *v = mm ? find_vma(mm, va) : NULL;
	u64 flags = _PAGE_PRESENT | _PAGE_USER, pfn, idx;
	pte_t *slot, old;
	int ret = 0;

	if (!v || (write && !v->writable))
		return -1;
	idx = v->pgoff + ((va - v->start) >> PAGE_SHIFT);
	spin_lock(&mm->page_table_lock);
	slot = pte_slot(mm, va, true);
	if (!slot) {
		ret = -1;
		goto out;
	}
	old = READ_ONCE(*slot);
	if (pte_present(old) && (!write || pte_write(old)))
		goto out;			/* another CPU fixed it */

	switch (v->kind) {
	case VMA_ANON:
		pfn = pte_present(old) ? pte_pfn(old) : alloc_page_pfn();
		if (v->writable)
			flags |= _PAGE_RW;
		break;
	case VMA_FILE_PRIVATE:
		pfn = file_page(v->file, idx);
		if (write) {
			/* copy-on-write of the page-cache page (or keep our
			 * private copy when write-protection was lifted) */
			if (!pte_present(old) || pte_pfn(old) == pfn)
				pfn = copy_page(pfn);
			else
				pfn = pte_pfn(old);
			flags |= _PAGE_RW | _PAGE_DIRTY;
		}
		break;
	case VMA_FILE_SHARED:
	default:
		pfn = file_page(v->file, idx);
		if (write) {
			/* page_mkwrite: the page is dirty until written back */
			WRITE_ONCE(v->file->dirty[idx], 1);
			flags |= _PAGE_RW | _PAGE_DIRTY;
		}
		break;
	}
	if (!pfn) {
		ret = -1;
		goto out;
	}
	WRITE_ONCE(*slot, pfn_pte(pfn, flags));
out:
	spin_unlock(&mm->page_table_lock);
	return ret;
}

/* ---- unmapping ----------------------------------------------------------- */

/* Is this frame the mapping's own (freed on unmap), or the page cache's? */
static bool frame_is_private(struct vma *v, u64 va, u64 pfn)
{
	u64 idx;

	if (v->kind == VMA_ANON)
		return true;
	if (v->kind == VMA_FILE_SHARED)
		return false;
	idx = v->pgoff + ((va - v->start) >> PAGE_SHIFT);
	return READ_ONCE(v->file->pages[idx]) != pfn;
}

/* Clear the PTEs of [start, end) and gather what they mapped. */
static void zap_range(struct mm *mm, struct mmu_gather *tlb, u64 start, u64 end)
{
	u64 va;

	for (va = start; va < end; va += PAGE_SIZE) {
		struct vma *v = find_vma(mm, va);
		pte_t *slot = pte_slot(mm, va, false);
		pte_t old;

		if (!slot)
			continue;
		old = xchg(slot, (pte_t)0);	/* ptep_get_and_clear */
		if (!pte_present(old))
			continue;
		tlb_gather_range(tlb, va);
		if (v && frame_is_private(v, va, pte_pfn(old)))
			tlb_gather_page(tlb, pte_pfn(old));
	}
}

/* Unhook the last-level tables of every 2 MiB region wholly inside
 * [start, end): their pages go to the gather, to be freed after the flush. */
static void free_pt_tables(struct mm *mm, struct mmu_gather *tlb, u64 start, u64 end)
{
	u64 r;

	for (r = (start + PMD_SIZE - 1) & PMD_MASK; r + PMD_SIZE <= end; r += PMD_SIZE) {
		u64 t = mm->pgd;
		pte_t *e = NULL, v;
		int level;

		for (level = PT_LEVELS; level > 2; level--) {
			v = READ_ONCE(*table_entry(t, pt_index(r, level)));
			if (!pte_present(v))
				break;
			t = pte_pfn(v);
		}
		if (level > 2)
			continue;
		e = table_entry(t, pt_index(r, 2));
		v = xchg(e, (pte_t)0);
		if (pte_present(v)) {
			tlb_gather_table(tlb, pte_pfn(v));
			tlb_gather_range(tlb, r);
			tlb_gather_range(tlb, r + PMD_SIZE - PAGE_SIZE);
		}
	}
}

/* Zap [start, start + len) and, for munmap, free the page tables that
 * cover only it; flush, then free what was gathered. */
static int unmap_syscall(struct mm *mm, u64 start, u64 len, bool free_tables)
{
	struct mmu_gather tlb;

	syscall_boundary();
	tlb_gather_init(&tlb, mm);
	spin_lock(&mm->page_table_lock);
	zap_range(mm, &tlb, start, start + len);
	if (free_tables)
		free_pt_tables(mm, &tlb, start, start + len);
	spin_unlock(&mm->page_table_lock);
	tlb_finish_mmu(&tlb);
	return 0;
}

int sys_madvise_dontneed(struct mm *mm, u64 start, u64 len)
{
	return unmap_syscall(mm, start, len, false);
}

/* mmap(MAP_POPULATE) / MADV_POPULATE_WRITE on anonymous memory: map every
 * page of [start, start + len) without taking faults. */
int sys_populate(struct mm *mm, u64 start, u64 len)
{
	u64 va;
	int ret = 0;

	syscall_boundary();
	spin_lock(&mm->page_table_lock);
	for (va = start; va < start + len; va += PAGE_SIZE) {
		pte_t *slot = pte_slot(mm, va, true);
		u64 pfn;

		if (!slot || pte_present(READ_ONCE(*slot)))
			continue;
		pfn = alloc_page_pfn();
		if (!pfn) {
			ret = -1;
			break;
		}
		WRITE_ONCE(*slot, pfn_pte(pfn, _PAGE_PRESENT | _PAGE_RW | _PAGE_USER));
	}
	spin_unlock(&mm->page_table_lock);
	return ret;
}

int sys_munmap(struct mm *mm, u64 start, u64 len)
{
	return unmap_syscall(mm, start, len, true);
}

/*
 * khugepaged's collapse (retract_page_tables): detach the page-table page of
 * the 2 MiB region at va whole, with its PTEs still present, flush, then free
 * the pages it mapped and the table itself.  A lockless walker that read the
 * PMD before the detach goes on reading present PTEs from the table: only
 * the flush stands between it and the free.
 */
int mm_collapse_pmd(struct mm *mm, u64 va)
{
	struct mmu_gather tlb;
	u64 t = mm->pgd, pt, i;
	pte_t pmd;
	int level;

	va &= PMD_MASK;
	tlb_gather_init(&tlb, mm);
	spin_lock(&mm->page_table_lock);
	for (level = PT_LEVELS; level > 2; level--) {
		pte_t e = READ_ONCE(*table_entry(t, pt_index(va, level)));
		if (!pte_present(e)) {
			spin_unlock(&mm->page_table_lock);
			return -1;
		}
		t = pte_pfn(e);
	}
	pmd = xchg(table_entry(t, pt_index(va, 2)), (pte_t)0);
	spin_unlock(&mm->page_table_lock);
	if (!pte_present(pmd))
		return -1;
	pt = pte_pfn(pmd);
	/* the detached table is ours: gather what it maps */
	for (i = 0; i < PTRS_PER_TABLE; i++) {
		pte_t e = READ_ONCE(*table_entry(pt, i));
		if (pte_present(e))
			tlb_gather_page(&tlb, pte_pfn(e));
	}
	tlb_gather_table(&tlb, pt);
	tlb_gather_range(&tlb, va);
	tlb_gather_range(&tlb, va + PMD_SIZE - PAGE_SIZE);
	tlb_finish_mmu(&tlb);
	return 0;
}

/* Write-protect [start, end): mprotect(PROT_READ) and writeback both. */
static void wrprotect_range(struct mm *mm, struct mmu_gather *tlb, u64 start, u64 end)
{
	u64 va;

	for (va = start; va < end; va += PAGE_SIZE) {
		pte_t *slot = pte_slot(mm, va, false);
		pte_t old;

		if (!slot)
			continue;
		old = READ_ONCE(*slot);
		if (!pte_present(old) || !pte_write(old))
			continue;
		WRITE_ONCE(*slot, old & ~(_PAGE_RW | _PAGE_DIRTY));
		tlb_gather_range(tlb, va);
	}
}

int sys_mprotect(struct mm *mm, u64 start, u64 len, bool writable)
{
	struct mmu_gather tlb;
	int i;

	syscall_boundary();
	tlb_gather_init(&tlb, mm);
	spin_lock(&mm->page_table_lock);
	for (i = 0; i < mm->nr_vmas; i++)
		if (mm->vmas[i].start <= start && start + len <= mm->vmas[i].end)
			mm->vmas[i].writable = writable;
	if (!writable)
		wrprotect_range(mm, &tlb, start, start + len);
	spin_unlock(&mm->page_table_lock);
	tlb_finish_mmu(&tlb);
	return 0;
}

/*
 * Write back the dirty pages [first, first + nr) of f mapped shared in mm:
 * clean each page and write-protect its PTE so the next write faults and
 * dirties it again.  Like page_mkclean(), one page at a time, each with its
 * own flush.
 */
int file_writeback_range(struct mm *mm, struct file *f, u64 first, u64 nr)
{
	int i, n = 0;

	for (i = 0; i < mm->nr_vmas; i++) {
		struct vma *v = &mm->vmas[i];
		u64 idx;

		if (v->kind != VMA_FILE_SHARED || v->file != f)
			continue;
		for (idx = 0; idx < (v->end - v->start) >> PAGE_SHIFT; idx++) {
			struct mmu_gather tlb;
			u64 va = v->start + (idx << PAGE_SHIFT);

			if (v->pgoff + idx < first || v->pgoff + idx >= first + nr)
				continue;
			if (!READ_ONCE(f->dirty[v->pgoff + idx]))
				continue;
			tlb_gather_init(&tlb, mm);
			spin_lock(&mm->page_table_lock);
			WRITE_ONCE(f->dirty[v->pgoff + idx], 0);
			wrprotect_range(mm, &tlb, va, va + PAGE_SIZE);
			spin_unlock(&mm->page_table_lock);
			tlb_finish_mmu(&tlb);
			n++;
		}
	}
	return n;
}

/* Gather every page-table page below table t (level), and t itself. */
static void gather_tables(struct mmu_gather *tlb, u64 t, int level)
{
	int i;

	if (level > 1) {
		for (i = 0; i < PTRS_PER_TABLE; i++) {
			pte_t e = READ_ONCE(*table_entry(t, i));
			if (pte_present(e))
				gather_tables(tlb, pte_pfn(e), level - 1);
		}
	}
	tlb_gather_table(tlb, t);
}

/*
 * exit_mmap: unmap everything, free every page-table page.  The caller has
 * switched away; CPUs that still hold it lazily are flushed (tables freed).
 */
void mm_exit(struct mm *mm)
{
	struct mmu_gather tlb;
	int i;

	tlb_gather_init(&tlb, mm);
	spin_lock(&mm->page_table_lock);
	for (i = 0; i < mm->nr_vmas; i++) {
		struct vma *v = &mm->vmas[i];
		u64 va;

		for (va = v->start; va < v->end; va += PMD_SIZE) {
			/* skip 2 MiB regions without a page table */
			u64 end = va + PMD_SIZE < v->end ? va + PMD_SIZE : v->end;
			if (pte_slot(mm, va, false))
				zap_range(mm, &tlb, va, end);
		}
	}
	tlb_gather_range(&tlb, 0);
	tlb_gather_range(&tlb, USER_VA_TOP - PAGE_SIZE);
	spin_unlock(&mm->page_table_lock);
	/* the PML4 and everything under it */
	gather_tables(&tlb, mm->pgd, PT_LEVELS);
	tlb_finish_mmu(&tlb);
}

int file_writeback(struct mm *mm, struct file *f)
{
	return file_writeback_range(mm, f, 0, f->nr_pages);
}

/*
 * get_user_pages_fast(): with interrupts off and no lock, walk the tables
 * for [va, va + pages) and take each present page (get_page_ns of work per
 * page, 0 for none).  Returns the pages taken; stops at the first hole, as
 * the real one falls back to the slow path there.  Interrupts off is the
 * whole protection: an IPI-based shootdown cannot complete meanwhile.
 */
int gup_fast(struct mm *mm, u64 va, u64 pages, u64 get_page_ns)
{
	unsigned long flags;
	u64 t = mm->pgd, i;
	int level, got = 0;

	local_irq_save(flags);
	for (level = PT_LEVELS; level > 1; level--) {
		pte_t e = READ_ONCE(*table_entry(t, pt_index(va, level)));

		if (!pte_present(e))
			goto out;
		t = pte_pfn(e);
	}
	for (i = 0; i < pages && pt_index(va, 1) + i < PTRS_PER_TABLE; i++) {
		if (!pte_present(READ_ONCE(*table_entry(t, pt_index(va, 1) + i))))
			break;
		if (get_page_ns)
			kernel_work(get_page_ns);
		got++;
	}
out:
	local_irq_restore(flags);
	return got;
}

/* ---- user memory ----------------------------------------------------------- */

/* The running task's user stack, as perf's NMI would find it (nmi.c). */
static void note_user_sp(u64 va)
{
	K()->nmi[smp_processor_id()].user_sp = va;
}

static u64 read_user(u64 va, int (*access)(u64, u64 *, bool), const char *what)
{
	u64 v = 0;

	note_user_sp(va);
	if (access(va, &v, false))
		report_violation(what);
	return v;
}

u64 user_read(u64 va)
{
	return read_user(va, user_access, "user read of an unmapped address (SIGSEGV)");
}

u64 user_read_emulated(u64 va)
{
	return read_user(va, user_access_emulated,
			 "emulated user read of an unmapped address (SIGSEGV)");
}

void user_write(u64 va, u64 v)
{
	note_user_sp(va);
	if (user_access(va, &v, true))
		report_violation("user write to an unmapped address (SIGSEGV)");
}
