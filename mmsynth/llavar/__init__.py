"""LLaVAR-style OCR-grounded instruction data from real images (``mmsynth llavar``).

- :mod:`mmsynth.llavar.families`: read-the-text and grounded question families over OCR;
- :mod:`mmsynth.llavar.conversation`: the LLM prompt, reply parser and quoted-text check;
- :mod:`mmsynth.llavar.generators`: the registered ``ocr.*`` generators that verify records;
- :mod:`mmsynth.llavar.build`: the resumable, sharded run that writes the corpus.
"""
