//! Reading and writing elements: tobytes, hex, tolist, get/set, typed access, fill, copy.

use super::{Order, RawView, View, ViewMut};
use crate::element::Element;
use crate::error::{Error, Result};
use crate::format::ByteOrder;
use crate::source::IntoView;
use crate::value::Value;
use smallvec::SmallVec;

/// A scratch buffer for one element; most formats fit inline.
type ElementBuf = SmallVec<[u8; 32]>;

impl RawView {
    pub(crate) fn tobytes_into(&self, order: Order, out: &mut [u8], parallel: bool) -> Result<()> {
        crate::engine::gather_into(self, order, out, parallel)
    }

    fn tobytes(&self, order: Order, parallel: bool) -> Result<Vec<u8>> {
        crate::engine::gather(self, order, parallel)
    }

    fn tolist(&self) -> Result<Value> {
        self.format.check_listable()?;
        if self.layout.ndim() == 0 {
            return self.get(&[]);
        }
        let mut values = crate::error::try_vec(self.layout.len(), "tolist")?;
        for bytes in self.elements() {
            values.push(self.format.decode_value(bytes)?);
        }
        let mut it = values.into_iter();
        // An empty view (a zero in its shape) still builds its outer lists, so the lists'
        // lengths, not the element count, bound the memory: `nest` reserves each fallibly.
        crate::format::nest(&self.layout.shape, &mut || {
            Ok(it.next().expect("one value per element"))
        })
    }

    fn get(&self, index: &[usize]) -> Result<Value> {
        self.format.decode_value(self.element(index)?)
    }

    /// The byte order to load `T` with, or an error naming what the view holds.
    pub(crate) fn typed<T: Element>(&self) -> Result<ByteOrder> {
        self.format
            .holds::<T>()
            .ok_or_else(|| Error::wrong_type::<T>(&self.format))
    }

    fn get_as<T: Element>(&self, index: &[usize]) -> Result<T> {
        let order = self.typed::<T>()?;
        // The format holds exactly a `T`.
        Ok(crate::element::load_from(self.element(index)?, order))
    }

    fn hex_with(&self, sep: Option<char>, bytes_per_sep: isize) -> Result<String> {
        let bytes = self.tobytes(Order::C, false)?;
        hex(&bytes, sep, bytes_per_sep)
    }
}

/// `bytes.hex(sep, bytes_per_sep)`: positive counts group from the right, negative from the
/// left, zero means no separator.
fn hex(bytes: &[u8], sep: Option<char>, bytes_per_sep: isize) -> Result<String> {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    if let Some(c) = sep {
        if !c.is_ascii() {
            return Err(Error::Value(format!("sep must be ASCII, got {c:?}")));
        }
    }
    let group = bytes_per_sep.unsigned_abs();
    let room = bytes.len().saturating_mul(3);
    let mut out = String::new();
    out.try_reserve_exact(room).map_err(|_| Error::Alloc {
        bytes: bytes.len() as u128 * 3,
        what: "hex",
    })?;
    // Where the first group ends: from the right, the remainder comes first.
    let first = match (sep, group) {
        (Some(_), g) if g > 0 && bytes_per_sep > 0 => match bytes.len() % g {
            0 => g,
            r => r,
        },
        (Some(_), g) if g > 0 => g,
        _ => usize::MAX,
    };
    for (i, &b) in bytes.iter().enumerate() {
        if i > 0 && i >= first && (i - first) % group == 0 {
            out.push(sep.expect("grouping only with a separator"));
        }
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 15)] as char);
    }
    Ok(out)
}

