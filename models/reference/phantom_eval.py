#!/usr/bin/python3
"""An independent chest radiograph generator, for EVALUATION ONLY (never used for training or
calibration): it stands in for "another hospital's X-ray system" when we ask whether the reference
model generalises beyond phantom.py.

It shares nothing with phantom.py or acquisition.py but the six finding names. The anatomy is
modelled in centimetres as volumes whose X-ray path lengths are summed (torso as an elliptic
cylinder, lungs and heart as ellipsoids, a branching vessel tree, posterior and anterior ribs as
drawn arcs, vertebrae, clavicles, scapulae, liver and a gastric air bubble); the exposure is
Beer-Lambert attenuation with a heel effect, scatter from a two-scale kernel, quantum (Poisson)
and electronic noise, an exponential detector MTF, column gain non-uniformity, and a processing
chain of log, dynamic-range compression, detail enhancement and a film-like characteristic curve.
Findings are drawn physically too: a collapsed lung with a visceral pleural line, layering fluid,
clustered alveolar opacities with air bronchograms, an enlarged cardiac ellipsoid, lobulated
spheres, a subdiaphragmatic air lens. Images are DX (sometimes CR, sometimes MONOCHROME1, 14- or
16-bit) at about 1 mm pixels, portrait, landscape or square. Nothing here is real patient data.

    /usr/bin/python3 models/reference/phantom_eval.py --out /tmp/eval-set --count 1000 --seed 11
"""
import argparse
import os
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFont
from scipy import ndimage

FINDINGS = ["pneumothorax", "pleural_effusion", "consolidation", "cardiomegaly", "nodule_mass",
            "pneumoperitoneum"]
MU_TISSUE = 0.20   # 1/cm, soft tissue and water at a diagnostic energy
MU_LUNG = 0.05     # aerated lung
MU_BONE = 0.48     # cortical and trabecular bone, beyond the tissue it replaces


@dataclass
class Patient:
    half_width: float      # torso half width, cm
    half_depth: float      # torso AP half depth, cm
    shoulders: float       # y of the shoulders, cm from the top of the field
    apex: float            # lung apex
    base: float            # lung base (dome top) under the lungs
    dome: float            # dome height, cm
    heart_width: float     # transverse half width of the heart, cm
    heart_shift: float     # heart centre to the patient's left (image right), cm
    centre_x: float
    rotation: float        # radians
    gastric_bubble: bool

    @staticmethod
    def random(rng, field_height):
        half_width = rng.uniform(12.5, 17.5)
        shoulders = rng.uniform(3.0, 7.0) + (field_height - 43) * 0.4
        apex = shoulders + rng.uniform(-0.5, 1.5)
        return Patient(half_width=half_width, half_depth=half_width * rng.uniform(0.6, 0.8), shoulders=shoulders,
                       apex=apex, base=apex + rng.uniform(21, 27), dome=rng.uniform(1.5, 3.0),
                       heart_width=half_width * rng.uniform(0.30, 0.38), heart_shift=rng.uniform(0.8, 2.2),
                       centre_x=rng.normal(0, 1.0), rotation=np.deg2rad(rng.normal(0, 1.5)),
                       gastric_bubble=rng.random() < 0.45)


@dataclass
class Findings:
    pneumothorax: tuple = None      # (side, collapse 0.2-0.55)
    pleural_effusion: tuple = None  # (side, fluid height cm)
    consolidation: tuple = None     # (side, x fraction, y fraction, radius cm)
    cardiomegaly: float = None      # heart half width as a fraction of the torso half width
    nodule_mass: tuple = None       # (side, x fraction, y fraction, radius cm)
    pneumoperitoneum: tuple = None  # (side, thickness cm)

    def labels(self):
        return [0 if getattr(self, name) is None else 1 for name in FINDINGS]

    @staticmethod
    def random(rng, prevalence=0.25):
        side = lambda: -1 if rng.random() < 0.5 else 1
        f = Findings()
        if rng.random() < prevalence:
            f.pneumothorax = (side(), rng.uniform(0.2, 0.55))
        if rng.random() < prevalence:
            f.pleural_effusion = (side(), rng.uniform(2.5, 8.0))
        if rng.random() < prevalence:
            f.consolidation = (side(), rng.uniform(0.25, 0.75), rng.uniform(0.3, 0.8), rng.uniform(2.5, 5.0))
        if rng.random() < prevalence:
            f.cardiomegaly = rng.uniform(0.50, 0.62)
        if rng.random() < prevalence:
            f.nodule_mass = (side(), rng.uniform(0.2, 0.8), rng.uniform(0.15, 0.75), rng.uniform(0.6, 2.2))
        if rng.random() < prevalence:
            f.pneumoperitoneum = (side(), rng.uniform(0.6, 1.8))
        return f


