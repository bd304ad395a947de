"""Pledge tracker: commitments with target dates, indicators and milestones, monitored and reported."""

__version__ = "0.1.0"
