//! Field access on records: NumPy's `arr['name']` for formats with named members.

use super::{RawView, View, ViewMut};
use crate::error::{Error, PyErr, Result};
use crate::format::{Code, Format, Item, Mode};
use crate::layout::Layout;

/// The named members of a record format: the fields of a lone `T{...}`, or else the named
/// top-level items.
fn members(format: &Format) -> &[Item] {
    match format.items() {
        [only] if only.code() == Code::Struct && only.count() == 1 && only.shape().is_none() => {
            only.fields()
        }
        items => items,
    }
}

/// The format text of one element of `item` (without its repetition or sub-array shape),
/// written so that it parses to the same layout on its own: inside a structure, every gap
/// (alignment or pad bytes) becomes explicit `x` padding and native alignment (`@`) becomes
/// `^` (native sizes and order, no alignment), since the offsets are no longer relative to
/// the same start.
fn element_text(item: &Item, nested: bool, out: &mut String) {
    let mode = match item.mode() {
        Mode::Native if nested => '^',
        m => m.as_char(),
    };
    match item.code() {
        Code::Struct => {
            out.push_str("T{");
            let mut cursor = 0;
            for f in item.fields().iter().filter(|f| f.code() != Code::Pad) {
                pad(out, f.offset() - cursor);
                if let Some(shape) = f.shape() {
                    let dims: Vec<String> = shape.iter().map(usize::to_string).collect();
                    out.push_str(&format!("({})", dims.join(",")));
                }
                let mut inner = String::new();
                element_text(f, true, &mut inner);
                if f.count() != 1 && !f.code().count_is_length() {
                    // A repeat count goes between the prefix and the code.
                    inner.insert_str(1, &f.count().to_string());
                }
                out.push_str(&inner);
                if let Some(name) = f.name() {
                    out.push_str(&format!(":{name}:"));
                }
                cursor = f.offset() + f.size();
            }
            pad(out, item.element_size() - cursor);
            out.push('}');
        }
        code if code.count_is_length() => {
            out.push(mode);
            out.push_str(&item.count().to_string());
            out.push_str(code.as_str());
        }
        code => {
            out.push(mode);
            out.push_str(code.as_str());
        }
    }
}

/// Explicit padding of `n` bytes.
fn pad(out: &mut String, n: usize) {
    if n > 0 {
        out.push_str(&format!("^{n}x"));
    }
}

impl RawView {
    fn field(&self, name: &str) -> Result<RawView> {
        let members = members(&self.format);
        let Some(item) = members.iter().find(|i| i.name() == Some(name)) else {
            let names: Vec<&str> = members.iter().filter_map(Item::name).collect();
            return Err(Error::index(
                PyErr::ValueError,
                format!("no field of name {name}; the format's fields are {names:?}"),
            ));
        };
        let mut text = String::new();
        element_text(item, false, &mut text);
        let format = Format::parse_with_itemsize(&text, item.element_size())?;
        // A repeat count or a sub-array shape becomes trailing axes, as in NumPy.
        let mut dims: Vec<usize> = item.shape().map(<[usize]>::to_vec).unwrap_or_default();
        if item.count() != 1 && !item.code().count_is_length() {
            dims.push(item.count());
        }
        let l = &self.layout;
        let inner = Layout::c_contiguous(&dims, item.element_size());
        let layout = Layout {
            shape: l.shape.iter().chain(&dims).copied().collect(),
            strides: l.strides.iter().chain(&inner.strides).copied().collect(),
            offset: l.offset + item.offset() as isize,
        };
        RawView::new(self.bytes, format, layout)
    }
}

macro_rules! field_ops {
    ($ty:ident; $($recv:tt)*) => {
        impl<'a> $ty<'a> {
            /// One named field of every record, as a view of the same bytes (NumPy's
            /// `arr['name']`): the field's format, the record's shape and strides, the offset
            /// moved to the field. A repeat count or a sub-array shape (`(2,3)h:m:`) adds
            /// trailing axes. Fields are the members of a lone `T{...}` format or the named
            /// top-level items; an unknown name is an error listing the names there are.
            ///
            /// ```
            /// let rec = [1u8, 0, 0, 0, 0, 0, 0x20, 0x41, 2, 0, 0, 0, 0, 0, 0x30, 0x41];
            /// let v = ndview::View::from_parts(&rec, "T{<i:id:<f:temp:}", &[2], &[8], 0).unwrap();
            /// let temp = v.field("temp").unwrap();
            /// assert_eq!((temp.format().as_str(), temp.strides()), ("<f", &[8isize][..]));
            /// assert_eq!(temp.tolist().unwrap().to_string(), "[10.0, 11.0]");
            /// assert!(v.field("pressure").is_err());
            /// ```
            pub fn field($($recv)* self, name: &str) -> Result<$ty<'a>> {
                let raw = self.raw.field(name)?;
                // A field's bytes lie inside its record's, so distinct records give
                // disjoint fields.
                Ok($ty::wrap(raw))
            }
        }
    };
}

field_ops!(View; &);
field_ops!(ViewMut;);
