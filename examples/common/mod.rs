//! Where the examples write their files: `$CARGO_TARGET_DIR/ndview-examples/<name>` when
//! that variable is set (as cargo itself honours it), else the crate's `target/`.

use std::path::PathBuf;

/// The output folder of one example (not created here).
pub fn out_dir(name: &str) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"));
    target.join("ndview-examples").join(name)
}
