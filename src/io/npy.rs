//! Reading and writing `.npy` files of any numeric dtype, safely.
//!
//! [`read_npy`] looks at the header first: the dtype must be one edgegrad computes with (bool,
//! signed and unsigned integers of 1 to 8 bytes, `float32`, `float64`, either byte order), and
//! the file must hold exactly the data the header promises, so a corrupt or truncated file is an
//! error before anything large is allocated. C and Fortran order are both kept as they are.
//! [`write_npy`] writes through a temporary file (see [`crate::io::atomic::write_atomically`]).
//!
//! ```
//! use edgegrad::io::npy::{read_npy, write_npy, AnyArray, DType};
//! let dir = tempfile::tempdir()?;
//! let path = dir.path().join("a.npy");
//! write_npy(&path, &ndarray::array![[1u16, 2], [3, 4]])?;
//! let a = read_npy(&path)?;
//! assert_eq!(a.dtype(), DType::U16);
//! assert_eq!(a.shape(), &[2, 2]);
//! # Ok::<(), edgegrad::io::npy::NpyError>(())
//! ```

use std::fs::File;
use std::io::{self, BufRead, BufReader, Seek, SeekFrom};
use std::path::Path;

use ndarray::{ArrayBase, ArrayD, Data, Dimension};
use ndarray_npy::npy::header::Header;
use ndarray_npy::{ReadNpyExt, ReadableElement, WritableElement, WriteNpyExt};
use py_literal::Value as PyValue;
use thiserror::Error;

use super::message::one_line;

pub use crate::numeric::dtype::DType;

/// Applies a generic expression to the typed array inside an [`AnyArray`].
///
/// `any_array!(value, a => expr)` evaluates `expr` with `a` bound to the `ArrayD<T>` of whichever
/// element type `value` holds.
#[macro_export]
macro_rules! any_array {
    ($value:expr, $a:ident => $body:expr) => {
        match $value {
            $crate::io::npy::AnyArray::Bool($a) => $body,
            $crate::io::npy::AnyArray::I8($a) => $body,
            $crate::io::npy::AnyArray::I16($a) => $body,
            $crate::io::npy::AnyArray::I32($a) => $body,
            $crate::io::npy::AnyArray::I64($a) => $body,
            $crate::io::npy::AnyArray::U8($a) => $body,
            $crate::io::npy::AnyArray::U16($a) => $body,
            $crate::io::npy::AnyArray::U32($a) => $body,
            $crate::io::npy::AnyArray::U64($a) => $body,
            $crate::io::npy::AnyArray::F32($a) => $body,
            $crate::io::npy::AnyArray::F64($a) => $body,
        }
    };
}

/// An N-D array of any supported element type, as read from a `.npy` file.
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs)]
pub enum AnyArray {
    Bool(ArrayD<bool>),
    I8(ArrayD<i8>),
    I16(ArrayD<i16>),
    I32(ArrayD<i32>),
    I64(ArrayD<i64>),
    U8(ArrayD<u8>),
    U16(ArrayD<u16>),
    U32(ArrayD<u32>),
    U64(ArrayD<u64>),
    F32(ArrayD<f32>),
    F64(ArrayD<f64>),
}

impl AnyArray {
    /// The element type.
    pub fn dtype(&self) -> DType {
        match self {
            AnyArray::Bool(_) => DType::Bool,
            AnyArray::I8(_) => DType::I8,
            AnyArray::I16(_) => DType::I16,
            AnyArray::I32(_) => DType::I32,
            AnyArray::I64(_) => DType::I64,
            AnyArray::U8(_) => DType::U8,
            AnyArray::U16(_) => DType::U16,
            AnyArray::U32(_) => DType::U32,
            AnyArray::U64(_) => DType::U64,
            AnyArray::F32(_) => DType::F32,
            AnyArray::F64(_) => DType::F64,
        }
    }

    /// The shape.
    pub fn shape(&self) -> &[usize] {
        any_array!(self, a => a.shape())
    }

    /// Writes the array to `path` (see [`write_npy`]).
    pub fn write(&self, path: &Path) -> Result<(), NpyError> {
        any_array!(self, a => write_npy(path, a))
    }
}

