"""The describe family: every generator has one, its paragraphs are computed from the source
(right facts, several styles, rng-chosen), and verification recomputes them exactly."""
from __future__ import annotations

import copy

import pytest

from mmsynth import registry
from mmsynth.describe import describer_for, is_describe, verbalise
from mmsynth.questions import ask, verify_qa
from mmsynth.rand import rng_for

GENERATORS = [n for n in registry.names("*") if registry.get(n).can_generate()
              and registry.get(n).__module__.startswith(("generators.", "scenegraph."))]


def describe_family(name):
    return next(f for f in registry.create(name).families if is_describe(f.name))


@pytest.mark.parametrize("name", GENERATORS)
def test_every_generator_describes_and_verifies(name):
    gen, fam = registry.create(name), describe_family(name)
    answers, styles = set(), set()
    for i in range(6):
        spec = gen.sample_spec(rng_for(3, i, name))
        qa = ask(fam, spec, rng_for(4, i, name))
        assert qa["answer_type"] == "text" and qa["options"] is None and qa["long_answer"]
        assert verify_qa(fam, spec, qa) is None
        answers.add(qa["answer"])
        styles.add(qa["params"]["style"])
        if qa["params"]["style"] == "bullets":
            assert all(line.startswith("- ") for line in qa["answer"].splitlines())
    assert len(answers) == 6, "descriptions of different samples should differ"
    assert verbalise(name, spec).startswith("- ")


def bar_spec():
    return {"kind": "bar", "title": "Sales by shop", "measure": "sales", "unit": "units", "category_name": "shop",
            "category_plural": "shops", "categories": ["Books", "Toys", "Games"],
            "series": [{"name": "2024", "color": "red", "values": [92, 71, 40]}]}


def test_chart_facts_are_the_right_ones():
    text = verbalise("chart.bar", bar_spec())
    assert 'This bar chart, titled "Sales by shop", shows sales for 3 shops.' in text
    assert "Values range from 40 units to 92 units." in text
    assert "Books has the highest sales (92 units), and Games the lowest (40 units)." in text
    assert "Books is 21 units above Toys." in text and "Books is 52 units above Games." in text


def test_a_changed_source_fails_verification():
    fam, spec = describe_family("chart.bar"), bar_spec()
    qa = next(q for i in range(40) if (q := ask(fam, spec, rng_for(0, i, "t")))["params"]["style"] == "detailed"
              and any(f.startswith("chart.extremes") for f in q["params"]["facts"]))
    changed = copy.deepcopy(spec)
    changed["series"][0]["values"][0] = 93
    assert verify_qa(fam, spec, qa) is None
    assert "recomputed" in verify_qa(fam, changed, qa)


def test_map_names_the_roads_that_cross_the_river():
    spec = {"kind": "road", "unit": "km", "title": "Valley",
            "towns": [{"name": "Ash", "x": 10, "y": 50}, {"name": "Bree", "x": 90, "y": 50},
                      {"name": "Cole", "x": 20, "y": 80}],
            "roads": [{"name": "Long Rd", "a": "Ash", "b": "Bree", "km": 80},
                      {"name": "Short Ln", "a": "Ash", "b": "Cole", "km": 30}],
            "rivers": [{"name": "River Exe", "points": [[50, -5], [50, 105]]}], "lakes": []}
    text = verbalise("map.road", spec)
    assert "Long Rd cross River Exe." in text and "Short Ln cross" not in text
    assert "The longest road is Long Rd at 80 km." in text


def test_flowchart_tells_steps_in_order_and_branches():
    spec = {"kind": "process", "title": "Tea",
            "nodes": [{"id": "n0", "kind": "start", "text": "Start"}, {"id": "n1", "kind": "process", "text": "Boil"},
                      {"id": "n2", "kind": "decision", "text": "Hot?"}, {"id": "n3", "kind": "process", "text": "Pour"},
                      {"id": "n4", "kind": "end", "text": "End"}],
            "edges": [{"src": "n0", "dst": "n1", "label": ""}, {"src": "n1", "dst": "n2", "label": ""},
                      {"src": "n2", "dst": "n3", "label": "Yes"}, {"src": "n2", "dst": "n1", "label": "No"},
                      {"src": "n3", "dst": "n4", "label": ""}]}
    text = verbalise("flowchart.process", spec)
    assert 'In order, the steps are "Boil", "Hot?" and "Pour".' in text
    assert 'At "Hot?", Yes leads to "Pour" and No to "Boil".' in text


def test_scene_tells_objects_and_relations():
    spec = {"scenes": [{"objects": [{"label": "cube", "attributes": ["red"], "distance": 5.0},
                                    {"label": "sphere", "attributes": ["blue"], "distance": 9.0}],
                        "relations": [[0, "left of", 1], [1, "right of", 0]]}]}
    text = verbalise("scene.count", spec)
    assert "The scene contains 2 objects: a red cube and a blue sphere." in text
    assert "The red cube is left of the blue sphere." in text and "right of" not in text
    assert "The red cube is closest to the camera." in text


def test_describer_patterns_cover_new_kinds_of_a_task():
    assert describer_for("chart.some_new_kind") is describer_for("chart.bar")
    assert describer_for("ocr.read_text") is None