/// The read operations both view types share.
macro_rules! read_ops {
    ($ty:ident) => {
        impl<'a> $ty<'a> {
            /// The elements' bytes in the given order, exactly as `memoryview.tobytes(order)`:
            /// works for every format, including ones ndview cannot decode.
            ///
            /// ```
            /// use ndview::{Order, View};
            /// let data = [1u8, 2, 3, 4, 5, 6];
            /// let t = View::from_bytes(&data).reshape(&[2, 3]).unwrap().transpose();
            /// assert_eq!(t.tobytes(Order::C)?, [1, 4, 2, 5, 3, 6]);
            /// assert_eq!(t.tobytes(Order::F)?, [1, 2, 3, 4, 5, 6]);
            /// assert_eq!(t.tobytes(Order::A)?, [1, 2, 3, 4, 5, 6]); // F-contiguous: memory order
            /// # Ok::<(), ndview::Error>(())
            /// ```
            ///
            /// The only error is [`Error::Alloc`](crate::Error::Alloc): a view can describe
            /// more bytes than memory holds (`broadcast_to` of one byte to `[1 << 40]`), as
            /// NumPy's `tobytes` raises `MemoryError` there.
            pub fn tobytes(&self, order: Order) -> Result<Vec<u8>> {
                self.raw.tobytes(order, false)
            }

            /// [`Self::tobytes`], split across rayon's pool for large views.
            pub fn par_tobytes(&self, order: Order) -> Result<Vec<u8>> {
                self.raw.tobytes(order, true)
            }

            /// Like [`Self::tobytes`], into a buffer of exactly `nbytes()` bytes, for reuse.
            pub fn tobytes_into(&self, order: Order, out: &mut [u8]) -> Result<()> {
                self.raw.tobytes_into(order, out, false)
            }

            /// [`Self::tobytes_into`], split across rayon's pool for large views.
            pub fn par_tobytes_into(&self, order: Order, out: &mut [u8]) -> Result<()> {
                self.raw.tobytes_into(order, out, true)
            }

            /// The elements as nested lists (a 0-d view gives its element), like
            /// `memoryview.tolist()`. Every format decodes, including non-native byte orders,
            /// unaligned elements and compound formats (an element with several values is a
            /// tuple), where memoryview refuses all but native single characters.
            ///
            /// ```
            /// let bytes = [0x01u8, 0x00, 0x00, 0x02, 0xff, 0xff];
            /// let v = ndview::View::from_parts(&bytes, ">h", &[3], &[2], 0).unwrap();
            /// assert_eq!(v.tolist().unwrap().to_string(), "[256, 2, -1]");
            /// ```
            pub fn tolist(&self) -> Result<Value> {
                self.raw.tolist()
            }

            /// `memoryview.hex()`: the C-order bytes as lowercase hex digits ([`Error::Alloc`](crate::Error::Alloc)
            /// when they do not fit in memory).
            pub fn hex(&self) -> Result<String> {
                self.raw.hex_with(None, 0)
            }

            /// `memoryview.hex(sep, bytes_per_sep)`: a separator every `bytes_per_sep` bytes,
            /// counted from the right when positive and from the left when negative.
            ///
            /// ```
            /// let b = [0xb9u8, 0x01, 0xef, 0x00, 0x11];
            /// let v = ndview::View::from_bytes(&b);
            /// assert_eq!(v.hex_with(':', 2).unwrap(), "b9:01ef:0011");
            /// assert_eq!(v.hex_with(':', -2).unwrap(), "b901:ef00:11");
            /// ```
            pub fn hex_with(&self, sep: char, bytes_per_sep: isize) -> Result<String> {
                self.raw.hex_with(Some(sep), bytes_per_sep)
            }

            /// One element (one index per dimension) as a [`Value`]. Negative indices, counting
            /// from the end, go through [`slice_str`](View::slice_str) or [`s!`](crate::s), as
            /// in ndarray.
            ///
            /// ```
            /// use ndview::{s, Value, View};
            /// let data = [1.5f32, 2.5, 3.5, 4.5];
            /// let v = View::from_slice(&data).reshape(&[2, 2]).unwrap();
            /// assert_eq!(v.get(&[1, 0]).unwrap(), Value::Float(3.5));
            /// assert_eq!(v.slice(s![-1, 0]).unwrap().get(&[]).unwrap(), Value::Float(3.5));
            /// assert!(v.get(&[2, 0]).is_err()); // IndexError in Python
            /// ```
            pub fn get(&self, index: &[usize]) -> Result<Value> {
                self.raw.get(index)
            }

            /// One element as `T`, which the format must hold exactly (any byte order,
            /// aligned or not).
            pub fn get_as<T: Element>(&self, index: &[usize]) -> Result<T> {
                self.raw.get_as(index)
            }
        }
    };
}