def chord(u2, depth):
    """Path length through an ellipsoid at normalised squared radius u2 (0 at the centre)."""
    return 2 * depth * np.sqrt(np.clip(1 - u2, 0, None))


def blur(image, sigma_px):
    """Gaussian blur through the FFT (periodic edges; the kernels here are wide)."""
    return np.real(np.fft.ifft2(ndimage.fourier_gaussian(np.fft.fft2(image), sigma_px)))


def smooth_step(t):
    t = np.clip(t, 0, 1)
    return t * t * (3 - 2 * t)


class Canvas:
    """Drawing in centimetres on a supersampled PIL image, returned at the field's grid."""

    def __init__(self, rows, cols, spacing, oversample=1):
        self.k = oversample / spacing
        self.shape = (rows, cols)
        self.image = Image.new("F", (cols * oversample, rows * oversample), 0.0)
        self.draw = ImageDraw.Draw(self.image)
        self.cols = cols
        self.oversample = oversample

    def point(self, x, y):
        return (x * self.k + self.cols * self.oversample / 2, y * self.k)

    def line(self, points, width_cm, value):
        self.draw.line([self.point(x, y) for x, y in points], fill=float(value), width=max(1, int(width_cm * self.k)),
                       joint="curve")

    def polygon(self, points, value):
        self.draw.polygon([self.point(x, y) for x, y in points], fill=float(value))

    def result(self):
        big = np.asarray(self.image, dtype=np.float64)
        o = self.oversample
        return big.reshape(self.shape[0], o, self.shape[1], o).mean(axis=(1, 3))


def vessel_tree(canvas, rng, hilum, side, lung_half_width, lung_height, depth=0):
    """Branching vessels from the hilum outwards, thinner at each generation."""
    stack = [(hilum[0], hilum[1], np.pi / 2 - side * rng.uniform(0.3, 1.2) + a, 0.55, 0) for a in (-0.9, 0.0, 0.9)]
    while stack:
        x, y, angle, width, generation = stack.pop()
        length = lung_height * rng.uniform(0.10, 0.18) * (0.8 ** generation)
        x2 = x + side * np.sin(angle) * length * 0.8 + rng.normal(0, 0.3)
        y2 = y + np.cos(angle) * length * (1 if angle < np.pi / 2 + 0.6 else -1) * 0.9 - rng.uniform(-0.5, 0.5)
        canvas.line([(x, y), (x2, y2)], width, 1.0)
        if generation < 4:
            for turn in (-0.45, 0.45):
                stack.append((x2, y2, angle + turn + rng.normal(0, 0.15), width * 0.7, generation + 1))


