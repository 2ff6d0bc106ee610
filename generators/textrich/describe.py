"""The facts a text-rich document's description tells: its kind and title, its date and
key fields, its items with their values, and the extremes and total of those values."""
from __future__ import annotations

from pathlib import Path

from mmsynth.describe import Fact, describes, listing, plural


def _value_texts(spec: dict) -> dict[str, str]:
    """Each item's value as printed: the value line that follows the item's line."""
    lines, out = spec["lines"], {}
    for a, b in zip(lines, lines[1:]):
        if a["role"] == "item" and b["role"].endswith("_value"):
            out.setdefault(a["text"], b["text"])
    return out


@describes("textrich.*", phrasings=Path(__file__).with_name("describe.yaml"), noun="document")
def document_facts(spec: dict) -> list[Fact]:
    facts = [Fact("textrich.overview", {"thing": spec["doc"], "doc": spec["doc"], "title": spec["title"]})]
    if spec.get("date"):
        facts.append(Fact("textrich.date", {"date": spec["date"]}))
    for key, value in spec.get("fields", {}).items():
        facts.append(Fact("textrich.field", {"field": key.replace("_", " "), "value": value}, key))
    items = spec.get("items") or []
    if items:
        one, many = spec["item_noun"]
        shown = _value_texts(spec)
        named = [f"{it['name']} ({shown[it['name']]})" if it["name"] in shown else it["name"] for it in items]
        facts.append(Fact("textrich.items", {"n": plural(len(items), one, many), "items": listing(named)}))
        valued = [it for it in items if it.get("value") is not None and it["name"] in shown]
        values = [it["value"] for it in valued]
        if len(valued) > 1 and values.count(max(values)) == 1:
            top = valued[values.index(max(values))]
            facts.append(Fact("textrich.largest", {"item": top["name"], "value": shown[top["name"]],
                                                   "kind": spec["value_kind"]}))
    totals = [b["text"] for a, b in zip(spec["lines"], spec["lines"][1:])
              if a["role"] == "total" and b["role"] == "total_value"]
    if totals:
        facts.append(Fact("textrich.total", {"total": totals[0]}))
    return facts
