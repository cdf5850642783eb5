//! What the allocator holds: bytes handed out and bytes kept free (not yet returned to the
//! system), for /metrics and the benchmark's memory breakdown.

#[derive(Debug, Default, Clone, Copy)]
pub struct Allocator {
    pub in_use: usize,
    pub free_held: usize,
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn allocator() -> Allocator {
    // glibc's `struct mallinfo2` (glibc ≥ 2.33): ten `size_t` fields in this order.
    #[repr(C)]
    struct Mallinfo2 {
        arena: usize,
        ordblks: usize,
        smblks: usize,
        hblks: usize,
        hblkhd: usize,
        usmblks: usize,
        fsmblks: usize,
        uordblks: usize,
        fordblks: usize,
        keepcost: usize,
    }
    unsafe extern "C" {
        fn mallinfo2() -> Mallinfo2;
    }
    // SAFETY: mallinfo2 takes no arguments and returns a plain struct by value.
    let m = unsafe { mallinfo2() };
    let _ = (
        m.arena, m.ordblks, m.smblks, m.hblks, m.usmblks, m.fsmblks, m.keepcost,
    );
    Allocator {
        in_use: m.uordblks + m.hblkhd,
        free_held: m.fordblks,
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn allocator() -> Allocator {
    Allocator::default()
}

/// Tunes glibc's allocator for a small box before any thread starts: at most two arenas
/// (one per core; glibc's default is eight per core, each keeping its own free memory), and
/// fixed mmap and trim thresholds so large buffers (page renders, index merges) go back to the
/// system when freed instead of raising the thresholds and staying in the heap.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn tune_allocator() {
    const M_TRIM_THRESHOLD: i32 = -1;
    const M_MMAP_THRESHOLD: i32 = -3;
    const M_ARENA_MAX: i32 = -8;
    unsafe extern "C" {
        fn mallopt(param: i32, value: i32) -> i32;
    }
    // SAFETY: mallopt only sets allocator parameters; called from main before other threads.
    unsafe {
        mallopt(M_ARENA_MAX, 2);
        mallopt(M_MMAP_THRESHOLD, 256 * 1024);
        mallopt(M_TRIM_THRESHOLD, 1024 * 1024);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn tune_allocator() {}

/// Gives free memory held by the allocator back to the system (after a rebuild or a burst).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn release_free_memory() {
    unsafe extern "C" {
        fn malloc_trim(pad: usize) -> i32;
    }
    // SAFETY: malloc_trim takes the allocator's own locks; safe at any time.
    unsafe {
        malloc_trim(0);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn release_free_memory() {}
