//! Enables the AVX-512 transposes (`cfg(ndview_avx512)`) when the compiler has stable AVX-512
//! intrinsics (Rust 1.89), so that the crate keeps building on its `rust-version` (1.81) and
//! uses AVX-512 where the compiler and, at run time, the processor allow.

use std::process::Command;

fn main() {
    println!("cargo:rustc-check-cfg=cfg(ndview_avx512)");
    println!("cargo:rerun-if-changed=build.rs");
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let minor = Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .and_then(|text| {
            // "rustc 1.95.0 (59807616e 2026-04-14)"
            let version = text.split_whitespace().nth(1)?;
            version.split('.').nth(1)?.parse::<u32>().ok()
        });
    if minor.is_some_and(|minor| minor >= 89) {
        println!("cargo:rustc-cfg=ndview_avx512");
    }
}
