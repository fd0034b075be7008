//! Views against NumPy (geometry of views, indexing, shape operations), memoryview (tobytes,
//! hex, cast, ==) and struct (element values). Expected results come from
//! tests/fixtures/generate.py.

mod common;

use common::{cases, hex, isizes, str_of, usize_of, usizes, Failures};
use ndview::{Format, Order, View};
use serde_json::Value as Json;

fn hexstr(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// The format of a case: parsed, with the buffer's itemsize when the case gives one.
fn format_of(case: &Json) -> Format {
    let fmt = str_of(case, "fmt");
    match usize_of(case, "itemsize") {
        Some(n) => Format::parse_with_itemsize(fmt, n).unwrap(),
        None => Format::parse(fmt).unwrap(),
    }
}

fn view<'a>(buf: &'a [u8], case: &Json) -> View<'a> {
    View::with_format(
        buf,
        &format_of(case),
        &usizes(&case["shape"]),
        &isizes(&case["strides"]),
        case["offset"].as_u64().unwrap() as usize,
    )
    .unwrap_or_else(|e| panic!("{case}: {e}"))
}

/// Compares a result view's geometry (and optionally its C-order bytes) with NumPy's.
fn check_geometry(f: &mut Failures, what: &str, got: &View<'_>, want: &Json) {
    let (shape, strides) = (usizes(&want["shape"]), isizes(&want["strides"]));
    let offset = want["offset"].as_i64().unwrap() as isize;
    f.check(
        got.shape() == shape && got.strides() == strides && got.offset() == offset,
        || {
            format!(
                "{what}: got {:?} {:?} @{}, NumPy {shape:?} {strides:?} @{offset}",
                got.shape(),
                got.strides(),
                got.offset()
            )
        },
    );
    if let Some(h) = want.get("hex").and_then(Json::as_str) {
        let ours = hexstr(&got.tobytes(Order::C).unwrap());
        f.check(ours == h, || format!("{what}: tobytes {ours}, NumPy {h}"));
    }
}

/// Checks an outcome that is either a view (compared with `check`) or NumPy's exception.
fn check_outcome<'a>(
    f: &mut Failures,
    what: &str,
    got: ndview::Result<View<'a>>,
    want: &Json,
    check: impl FnOnce(&mut Failures, &View<'a>),
) {
    match (got, want.get("error").and_then(Json::as_str)) {
        (Ok(v), None) => check(f, &v),
        (Ok(v), Some(e)) => f.check(false, || {
            format!(
                "{what}: NumPy raises {e}, we give {:?} {:?}",
                v.shape(),
                v.strides()
            )
        }),
        (Err(e), None) => f.check(false, || format!("{what}: NumPy succeeds, we: {e}")),
        (Err(e), Some(want_e)) => {
            let ours = e.python_type().map(|p| p.to_string()).unwrap_or_default();
            // NumPy's AxisError subclasses both ValueError and IndexError.
            let ok = ours == want_e
                || (want_e == "AxisError" && (ours == "IndexError" || ours == "ValueError"));
            f.check(ok, || {
                format!("{what}: NumPy raises {want_e}, we {ours}: {e}")
            })
        }
    }
}

/// Flags, nbytes, tobytes in three orders, hex, and tolist of random views of all formats
/// and layouts (negative, zero, unaligned strides; offsets; 0-4 dimensions).
#[test]
fn views_agree_with_numpy_and_memoryview() {
    let mut f = Failures::default();
    for case in cases("views.jsonl") {
        let buf = hex(str_of(&case, "buf"));
        let v = view(&buf, &case);
        let id = format!("{} {:?} {:?}", case["fmt"], v.shape(), v.strides());
        f.check(
            v.is_c_contiguous() == case["c_contiguous"].as_bool().unwrap(),
            || format!("{id}: c_contiguous"),
        );
        f.check(
            v.is_f_contiguous() == case["f_contiguous"].as_bool().unwrap(),
            || format!("{id}: f_contiguous"),
        );
        f.check(Some(v.nbytes()) == usize_of(&case, "nbytes"), || {
            format!("{id}: nbytes")
        });
        for (order, key) in [
            (Order::C, "tobytes_c"),
            (Order::F, "tobytes_f"),
            (Order::A, "tobytes_a"),
        ] {
            let ours = hexstr(&v.tobytes(order).unwrap());
            let want = str_of(&case, key);
            f.check(ours == want, || {
                format!("{id}: {key} {ours}, memoryview {want}")
            });
        }
        f.check(v.hex().unwrap() == str_of(&case, "hex"), || {
            format!("{id}: hex")
        });
        if let Some(sep) = case.get("hex_sep") {
            let c = sep[0].as_str().unwrap().chars().next().unwrap();
            let n = sep[1].as_i64().unwrap() as isize;
            let ours = v.hex_with(c, n).unwrap();
            f.check(ours == sep[2].as_str().unwrap(), || {
                format!("{id}: hex({c:?}, {n}) {ours}")
            });
        }
        if let Some(want) = case.get("tolist").and_then(Json::as_str) {
            let ours = v.tolist().unwrap().to_string();
            f.check(ours == want, || {
                format!("{id}: tolist {ours}, reference {want}")
            });
        }
    }
    f.finish("views");
}

