//! The one error type of the crate.

use std::fmt;

/// The Python exception that CPython or NumPy raises for the same mistake.
///
/// ndview reports errors as Rust values, but where the behaviour is matched against CPython or
/// NumPy the error also records which Python exception the reference raises, so differential
/// tests can check the class as well as the outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PyErr {
    /// `struct.error` (bad format strings, pack range errors).
    StructError,
    /// `TypeError`.
    TypeError,
    /// `ValueError`.
    ValueError,
    /// `IndexError`.
    IndexError,
    /// `OverflowError`.
    OverflowError,
    /// `NotImplementedError`.
    NotImplementedError,
    /// `BufferError`.
    BufferError,
    /// `MemoryError`.
    MemoryError,
}

impl fmt::Display for PyErr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PyErr::StructError => "struct.error",
            PyErr::TypeError => "TypeError",
            PyErr::ValueError => "ValueError",
            PyErr::IndexError => "IndexError",
            PyErr::OverflowError => "OverflowError",
            PyErr::NotImplementedError => "NotImplementedError",
            PyErr::BufferError => "BufferError",
            PyErr::MemoryError => "MemoryError",
        })
    }
}

/// Everything that can go wrong in ndview.
///
/// Every message says what was wrong, where, and what would have been accepted.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A format string could not be parsed.
    #[error("bad format {format:?} at position {position}: {reason}")]
    Format {
        /// The format string as given.
        format: String,
        /// Character position (0-based) of the offending character.
        position: usize,
        /// What was wrong there and what would be accepted.
        reason: String,
    },
    /// A value could not be packed into a format (what `struct.pack` refuses).
    #[error("cannot pack: {reason}")]
    Pack {
        /// What was wrong and what the format accepts.
        reason: String,
        /// The exception CPython's `struct.pack` raises.
        python: PyErr,
    },
    /// Bytes could not be unpacked (wrong length, undecodable format).
    #[error("cannot unpack: {0}")]
    Unpack(String),
    /// The format holds values ndview does not decode or encode (`g`, `Zg`, `u`, `w`): their
    /// bytes can be viewed, sliced, copied and written out, not read as values. Python:
    /// `NotImplementedError`, as memoryview raises.
    #[error(
        "format code '{}' holds values ndview does not decode (long double or UCS \
         characters); tobytes, hex, slicing, shape operations and casts to 'B' work on its \
         bytes",
        code.as_str()
    )]
    Undecodable {
        /// The code whose values were asked for.
        code: crate::format::Code,
    },
    /// A view's geometry does not fit its buffer, or overflows.
    #[error("invalid view geometry: {0}")]
    Geometry(String),
    /// An index or slice was out of range or malformed.
    #[error("{reason}")]
    Index {
        /// What was wrong and what would be accepted.
        reason: String,
        /// The exception NumPy raises for the same index.
        python: PyErr,
    },
    /// An index expression (`slice_str`) could not be parsed.
    #[error("bad index expression {expr:?} at position {position}: {reason}")]
    IndexSyntax {
        /// The expression as given.
        expr: String,
        /// Character position (0-based) of the offending character.
        position: usize,
        /// What was wrong there and what would be accepted.
        reason: String,
    },
    /// `memoryview.cast` (or `view_as`) refuses the cast.
    #[error("cannot cast: {reason}")]
    Cast {
        /// What was wrong and what would be accepted.
        reason: String,
        /// The exception CPython (or NumPy for `view_as`) raises.
        python: PyErr,
    },
    /// A copy between views whose formats or shapes differ: memoryview's assignment rule
    /// (same structure) for [`ViewMut::copy_from`](crate::ViewMut::copy_from), whose
    /// `ValueError` reads "lvalue and rvalue have different structures".
    #[error(
        "cannot copy a view of format {src_format:?} and shape {src_shape:?} into one of format \
         {dst_format:?} and shape {dst_shape:?}: the formats and shapes must be the same \
         (astype_into converts formats; broadcast_to stretches shapes)"
    )]
    Assign {
        /// The destination's format.
        dst_format: String,
        /// The destination's shape.
        dst_shape: Vec<usize>,
        /// The source's format.
        src_format: String,
        /// The source's shape.
        src_shape: Vec<usize>,
    },
    /// An argument out of what the operation accepts (a separator that is not ASCII, ...).
    #[error("invalid argument: {0}")]
    Value(String),
    /// A shape operation (reshape, broadcast, permute, ...) is impossible for this view.
    #[error("shape error: {0}")]
    Shape(String),
    /// A write was attempted through a read-only view.
    #[error("read-only view: {0}")]
    ReadOnly(String),
    /// A typed access asked for a Rust type that the view's format does not hold.
    #[error("type mismatch: {0}")]
    Type(String),
    /// Memory for a result could not be allocated: the size the caller asked for does not
    /// fit in this machine's memory (NumPy raises `MemoryError`). Nothing was changed.
    #[error(
        "cannot allocate {bytes} bytes for {what}; make the result smaller, or stream it \
         (write_to, chunks) instead of materialising it"
    )]
    Alloc {
        /// The bytes that were asked for (at least this many when the count overflowed).
        bytes: u128,
        /// What the memory was for.
        what: &'static str,
    },
    /// An axis number outside `-ndim..ndim` (NumPy's `AxisError`, an `IndexError` and a
    /// `ValueError` at once; memoryview has no axes).
    #[error("{}", axis_message(*axis, *ndim))]
    Axis {
        /// The axis as given (negative counts from the end).
        axis: isize,
        /// The number of dimensions it was checked against.
        ndim: usize,
    },
    /// Shapes that do not broadcast together (NumPy's rule: aligned from the right, each
    /// axis equal or 1).
    #[error(
        "operands could not be broadcast together with shapes {}; aligned from the right, \
         each axis must be equal or 1",
        .shapes.iter().map(|s| format!("{s:?}")).collect::<Vec<_>>().join(" ")
    )]
    Broadcast {
        /// The shapes, in the order given (a target shape last, for `broadcast_to`).
        shapes: Vec<Vec<usize>>,
    },
    /// More dimensions than CPython and NumPy allow (64); checked in one place.
    #[error("{ndim} dimensions; at most {max} are allowed (the limit of CPython and NumPy)", max = crate::MAX_NDIM)]
    TooManyDims {
        /// The number of dimensions asked for.
        ndim: usize,
    },
    /// A reduction with no identity (`min`, `max`, `argmin`, ...) over no elements.
    #[error(
        "zero-size array to reduction operation {op} which has no identity; reduce a \
         non-empty view or axis"
    )]
    EmptyReduction {
        /// The reduction's NumPy name (`minimum`, `maximum`, `argmin`, ...).
        op: &'static str,
    },
    /// A typed access or kernel asked for a Rust type the view's format does not hold.
    #[error(
        "the view's format {format:?} does not hold {rust} (format {wanted:?}); cast, view_as \
         or astype first"
    )]
    WrongType {
        /// The view's format.
        format: String,
        /// The format the Rust type has (`T::FORMAT`).
        wanted: &'static str,
        /// The Rust type's name.
        rust: &'static str,
    },
    /// An I/O operation failed.
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
}