read_ops!(View);
read_ops!(ViewMut);

impl<'a> ViewMut<'a> {
    /// Packs `value` into the element at `index` (as `memoryview.__setitem__` does, for every
    /// format that [`Format::pack`](crate::Format::pack) takes).
    ///
    /// ```
    /// use ndview::{Value, ViewMut};
    /// let mut data = [0u8; 8];
    /// let mut v = ViewMut::from_parts(&mut data, "<hxx", &[2], &[4], 0).unwrap();
    /// v.set(&[1], &Value::Int(-2)).unwrap();
    /// assert!(v.set(&[0], &Value::Int(40_000)).is_err()); // out of range for 'h', as struct says
    /// assert_eq!(data, [0, 0, 0, 0, 0xfe, 0xff, 0, 0]);
    /// ```
    pub fn set(&mut self, index: &[usize], value: &Value) -> Result<()> {
        let mut buf: ElementBuf = smallvec::smallvec![0; self.itemsize()];
        self.raw.format.pack_into(value, &mut buf)?;
        self.element_mut(index)?.copy_from_slice(&buf);
        Ok(())
    }

    /// Stores `value` as the element at `index`; the format must hold exactly a `T`.
    pub fn set_as<T: Element>(&mut self, index: &[usize], value: T) -> Result<()> {
        let order = self.raw.typed::<T>()?;
        // The format holds exactly a `T`.
        crate::element::store_to(value, self.element_mut(index)?, order);
        Ok(())
    }

    /// Writes `value` (packed once) into every element.
    pub fn fill_value(&mut self, value: &Value) -> Result<()> {
        self.fill_value_with(value, false)
    }

    /// [`ViewMut::fill_value`] split across rayon's pool for large views.
    pub fn par_fill_value(&mut self, value: &Value) -> Result<()> {
        self.fill_value_with(value, true)
    }

    fn fill_value_with(&mut self, value: &Value, parallel: bool) -> Result<()> {
        let mut buf: ElementBuf = smallvec::smallvec![0; self.itemsize()];
        self.raw.format.pack_into(value, &mut buf)?;
        crate::engine::fill(self, &buf, parallel);
        Ok(())
    }

    /// Copies `src` into this view element by element, like `dest[...] = src` for
    /// memoryviews: the formats must match (ignoring a leading `@`) and the shapes must be
    /// equal up to the first zero-length axis. Any layouts work; when the two views share
    /// memory the source is read completely before anything is written.
    ///
    /// ```
    /// use ndview::{View, ViewMut};
    /// let src = [1i32, 2, 3, 4];
    /// let mut dst = [0i32; 4];
    /// let mut d = ViewMut::from_slice(&mut dst);
    /// d.copy_from(&View::from_slice(&src).slice_str("::-1").unwrap()).unwrap();
    /// assert_eq!(dst, [4, 3, 2, 1]);
    /// ```
    pub fn copy_from<'v>(&mut self, src: impl IntoView<'v>) -> Result<()> {
        let src = src.view_cow();
        self.copy_from_with(&src, false)
    }

    /// [`ViewMut::copy_from`] split across rayon's pool for large views.
    pub fn par_copy_from<'v>(&mut self, src: impl IntoView<'v>) -> Result<()> {
        let src = src.view_cow();
        self.copy_from_with(&src, true)
    }

    fn copy_from_with(&mut self, src: &View<'_>, parallel: bool) -> Result<()> {
        let strip = |f: &str| f.strip_prefix('@').unwrap_or(f).to_owned();
        let (d, s) = (&self.raw, &src.raw);
        if strip(d.format.as_str()) != strip(s.format.as_str())
            || d.itemsize() != s.itemsize()
            || !equiv_shape(&d.layout.shape, &s.layout.shape)
        {
            return Err(Error::Assign {
                dst_format: d.format.as_str().to_owned(),
                dst_shape: d.layout.shape.to_vec(),
                src_format: s.format.as_str().to_owned(),
                src_shape: s.layout.shape.to_vec(),
            });
        }
        crate::engine::copy_view(self, &src.raw, parallel)
    }
}

