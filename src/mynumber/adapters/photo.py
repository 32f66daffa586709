"""申請用写真の確認 — checking a card-application photo, and the face crop stored on the chip.

The limits and their reasons are in ``mynumber.domain.photo_rules``; this module measures a
photo (OpenCV's frontal-face Haar cascade, mean luminance, Laplacian variance) and lets those
rules judge it. ``check_photo`` refuses with the first problem; ``check_all`` lists every
problem at once, for a form that shows them together.

The photo is measured on a grey working copy whose shorter side is at most 480 px: a 6000-px
photo is judged as quickly as a small one, and the face-size and blur limits are relative, so
the scale does not change the verdict.
"""

from __future__ import annotations

import functools
import io
import threading
import warnings
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image, UnidentifiedImageError

from mynumber.domain import photo_rules as rules
from mynumber.domain.errors import InvalidInput
from mynumber.domain.photo_rules import FaceBox, PhotoCheck, Reason

Grey = NDArray[np.uint8]

WORKING_SIDE_PX = 480
# The face crop stored on the chip: small, grey, square (顔写真 on the card-face AP).
CHIP_FACE_PX = 96
_SAMPLE_FACE_RATIO = 0.40  # the sample photo's face width over the frame's width
_CASCADE_FILE = "haarcascade_frontalface_default.xml"
# A cascade object is not documented as safe to share between threads: one caller at a time.
_cascade_lock = threading.Lock()


@functools.cache
def _cascade() -> cv2.CascadeClassifier:
    cascade = cv2.CascadeClassifier(cv2.data.haarcascades + _CASCADE_FILE)  # type: ignore[attr-defined]
    if cascade.empty():  # a broken OpenCV install must fail loudly, not find "no face"
        raise RuntimeError(f"OpenCV face cascade {_CASCADE_FILE} could not be loaded")
    return cascade


def detect_faces(grey: Grey, min_ratio: float = rules.IGNORED_FACE_RATIO) -> list[FaceBox]:
    """Frontal faces in a grey image, largest first; faces under ``min_ratio`` of the
    shorter side are ignored. Large images are searched on a reduced copy."""
    scale = min(1.0, WORKING_SIDE_PX / min(grey.shape[:2]))
    small = (
        grey
        if scale == 1.0
        else cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    )
    min_side = max(24, int(min_ratio * min(small.shape[:2])))
    # 10 overlapping hits to count as a face: real faces here gather 35-48, the cascade's
    # stray hits on clothing and backgrounds 6-9 (measured on the astronaut sample).
    with _cascade_lock:
        found = _cascade().detectMultiScale(
            small, scaleFactor=1.1, minNeighbors=10, minSize=(min_side, min_side)
        )
    boxes = [FaceBox(*(round(int(v) / scale) for v in box)) for box in found]
    return sorted(boxes, key=lambda b: b.width * b.height, reverse=True)


def face_crop(grey: Grey, box: FaceBox, size: int) -> Grey:
    """The face box cut out of ``grey`` and resized to ``size`` × ``size``."""
    face = grey[box.y : box.y + box.height, box.x : box.x + box.width]
    shrinking = face.shape[0] > size
    resized = cv2.resize(
        face, (size, size), interpolation=cv2.INTER_AREA if shrinking else cv2.INTER_CUBIC
    )
    return np.asarray(resized, dtype=np.uint8)


def decode_grey(data: bytes) -> Grey | None:
    """Any image OpenCV can read, as 8-bit grey (EXIF orientation applied); None if unreadable."""
    if not data:
        return None
    grey = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_GRAYSCALE)
    return None if grey is None else np.asarray(grey, dtype=np.uint8)


@dataclass(frozen=True, slots=True)
class _Header:
    format: str
    width: int
    height: int


def _read_header(data: bytes) -> _Header | InvalidInput:
    """Format and size from the file's header, without decoding the pixels."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                return _Header(image.format or "unknown", image.width, image.height)
    except Image.DecompressionBombError:
        # Pillow refuses to open anything beyond ~179 Mpx: far past our 6000-px limit.
        return rules.photo_error("too-large-pixels", width="?", height="?", limit=rules.MAX_SIDE_PX)
    except (UnidentifiedImageError, OSError, ValueError):
        return rules.photo_error("not-an-image")


def _size_problem(data: bytes) -> InvalidInput | None:
    if rules.judge_file_size(len(data)):
        return rules.photo_error("too-large-file", size=len(data), limit=rules.MAX_FILE_BYTES)
    return None


def _dimension_problem(header: _Header) -> InvalidInput | None:
    reason = rules.judge_dimensions(header.width, header.height)
    if reason is None:
        return None
    limit = rules.MIN_SIDE_PX if reason == "too-small" else rules.MAX_SIDE_PX
    return rules.photo_error(reason, width=header.width, height=header.height, limit=limit)


def face_sharpness(grey: Grey, box: FaceBox) -> float:
    """Variance of the Laplacian of the face (at a fixed size) over the variance of its grey
    levels: fine detail relative to the face's own contrast, so dimness is not blur."""
    face = face_crop(grey, box, rules.SHARPNESS_FACE_SIZE_PX)
    detail = float(cv2.Laplacian(face, cv2.CV_64F).var())
    return detail / max(float(face.var()), 1.0)  # a flat patch has no detail: near zero


