//! `.npy` files from anyone: `read_npy` gives an error (one line) or an array whose shape is
//! the header's and whose data is exactly the rest of the file; `gradient` and `diff` on what
//! was read, with fuzzed axes, edge orders, spacings (scalars of any value, coordinates of any
//! length) and `n`/`axis`/`prepend`/`append`, give an error or results of the promised shapes,
//! never a panic.
//!
//! Input: the options ([`Calls`], the first 64 bytes), then the file's bytes.
#![no_main]

use arbitrary::Arbitrary;
use edgegrad::any_array;
use edgegrad::io::npy::{read_npy, AnyArray, DType};
use edgegrad::numeric::diff::{diff, DiffOptions};
use edgegrad::numeric::gradient::{gradient, GradientOptions, Spacing};
use edgegrad_fuzz::{one_line, scratch_file, split};
use libfuzzer_sys::fuzz_target;
use ndarray::{Array1, ArrayD, Axis, IxDyn};
use ndarray_npy::npy::header::Header;
use py_literal::Value as PyValue;

/// One spacing of `gradient`.
#[derive(Arbitrary, Debug)]
enum FuzzSpacing {
    Scalar(f64),
    /// Coordinates `0, 1, ...` scaled, of this length (most often the axis's: 255 means that).
    Coordinates {
        len: u8,
        scale: f64,
    },
    Coordinates32 {
        len: u8,
        scale: f32,
    },
}

#[derive(Arbitrary, Debug)]
struct Calls {
    /// Selected axes, when given.
    axes: Option<[i8; 2]>,
    /// How many axes `axes` names (1 or 2).
    two_axes: bool,
    edge_order: u8,
    spacing: [FuzzSpacing; 2],
    /// How many spacings are given (0 to 2).
    spacings: u8,
    n: u8,
    axis: i8,
    /// Prepend / append: none, a 0-d array of this value, or the array's first slice along
    /// the axis.
    prepend: u8,
    append: u8,
}

fuzz_target!(|data: &[u8]| {
    let Ok((calls, file)) = split::<Calls>(data) else {
        return;
    };
    let path = scratch_file("in.npy", file);
    let array = match read_npy(&path) {
        Ok(a) => a,
        Err(e) => {
            one_line(&e);
            return;
        }
    };
    check_against_header(&array, file);
    run_gradient(&array, &calls);
    run_diff(&array, &calls);
});

/// The array read has the header's shape, dtype and order, and the data is the rest of the file.
fn check_against_header(array: &AnyArray, file: &[u8]) {
    let mut reader = file;
    let header = Header::from_reader(&mut reader).expect("read_npy accepted the header");
    let data = reader;
    assert_eq!(array.shape(), header.shape.as_slice());
    let PyValue::String(descr) = &header.type_descriptor else {
        panic!("read_npy accepted a descriptor that is not a string")
    };
    assert_eq!(numpy_dtype(descr), Some(array.dtype()), "{descr:?}");
    let elements: usize = header.shape.iter().product();
    assert_eq!(elements * array.dtype().size(), data.len());
    if let AnyArray::U8(a) = array {
        // One byte an element: the values are the data, in the header's order.
        let logical: Vec<u8> = if header.layout.is_fortran() {
            a.t().iter().copied().collect()
        } else {
            a.iter().copied().collect()
        };
        assert_eq!(logical, data);
    }
}

/// numpy's type of a descriptor (`<f8`, `|u1`, `?`): the byte order, then the kind and size.
fn numpy_dtype(descr: &str) -> Option<DType> {
    let code = descr.strip_prefix(['<', '>', '|', '=']).unwrap_or(descr);
    let (kind, size) = match code {
        "?" => ('b', 1),
        "b" => ('i', 1),
        "B" => ('u', 1),
        _ => {
            let mut chars = code.chars();
            (chars.next()?, chars.as_str().parse::<usize>().ok()?)
        }
    };
    let all = [
        DType::Bool,
        DType::I8,
        DType::I16,
        DType::I32,
        DType::I64,
        DType::U8,
        DType::U16,
        DType::U32,
        DType::U64,
        DType::F32,
        DType::F64,
    ];
    let kind_of = |d: DType| match d {
        DType::Bool => 'b',
        DType::F32 | DType::F64 => 'f',
        DType::U8 | DType::U16 | DType::U32 | DType::U64 => 'u',
        _ => 'i',
    };
    all.into_iter()
        .find(|&d| kind_of(d) == kind && d.size() == size)
}