def anatomy(p, f, rows, cols, spacing, rng):
    """Line integral of attenuation (dimensionless) over the field, rows x cols at `spacing` cm."""
    yy, xx = np.mgrid[0:rows, 0:cols].astype(np.float64)
    x0 = (xx - cols / 2) * spacing - p.centre_x
    y0 = yy * spacing
    cy = p.apex + 12
    x = x0 * np.cos(p.rotation) - (y0 - cy) * np.sin(p.rotation)
    y = x0 * np.sin(p.rotation) + (y0 - cy) * np.cos(p.rotation) + cy

    neck = 5.5 + 0 * x
    half_width = np.where(y < p.shoulders, neck + (p.half_width - neck) * smooth_step((y - p.shoulders + 4) / 4),
                          p.half_width * (1 - 0.05 * smooth_step((y - p.base) / 10)))
    torso = chord((x / half_width) ** 2, p.half_depth)
    tissue = torso.copy()
    lung_path = np.zeros_like(x)
    bone = np.zeros_like(x)

    lung_half = p.half_width * 0.40
    lungs = {}
    domes = {}
    for side in (-1, 1):
        cx = side * p.half_width * 0.47
        dome = p.base + p.dome * (1 - np.cos(np.clip((x - cx) / lung_half, -1, 1) * np.pi / 2)) + (0.8 if side < 0 else 0)
        domes[side] = dome
        height = (dome.max() - p.apex) / 2 + 1
        u2 = ((x - cx) / lung_half) ** 2 + ((y - (p.apex + height)) / height) ** 2
        # the posterior costophrenic recess: lung continues a little below the dome, thinning out
        below = smooth_step(1 - (y - dome) / 2.5)
        lungs[side] = chord(u2, p.half_depth * 0.72) * below
    heart_half = (f.cardiomegaly or p.heart_width / p.half_width) * p.half_width
    heart_cy = p.base - heart_half * 0.55
    heart_u2 = ((x - p.heart_shift) / heart_half) ** 2 + ((y - heart_cy) / (heart_half * 0.78)) ** 2
    heart = chord(heart_u2, p.half_depth * 0.55)
    mediastinum = chord((x / (2.2 + 0.08 * (y - p.apex))) ** 2, p.half_depth * 0.6) * (y > p.apex - 2) * (y < p.base)

    vessels_canvas = Canvas(rows, cols, spacing)
    for side in (-1, 1):
        vessel_tree(vessels_canvas, rng, (side * 3.2 + p.heart_shift * 0.3, p.apex + 10), side,
                    lung_half, p.base - p.apex)
    vessels = ndimage.gaussian_filter(vessels_canvas.result(), 0.6 / spacing)

    if f.pneumothorax is not None:
        side, collapse = f.pneumothorax
        cx = side * p.half_width * 0.47
        hx, hy = side * 4.0, p.apex + 10
        scale = 1 - collapse
        height = (domes[side].max() - p.apex) / 2 + 1
        u2 = ((x - (hx + (cx - hx) * scale)) / (lung_half * scale)) ** 2 + \
             ((y - (hy + (p.apex + height - hy) * scale)) / (height * scale)) ** 2
        collapsed = chord(u2, p.half_depth * 0.72 * (0.7 + 0.3 * scale)) * (y < domes[side])
        air = np.clip(lungs[side] - collapsed, 0, None)
        vessels = np.where((air > 0.5) & (np.sign(x - hx) == side), vessels * 0.05, vessels)
        lungs[side] = lungs[side] + air * 0.6   # the pleural space holds air: no tissue at all
        pleural_line = np.exp(-((np.sqrt(u2) - 1) / 0.02) ** 2) * (collapsed.max() > 0)
        bone += 0.4 * pleural_line * (lungs[side] > 0.5)
    for side in (-1, 1):
        lung_path += lungs[side]
    lung_path = np.clip(lung_path - 1.2 * heart - 0.8 * mediastinum, 0, None)
    lung_path = np.minimum(lung_path, torso * 0.85)

    water = np.zeros_like(x)
    if f.pleural_effusion is not None:
        side, level = f.pleural_effusion
        cx = side * p.half_width * 0.47
        meniscus = domes[side] - level - 2.5 * np.clip(side * (x - cx) / lung_half, 0, 1) ** 2
        fluid = smooth_step((y - meniscus) / 2.0) * (side * x > 0)
        water += fluid * lung_path * 0.95
    if f.consolidation is not None:
        side, fx, fy, radius = f.consolidation
        cx = side * (1.5 + fx * p.half_width * 0.8)
        cyc = p.apex + fy * (p.base - p.apex)
        patches = np.zeros_like(x)
        for _ in range(rng.integers(6, 16)):
            bx, by = cx + rng.normal(0, radius * 0.45), cyc + rng.normal(0, radius * 0.45)
            r = radius * rng.uniform(0.25, 0.55)
            patches += np.exp(-(((x - bx) ** 2 + (y - by) ** 2) / (r * r)))
        opacity = np.clip(patches, 0, 1)
        bronchi = Canvas(rows, cols, spacing)
        for _ in range(rng.integers(1, 4)):
            angle = rng.uniform(0, 2 * np.pi)
            mid = (cx + np.cos(angle) * radius * 0.4, cyc + np.sin(angle) * radius * 0.4)
            bend = angle + rng.normal(0, 0.4)
            bronchi.line([(cx, cyc), mid, (mid[0] + np.cos(bend) * radius * 0.4, mid[1] + np.sin(bend) * radius * 0.4)],
                         0.2, 1.0)
        opacity *= 1 - 0.35 * ndimage.gaussian_filter(np.clip(bronchi.result(), 0, 1), 0.15 / spacing)
        water += opacity * lung_path * 0.85
    if f.nodule_mass is not None:
        side, fx, fy, radius = f.nodule_mass
        cx = side * (2.0 + fx * p.half_width * 0.7)
        cyc = p.apex + 1.5 + fy * (p.base - p.apex - 3)
        angle = np.arctan2(y - cyc, x - cx)
        lobes = radius * (1 + 0.10 * np.sin(5 * angle + rng.uniform(0, 6)) + 0.06 * np.sin(9 * angle))
        distance2 = (x - cx) ** 2 + (y - cyc) ** 2
        water += 2 * np.sqrt(np.clip(lobes ** 2 - distance2, 0, None))
    lung_path = np.clip(lung_path - water, 0, None)

    canvas = Canvas(rows, cols, spacing)
    spine_top = p.shoulders - 4
    v = spine_top
    while v < rows * spacing:
        canvas.polygon([(-1.8, v), (1.8, v), (1.9, v + 2.2), (-1.9, v + 2.2)], 2.6)
        v += 2.7
    for side in (-1, 1):
        for k in range(11):
            ry = p.apex + 0.8 + k * (p.base - p.apex) / 10.5
            pts = [(side * (1.8 + t * p.half_width * 0.92), ry - 1.2 * np.sin(t * np.pi * 0.9) + 4.0 * t * t)
                   for t in np.linspace(0, 1, 14)]
            canvas.line(pts, 0.8, 0.5)
            ant = [(side * (p.half_width * 0.9 - t * p.half_width * 0.6), ry + 1.5 + 2.5 * t) for t in np.linspace(0, 1, 8)]
            canvas.line(ant, 0.7, 0.2)
        clav = [(side * (1.2 + t * p.half_width * 0.75), p.shoulders + 1.6 - 1.8 * t + 0.9 * np.sin(t * np.pi * 2))
                for t in np.linspace(0, 1, 12)]
        canvas.line(clav, 1.3, 1.6)
        scap = [(side * p.half_width * 0.68, p.shoulders + 1), (side * p.half_width * 0.98, p.shoulders + 1.5),
                (side * p.half_width * 0.80, p.shoulders + 15)]
        canvas.polygon(scap, 0.35)
        head = [(side * (p.half_width * 0.9 + 2.4 * np.cos(t)), p.shoulders + 0.5 + 2.4 * np.sin(t))
                for t in np.linspace(0, 2 * np.pi, 16)]
        canvas.polygon(head, 2.2)
    bone += ndimage.gaussian_filter(canvas.result(), 0.25 / spacing)

    abdomen = (y > domes[1]) * (x > 0) + (y > domes[-1]) * (x <= 0)
    liver = chord(((x + 5) / 10) ** 2 + ((y - p.base - 5) / 7) ** 2, 6) * (x < 4)
    gas = np.zeros_like(x)
    if p.gastric_bubble:
        bx = p.half_width * 0.45
        gas += chord(((x - bx) / 3.0) ** 2 + ((y - domes[1] - 2.2) / 1.8) ** 2, 3.0)
    if f.pneumoperitoneum is not None:
        side, thick = f.pneumoperitoneum
        cx = side * p.half_width * 0.47
        lens = smooth_step(1 - np.abs(y - domes[side] - thick / 2 - 0.15) / (thick / 2)) \
            * smooth_step(1 - np.abs(x - cx) / (lung_half * 0.9))
        gas += lens * p.half_depth * 0.9
    tissue = tissue + 0.15 * liver * abdomen
    tissue = np.clip(tissue - gas * abdomen, 0, None)
    vessel_path = 5.0 * vessels * smooth_step(lung_path / 3)
    return (MU_TISSUE * (tissue - lung_path) + MU_LUNG * lung_path + MU_TISSUE * vessel_path + MU_BONE * bone)


