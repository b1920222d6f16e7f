#!/bin/sh
# Browser-test dependencies for CI: Debian's Chromium (driven by playwright-core, which never
# downloads a browser) and a CJK font so screenshots of the chat page show readable Chinese.
# Idempotent: installs only what is missing. Needs root (apt-get).
set -eu

missing=""
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
if ! command -v fc-list >/dev/null 2>&1 || [ -z "$(fc-list :lang=zh family 2>/dev/null)" ]; then
  missing="$missing fonts-wqy-microhei"
fi

if [ -n "$missing" ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086 # word splitting of the package list is intended
  apt-get install -y -qq $missing >/dev/null
fi
command -v chromium >/dev/null 2>&1
