// SPDX-License-Identifier: GPL-2.0
/*
 * mm.c - the memory-management paths that cause shootdowns: page faults,
 * madvise(MADV_DONTNEED), munmap (which also frees page-table pages),
 * mprotect, khugepaged's collapse, and writeback write-protecting dirty
 * file pages; and the locks they take, as Linux takes them:
 *
 *   mmap_lock (rwsem)	faults, MADV_DONTNEED and populate read; munmap,
 *			mprotect and collapse write (munmap downgrades once
 *			the tables are unhooked, for the flush and the frees)
 *   per-VMA lock	faults try it first (lock_vma_under_rcu, Linux 6.4);
 *			writers lock each VMA they change (vma_start_write)
 *   i_mmap_rwsem	writeback's rmap walk reads; freeing the page tables
 *			of a file mapping writes
 *   page_table_lock	populating upper-level tables (and, with ptl=mm,
 *			every page-table change)
 *   PTE-table lock	with ptl=split, each PTE table's own spinlock, in its
 *			descriptor: faults, zaps, write-protects of its PTEs
 *
 * Page tables live in simulated physical memory and are read and written
 * with READ_ONCE/WRITE_ONCE/xchg so engines see every access.  A table is
 * freed only with mmap_lock held for write (munmap, collapse, exit) and
 * every VMA over it write-locked, so a fault, which holds one or the other
 * for read, never walks a freed table.  What a zap unmaps is gathered (as
 * mm/mmu_gather.c does) and freed only after the shootdown returns.
 */
#include <stdlib.h>
#include <string.h>

#include "proto/kernel.h"
#include "proto/mm.h"
#include "proto/sched.h"

static pte_t *table_entry(u64 table_pfn, unsigned int idx)
{
	return (pte_t *)pfn_to_virt(table_pfn) + idx;
}

static u64 pmd_end(u64 va, u64 end)
{
	u64 next = (va & PMD_MASK) + PMD_SIZE;

	return next < end ? next : end;
}

/* ---- page-table locks ------------------------------------------------------ */

/*
 * A PTE table's descriptor: Linux's ptdesc (struct page), which holds the
 * split lock.  Like struct page it outlives the table: created the first
 * time a frame becomes a PTE table of this mm and kept, on a hash chain
 * keyed by pfn that is only ever added to (under page_table_lock), until
 * the mm is destroyed.  So a lookup needs no lock and never meets a freed
 * descriptor, and finding the lock costs a bucket and a descriptor read.
 */
struct ptdesc {
	spinlock_t ptl;
	u64 pfn;
	struct ptdesc *next;
} ____cacheline_aligned;

static bool split_ptl(struct mm *mm)
{
	return mm->k->o.kp[KP_PTL] == PTL_SPLIT;
}

static struct ptdesc *ptdesc_of(struct mm *mm, u64 pfn)
{
	struct ptdesc *d = READ_ONCE(mm->ptdesc_hash[pfn % PTDESC_HASH]);

	while (d && READ_ONCE(d->pfn) != pfn)
		d = READ_ONCE(d->next);
	return d;
}

/* pagetable_pte_ctor: frame pfn becomes a PTE table.  page_table_lock held. */
static void pte_table_ctor(struct mm *mm, u64 pfn)
{
	struct ptdesc **head = &mm->ptdesc_hash[pfn % PTDESC_HASH], *d;

	if (ptdesc_of(mm, pfn))
		return;			/* a table here before: its lock is free */
	d = kzalloc(mm->k, sizeof(*d));
	spin_lock_init(&d->ptl, LOCK_CLASS_PTL);
	WRITE_ONCE(d->pfn, pfn);
	WRITE_ONCE(d->next, READ_ONCE(*head));
	smp_store_release(head, d);
}

/* pte_lockptr: the lock of the PTE table at pfn. */
static spinlock_t *pte_lockptr(struct mm *mm, u64 pfn)
{
	struct ptdesc *d;

	if (!split_ptl(mm))
		return &mm->page_table_lock;
	d = ptdesc_of(mm, pfn);
	if (!d) {
		report_fatal("mm: a PTE table without a descriptor");
		return &mm->page_table_lock;
	}
	return &d->ptl;
}