def expose(line_integral, rng, spacing):
    """Detector signal after attenuation, scatter, noise, MTF and the system's image processing."""
    rows, cols = line_integral.shape
    yy = np.linspace(-0.5, 0.5, rows)[:, None]
    primary = np.exp(-line_integral) * (1 + rng.uniform(-0.15, 0.15) * yy)
    spr = rng.uniform(0.1, 0.4) if rng.random() < 0.7 else rng.uniform(0.6, 1.4)
    scatter = 0.6 * blur(primary, 3.0 / spacing) + 0.4 * blur(primary, 9.0 / spacing)
    signal = primary + spr * scatter * primary.mean() / max(scatter.mean(), 1e-12)
    photons = rng.uniform(400, 4000)
    counts = rng.poisson(signal * photons).astype(np.float64) + rng.normal(0, rng.uniform(0.5, 3.0), signal.shape)
    frequency_r = np.fft.fftfreq(rows)[:, None]
    frequency_c = np.fft.fftfreq(cols)[None, :]
    mtf = np.exp(-np.sqrt(frequency_r ** 2 + frequency_c ** 2) / rng.uniform(0.12, 0.3))
    counts = np.real(np.fft.ifft2(np.fft.fft2(counts) * mtf))
    counts *= 1 + rng.normal(0, 0.004, (1, cols))
    log_image = -np.log(np.clip(counts, 0.5, None) / photons)
    low = blur(log_image, 6.0 / spacing)
    processed = log_image - rng.uniform(0.2, 0.6) * (low - low.mean())
    detail = processed - ndimage.gaussian_filter(processed, 1.0 / spacing)
    processed = processed + rng.uniform(0.0, 1.2) * detail
    lo, hi = np.percentile(processed, [1, 99.5])
    normalised = (processed - lo) / max(hi - lo, 1e-9)
    contrast = rng.uniform(1.8, 3.5)
    shown = np.tanh(contrast * (normalised - rng.uniform(0.4, 0.6))) * 0.5 + 0.5
    return shown


