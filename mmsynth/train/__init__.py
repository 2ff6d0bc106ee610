"""Fine-tuning adapter: LLaVA / InstructBLIP models (models), an offline tokenizer for the
tiny presets (tokenizer), prompt templates and label masks (data), the training loop
(loop) and batched benchmark prediction (predict). torch and transformers are imported
inside these modules only, so the rest of mmsynth works without them."""
