"""Domain randomisation: turns a phantom.py density image into what many different X-ray systems
(and slightly different anatomy) might have delivered, so the reference model does not learn one
generator's look.

Everything here keeps the radiographic polarity (denser = larger value, as MONOCHROME2 shows it)
and keeps the chest in view: inverted images, extreme crops or rotations, blanks and heavy noise
are the shifts the reliability verdict must catch, so the model is deliberately never trained on
them. Sizes and noise levels are given at the model's 160 x 160 scale and scaled to the output
size, so a 512 x 512 DICOM image, area-averaged by the server to 160 x 160, ends up with the same
statistics as a training image made directly at 160 x 160.
"""
import numpy as np
from scipy import ndimage
from PIL import Image, ImageDraw, ImageFont

import phantom

MODEL_SIZE = 160
_FONTS = ["/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
          "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
          "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"]
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 :/.-"


def habitus(rng):
    """Body habitus wider than phantom.Geometry.random: slim to broad, short to long lungs, more tilt."""
    return phantom.Geometry(body_half_width=0.34 + 0.15 * rng.random(),
                            lung_top=0.10 + 0.09 * rng.random(),
                            diaphragm=0.63 + 0.15 * rng.random(),
                            heart_radius=0.115 + 0.04 * rng.random(),
                            tilt=(rng.random() - 0.5) * 0.12,
                            anteroposterior=rng.random() < 0.35)


