//! A global allocator that backs large buffers with transparent huge pages.
//!
//! Touching a fresh 64 MiB buffer 4 KiB page by page costs more than the gradient kernel that
//! fills it. numpy avoids most of that cost by asking the kernel for transparent huge pages
//! (`madvise(MADV_HUGEPAGE)`) on every array of 4 MiB or more; [`HugePageAlloc`] does the same
//! for every Rust allocation of that size: it maps the memory itself, aligned to 2 MiB so that
//! whole huge pages fit, and advises it. Fresh mappings are already zeroed, so
//! `alloc_zeroed` (`vec![0.0; n]`, `Array::zeros`) costs nothing until the memory is written.
//! Smaller allocations go to the system allocator unchanged.
//!
//! Even in huge pages, the kernel zeroes fresh memory when it is first written: writing a fresh
//! 64 MiB block takes 3.7 ms here, rewriting one 1.6 ms, and a 4096x4096 `float32` gradient
//! writes two such blocks in about 10 ms. So freed large blocks are not
//! unmapped at once but kept, already backed by memory, for the next large allocation that fits
//! (a repeated call reuses its previous results' memory, as glibc's heap does for smaller
//! blocks): at most [`CACHE_SLOTS`] blocks and [`CACHE_BYTES`] bytes, the slots given back in
//! turn. Cached blocks are advised `MADV_FREE`: the kernel takes them back if it runs short of
//! memory, and reusing them costs nothing more while it does not (1.60 ms against 1.57 ms to
//! rewrite 64 MiB here). The cache is lock-free (a few atomic slots), so it cannot deadlock, not
//! even in a child process forked while another thread allocates. `alloc_zeroed` never takes
//! from it.
//!
//! Library users opt in from their binary:
//!
//! ```
//! #[global_allocator]
//! static ALLOC: edgegrad::alloc::HugePageAlloc = edgegrad::alloc::HugePageAlloc;
//! let v = vec![0.0f32; 4 << 20];
//! assert_eq!(v[123], 0.0);
//! ```

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Allocations of at least this many bytes are mapped and advised to use huge pages.
pub const HUGE_THRESHOLD: usize = 4 << 20;

/// At most this many freed large blocks are kept for reuse.
pub const CACHE_SLOTS: usize = 8;

/// Freed large blocks kept for reuse hold at most this many bytes in all.
pub const CACHE_BYTES: usize = 1 << 30;

/// The freed memory at the top of glibc's heap that [`keep_freed_heap`] lets it keep.
pub const KEEP_FREED: usize = 64 << 20;

/// Makes the system allocator (glibc's) keep freed heap memory for the next allocations:
/// up to [`KEEP_FREED`] bytes at the top of the heap are no longer given back to the kernel as
/// soon as they are freed, and every block below [`HUGE_THRESHOLD`] comes from the heap (the
/// larger ones are [`HugePageAlloc`]'s). A loop that makes and drops the same buffers turn
/// after turn (a video's frames: the rows each band worker keeps) otherwise has the heap
/// trimmed and faulted in again every turn: 11 % of the CPU time of `edgegrad video` on
/// 1080p frames (perf: 36000 page faults in 300 frames, 3500 with this). The cost is that up to
/// [`KEEP_FREED`] bytes stay in the process when it no longer needs them. Does nothing with
/// another C library.
pub fn keep_freed_heap() {
    #[cfg(target_env = "gnu")]
    // SAFETY: mallopt only sets two of the allocator's parameters, both within their ranges
    // (a refused value leaves the parameter as it was).
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, HUGE_THRESHOLD as libc::c_int);
        libc::mallopt(libc::M_TRIM_THRESHOLD, KEEP_FREED as libc::c_int);
    }
}

/// The size of one transparent huge page on x86-64 and aarch64 (4 KiB base pages).
const HUGE_PAGE: usize = 2 << 20;

