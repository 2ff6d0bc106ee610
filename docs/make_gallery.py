"""Rebuild the README gallery: two samples of every generator, each with a question and
its computed answer, so a reader sees the range. Thumbnails are small JPEGs (the repo stays light).

    python docs/make_gallery.py            # writes docs/gallery/*.jpg and the README section
"""
from __future__ import annotations

import re
from pathlib import Path

from PIL import Image

from mmsynth import registry
from mmsynth.generator import answer_text

ROOT = Path(__file__).resolve().parents[1]
FAMILY_PATTERNS = ("chart.*", "table.*", "dashboard.*", "puzzle.*", "map.*", "flowchart.*", "graph.*",
                   "floorplan.*", "textrich.*", "scene.*")
MAX_SIDE = 220
INDICES = (7, 8)  # the two samples of seed 0 shown per generator


def cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "<br>")


def shown_answer(qa: dict) -> str:
    """The assistant's answer, with the option text beside a letter."""
    return f"{answer_text(qa)}. {qa['answer']}" if qa.get("options") else answer_text(qa)


def main() -> None:
    out_dir = ROOT / "docs" / "gallery"
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = ["| generator | sample 7 | sample 8 |", "| --- | --- | --- |"]
    for old in out_dir.glob("*.jpg"):
        old.unlink()
    for pattern in FAMILY_PATTERNS:
        for name in registry.resolve([pattern], generating=True) if registry.names(pattern) else []:
            cells = [f"**{name}**"]
            for index in INDICES:
                sample = registry.create(name).make(0, index)
                img = sample.images[0]
                img = (img if isinstance(img, Image.Image) else Image.open(img)).convert("RGB")
                img.thumbnail((MAX_SIDE, MAX_SIDE))
                path = out_dir / f"{name}-{index}.jpg"
                img.save(path, quality=60)
                q = sample.qa[0]
                options = f" ({', '.join(map(str, q['options']))})" if q["options"] else ""
                cells.append(f"<img src=\"docs/gallery/{path.name}\" width=\"220\"><br>Q: {cell(q['question'])}"
                             f"{cell(options)}<br>A: **{cell(shown_answer(q))}**")
            rows.append("| " + " | ".join(cells) + " |")
    readme = ROOT / "README.md"
    text = readme.read_text()
    section = "<!-- gallery:start -->\n## Gallery\n\nSample 7 of seed 0 of each family, as `mmsynth generate` makes it:\n\n" \
        + "\n".join(rows) + "\n<!-- gallery:end -->"
    readme.write_text(re.sub(r"<!-- gallery:start -->.*<!-- gallery:end -->", lambda _: section, text, flags=re.S))
    print(f"wrote {len(rows) - 2} gallery rows")


if __name__ == "__main__":
    main()
