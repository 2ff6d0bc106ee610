"""A byte-level BPE tokenizer trained offline on the corpus text, for the tiny presets.

Nothing is downloaded: the vocabulary is learnt from the conversations the model will be
trained on, so the whole train -> predict path runs on a fresh machine. The result is a
regular ``PreTrainedTokenizerFast`` (saved and reloaded with ``AutoTokenizer``).
"""
from __future__ import annotations

from typing import Iterable

from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
from transformers import PreTrainedTokenizerFast

PAD, BOS, EOS, UNK, IMAGE = "<pad>", "<s>", "</s>", "<unk>", "<image>"
SPECIAL_TOKENS = [PAD, BOS, EOS, UNK, IMAGE]


def train_tokenizer(texts: Iterable[str], vocab_size: int = 1024) -> PreTrainedTokenizerFast:
    """Learn a byte-level BPE vocabulary of at most ``vocab_size`` entries from ``texts``.

    Byte-level pre-tokenisation means any later text (a benchmark question with an unseen
    word) still encodes, without ``<unk>``.
    """
    tok = Tokenizer(models.BPE(unk_token=UNK))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=SPECIAL_TOKENS,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(texts, trainer=trainer)
    return PreTrainedTokenizerFast(tokenizer_object=tok, bos_token=BOS, eos_token=EOS, pad_token=PAD,
                                   unk_token=UNK, extra_special_tokens={"image_token": IMAGE},
                                   padding_side="right")