/*
 * __pte_alloc and friends: hook a new table in at entry e (level > 1).
 * With split locks the page is prepared before taking page_table_lock and
 * given back if another CPU got there first; with ptl=mm the caller holds
 * page_table_lock already.  Returns the entry now there (0: no memory).
 */
static pte_t table_populate(struct mm *mm, pte_t *e, int level)
{
	bool split = split_ptl(mm);
	u64 n = alloc_page_pfn();
	pte_t v;

	if (!n)
		return 0;
	if (split)
		spin_lock(&mm->page_table_lock);
	v = READ_ONCE(*e);
	if (!pte_present(v)) {
		if (level == 2 && split)
			pte_table_ctor(mm, n);
		v = pfn_pte(n, _PAGE_PRESENT | _PAGE_RW | _PAGE_USER);
		WRITE_ONCE(*e, v);
		n = 0;
	}
	if (split)
		spin_unlock(&mm->page_table_lock);
	if (n)
		free_page_pfn(n);
	return v;
}

/* The PTE table covering va (its pfn), allocating missing levels if alloc;
 * 0 if a level is missing.  The caller's mmap_lock, VMA lock or i_mmap
 * lock keeps the tables it walks from being freed. */
static u64 pte_table_of(struct mm *mm, u64 va, bool alloc)
{
	u64 t = mm->pgd;
	int level;

	for (level = PT_LEVELS; level > 1; level--) {
		pte_t *e = table_entry(t, pt_index(va, level));
		pte_t v = READ_ONCE(*e);

		if (!pte_present(v)) {
			if (!alloc)
				return 0;
			v = table_populate(mm, e, level);
			if (!pte_present(v))
				return 0;
		}
		t = pte_pfn(v);
	}
	return t;
}

/*
 * pte_offset_map_lock for the PTE table covering va: its pfn, with its lock
 * taken and returned in *ptlp; 0 (nothing held) if a level is missing or
 * memory ran out.  With ptl=mm the one lock is taken before the walk, as
 * every page-table change took it before split locks.
 */
static u64 pte_table_lock(struct mm *mm, u64 va, bool alloc, spinlock_t **ptlp)
{
	spinlock_t *ptl;
	u64 t;

	if (!split_ptl(mm)) {
		spin_lock(&mm->page_table_lock);
		t = pte_table_of(mm, va, alloc);
		if (!t) {
			spin_unlock(&mm->page_table_lock);
			return 0;
		}
		*ptlp = &mm->page_table_lock;
		return t;
	}
	t = pte_table_of(mm, va, alloc);
	if (!t)
		return 0;
	ptl = pte_lockptr(mm, t);
	spin_lock(ptl);
	*ptlp = ptl;
	return t;
}

/* ---- mmap_lock and per-VMA locks ------------------------------------------------ */

/* The checker's over-approximation: see kernel_opts.elide_mm_locks. */
static bool elided(const struct mm *mm)
{
	return mm->k->o.elide_mm_locks;
}

void mmap_read_lock(struct mm *mm)
{
	if (!elided(mm))
		down_read(&mm->mmap_lock);
}

void mmap_read_unlock(struct mm *mm)
{
	if (!elided(mm))
		up_read(&mm->mmap_lock);
}

void mmap_write_lock(struct mm *mm)
{
	if (!elided(mm))
		down_write(&mm->mmap_lock);
}

/* vma_end_write_all: every VMA write-locked under this hold is unlocked
 * at once, by moving the mm's sequence past theirs. */
static void vma_end_write_all(struct mm *mm)
{
	smp_store_release(&mm->mm_lock_seq, READ_ONCE(mm->mm_lock_seq) + 1);
}

void mmap_write_unlock(struct mm *mm)
{
	if (elided(mm))
		return;
	vma_end_write_all(mm);
	up_write(&mm->mmap_lock);
}

void mmap_write_downgrade(struct mm *mm)
{
	if (elided(mm))
		return;
	vma_end_write_all(mm);
	downgrade_write(&mm->mmap_lock);
}

