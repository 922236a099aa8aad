"""Helpers the format parsers share (safe XML, defensive JSON reads, page-text lines, id patterns).

Nothing here is a format: parsers import from here and from `viewer.core.parsers.base`, never each other."""
