#!/bin/sh
# Starts the service named by COILSIGHT_MAIN_CLASS (set by the image) on the jars in /opt/coilsight/lib.
# JAVA_OPTS adds JVM options; the heap follows the container's memory limit (JAVA_MAX_RAM_PERCENTAGE, default 75).
set -e
# shellcheck disable=SC2086
exec java -XX:MaxRAMPercentage="${JAVA_MAX_RAM_PERCENTAGE:-75}" -XX:+ExitOnOutOfMemoryError \
  -Dai.djl.offline=true -Djava.awt.headless=true -Djava.library.path=/opt/tensorflow/lib \
  -Dorg.bytedeco.javacpp.cachedir=/tmp/javacpp -Dlogback.configurationFile=/opt/coilsight/config/logback.xml \
  ${JAVA_OPTS} -cp '/opt/coilsight/lib/*' "${COILSIGHT_MAIN_CLASS:?COILSIGHT_MAIN_CLASS is not set}" "$@"
