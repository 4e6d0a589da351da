//! `edgegrad._native`: the edgegrad library as a Python extension module.
//!
//! A thin front-end, like the command line: it converts numpy arrays to and from the library's
//! ndarray types, releases the GIL while the library computes on its own thread pool, and turns
//! the library's errors into the exceptions numpy raises. It decides nothing: which calls reach it
//! (supported dtypes, spacings and layouts, with everything else left to numpy itself) is the
//! business of the pure-Python layer in `edgegrad/`.
//!
//! Modules: [`numeric`] (`gradient`, `diff`, `derivative`, `laplacian`, `hessian`), [`detect`] (`detect`, `read_image`), [`threads`] (the pool and `set_num_threads`),
//! [`errors`] (library errors to Python exceptions).

mod detect;
mod errors;
mod numeric;
mod threads;

use pyo3::prelude::*;

/// Large buffers (the results) backed by transparent huge pages, as numpy's own arrays are:
/// fresh memory touched 4 KiB page by page costs more than the gradient itself (see
/// `edgegrad::alloc`). The results are handed to numpy without a copy, so they keep this memory.
#[cfg(target_os = "linux")]
#[global_allocator]
static ALLOC: edgegrad::alloc::HugePageAlloc = edgegrad::alloc::HugePageAlloc;

/// The native half of the `edgegrad` package; see the `edgegrad` package for the public API.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(numeric::gradient, m)?)?;
    m.add_function(wrap_pyfunction!(numeric::diff, m)?)?;
    m.add_function(wrap_pyfunction!(numeric::derivative, m)?)?;
    m.add_function(wrap_pyfunction!(numeric::laplacian, m)?)?;
    m.add_function(wrap_pyfunction!(numeric::hessian, m)?)?;
    m.add_function(wrap_pyfunction!(detect::detect, m)?)?;
    m.add_function(wrap_pyfunction!(detect::read_image, m)?)?;
    m.add_function(wrap_pyfunction!(threads::set_num_threads, m)?)?;
    m.add_function(wrap_pyfunction!(threads::get_num_threads, m)?)?;
    Ok(())
}
