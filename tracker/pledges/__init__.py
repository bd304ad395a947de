"""The pledge file format: models, YAML loading with `file:line` errors, fuzzy dates, value rules, the bundled catalog.

The lowest layer: it imports nothing else of the package but `tracker.errors`.
"""