/// memoryview's `equiv_shape`: same number of dimensions, equal lengths up to the first 0.
pub(crate) fn equiv_shape(a: &[usize], b: &[usize]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    for (&x, &y) in a.iter().zip(b) {
        if x != y {
            return false;
        }
        if x == 0 {
            break;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    #[test]
    fn hex_groups_like_python() {
        let b = [0xb9u8, 0x01, 0xef, 0x00, 0x11];
        assert_eq!(super::hex(&b, Some(':'), 2).unwrap(), "b9:01ef:0011");
        assert_eq!(super::hex(&b, Some(':'), -2).unwrap(), "b901:ef00:11");
        assert_eq!(super::hex(&b, Some('-'), 1).unwrap(), "b9-01-ef-00-11");
        assert_eq!(super::hex(&b, Some('-'), 0).unwrap(), "b901ef0011");
        assert_eq!(super::hex(&b, Some('-'), 5).unwrap(), "b901ef0011");
        assert_eq!(super::hex(&b, Some('-'), 9).unwrap(), "b901ef0011");
        assert_eq!(super::hex(&[], Some('-'), 2).unwrap(), "");
        assert!(super::hex(&b, Some('é'), 2).is_err());
    }

    /// The two halves of a split interleave in one buffer; each thread reads and writes only
    /// its own half's elements through every accessor, so Miri sees no race.
    #[test]
    fn split_halves_touch_only_their_own_elements() {
        use crate::{Value, ViewMut};
        // i32 storage, so that the typed references are aligned (Miri places a byte array
        // anywhere).
        let mut data = [0i32; 4 * 6];
        let bytes: &mut [u8] = bytemuck::cast_slice_mut(&mut data);
        let v = ViewMut::from_parts(bytes, "=i", &[4, 6], &[24, 4], 0).unwrap();
        let (mut left, mut right) = v.split_at(1, 3).unwrap();
        assert!(left.contiguous_bytes_mut().is_none());
        std::thread::scope(|s| {
            s.spawn(move || {
                for round in 0..3i32 {
                    for i in 0..4 {
                        for j in 0..3 {
                            left.set_as(&[i, j], round).unwrap();
                        }
                    }
                    left.set(&[0, 0], &Value::Int(-1)).unwrap();
                }
            });
            s.spawn(move || {
                for _ in 0..3 {
                    right.set_as(&[3, 2], 7i32).unwrap();
                    let view = right.as_view();
                    let sum: i32 = view.iter_as::<i32>().unwrap().sum();
                    assert_eq!(sum, 7);
                    let typed: i32 = view.typed::<i32>().unwrap().iter().sum();
                    assert_eq!(typed, 7);
                    assert_eq!(view.get_as::<i32>(&[3, 2]).unwrap(), 7);
                    assert!(view.contiguous_bytes().is_none());
                    assert!(view.tolist().is_ok());
                }
            });
        });
        assert_eq!(data[0], -1);
        assert_eq!(data[6 + 2], 2);
        assert_eq!(data[3 * 6 + 5], 7);
        assert_eq!(data.iter().filter(|&&x| x == 0).count(), 11);
    }
}
