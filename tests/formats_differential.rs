//! Formats against CPython's struct module and NumPy's PEP 3118 importer and exporter.
//! The expected results were produced by tests/fixtures/generate.py.

mod common;

use common::{cases, hex, str_of, usize_of, value, Failures};
use ndview::{Format, Mode, PyErr, Value, View};

fn py_name(e: &ndview::Error) -> String {
    e.python_type().map_or("?".into(), |p| p.to_string())
}

/// Checks one format string against its references: struct decides what it accepts; for the
/// rest NumPy's importer decides, except for two NumPy quirks we refuse (unbalanced braces,
/// which it silently accepts, and NUL characters inside field names).
fn check_format(case: &serde_json::Value, f: &mut Failures) {
    let fmt = str_of(case, "fmt");
    let parsed = Format::parse(fmt);
    if let Some(size) = usize_of(case, "size") {
        match &parsed {
            Ok(p) => f.check(p.itemsize() == size, || {
                format!("{fmt:?}: itemsize {} but calcsize {size}", p.itemsize())
            }),
            Err(e) => f.check(false, || format!("{fmt:?}: calcsize {size}, we: {e}")),
        }
        if let (Ok(p), Some(repr)) = (&parsed, case.get("repr").and_then(|r| r.as_str())) {
            let got = p.unpack(&hex(str_of(case, "hex"))).map(|v| v.to_string());
            f.check(got.as_deref().ok() == Some(repr), || {
                format!("{fmt:?}: unpack gives {got:?}, CPython {repr}")
            });
        }
        return;
    }
    let quirk = case.get("unbalanced").is_some() || case.get("nul").is_some();
    let numpy = usize_of(case, "numpy_size").filter(|_| !quirk);
    match (numpy, &parsed) {
        (None, Err(e)) => f.check(e.python_type() == Some(PyErr::StructError), || {
            format!("{fmt:?}: struct.error expected, we raise {}", py_name(e))
        }),
        (Some(n), Ok(p)) => {
            f.check(numpy_size(p) == n, || {
                format!(
                    "{fmt:?}: NumPy itemsize {n}, ours {} (align {})",
                    p.itemsize(),
                    p.alignment()
                )
            });
            if let Some(offsets) = case.get("numpy_offsets").and_then(|o| o.as_array()) {
                let theirs: Vec<usize> = offsets
                    .iter()
                    .map(|o| o.as_u64().unwrap() as usize)
                    .collect();
                let ours: Vec<usize> = numpy_fields(p).iter().map(|i| i.offset()).collect();
                f.check(ours == theirs, || {
                    format!("{fmt:?}: NumPy offsets {theirs:?}, ours {ours:?}")
                });
            }
        }
        (Some(n), Err(e)) => f.check(false, || format!("{fmt:?}: NumPy accepts ({n}), we: {e}")),
        (None, Ok(p)) => f.check(false, || {
            format!(
                "{fmt:?}: struct and NumPy refuse, we accept ({})",
                p.itemsize()
            )
        }),
    }
}

/// The items NumPy's importer makes fields of: all but unnamed padding, with a lone unnamed
/// structure that fills the whole element unwrapped, as NumPy unwraps it.
fn numpy_fields(p: &Format) -> Vec<&ndview::Item> {
    fn fields(items: &[ndview::Item]) -> Vec<&ndview::Item> {
        items
            .iter()
            .filter(|i| i.code() != ndview::Code::Pad || i.name().is_some())
            .collect()
    }
    let top = fields(p.items());
    match top.as_slice() {
        [one]
            if one.code() == ndview::Code::Struct
                && one.name().is_none()
                && one.offset() == 0
                && one.size() == p.itemsize()
                && one.shape().is_none()
                && one.count() == 1 =>
        {
            fields(one.fields())
        }
        _ => top,
    }
}

/// Random struct-style strings (with typos and stray PEP 3118 characters): calcsize, the
/// error/no-error outcome, and repr(struct.unpack) on random bytes.
#[test]
fn struct_calcsize_and_unpack_agree_with_cpython() {
    let mut f = Failures::default();
    for case in cases("struct_formats.jsonl") {
        check_format(&case, &mut f);
    }
    f.finish("struct formats");
}

/// Random PEP 3118 strings (structures, shapes, names, mid-string prefixes, typos).
#[test]
fn pep3118_strings_agree_with_struct_then_numpy() {
    let mut f = Failures::default();
    for case in cases("pep3118_formats.jsonl") {
        check_format(&case, &mut f);
    }
    f.finish("PEP 3118 strings");
}

