#!/bin/bash
# Container health check without curl: http-probe PORT PATH exits 0 when GET http://127.0.0.1:PORT/PATH answers 200.
set -u
port=${1:?usage: http-probe PORT PATH}
path=${2:-/health}
exec 3<>"/dev/tcp/127.0.0.1/${port}" || exit 1
printf 'GET %s HTTP/1.0\r\nHost: localhost\r\nConnection: close\r\n\r\n' "${path}" >&3
IFS= read -r -t 5 status <&3 || exit 1
exec 3<&- 3>&-
case "${status}" in
  "HTTP/1."?" 200"*) exit 0 ;;
  *) echo "${path}: ${status}" >&2; exit 1 ;;
esac
