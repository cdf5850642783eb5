//! Random tokens and digests. Tokens are 256-bit and only their SHA-256 is stored.

use sha2::{Digest, Sha256};

/// 32 random bytes from the OS, hex-encoded (64 characters).
pub fn random_token() -> String {
    let mut b = [0u8; 32];
    fill_random(&mut b);
    data_encoding::HEXLOWER.encode(&b)
}

/// Short random id for requests and error references (12 hex characters).
pub fn short_id() -> String {
    let mut b = [0u8; 6];
    fill_random(&mut b);
    data_encoding::HEXLOWER.encode(&b)
}

/// A request id for the log: unique within the process, no system call per request.
pub fn request_id() -> String {
    use std::sync::OnceLock;
    use std::sync::atomic::{AtomicU64, Ordering};
    static SALT: OnceLock<u64> = OnceLock::new();
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let salt = *SALT.get_or_init(|| {
        let mut b = [0u8; 8];
        fill_random(&mut b);
        u64::from_le_bytes(b)
    });
    // A mixed counter: unique enough for log correlation, and not in visible order.
    let mut x = NEXT.fetch_add(1, Ordering::Relaxed) ^ salt;
    x = (x ^ (x >> 31)).wrapping_mul(0x7fb5_d329_728e_a185);
    x ^= x >> 27;
    format!("{:012x}", x & 0xffff_ffff_ffff)
}

pub fn fill_random(buf: &mut [u8]) {
    // The OS RNG failing means the machine is unusable for anything secure.
    #[allow(clippy::expect_used)]
    getrandom::fill(buf).expect("operating system random number generator failed");
}

pub fn sha256(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

pub fn sha256_hex(data: &[u8]) -> String {
    data_encoding::HEXLOWER.encode(&Sha256::digest(data))
}

/// Constant-time equality for secrets.
pub fn secret_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

/// What a URL path segment or query value may carry unescaped (RFC 3986 unreserved).
pub const URL_COMPONENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');
