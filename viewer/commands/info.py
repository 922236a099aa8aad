"""`trialviewer formats` and `trialviewer schema`: what the viewer reads and what it writes."""

from __future__ import annotations

import argparse
import json


def formats(_args: argparse.Namespace) -> int:
    from viewer.core.formats import all_formats

    for fmt in all_formats():
        print(f"{fmt.name:24} {fmt.label}  ({', '.join(fmt.extensions)})")
    return 0


def schema(_args: argparse.Namespace) -> int:
    from viewer.core.model import study_json_schema

    print(json.dumps(study_json_schema(), indent=2))
    return 0
