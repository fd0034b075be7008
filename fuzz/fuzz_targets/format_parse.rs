//! Format strings: parsing never panics; an accepted format unpacks any bytes of its itemsize,
//! prints them, packs them back, and takes an explicit itemsize.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ndview::Format;

fuzz_target!(|data: &[u8]| {
    let cut = data
        .first()
        .map_or(0, |&b| usize::from(b))
        .min(data.len().saturating_sub(1));
    let (text, bytes) = data.split_at(cut.min(data.len()));
    let text = String::from_utf8_lossy(text.get(1..).unwrap_or(&[]));
    let Ok(f) = Format::parse(&text) else { return };
    assert_eq!(f.as_str(), text, "kept verbatim");
    let size = f.itemsize();
    if size <= 1 << 16 && (!bytes.is_empty() || size == 0) {
        let element: Vec<u8> = bytes.iter().copied().cycle().take(size).collect();
        let v = match f.unpack(&element) {
            Ok(v) => v,
            // Billions of zero-size values (`4294967296T{}`) do not fit in memory.
            Err(ndview::Error::Alloc { .. }) => return,
            // Long doubles and UCS characters (`g`, `u`, `w`) have no values, only bytes.
            Err(ndview::Error::Undecodable { .. }) => {
                assert!(
                    f.opaque_code().is_some(),
                    "only opaque formats are undecodable"
                );
                return;
            }
            Err(e) => panic!("unpack takes exactly itemsize bytes: {e}"),
        };
        let _ = v.to_string();
        if let Ok(packed) = f.pack(&v) {
            assert_eq!(packed.len(), size);
            // Unpacking what was packed gives the same text (NaN-proof comparison).
            assert_eq!(f.unpack(&packed).unwrap().to_string(), v.to_string());
        }
        let _ = f.unpack_value(&element);
    }
    assert!(
        f.unpack(&[0u8; 3][..size.min(3).saturating_sub(1)])
            .is_err()
            || size < 3
    );
    if let Ok(g) = f.with_itemsize(size.saturating_add(bytes.len())) {
        assert!(g.itemsize() >= g.natural_size());
    }
});
