"""The Qt-free core: model, parsers, criteria splitting, export."""
