"""The parts of ``mmsynth curate`` that look past exact copies: near-duplicate images and
questions, diversity under a budget, and decontamination against public benchmarks."""
