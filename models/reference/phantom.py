"""Synthetic chest radiograph phantoms with findings, for training and testing the reference model.

The normal anatomy is the same drawing as the Java test-data generator (ChestPhantom.java):
coordinates x in [-0.5, 0.5) across, y in [0, 1) down, relative density in [0, 1] (1 = bone,
what MONOCHROME2 shows bright). Findings are drawn on top. Nothing here is real patient data.
"""
from dataclasses import dataclass, field
import numpy as np

FINDINGS = ["pneumothorax", "pleural_effusion", "consolidation", "cardiomegaly", "nodule_mass",
            "pneumoperitoneum"]


@dataclass
class Geometry:
    body_half_width: float = 0.43
    lung_top: float = 0.145
    diaphragm: float = 0.72
    heart_radius: float = 0.135
    tilt: float = 0.0
    anteroposterior: bool = False

    @staticmethod
    def random(rng):
        return Geometry(body_half_width=0.40 + 0.06 * rng.random(),
                        lung_top=0.12 + 0.05 * rng.random(),
                        diaphragm=0.68 + 0.08 * rng.random(),
                        heart_radius=0.12 + 0.03 * rng.random(),
                        tilt=(rng.random() - 0.5) * 0.08,
                        anteroposterior=rng.random() < 0.3)


@dataclass
class Findings:
    """Which findings to draw and where; sides are -1 (image left) or +1 (image right)."""
    pneumothorax: tuple = None        # (side, collapse fraction 0.15-0.5)
    pleural_effusion: tuple = None    # (side, height 0.06-0.22)
    consolidation: tuple = None       # (side, cx offset, cy, radius)
    cardiomegaly: float = None        # heart radius, 0.18-0.22
    nodule_mass: tuple = None         # (side, cx offset, cy, radius)
    pneumoperitoneum: tuple = None    # (side, thickness 0.01-0.03)

    def labels(self):
        return [0 if getattr(self, name) is None else 1 for name in FINDINGS]

    @staticmethod
    def random(rng, geometry, prevalence=0.25):
        f = Findings()
        side = lambda: -1 if rng.random() < 0.5 else 1
        lung_half = geometry.body_half_width * 0.40
        span = geometry.diaphragm - geometry.lung_top
        if rng.random() < prevalence:
            f.pneumothorax = (side(), 0.15 + 0.35 * rng.random())
        if rng.random() < prevalence:
            f.pleural_effusion = (side(), 0.06 + 0.16 * rng.random())
        if rng.random() < prevalence:
            f.consolidation = (side(), (rng.random() - 0.5) * lung_half, geometry.lung_top + span * (0.3 + 0.5 * rng.random()),
                               0.04 + 0.06 * rng.random())
        if rng.random() < prevalence:
            f.cardiomegaly = 0.18 + 0.04 * rng.random()
        if rng.random() < prevalence:
            f.nodule_mass = (side(), (rng.random() - 0.5) * lung_half * 1.2, geometry.lung_top + span * (0.15 + 0.6 * rng.random()),
                             0.014 + 0.045 * rng.random())
        if rng.random() < prevalence:
            f.pneumoperitoneum = (side(), 0.01 + 0.02 * rng.random())
        return f


def soft_inside(measure, edge):
    t = np.clip((1 + edge - measure) / (2 * edge), 0.0, 1.0)
    return t * t * (3 - 2 * t)


def soft_below(y, limit, edge):
    return soft_inside(1 + (y - limit) / edge * 0.5, 0.5)


def ellipse(dx, dy, rx, ry):
    return dx * dx / (rx * rx) + dy * dy / (ry * ry)


def superellipse(dx, dy, rx, ry, power):
    return np.abs(dx / rx) ** power + np.abs(dy / ry) ** 2


