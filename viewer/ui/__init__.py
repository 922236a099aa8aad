"""The Qt desktop viewer: the only package that imports PySide6."""
