"""Ray casting of CLEVR-like scenes with numpy: exact visibility, distance and normals.

Every pixel's ray is intersected with every object (sphere, oriented cube, upright
cylinder) and the floor; the nearest hit decides the pixel's object (so masks and
occlusion are exact), its camera distance (the depth map) and its surface normal
(for shading). No Blender, no approximation of silhouettes.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

FLOOR = -1  # label-map value of floor pixels


@dataclass(frozen=True)
class Camera:
    """A pinhole camera at height ``height`` above the floor, pitched down by ``pitch`` degrees."""
    width: int
    height_px: int
    height: float
    pitch: float
    focal: float

    @property
    def origin(self) -> np.ndarray:
        return np.array([0.0, self.height, 0.0])

    def axes(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        t = np.radians(self.pitch)
        return (np.array([1.0, 0.0, 0.0]), np.array([0.0, np.cos(t), np.sin(t)]),
                np.array([0.0, -np.sin(t), np.cos(t)]))

    def rays(self, scale: int = 1) -> np.ndarray:
        """Unit ray directions, shape (H*scale, W*scale, 3), through pixel centres (cached, read-only)."""
        return _rays(self, scale)


@lru_cache(maxsize=8)
def _rays(cam: Camera, scale: int) -> np.ndarray:
    w, h = cam.width * scale, cam.height_px * scale
    f = cam.focal * w
    right, up, fwd = cam.axes()
    xs = (np.arange(w) + 0.5 - w / 2) / f
    ys = -(np.arange(h) + 0.5 - h / 2) / f
    d = fwd[None, None, :] + xs[None, :, None] * right[None, None, :] + ys[:, None, None] * up[None, None, :]
    d /= np.linalg.norm(d, axis=-1, keepdims=True)
    d.flags.writeable = False
    return d


def _dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.einsum("...i,...i->...", a, b)


# The intersection routines take one origin (3,) or one per ray (..., 3): camera rays share
# the camera as origin, shadow rays start at floor points.
def _sphere(o: np.ndarray, d: np.ndarray, c: np.ndarray, r: float) -> tuple[np.ndarray, np.ndarray]:
    oc = o - c
    b = _dot(d, oc)
    disc = b * b - (_dot(oc, oc) - r * r)
    t = np.where(disc >= 0, -b - np.sqrt(np.maximum(disc, 0)), np.inf)
    t = np.where(t > 1e-6, t, np.inf)
    n = (o + t[..., None] * d - c) / r
    return t, n


def _rot_y(angle: float) -> np.ndarray:
    c, s = np.cos(angle), np.sin(angle)
    return np.array([[c, 0.0, s], [0.0, 1.0, 0.0], [-s, 0.0, c]])


def _cube(o: np.ndarray, d: np.ndarray, c: np.ndarray, a: float, angle: float) -> tuple[np.ndarray, np.ndarray]:
    rot = _rot_y(angle)
    lo, ld = (o - c) @ rot, d @ rot  # into the cube's frame (rot is orthonormal)
    with np.errstate(divide="ignore", invalid="ignore"):
        t1, t2 = (-a - lo) / ld, (a - lo) / ld
    tnear, tfar = np.minimum(t1, t2), np.maximum(t1, t2)
    tnear = np.nan_to_num(tnear, nan=-np.inf)
    tfar = np.nan_to_num(tfar, nan=np.inf)
    tmin, tmax = tnear.max(-1), tfar.min(-1)
    t = np.where((tmin <= tmax) & (tmin > 1e-6), tmin, np.inf)
    axis = tnear.argmax(-1)
    n_local = np.zeros(d.shape)
    np.put_along_axis(n_local, axis[..., None], -np.sign(np.take_along_axis(ld, axis[..., None], -1)), -1)
    return t, n_local @ rot.T


def _cylinder(o: np.ndarray, d: np.ndarray, c: np.ndarray, r: float, hh: float) -> tuple[np.ndarray, np.ndarray]:
    lo = o - c
    lx, ly, lz = lo[..., 0], lo[..., 1], lo[..., 2]
    a = d[..., 0] ** 2 + d[..., 2] ** 2
    b = 2 * (lx * d[..., 0] + lz * d[..., 2])
    cq = lx ** 2 + lz ** 2 - r * r
    disc = b * b - 4 * a * cq
    with np.errstate(divide="ignore", invalid="ignore"):
        ts = (-b - np.sqrt(np.maximum(disc, 0))) / (2 * a)
        ttop = (hh - ly) / d[..., 1]
    ys = ly + ts * d[..., 1]
    ts = np.where((disc >= 0) & (ts > 1e-6) & (np.abs(ys) <= hh), ts, np.inf)
    px, pz = lx + ttop * d[..., 0], lz + ttop * d[..., 2]
    ttop = np.where((ttop > 1e-6) & (px * px + pz * pz <= r * r), ttop, np.inf)
    t = np.minimum(ts, ttop)  # both inf where missed (NaN comparisons above are False)
    with np.errstate(invalid="ignore"):
        p = lo + t[..., None] * d
    side = np.stack([p[..., 0] / r, np.zeros_like(t), p[..., 2] / r], -1)
    n = np.where((ttop <= ts)[..., None], np.array([0.0, 1.0, 0.0]), side)
    return t, n


def intersect(obj: dict, o: np.ndarray, d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Ray parameter (inf where missed) and unit normal of one layout object."""
    s, x, z = obj["extent"], obj["x"], obj["z"]
    if obj["shape"] == "sphere":
        return _sphere(o, d, np.array([x, s, z]), s)
    if obj["shape"] == "cube":
        a = s * 0.8
        return _cube(o, d, np.array([x, a, z]), a, obj["rot"])
    if obj["shape"] == "cylinder":
        return _cylinder(o, d, np.array([x, s, z]), s * 0.85, s)
    raise ValueError(f"unknown shape {obj['shape']!r}")


