"""``python -m mynumber.cli``."""

from mynumber.cli.main import main

main()
