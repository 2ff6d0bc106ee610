"""Fine-tuning adapter: LLaVA / InstructBLIP models (models), an offline tokenizer for the
tiny presets (tokenizer), prompt templates and label masks (data), run settings (config),
which weights learn and in what precision (adapt), the training loop (loop), checkpoints
and results (checkpoint) and batched benchmark prediction (predict). torch and
transformers are imported inside these modules only, so the rest of mmsynth works
without them."""
