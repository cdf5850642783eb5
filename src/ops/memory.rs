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