fn spacing_of(s: &FuzzSpacing, axis_len: usize) -> Spacing {
    let len = |l: u8| if l == 255 { axis_len } else { usize::from(l) };
    match *s {
        FuzzSpacing::Scalar(h) => Spacing::Scalar(h),
        FuzzSpacing::Coordinates { len: l, scale } => {
            Spacing::Coordinates(Array1::from_shape_fn(len(l), |i| i as f64 * scale))
        }
        FuzzSpacing::Coordinates32 { len: l, scale } => {
            Spacing::Coordinates32(Array1::from_shape_fn(len(l), |i| i as f32 * scale))
        }
    }
}

fn run_gradient(array: &AnyArray, calls: &Calls) {
    let ndim = array.shape().len();
    let axes = calls.axes.map(|[a, b]| {
        let mut axes = vec![isize::from(a)];
        if calls.two_axes {
            axes.push(isize::from(b));
        }
        axes
    });
    let axis_len = |i: usize| {
        let axis = match &axes {
            Some(axes) => axes
                .get(i)
                .map(|&a| a.rem_euclid(ndim.max(1) as isize) as usize),
            None => Some(i),
        };
        axis.and_then(|a| array.shape().get(a).copied())
            .unwrap_or(0)
    };
    let spacing = (0..usize::from(calls.spacings % 3))
        .map(|i| spacing_of(&calls.spacing[i], axis_len(i)))
        .collect();
    let options = GradientOptions {
        spacing,
        axes: axes.clone(),
        edge_order: usize::from(calls.edge_order % 4),
        ..GradientOptions::default()
    };
    let result = match array {
        AnyArray::Bool(_) => return,
        AnyArray::F32(a) => gradient(a, &options).map(|v| shapes(&v)),
        AnyArray::F64(a) => gradient(a, &options).map(|v| shapes(&v)),
        AnyArray::I8(a) => gradient(a, &options).map(|v| shapes(&v)),
        AnyArray::I16(a) => gradient(a, &options).map(|v| shapes(&v)),
        AnyArray::I32(a) => gradient(a, &options).map(|v| shapes(&v)),
        AnyArray::I64(a) => gradient(a, &options).map(|v| shapes(&v)),
        AnyArray::U8(a) => gradient(a, &options).map(|v| shapes(&v)),
        AnyArray::U16(a) => gradient(a, &options).map(|v| shapes(&v)),
        AnyArray::U32(a) => gradient(a, &options).map(|v| shapes(&v)),
        AnyArray::U64(a) => gradient(a, &options).map(|v| shapes(&v)),
    };
    match result {
        Ok(shapes) => {
            let selected = axes.as_ref().map_or(ndim, Vec::len);
            assert_eq!(shapes.len(), selected, "one derivative per selected axis");
            for s in shapes {
                assert_eq!(s, array.shape(), "a derivative of another shape");
            }
        }
        Err(e) => {
            one_line(&e);
        }
    }
}

fn shapes<T, D: ndarray::Dimension>(v: &[ndarray::Array<T, D>]) -> Vec<Vec<usize>> {
    v.iter().map(|a| a.shape().to_vec()).collect()
}

/// What to put before or after the array: nothing, a 0-d array of the first element, or the
/// first slice along the axis.
fn boundary<T: Clone>(a: &ArrayD<T>, choice: u8, axis: isize) -> Option<ArrayD<T>> {
    match choice % 3 {
        0 => None,
        1 => a.first().map(|v| ArrayD::from_elem(IxDyn(&[]), v.clone())),
        _ => {
            let ndim = a.ndim();
            if ndim == 0 {
                return None;
            }
            let axis = Axis(axis.rem_euclid(ndim as isize) as usize);
            (a.len_of(axis) > 0).then(|| a.index_axis(axis, 0).insert_axis(axis).to_owned())
        }
    }
}

fn run_diff(array: &AnyArray, calls: &Calls) {
    let n = usize::from(calls.n % 5);
    let axis = isize::from(calls.axis);
    let shape = any_array!(array, a => {
        let options = DiffOptions {
            n,
            axis,
            prepend: boundary(a, calls.prepend, axis),
            append: boundary(a, calls.append, axis),
        };
        let extra = |b: &Option<ArrayD<_>>, ax: usize| match b {
            Some(b) if b.ndim() == 0 => 1,
            Some(b) => b.len_of(Axis(ax)),
            None => 0,
        };
        diff(a, &options).map(|d| {
            let mut expected = a.shape().to_vec();
            if n > 0 {
                let ax = axis.rem_euclid(a.ndim() as isize) as usize;
                let len = expected[ax] + extra(&options.prepend, ax) + extra(&options.append, ax);
                expected[ax] = len.saturating_sub(n);
            }
            (d.shape().to_vec(), expected)
        })
    });
    match shape {
        Ok((got, expected)) => assert_eq!(got, expected, "diff's shape"),
        Err(e) => {
            one_line(&e);
        }
    }
}
