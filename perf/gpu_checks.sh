#!/usr/bin/env bash
# The GPU checks, run on a lent GPU machine in three device calls (each under 8 minutes).
#
#   python perf/gpu_carry.py                      # here, once: .whl/ (wheels, weights in two parts, a photo)
#   call 1, carry [.whl/weights-1]:                            bash perf/gpu_checks.sh stash
#   call 2 at once (the machine stays warm 30 s), carry [.whl/weights-2, .whl/wheels, .whl/realdata]:
#                                                              bash perf/gpu_checks.sh tests ocr
#   call 3, nothing carried:                                   bash perf/gpu_checks.sh throughput learning
#
# Stages: env (always first); stash (keep the first half of EasyOCR's weights in /tmp); tests
# (pytest -m gpu); ocr (perf/ocr_quality.py, CPU and GPU); throughput (perf/train_throughput.py,
# the LLaVA-1.5-7B shape, naive path against mmsynth's trainer); learning (perf/learning_curve.py
# with its GPU defaults). Each stage's output goes to $OUT/STAGE.log (./gpu-logs without $OUT)
# as it runs, so a stage cut short still reports what it did.
set -uo pipefail
cd "$(dirname "$0")/.."
LOGS=${OUT:-gpu-logs}
STAGE_LIMIT=${STAGE_LIMIT:-420}
STASH=/tmp/mmsynth-carry
mkdir -p "$LOGS" "$STASH"
export PYTHONUNBUFFERED=1 PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"

if [ -d .whl/wheels ]; then
    python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target "$STASH/site" \
        .whl/wheels/*.whl || exit 1
fi
[ -d "$STASH/site" ] && export PYTHONPATH="$PYTHONPATH:$STASH/site"
if [ -f .whl/weights-2/easyocr-weights.tar.part2 ]; then
    if [ ! -f "$STASH/easyocr-weights.tar.part1" ]; then
        echo "the first half of the weights is not in $STASH: the machine went back after call 1; run 'stash' again" >&2
        exit 1
    fi
    mkdir -p "$STASH/easyocr-weights"
    cat "$STASH/easyocr-weights.tar.part1" .whl/weights-2/easyocr-weights.tar.part2 | tar -x -C "$STASH/easyocr-weights"
fi
[ -d "$STASH/easyocr-weights" ] && export MMSYNTH_EASYOCR_MODELS="$STASH/easyocr-weights"  # EasyOCR checks their MD5
[ -d .whl/realdata ] && export MMSYNTH_REALDATA="$PWD/.whl/realdata"

stage() {
    local name=$1; shift
    echo "=== $name: $*" | tee -a "$LOGS/$name.log"
    local t0=$SECONDS
    timeout "$STAGE_LIMIT" "$@" 2>&1 | tee -a "$LOGS/$name.log" | grep -v -E '^\s*$|/s\]|s/it\]|step/s'
    echo "=== $name: exit ${PIPESTATUS[0]} after $((SECONDS - t0)) s" | tee -a "$LOGS/$name.log"
}

stage env bash -c 'nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader;
    python3 -c "import torch, transformers, peft; print(\"torch\", torch.__version__, \"transformers\",
    transformers.__version__, \"peft\", peft.__version__, \"cuda\", torch.cuda.is_available())"'
for s in "$@"; do
    case $s in
        stash) stage stash cp -v .whl/weights-1/easyocr-weights.tar.part1 "$STASH"/ ;;
        tests) stage tests python3 -m pytest -q -m gpu -p no:cacheprovider tests ;;
        ocr) stage ocr python3 perf/ocr_quality.py -n 3 ;;
        throughput) stage throughput python3 perf/train_throughput.py ;;
        learning) stage learning python3 perf/learning_curve.py -o /tmp/learning-curve
                  cp /tmp/learning-curve/{learning_curve.json,trained.png} /tmp/learning-curve/run/loss.png "$LOGS"/ ;;
        *) echo "unknown stage $s (stash, tests, ocr, throughput, learning)" >&2; exit 2 ;;
    esac
done
