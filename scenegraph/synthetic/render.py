"""Shade a cast scene into an image: Lambert diffuse, metal highlights, floor shadows."""
from __future__ import annotations

import numpy as np
from PIL import Image

from scenegraph.synthetic.raycast import FLOOR, Cast, cast, screen_window, shadowed
from scenegraph.synthetic.world import camera, vocab

FLOOR_RGB = np.array([150, 148, 144], dtype=np.float32)
SHADOW = 0.62
# per material: ambient, diffuse, specular weight, specular exponent
MATERIALS = {"rubber": (0.38, 0.62, 0.08, 6), "metal": (0.25, 0.55, 0.9, 40)}


def _shadows(objs: list[dict], c: Cast, cam, scale: int, light: np.ndarray) -> np.ndarray:
    """Floor shadows, traced at 1x and repeated up to ``scale`` (they are soft after downsampling)."""
    low = Cast(c.labels[::scale, ::scale], c.distance[::scale, ::scale], c.normals[::scale, ::scale],
               c.points[::scale, ::scale], c.rays[::scale, ::scale])
    mask = shadowed(objs, low, cam, 1, light)
    return np.repeat(np.repeat(mask, scale, axis=0), scale, axis=1) & (c.labels == FLOOR)


def render(layout: dict, noise_seed: int = 0, scale: int = 2) -> Image.Image:
    """The image of a layout; rendered at ``scale`` x and downsampled (anti-aliased edges)."""
    cam = camera(layout)
    objs = layout["objects"]
    c = cast(objs, cam, scale)
    light = np.asarray(layout["light"], dtype=float)
    light /= np.linalg.norm(light)
    fade = np.clip(1.15 - c.distance / 40.0, 0.7, 1.1)
    fade[_shadows(objs, c, cam, scale, light)] *= SHADOW
    img = fade[..., None] * FLOOR_RGB
    colors = vocab()["colors"]
    for k, obj in enumerate(objs):
        rows, cols = screen_window(obj, cam, scale)
        m = c.labels[rows, cols] == k
        n = c.normals[rows, cols][m]
        half = light - c.rays[rows, cols][m]
        half /= np.linalg.norm(half, axis=-1, keepdims=True)
        amb, dif, sw, sexp = MATERIALS[obj["material"]]
        lambert = np.clip(n @ light, 0, 1)
        spec = np.clip(np.einsum("nc,nc->n", n, half), 0, 1) ** sexp
        base = np.asarray(colors[obj["color"]], dtype=np.float32)
        img[rows, cols][m] = base * (amb + dif * lambert)[:, None] + (255 * sw * spec)[:, None]
    rng = np.random.default_rng(noise_seed)
    img += rng.normal(0, 2.0, img.shape[:2]).astype(np.float32)[..., None]
    out = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))
    return out.resize((layout["width"], layout["height"]), Image.Resampling.LANCZOS) if scale != 1 else out