@dataclass
class Cast:
    """The result of casting a scene: per pixel, which object (or FLOOR), how far, which way it faces."""
    labels: np.ndarray
    distance: np.ndarray
    normals: np.ndarray
    points: np.ndarray
    rays: np.ndarray


def cast(objects: list[dict], cam: Camera, scale: int = 1) -> Cast:
    """Nearest hit per pixel; each object is tested only on the pixels its bounding sphere covers."""
    d = cam.rays(scale)
    o = cam.origin
    with np.errstate(divide="ignore"):
        t = np.where(d[..., 1] < 0, -o[1] / d[..., 1], 1e3)
    labels = np.full(t.shape, FLOOR, dtype=np.int16)
    normals = np.zeros(d.shape)
    normals[..., 1] = 1.0
    for k, obj in enumerate(objects):
        rows, cols = screen_window(obj, cam, scale)
        dw, tw = d[rows, cols], t[rows, cols]
        tk, nk = intersect(obj, o, dw)
        hit = tk < tw
        tw[hit] = tk[hit]
        labels[rows, cols][hit] = k
        normals[rows, cols][hit] = nk[hit]
    return Cast(labels, t.astype(np.float32), normals, o + t[..., None] * d, d)


def screen_window(obj: dict, cam: Camera, scale: int, grow: float = 1.0) -> tuple[slice, slice]:
    """The pixel rectangle (conservative) that an object's bounding sphere, ``grow`` times larger,
    projects into."""
    c, r = bounding_sphere(obj)
    r *= grow
    right, up, fwd = cam.axes()
    v = c - cam.origin
    zc = v @ fwd
    w, h = cam.width * scale, cam.height_px * scale
    if zc - r <= 1e-3:
        return slice(0, h), slice(0, w)
    f = cam.focal * w
    px, py = w / 2 + f * (v @ right) / zc, h / 2 - f * (v @ up) / zc
    rad = f * r / (zc - r) + 2
    return (slice(max(0, int(py - rad)), max(0, min(h, int(py + rad) + 1))),
            slice(max(0, int(px - rad)), max(0, min(w, int(px + rad) + 1))))


def bounding_sphere(obj: dict) -> tuple[np.ndarray, float]:
    """Centre and radius of a sphere enclosing the object."""
    s = obj["extent"]
    if obj["shape"] == "cube":
        return np.array([obj["x"], s * 0.8, obj["z"]]), s * 0.8 * np.sqrt(3)
    if obj["shape"] == "cylinder":
        return np.array([obj["x"], s, obj["z"]]), s * np.sqrt(0.85 ** 2 + 1)
    return np.array([obj["x"], s, obj["z"]]), s


def shadowed(objects: list[dict], c: Cast, cam: Camera, scale: int, light: np.ndarray) -> np.ndarray:
    """Floor pixels whose ray toward the light meets an object (exact shapes).

    Only floor points within the object's shadow reach (its height projected along the
    light, plus its radius) are tested.
    """
    out = np.zeros(c.labels.shape, dtype=bool)
    slope = float(np.hypot(light[0], light[2]) / max(light[1], 1e-3))
    for obj in objects:
        centre, radius = bounding_sphere(obj)
        reach = radius + 2 * obj["extent"] * slope
        rows, cols = screen_window(obj, cam, scale, grow=1.0 + reach / radius)
        pts = c.points[rows, cols]
        near = (c.labels[rows, cols] == FLOOR) & (np.hypot(pts[..., 0] - centre[0], pts[..., 2] - centre[2]) <= reach)
        t, _ = intersect(obj, pts[near], np.repeat(light[None, :], int(near.sum()), axis=0))
        out[rows, cols][near] |= np.isfinite(t)
    return out
