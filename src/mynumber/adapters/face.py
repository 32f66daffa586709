"""顔認証 — face matching at clinic terminals (マイナ受付) and kiosks (コンビニ交付機).

The terminal compares the face in its camera image with the face photo on the card's chip
(RULES.md: "PIN (4-digit) or face match against the chip photo"; the kiosk's PIN unlock needs
a face match too). Both faces go through the same steps: the live image's face is found with
the frontal-face Haar cascade (the largest one, should someone stand behind), cut out and
scaled to the chip's ``CHIP_FACE_PX`` square; then both are histogram-equalised and slightly
smoothed, and compared with OpenCV's LBPH (local binary pattern histograms, chi-square
distance). LBPH is the best face recogniser the installed packages carry without a
downloaded model.

``MATCH_THRESHOLD`` and the LBPH parameters come from the measurements in
``docs/face-matching.md``: they are figures on small public samples, not a certification.
A face the camera cannot find is ``FaceNotFound``; the fallback is the PIN or a staff
member's visual check (目視確認).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from mynumber.adapters.photo import CHIP_FACE_PX, Grey, decode_grey, detect_faces, face_crop
from mynumber.domain.errors import InvalidInput
from mynumber.domain.photo_rules import FaceBox, face_not_found

LBPH_RADIUS = 2
LBPH_NEIGHBOURS = 8
LBPH_GRID = 5  # 5 × 5 cells: coarse enough to forgive a few pixels of detector jitter
SMOOTHING_SIGMA = 1.0  # removes sensor noise and JPEG blocks before the binary patterns
# Chi-square distance at or below which the faces are the same person (see the doc).
MATCH_THRESHOLD = 27.0


@dataclass(frozen=True, slots=True)
class FaceMatchResult:
    """The verdict and the distance it was drawn from (lower is more alike)."""

    matched: bool
    distance: float


def normalise_face(face: Grey) -> Grey:
    """The common form of a face before comparison: chip size, equalised, smoothed."""
    if face.shape != (CHIP_FACE_PX, CHIP_FACE_PX):
        face = face_crop(face, FaceBox(0, 0, face.shape[1], face.shape[0]), CHIP_FACE_PX)
    equalised = cv2.equalizeHist(face)
    return np.asarray(cv2.GaussianBlur(equalised, (0, 0), SMOOTHING_SIGMA), dtype=np.uint8)


def chip_face(chip_photo: bytes) -> Grey:
    """The face stored on the chip (``photo.chip_photo``'s output), decoded."""
    face = decode_grey(chip_photo)
    if face is None or face.shape != (CHIP_FACE_PX, CHIP_FACE_PX):
        raise InvalidInput(
            "The card's face photo could not be read. Ask the staff for a visual check.",
            "カードの顔写真を読み取れませんでした。職員による目視確認をお申し出ください。",
            field="chip_photo",
            reason="unreadable-chip-photo",
        )
    return face


def live_face(live: bytes) -> Grey:
    """The largest face in the camera image, cut to the chip's size; ``FaceNotFound`` if none."""
    grey = decode_grey(live)
    faces = detect_faces(grey) if grey is not None else []
    if grey is None or not faces:
        raise face_not_found()
    return face_crop(grey, faces[0], CHIP_FACE_PX)


def face_distance(enrolled: Grey, probe: Grey) -> float:
    """LBPH chi-square distance between two face crops (0 for identical)."""
    recogniser = cv2.face.LBPHFaceRecognizer_create(  # type: ignore[attr-defined]
        radius=LBPH_RADIUS, neighbors=LBPH_NEIGHBOURS, grid_x=LBPH_GRID, grid_y=LBPH_GRID
    )
    recogniser.train([normalise_face(enrolled)], np.array([0], dtype=np.int32))
    _label, distance = recogniser.predict(normalise_face(probe))
    return float(distance)


class FaceMatcher:
    """Compares a live camera image with the chip photo."""

    def __init__(self, threshold: float = MATCH_THRESHOLD) -> None:
        self.threshold = threshold

    def match(self, chip_photo: bytes, live: bytes) -> FaceMatchResult:
        """Same person or not. Raises ``FaceNotFound`` when the camera image has no face and
        ``InvalidInput`` (``field="chip_photo"``) when the chip photo is unreadable."""
        enrolled = chip_face(chip_photo)
        distance = face_distance(enrolled, live_face(live))
        return FaceMatchResult(matched=distance <= self.threshold, distance=distance)
