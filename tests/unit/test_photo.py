"""The card-application photo check: every reason code, the limits' edges, the chip crop.

Images come from scikit-image's bundled samples: ``astronaut()`` (one face), ``coffee()`` and
``chelsea()`` (none), composed or altered here.
"""

from __future__ import annotations

import struct
import zlib
from typing import get_args

import cv2
import numpy as np
import pytest
from skimage import data as samples

from mynumber.adapters.photo import (
    CHIP_FACE_PX,
    check_all,
    check_photo,
    chip_photo,
    sample_photo_jpeg,
)
from mynumber.domain import photo_rules as rules
from mynumber.domain.errors import InvalidInput
from mynumber.domain.photo_rules import FaceBox, PhotoDeclaration, Reason


@pytest.fixture(scope="module")
def sample() -> np.ndarray:
    """The compliant sample photo, decoded to BGR for altering."""
    return cv2.imdecode(np.frombuffer(sample_photo_jpeg(), np.uint8), cv2.IMREAD_COLOR)


def jpeg(image: np.ndarray) -> bytes:
    return cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 92])[1].tobytes()


def encode(extension: str, image: np.ndarray) -> bytes:
    return cv2.imencode(extension, image)[1].tobytes()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims a size and holds no pixels: what a decompression bomb looks like."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b"")


def refusal(data: bytes) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        check_photo(data)
    return caught.value


# --- accepted photos -------------------------------------------------------------------


def test_sample_photo_is_accepted_with_its_facts() -> None:
    photo = sample_photo_jpeg()
    check = check_photo(photo)
    assert (check.format, check.width) == ("JPEG", 480)
    assert check.height >= 480
    face = check.face
    assert face.x >= 0 and face.x + face.width <= check.width
    assert face.width >= rules.MIN_FACE_RATIO * check.width
    assert check_all(photo) == []


def test_png_photo_is_accepted(sample: np.ndarray) -> None:
    assert check_photo(encode(".png", sample)).format == "PNG"


def test_photo_at_the_7_mb_limit_is_accepted() -> None:
    photo = sample_photo_jpeg()
    padded = photo + b"\0" * (rules.MAX_FILE_BYTES - len(photo))  # bytes after JPEG's end
    assert check_all(padded) == []


def test_slightly_soft_photo_is_still_accepted(sample: np.ndarray) -> None:
    assert check_all(jpeg(cv2.GaussianBlur(sample, (0, 0), 1.0))) == []


def test_dim_but_usable_photo_is_accepted(sample: np.ndarray) -> None:
    dim = (sample * 0.5).astype(np.uint8)  # mean grey ~67, above the limit of 60
    assert check_all(jpeg(dim)) == []


# --- each reason -------------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"not a photo at all", b"\xff\xd8\xff" + b"\0" * 50])
def test_bytes_that_are_no_image_are_refused(data: bytes) -> None:
    error = refusal(data)
    assert error.details == {"field": "photo", "reason": "not-an-image"}


