"""cooplevier — auto-diagnostic des coopérations territoriales."""

__version__ = "0.1.0"