def ribs(u, y, lung_half, g):
    outside = (u < -lung_half * 0.9) | (u > lung_half * 1.1) | (y < g.lung_top - 0.06) | (y > g.diaphragm + 0.03)
    lateral = (u + lung_half) / (2 * lung_half)
    curve = y - 0.07 * lateral * lateral - 0.02 * lateral
    phase = (curve - g.lung_top + 0.05) / 0.058
    distance = np.abs(phase - np.round(phase))
    return np.where(outside, 0.0, 0.09 * soft_inside(distance / 0.17, 0.3))


def vessels(x, y):
    return 0.5 + 0.25 * np.sin(41 * x + 13 * y) * np.sin(37 * y - 7 * x) + 0.25 * np.sin(90 * x * y)


def render(size, g, f=None, noise=0.015, rng=None):
    """Returns a (size, size) float32 density image of a frontal chest with the given findings."""
    f = f or Findings()
    rng = rng or np.random.default_rng(0)
    row, col = np.mgrid[0:size, 0:size].astype(np.float64)
    x0 = col / size - 0.5
    y0 = row / size
    x = x0 * np.cos(g.tilt) - (y0 - 0.5) * np.sin(g.tilt)
    y = x0 * np.sin(g.tilt) + (y0 - 0.5) * np.cos(g.tilt) + 0.5

    torso = soft_inside(superellipse(x, y - 0.58, g.body_half_width, 0.66, 3.0), 0.03)
    value = 0.04 + torso * (0.50 + 0.08 * np.maximum(0, y - g.diaphragm) / (1 - g.diaphragm))
    lung_half = g.body_half_width * 0.40
    lungs = np.zeros_like(x)
    lung_by_side = {}
    dome_by_side = {}
    for side in (-1, 1):
        cx = side * g.body_half_width * 0.50
        u = (x - cx) * side
        dome = g.diaphragm - 0.07 * np.cos(u / lung_half * np.pi / 2) + (0.02 if side > 0 else 0)
        in_lung = soft_inside(ellipse(x - cx, y - (g.lung_top + dome) / 2 - 0.03, lung_half,
                                      (dome - g.lung_top) / 2 + 0.03), 0.06) * soft_below(y, dome, 0.008)
        lung_by_side[side] = in_lung
        dome_by_side[side] = dome
        lungs = np.maximum(lungs, in_lung)
        value += torso * ribs(u, y, lung_half, g) * (0.4 + 0.6 * in_lung)

    texture = vessels(x, y)
    if f.pneumothorax is not None:
        side, collapse = f.pneumothorax
        cx = side * g.body_half_width * 0.50
        # The lung shrinks towards the hilum; between it and the chest wall is air without vessels.
        hx = cx - side * lung_half * 0.45
        hy = (g.lung_top + g.diaphragm) / 2 + 0.05
        scale = 1 - collapse
        collapsed = soft_inside(ellipse(x - (hx + (cx - hx) * scale), y - (hy + ((g.lung_top + g.diaphragm) / 2 - 0.03 - hy) * scale),
                                        lung_half * scale, ((g.diaphragm - g.lung_top) / 2 + 0.03) * scale), 0.03)
        pleural_space = lung_by_side[side] * (1 - collapsed)
        texture = texture * (1 - pleural_space)
        value -= 0.05 * pleural_space
        edge = soft_inside(np.abs(ellipse(x - (hx + (cx - hx) * scale), y - (hy + ((g.lung_top + g.diaphragm) / 2 - 0.03 - hy) * scale),
                                          lung_half * scale, ((g.diaphragm - g.lung_top) / 2 + 0.03) * scale) - 1) / 0.05, 0.3)
        value += 0.05 * edge * lung_by_side[side]
    value -= lungs * (0.30 - 0.04 * texture)

    if f.pleural_effusion is not None:
        side, height = f.pleural_effusion
        cx = side * g.body_half_width * 0.50
        u = (x - cx) * side
        meniscus = dome_by_side[side] - height - 0.06 * np.clip(u / lung_half, 0, 1)
        fluid = soft_inside(1 + (meniscus - y) / 0.01, 0.5)
        value += 0.27 * fluid * lung_by_side[side]
    if f.consolidation is not None:
        side, dx, cy, radius = f.consolidation
        cx = side * g.body_half_width * 0.50 + dx
        angle = np.arctan2(y - cy, x - cx)
        wobble = 1 + 0.12 * np.sin(3 * angle + 13 * cx) + 0.08 * np.sin(5 * angle + 29 * cy)
        blob = soft_inside(ellipse(x - cx, y - cy, radius * wobble, radius * 1.2 * wobble), 0.35)
        bronchogram = 0.4 * soft_inside(np.abs(np.sin(60 * (x - cx) + 20 * (y - cy))) / 0.25, 0.5)
        value += 0.2 * blob * (1 - bronchogram) * lung_by_side[side]
    heart_radius = f.cardiomegaly if f.cardiomegaly is not None else g.heart_radius
    heart = soft_inside(ellipse(x - (0.07 if g.anteroposterior else 0.055), y - (g.diaphragm - heart_radius * 0.75),
                                heart_radius * 1.2, heart_radius), 0.08)
    mediastinum = soft_inside(superellipse(x, y - (g.lung_top + g.diaphragm) / 2, 0.075 + 0.02 * y,
                                           (g.diaphragm - g.lung_top) / 2 + 0.05, 4), 0.1)
    solid = np.maximum(heart, mediastinum)
    value = np.maximum(value, 0.56 * solid + value * (1 - solid))
    if f.nodule_mass is not None:
        side, dx, cy, radius = f.nodule_mass
        cx = side * g.body_half_width * 0.50 + dx
        value += 0.22 * soft_inside(ellipse(x - cx, y - cy, radius, radius), 0.12) * np.maximum(lungs, 0.5)
    if f.pneumoperitoneum is not None:
        side, thickness = f.pneumoperitoneum
        cx = side * g.body_half_width * 0.50
        u = (x - cx) * side
        dome = dome_by_side[side]
        crescent = soft_inside(np.abs(y - dome - thickness / 2 - 0.004) / (thickness / 2), 0.3) * soft_inside(np.abs(u) / (lung_half * 0.8), 0.2)
        value -= 0.38 * crescent * torso
    spine = soft_inside(np.abs(x) / 0.028, 0.15)
    value += 0.05 * spine * torso
    for side in (-1, 1):
        u = x * side
        clavicle_y = g.lung_top + 0.03 - 0.12 * (u - 0.05) + 0.5 * (u - 0.2) ** 2
        band = (u > 0.04) & (u < g.body_half_width * 0.85)
        value += np.where(band, 0.2 * soft_inside(np.abs(y - clavicle_y) / 0.011, 0.2), 0.0)
    value = np.where(torso > 0, value, 0.04 + torso * 0.0)
    if noise > 0:
        value = value + noise * rng.standard_normal(value.shape)
    return np.clip(value, 0, 1).astype(np.float32)


def expose(density, rng):
    """A random acquisition: contrast, gamma, offset, collimation; returns arbitrary detector units."""
    gamma = 0.7 + 0.6 * rng.random()
    image = density ** gamma * (0.6 + 0.8 * rng.random()) + 0.1 * rng.random()
    size = density.shape[0]
    if rng.random() < 0.5:
        edges = (rng.random(4) * 0.08 * size).astype(int)
        bright = image.max() * (0.95 + 0.1 * rng.random())
        if edges[0]: image[:edges[0], :] = bright
        if edges[1]: image[-edges[1]:, :] = bright
        if edges[2]: image[:, :edges[2]] = bright
        if edges[3]: image[:, -edges[3]:] = bright
    return image * 3000


def window_and_normalise(image, low_pct=0.5, high_pct=99.5):
    """The reference model's preprocessing after resizing: percentile window to [0,1], then [-1,1]."""
    low, high = np.percentile(image, [low_pct, high_pct])
    scaled = np.clip((image - low) / max(high - low, 1e-6), 0, 1)
    return (scaled * 2 - 1).astype(np.float32)
