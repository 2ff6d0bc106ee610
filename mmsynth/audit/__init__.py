"""``mmsynth audit``: what a researcher checks before trusting a corpus.

Per generator: questions with more than one valid answer, found by independent checks
over the source (``uniqueness``); English problems a rule can see (``grammar``); the
share of the most common answer; distinct question shapes per family once slot values
are masked (``shapes``). ``report`` gathers them and writes ``audit.html``.
"""
