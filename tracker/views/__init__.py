"""Plain data for each read command and the weekly report, built from store queries and domain rules.

No rendering and no clock: the day (and, where service warnings are dated, the instant) is passed in.
"""
