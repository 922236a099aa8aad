"""Trial Protocol Viewer: an offline desktop viewer for clinical-trial records and protocols."""

__version__ = "0.1.0"
