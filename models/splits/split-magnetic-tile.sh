#!/usr/bin/env bash
# The magnetic-tile split of the default models: per class (the image name's prefix: free, blowhole, break, crack,
# fray, uneven), the images ordered by md5("42:" + id) and the first fifth (rounded) held aside as test; the rest
# is train (train-defective.txt: its tiles not named free_). Seeded, stratified, and remade bit for bit from the data
# set with coreutils alone.
set -euo pipefail
DATA=${1:-"$(dirname "$0")/../../../shared/data/magnetic-tile"}
OUT=${2:-"$(dirname "$0")/magnetic-tile"}
mkdir -p "$OUT"
: > "$OUT/train.txt"
: > "$OUT/test.txt"
for cls in $(ls "$DATA/images" | sed 's/_.*//' | sort -u); do
  ordered=$(ls "$DATA/images" | grep "^${cls}_" | sed 's/\.[^.]*$//' \
    | while read -r id; do printf '%s %s\n' "$(printf '42:%s' "$id" | md5sum | cut -c1-16)" "$id"; done | sort | awk '{print $2}')
  n=$(printf '%s\n' "$ordered" | wc -l)
  held=$(( (n + 2) / 5 ))
  # sed reads the whole list: no early-closed pipe (head would make printf fail under pipefail)
  sed -n "1,${held}p" <<<"$ordered" >> "$OUT/test.txt"
  sed -n "$((held + 1)),\$p" <<<"$ordered" >> "$OUT/train.txt"
done
sort -o "$OUT/train.txt" "$OUT/train.txt"
sort -o "$OUT/test.txt" "$OUT/test.txt"
# The segmenter sees what the classifier forwards in the line: the tiles with a defect (by name; 3 uneven ones have empty masks).
grep -v '^free_' "$OUT/train.txt" > "$OUT/train-defective.txt"
echo "magnetic-tile split: $(wc -l < "$OUT/train.txt") train, $(wc -l < "$OUT/test.txt") test images in $OUT"
