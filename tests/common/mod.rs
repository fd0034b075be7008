//! Shared helpers for the differential fixture tests: reading the JSON-lines files that
//! tests/fixtures/generate.py writes, and decoding their tagged values.
#![allow(dead_code)]

use ndview::{Complex64, Value};
use serde_json::Value as Json;

/// Reads every case of a fixture file. Under Miri only the first few cases are read: the
/// interpreter is thousands of times slower, and the point there is soundness, not coverage.
pub fn cases(name: &str) -> Vec<Json> {
    use std::io::BufRead;
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let file = std::fs::File::open(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let limit = if cfg!(miri) { 6 } else { usize::MAX };
    std::io::BufReader::new(file)
        .lines()
        .take(limit)
        .map(|l| {
            let l = l.unwrap_or_else(|e| panic!("{path}: {e}"));
            serde_json::from_str(&l).unwrap_or_else(|e| panic!("{path}: {e}: {l}"))
        })
        .collect()
}

pub fn str_of<'a>(case: &'a Json, key: &str) -> &'a str {
    case[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} missing in {case}"))
}

pub fn usize_of(case: &Json, key: &str) -> Option<usize> {
    case.get(key).and_then(Json::as_u64).map(|n| n as usize)
}

/// A JSON array of non-negative integers (shapes).
pub fn usizes(j: &Json) -> Vec<usize> {
    j.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap() as usize)
        .collect()
}

/// A JSON array of integers (strides, indices).
pub fn isizes(j: &Json) -> Vec<isize> {
    j.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_i64().unwrap() as isize)
        .collect()
}

pub fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}

fn f64_of(bits: &Json) -> f64 {
    let b = hex(bits.as_str().expect("float bits"));
    f64::from_be_bytes(b.try_into().expect("8 bytes"))
}

/// Decodes a tagged value written by generate.py's `enc`.
pub fn value(j: &Json) -> Value {
    let (tag, v) = j
        .as_object()
        .and_then(|o| o.iter().next())
        .expect("tagged value");
    match tag.as_str() {
        "bool" => Value::Bool(v.as_bool().expect("bool")),
        "int" => Value::Int(v.as_str().expect("int").parse().expect("int fits i128")),
        "float" => Value::Float(f64_of(v)),
        "complex" => Value::Complex(Complex64::new(f64_of(&v[0]), f64_of(&v[1]))),
        "bytes" => Value::Bytes(hex(v.as_str().expect("bytes"))),
        "tuple" => Value::Tuple(v.as_array().expect("items").iter().map(value).collect()),
        "list" => Value::List(v.as_array().expect("items").iter().map(value).collect()),
        other => panic!("unknown tag {other}"),
    }
}

/// Collects failures and reports them together, so one run shows every disagreement.
#[derive(Default)]
pub struct Failures {
    list: Vec<String>,
    pub checked: usize,
}

impl Failures {
    pub fn check(&mut self, ok: bool, what: impl FnOnce() -> String) {
        self.checked += 1;
        if !ok {
            self.list.push(what());
        }
    }

    pub fn finish(self, name: &str) {
        assert!(self.checked > 0, "{name}: no case was checked");
        if !self.list.is_empty() {
            let shown: Vec<_> = self.list.iter().take(40).collect();
            panic!(
                "{name}: {} of {} checks disagree with the reference:\n{}",
                self.list.len(),
                self.checked,
                shown
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join("\n")
            );
        }
    }
}
