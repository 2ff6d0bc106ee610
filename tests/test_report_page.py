"""`mmsynth report`: multiple-choice answers come with their options, and the page works
in a real browser (headless Debian chromium, skipped where it is not installed): every
image loads and every plot renders."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from mmsynth.corpus import iter_records
from mmsynth.record import OPTION_LETTERS
from mmsynth.report import write_report

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

# Run after the page has loaded: which images did not load, and how many plots rendered.
CHECK = """<script>
window.addEventListener('load', () => {
  const imgs = [...document.images];
  const ok = i => i.complete && i.naturalWidth > 0 && i.naturalHeight > 0;
  const plots = imgs.filter(i => i.src.startsWith('data:image/png')).filter(i => ok(i) && i.naturalWidth >= 200);
  document.body.setAttribute('data-check', JSON.stringify({
    images: imgs.length, broken: imgs.filter(i => !ok(i)).map(i => i.getAttribute('src').slice(0, 120)),
    plots: plots.length}));
});
</script>"""


def gallery_mc(root: Path) -> list[dict]:
    """The multiple-choice questions of the records the report's gallery shows (2 per generator)."""
    shown: dict[str, int] = {}
    out = []
    for _, _, rec in iter_records(root):
        if shown.get(rec["generator"], 0) < 2:
            shown[rec["generator"]] = shown.get(rec["generator"], 0) + 1
            out += [qa for qa in rec["qa"] if qa.get("options") and not qa.get("response")]
    return out


def test_multiple_choice_answers_are_shown_with_their_options(small_corpus, tmp_path):
    page = write_report(small_corpus, tmp_path / "r.html").read_text()
    mc = gallery_mc(small_corpus)
    assert mc, "the fixture corpus has multiple-choice questions in its gallery"
    lists = re.findall(r'<ol type="A" class="options">(.*?)</ol> <b>(.*?)</b>', page)
    assert len(lists) == len(mc)
    for qa, (items, shown_answer) in zip(mc, lists):
        options = re.findall(r"<li( class=right)?>(.*?)</li>", items)
        assert len(options) == len(qa["options"])
        right = qa["options"].index(qa["answer"])
        assert [bool(mark) for mark, _ in options] == [i == right for i in range(len(options))]
        assert shown_answer.startswith(f"{OPTION_LETTERS[right]}. ")


def browser_check(page: Path) -> dict:
    """Open a copy of the page (with the check script) in headless chromium; the check's result."""
    probe = page.with_name(page.stem + "-probe.html")
    probe.write_text(page.read_text().replace("</style>", "</style>" + CHECK, 1))
    dom = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--allow-file-access-from-files",
                          "--virtual-time-budget=10000", "--dump-dom", probe.resolve().as_uri()],
                         capture_output=True, text=True, timeout=120).stdout
    m = re.search(r"data-check=\"([^\"]*)\"", dom)
    assert m, f"the check did not run; chromium printed: {dom[:300]!r}"
    return json.loads(m.group(1).replace("&quot;", '"'))


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")
@pytest.mark.parametrize("inside", [True, False], ids=["report-in-corpus", "report-elsewhere"])
def test_the_page_loads_every_image_and_renders_its_plots_in_chromium(small_corpus, tmp_path, inside):
    root = tmp_path / "corpus"
    shutil.copytree(small_corpus, root)
    page = write_report(root, root / "report.html" if inside else tmp_path / "elsewhere" / "report.html")
    result = browser_check(page)
    n_gallery = len(re.findall(r'<div class="card"><img', page.read_text()))
    assert result["broken"] == []
    assert result["plots"] == 4  # generators, skills, answer types, answer concentration
    assert result["images"] == 4 + n_gallery and n_gallery >= 2
