"""``mmsynth bench build``: a balanced held-out benchmark from generators or a corpus.

Questions are drawn sample by sample (generators round-robin, sample ``index`` of run
``seed``; or the records of ``--from CORPUS`` in a seeded order) and accepted while

* their (task, family) quota is open: ``n`` split evenly over tasks, then over each
  task's families; a family that stops yielding gives its unfilled share to the other
  families of its task (else to all);
* no image or symbolic source of the sample is in an excluded corpus (so none of its
  questions is either), and no image or question is already in the benchmark (content
  hashes, :mod:`mmsynth.bench.hashing`);
* the family's answer distribution stays balanced (:mod:`mmsynth.bench.balance`);
* at most ``per_image`` questions come from one sample (default 1, so the questions
  are independent and the bootstrap intervals honest).

The options of multiple-choice questions are reordered so that each letter is the right
one about equally often.

A family that gets no acceptable question for ``patience`` samples in a row is closed and
its share goes to the others; a generator stops when none of its families is open.
The same arguments give byte-identical files.
"""
from __future__ import annotations

import io
import json
import shutil
from collections import Counter
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image
from tqdm import tqdm

from mmsynth.bench import DEFAULT_SEED, ifeval
from mmsynth.bench.balance import Balancer
from mmsynth.bench.hashing import ExcludedContent, question_hash, sha256
from mmsynth.bench.quotas import Quotas, Stratum
from mmsynth.bench.sources import Candidate, CorpusSource, GeneratorSource
from mmsynth.corpus import package_versions
from mmsynth.errors import UserError
from mmsynth.generator import question_prompt
from mmsynth.io import atomic_write_bytes, atomic_write_json, atomic_write_jsonl
from mmsynth.rand import check_seed, rng_for
from mmsynth.record import OPTION_LETTERS, is_long_answer, option_key

FORMAT = "mmsynth-bench/1"
COLLAPSE = 0.5  # a family that fills less than this share of its planned quota has collapsed
QUESTIONS, ANSWERS, META = "questions.jsonl", "answers.jsonl", "bench.json"
IF_DIALOGUES, IF_ANSWERS = "if_dialogues.jsonl", "if_answers.jsonl"
MAX_QUESTIONS = 1_000_000   # a benchmark is held in memory while it is balanced; real ones hold thousands


@dataclass
class BuildConfig:
    """The options of ``bench build`` (see the command's --help)."""
    out: Path
    n: int
    seed: int = DEFAULT_SEED
    patterns: list[str] = field(default_factory=list)
    source_corpus: Path | None = None
    exclude: list[Path] = field(default_factory=list)
    max_ratio: float = 1.5
    per_image: int = 1
    patience: int = 200
    if_dialogues: int = 0
    if_max_instructions: int = 3
    workers: int = 1
    strict: bool = False

    def as_json(self) -> dict:
        return {"n": self.n, "seed": self.seed, "generators": self.patterns,
                "from": str(self.source_corpus) if self.source_corpus else None,
                "exclude": [str(p) for p in self.exclude], "max_ratio": self.max_ratio,
                "per_image": self.per_image, "patience": self.patience, "if_dialogues": self.if_dialogues,
                "if_max_instructions": self.if_max_instructions}  # workers leave the result unchanged


@dataclass
class Accepted:
    """A sample with at least one accepted question, kept for the instruction-following track."""
    key: str
    images: list[str]
    qa: list[dict]
    task: str


@dataclass
class BuildState:
    quotas: Quotas
    balancer: Balancer
    excluded: ExcludedContent
    seen_images: set[str] = field(default_factory=set)
    seen_questions: set[str] = field(default_factory=set)
    counts: Counter = field(default_factory=Counter)
    letters: Counter = field(default_factory=Counter)
    questions: list[dict] = field(default_factory=list)
    answers: list[dict] = field(default_factory=list)
    samples: list[Accepted] = field(default_factory=list)
    excluded_by_family: Counter = field(default_factory=Counter)
    offered_by_family: Counter = field(default_factory=Counter)


def _image_name(cand: Candidate, k: int) -> str:
    return f"images/{cand.generator}/{cand.key}-{k}.{cand.exts[k]}"