/// A [`GlobalAlloc`] that maps allocations of [`HUGE_THRESHOLD`] bytes or more as 2 MiB aligned
/// anonymous memory advised for transparent huge pages, and passes all others to [`System`].
#[derive(Debug, Clone, Copy, Default)]
pub struct HugePageAlloc;

/// The mapped length for a large allocation: whole huge pages.
fn mapped_len(size: usize) -> usize {
    size.div_ceil(HUGE_PAGE) * HUGE_PAGE
}

fn is_large(layout: &Layout) -> bool {
    layout.size() >= HUGE_THRESHOLD && layout.align() <= HUGE_PAGE
}

/// Maps `len` bytes (a multiple of [`HUGE_PAGE`]) aligned to [`HUGE_PAGE`] and advises the kernel
/// to back them with huge pages. Returns null when the system has no memory to give.
///
/// # Safety
/// `len` must be a non-zero multiple of [`HUGE_PAGE`].
unsafe fn map_huge(len: usize) -> *mut u8 {
    // Over-map by one huge page, then unmap the unaligned head and the tail.
    let Some(over) = len.checked_add(HUGE_PAGE) else {
        return std::ptr::null_mut();
    };
    let raw = libc::mmap(
        std::ptr::null_mut(),
        over,
        libc::PROT_READ | libc::PROT_WRITE,
        libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
        -1,
        0,
    );
    if raw == libc::MAP_FAILED {
        return std::ptr::null_mut();
    }
    let start = raw as usize;
    let aligned = start.next_multiple_of(HUGE_PAGE);
    let head = aligned - start;
    let tail = over - head - len;
    if head > 0 {
        libc::munmap(raw, head);
    }
    if tail > 0 {
        libc::munmap((aligned + len) as *mut libc::c_void, tail);
    }
    // Advice only: if the kernel declines, the memory still works with normal pages.
    libc::madvise(aligned as *mut libc::c_void, len, libc::MADV_HUGEPAGE);
    aligned as *mut u8
}

/// Freed blocks: each slot is empty (0) or holds one mapping, its address (a multiple of
/// [`HUGE_PAGE`]) plus its length in huge pages (below [`HUGE_PAGE`], as no cached block is
/// longer than [`CACHE_BYTES`]). A block in a slot belongs to the cache alone: whoever swaps it
/// out of its slot owns it.
static SLOTS: [AtomicUsize; CACHE_SLOTS] = [const { AtomicUsize::new(0) }; CACHE_SLOTS];
/// The bytes of the blocks in [`SLOTS`] (momentarily off while another thread changes them).
static CACHED: AtomicUsize = AtomicUsize::new(0);
/// The slot the next freed block goes to: the slots are a ring, oldest block next.
static NEXT: AtomicUsize = AtomicUsize::new(0);

const _: () = assert!(CACHE_BYTES / HUGE_PAGE < HUGE_PAGE);

/// A slot's block: (address, mapped length).
fn unpack(slot: usize) -> (usize, usize) {
    (
        slot & !(HUGE_PAGE - 1),
        (slot & (HUGE_PAGE - 1)) * HUGE_PAGE,
    )
}

/// Unmaps `len` bytes at `addr`.
///
/// # Safety
/// The range must be mapped memory no allocation uses.
unsafe fn unmap(addr: usize, len: usize) {
    libc::munmap(addr as *mut libc::c_void, len);
}

/// Unmaps the block a slot held (nothing for an empty slot).
///
/// # Safety
/// The caller must just have swapped `slot` out of [`SLOTS`]: the block is then its own.
unsafe fn give_back(slot: usize) {
    if slot != 0 {
        let (addr, len) = unpack(slot);
        CACHED.fetch_sub(len, Ordering::Relaxed);
        unmap(addr, len);
    }
}