/* A VMA whose vm_lock_seq equals mm_lock_seq is write-locked. */
bool vma_start_read(struct mm *mm, struct vma *v)
{
	if (READ_ONCE(v->vm_lock_seq) == smp_load_acquire(&mm->mm_lock_seq))
		return false;
	if (!down_read_trylock(&v->vm_lock))
		return false;
	/* a writer may have locked it between the check and the trylock */
	if (READ_ONCE(v->vm_lock_seq) == READ_ONCE(mm->mm_lock_seq)) {
		up_read(&v->vm_lock);
		return false;
	}
	return true;
}

void vma_end_read(struct mm *mm, struct vma *v)
{
	up_read(&v->vm_lock);
}

/* With mmap_lock held for write: wait for the VMA's faults to leave and
 * mark it locked until mmap_write_unlock/downgrade. */
void vma_start_write(struct mm *mm, struct vma *v)
{
	int seq;

	if (elided(mm))
		return;
	seq = READ_ONCE(mm->mm_lock_seq);
	if (READ_ONCE(v->vm_lock_seq) == seq)
		return;
	down_write(&v->vm_lock);
	WRITE_ONCE(v->vm_lock_seq, seq);
	up_write(&v->vm_lock);
}

static struct vma *find_vma(struct mm *mm, u64 va)
{
	int i;

	for (i = 0; i < mm->nr_vmas; i++)
		if (va >= mm->vmas[i].start && va < mm->vmas[i].end)
			return &mm->vmas[i];
	return NULL;
}

/* The VMA of va read-locked by itself, or NULL: then take mmap_lock.  (The
 * VMA array is fixed once the process runs, so the RCU walk of the maple
 * tree is a plain search here.) */
struct vma *lock_vma_under_rcu(struct mm *mm, u64 va)
{
	struct vma *v = find_vma(mm, va);

	if (!v || !vma_start_read(mm, v))
		return NULL;
	return v;
}

/* Write-lock every VMA that overlaps [start, end). */
static void vma_start_write_range(struct mm *mm, u64 start, u64 end)
{
	int i;

	for (i = 0; i < mm->nr_vmas; i++)
		if (mm->vmas[i].start < end && start < mm->vmas[i].end)
			vma_start_write(mm, &mm->vmas[i]);
}

/* i_mmap_lock_write of every file mapped in [start, end), each once:
 * page tables of a file mapping are about to be freed. */
static void i_mmap_lock_range(struct mm *mm, u64 start, u64 end, bool lock)
{
	int i, j;

	for (i = 0; i < mm->nr_vmas; i++) {
		struct vma *v = &mm->vmas[i];
		bool seen = false;

		if (!v->file || v->start >= end || start >= v->end)
			continue;
		for (j = 0; j < i; j++)
			seen |= mm->vmas[j].file == v->file && mm->vmas[j].start < end &&
				start < mm->vmas[j].end;
		if (seen)
			continue;
		if (lock)
			down_write(&v->file->i_mmap_rwsem);
		else
			up_write(&v->file->i_mmap_rwsem);
	}
}

/* ---- address spaces ---------------------------------------------------------------- */

struct mm *mm_create(struct kernel *k)
{
	struct mm *mm = kzalloc(k, sizeof(*mm));

	mm->k = k;
	spin_lock_init(&mm->page_table_lock, LOCK_CLASS_PTL);
	init_rwsem(&mm->mmap_lock, LOCK_CLASS_MMAP);
	if (k->o.kp[KP_PTL] == PTL_SPLIT)
		mm->ptdesc_hash = kzalloc(k, PTDESC_HASH * sizeof(*mm->ptdesc_hash));
	mm->pgd = alloc_page_pfn();
	mm->ctx_id = atomic_inc_return(&k->next_ctx_id);
	return mm;
}

void mm_destroy(struct mm *mm)
{
	int i;

	for (i = 0; mm->ptdesc_hash && i < PTDESC_HASH; i++) {
		struct ptdesc *d = mm->ptdesc_hash[i], *next;

		for (; d; d = next) {
			next = d->next;
			kmem_free(mm->k->kmem, d);
		}
	}
	kmem_free(mm->k->kmem, mm->ptdesc_hash);
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
			   .writable = writable, .file = f, .pgoff = pgoff,
			   .vm_lock_seq = -1 };
	init_rwsem(&v->vm_lock, LOCK_CLASS_MMAP);
	return 0;
}