def offer(cand: Candidate, state: BuildState, out: Path, per_image: int) -> int:
    """Accept what the rules allow of one candidate; write its images if anything was taken.
    Tell the quotas which open strata the candidate had an acceptable question for."""
    state.counts["samples_offered"] += 1
    hashes = [sha256(b) for b in cand.blobs]
    viable: set[Stratum] = set()
    questions = cand.qa
    families = {(cand.task, qa["family"]) for qa in cand.qa}
    state.offered_by_family.update(families)
    if any(h in state.excluded.images for h in hashes) or cand.spec_hash in state.excluded.specs:
        state.excluded_by_family.update(families)
    if any(h in state.excluded.images for h in hashes):
        state.counts["samples_excluded"] += 1
        questions = []
    elif cand.spec_hash in state.excluded.specs:  # same content, drawn or saved differently
        state.counts["samples_excluded_same_source"] += 1
        questions = []
    elif any(h in state.seen_images for h in hashes):
        state.counts["samples_duplicate"] += 1
        questions = []
    names = [_image_name(cand, k) for k in range(len(cand.blobs))]
    taken, keep = 0, []
    for j, qa in enumerate(questions):
        if is_long_answer(qa):   # a paragraph has no short answer to score
            state.counts["questions_long_answer"] += 1
            continue
        key = (cand.task, qa["family"])
        if key not in state.quotas:
            state.counts["questions_unplanned_family"] += 1
            continue
        state.balancer.offer(qa["family"], qa["answer"])
        qh = question_hash(qa, hashes)
        keep.append(qa)
        if not state.quotas.is_open(key):
            continue
        if qh in state.seen_questions:
            state.counts["questions_duplicate"] += 1
            continue
        if not state.balancer.allows(qa["family"], qa["answer"]):
            state.counts["questions_rejected_balance"] += 1
            continue
        viable.add(key)
        if taken >= per_image:
            continue
        state.balancer.add(qa["family"], qa["answer"])
        state.quotas.take(key)
        state.seen_questions.add(qh)
        taken += 1
        _append_question(state, f"{cand.key}-q{j}", cand, names, qa)
    if taken:
        for name, blob in zip(names, cand.blobs):
            atomic_write_bytes(out / name, blob)
        state.seen_images.update(hashes)
        state.samples.append(Accepted(cand.key, names, keep, cand.task))
    state.quotas.observe(cand.strata, viable)
    return taken


def _balance_letter(qa: dict, letters: Counter) -> dict:
    """Move the right option to the letter least often right so far (swapping two options),
    so a model biased towards one position gains nothing."""
    options = list(qa["options"])
    right = [option_key(o) for o in options].index(option_key(qa["answer"]))
    target = min(range(len(options)), key=lambda i: (letters[OPTION_LETTERS[i]], i))
    options[right], options[target] = options[target], options[right]
    letters[OPTION_LETTERS[target]] += 1
    return {**qa, "options": options}


def _append_question(state: BuildState, qid: str, cand: Candidate, names: list[str], qa: dict) -> None:
    if qa.get("options"):
        qa = _balance_letter(qa, state.letters)
    common = {"task": cand.task, "family": qa["family"], "skill": qa["skill"]}
    state.questions.append({"id": qid, "images": names, "question": question_prompt(qa),
                            "options": qa.get("options"), "answer_type": qa["answer_type"], **common})
    answer = {"id": qid, **ifeval.answer_fields(qa), "task": cand.task, "origin": cand.origin}
    if qa["answer_type"] in ("point", "bbox") and cand.blobs:
        with Image.open(io.BytesIO(cand.blobs[0])) as im:
            answer["image_size"] = list(im.size)
    state.answers.append(answer)


def _if_track(state: BuildState, cfg: BuildConfig) -> tuple[list[dict], list[dict]]:
    rng = rng_for(cfg.seed, 0, "bench.if-track")
    pool = [s for s in state.samples if len(s.qa) >= 2]
    picks = rng.choice(len(pool), size=min(cfg.if_dialogues, len(pool)), replace=False) if pool else []
    chosen = [pool[int(i)] for i in sorted(picks)]
    dialogues, answers = [], []
    for d, sample in enumerate(chosen):
        dia, ans = ifeval.build_dialogue(rng, f"if-{d:05d}", sample.images, sample.qa, cfg.if_max_instructions)
        for a in ans:
            a["task"] = sample.task
        dialogues.append(dia)
        answers += ans
    return dialogues, answers


def _letter_counts(answers: list[dict]) -> dict[str, int]:
    """How often each option letter is the right one (position bias of multiple choice)."""
    c: Counter = Counter()
    for a in answers:
        if a.get("options"):
            keys = [option_key(o) for o in a["options"]]
            c[OPTION_LETTERS[keys.index(option_key(a["answer"]))]] += 1
    return dict(sorted(c.items()))


def collapsed_families(state: BuildState) -> list[dict]:
    """Families that filled less than half their planned quota while most of the samples
    offered for them were in an excluded corpus (typically: the benchmark drew the same
    seed as the training corpus it excludes)."""
    out = []
    for key, planned in sorted(state.quotas.planned.items()):
        filled, excluded, offered = state.quotas.filled[key], state.excluded_by_family[key], state.offered_by_family[key]
        if planned and filled < COLLAPSE * planned and excluded and 2 * excluded >= offered:
            out.append({"family": key[1], "task": key[0], "planned": planned, "filled": filled,
                        "samples_excluded": excluded, "samples_offered": offered})
    return out