/// Random NumPy basic indices (integers, slices with any bounds and steps, `...`, `None`),
/// as text: the result's shape, strides, offset and bytes, or NumPy's exception.
#[test]
fn slicing_agrees_with_numpy() {
    let mut f = Failures::default();
    for case in cases("views.jsonl") {
        let buf = hex(str_of(&case, "buf"));
        let v = view(&buf, &case);
        for ix in case["index"].as_array().unwrap() {
            let expr = str_of(ix, "expr");
            let what = format!("{:?}[{expr}]", v.shape());
            check_outcome(&mut f, &what, v.slice_str(expr), ix, |f, got| {
                check_geometry(f, &what, got, ix)
            });
        }
    }
    f.finish("slicing");
}

/// permute, flip, swap_axes, squeeze, transpose, insert_axis (expand_dims), reshape,
/// broadcast_to, diagonal and view_as (ndarray.view) against NumPy.
#[test]
fn shape_operations_agree_with_numpy() {
    let mut f = Failures::default();
    for case in cases("views.jsonl") {
        let buf = hex(str_of(&case, "buf"));
        let v = view(&buf, &case);
        for op in case["ops"].as_array().unwrap() {
            let name = str_of(op, "op");
            let args = op["args"].as_array().unwrap();
            let int = |k: usize| args[k].as_i64().unwrap() as isize;
            let what = format!("{name}{args:?} of {:?} {:?}", v.shape(), v.strides());
            let got = match name {
                "permute" => v.permute(&isizes(&op["args"])),
                "flip" => v.flip(int(0)),
                "swap_axes" => v.swap_axes(int(0), int(1)),
                "squeeze_axis" => v.squeeze_axis(int(0)),
                "squeeze" => Ok(v.squeeze()),
                "transpose" => Ok(v.transpose()),
                "insert_axis" => v.insert_axis(int(0)),
                // NumPy's negative entry (any negative, as NumPy accepts) is ndview::INFER.
                "reshape" => v.reshape(
                    &isizes(&op["args"])
                        .iter()
                        .map(|&d| usize::try_from(d).unwrap_or(ndview::INFER))
                        .collect::<Vec<_>>(),
                ),
                "broadcast_to" => v.broadcast_to(&usizes(&op["args"])),
                "diagonal" => v.diagonal(int(0), int(1), int(2)),
                "view_as" => v.view_as(&format!("{}x", int(0))),
                other => panic!("unknown op {other}"),
            };
            if op.get("copy").is_some() {
                // NumPy had to copy: a view cannot do it, so we must refuse.
                f.check(got.is_err(), || {
                    format!("{what}: NumPy copies, we made a view")
                });
                continue;
            }
            check_outcome(&mut f, &what, got, op, |f, got| {
                check_geometry(f, &what, got, op)
            });
        }
    }
    f.finish("shape operations");
}

