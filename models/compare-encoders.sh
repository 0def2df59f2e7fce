#!/usr/bin/env bash
# Three starting points under one training budget per data set (docs/MODELS.md, "Encoders compared"): the ResUNet
# from scratch, the ResUNet with neu-resunet's encoder, and the ImageNet MobileNetV2 encoder of ../shared/pretrained
# (frozen with a new head, then everything fine-tuned at a smaller learning rate: the notebook's two strategies, in that
# order). The best epoch is chosen on a seeded part of the training images; the figures come from images no run saw
# or tuned on, at the cards' 0.5 thresholds. Small budgets on 2 CPU cores: a comparison, not the best each can reach.
#   models/compare-encoders.sh [neu|magnetic-tile|severstal|all]      (each run resumes with --resume if re-run)
# The "neu-resunet" rows start from its version 1 (NEU_V1), the transfer source of the shipped Severstal and
# magnetic-tile models: make-defaults.sh keeps a copy, or take it from git (git archive 056e3fa~1 models/neu-resunet).
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=../shared/data
NEU_V1=${NEU_V1:-runs/neu-resunet/model-v1}
if [ "${1:-all}" != neu ] && [ ! -f "$NEU_V1/model.json" ]; then
  echo "compare-encoders: $NEU_V1 holds no model: set NEU_V1 to neu-resunet version 1 (see the comment at the top)" >&2
  exit 2
fi
IMAGENET=../shared/pretrained/mobilenetv2-0.35-imagenet
OUT=runs/compare
WHICH=${1:-all}
MOBILENET="--encoder mobilenetv2-0.35 --width 16"
RESNET="--width 24 --depth 3"

train() { # DIR then train arguments; resumes a run that was interrupted
  local dir=$1; shift
  # Done: a model, and for a cross-validated run every fold's figures in its card (fold 0 writes the model first).
  if [ -f "$dir/model/model.json" ] && { [[ " $* " != *" --cross-validate "* ]] || grep -q '"crossValidation"' "$dir/model/model.json"; }; then
    return
  fi
  if compgen -G "$dir/run/state.json" > /dev/null || compgen -G "$dir/run/fold-*/state.json" > /dev/null; then
    ./coilsight train "$@" --run-dir "$dir/run" --output "$dir/model" --resume
  else
    ./coilsight train "$@" --run-dir "$dir/run" --output "$dir/model"
  fi
}

score() { # DIR then evaluate arguments
  local dir=$1; shift
  ./coilsight evaluate --model "$dir/model" "$@" --json > "$dir/scores.json"
  echo "$dir: $(cat "$dir/scores.json")"
}

# NEU-Seg: trained on the train split (best epoch by mIoU on a seeded 10 % of it), scored on all 894 val images.
# 8 epochs of 60 batches of 8 crops of 192x192. neu-resunet's own encoder would be trained on these very images: no row.
if [ "$WHICH" = neu ] || [ "$WHICH" = all ]; then
  NEU="segmenter --dataset $DATA/neu-seg --split $DATA/neu-seg/train.txt --val-fraction 0.1 --classes 1=inclusions,2=patches,3=scratches \
    --loss bce-dice --batch 8 --crop 192x192 --max-batches-per-epoch 60 --patience 8 --monitor miou --seed 42 --threads 2"
  train $OUT/neu/scratch $NEU $RESNET --lr 0.001 --epochs 8
  train $OUT/neu/imagenet-frozen $NEU $MOBILENET --init-from $IMAGENET --freeze-encoder --lr 0.001 --epochs 4
  train $OUT/neu/imagenet $NEU $MOBILENET --init-from $OUT/neu/imagenet-frozen/model --init-scope matching --lr 0.0003 --epochs 4
  for row in scratch imagenet-frozen imagenet; do
    score $OUT/neu/$row --dataset $DATA/neu-seg --split $DATA/neu-seg/val.txt
  done
fi

# Magnetic-tile "defect or not": the train part of models/splits (best epoch by F1 on a seeded 20 % of it), scored on
# the test part (217 tiles, 157 defect-free). Tiles resized to 256x256; 24 epochs of 40 balanced batches of 8.
if [ "$WHICH" = magnetic-tile ] || [ "$WHICH" = all ]; then
  MT="classifier --dataset $DATA/magnetic-tile --split models/splits/magnetic-tile/train.txt --resize --crop 256x256 \
    --loss bce --batch 8 --max-batches-per-epoch 40 --patience 8 --seed 42 --threads 2"
  train $OUT/magnetic-tile/scratch $MT $RESNET --lr 0.0005 --epochs 24
  train $OUT/magnetic-tile/neu-encoder $MT $RESNET --init-from $NEU_V1 --lr 0.0005 --epochs 24
  train $OUT/magnetic-tile/imagenet-frozen $MT $MOBILENET --init-from $IMAGENET --freeze-encoder --lr 0.001 --epochs 12
  train $OUT/magnetic-tile/imagenet $MT $MOBILENET --init-from $OUT/magnetic-tile/imagenet-frozen/model --init-scope matching \
    --lr 0.0002 --epochs 12
  for row in scratch neu-encoder imagenet-frozen imagenet; do
    score $OUT/magnetic-tile/$row --dataset $DATA/magnetic-tile --split models/splits/magnetic-tile/test.txt
  done
fi

# Severstal segmenter: the 68 labelled images, 3-fold cross-validated (each fold's model scored on the fold it never
# saw; figures in the card's metrics.crossValidation). 6 epochs of 15 batches of 4 crops of 256x512. One stage for
# ImageNet: a frozen stage's model would carry every fold's images into the next stage's folds.
if [ "$WHICH" = severstal ] || [ "$WHICH" = all ]; then
  SV="segmenter --dataset $DATA/severstal-train --loss bce-dice --batch 4 --crop 256x512 --max-batches-per-epoch 15 --epochs 6 \
    --patience 6 --monitor miou --seed 42 --folds 3 --cross-validate --threads 2"
  train $OUT/severstal/scratch $SV $RESNET --lr 0.001
  train $OUT/severstal/neu-encoder $SV $RESNET --init-from $NEU_V1 --init-scope matching --lr 0.001
  train $OUT/severstal/imagenet $SV $MOBILENET --init-from $IMAGENET --lr 0.0005
  # Cost only (these images trained every model but one fold's): GFLOP and images/s on 1600x256 images.
  for row in scratch neu-encoder imagenet; do
    score $OUT/severstal/$row --dataset $DATA/severstal-train --split models/severstal-resunet/check-ids.txt
  done
fi
