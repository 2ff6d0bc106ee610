"""Registers the OCR-record generators (``ocr.read_text``, ``ocr.grounded``, ``ocr.llm``) of
``mmsynth llavar`` with the plugin scan, so ``mmsynth validate`` can re-check such corpora."""
import mmsynth.llavar.generators  # noqa: F401  (registration happens on import)