/// memoryview.cast on random sources (strided NumPy arrays, byte buffers cast to every native
/// format) with random destinations and shapes: the result or CPython's exception type.
#[test]
fn cast_agrees_with_memoryview() {
    let mut f = Failures::default();
    for case in cases("casts.jsonl") {
        let buf = hex(str_of(&case, "buf"));
        let src = &case["src"];
        let v = view(&buf, src);
        let dest = str_of(&case, "dest");
        let shape = case["shape"].as_array().map(|_| usizes(&case["shape"]));
        let what = format!(
            "cast {:?} {:?} -> {dest:?} {shape:?}",
            src["fmt"],
            v.shape()
        );
        let got = v.cast(dest, shape.as_deref());
        match (&got, case.get("result")) {
            (Ok(r), Some(want)) => {
                f.check(r.format().as_str() == str_of(want, "fmt"), || {
                    format!("{what}: format {}", r.format())
                });
                check_geometry(&mut f, &what, r, &{
                    let mut w = want.clone();
                    w["offset"] = r.offset().into(); // memoryview hides offsets
                    w
                });
                let list = r.tolist().unwrap().to_string();
                f.check(list == str_of(want, "tolist"), || {
                    format!("{what}: tolist {list}")
                });
            }
            (Ok(r), None) => f.check(false, || {
                format!(
                    "{what}: CPython raises {}, we give {:?}",
                    case["error"],
                    r.shape()
                )
            }),
            (Err(e), Some(_)) => f.check(false, || format!("{what}: CPython casts, we: {e}")),
            (Err(e), None) => {
                let ours = e.python_type().map(|p| p.to_string()).unwrap_or_default();
                f.check(ours == str_of(&case, "error"), || {
                    format!("{what}: CPython raises {}, we {ours}: {e}", case["error"])
                })
            }
        }
    }
    f.finish("cast");
}

/// memoryview's == on pairs of views: same values through different layouts and formats,
/// one element changed, NaNs, shapes differing after a zero-length axis.
#[test]
fn equality_agrees_with_memoryview() {
    let mut f = Failures::default();
    for case in cases("equality.jsonl") {
        let (ba, bb) = (
            hex(str_of(&case["a"], "buf")),
            hex(str_of(&case["b"], "buf")),
        );
        let (a, b) = (view(&ba, &case["a"]), view(&bb, &case["b"]));
        let want = case["equal"].as_bool().unwrap();
        f.check((a == b) == want, || {
            format!(
                "{} {:?} == {} {:?}: memoryview says {want}",
                a.format(),
                a.shape(),
                b.format(),
                b.shape()
            )
        });
    }
    f.finish("equality");
}

/// NumPy's `arr['name']` on random records in random layouts: every field view's geometry,
/// itemsize, bytes and values, and the error for a name that is not there.
#[test]
fn fields_agree_with_numpy() {
    let mut f = Failures::default();
    for case in cases("fields.jsonl") {
        let buf = hex(str_of(&case, "buf"));
        let v = view(&buf, &case);
        for want in case["fields"].as_array().unwrap() {
            let name = str_of(want, "name");
            let what = format!(
                "{}[{name:?}] of {:?} {:?}",
                case["fmt"],
                v.shape(),
                v.strides()
            );
            let got = match v.field(name) {
                Ok(g) => g,
                Err(e) => {
                    f.check(false, || format!("{what}: {e}"));
                    continue;
                }
            };
            check_geometry(&mut f, &what, &got, want);
            f.check(
                usize_of(want, "itemsize").map_or(true, |n| n == got.itemsize()),
                || format!("{what}: itemsize {} ({})", got.itemsize(), got.format()),
            );
            // The field's format text stands on its own: parsed again, it has the same size.
            let again = Format::parse(got.format().as_str()).map(|g| g.itemsize());
            f.check(again.as_ref().ok() == Some(&got.itemsize()), || {
                format!("{what}: {} parses to {again:?}", got.format())
            });
            if let Some(bytes) = want.get("tobytes").and_then(Json::as_str) {
                let ours = hexstr(&got.tobytes(Order::C).unwrap());
                f.check(ours == bytes, || format!("{what}: bytes {ours}"));
            }
            if let Some(list) = want.get("tolist").and_then(Json::as_str) {
                let ours = got.tolist().unwrap().to_string();
                f.check(ours == list, || {
                    format!("{what}: tolist {ours}, NumPy {list}")
                });
            }
        }
        let missing = v
            .field("nope")
            .map(|_| ())
            .map_err(|e| e.python_type().map(|p| p.to_string()));
        f.check(
            missing.err().flatten().as_deref() == case["missing"].as_str(),
            || format!("{}: a missing field", case["fmt"]),
        );
    }
    f.finish("fields");
}
