"""Turning an uploaded picture into clean, upright, phone-sized images without any metadata."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import pillow_heif
from PIL import Image, ImageCms, ImageOps

from media.errors import BrokenMedia, MediaError

pillow_heif.register_heif_opener()

# Pillow can open many more formats (EPS, PSD, ...); only these may reach its decoders.
DECODABLE = ("JPEG", "PNG", "WEBP", "GIF", "HEIF")
DISPLAY_PX = 1280
THUMBNAIL_PX = 320
JPEG_OPTIONS = {"quality": 85, "progressive": True, "optimize": True}
SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


@dataclass(frozen=True)
class Rendition:
    """One encoded image file and its size in pixels."""

    data: bytes
    content_type: str
    extension: str
    width: int
    height: int


@dataclass(frozen=True)
class ProcessedImage:
    """The full-size re-encode plus the renditions phones get (display) and lists show (thumbnail)."""

    original: Rendition
    display: Rendition
    thumbnail: Rendition


def process_image(data: bytes, *, max_pixels: int = 24_000_000) -> ProcessedImage:
    """Decode fully, turn upright, drop all metadata and re-encode; the one way images get in.

    Photos and anything opaque become progressive JPEG, images with real transparency PNG.
    GIFs become a PNG of their first frame: animation is not kept. HEIC becomes JPEG.
    Colour profiles are applied (converted to sRGB) and then dropped with the rest of the
    metadata (EXIF, GPS, XMP, comments). `display` is at most 1280 px on the long side and
    `thumbnail` at most 320 px; neither is ever upscaled, and an image already small enough
    reuses the larger rendition's bytes, so storage keeps it once.
    """
    image, source_format = _decode(data, max_pixels)
    transparent = _has_transparency(image)
    image = _clean_pixels(image, transparent)
    as_png = transparent or source_format == "GIF"
    original = _encode(image, as_png)
    display_image, display = _fit(image, DISPLAY_PX, original, as_png)
    _, thumbnail = _fit(display_image, THUMBNAIL_PX, display, as_png)
    return ProcessedImage(original=original, display=display, thumbnail=thumbnail)


def _decode(data: bytes, max_pixels: int) -> tuple[Image.Image, str]:
    """The upright first frame, fully decoded, refusing bombs and truncated or undecodable files."""
    if not data:
        raise BrokenMedia("empty file")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=DECODABLE) as image:
                width, height = image.size
                if width * height > max_pixels and image.format == "JPEG":
                    # A JPEG decodes at 1/2, 1/4 or 1/8 scale for a fraction of the cost.
                    scale = next((s for s in (2, 4, 8) if width * height <= max_pixels * s * s), 8)
                    image.draft(image.mode, (max(1, width // scale), max(1, height // scale)))
                    width, height = image.size
                if width * height > max_pixels:
                    raise BrokenMedia(
                        f"image of {width}×{height} pixels is over the limit of {max_pixels} pixels "
                        "(decompression bomb?)"
                    )
                image.load()  # decodes everything: truncated data fails here, not later
                return _upright(image), image.format or ""
    except MediaError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise BrokenMedia("image has too many pixels (decompression bomb)") from exc
    except Image.UnidentifiedImageError as exc:
        raise BrokenMedia("not a decodable image") from exc
    except Exception as exc:  # decoders fail on hostile input in many ways; each means unusable
        raise BrokenMedia(f"truncated or undecodable image ({exc})") from exc


def _upright(image: Image.Image) -> Image.Image:
    """The image turned as its EXIF orientation says; as it is if that EXIF cannot be read."""
    try:
        return ImageOps.exif_transpose(image)
    except Exception:  # broken EXIF is no reason to refuse good pixels; the EXIF is dropped anyway
        return image.copy()


def _has_transparency(image: Image.Image) -> bool:
    """Whether any pixel is at least partly transparent (an unused alpha channel does not count)."""
    if image.mode not in ("RGBA", "LA", "PA", "RGBa", "La") and "transparency" not in image.info:
        return False
    return image.convert("RGBA").getchannel("A").getextrema()[0] < 255


def _clean_pixels(image: Image.Image, transparent: bool) -> Image.Image:
    """Pixels in sRGB, as RGB, RGBA or L, with no metadata left in `info`."""
    icc = image.info.get("icc_profile")
    if image.mode.startswith("I;16") or image.mode == "I":
        image = image.convert("I").point(lambda v: v / 256).convert("L")
    target = "RGBA" if transparent else ("L" if image.mode in ("1", "L", "LA") else "RGB")
    if image.mode != "CMYK" or not icc:
        image = image.convert(target)
    if icc and image.mode in ("RGB", "RGBA", "CMYK"):
        image = _to_srgb(image, icc, target)
    image = image.convert(target)
    image.info.clear()
    return image


def _to_srgb(image: Image.Image, icc: bytes, target: str) -> Image.Image:
    """The image converted from its embedded colour profile to sRGB; unchanged if the profile is unusable."""
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        return ImageCms.profileToProfile(image, source, SRGB, outputMode=target) or image
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image


def _fit(image: Image.Image, longest: int, larger: Rendition, as_png: bool) -> tuple[Image.Image, Rendition]:
    """The image scaled down to `longest` px on its long side, or the larger rendition if it already fits."""
    if max(image.size) <= longest:
        return image, larger
    smaller = image.copy()
    smaller.thumbnail((longest, longest), Image.Resampling.LANCZOS)
    return smaller, _encode(smaller, as_png)


def _encode(image: Image.Image, as_png: bool) -> Rendition:
    """PNG or progressive JPEG bytes of the image, with nothing but pixels in them."""
    buffer = io.BytesIO()
    if as_png:
        image.save(buffer, "PNG")
        content_type, extension = "image/png", "png"
    else:
        image.save(buffer, "JPEG", **JPEG_OPTIONS)
        content_type, extension = "image/jpeg", "jpg"
    return Rendition(buffer.getvalue(), content_type, extension, image.width, image.height)