/// A cached block of exactly `len` bytes (a multiple of [`HUGE_PAGE`]): the smallest that is at
/// least that long, its tail unmapped. `None` when no cached block is long enough.
fn take_cached(len: usize) -> Option<*mut u8> {
    // A slot that changes between the scan and the exchange is scanned again.
    for _ in 0..=CACHE_SLOTS {
        let mut best: Option<(usize, usize)> = None;
        for (k, slot) in SLOTS.iter().enumerate() {
            let v = slot.load(Ordering::Acquire);
            let (_, l) = unpack(v);
            if v != 0 && l >= len && best.is_none_or(|(_, b)| l < unpack(b).1) {
                best = Some((k, v));
            }
        }
        let (k, v) = best?;
        if SLOTS[k]
            .compare_exchange(v, 0, Ordering::AcqRel, Ordering::Relaxed)
            .is_ok()
        {
            let (addr, l) = unpack(v);
            CACHED.fetch_sub(l, Ordering::Relaxed);
            if l > len {
                // SAFETY: the block is ours now; its tail past `len` is not handed out.
                unsafe { unmap(addr + len, l - len) };
            }
            return Some(addr as *mut u8);
        }
    }
    None
}

/// Keeps the freed block of `len` bytes at `addr` for reuse, in an empty slot or else in place of
/// the block in the next slot in turn, and gives back blocks, the next ones in turn first, while
/// the cache is over [`CACHE_BYTES`]; unmaps it at once when it is longer than the whole cache.
///
/// # Safety
/// `addr` and `len` must be a whole mapping made by [`map_huge`] that nothing uses any more.
unsafe fn free_block(addr: usize, len: usize) {
    if len > CACHE_BYTES {
        unmap(addr, len);
        return;
    }
    // The kernel may take the memory back under pressure (it then reads as zeros); until it
    // does, writing it again costs nothing more than before.
    libc::madvise(addr as *mut libc::c_void, len, libc::MADV_FREE);
    CACHED.fetch_add(len, Ordering::Relaxed);
    let block = addr | (len / HUGE_PAGE);
    let next = NEXT.fetch_add(1, Ordering::Relaxed) % CACHE_SLOTS;
    let empty = (0..CACHE_SLOTS)
        .map(|k| (next + k) % CACHE_SLOTS)
        .find(|&k| {
            SLOTS[k]
                .compare_exchange(0, block, Ordering::AcqRel, Ordering::Relaxed)
                .is_ok()
        });
    let at = empty.unwrap_or_else(|| {
        give_back(SLOTS[next].swap(block, Ordering::AcqRel));
        next
    });
    for k in 1..CACHE_SLOTS {
        if CACHED.load(Ordering::Relaxed) <= CACHE_BYTES {
            break;
        }
        give_back(SLOTS[(at + k) % CACHE_SLOTS].swap(0, Ordering::AcqRel));
    }
}

