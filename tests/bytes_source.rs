//! `bytes::Bytes` and `BytesMut` as view sources (feature `bytes`): views of their bytes
//! without copying, writable through `BytesMut`.
#![cfg(feature = "bytes")]

use ndview::{AsView, AsViewMut, Value};

#[test]
fn bytes_are_viewed_in_place() {
    let b = bytes::Bytes::from(vec![1u8, 0, 2, 0, 3, 0]);
    let v = b.as_view();
    assert_eq!(v.contiguous_bytes().unwrap().as_ptr(), b.as_ptr());
    let w = v.view_as("<H").unwrap();
    assert_eq!(w.tolist().unwrap().to_string(), "[1, 2, 3]");
}

#[test]
fn bytes_mut_is_written_in_place() {
    let mut b = bytes::BytesMut::zeroed(4);
    {
        let mut v = b.as_view_mut();
        v.set(&[2], &Value::Int(7)).unwrap();
        assert!(v.set(&[4], &Value::Int(1)).is_err());
    }
    assert_eq!(&b[..], &[0, 0, 7, 0]);
    assert_eq!(b.as_view().hex().unwrap(), "00000700");
}
