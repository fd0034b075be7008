//! The guided tour: what ndview does, step by step. Run it with
//! `cargo run --release --example tour`.

use ndview::{Format, Value};

fn main() -> Result<(), ndview::Error> {
    println!("== Formats: struct and PEP 3118 strings ==");
    for text in [
        "<hd",
        "hd",
        "3s?",
        "T{i:a:=d:b:}",
        "T{B:a:(2,3)=h:b:}",
        "Zd",
        "T{l:a:B:b:}",
    ] {
        let f = Format::parse(text)?;
        let items: Vec<String> = f
            .items()
            .iter()
            .map(|i| {
                let name = i.name().map(|n| format!(" {n:?}")).unwrap_or_default();
                format!("{}x{}@{}{}", i.count(), i.code().as_str(), i.offset(), name)
            })
            .collect();
        println!(
            "{text:>20}  itemsize {:>2}  align {}  items [{}]",
            f.itemsize(),
            f.alignment(),
            items.join(", ")
        );
    }

    println!("\n== Unpack and pack, exactly as struct does ==");
    let f = Format::parse("<h2s?e")?;
    let bytes = [0xfe, 0xff, b'h', b'i', 7, 0x00, 0x3c];
    let v = f.unpack(&bytes)?;
    println!("unpack({bytes:02x?}) = {v}");
    let packed = f.pack(&v)?;
    println!("pack({v}) = {packed:02x?}   ('?' normalises 7 to 1)");
    let err = Format::parse("b")?.pack(&Value::Int(200)).unwrap_err();
    println!("pack('b', 200) -> {err}");

    println!("\n== Bad formats say where and what would be accepted ==");
    for bad in ["3 i", "<P", "T{ii", "i@"] {
        println!("{bad:>6}: {}", Format::parse(bad).unwrap_err());
    }
    Ok(())
}