/// struct.pack of random (often out-of-range or mistyped) arguments: bytes or exception.
#[test]
fn struct_pack_agrees_with_cpython() {
    let mut f = Failures::default();
    for case in cases("struct_pack.jsonl") {
        let fmt = str_of(&case, "fmt");
        let p = Format::parse(fmt).expect("pack cases use valid formats");
        let args: Vec<Value> = case["args"].as_array().unwrap().iter().map(value).collect();
        let got = p.pack(&Value::Tuple(args.clone()));
        match (case.get("hex").and_then(|h| h.as_str()), &got) {
            (Some(h), Ok(bytes)) => f.check(*bytes == hex(h), || {
                format!("{fmt:?} {args:?}: packed {bytes:02x?}, CPython {h}")
            }),
            (Some(h), Err(e)) => {
                f.check(false, || format!("{fmt:?} {args:?}: CPython {h}, we: {e}"))
            }
            (None, Ok(bytes)) => f.check(false, || {
                format!(
                    "{fmt:?} {args:?}: CPython raises {}, we pack {bytes:02x?}",
                    case["error"]
                )
            }),
            (None, Err(e)) => f.check(py_name(e) == str_of(&case, "error"), || {
                format!(
                    "{fmt:?} {args:?}: CPython raises {}, we {}: {e}",
                    case["error"],
                    py_name(e)
                )
            }),
        }
    }
    f.finish("struct pack");
}

/// The size NumPy's importer gives a format: ours, padded to the alignment when the string
/// ends in native mode (NumPy pads every structure; we pad only `T{...}`, as struct does).
fn numpy_size(p: &Format) -> usize {
    let ends_native = p.items().last().is_some_and(|i| i.mode() == Mode::Native);
    if ends_native {
        p.itemsize().div_ceil(p.alignment()) * p.alignment()
    } else {
        p.itemsize()
    }
}

/// Formats NumPy exports for random dtypes parse with the buffer's itemsize, and unpack
/// random bytes to the values NumPy's tolist gives.
#[test]
fn numpy_exported_formats_parse_and_unpack() {
    let mut f = Failures::default();
    for case in cases("numpy_exports.jsonl") {
        let fmt = str_of(&case, "fmt");
        let itemsize = usize_of(&case, "itemsize").unwrap();
        let parsed = Format::parse_with_itemsize(fmt, itemsize);
        let p = match parsed {
            Ok(p) => p,
            Err(e) => {
                f.check(false, || format!("{fmt:?} ({}): {e}", case["dtype"]));
                continue;
            }
        };
        let v = p.unpack(&hex(str_of(&case, "hex"))).unwrap();
        let v = match v {
            Value::Tuple(mut items) if items.len() == 1 => items.pop().unwrap(),
            other => other,
        };
        let want = str_of(&case, "repr");
        f.check(v.to_string() == want, || {
            format!("{fmt:?}: we unpack {v}, NumPy {want}")
        });
    }
    f.finish("NumPy exports");
}

/// Value's Display is Python's repr for every finite f16 (through `tolist` of an `e` view too)
/// and for f32 and f64 at and around every power of two, where a shortest-digits tie may have
/// only one candidate that reads back (`2**-24` is `5.960464477539063e-08`, not `...062`).
#[test]
fn float_repr_agrees_with_python_exhaustively() {
    let mut f = Failures::default();
    let mut halves: Vec<u16> = Vec::new();
    let mut half_reprs: Vec<String> = Vec::new();
    for case in cases("float_reprs_exhaustive.jsonl") {
        let (hex, want) = (case[0].as_str().unwrap(), case[1].as_str().unwrap());
        let bits = u64::from_str_radix(hex, 16).unwrap();
        let x = match hex.len() {
            4 => {
                halves.push(bits as u16);
                half_reprs.push(want.to_owned());
                half::f16::from_bits(bits as u16).to_f64()
            }
            8 => f64::from(f32::from_bits(bits as u32)),
            _ => f64::from_bits(bits),
        };
        let got = Value::Float(x).to_string();
        f.check(got == want, || {
            format!("{hex}: we print {got}, Python {want}")
        });
    }
    let view = View::from_slice(&halves).view_as("e").unwrap();
    if let Value::List(items) = view.tolist().unwrap() {
        for ((v, want), bits) in items.iter().zip(&half_reprs).zip(&halves) {
            let got = v.to_string();
            f.check(&got == want, || {
                format!("f16 {bits:04x} via tolist: {got} vs {want}")
            });
        }
    } else {
        panic!("tolist of a 1-D view is a list");
    }
    f.finish("exhaustive float repr");
}

/// Value's Display is Python's repr, on random floats (from f16, f32 and f64 bit patterns,
/// which include every kind of rounding tie) and complex numbers.
#[test]
fn float_and_complex_repr_agree_with_python() {
    let mut f = Failures::default();
    for case in cases("float_reprs.jsonl") {
        let v = value(&case["value"]);
        let want = str_of(&case, "repr");
        f.check(v.to_string() == want, || {
            format!("{v:?}: we print {v}, Python {want}")
        });
    }
    f.finish("float repr");
}
