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

use super::{Curves, EdgePoint};

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
    for (id, curve) in curves.curves.iter().enumerate() {
        let comma = if id == 0 { "" } else { "," };
        write!(w, "{comma}\n{{\"id\":{id},\"closed\":{}", curve.closed)?;
        let fields: [(&str, Field); 4] = [
            ("x", |p| p.x),
            ("y", |p| p.y),
            ("strength", |p| p.strength),
            ("direction", |p| p.direction),
        ];
        for (name, field) in fields {
            write!(w, ",\"{name}\":[")?;
            for (i, p) in curve.points.iter().enumerate() {
                let comma = if i == 0 { "" } else { "," };
                write!(w, "{comma}{}", number(field(p)))?;
            }
            write!(w, "]")?;
        }
        write!(w, "}}")?;
    }
    writeln!(w, "]}}")
}

/// How a value is read from a point.
type Field = fn(&EdgePoint) -> f32;

/// A finite number as JSON writes it; `null` for NaN and infinities, which JSON lacks.
fn number(v: f32) -> String {
    if v.is_finite() {
        v.to_string()
    } else {
        "null".to_string()
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
        assert_eq!(number(f32::NAN), "null");
        assert_eq!(number(f32::INFINITY), "null");
        assert_eq!(number(-0.125), "-0.125");
    }
}
