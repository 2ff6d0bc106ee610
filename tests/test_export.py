"""Each export format, loaded back by the library that consumes it."""
import json
from pathlib import Path

import pytest
from PIL import Image

from mmsynth.cli import main
from mmsynth.corpus import load_records


@pytest.fixture(scope="module")
def records(small_corpus):
    return {r["id"]: r for r in load_records(small_corpus)}


def export(small_corpus, tmp_path, fmt, *extra):
    dest = tmp_path / fmt
    assert main(["export", str(small_corpus), "--format", fmt, "-o", str(dest), *extra]) == 0
    return dest


def test_llava_json_loads_with_datasets_and_images_open(small_corpus, tmp_path, records):
    datasets = pytest.importorskip("datasets")
    dest = export(small_corpus, tmp_path, "llava")
    ds = datasets.load_dataset("json", data_files=str(dest / "llava.json"), split="train")
    assert len(ds) == len(records)
    for row in ds:
        rec = records[row["id"]]
        convs = row["conversations"]
        assert [c["from"] for c in convs] == ["human", "gpt"] * (len(convs) // 2)
        assert convs[0]["value"].startswith("<image>\n")  # LLaVA moves it there anyway; we put it there
        assert convs[1]["value"] == rec["conversations"][1]["content"]
        assert Image.open(dest / row["image"]).size == Image.open(small_corpus / rec["images"][0]).size


def test_sharegpt_registers_for_llamafactory(small_corpus, tmp_path, records):
    datasets = pytest.importorskip("datasets")
    dest = export(small_corpus, tmp_path, "sharegpt", "--images", "link")
    info = json.loads((dest / "dataset_info.json").read_text())["mmsynth"]
    assert info["formatting"] == "sharegpt" and info["columns"] == {"messages": "messages", "images": "images"}
    ds = datasets.load_dataset("json", data_files=str(dest / info["file_name"]), split="train")
    tags = info["tags"]
    for row in ds:
        roles = [m[tags["role_tag"]] for m in row["messages"]]
        assert roles[0] == tags["user_tag"] and roles[1] == tags["assistant_tag"]
        n_tokens = sum(m[tags["content_tag"]].count("<image>") for m in row["messages"])
        assert n_tokens == len(row["images"]) == 1
        assert (dest / row["images"][0]).is_symlink() and Image.open(dest / row["images"][0]).size[0] > 0


def test_hf_dataset_has_image_feature_and_trl_reads_messages(small_corpus, tmp_path, records):
    datasets = pytest.importorskip("datasets")
    dest = export(small_corpus, tmp_path, "hf")
    ds = datasets.load_from_disk(str(dest))
    assert isinstance(ds.features["images"].feature, datasets.Image)
    row = ds[0]
    rec = records[row["id"]]
    assert row["images"][0].size == Image.open(small_corpus / rec["images"][0]).size
    first = row["messages"][0]["content"]
    assert first[0]["type"] == "image" and first[1]["text"] == rec["qa"][0]["question"] or "Options" in first[1]["text"]
    assert json.loads(row["qa"]) == rec["qa"]
    trl_data = pytest.importorskip("trl.data_utils")
    msgs = trl_data.prepare_multimodal_messages(row["messages"], row["images"])
    filled = [p for m in msgs for p in m["content"] if p["type"] == "image"]
    assert len(filled) == 1 and filled[0]["image"] is row["images"][0]


def test_webdataset_shards_read_back(small_corpus, tmp_path, records):
    wds = pytest.importorskip("webdataset")
    dest = export(small_corpus, tmp_path, "webdataset", "--shard-size", "5")
    shards = sorted(str(p) for p in dest.glob("shard-*.tar"))
    assert len(shards) == 3
    seen = 0
    for sample in wds.WebDataset(shards, shardshuffle=False).decode("pil"):
        rec = sample["json"]
        assert rec == records[rec["id"]]
        assert sample["png"].size == Image.open(small_corpus / rec["images"][0]).size
        seen += 1
    assert seen == len(records)


def test_instructblip_one_row_per_question(small_corpus, tmp_path, records):
    dest = export(small_corpus, tmp_path, "instructblip")
    rows = json.loads((dest / "instructblip.json").read_text())
    assert len(rows) == sum(len(r["qa"]) for r in records.values())
    for row in rows:
        rec_id, q = row["id"].rsplit("-q", 1)
        qa = records[rec_id]["qa"][int(q)]
        assert row["text_input"].startswith(qa["question"])
        if qa["options"]:
            assert qa["options"]["ABCDEFGHIJ".index(row["text_output"])] == qa["answer"]
        assert Path(dest / row["image"]).is_file()


def test_unknown_format_is_refused(small_corpus, tmp_path, capsys):
    assert main(["export", str(small_corpus), "--format", "parquet", "-o", str(tmp_path / "x")]) == 2
    assert "unknown format 'parquet'" in capsys.readouterr().err
