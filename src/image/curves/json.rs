//! Curves as JSON, written by hand (the library has no JSON dependency):
//!
//! ```text
//! {"width":W,"height":H,"options":{"name":"value",...},"point_count":N,
//!  "curves":[{"id":0,"closed":false,"x":[...],"y":[...],"strength":[...],"direction":[...]},...]}
//! ```
//!
//! Numbers are written in the shortest form that reads back to the same `f32`; every point
//! value is finite (the detection makes no others), and a non-finite one is written `null`.

use std::io::{self, Write};

use super::{write_each, Curves, EdgePoint};

/// Writes `curves` as JSON to `w`, with `options` as an object of strings.
///
/// ```
/// use edgegrad::image::curves::{json, Curve, Curves, EdgePoint};
/// let p = EdgePoint { x: 1.5, y: 2.0, strength: 0.25, direction: -1.0 };
/// let c = Curves { width: 4, height: 3, curves: vec![Curve { points: vec![p], closed: true }] };
/// let mut out = Vec::new();
/// json::write(&mut out, &c, &[("rule", "canny".to_string())])?;
/// let text = String::from_utf8(out).unwrap();
/// assert!(text.starts_with(r#"{"width":4,"height":3,"options":{"rule":"canny"},"point_count":1,"#));
/// assert!(text.contains(r#""closed":true,"x":[1.5],"y":[2],"#));
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn write(w: &mut dyn Write, curves: &Curves, options: &[(&str, String)]) -> io::Result<()> {
    write!(
        w,
        "{{\"width\":{},\"height\":{},\"options\":{{",
        curves.width, curves.height
    )?;
    for (i, (name, value)) in options.iter().enumerate() {
        let comma = if i == 0 { "" } else { "," };
        write!(w, "{comma}{}:{}", quoted(name), quoted(value))?;
    }
    write!(
        w,
        "}},\"point_count\":{},\"curves\":[",
        curves.point_count()
    )?;
    write_each(w, &curves.curves, |id, curve, out| {
        let comma = if id == 0 { "" } else { "," };
        write!(out, "{comma}\n{{\"id\":{id},\"closed\":{}", curve.closed)?;
        let fields: [(&str, Field); 4] = [
            ("x", |p| p.x),
            ("y", |p| p.y),
            ("strength", |p| p.strength),
            ("direction", |p| p.direction),
        ];
        for (name, field) in fields {
            write!(out, ",\"{name}\":[")?;
            for (i, p) in curve.points.iter().enumerate() {
                let comma = if i == 0 { "" } else { "," };
                out.write_all(comma.as_bytes())?;
                number(out, field(p))?;
            }
            write!(out, "]")?;
        }
        write!(out, "}}")
    })?;
    writeln!(w, "]}}")
}

/// How a value is read from a point.
type Field = fn(&EdgePoint) -> f32;

/// Writes a finite number as JSON does; `null` for NaN and infinities, which JSON lacks.
fn number(out: &mut Vec<u8>, v: f32) -> io::Result<()> {
    if v.is_finite() {
        write!(out, "{v}")
    } else {
        out.write_all(b"null")
    }
}

/// A JSON string literal: quotes, backslashes and control characters escaped.
fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped_and_non_finite_numbers_are_null() {
        assert_eq!(quoted("a\"b\\c\nd"), r#""a\"b\\c\u000ad""#);
        let text = |v| {
            let mut out = Vec::new();
            number(&mut out, v).unwrap();
            String::from_utf8(out).unwrap()
        };
        assert_eq!(text(f32::NAN), "null");
        assert_eq!(text(f32::INFINITY), "null");
        assert_eq!(text(-0.125), "-0.125");
    }
}
