"""`python -m tracker`."""

from tracker.entry import main

main()
