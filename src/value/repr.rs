//! `Display` for [`Value`]: Python's `repr()`, character for character.

use super::Value;
use std::fmt::{self, Write};

/// Python's `repr(float)` (`add_dot_0`) or the form used inside `repr(complex)` (no `.0`).
///
/// Python prints the shortest digits that round-trip, in positional notation when the decimal
/// exponent `e` (of `d.ddd * 10**e`) satisfies `-4 <= e < 16`, else as `d.ddde+XX`.
pub(crate) fn write_float(out: &mut impl Write, x: f64, add_dot_0: bool) -> fmt::Result {
    if x.is_nan() {
        return out.write_str("nan");
    }
    if x.is_infinite() {
        return out.write_str(if x > 0.0 { "inf" } else { "-inf" });
    }
    if x.is_sign_negative() {
        out.write_char('-')?;
    }
    // Rust's `{:e}` gives the same shortest round-trip digits as Python's repr.
    let sci = format!("{:e}", x.abs());
    let (mantissa, exp) = sci.split_once('e').expect("{:e} always has an exponent");
    let exp: i32 = exp.parse().expect("{:e} exponent is an integer");
    let mut digits: String = mantissa.chars().filter(|&c| c != '.').collect();
    if digits.len() >= 16 {
        break_tie_to_even(x.abs(), &mut digits, exp);
    }
    let n = digits.len() as i32;
    if !(-4..16).contains(&exp) {
        out.write_str(&digits[..1])?;
        if n > 1 {
            write!(out, ".{}", &digits[1..])?;
        }
        let sign = if exp < 0 { '-' } else { '+' };
        return write!(out, "e{sign}{:02}", exp.abs());
    }
    let point = exp + 1; // digits before the decimal point
    if point <= 0 {
        write!(out, "0.{}{digits}", "0".repeat((-point) as usize))
    } else if point >= n {
        write!(out, "{digits}{}", "0".repeat((point - n) as usize))?;
        if add_dot_0 {
            out.write_str(".0")?;
        }
        Ok(())
    } else {
        let (int, frac) = digits.split_at(point as usize);
        write!(out, "{int}.{frac}")
    }
}

/// Python's dtoa breaks an exact tie between two shortest candidates toward the even last
/// digit, when both read back as the same double; Rust's formatter rounds it up. Ties need 16 or 17 digits (only then do two
/// neighbouring candidates both lie within one double's rounding interval).
///
/// With `n` digits forming the integer `D`, the candidates are `D` and `D ± 1`, and the value
/// is tied when it equals a midpoint `M * 10**k / 2` with `M = 2D ± 1`, `k = exp - (n - 1)`.
/// Writing `x = m * 2**e` with `m` odd, that holds exactly when `e == k - 1` and
/// `m * 5**(-k) == M` (`M` is odd, so `k >= 0` can never tie: `M > 2**53 > m`).
fn break_tie_to_even(x: f64, digits: &mut String, exp: i32) {
    let n = digits.len();
    let k = exp - (n as i32 - 1);
    if k >= 0 || x == 0.0 {
        return;
    }
    let bits = x.to_bits();
    let raw_exp = ((bits >> 52) & 0x7ff) as i32;
    let frac = bits & ((1u64 << 52) - 1);
    let (mut m, mut e) = if raw_exp == 0 {
        (frac, -1074)
    } else {
        (frac | (1u64 << 52), raw_exp - 1075)
    };
    let tz = m.trailing_zeros();
    m >>= tz;
    e += tz as i32;
    if e != k - 1 {
        return;
    }
    let Some(five) = 5u128.checked_pow((-k) as u32) else {
        return;
    };
    let Some(mid) = u128::from(m).checked_mul(five) else {
        return;
    };
    let d: u128 = digits.parse().expect("digits are decimal");
    for m2 in [2 * d - 1, 2 * d + 1] {
        if mid == m2 {
            // m2 is odd: the candidates are the integers on either side of m2 / 2.
            let (lo, hi) = (m2 / 2, m2 / 2 + 1);
            let even = if lo % 2 == 0 { lo } else { hi };
            let s = even.to_string();
            // Next to a power of two the rounding interval is lopsided: the even candidate
            // may not read back (2**-24 is ...0625, and only ...063 rounds to it), and then
            // the other one is the only shortest text.
            let reads_back = format!("{}.{}e{exp}", &s[..1], &s[1..]).parse::<f64>() == Ok(x);
            if s.len() == n && reads_back {
                *digits = s;
            }
        }
    }
}

/// Python's `repr(bytes)`.
pub(crate) fn write_bytes(out: &mut impl Write, b: &[u8]) -> fmt::Result {
    let quote = if b.contains(&b'\'') && !b.contains(&b'"') {
        '"'
    } else {
        '\''
    };
    out.write_char('b')?;
    out.write_char(quote)?;
    for &c in b {
        match c {
            b'\\' => out.write_str("\\\\")?,
            b'\t' => out.write_str("\\t")?,
            b'\n' => out.write_str("\\n")?,
            b'\r' => out.write_str("\\r")?,
            c if c == quote as u8 => write!(out, "\\{quote}")?,
            0x20..=0x7e => out.write_char(c as char)?,
            c => write!(out, "\\x{c:02x}")?,
        }
    }
    out.write_char(quote)
}

/// Python's `repr(complex)`: `1j`, `(1+2j)`, `(-0+1j)`, `(nan+nanj)`.
fn write_complex(out: &mut impl Write, re: f64, im: f64) -> fmt::Result {
    let write_imag = |out: &mut dyn Write| -> fmt::Result {
        let mut s = String::new();
        write_float(&mut s, im, false)?;
        out.write_str(&s)?;
        out.write_char('j')
    };
    if re == 0.0 && re.is_sign_positive() {
        return write_imag(out);
    }
    out.write_char('(')?;
    write_float(out, re, false)?;
    if im.is_nan() || !im.is_sign_negative() {
        out.write_char('+')?;
    }
    write_imag(out)?;
    out.write_char(')')
}

fn write_seq(
    out: &mut fmt::Formatter<'_>,
    items: &[Value],
    open: char,
    close: char,
) -> fmt::Result {
    out.write_char(open)?;
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.write_str(", ")?;
        }
        fmt::Display::fmt(item, out)?;
    }
    if open == '(' && items.len() == 1 {
        out.write_char(',')?;
    }
    out.write_char(close)
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Bool(true) => f.write_str("True"),
            Value::Bool(false) => f.write_str("False"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Float(x) => write_float(f, *x, true),
            Value::Complex(c) => write_complex(f, c.re, c.im),
            Value::Bytes(b) => write_bytes(f, b),
            Value::Tuple(items) => write_seq(f, items, '(', ')'),
            Value::List(items) => write_seq(f, items, '[', ']'),
        }
    }
}
