"""Rebuild the README gallery: one image per family with its questions and computed answers.

    python docs/make_gallery.py            # writes docs/gallery/*.png and the README section
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
MAX_SIDE = 420


def cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "<br>")


def shown_answer(qa: dict) -> str:
    """The assistant's answer, with the option text beside a letter."""
    return f"{answer_text(qa)}. {qa['answer']}" if qa.get("options") else answer_text(qa)


def main() -> None:
    out_dir = ROOT / "docs" / "gallery"
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = ["| image | questions and computed answers |", "| --- | --- |"]
    for pattern in FAMILY_PATTERNS:
        names = registry.resolve([pattern], generating=True) if registry.names(pattern) else []
        for name in names[:2]:
            sample = registry.create(name).make(0, 7)
            img = sample.images[0]
            img = img if isinstance(img, Image.Image) else Image.open(img)
            img = img.convert("RGB")
            img.thumbnail((MAX_SIDE, MAX_SIDE))
            path = out_dir / f"{name}.jpg"
            img.save(path, quality=85)
            qa_lines = [f"**{name}**"] + [
                f"Q: {cell(q['question'])}" + (f" ({', '.join(map(str, q['options']))})" if q["options"] else "")
                + f"<br>A: **{cell(shown_answer(q))}**" for q in sample.qa[:3]]
            rows.append(f"| <img src=\"docs/gallery/{path.name}\" width=\"280\"> | {'<br>'.join(qa_lines)} |")
    readme = ROOT / "README.md"
    text = readme.read_text()
    section = "<!-- gallery:start -->\n## Gallery\n\nSample 7 of seed 0 of each family, as `mmsynth generate` makes it:\n\n" \
        + "\n".join(rows) + "\n<!-- gallery:end -->"
    readme.write_text(re.sub(r"<!-- gallery:start -->.*<!-- gallery:end -->", lambda _: section, text, flags=re.S))
    print(f"wrote {len(rows) - 2} gallery rows")


if __name__ == "__main__":
    main()
