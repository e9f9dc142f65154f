//! Build script: names this build's page extraction for the result cache.
//!
//! The cache keeps the page metadata it read next to the bytes it read it from, tagged with the
//! build that read it; a build whose tag differs reads the kept bytes again. The tag is the crate
//! version plus a digest of the library's sources and of `Cargo.lock` (the extraction depends on
//! its parser crates), so a change to extraction can never be served stale metadata by forgetting
//! to bump a constant. Any change to the sources changes the tag: the cost is one re-extraction of
//! each kept page by the new build, after which it is kept again.

use std::path::{Path, PathBuf};

fn main() {
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let mut files = Vec::new();
    collect(&root.join("src"), &mut files);
    files.sort();
    files.push(root.join("Cargo.lock"));
    let mut digest = Fnv::new();
    for file in &files {
        let name = file.strip_prefix(&root).unwrap_or(file).to_string_lossy().replace('\\', "/");
        digest.write(name.as_bytes());
        digest.write(&[0]);
        // A file that cannot be read (no Cargo.lock in some packagings) counts as empty.
        let bytes = std::fs::read(file).unwrap_or_default();
        digest.write(&(bytes.len() as u64).to_le_bytes());
        digest.write(&bytes);
    }
    println!("cargo:rustc-env=CITECHECK_SOURCE_DIGEST={:016x}", digest.0);
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=Cargo.lock");
    println!("cargo:rerun-if-changed=build.rs");
}

/// Every file under `dir`.
fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// FNV-1a, 64 bits: stable across toolchains (unlike `DefaultHasher`) and needs no dependency.
struct Fnv(u64);

impl Fnv {
    fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}
