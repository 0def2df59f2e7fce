#!/usr/bin/env bash
# Builds the Coilsight images from the repository root: packages the modules with Maven, copies their
# runtime dependencies into <module>/target/dependency, and builds docker/Dockerfile once per service.
#
#   docker/build-images.sh            CPU images: coilsight/<module>:<tag>
#   docker/build-images.sh gpu        also the GPU variants of the workers: coilsight/<worker>:<tag>-gpu
#   COILSIGHT_IMAGE_TAG=1.2.0 COILSIGHT_IMAGE_PREFIX=registry.example.com/coilsight docker/build-images.sh gpu
#   SKIP_MAVEN=1 docker/build-images.sh   reuse what the last Maven run left in target/
set -euo pipefail
cd "$(dirname "$0")/.."
variant=${1:-cpu}
tag=${COILSIGHT_IMAGE_TAG:-0.1.0}
prefix=${COILSIGHT_IMAGE_PREFIX:-coilsight}
tf_version=1.0.0
gpu_base=${GPU_RUNTIME_BASE:-nvidia/cuda:12.2.2-cudnn8-runtime-ubuntu22.04}
export DOCKER_BUILDKIT=1

if [ "${SKIP_MAVEN:-0}" != 1 ]; then
  mvn -B -DskipTests -pl ingest-service,classifier-stream,segmenter-stream,coil-analytics -am \
    package dependency:copy-dependencies -DincludeScope=runtime
fi

build() { # module main-class natives base tag
  docker build -f docker/Dockerfile --build-arg MODULE="$1" --build-arg MAIN_CLASS="$2" --build-arg TF_NATIVES="$3" \
    --build-arg RUNTIME_BASE="$4" -t "$prefix/$1:$5" .
}

build ingest-service dev.coilsight.ingest.IngestService none ubuntu:22.04 "$tag"
build coil-analytics dev.coilsight.analytics.AnalyticsService none ubuntu:22.04 "$tag"
build classifier-stream dev.coilsight.classifier.ClassifierService cpu ubuntu:22.04 "$tag"
build segmenter-stream dev.coilsight.segmenter.SegmenterService cpu ubuntu:22.04 "$tag"

if [ "$variant" = gpu ]; then
  # The GPU natives are not a dependency of any module: fetch them from Maven Central next to the CPU ones.
  mvn -B -N dependency:copy -Dartifact="org.tensorflow:tensorflow-core-native:$tf_version:jar:linux-x86_64-gpu" \
    -DoutputDirectory=target/docker-natives
  for m in classifier-stream segmenter-stream; do
    cp "target/docker-natives/tensorflow-core-native-$tf_version-linux-x86_64-gpu.jar" "$m/target/dependency/"
  done
  build classifier-stream dev.coilsight.classifier.ClassifierService gpu "$gpu_base" "$tag-gpu"
  build segmenter-stream dev.coilsight.segmenter.SegmenterService gpu "$gpu_base" "$tag-gpu"
fi
docker image ls "$prefix/*"