def same_seed_corpora(cfg: BuildConfig) -> list[str]:
    """Excluded corpora generated with the benchmark's seed: their samples are the ones the
    benchmark would draw, so most of them get excluded."""
    out = []
    for root in cfg.exclude:
        try:
            manifest = json.loads((Path(root) / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if cfg.patterns and (manifest.get("config") or {}).get("seed") == cfg.seed:
            out.append(str(root))
    return out


def collapse_message(collapsed: list[dict], cfg: BuildConfig) -> str:
    names = ", ".join(f"{c['family']} {c['filled']}/{c['planned']}" for c in collapsed[:6])
    more = f" and {len(collapsed) - 6} more" if len(collapsed) > 6 else ""
    same = same_seed_corpora(cfg)
    why = f"; {', '.join(same)} was generated with the same --seed {cfg.seed}" if same else ""
    return (f"{len(collapsed)} famil{'y' if len(collapsed) == 1 else 'ies'} lost most of their quota to --exclude "
            f"({names}{more}){why}: build with another --seed")


def build(cfg: BuildConfig) -> dict:
    """Build the benchmark of ``cfg`` into ``cfg.out``; return the contents of ``bench.json``."""
    if not 1 <= cfg.n <= MAX_QUESTIONS:
        raise UserError(f"-n must be from 1 to {MAX_QUESTIONS:,} questions, got {cfg.n}")
    check_seed(cfg.seed)
    if cfg.max_ratio < 1:
        raise UserError("--max-ratio must be at least 1")
    if cfg.per_image < 1 or cfg.patience < 1 or cfg.workers < 1:
        raise UserError("--per-image, --patience and --workers must be at least 1")
    if (cfg.out / META).exists() or (cfg.out / QUESTIONS).exists():
        raise UserError(f"{cfg.out}: already holds a benchmark; choose another -o or remove it")
    try:
        cfg.out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise UserError(f"{cfg.out}: cannot create the benchmark folder ({e.strerror})") from None
    fresh_images = not (cfg.out / "images").exists()
    excluded = ExcludedContent()
    for root in cfg.exclude:
        excluded.add_corpus(root)
    source = CorpusSource(cfg.source_corpus, cfg.seed) if cfg.source_corpus else \
        GeneratorSource(cfg.patterns, cfg.seed, cfg.workers)
    state = BuildState(Quotas(source.strata(), cfg.n, cfg.patience), Balancer(cfg.max_ratio), excluded)
    with tqdm(total=cfg.n, desc="bench build", unit="q") as bar, closing(source.candidates(state.quotas)) as cands:
        for cand in cands:
            bar.update(offer(cand, state, cfg.out, cfg.per_image))
            bar.set_postfix(samples=state.counts["samples_offered"], refresh=False)
            if state.quotas.total() >= cfg.n:
                break
    if not state.questions:
        raise UserError("no question could be accepted (everything excluded, or no generator yields)")
    collapsed = collapsed_families(state)
    if collapsed and cfg.strict:
        if fresh_images:
            shutil.rmtree(cfg.out / "images", ignore_errors=True)
        raise UserError(collapse_message(collapsed, cfg) + " (--strict: no benchmark written)")
    dialogues, if_answers = _if_track(state, cfg) if cfg.if_dialogues else ([], [])
    meta = {"format": FORMAT, "config": cfg.as_json(), "versions": package_versions(),
            "counts": {"questions": len(state.questions), "images": len(state.seen_images),
                       "shortfall": cfg.n - len(state.questions), **dict(sorted(state.counts.items())),
                       "samples_failed": dict(source.failures), "if_dialogues": len(dialogues),
                       "if_turns": len(if_answers)},
            "skipped_generators": source.skipped, "first_errors": source.first_error, "quotas": state.quotas.figures(),
            "balance": state.balancer.figures(), "correct_letters": _letter_counts(state.answers),
            "exclude": excluded.corpora, "collapsed": collapsed,
            "warnings": [collapse_message(collapsed, cfg)] if collapsed else []}
    if dialogues:
        atomic_write_jsonl(cfg.out / IF_DIALOGUES, dialogues)
        atomic_write_jsonl(cfg.out / IF_ANSWERS, if_answers)
    atomic_write_jsonl(cfg.out / QUESTIONS, state.questions)
    atomic_write_jsonl(cfg.out / ANSWERS, state.answers)
    atomic_write_json(cfg.out / META, meta)
    return meta