def anatomical_variation(density, rng):
    """Anatomy drawn differently than phantom.py draws it, at density level inside the body:
    power-law "anatomical noise" (the 1/f^beta background texture of real and simulated chests)
    and a few smooth curved lines of random width and contrast (tubes, wires, rib and vessel edges
    of other anatomy models), so findings are learned as what they are, not as departures from one
    smooth background."""
    size = density.shape[0]
    body = density > 0.1
    if rng.random() < 0.7:
        fy = np.fft.fftfreq(size)[:, None]
        fx = np.fft.fftfreq(size)[None, :]
        radius = np.sqrt(fx * fx + fy * fy)
        radius[0, 0] = 1.0
        spectrum = radius ** (-rng.uniform(2.5, 3.5) / 2) * np.exp(2j * np.pi * rng.random((size, size)))
        spectrum[0, 0] = 0
        texture = np.real(np.fft.ifft2(spectrum))
        texture /= max(texture.std(), 1e-9)
        density = density + body * rng.uniform(0.005, 0.04) * texture
    if rng.random() < 0.6:
        canvas = Image.new("F", (size, size), 0.0)
        draw = ImageDraw.Draw(canvas)
        for _ in range(rng.integers(1, 6)):
            start, middle, end = rng.uniform(0.1, 0.9, (3, 2)) * size
            t = np.linspace(0, 1, 24)[:, None]
            points = (1 - t) ** 2 * start + 2 * t * (1 - t) * middle + t ** 2 * end
            draw.line([tuple(p) for p in points], fill=float(rng.choice([-1, 1]) * rng.uniform(0.03, 0.12)),
                      width=int(rng.integers(1, max(2, size // 40))))
        density = density + body * ndimage.gaussian_filter(np.asarray(canvas, dtype=np.float64), 0.7)
    return np.clip(density, 0, 1)


def _geometry(density, rng, size):
    """Scale, rotation, translation and aspect; the chest stays in view (crops of at most ~12 %)."""
    zoom = np.exp(rng.uniform(np.log(0.82), np.log(1.22)))
    aspect = np.exp(rng.uniform(-0.12, 0.12))
    angle = np.deg2rad(np.clip(rng.normal(0, 4.0), -10, 10))
    shift = rng.uniform(-0.06, 0.06, 2)
    src = density.shape[0]
    # output (row, col) in [0, size) -> source coordinates, centred
    scale_r = src / size / (zoom * aspect ** 0.5)
    scale_c = src / size / (zoom / aspect ** 0.5)
    cos, sin = np.cos(angle), np.sin(angle)
    matrix = np.array([[cos * scale_r, -sin * scale_c], [sin * scale_r, cos * scale_c]])
    centre_out = np.array([size / 2, size / 2])
    centre_src = np.array([src / 2, src / 2]) + shift * src
    offset = centre_src - matrix @ centre_out
    if src > size * 1.5:
        density = ndimage.uniform_filter(density, size=int(round(src / size)))
    return ndimage.affine_transform(density, matrix, offset=offset, output_shape=(size, size), order=1, mode="nearest")


def _transfer(density, rng):
    """Attenuation, scatter and the system's processing curve; output in [0, 1], denser = larger."""
    mu = rng.uniform(1.5, 4.0)
    transmitted = np.exp(-mu * density)
    scatter_fraction = rng.uniform(0.0, 0.5)
    if scatter_fraction > 0.02:
        sigma = density.shape[0] * rng.uniform(0.05, 0.15)
        transmitted = transmitted + scatter_fraction * ndimage.gaussian_filter(transmitted, sigma)
    if rng.random() < 0.6:
        image = -np.log(transmitted)
    else:
        image = transmitted.max() - transmitted
    image = (image - image.min()) / max(image.max() - image.min(), 1e-9)
    kind = rng.integers(0, 4)
    if kind == 0:
        image = image ** np.exp(rng.uniform(np.log(0.5), np.log(2.0)))
    elif kind == 1:
        centre, slope = rng.uniform(0.35, 0.65), rng.uniform(4, 12)
        low, high = 1 / (1 + np.exp(slope * centre)), 1 / (1 + np.exp(-slope * (1 - centre)))
        image = (1 / (1 + np.exp(-slope * (image - centre))) - low) / (high - low)
    elif kind == 2:
        knots = np.linspace(0, 1, rng.integers(4, 8))
        values = np.concatenate([[0], np.sort(rng.random(len(knots) - 2)), [1]])
        values = 0.5 * values + 0.5 * knots
        image = np.interp(image, knots, values)
    return np.clip(image, 0, 1)


def _sharpness(image, rng, px):
    if rng.random() < 0.7:
        image = ndimage.gaussian_filter(image, rng.uniform(0.2, 1.3) * px)
    if rng.random() < 0.45:
        radius = rng.uniform(2, 8) * px
        image = image + rng.uniform(0.3, 1.5) * (image - ndimage.gaussian_filter(image, radius))
    return image


def _noise(image, rng, px):
    """Additive, signal-dependent, multiplicative or correlated noise; std given at 160 scale."""
    level = rng.uniform(0.002, 0.035) * px
    kind = rng.integers(0, 4)
    if kind == 0:
        return image + level * rng.standard_normal(image.shape)
    if kind == 1:
        return image + level * np.sqrt(np.clip(1 - image, 0.02, 1)) * 1.4 * rng.standard_normal(image.shape)
    if kind == 2:
        return image * (1 + level * 1.5 * rng.standard_normal(image.shape))
    correlated = ndimage.gaussian_filter(rng.standard_normal(image.shape), 1.0 * px)
    return image + level * 2.5 * correlated + 0.5 * level * rng.standard_normal(image.shape)


def _grid_lines(image, rng, px):
    period = rng.uniform(2.2, 6.0) * px
    amplitude = rng.uniform(0.005, 0.03)
    axis = rng.integers(0, 2)
    coordinate = np.arange(image.shape[axis], dtype=np.float64)
    lines = amplitude * np.sin(2 * np.pi * coordinate / period + rng.uniform(0, 6.3))
    return image + (lines[:, None] if axis == 0 else lines[None, :])


def _collimation(image, rng, size):
    fill = image.max() * rng.uniform(0.95, 1.05) if rng.random() < 0.6 else image.min()
    widths = (rng.random(4) * rng.uniform(0.03, 0.11) * size).astype(int)
    row, col = np.mgrid[0:size, 0:size]
    angle = rng.normal(0, 0.02)
    r = row + angle * (col - size / 2)
    c = col - angle * (row - size / 2)
    outside = (r < widths[0]) | (r >= size - widths[1]) | (c < widths[2]) | (c >= size - widths[3])
    return np.where(outside, fill, image)


def _lettering(image, rng, size):
    """Burned-in annotation text and an L/R marker, bright or dark, near the edges."""
    canvas = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(canvas)
    for _ in range(rng.integers(0, 4)):
        height = max(6, int(size * rng.uniform(0.03, 0.06)))
        font = ImageFont.truetype(_FONTS[rng.integers(0, len(_FONTS))], height)
        text = "".join(_LETTERS[k] for k in rng.integers(0, len(_LETTERS), rng.integers(3, 14)))
        x = int(rng.uniform(0.01, 0.55) * size)
        y = int((rng.uniform(0.0, 0.08) if rng.random() < 0.5 else rng.uniform(0.88, 0.95)) * size)
        draw.text((x, y), text, fill=255, font=font)
    if rng.random() < 0.7:
        height = max(8, int(size * rng.uniform(0.04, 0.08)))
        font = ImageFont.truetype(_FONTS[0], height)
        x = int((rng.uniform(0.03, 0.2) if rng.random() < 0.5 else rng.uniform(0.75, 0.9)) * size)
        y = int(rng.uniform(0.05, 0.3) * size)
        if rng.random() < 0.5:
            draw.rectangle([x - 2, y - 2, x + height, y + height + 2], outline=255)
        draw.text((x, y), "L" if rng.random() < 0.5 else "R", fill=255, font=font)
    mask = np.asarray(canvas, dtype=np.float64) / 255
    value = image.max() if rng.random() < 0.8 else image.min()
    return image * (1 - mask) + value * mask


def acquire(density, rng, size=MODEL_SIZE):
    """A randomised acquisition of a density image, returned as size x size detector values
    (arbitrary positive units, denser = larger) ready for the model's percentile window."""
    px = size / MODEL_SIZE
    image = _geometry(anatomical_variation(density, rng), rng, size)
    image = _transfer(image, rng)
    image = _sharpness(image, rng, px)
    if rng.random() < 0.3:
        image = _grid_lines(image, rng, px)
    image = _noise(image, rng, px)
    if rng.random() < 0.5:
        image = _collimation(image, rng, size)
    if rng.random() < 0.6:
        image = _lettering(image, rng, size)
    image = np.clip(image, 0, None)
    return (image * rng.uniform(500, 4000) + rng.uniform(0, 300)).astype(np.float32)
