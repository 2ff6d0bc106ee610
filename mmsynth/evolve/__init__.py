"""Evolution (after MMEvol): instructions made harder and more varied in rounds, with every
answer still computed from the record's source; failed evolutions are eliminated and counted.

``operators``: what one evolution step can do, and the verifier of evolved questions;
``rewrite``: optional LLM rephrasing of template questions, checked to keep their content;
``run``: ``mmsynth evolve``, round after round over a corpus, resumable shard by shard.
"""