/// Why a `.npy` file could not be read or written.
#[derive(Debug, Error)]
#[allow(missing_docs)] // the fields are what the messages name
pub enum NpyError {
    /// The file could not be opened, read or written.
    #[error("{0}")]
    Io(#[from] io::Error),
    /// Not a `.npy` file, or a damaged header.
    #[error("not a valid .npy file: {0}")]
    Header(String),
    /// A dtype edgegrad does not compute with (complex, float16, strings, records, ...).
    #[error("unsupported dtype {0}: edgegrad reads bool, integers, float32 and float64")]
    UnsupportedDtype(String),
    /// The header promises more (or less) data than the file holds.
    #[error("the header promises {expected} bytes of data for shape {shape:?} but the file holds {actual}")]
    SizeMismatch {
        expected: u128,
        actual: u64,
        shape: Vec<usize>,
    },
    /// The data could not be decoded or encoded.
    #[error("{0}")]
    Data(String),
}

fn read_typed<T: ReadableElement>(reader: BufReader<File>) -> Result<ArrayD<T>, NpyError> {
    ArrayD::<T>::read_npy(reader).map_err(|e| NpyError::Data(one_line(e)))
}

/// The longest header read, numpy's default `max_header_size`: a longer one is refused as
/// unsafe to parse, as numpy refuses it.
const MAX_HEADER_BYTES: u64 = 10_000;

/// Refuses a header whose stated length is over [`MAX_HEADER_BYTES`] or past the end of the
/// file, before the header parser allocates that many bytes. Other damage is left for the parser
/// to name.
fn check_header_length(reader: &mut BufReader<File>, file_len: u64) -> Result<(), NpyError> {
    let start = reader.fill_buf()?;
    if start.len() < 10 || &start[..6] != b"\x93NUMPY" {
        return Ok(());
    }
    let (length, preamble) = match start[6] {
        1 => (u64::from(u16::from_le_bytes([start[8], start[9]])), 10),
        2 | 3 if start.len() >= 12 => {
            let bytes = [start[8], start[9], start[10], start[11]];
            (u64::from(u32::from_le_bytes(bytes)), 12)
        }
        _ => return Ok(()),
    };
    if length > MAX_HEADER_BYTES {
        return Err(NpyError::Header(format!(
            "a header of {length} bytes (numpy reads at most {MAX_HEADER_BYTES})"
        )));
    }
    if preamble + length > file_len {
        return Err(NpyError::Header(format!(
            "the header's {length} bytes run past the end of the {file_len}-byte file"
        )));
    }
    Ok(())
}

/// Reads a `.npy` file of any supported dtype, checking the header against the file size
/// before allocating.
pub fn read_npy(path: &Path) -> Result<AnyArray, NpyError> {
    let file = File::open(path)?;
    let file_len = file.metadata()?.len();
    let mut reader = BufReader::with_capacity(1 << 20, file);
    check_header_length(&mut reader, file_len)?;
    let header = Header::from_reader(&mut reader).map_err(|e| NpyError::Header(one_line(e)))?;
    let data_start = reader.stream_position()?;
    let descr = match &header.type_descriptor {
        PyValue::String(s) => s.clone(),
        other => return Err(NpyError::UnsupportedDtype(other.to_string())),
    };
    let dtype = DType::from_descriptor(&descr).ok_or(NpyError::UnsupportedDtype(descr))?;
    let expected = header.shape.iter().fold(dtype.size() as u128, |acc, &d| {
        acc.saturating_mul(d as u128)
    });
    let actual = file_len.saturating_sub(data_start);
    if expected != actual as u128 {
        return Err(NpyError::SizeMismatch {
            expected,
            actual,
            shape: header.shape,
        });
    }
    reader.seek(SeekFrom::Start(0))?;
    Ok(match dtype {
        DType::Bool => AnyArray::Bool(read_typed(reader)?),
        DType::I8 => AnyArray::I8(read_typed(reader)?),
        DType::I16 => AnyArray::I16(read_typed(reader)?),
        DType::I32 => AnyArray::I32(read_typed(reader)?),
        DType::I64 => AnyArray::I64(read_typed(reader)?),
        DType::U8 => AnyArray::U8(read_typed(reader)?),
        DType::U16 => AnyArray::U16(read_typed(reader)?),
        DType::U32 => AnyArray::U32(read_typed(reader)?),
        DType::U64 => AnyArray::U64(read_typed(reader)?),
        DType::F32 => AnyArray::F32(read_typed(reader)?),
        DType::F64 => AnyArray::F64(read_typed(reader)?),
    })
}

/// Writes `array` to `path` as `.npy` (little-endian; C or Fortran order as the array is laid
/// out), atomically: a temporary file beside `path`, renamed when complete.
pub fn write_npy<A, S, D>(path: &Path, array: &ArrayBase<S, D>) -> Result<(), NpyError>
where
    A: WritableElement,
    S: Data<Elem = A>,
    D: Dimension,
{
    crate::io::atomic::write_atomically(path, |w| {
        array
            .write_npy(w)
            .map_err(|e| io::Error::other(e.to_string()))
    })?;
    Ok(())
}

/// Converts every element of `$a` with `as`, booleans through `u8` (numpy's `astype`).
macro_rules! convert_to {
    ($value:expr, $t:ty) => {
        match $value {
            AnyArray::Bool(a) => a.mapv(|v| v as u8 as $t),
            AnyArray::I8(a) => a.mapv(|v| v as $t),
            AnyArray::I16(a) => a.mapv(|v| v as $t),
            AnyArray::I32(a) => a.mapv(|v| v as $t),
            AnyArray::I64(a) => a.mapv(|v| v as $t),
            AnyArray::U8(a) => a.mapv(|v| v as $t),
            AnyArray::U16(a) => a.mapv(|v| v as $t),
            AnyArray::U32(a) => a.mapv(|v| v as $t),
            AnyArray::U64(a) => a.mapv(|v| v as $t),
            AnyArray::F32(a) => a.mapv(|v| v as $t),
            AnyArray::F64(a) => a.mapv(|v| v as $t),
        }
    };
}

impl AnyArray {
    /// The array converted to `dtype` as numpy's `astype` converts (numbers to bool by `!= 0`).
    ///
    /// ```
    /// use edgegrad::io::npy::{AnyArray, DType};
    /// let a = AnyArray::U8(ndarray::array![1u8, 200].into_dyn());
    /// assert_eq!(a.to_dtype(DType::I16), AnyArray::I16(ndarray::array![1i16, 200].into_dyn()));
    /// ```
    pub fn to_dtype(&self, dtype: DType) -> AnyArray {
        if dtype == self.dtype() {
            return self.clone();
        }
        match dtype {
            DType::Bool => AnyArray::Bool(convert_to!(self, f64).mapv(|v| v != 0.0)),
            DType::I8 => AnyArray::I8(convert_to!(self, i8)),
            DType::I16 => AnyArray::I16(convert_to!(self, i16)),
            DType::I32 => AnyArray::I32(convert_to!(self, i32)),
            DType::I64 => AnyArray::I64(convert_to!(self, i64)),
            DType::U8 => AnyArray::U8(convert_to!(self, u8)),
            DType::U16 => AnyArray::U16(convert_to!(self, u16)),
            DType::U32 => AnyArray::U32(convert_to!(self, u32)),
            DType::U64 => AnyArray::U64(convert_to!(self, u64)),
            DType::F32 => AnyArray::F32(convert_to!(self, f32)),
            DType::F64 => AnyArray::F64(convert_to!(self, f64)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{read_npy, NpyError};

    /// A file of `magic, version, length field` and `body` bytes after them.
    fn npy_with(version: u8, length: u32, body: usize) -> tempfile::NamedTempFile {
        let mut bytes = b"\x93NUMPY".to_vec();
        bytes.extend([version, 0]);
        match version {
            1 => bytes.extend((length as u16).to_le_bytes()),
            _ => bytes.extend(length.to_le_bytes()),
        }
        bytes.extend(std::iter::repeat_n(b' ', body));
        let file = tempfile::NamedTempFile::new().expect("a temporary file");
        std::fs::write(file.path(), bytes).expect("written");
        file
    }

    fn header_message(file: &tempfile::NamedTempFile) -> String {
        match read_npy(file.path()) {
            Err(NpyError::Header(message)) => message,
            other => panic!("a header error, got {other:?}"),
        }
    }

    #[test]
    fn a_header_longer_than_numpy_reads_is_refused_before_allocating() {
        let message = header_message(&npy_with(2, 3_247_416_301, 64));
        assert!(message.contains("3247416301 bytes"), "{message}");
        assert!(message.contains("at most 10000"), "{message}");
        let message = header_message(&npy_with(1, 60_000, 64));
        assert!(message.contains("60000 bytes"), "{message}");
    }

    #[test]
    fn a_header_past_the_end_of_the_file_is_refused() {
        let message = header_message(&npy_with(3, 5_000, 100));
        assert!(
            message.contains("past the end of the 112-byte file"),
            "{message}"
        );
    }
}