struct file *file_create(struct kernel *k, u64 nr_pages)
{
	struct file *f = kzalloc(k, sizeof(*f));

	f->nr_pages = nr_pages;
	f->pages = kzalloc(k, nr_pages * sizeof(*f->pages));
	f->dirty = kzalloc(k, nr_pages);
	spin_lock_init(&f->lock, LOCK_CLASS_SPIN);
	init_rwsem(&f->i_mmap_rwsem, LOCK_CLASS_SPIN);
	return f;
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
 * A fault on va in v, with v (or all of mm) held for read: install the PTE
 * under its table's lock.  0: retry the access; non-zero: SIGSEGV.
 */
static int do_fault(struct mm *mm, struct vma *v, u64 va, bool write)
{
	u64 flags = _PAGE_PRESENT | _PAGE_USER, pfn, idx, t;
	spinlock_t *ptl;
	pte_t *slot, old;
	int ret = 0;

	if (write && !READ_ONCE(v->writable))
		return -1;
	idx = v->pgoff + ((va - v->start) >> PAGE_SHIFT);
	t = pte_table_lock(mm, va, true, &ptl);
	if (!t)
		return -1;
	slot = table_entry(t, pt_index(va, 1));
	old = READ_ONCE(*slot);
	if (pte_present(old) && (!write || pte_write(old)))
		goto out;			/* another CPU fixed it */

	switch (v->kind) {
	case VMA_ANON:
		/* a write to a present read-only page reuses it (wp_page_reuse:
		 * it is ours alone); otherwise a new page */
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
	spin_unlock(ptl);
	return ret;
}

/*
 * The page fault handler: under the faulting VMA's own lock if it can be
 * had (vma_lock=on), else under mmap_lock for read.  Returns 0 when the
 * access can be retried, non-zero for SIGSEGV.
 */
int handle_page_fault(u64 va, bool write)
{
	struct mm *mm = current_mm();
	struct vma *v;
	int ret;

	if (!mm)
		return -1;
	if (mm->k->o.kp[KP_VMA_LOCK] == VMA_LOCK_ON) {
		v = lock_vma_under_rcu(mm, va);
		if (v) {
			ret = do_fault(mm, v, va, write);
			vma_end_read(mm, v);
			exit_to_user_mode();
			return ret;
		}
	}
	mmap_read_lock(mm);
	v = find_vma(mm, va);
	ret = v ? do_fault(mm, v, va, write) : -1;
	mmap_read_unlock(mm);
	exit_to_user_mode();
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

/*
 * Clear the PTEs of [start, end) and gather what they mapped, one PTE table
 * at a time under its lock (zap_pte_range); tables that are not there are
 * skipped whole.  The caller holds mmap_lock.
 */
static void zap_range(struct mm *mm, struct mmu_gather *tlb, u64 start, u64 end)
{
	u64 va, next;

	for (va = start; va < end; va = next) {
		spinlock_t *ptl = NULL;
		u64 t;

		next = pmd_end(va, end);
		/* the mutant: the walk is safe under mmap_lock, the PTE
		 * updates are not */
		if (mutant(mm->k, MUT_ZAP_NO_PTL))
			t = pte_table_of(mm, va, false);
		else
			t = pte_table_lock(mm, va, false, &ptl);
		if (!t)
			continue;
		for (; va < next; va += PAGE_SIZE) {
			struct vma *v = find_vma(mm, va);
			pte_t old = xchg(table_entry(t, pt_index(va, 1)), (pte_t)0);

			if (!pte_present(old))
				continue;
			tlb_gather_range(tlb, va);
			if (v && frame_is_private(v, va, pte_pfn(old)))
				tlb_gather_page(tlb, pte_pfn(old));
		}
		if (ptl)
			spin_unlock(ptl);
	}
}

/* Unhook the last-level tables of every 2 MiB region wholly inside
 * [start, end): their pages go to the gather, to be freed after the flush.
 * mmap_lock is held for write, every VMA over the range is write-locked,
 * and so is the i_mmap lock of every file mapped there: nobody else can
 * be walking into these tables. */
static void free_pt_tables(struct mm *mm, struct mmu_gather *tlb, u64 start, u64 end)
{
	u64 r;

	spin_lock(&mm->page_table_lock);
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
	spin_unlock(&mm->page_table_lock);
}

/* MADV_DONTNEED: zap under mmap_lock for read, flush, free. */
int sys_madvise_dontneed(struct mm *mm, u64 start, u64 len)
{
	struct mmu_gather tlb;

	syscall_boundary();
	mmap_read_lock(mm);
	tlb_gather_init(&tlb, mm);
	zap_range(mm, &tlb, start, start + len);
	tlb_finish_mmu(&tlb);
	mmap_read_unlock(mm);
	exit_to_user_mode();
	return 0;
}

/* mmap(MAP_POPULATE) / MADV_POPULATE_WRITE on anonymous memory: map every
 * page of [start, start + len) without taking faults, under mmap_lock for
 * read, one PTE table at a time. */
int sys_populate(struct mm *mm, u64 start, u64 len)
{
	u64 va, next, end = start + len;
	int ret = 0;

	syscall_boundary();
	mmap_read_lock(mm);
	for (va = start; va < end && !ret; va = next) {
		spinlock_t *ptl;
		u64 t;

		next = pmd_end(va, end);
		t = pte_table_lock(mm, va, true, &ptl);
		if (!t)
			continue;
		for (; va < next; va += PAGE_SIZE) {
			pte_t *slot = table_entry(t, pt_index(va, 1));
			u64 pfn;

			if (pte_present(READ_ONCE(*slot)))
				continue;
			pfn = alloc_page_pfn();
			if (!pfn) {
				ret = -1;
				break;
			}
			WRITE_ONCE(*slot, pfn_pte(pfn, _PAGE_PRESENT | _PAGE_RW | _PAGE_USER));
		}
		spin_unlock(ptl);
	}
	mmap_read_unlock(mm);
	exit_to_user_mode();
	return ret;
}

/*
 * munmap: with mmap_lock held for write and the VMAs write-locked, zap the
 * range and unhook the page tables that cover only it; then downgrade, so
 * faults elsewhere go on during the flush and the frees.  (Linux detaches
 * the VMAs and downgrades before zapping; the model keeps its VMAs, since
 * its programs touch the range again as if re-mapped, so it zaps under the
 * write lock instead.)
 */
int sys_munmap(struct mm *mm, u64 start, u64 len)
{
	struct mmu_gather tlb;
	u64 end = start + len;

	syscall_boundary();
	mmap_write_lock(mm);
	vma_start_write_range(mm, start, end);
	tlb_gather_init(&tlb, mm);
	zap_range(mm, &tlb, start, end);
	i_mmap_lock_range(mm, start, end, true);
	free_pt_tables(mm, &tlb, start, end);
	i_mmap_lock_range(mm, start, end, false);
	mmap_write_downgrade(mm);
	tlb_finish_mmu(&tlb);
	mmap_read_unlock(mm);
	exit_to_user_mode();
	return 0;
}

/*
 * khugepaged's collapse (retract_page_tables): under mmap_lock for write,
 * detach the page-table page of the 2 MiB region at va whole, with its PTEs
 * still present; then, downgraded as munmap is (no huge page is installed
 * here, so nothing else needs the write lock), flush and free the pages it
 * mapped and the table itself.
 * A lockless walker that read the PMD before the detach goes on reading
 * present PTEs from the table: only the flush stands between it and the
 * free.
 */
int mm_collapse_pmd(struct mm *mm, u64 va)
{
	struct mmu_gather tlb;
	u64 t = mm->pgd, pt, i;
	pte_t pmd = 0;
	int level;

	va &= PMD_MASK;
	mmap_write_lock(mm);
	vma_start_write_range(mm, va, va + PMD_SIZE);
	i_mmap_lock_range(mm, va, va + PMD_SIZE, true);
	tlb_gather_init(&tlb, mm);
	spin_lock(&mm->page_table_lock);
	for (level = PT_LEVELS; level > 2; level--) {
		pte_t e = READ_ONCE(*table_entry(t, pt_index(va, level)));
		if (!pte_present(e))
			break;
		t = pte_pfn(e);
	}
	if (level == 2)
		pmd = xchg(table_entry(t, pt_index(va, 2)), (pte_t)0);
	spin_unlock(&mm->page_table_lock);
	if (!pte_present(pmd)) {
		i_mmap_lock_range(mm, va, va + PMD_SIZE, false);
		mmap_write_unlock(mm);
		return -1;
	}
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
	i_mmap_lock_range(mm, va, va + PMD_SIZE, false);
	/* unreachable now: faults may go on during the flush and the frees */
	mmap_write_downgrade(mm);
	tlb_finish_mmu(&tlb);
	mmap_read_unlock(mm);
	return 0;
}

/* Write-protect [start, end), one PTE table at a time under its lock:
 * mprotect(PROT_READ) and writeback both. */
static void wrprotect_range(struct mm *mm, struct mmu_gather *tlb, u64 start, u64 end)
{
	u64 va, next;

	for (va = start; va < end; va = next) {
		spinlock_t *ptl;
		u64 t;

		next = pmd_end(va, end);
		t = pte_table_lock(mm, va, false, &ptl);
		if (!t)
			continue;
		for (; va < next; va += PAGE_SIZE) {
			pte_t *slot = table_entry(t, pt_index(va, 1));
			pte_t old = READ_ONCE(*slot);

			if (!pte_present(old) || !pte_write(old))
				continue;
			WRITE_ONCE(*slot, old & ~(_PAGE_RW | _PAGE_DIRTY));
			tlb_gather_range(tlb, va);
		}
		spin_unlock(ptl);
	}
}

int sys_mprotect(struct mm *mm, u64 start, u64 len, bool writable)
{
	struct mmu_gather tlb;
	int i;

	syscall_boundary();
	mmap_write_lock(mm);
	tlb_gather_init(&tlb, mm);
	for (i = 0; i < mm->nr_vmas; i++) {
		struct vma *v = &mm->vmas[i];

		if (v->start <= start && start + len <= v->end) {
			vma_start_write(mm, v);
			WRITE_ONCE(v->writable, writable);
		}
	}
	if (!writable)
		wrprotect_range(mm, &tlb, start, start + len);
	tlb_finish_mmu(&tlb);
	mmap_write_unlock(mm);
	exit_to_user_mode();
	return 0;
}

/*
 * Write back the dirty pages [first, first + nr) of f mapped shared in mm:
 * clean each page and write-protect its PTE so the next write faults and
 * dirties it again.  Like page_mkclean(), one page at a time, each with its
 * own flush, found through the file's mappings under i_mmap_rwsem (no
 * mmap_lock: writeback does not take it).
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
			down_read(&f->i_mmap_rwsem);
			tlb_gather_init(&tlb, mm);
			WRITE_ONCE(f->dirty[v->pgoff + idx], 0);
			wrprotect_range(mm, &tlb, va, va + PAGE_SIZE);
			tlb_finish_mmu(&tlb);
			up_read(&f->i_mmap_rwsem);
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
 * Nobody else uses the mm, but the locks are taken as Linux takes them.
 */
void mm_exit(struct mm *mm)
{
	struct mmu_gather tlb;
	int i;

	mmap_write_lock(mm);
	tlb_gather_init(&tlb, mm);
	for (i = 0; i < mm->nr_vmas; i++)
		zap_range(mm, &tlb, mm->vmas[i].start, mm->vmas[i].end);
	tlb_gather_range(&tlb, 0);
	tlb_gather_range(&tlb, USER_VA_TOP - PAGE_SIZE);
	/* the PML4 and everything under it */
	gather_tables(&tlb, mm->pgd, PT_LEVELS);
	tlb_finish_mmu(&tlb);
	mmap_write_unlock(mm);
}

int file_writeback(struct mm *mm, struct file *f)
{
	return file_writeback_range(mm, f, 0, f->nr_pages);
}

/*
 * get_user_pages_fast(): with interrupts off and no lock, walk the tables
 * for [va, va + pages) and take each present page (get_page_ns of work per
 * page, 0 for none).  Returns the pages taken; stops at the first hole,
 * where the real one falls back to the slow path (not modelled: the callers
 * here want only what is mapped).  Interrupts off is the whole protection:
 * an IPI-based shootdown cannot complete meanwhile.
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