// SAFETY: large blocks are private anonymous mappings owned by exactly one allocation, sized and
// aligned as the layout asks (align <= 2 MiB), of exactly `mapped_len(layout.size())` bytes
// (a cached block handed out again has had its tail unmapped to that length), which is the
// length `dealloc` derives from the layout alone. A freed block is either unmapped or kept in
// a cache slot, where only the thread that swaps it out can use it again; `alloc` hands out its
// old contents as uninitialised memory, `alloc_zeroed` only fresh mappings. Everything else is
// `System`'s. Justified by the `fresh_buffer` benchmark in benches/gradient.rs and by
// python/bench/bench.py.
unsafe impl GlobalAlloc for HugePageAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if is_large(&layout) {
            let len = mapped_len(layout.size());
            take_cached(len).unwrap_or_else(|| map_huge(len))
        } else {
            System.alloc(layout)
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if is_large(&layout) {
            // Fresh anonymous mappings are zero-filled by the kernel.
            map_huge(mapped_len(layout.size()))
        } else {
            System.alloc_zeroed(layout)
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if is_large(&layout) {
            free_block(ptr as usize, mapped_len(layout.size()));
        } else {
            System.dealloc(ptr, layout)
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new_layout = Layout::from_size_align_unchecked(new_size, layout.align());
        match (is_large(&layout), is_large(&new_layout)) {
            (false, false) => System.realloc(ptr, layout, new_size),
            (true, true) if mapped_len(layout.size()) == mapped_len(new_size) => ptr,
            _ => {
                let new_ptr = self.alloc(new_layout);
                if !new_ptr.is_null() {
                    std::ptr::copy_nonoverlapping(ptr, new_ptr, layout.size().min(new_size));
                    self.dealloc(ptr, layout);
                }
                new_ptr
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// The cache is one per process: tests that use it run one at a time.
    static SERIAL: Mutex<()> = Mutex::new(());

    fn layout(size: usize) -> Layout {
        Layout::from_size_align(size, 64).unwrap()
    }

    /// Gives back every cached block, so that a test sees only its own.
    fn empty_cache() {
        for slot in &SLOTS {
            // SAFETY: swapped out of its slot.
            unsafe { give_back(slot.swap(0, Ordering::AcqRel)) };
        }
    }

    #[test]
    fn large_blocks_are_aligned_zeroed_and_reallocated_with_contents() {
        let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        let a = HugePageAlloc;
        unsafe {
            let layout = layout(HUGE_THRESHOLD + 10);
            let p = a.alloc_zeroed(layout);
            assert!(!p.is_null());
            assert_eq!(p as usize % HUGE_PAGE, 0);
            assert!(std::slice::from_raw_parts(p, layout.size())
                .iter()
                .all(|&b| b == 0));
            *p.add(7) = 42;
            let grown = a.realloc(p, layout, 3 * HUGE_THRESHOLD);
            assert_eq!(*grown.add(7), 42);
            let shrunk = a.realloc(grown, self::layout(3 * HUGE_THRESHOLD), 100);
            assert_eq!(*shrunk.add(7), 42);
            a.dealloc(shrunk, self::layout(100));
        }
    }

    #[test]
    fn freed_blocks_are_reused_whole_or_trimmed_and_never_as_zeroed_memory() {
        let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        empty_cache();
        let a = HugePageAlloc;
        unsafe {
            let big = layout(5 * HUGE_PAGE);
            let p = a.alloc(big);
            std::ptr::write_bytes(p, 0xab, big.size());
            a.dealloc(p, big);
            // The same length again: the same block, still mapped and writable.
            let q = a.alloc(layout(5 * HUGE_PAGE - 1));
            assert_eq!(q, p);
            std::ptr::write_bytes(q, 1, 5 * HUGE_PAGE - 1);
            a.dealloc(q, layout(5 * HUGE_PAGE - 1));
            // Zeroed memory is never a used block.
            let z = a.alloc_zeroed(big);
            assert!(std::slice::from_raw_parts(z, big.size())
                .iter()
                .all(|&b| b == 0));
            // A shorter request takes the block, its tail given back.
            let short = layout(HUGE_THRESHOLD);
            let r = a.alloc(short);
            assert_eq!(r, p);
            std::ptr::write_bytes(r, 2, short.size());
            a.dealloc(r, short);
            a.dealloc(z, big);
        }
    }

    #[test]
    fn blocks_longer_than_the_cache_are_not_kept() {
        let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        let a = HugePageAlloc;
        unsafe {
            let huge = layout(CACHE_BYTES + HUGE_PAGE);
            let p = a.alloc(huge);
            assert!(!p.is_null());
            a.dealloc(p, huge);
            assert!(CACHED.load(Ordering::Relaxed) <= CACHE_BYTES);
            assert!(SLOTS
                .iter()
                .all(|s| unpack(s.load(Ordering::Relaxed)).0 != p as usize));
        }
    }

    #[test]
    fn mapped_len_is_whole_huge_pages() {
        assert_eq!(mapped_len(HUGE_PAGE), HUGE_PAGE);
        assert_eq!(mapped_len(HUGE_PAGE + 1), 2 * HUGE_PAGE);
    }
}