def _picture_problems(grey: Grey, faces: list[FaceBox]) -> list[InvalidInput]:
    """Darkness, faces and blur, measured on decoded pixels."""
    height, width = grey.shape[:2]
    problems: list[InvalidInput] = []
    if rules.judge_brightness(float(grey.mean())):
        problems.append(rules.photo_error("too-dark"))
    face_reason = rules.judge_faces(faces, width, height)
    if face_reason:
        problems.append(rules.photo_error(face_reason, count=len(faces)))
    if faces and rules.judge_sharpness(face_sharpness(grey, faces[0])):
        problems.append(rules.photo_error("blurred"))
    return problems


@dataclass(frozen=True, slots=True)
class _Inspection:
    problems: list[InvalidInput]
    header: _Header | None = None
    grey: Grey | None = None
    faces: tuple[FaceBox, ...] = ()


def _inspect(data: bytes) -> _Inspection:
    """Every problem of the photo, in the order a person should fix them."""
    problems = [p for p in (_size_problem(data),) if p]
    header = _read_header(data)
    if isinstance(header, InvalidInput):
        return _Inspection([*problems, header])
    if rules.judge_format(header.format):
        return _Inspection([*problems, rules.photo_error("wrong-format", format=header.format)])
    dimension_problem = _dimension_problem(header)
    if dimension_problem:
        problems.append(dimension_problem)
        if dimension_problem.details["reason"] == "too-large-pixels":
            return _Inspection(problems)  # never decode an oversized image
    grey = decode_grey(data)
    if grey is None:  # the header was fine but the pixels are not (truncated, corrupt)
        return _Inspection([*problems, rules.photo_error("not-an-image")])
    faces = detect_faces(grey)
    return _Inspection(problems + _picture_problems(grey, faces), header, grey, tuple(faces))


def check_photo(data: bytes) -> PhotoCheck:
    """The accepted photo's facts, or ``InvalidInput`` (``field="photo"``, ``reason``) for
    the first problem found."""
    inspection = _inspect(data)
    if inspection.problems:
        raise inspection.problems[0]
    assert inspection.header is not None and inspection.grey is not None
    height, width = inspection.grey.shape[:2]
    return PhotoCheck(inspection.header.format, width, height, inspection.faces[0])


def check_all(data: bytes) -> list[Reason]:
    """Every problem of the photo as reason codes; empty when the photo is accepted."""
    return [problem.details["reason"] for problem in _inspect(data).problems]


def chip_photo(data: bytes) -> bytes:
    """The accepted photo as the chip stores it: the face, grey, ``CHIP_FACE_PX`` square, PNG.

    Raises ``InvalidInput`` as ``check_photo`` does when the photo is not acceptable.
    """
    inspection = _inspect(data)
    if inspection.problems:
        raise inspection.problems[0]
    assert inspection.grey is not None
    face = face_crop(inspection.grey, inspection.faces[0], CHIP_FACE_PX)
    return _encode(".png", face)


def _encode(extension: str, image: NDArray[np.uint8], *params: int) -> bytes:
    ok, buffer = cv2.imencode(extension, image, list(params))
    if not ok:
        raise RuntimeError(f"OpenCV could not encode {extension}")
    return bytes(buffer.tobytes())


@functools.cache
def sample_photo_jpeg() -> bytes:
    """A compliant application photo for demos and tests: scikit-image's astronaut (NASA,
    public domain), cropped to head and shoulders in the 3.5 × 4.5 frame and upscaled to
    480 px wide. Needs scikit-image (a dev dependency)."""
    try:
        from skimage import data as samples
    except ImportError as exc:  # pragma: no cover - only without the dev dependencies
        raise RuntimeError(
            "the sample photo needs scikit-image (pip install scikit-image)"
        ) from exc
    rgb = np.asarray(samples.astronaut(), dtype=np.uint8)
    face = detect_faces(np.asarray(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), dtype=np.uint8))[0]
    crop = _head_and_shoulders(rgb, face)
    scale = rules.MIN_SIDE_PX / crop.shape[1]
    photo = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    bgr = np.asarray(cv2.cvtColor(photo, cv2.COLOR_RGB2BGR), dtype=np.uint8)
    return _encode(".jpg", bgr, cv2.IMWRITE_JPEG_QUALITY, 92)


def _head_and_shoulders(rgb: NDArray[np.uint8], face: FaceBox) -> NDArray[np.uint8]:
    """A 35:45 window with the face ``_SAMPLE_FACE_RATIO`` of its width, face centre at 45 %
    of its height, slid to stay inside the picture."""
    width = round(face.width / _SAMPLE_FACE_RATIO)
    height = round(width * 45 / 35)
    left = face.x + face.width // 2 - width // 2
    top = face.y + face.height // 2 - round(height * 0.45)
    left = min(max(0, left), rgb.shape[1] - width)
    top = min(max(0, top), rgb.shape[0] - height)
    return rgb[top : top + height, left : left + width]
