"""edgegrad: numpy's ``gradient`` and ``diff``, bit for bit and faster, derivatives beyond them,
and edge detection, on numpy arrays.

``edgegrad.gradient`` and ``edgegrad.diff`` take the same arguments as ``np.gradient`` and
``np.diff`` and return exactly what numpy returns (values bit for bit, dtypes, memory order,
exceptions), computed by edgegrad's Rust library with the GIL released, in parallel on its own
thread pool (``set_num_threads``, or the ``RAYON_NUM_THREADS`` environment variable read when
the pool starts). Calls the library does not compute exactly as numpy does are passed to numpy.

``edgegrad.derivative``, ``edgegrad.laplacian`` and ``edgegrad.hessian`` (and ``gradient``'s
``accuracy`` and ``boundary`` keywords) go beyond numpy: derivatives of order 1 to 4 with proper
stencils of accuracy 2 to 8, numpy's one-sided borders or scipy.ndimage's padding modes.

``edgegrad.detect`` runs the edge detection pipeline of the ``edgegrad detect`` command on an
image array, with the same options and the same numbers, and ``edgegrad.read_image`` reads an
image file exactly as the command does.

>>> import numpy as np, edgegrad
>>> edgegrad.gradient(np.array([1.0, 2.0, 4.0, 7.0]))
array([1. , 1.5, 2.5, 3. ])
"""

from edgegrad._derivatives import derivative, hessian, laplacian
from edgegrad._detect import Detection, detect, read_image
from edgegrad._native import get_num_threads, set_num_threads
from edgegrad._numeric import diff, gradient

__all__ = [
    "Detection",
    "derivative",
    "detect",
    "diff",
    "get_num_threads",
    "gradient",
    "hessian",
    "laplacian",
    "read_image",
    "set_num_threads",
]
__version__ = "0.1.0"
