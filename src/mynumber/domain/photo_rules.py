"""申請用写真の規格 — the card-application photo specification, and why each limit is what it is.

Source: マイナンバーカード総合サイト (J-LIS), "写真の規格": 4.5 cm × 3.5 cm, taken within the last
6 months, front-facing, no hat, plain background; an online upload is at most 7 MB with
480–6000 pixels on each side. The thresholds marked *(policy)* are ours, measured on
scikit-image's ``astronaut()`` sample (see ``docs/face-matching.md``).

Each limit, its value and its reason:

- Format: JPEG or PNG, told by the file's first bytes, never by its name. The site takes
  JPEG; PNG is lossless and converts without loss *(policy)*.
- Each side: 480–6000 px (J-LIS upload rule).
- File size: at most 7,000,000 bytes. J-LIS says "7 MB"; we read decimal megabytes, the
  stricter reading, so that nothing we accept is refused upstream *(policy)*.
- Faces: exactly one frontal face. "Front-facing", and a photo of one person: a second face
  means someone else is in the frame.
- Face size: the face box at least 30 % of the shorter side wide *(policy)*. A 4.5 × 3.5 cm
  ID photo is a head-and-shoulders shot in which the face spans about half the width. The
  astronaut cropped around her head passes (41 %); the whole 512-px sample, taken from the
  waist up, fails (19 %).
- Faces ignored: narrower than 8 % of the shorter side *(policy)*: specks and patterns in the
  background are not people, and a face that small cannot be the subject anyway.
- Darkness: mean grey level (0–255, ITU-R BT.601 luma) at least 60 *(policy)*. A well-lit
  photo on a plain light background averages 110–160 (the sample: 134); below 60, under a
  quarter of full scale, the features drown in sensor noise.
- Blur: the variance of the Laplacian of the face scaled to 128 × 128 px, divided by the
  variance of the face's grey levels, at least 0.015 *(policy)*. Measured on the face, not the
  frame, so neither the resolution nor a plain, edge-free background moves it; divided by
  the face's own contrast, so a dim but sharp photo is not called blurred (darkness has its
  own rule). Sharp faces measure 0.07–0.11 (the sample, upscaled twice: 0.075); a Gaussian
  blur of σ = 1 % of the face width gives 0.011 and fails, σ = 0.5 % gives 0.034 and passes.

What a machine cannot check — the photo is recent, no hat, plain background — is the applicant's
declaration (``PhotoDeclaration``), asked beside the upload as the real form does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from mynumber.domain.errors import InvalidInput

MIN_SIDE_PX = 480
MAX_SIDE_PX = 6000
MAX_FILE_BYTES = 7_000_000
ACCEPTED_FORMATS = ("JPEG", "PNG")
MIN_FACE_RATIO = 0.30
IGNORED_FACE_RATIO = 0.08
MIN_MEAN_LUMINANCE = 60.0
MIN_FACE_SHARPNESS = 0.015
SHARPNESS_FACE_SIZE_PX = 128

Reason = Literal[
    "not-an-image",
    "wrong-format",
    "too-small",
    "too-large-pixels",
    "too-large-file",
    "no-face",
    "several-faces",
    "face-too-small",
    "too-dark",
    "blurred",
]

# One line per reason: (English, Japanese), each naming the problem and the fix.
_MESSAGES: dict[str, tuple[str, str]] = {
    "not-an-image": (
        "The file could not be read as a photo. Upload a JPEG or PNG photo.",
        "ファイルを写真として読み込めませんでした。JPEGまたはPNGの写真をアップロードしてください。",
    ),
    "wrong-format": (
        "The photo is a {format} file; only JPEG or PNG is accepted. Save it as JPEG and "
        "upload it again.",
        "写真の形式が{format}です。JPEGまたはPNGのみ受け付けます。JPEGで保存し直してください。",
    ),
    "too-small": (
        "The photo is {width} × {height} pixels; each side must be at least {limit} pixels. "
        "Take the photo at a higher resolution.",
        "写真の大きさが{width}×{height}ピクセルです。縦横とも{limit}ピクセル以上の写真を"
        "撮り直してください。",
    ),
    "too-large-pixels": (
        "The photo is {width} × {height} pixels; each side must be at most {limit} pixels. "
        "Reduce the photo's size and upload it again.",
        "写真の大きさが{width}×{height}ピクセルです。縦横とも{limit}ピクセル以下に"
        "縮小してください。",
    ),
    "too-large-file": (
        "The photo file is {size} bytes; at most {limit} bytes (7 MB) are accepted. "
        "Save it with more compression or fewer pixels.",
        "写真のファイルサイズが{size}バイトです。7MB（{limit}バイト）以下にしてください。",
    ),
    "no-face": (
        "No face was found in the photo. Take a photo facing the camera, face uncovered.",
        "写真から顔を検出できませんでした。正面を向き、顔が隠れないように撮り直してください。",
    ),
    "several-faces": (
        "The photo shows {count} faces; it must show only you. Take a photo of yourself alone.",
        "写真に{count}人の顔が写っています。ご本人だけが写った写真を撮り直してください。",
    ),
    "face-too-small": (
        "The face is too small in the photo. Come closer to the camera or crop the photo "
        "to your head and shoulders.",
        "写真の顔が小さすぎます。カメラに近づくか、頭から肩までを切り抜いてください。",
    ),
    "too-dark": (
        "The photo is too dark. Take it again in brighter, even light.",
        "写真が暗すぎます。明るく均一な照明の下で撮り直してください。",
    ),
    "blurred": (
        "The photo is blurred. Hold the camera still and focus on the face.",
        "写真がぼやけています。カメラを固定し、顔にピントを合わせて撮り直してください。",
    ),
}


def photo_error(reason: Reason, **facts: Any) -> InvalidInput:
    """The ``InvalidInput`` for one refused photo: ``field="photo"``, a stable ``reason``."""
    en, ja = _MESSAGES[reason]
    return InvalidInput(
        en.format(**facts), ja.format(**facts), field="photo", reason=reason, **facts
    )


class FaceNotFound(InvalidInput):
    """No face in the camera image at a clinic terminal or kiosk (顔認証で顔を検出できない).

    Its own error so that the terminal can offer the fallback: the 4-digit PIN, or a staff
    member's visual check of the face against the card (目視確認).
    """

    code = "face-not-found"
    title = "No face in the camera image"


def face_not_found() -> FaceNotFound:
    """The error a terminal shows when its camera image holds no face."""
    return FaceNotFound(
        "No face was found in the camera image. Look straight at the camera and try again, "
        "or use your PIN, or ask the staff to check your face against the card.",
        "カメラの画像から顔を検出できませんでした。カメラを正面から見てもう一度お試しいただくか、"
        "暗証番号を入力するか、職員による目視確認をお申し出ください。",
        field="live_image",
        reason="no-face",
    )


@dataclass(frozen=True, slots=True)
class FaceBox:
    """Where the face is, in pixels of the photo: left, top, width, height."""

    x: int
    y: int
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class PhotoCheck:
    """The facts of an accepted application photo."""

    format: str
    width: int
    height: int
    face: FaceBox


@dataclass(frozen=True, slots=True)
class PhotoDeclaration:
    """What the applicant declares because no machine can check it (申請者の申告)."""

    taken_within_six_months: bool
    no_headwear: bool
    plain_background: bool

    def missing(self) -> list[str]:
        """The declarations not given, by field name."""
        return [
            name
            for name in ("taken_within_six_months", "no_headwear", "plain_background")
            if not getattr(self, name)
        ]


def require_declaration(declaration: PhotoDeclaration) -> None:
    """Refuse an application whose photo declaration is incomplete."""
    missing = declaration.missing()
    if missing:
        raise InvalidInput(
            "Please confirm that the photo was taken within the last 6 months, without a hat, "
            "against a plain background.",
            "写真が6か月以内に撮影され、無帽・無背景であることを確認してください。",
            field="photo_declaration",
            reason="declaration-incomplete",
            missing=missing,
        )


def judge_format(image_format: str) -> Reason | None:
    """JPEG or PNG only (told by content)."""
    return None if image_format in ACCEPTED_FORMATS else "wrong-format"


def judge_file_size(size: int) -> Reason | None:
    """At most 7 MB."""
    return "too-large-file" if size > MAX_FILE_BYTES else None


def judge_dimensions(width: int, height: int) -> Reason | None:
    """Each side 480–6000 pixels."""
    if min(width, height) < MIN_SIDE_PX:
        return "too-small"
    if max(width, height) > MAX_SIDE_PX:
        return "too-large-pixels"
    return None


def judge_faces(faces: list[FaceBox], width: int, height: int) -> Reason | None:
    """Exactly one face, at least ``MIN_FACE_RATIO`` of the shorter side wide."""
    if not faces:
        return "no-face"
    if len(faces) > 1:
        return "several-faces"
    return "face-too-small" if faces[0].width < MIN_FACE_RATIO * min(width, height) else None


def judge_brightness(mean_luminance: float) -> Reason | None:
    """Not too dark: mean grey level at least ``MIN_MEAN_LUMINANCE``."""
    return "too-dark" if mean_luminance < MIN_MEAN_LUMINANCE else None


def judge_sharpness(face_sharpness: float) -> Reason | None:
    """Not blurred: the face's Laplacian variance over its grey-level variance at least
    ``MIN_FACE_SHARPNESS``."""
    return "blurred" if face_sharpness < MIN_FACE_SHARPNESS else None