def test_truncated_jpeg_is_refused_as_not_an_image() -> None:
    photo = sample_photo_jpeg()
    assert check_all(photo[: len(photo) // 2]) == ["not-an-image"]


@pytest.mark.parametrize(("extension", "name"), [(".bmp", "BMP"), (".tiff", "TIFF")])
def test_format_is_told_by_content_and_only_jpeg_or_png_pass(
    sample: np.ndarray, extension: str, name: str
) -> None:
    error = refusal(encode(extension, sample))
    assert (error.details["reason"], error.details["format"]) == ("wrong-format", name)
    assert name in error.message_en and name in error.message_ja


def test_photo_one_pixel_narrower_than_480_is_too_small(sample: np.ndarray) -> None:
    narrow = cv2.resize(sample, (479, 616), interpolation=cv2.INTER_AREA)
    error = refusal(jpeg(narrow))
    assert error.details["reason"] == "too-small"
    assert "479" in error.message_en and "480" in error.message_ja


def test_photo_wider_than_6000_pixels_is_refused_before_decoding() -> None:
    assert check_all(png_header_only(6001, 480)) == ["too-large-pixels"]


def test_decompression_bomb_is_refused_as_too_large() -> None:
    assert check_all(png_header_only(30000, 30000)) == ["too-large-pixels"]


def test_file_over_7_mb_is_too_large() -> None:
    photo = sample_photo_jpeg()
    padded = photo + b"\0" * (rules.MAX_FILE_BYTES + 1 - len(photo))
    error = refusal(padded)
    assert (error.details["reason"], error.details["size"]) == ("too-large-file", 7_000_001)


@pytest.mark.parametrize("picture", ["coffee", "chelsea"])
def test_photo_without_a_face_is_refused(picture: str) -> None:
    rgb = getattr(samples, picture)()
    scale = 480 / min(rgb.shape[:2])
    bgr = cv2.resize(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), None, fx=scale, fy=scale)
    assert check_all(jpeg(bgr)) == ["no-face"]


def test_photo_with_two_people_is_refused(sample: np.ndarray) -> None:
    error = refusal(jpeg(np.hstack([sample, sample])))
    assert (error.details["reason"], error.details["count"]) == ("several-faces", 2)
    assert "2" in error.message_en


def test_far_away_face_is_too_small() -> None:
    waist_up = cv2.cvtColor(samples.astronaut(), cv2.COLOR_RGB2BGR)  # 512 px, face 95 px
    assert check_all(encode(".png", waist_up)) == ["face-too-small"]


def test_dark_photo_is_refused(sample: np.ndarray) -> None:
    assert check_all(jpeg((sample * 0.3).astype(np.uint8))) == ["too-dark"]


def test_blurred_photo_is_refused(sample: np.ndarray) -> None:
    assert check_all(jpeg(cv2.GaussianBlur(sample, (0, 0), 4.0))) == ["blurred"]


def test_check_all_lists_every_problem_at_once(sample: np.ndarray) -> None:
    small_and_dark = (cv2.resize(sample, (300, 385)) * 0.3).astype(np.uint8)
    assert check_all(jpeg(small_and_dark)) == ["too-small", "too-dark"]


def test_check_photo_raises_the_first_problem_in_check_all_order(sample: np.ndarray) -> None:
    small_and_dark = (cv2.resize(sample, (300, 385)) * 0.3).astype(np.uint8)
    assert refusal(jpeg(small_and_dark)).details["reason"] == "too-small"


@pytest.mark.parametrize("reason", get_args(Reason))
def test_every_reason_has_an_english_and_japanese_message(reason: Reason) -> None:
    error = rules.photo_error(reason, format="GIF", width=1, height=1, limit=480, size=1, count=2)
    assert error.details["field"] == "photo" and error.details["reason"] == reason
    assert error.message_en and error.message_ja and error.message_en != error.message_ja
    assert "{" not in error.message_en + error.message_ja


# --- the pure limits, at their edges ----------------------------------------------------


def test_dimension_limits_include_480_and_6000() -> None:
    assert rules.judge_dimensions(480, 6000) is None
    assert rules.judge_dimensions(479, 600) == "too-small"
    assert rules.judge_dimensions(600, 6001) == "too-large-pixels"


def test_face_must_be_30_percent_of_the_shorter_side() -> None:
    assert rules.judge_faces([FaceBox(0, 0, 150, 150)], 500, 640) is None
    assert rules.judge_faces([FaceBox(0, 0, 149, 149)], 500, 640) == "face-too-small"


def test_brightness_and_sharpness_limits() -> None:
    assert rules.judge_brightness(60.0) is None and rules.judge_brightness(59.9) == "too-dark"
    assert rules.judge_sharpness(0.015) is None and rules.judge_sharpness(0.0149) == "blurred"


# --- the chip crop and the declaration ----------------------------------------------------


def test_chip_photo_is_a_small_grey_face_crop() -> None:
    chip = chip_photo(sample_photo_jpeg())
    assert chip.startswith(b"\x89PNG")
    face = cv2.imdecode(np.frombuffer(chip, np.uint8), cv2.IMREAD_UNCHANGED)
    assert face.shape == (CHIP_FACE_PX, CHIP_FACE_PX)


def test_chip_photo_refuses_a_photo_that_fails_the_check() -> None:
    with pytest.raises(InvalidInput) as caught:
        chip_photo(b"not a photo")
    assert caught.value.details["reason"] == "not-an-image"


def test_complete_declaration_is_accepted() -> None:
    rules.require_declaration(PhotoDeclaration(True, True, True))


def test_incomplete_declaration_names_what_is_missing() -> None:
    with pytest.raises(InvalidInput) as caught:
        rules.require_declaration(PhotoDeclaration(True, False, False))
    assert caught.value.details["reason"] == "declaration-incomplete"
    assert caught.value.details["missing"] == ["no_headwear", "plain_background"]
