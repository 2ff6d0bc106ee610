"""mmsynth list: the registered generators and their question families."""
from __future__ import annotations

import argparse
import json

from mmsynth import registry

NAME = "list"
HELP = "list registered generators and their question families"
EXAMPLE = "mmsynth list 'chart.*'   |   mmsynth list --json"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("pattern", nargs="?", default="*", help="shell-style pattern (default: all)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--brief", action="store_true", help="one line per generator, no question families")


def run(args: argparse.Namespace) -> int:
    infos = [registry.get(n).describe() for n in registry.resolve([args.pattern])]
    if args.json:
        print(json.dumps(infos, indent=2))
        return 0
    width = max(len(i["name"]) for i in infos)
    for info in infos:
        print(f"{info['name'].ljust(width)}  {info['task']:<9}  {len(info['families']):>2} families  "
              f"{info['description']}")
        if not args.brief:
            for fam in info["families"]:
                print(f"{'':{width}}    - {fam['name']} ({fam['skill']}, {fam['answer_type']})")
    print(f"{len(infos)} generators")
    return 0
