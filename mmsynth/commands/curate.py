"""mmsynth curate: filter, de-duplicate, decontaminate and answer-balance a corpus into another."""
from __future__ import annotations

import argparse

from mmsynth.curation import near_images, near_questions, public
from mmsynth.curate import CurateConfig, CurateRun, summary
from mmsynth.backend import backend_from_args
from mmsynth.derive import add_io_arguments

NAME = "curate"
HELP = ("a cleaner corpus: drop records that do not verify, filter generators/families/skills, "
        "de-duplicate, decontaminate against benchmarks, balance each family's answers")
EXAMPLE = ("mmsynth curate out/corpus -o out/curated --exclude out/bench --exclude-benchmark chartqa:ChartQA/test/test_human.json "
           "--budget 5000 --balance 1.5")


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_io_arguments(p, "curate")
    p.add_argument("-g", "--generator", action="append", metavar="PATTERN",
                   help="keep records of generators matching (repeatable; default all)")
    p.add_argument("--drop-generator", action="append", default=[], metavar="PATTERN",
                   help="drop records of generators matching (repeatable)")
    p.add_argument("--families", action="append", metavar="PATTERN",
                   help="keep questions of families matching (repeatable; default all)")
    p.add_argument("--drop-family", action="append", default=[], metavar="PATTERN",
                   help="drop questions of families matching (repeatable)")
    p.add_argument("--skills", help="comma-separated skills to keep (default all)")
    p.add_argument("--balance", type=float, default=2.0,
                   help="no answer more than this many times the next most common in a family (2; 0: off)")
    p.add_argument("--max-per-family", type=int, help="keep at most this many questions of a family")
    p.add_argument("--exclude", action="append", default=[], metavar="FOLDER",
                   help="corpus or benchmark folder whose images and sources must not appear (repeatable)")
    p.add_argument("--no-verify", action="store_true", help="do not recompute the answers (faster)")
    near = p.add_argument_group("near duplicates")
    near.add_argument("--no-near-duplicates", action="store_true",
                      help="drop only exact repeats, not near-duplicate images and paraphrased questions")
    near.add_argument("--image-threshold", type=int, default=near_images.DEFAULT_THRESHOLD, metavar="BITS",
                      help=f"images whose 256-bit perceptual hashes differ in at most BITS bits are near-duplicates "
                           f"({near_images.DEFAULT_THRESHOLD})")
    near.add_argument("--question-threshold", type=float, default=near_questions.DEFAULT_THRESHOLD, metavar="J",
                      help=f"MinHash Jaccard similarity from which a question about the same images, slots and "
                           f"answer is a paraphrase ({near_questions.DEFAULT_THRESHOLD})")
    pub = p.add_argument_group("public benchmarks")
    pub.add_argument("--exclude-benchmark", action="append", default=[], metavar="FORMAT:PATH",
                     help=f"drop records whose images near-duplicate, and questions that share a word n-gram with, "
                          f"a public benchmark ({', '.join(public.FORMATS)}; repeatable)")
    pub.add_argument("--image-root", help="where the --exclude-benchmark images are (default: each format's layout)")
    pub.add_argument("--ngram", type=int, default=public.DEFAULT_NGRAM,
                     help=f"word n-gram length of the question overlap test ({public.DEFAULT_NGRAM}, as GPT-3)")
    div = p.add_argument_group("diversity under a budget")
    div.add_argument("--budget", type=int, metavar="N",
                     help="keep at most N records, chosen by greedy k-center per generator to cover the corpus")
    div.add_argument("--clip-checkpoint", metavar="PATH",
                     help="local open_clip checkpoint: --budget compares images by its embeddings, not hashes")
    div.add_argument("--clip-arch", default="ViT-B-32", help="open_clip architecture of the checkpoint (ViT-B-32)")


def run(args: argparse.Namespace) -> int:
    cfg = CurateConfig(corpus=args.corpus, generators=args.generator or ["*"], drop_generators=args.drop_generator,
                       families=args.families or ["*"], drop_families=args.drop_family,
                       skills=[s.strip() for s in args.skills.split(",") if s.strip()] if args.skills else None,
                       balance=args.balance or None, max_per_family=args.max_per_family, exclude=args.exclude,
                       verify=not args.no_verify, near_duplicates=not args.no_near_duplicates,
                       image_threshold=args.image_threshold, question_threshold=args.question_threshold,
                       exclude_benchmarks=args.exclude_benchmark, image_root=args.image_root, ngram=args.ngram,
                       budget=args.budget, clip_checkpoint=args.clip_checkpoint, clip_arch=args.clip_arch)
    run = CurateRun(cfg, args.output, progress=not args.quiet)
    manifest = run.run(resume=args.resume, backend=backend_from_args(args))
    print(summary(manifest))
    print(f"answer concentration per family: {args.output}/curate.png; check it with: mmsynth validate {args.output}")
    return 0
