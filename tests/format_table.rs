//! The table of scalar codes (src/format/table.rs): its generated pieces agree with each other,
//! and struct's `F`/`D` complex codes (CPython 3.14) behave as `Zf`/`Zd` in every respect but
//! their spelling.

use ndview::{ByteOrder, Code, Element, Format, Order, Scalar, Value, View};
use num_complex::{Complex32, Complex64};
use proptest::prelude::*;

fn parse(s: &str) -> Format {
    Format::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn complex(re: f64, im: f64) -> Value {
    Value::Complex(Complex64::new(re, im))
}

// ---- (c) the generated pieces agree ----

#[test]
fn every_scalars_native_format_parses_back_to_it() {
    for &s in Scalar::ALL {
        let f = parse(s.native_format());
        assert_eq!(f.scalar(), Some((s, ByteOrder::NATIVE)), "{s:?}");
        assert_eq!(f.itemsize(), s.size(), "{s:?}");
        assert_eq!(s.format(), f, "{s:?}");
    }
}

#[test]
fn every_elements_format_holds_it() {
    fn check<T: Element>(seen: &mut Vec<Scalar>) {
        let f = parse(T::FORMAT);
        assert_eq!(f.holds::<T>(), Some(ByteOrder::NATIVE), "{}", T::FORMAT);
        assert_eq!(T::format().holds::<T>(), Some(ByteOrder::NATIVE));
        assert_eq!(T::SCALAR.size(), std::mem::size_of::<T>(), "{}", T::FORMAT);
        assert_eq!(
            (T::SCALAR.is_float(), T::SCALAR.is_complex()),
            (
                matches!(
                    f.unpack_value(&vec![0; f.itemsize()]).unwrap(),
                    Value::Float(_) | Value::Complex(_)
                ),
                matches!(
                    f.unpack_value(&vec![0; f.itemsize()]).unwrap(),
                    Value::Complex(_)
                ),
            ),
            "{}",
            T::FORMAT
        );
        seen.push(T::SCALAR);
    }
    let mut seen = Vec::new();
    check::<bool>(&mut seen);
    check::<i8>(&mut seen);
    check::<u8>(&mut seen);
    check::<i16>(&mut seen);
    check::<u16>(&mut seen);
    check::<i32>(&mut seen);
    check::<u32>(&mut seen);
    check::<i64>(&mut seen);
    check::<u64>(&mut seen);
    check::<isize>(&mut seen);
    check::<usize>(&mut seen);
    check::<half::f16>(&mut seen);
    check::<f32>(&mut seen);
    check::<f64>(&mut seen);
    check::<Complex32>(&mut seen);
    check::<Complex64>(&mut seen);
    for s in Scalar::ALL {
        assert!(seen.contains(s), "no Element type holds {s:?}");
    }
}

#[test]
fn every_code_parses_from_its_text_with_the_size_of_its_machine_type() {
    for &code in Code::ALL {
        if code == Code::Struct {
            assert_eq!(parse("T{}").items()[0].code(), Code::Struct);
            continue;
        }
        let text = code.as_str();
        for prefix in ["", "@", "^", "=", "<", ">", "!"] {
            let s = format!("{prefix}{text}");
            let Ok(f) = Format::parse(&s) else {
                // Only the native-only codes fail after a standard prefix, and struct's own
                // codes after '^' (a PEP 3118 prefix).
                let native_only = matches!(
                    code,
                    Code::SSize
                        | Code::Size
                        | Code::Pointer
                        | Code::LongDouble
                        | Code::ComplexLongDouble
                );
                assert!(
                    native_only && matches!(prefix, "=" | "<" | ">" | "!")
                        || (native_only || code == Code::Pascal) && prefix == "^",
                    "{s}"
                );
                continue;
            };
            let item = &f.items()[0];
            assert_eq!((f.items().len(), item.code()), (1, code), "{s}");
            assert_eq!(f.as_str(), s);
            if let Some(scalar) = item.scalar() {
                assert_eq!(item.element_size(), scalar.size(), "{s}");
                assert_eq!(f.itemsize(), scalar.size(), "{s}");
                assert_eq!(f.scalar().map(|x| x.0), Some(scalar), "{s}");
            }
        }
    }
}

#[test]
fn the_parsers_error_lists_every_code() {
    let msg = Format::parse("y").unwrap_err().to_string();
    for &code in Code::ALL {
        let text = if code == Code::Struct {
            "T{...}"
        } else {
            code.as_str()
        };
        assert!(msg.contains(text), "{text} missing from {msg}");
    }
}

// ---- Opaque codes: PEP 3118's long double and UCS characters (memoryview's facts) ----

/// memoryview accepts `g`, `Zg`, `u`, `w` from exporters (NumPy's longdouble, clongdouble and
/// `U` arrays, `array('u')`) and refuses only their values (`NotImplementedError`); ndview
/// views, slices and copies their bytes and refuses their values with `Error::Undecodable`.
#[test]
fn opaque_codes_carry_bytes_not_values() {
    use ndview::{Error, PyErr, Value, View};
    let long_double = if cfg!(all(target_arch = "x86_64", not(windows))) {
        Some(16) // x87 extended precision, stored in 16 bytes, as NumPy's itemsize says
    } else {
        None
    };
    let cases: [(&str, Code, Option<usize>); 5] = [
        ("g", Code::LongDouble, long_double),
        ("Zg", Code::ComplexLongDouble, long_double.map(|n| 2 * n)),
        ("u", Code::Ucs2, Some(2)),
        ("w", Code::Ucs4, Some(4)),
        ("2w", Code::Ucs4, Some(8)), // NumPy's <U2
    ];
    for (text, code, size) in cases {
        let f = parse(text);
        assert_eq!(f.items()[0].code(), code, "{text}");
        if let Some(size) = size {
            assert_eq!(f.itemsize(), size, "{text}");
        }
        assert_eq!(f.scalar(), None, "{text}");
        let n = f.itemsize();
        let bytes: Vec<u8> = (0..3 * n).map(|i| i as u8).collect();
        let v = View::from_parts(&bytes, text, &[3], &[n as isize], 0).unwrap();
        // Values: memoryview's NotImplementedError, with the code as payload.
        for err in [v.get(&[0]).unwrap_err(), v.tolist().unwrap_err()] {
            assert!(
                matches!(err, Error::Undecodable { code: c } if c == code),
                "{text}: {err}"
            );
            assert_eq!(err.python_type(), Some(PyErr::NotImplementedError));
            assert!(
                err.to_string().contains("tobytes"),
                "says what works: {err}"
            );
        }
        let packed = f.pack(&Value::Int(1));
        assert!(
            matches!(packed, Err(Error::Undecodable { .. })) || f.value_count() > 1,
            "{text}: {packed:?}"
        );
        assert!(packed.is_err());
        // Bytes: reversed, sliced, copied and reinterpreted as 'B'.
        let rev = v.flip(0).unwrap().tobytes(ndview::Order::C).unwrap();
        let want: Vec<u8> = bytes.chunks(n).rev().flatten().copied().collect();
        assert_eq!(rev, want, "{text}");
        assert_eq!(v.cast("B", None).unwrap().len(), 3 * n, "{text}");
        assert_eq!(v.hex().unwrap().len(), 6 * n, "{text}");
        // Empty: memoryview refuses a format that is not one native character up front; a
        // single `g`, `u`, `w` fails only on an element, so its empty list is [].
        let empty = v.slice_str(":0").unwrap().tolist();
        if text.len() == 1 {
            assert_eq!(empty.unwrap(), Value::List(vec![]), "{text}");
        } else {
            assert!(matches!(empty, Err(Error::Undecodable { .. })), "{text}");
        }
        // Never equal, even to themselves, as memoryview has it.
        assert!(
            v != v && v.slice_str(":0").unwrap() != v.slice_str(":0").unwrap(),
            "{text}"
        );
        assert_eq!(f.opaque_code(), Some(code));
        // No kernel reads them as numbers.
        assert!(v.sum::<u32>().is_err() && v.sum::<f64>().is_err(), "{text}");
    }
    // The standard modes have no long double, as PEP 3118 gives it no standard size.
    assert!(Format::parse("<g").is_err() && Format::parse("=Zg").is_err());
    assert_eq!(parse("<w").itemsize(), 4);
}

// ---- (b) struct's F and D (CPython 3.14 Lib/test/test_struct.py's facts) ----

#[test]
fn f_and_d_sizes_follow_float_and_double() {
    let c_float = std::mem::size_of::<std::ffi::c_float>();
    let c_double = std::mem::size_of::<std::ffi::c_double>();
    for prefix in ["", "@", "=", "<", ">", "!", "^"] {
        assert_eq!(parse(&format!("{prefix}F")).itemsize(), 2 * c_float);
        assert_eq!(parse(&format!("{prefix}D")).itemsize(), 2 * c_double);
        assert_eq!(parse(&format!("{prefix}3D")).itemsize(), 6 * c_double);
    }
    // Native alignment is the component's: float, double.
    assert_eq!(parse("xF").itemsize(), 4 + 8);
    assert_eq!(parse("@xD").itemsize(), 8 + 16);
    assert_eq!(parse("@xD").alignment(), 8);
    assert_eq!(parse("@bFb").itemsize(), 4 + 8 + 1);
    // Standard modes never pad.
    for prefix in ["=", "<", ">", "!", "^"] {
        assert_eq!(parse(&format!("{prefix}xF")).itemsize(), 9);
        assert_eq!(parse(&format!("{prefix}xD")).itemsize(), 17);
    }
    assert_eq!(Code::FloatComplex.as_str(), "F");
    assert_eq!(Code::DoubleComplex.as_str(), "D");
    assert_eq!(parse("<2F").as_str(), "<2F");
    assert_eq!(parse("<2F").items()[0].code(), Code::FloatComplex);
    assert_eq!(parse(">D").items()[0].code(), Code::DoubleComplex);
}

#[test]
fn f_and_d_pack_and_unpack_complex_numbers() {
    let z = complex(1.0, 2.0);
    assert_eq!(
        parse("<F").pack(&z).unwrap(),
        [0, 0, 0x80, 0x3f, 0, 0, 0, 0x40]
    );
    // Big-endian swaps each half on its own: the real part still comes first.
    assert_eq!(
        parse(">F").pack(&z).unwrap(),
        [0x3f, 0x80, 0, 0, 0x40, 0, 0, 0]
    );
    assert_eq!(
        parse("!D").pack(&z).unwrap(),
        [0x3f, 0xf0, 0, 0, 0, 0, 0, 0, 0x40, 0, 0, 0, 0, 0, 0, 0]
    );
    assert_eq!(
        parse("<D").pack(&complex(-0.5, 0.25)).unwrap(),
        [0, 0, 0, 0, 0, 0, 0xe0, 0xbf, 0, 0, 0, 0, 0, 0, 0xd0, 0x3f]
    );
    // Round trips, also of infinities, signed zeros and NaN, in every byte order.
    let values = [
        complex(1.5, -2.25),
        complex(f64::INFINITY, -0.0),
        complex(-0.0, f64::NEG_INFINITY),
        complex(f64::NAN, 1.0),
        complex(0.0, 0.0),
    ];
    for prefix in ["", "@", "=", "<", ">", "!"] {
        for code in ["F", "D"] {
            let f = parse(&format!("{prefix}{code}"));
            for v in &values {
                let back = f.unpack_value(&f.pack(v).unwrap()).unwrap();
                assert_eq!(back.to_string(), v.to_string(), "{prefix}{code}");
            }
        }
    }
    // Ints and floats pack as complex numbers with a zero imaginary part, as in struct.
    assert_eq!(
        parse("D")
            .unpack_value(&parse("D").pack(&Value::Int(3)).unwrap())
            .unwrap()
            .to_string(),
        "(3+0j)"
    );
    assert_eq!(
        parse("F")
            .unpack_value(&parse("F").pack(&Value::Float(0.5)).unwrap())
            .unwrap()
            .to_string(),
        "(0.5+0j)"
    );
    assert!(parse("F").pack(&Value::Bytes(b"x".to_vec())).is_err());
    // A tuple of several values.
    let f = parse("<hFD");
    let t = Value::Tuple(vec![Value::Int(-1), complex(1.0, -1.0), complex(2.0, 0.5)]);
    let bytes = f.pack(&t).unwrap();
    assert_eq!(bytes.len(), 2 + 8 + 16);
    assert_eq!(
        f.unpack(&bytes).unwrap().to_string(),
        "(-1, (1-1j), (2+0.5j))"
    );
}

/// CPython 3.14 packs each part of a standard-mode `F`/`Zf` with PyFloat_Pack4, so a finite
/// part too large for f32 is an OverflowError ("float too large to pack with f format");
/// native mode casts as C does (inf), as for native 'f'. Infinities and NaN pack as they are.
#[test]
fn single_precision_complex_overflow_follows_f() {
    for fmt in ["<F", ">F", "!F", "=F", "<Zf", ">Zf"] {
        for v in [
            complex(1e300, 0.0),
            complex(0.5, -1e300),
            complex(-3.5e38, 1.0),
        ] {
            let err = parse(fmt).pack(&v).unwrap_err();
            assert_eq!(
                err.python_type(),
                Some(ndview::PyErr::OverflowError),
                "{fmt} {v:?}"
            );
            assert!(err
                .to_string()
                .contains("float too large to pack with f format"));
        }
        for v in [complex(f64::INFINITY, f64::NAN), complex(3.4e38, -1e-50)] {
            assert!(parse(fmt).pack(&v).is_ok(), "{fmt} {v:?}");
        }
    }
    for fmt in ["F", "@F", "Zf"] {
        let bytes = parse(fmt).pack(&complex(1e300, -1e300)).unwrap();
        assert_eq!(
            bytes,
            parse(fmt)
                .pack(&complex(f64::INFINITY, f64::NEG_INFINITY))
                .unwrap()
        );
    }
    // Double precision never overflows.
    assert!(parse("<D").pack(&complex(1e300, -1e300)).is_ok());
}

#[test]
fn f_and_d_are_read_by_both_dialects() {
    // struct syntax (whitespace, n N P p) and PEP 3118 extensions both accept F and D.
    assert_eq!(parse("F D").itemsize(), 24);
    assert_eq!(parse("nF").itemsize(), 16);
    assert_eq!(parse("T{F:a:<D:b:}").itemsize(), 24);
    assert_eq!(parse("(2)<F").itemsize(), 16);
    // Zf and Zd stay PEP 3118's.
    assert!(Format::parse("Zf Zd").is_err());
}

#[test]
fn f_and_d_hold_num_complex_and_view_like_zf_and_zd() {
    assert_eq!(parse(">F").holds::<Complex32>(), Some(ByteOrder::Big));
    assert_eq!(parse("D").holds::<Complex64>(), Some(ByteOrder::NATIVE));
    assert_eq!(parse("F").holds::<Complex64>(), None);
    let data: Vec<u8> = (0u8..48).map(|b| b.wrapping_mul(37)).collect();
    for (a, b) in [("<F", "<Zf"), (">D", ">Zd"), ("F", "Zf"), ("=D", "=Zd")] {
        let n = 48 / parse(a).itemsize();
        let stride = parse(a).itemsize() as isize;
        let va = View::from_parts(&data, a, &[n], &[stride], 0).unwrap();
        let vb = View::from_parts(&data, b, &[n], &[stride], 0).unwrap();
        assert_eq!(va.format().as_str(), a);
        assert_eq!(
            va.tolist().unwrap().to_string(),
            vb.tolist().unwrap().to_string()
        );
        assert_eq!(va.tobytes(Order::C).unwrap(), vb.tobytes(Order::C).unwrap());
        assert_eq!(va.itemsize(), vb.itemsize());
        assert_eq!(va == vb, vb == vb);
        // memoryview's cast takes neither spelling as a destination (CPython 3.14 and 3.15).
        let bytes = View::from_bytes(&data);
        assert_eq!(bytes.cast(a, None).is_err(), bytes.cast(b, None).is_err());
        assert!(bytes.cast(a, None).is_err());
    }
}

// ---- (a) F/D and Zf/Zd agree on random formats ----

/// A random format string using Zf and Zd, as a list of tokens.
fn zf_format() -> impl Strategy<Value = Vec<String>> {
    let prefix = prop::sample::select(&["", "", "@", "=", "<", ">", "!", "^"][..]);
    let count = prop::sample::select(&["", "", "0", "1", "2", "3"][..]);
    let code = prop::sample::select(
        &[
            "Zf", "Zd", "Zf", "Zd", "b", "h", "i", "q", "d", "f", "e", "?", "x", "3s",
        ][..],
    );
    let item = (prefix, count, code, any::<bool>()).prop_map(|(p, n, c, wrap)| {
        let item = if c == "3s" {
            format!("{p}{c}")
        } else {
            format!("{p}{n}{c}")
        };
        if wrap {
            format!("T{{{item}}}")
        } else {
            item
        }
    });
    prop::collection::vec(item, 1..6)
}

fn spelled(tokens: &[String], zf: &str, zd: &str) -> String {
    tokens
        .iter()
        .map(|t| t.replace("Zf", zf).replace("Zd", zd))
        .collect()
}

/// What a format says about its layout, item by item.
fn layout(f: &Format) -> Vec<String> {
    fn walk(items: &[ndview::Item], out: &mut Vec<String>) {
        for i in items {
            out.push(format!(
                "{:?} {:?} {} {:?} {} {} {}",
                i.scalar(),
                i.mode(),
                i.count(),
                i.shape(),
                i.offset(),
                i.size(),
                i.element_size()
            ));
            walk(i.fields(), out);
        }
    }
    let mut out = vec![format!(
        "{} {} {:?}",
        f.itemsize(),
        f.alignment(),
        f.scalar()
    )];
    walk(f.items(), &mut out);
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn f_and_d_behave_as_zf_and_zd(tokens in zf_format(), seed in any::<u64>()) {
        let zf_text = spelled(&tokens, "Zf", "Zd");
        let fd_text = spelled(&tokens, "F", "D");
        let (zf, fd) = (Format::parse(&zf_text), Format::parse(&fd_text));
        let (zf, fd) = match (zf, fd) {
            (Ok(a), Ok(b)) => (a, b),
            (Err(_), Err(_)) => return Ok(()),
            (a, b) => panic!("{zf_text}: {a:?} but {fd_text}: {b:?}"),
        };
        prop_assert_eq!(fd.as_str(), fd_text.as_str());
        prop_assert_eq!(layout(&zf), layout(&fd));
        // Random bytes (a simple generator: xorshift from the seed) decode alike.
        let mut x = seed | 1;
        let bytes: Vec<u8> = (0..zf.itemsize()).map(|_| {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            x as u8
        }).collect();
        let (a, b) = (zf.unpack(&bytes).unwrap(), fd.unpack(&bytes).unwrap());
        prop_assert_eq!(format!("{a:?}"), format!("{b:?}"));
        prop_assert_eq!(a.to_string(), b.to_string());
        // And pack alike.
        let (pa, pb) = (zf.pack(&a), fd.pack(&a));
        prop_assert_eq!(format!("{pa:?}"), format!("{pb:?}"));
        // Through the explicit-itemsize (exporter) layout too.
        let (ea, eb) = (zf.with_itemsize(zf.itemsize()).unwrap(), fd.with_itemsize(fd.itemsize()).unwrap());
        prop_assert_eq!(layout(&ea), layout(&eb));
    }
}