def collimate_and_annotate(image, rng, spacing):
    rows, cols = image.shape
    if rng.random() < 0.6:
        margin = (rng.uniform(0, 3, 4) / spacing).astype(int)
        fill = image.max() if rng.random() < 0.5 else 0.0
        image[:margin[0], :] = fill
        image[rows - margin[1]:, :] = fill
        image[:, :margin[2]] = fill
        image[:, cols - margin[3]:] = fill
    if rng.random() < 0.5:
        canvas = Image.new("L", (cols, rows), 0)
        draw = ImageDraw.Draw(canvas)
        font = ImageFont.load_default()
        draw.text((cols - 110, 8), "PORTABLE", fill=255, font=font)
        draw.text((8, rows - 18), f"kVp {rng.integers(90, 125)} mAs {rng.uniform(1, 6):.1f}", fill=255, font=font)
        mask = np.asarray(canvas, dtype=np.float64) / 255
        image = image * (1 - mask) + image.max() * mask
    return image


def acquisition_format(rng):
    """Field size (cm), pixel spacing (cm) and DICOM encoding of one study."""
    shape = rng.choice(["portrait", "landscape", "square"], p=[0.6, 0.2, 0.2])
    width, height = {"portrait": (35, 43), "landscape": (43, 35), "square": (35, 35)}[shape]
    spacing = rng.uniform(0.09, 0.12)
    return width, height, spacing


def generate(rng, findings=None):
    """One study: (pixels as uint16, spacing in mm, bits stored, photometric, modality, labels)."""
    width, height, spacing = acquisition_format(rng)
    rows, cols = int(height / spacing), int(width / spacing)
    patient = Patient.random(rng, height)
    findings = findings if findings is not None else Findings.random(rng)
    integral = anatomy(patient, findings, rows, cols, spacing, rng)
    shown = collimate_and_annotate(expose(integral, rng, spacing), rng, spacing)
    bits = int(rng.choice([12, 14, 16]))
    pixels = np.clip(shown, 0, 1) * (2 ** bits - 1)
    photometric = "MONOCHROME1" if rng.random() < 0.35 else "MONOCHROME2"
    if photometric == "MONOCHROME1":
        pixels = (2 ** bits - 1) - pixels
    modality = "DX" if rng.random() < 0.8 else "CR"
    return pixels.astype(np.uint16), spacing * 10, bits, photometric, modality, findings.labels()


def main():
    import make_dicom_set
    from pydicom.uid import generate_uid
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--findings", default=None, help="'none' for normal studies only")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    rng = np.random.default_rng(args.seed)
    rows = ["study_instance_uid," + ",".join(FINDINGS)]
    for i in range(args.count):
        forced = Findings() if args.findings == "none" else None
        pixels, spacing, bits, photometric, modality, labels = generate(rng, forced)
        study = generate_uid()
        make_dicom_set.write(os.path.join(args.out, f"eval-{i:05d}.dcm"), pixels, study, i, modality=modality,
                             photometric=photometric, bits_stored=bits, spacing_mm=spacing,
                             manufacturer="cxr-triage independent phantom", model_name="EVAL-GEN 2",
                             view=str(rng.choice(["PA", "AP"], p=[0.7, 0.3])), prefix="EVAL")
        rows.append(study + "," + ",".join(str(v) for v in labels))
    with open(os.path.join(args.out, "labels.csv"), "w") as out:
        out.write("\n".join(rows) + "\n")
    print("wrote", args.count, "independent-generator studies and labels.csv to", args.out)


if __name__ == "__main__":
    main()
