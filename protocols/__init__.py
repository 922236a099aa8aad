"""Bundled sample studies: installed as the package `viewer.protocols` (the .py file is not a study)."""
