"""Read third-party mask pickles without running their code.

ProVision stores segmentation masks as pickled lists of ``scipy.sparse`` CSR matrices.
``pickle.load`` would import and call whatever a file names, so these files go through
an unpickler that admits exactly the names such a file needs (numpy array
reconstruction and a CSR matrix, which becomes an inert stand-in read by numpy) and
refuses anything else with a clear message: nothing a file names is imported or run.
"""
from __future__ import annotations

import io
import pickle
from pathlib import Path

import numpy as np
from numpy._core import multiarray

from mmsynth.errors import UserError


MAX_MASK_BYTES = 2 ** 30   # the boolean masks of one image, expanded


class _CsrParts:
    """Inert stand-in for ``scipy.sparse.csr_matrix``: keeps the arrays its state holds."""

    def __setstate__(self, state: dict) -> None:
        if not isinstance(state, dict):
            raise pickle.UnpicklingError("csr_matrix state is not a dict")
        self.state = state

    def dense(self, expected: tuple[int, int]) -> np.ndarray:
        """The H x W boolean matrix (CSR: row pointers, column indices, values); its shape must be ``expected``."""
        s = self.state
        shape = tuple(int(v) for v in s["_shape"])
        if shape != expected:  # checked before allocating anything
            raise ValueError(f"shape {shape}, expected {expected}")
        indptr, indices, data = (np.asarray(s[k]) for k in ("indptr", "indices", "data"))
        if len(indptr) != shape[0] + 1 or len(indices) != len(data) or indptr[0] != 0 \
                or indptr[-1] != len(indices) or (np.diff(indptr) < 0).any() \
                or (len(indices) and (indices.min() < 0 or indices.max() >= shape[1])):
            raise ValueError("inconsistent CSR arrays")
        out = np.zeros(shape, dtype=bool)
        rows = np.repeat(np.arange(shape[0]), np.diff(indptr))
        out[rows, indices] = data.astype(bool)
        return out


ALLOWED = {
    ("numpy.core.multiarray", "_reconstruct"): multiarray._reconstruct,
    ("numpy._core.multiarray", "_reconstruct"): multiarray._reconstruct,
    ("numpy", "ndarray"): np.ndarray,
    ("numpy", "dtype"): np.dtype,
    ("scipy.sparse._csr", "csr_matrix"): _CsrParts,
    ("scipy.sparse.csr", "csr_matrix"): _CsrParts,
}


class _Refused(pickle.UnpicklingError):
    """The pickle names something outside :data:`ALLOWED`."""


class _RestrictedUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> object:
        try:
            return ALLOWED[(module, name)]
        except KeyError:
            raise _Refused(f"it names {module}.{name}") from None


def load_masks(path: str | Path, shape: tuple[int, int], count: int | None = None) -> list[np.ndarray]:
    """Masks from a ProVision ``.pkl``: a list of H x W sparse or dense masks (``count`` of them,
    when given: one per object), as boolean arrays. The count and the size they expand to are
    checked before any mask is expanded, so a small pickle that repeats one reference many
    times cannot grow into gigabytes."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise UserError(f"{path}: cannot read the mask file ({e.strerror})") from None
    try:
        obj = _RestrictedUnpickler(io.BytesIO(data)).load()
    except _Refused as e:
        raise UserError(f"{path}: refusing this pickle ({e}); only numpy arrays and scipy CSR "
                        "matrices are admitted, nothing else is imported or run") from None
    except Exception as e:  # truncated or garbled bytes
        raise UserError(f"{path}: not a readable mask pickle ({type(e).__name__}: {e})") from None
    if not isinstance(obj, list):
        raise UserError(f"{path}: expected a list of masks, found {type(obj).__name__}")
    if count is not None and len(obj) != count:
        raise UserError(f"{path}: holds {len(obj):,} masks for {count} objects")
    if len(obj) * shape[0] * shape[1] > MAX_MASK_BYTES:
        raise UserError(f"{path}: {len(obj):,} masks of {shape[1]}x{shape[0]} would take "
                        f"{len(obj) * shape[0] * shape[1] / 2**30:.1f} GiB (at most {MAX_MASK_BYTES / 2**30:.0f})")
    masks = []
    for k, m in enumerate(obj):
        try:
            arr = m.dense(shape) if isinstance(m, _CsrParts) else np.asarray(m)
        except (KeyError, ValueError, TypeError, IndexError) as e:
            raise UserError(f"{path}: mask {k} is malformed ({e})") from None
        if arr.dtype == object or arr.shape != shape:
            raise UserError(f"{path}: mask {k} has shape {arr.shape} (dtype {arr.dtype}), expected {shape}")
        masks.append(arr.astype(bool))
    return masks
