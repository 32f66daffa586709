"""マイナンバーカードのICチップ — the My Number Card as a secure element, in-process.

A card keeps its own private keys, PIN retry counters and data files; the authority's database
holds only public certificates, card serials and status. See ``chip`` for the order in which a
PIN is checked, ``session`` for what a card-reader connection may do, ``store`` for the
persistence port.
"""

from mynumber.card.chip import Chip, ChipPublicKeys
from mynumber.card.files import BasicFourItems, CardFile, ChipData, KeySlot
from mynumber.card.keys import FreshKeys, KeyPool, KeySource
from mynumber.card.pins import PinRef
from mynumber.card.session import CardSession
from mynumber.card.signing import digest_info
from mynumber.card.store import ChipState, ChipStore, KeyRecord, MemoryChipStore, PinRecord

__all__ = [
    "BasicFourItems",
    "CardFile",
    "CardSession",
    "Chip",
    "ChipData",
    "ChipPublicKeys",
    "ChipState",
    "ChipStore",
    "FreshKeys",
    "KeyPool",
    "KeyRecord",
    "KeySlot",
    "KeySource",
    "MemoryChipStore",
    "PinRecord",
    "PinRef",
    "digest_info",
]
