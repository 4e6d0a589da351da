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
//! Library users opt in from their binary:
//!
//! ```
//! #[global_allocator]
//! static ALLOC: edgegrad::alloc::HugePageAlloc = edgegrad::alloc::HugePageAlloc;
//! let v = vec![0.0f32; 4 << 20];
//! assert_eq!(v[123], 0.0);
//! ```

use std::alloc::{GlobalAlloc, Layout, System};

/// Allocations of at least this many bytes are mapped and advised to use huge pages.
pub const HUGE_THRESHOLD: usize = 4 << 20;

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

// SAFETY: large blocks are private anonymous mappings owned by exactly one allocation, sized and
// aligned as the layout asks (align <= 2 MiB); they are unmapped with the same length they were
// mapped with, which `mapped_len` derives from the layout alone. Everything else is `System`'s.
// Justified by the `fresh_buffer` benchmark in benches/gradient.rs.
unsafe impl GlobalAlloc for HugePageAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if is_large(&layout) {
            map_huge(mapped_len(layout.size()))
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
            libc::munmap(ptr as *mut libc::c_void, mapped_len(layout.size()));
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

    #[test]
    fn large_blocks_are_aligned_zeroed_and_reallocated_with_contents() {
        let a = HugePageAlloc;
        unsafe {
            let layout = Layout::from_size_align(HUGE_THRESHOLD + 10, 64).unwrap();
            let p = a.alloc_zeroed(layout);
            assert!(!p.is_null());
            assert_eq!(p as usize % HUGE_PAGE, 0);
            assert!(std::slice::from_raw_parts(p, layout.size())
                .iter()
                .all(|&b| b == 0));
            *p.add(7) = 42;
            let grown = a.realloc(p, layout, 3 * HUGE_THRESHOLD);
            assert_eq!(*grown.add(7), 42);
            let shrunk = a.realloc(
                grown,
                Layout::from_size_align(3 * HUGE_THRESHOLD, 64).unwrap(),
                100,
            );
            assert_eq!(*shrunk.add(7), 42);
            a.dealloc(shrunk, Layout::from_size_align(100, 64).unwrap());
        }
    }

    #[test]
    fn mapped_len_is_whole_huge_pages() {
        assert_eq!(mapped_len(HUGE_PAGE), HUGE_PAGE);
        assert_eq!(mapped_len(HUGE_PAGE + 1), 2 * HUGE_PAGE);
    }
}
