"""One router per actor."""
