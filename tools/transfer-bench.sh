#!/usr/bin/env bash
# The transfer benchmark of docs/pretrain.md: WeakTr's pipeline with the demo's recipe on shapes, textures and
# backgrounds the pretraining corpus does not contain, from a given backbone or from scratch.
#
#   tools/transfer-bench.sh OUT [PRETRAINED]
#
# PRETRAINED: a backbone file, a 'weaktr pretrain' run folder or builtin:cpu-demo; omitted = from scratch.
# Prints a table: baselines, CAMs (aaf / mean-sum, refined / fused), seeds, retraining (gradient clip / naive).
# Environment: WEAKTR (default ./weaktr), EPOCHS (CAM epochs, 20), SEG_EPOCHS (12), SEED (0).
set -euo pipefail
W=${WEAKTR:-./weaktr}
OUT=$1
PRE=${2:-}
EPOCHS=${EPOCHS:-20}
SEG_EPOCHS=${SEG_EPOCHS:-12}
SEED=${SEED:-0}
DATA=${DATA:-$OUT/data}
mkdir -p "$OUT"
if [ ! -f "$DATA/ImageSets/Segmentation/val.txt" ]; then
  $W corpus --transfer --out "$DATA" --train 240 --val 120 --size 128 --seed 0
fi
pre=()
if [ -n "$PRE" ]; then pre=(--pretrained "$PRE"); fi
threshold() { grep -m1 '"threshold"' "$1/metrics.json" | sed 's/[^0-9.]//g'; }
miou() { grep -m1 '"mIoU"' "$1/metrics.json" | sed 's/[^0-9.]//g'; }
for fusion in aaf mean-sum; do
  [ -f "$OUT/cam-$fusion/checkpoint.safetensors" ] || \
    $W train-cam --data "$DATA" --out "$OUT/cam-$fusion" --model cpu-demo --fusion "$fusion" --epochs "$EPOCHS" --batch 8 \
       --lr 0.016 --warmup-epochs 0 --scale-min 0.5 --max-grad-norm 1 --seed "$SEED" "${pre[@]}"
  $W cams --run "$OUT/cam-$fusion" --data "$DATA" --split train --out "$OUT/cams-$fusion" --scales 1.0,1.2
  $W eval-cam --cams "$OUT/cams-$fusion" --data "$DATA" --split train
  $W cams --run "$OUT/cam-$fusion" --data "$DATA" --split train --out "$OUT/cams-$fusion-fused" --scales 1.0,1.2 --no-refine
  $W eval-cam --cams "$OUT/cams-$fusion-fused" --data "$DATA" --split train
done
best=cams-aaf
if awk "BEGIN{exit !($(miou "$OUT/cams-aaf-fused") > $(miou "$OUT/cams-aaf"))}"; then best=cams-aaf-fused; fi
$W seeds --cams "$OUT/$best" --bg "$(threshold "$OUT/$best")" --out "$OUT/seeds"
$W eval --pred "$OUT/seeds" --data "$DATA" --split train --no-baselines
for decoder in gradient-clip naive; do
  [ -f "$OUT/seg-$decoder/checkpoint.safetensors" ] || \
    $W retrain --data "$DATA" --seeds "$OUT/seeds" --out "$OUT/seg-$decoder" --model cpu-demo --crop 128 --epochs "$SEG_EPOCHS" \
       --batch 8 --lr 0.01 --max-grad-norm 1 --decoder "$decoder" --init-from "$OUT/cam-aaf" --seed "$SEED"
  $W segment --run "$OUT/seg-$decoder" --data "$DATA" --split val --out "$OUT/pred-$decoder" --scales 0.75,1.0,1.25
  $W eval --pred "$OUT/pred-$decoder" --data "$DATA" --split val
done
echo
echo "| transfer benchmark (${PRE:-from scratch}) | mIoU (%) |"
echo "|---|---|"
tr -d ' \n' < "$OUT/cams-aaf/metrics.json" | grep -o '"name":"[a-z]*","mIoU":[0-9.]*' \
  | sed 's/"name":"\([a-z]*\)","mIoU":\([0-9.]*\)/| baseline: \1 (train) | \2 |/'
for c in cams-aaf cams-aaf-fused cams-mean-sum cams-mean-sum-fused; do echo "| $c (train) | $(miou "$OUT/$c") |"; done
echo "| seeds from $best (train) | $(miou "$OUT/seeds") |"
for d in gradient-clip naive; do echo "| segmentation, $d (val) | $(miou "$OUT/pred-$d") |"; done
