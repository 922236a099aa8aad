"""Bundled icons, palettes and style sheets: installed as the package `viewer.resources`."""
