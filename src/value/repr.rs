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
    let (mut digits, exp) = shortest(&format!("{:e}", x.abs()));
    if digits.len() >= 16 {
        break_tie_to_even(x.abs(), &mut digits, exp);
    }
    write_digits(out, &digits, exp, (-4..16).contains(&exp), add_dot_0)
}

/// An `f32` as NumPy's `str(np.float32(x))`: its own shortest digits (not those of the
/// widened `f64`), positional when `1e-4 <= |x| < 1e7` (NumPy's cutoff for `float32`),
/// else `d.ddde+XX`.
pub(crate) fn write_float32(out: &mut impl Write, x: f32) -> fmt::Result {
    if !x.is_finite() {
        return write_float(out, f64::from(x), true);
    }
    if x.is_sign_negative() {
        out.write_char('-')?;
    }
    let (digits, exp) = shortest(&format!("{:e}", x.abs()));
    // NumPy compares the value itself (widened to a double) with the cutoffs.
    let a = f64::from(x.abs());
    write_digits(
        out,
        &digits,
        exp,
        a == 0.0 || (1e-4..1e7).contains(&a),
        true,
    )
}

/// The digits and decimal exponent of Rust's `{:e}` text.
fn shortest(sci: &str) -> (String, i32) {
    let (mantissa, exp) = sci.split_once('e').expect("{:e} always has an exponent");
    let exp: i32 = exp.parse().expect("{:e} exponent is an integer");
    (mantissa.chars().filter(|&c| c != '.').collect(), exp)
}

/// `d.ddd * 10**exp` in positional notation when asked, else as `d.ddde+XX`.
fn write_digits(
    out: &mut impl Write,
    digits: &str,
    exp: i32,
    positional: bool,
    add_dot_0: bool,
) -> fmt::Result {
    let n = digits.len() as i32;
    if !positional {
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

#[cfg(test)]
mod tests {
    use super::write_float32;
    use proptest::prelude::*;

    fn f32_text(x: f32) -> String {
        let mut s = String::new();
        write_float32(&mut s, x).unwrap();
        s
    }

    /// `str(np.float32(x))` from NumPy 2.4 for each value.
    #[test]
    fn float32_prints_as_numpy() {
        let cases: [(f32, &str); 13] = [
            (0.1, "0.1"),
            (2.5, "2.5"),
            (1e-5, "1e-05"),
            (1e20, "1e+20"),
            (-0.0, "-0.0"),
            (16777216.0, "1.6777216e+07"),
            (3.4028235e38, "3.4028235e+38"),
            (1.0000001, "1.0000001"),
            (0.0001, "1e-04"),
            (123456.79, "123456.79"),
            (1e16, "1e+16"),
            (9.999999e15, "9.999999e+15"),
            (1.4e-45, "1e-45"),
        ];
        for (x, want) in cases {
            assert_eq!(f32_text(x), want, "{x:e}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(if cfg!(miri) { 8 } else { 2000 }))]
        /// The text reads back as the same `f32`.
        #[test]
        fn float32_text_reads_back(bits in any::<u32>()) {
            let x = f32::from_bits(bits);
            prop_assume!(x.is_finite());
            prop_assert_eq!(f32_text(x).parse::<f32>().unwrap().to_bits(), x.to_bits());
        }
    }
}