/// NumPy's `AxisError` text, with the axes that would be accepted.
fn axis_message(axis: isize, ndim: usize) -> String {
    let head = format!("axis {axis} is out of bounds for array of dimension {ndim}");
    match ndim {
        0 => format!("{head}; a 0-d view has no axes"),
        n => format!("{head}; axes run from -{n} to {}", n - 1),
    }
}

impl Error {
    /// [`Error::Axis`] for an axis given as `usize` (one past `isize::MAX` reads as
    /// `isize::MAX`, never as a negative axis).
    pub(crate) fn axis_usize(axis: usize, ndim: usize) -> Error {
        Error::Axis {
            axis: isize::try_from(axis).unwrap_or(isize::MAX),
            ndim,
        }
    }

    /// The Python exception CPython or NumPy raises for the same mistake, where one is defined.
    pub fn python_type(&self) -> Option<PyErr> {
        match self {
            Error::Format { .. } => Some(PyErr::StructError),
            Error::Pack { python, .. }
            | Error::Index { python, .. }
            | Error::Cast { python, .. } => Some(*python),
            Error::Unpack(_) => Some(PyErr::StructError),
            Error::ReadOnly(_) => Some(PyErr::TypeError),
            Error::Shape(_)
            | Error::Assign { .. }
            | Error::Value(_)
            | Error::Geometry(_)
            | Error::Broadcast { .. }
            | Error::TooManyDims { .. }
            | Error::EmptyReduction { .. } => Some(PyErr::ValueError),
            Error::Axis { .. } => Some(PyErr::IndexError),
            Error::WrongType { .. } | Error::Type(_) => Some(PyErr::TypeError),
            Error::Alloc { .. } => Some(PyErr::MemoryError),
            Error::Undecodable { .. } => Some(PyErr::NotImplementedError),
            _ => None,
        }
    }

    pub(crate) fn format(format: &str, position: usize, reason: impl Into<String>) -> Error {
        Error::Format {
            format: format.to_owned(),
            position,
            reason: reason.into(),
        }
    }

    pub(crate) fn pack(python: PyErr, reason: impl Into<String>) -> Error {
        Error::Pack {
            reason: reason.into(),
            python,
        }
    }

    pub(crate) fn index(python: PyErr, reason: impl Into<String>) -> Error {
        Error::Index {
            reason: reason.into(),
            python,
        }
    }

    /// [`Error::WrongType`] for a view of `format` read as `T`.
    pub(crate) fn wrong_type<T: crate::Element>(format: &crate::Format) -> Error {
        Error::WrongType {
            format: format.as_str().to_owned(),
            wanted: T::FORMAT,
            rust: std::any::type_name::<T>(),
        }
    }

    /// [`Error::TooManyDims`] unless `ndim` is within [`MAX_NDIM`](crate::MAX_NDIM): the one
    /// check of the dimension limit.
    pub(crate) fn check_ndim(ndim: usize) -> Result<()> {
        if ndim > crate::MAX_NDIM {
            return Err(Error::TooManyDims { ndim });
        }
        Ok(())
    }

    pub(crate) fn cast(python: PyErr, reason: impl Into<String>) -> Error {
        Error::Cast {
            reason: reason.into(),
            python,
        }
    }
}

/// A vector with room for `n` values, or [`Error::Alloc`] when the memory cannot be had:
/// every allocation whose size comes from a caller goes through here (or `try_reserve`).
pub(crate) fn try_vec<T>(n: usize, what: &'static str) -> Result<Vec<T>> {
    let mut v = Vec::new();
    v.try_reserve_exact(n).map_err(|_| Error::Alloc {
        bytes: n as u128 * std::mem::size_of::<T>() as u128,
        what,
    })?;
    Ok(v)
}

/// `Result` with ndview's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
