"""``mmsynth instruct``: open-ended instructions after MM-Instruct, every stated fact checked.

* :mod:`mmsynth.instruct.facts`: the fact checker (numbers, dates, times, names, quotes);
* :mod:`mmsynth.instruct.run`: the seed kinds (``kinds.yaml``), the two LLM requests per
  record (``prompts.yaml``), the drop rules, the shard loop and the verifier of its records.
"""
