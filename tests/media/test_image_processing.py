"""Uploaded images come out upright, re-encoded, phone-sized and without any metadata."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageCms, ImageFile

from media.errors import BrokenMedia
from media.images import process_image
from tests.media.samples import (
    encode,
    gif_animated,
    png_header_only,
    png_with_alpha,
    pupil_exif,
    two_colour,
)


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def assert_no_metadata(data: bytes) -> None:
    image = opened(data)
    assert dict(image.getexif()) == {}
    assert not {"exif", "xmp", "XML:com.adobe.xmp", "icc_profile", "comment"} & set(image.info)
    for trace in (b"Exif", b"PupilPhone", b"xmpmeta", b"GPSLatitude", b"not a real profile"):
        assert trace not in data


def test_jpeg_upload_loses_its_gps_exif(jpeg_with_gps):
    result = process_image(jpeg_with_gps)
    for rendition in (result.original, result.display, result.thumbnail):
        assert_no_metadata(rendition.data)


def test_sideways_photo_is_turned_upright_by_its_exif_orientation(jpeg_with_gps):
    original = process_image(jpeg_with_gps).original
    image = opened(original.data).convert("RGB")
    assert (original.width, original.height) == image.size == (480, 640)
    # Stored red-left/blue-right; orientation 6 means "turn clockwise", putting red on top.
    red, _, blue = image.getpixel((240, 100))
    assert red > 200 and blue < 60
    red, _, blue = image.getpixel((240, 540))
    assert blue > 200 and red < 60


def test_photo_becomes_a_progressive_jpeg(jpeg_with_gps):
    original = process_image(jpeg_with_gps).original
    assert (original.content_type, original.extension) == ("image/jpeg", "jpg")
    assert opened(original.data).info.get("progressive") == 1


def test_heic_from_an_iphone_is_stored_as_jpeg_without_its_exif():
    heic = encode(two_colour((64, 48)), "HEIF", exif=pupil_exif())
    original = process_image(heic).original
    assert opened(original.data).format == "JPEG"
    assert (original.width, original.height) == (64, 48)
    assert_no_metadata(original.data)


def test_webp_is_stored_as_jpeg_without_its_exif():
    webp = encode(two_colour((64, 48)), "WEBP", exif=pupil_exif())
    original = process_image(webp).original
    assert original.content_type == "image/jpeg"
    assert_no_metadata(original.data)


def test_transparent_png_stays_png_with_its_transparency():
    original = process_image(png_with_alpha()).original
    image = opened(original.data)
    assert (original.content_type, image.format, image.mode) == ("image/png", "PNG", "RGBA")
    assert image.getpixel((0, 0))[3] == 0
    assert image.getpixel((10, 10)) == (0, 128, 0, 255)


def test_png_with_an_unused_alpha_channel_becomes_jpeg():
    opaque = encode(Image.new("RGBA", (20, 20), (10, 20, 30, 255)), "PNG")
    assert process_image(opaque).original.content_type == "image/jpeg"


def test_animated_gif_keeps_only_its_first_frame_as_png():
    original = process_image(gif_animated()).original
    image = opened(original.data)
    assert image.format == "PNG"
    assert getattr(image, "n_frames", 1) == 1
    assert image.convert("RGB").getpixel((5, 5)) == (255, 0, 0)


def test_large_photo_gets_a_display_rendition_of_1280_px_and_a_thumbnail_of_320_px():
    big = encode(two_colour((3000, 2000)), "JPEG")
    result = process_image(big)
    assert (result.original.width, result.original.height) == (3000, 2000)
    assert (result.display.width, result.display.height) == (1280, 853)
    assert (result.thumbnail.width, result.thumbnail.height) == (320, 213)
    assert opened(result.display.data).size == (1280, 853)
    assert opened(result.thumbnail.data).size == (320, 213)


def test_portrait_photo_is_limited_on_its_long_side():
    result = process_image(encode(two_colour((1000, 2560)), "JPEG"))
    assert (result.display.width, result.display.height) == (500, 1280)


def test_small_image_is_never_upscaled_and_its_renditions_share_the_same_bytes():
    result = process_image(encode(two_colour((200, 100)), "PNG"))
    assert (result.display.width, result.display.height) == (200, 100)
    assert result.display.data == result.original.data == result.thumbnail.data


def test_cmyk_jpeg_is_stored_as_rgb():
    cmyk = encode(Image.new("CMYK", (20, 20), (0, 255, 255, 0)), "JPEG")
    image = opened(process_image(cmyk).original.data)
    assert image.mode == "RGB"
    red, green, blue = image.getpixel((10, 10))
    assert red > 200 and green < 80 and blue < 80


def test_sixteen_bit_grey_png_keeps_its_brightness():
    grey = Image.new("I;16", (10, 10), 32768)
    image = opened(process_image(encode(grey, "PNG")).original.data)
    assert image.mode == "L"
    assert 120 <= image.getpixel((5, 5)) <= 136


def test_srgb_colour_profile_is_applied_and_then_dropped():
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = encode(Image.new("RGB", (8, 8), (200, 40, 40)), "JPEG", icc_profile=srgb)
    image = opened(process_image(data).original.data)
    assert "icc_profile" not in image.info
    red, green, blue = image.getpixel((4, 4))
    assert abs(red - 200) < 8 and abs(green - 40) < 8 and abs(blue - 40) < 8


def test_unusable_colour_profile_is_dropped_rather_than_refused():
    data = encode(Image.new("RGB", (8, 8), (200, 40, 40)), "JPEG", icc_profile=b"garbage")
    assert opened(process_image(data).original.data).getpixel((4, 4))[0] > 180


def test_truncated_jpeg_is_refused_even_though_its_header_is_fine(jpeg_with_gps):
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
    with pytest.raises(BrokenMedia, match="truncated or undecodable"):
        process_image(jpeg_with_gps[: len(jpeg_with_gps) // 2])


def test_png_cut_after_its_header_is_refused():
    with pytest.raises(BrokenMedia):
        process_image(encode(two_colour((16, 16)), "PNG")[:40])


def test_image_declaring_more_pixels_than_allowed_is_refused_before_decoding():
    with pytest.raises(BrokenMedia, match="decompression bomb"):
        process_image(png_header_only(8000, 8000))


def test_image_beyond_pillows_own_bomb_limit_is_refused_as_broken_media():
    with pytest.raises(BrokenMedia, match="decompression bomb"):
        process_image(png_header_only(30000, 30000))


def test_the_pixel_limit_can_be_set_per_call():
    with pytest.raises(BrokenMedia, match="over the limit of 5000 pixels"):
        process_image(encode(two_colour((100, 100)), "PNG"), max_pixels=5000)


def test_empty_data_is_refused_saying_so():
    with pytest.raises(BrokenMedia, match="empty file"):
        process_image(b"")


def test_formats_pillow_could_open_but_we_do_not_accept_are_refused():
    bmp = encode(two_colour((16, 16)), "BMP")
    with pytest.raises(BrokenMedia, match="not a decodable image"):
        process_image(bmp)


def test_markup_hidden_in_a_jpeg_comment_does_not_survive_re_encoding():
    data = encode(two_colour((16, 16)), "JPEG", comment=b"<script>alert(1)</script>")
    assert b"<script>" not in process_image(data).original.data
