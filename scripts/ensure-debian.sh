#!/usr/bin/env bash
# Install what a make target needs from Debian when it is missing.
# Usage: scripts/ensure-debian.sh venv|postgresql|chromium|fonts ...
set -euo pipefail

updated=0
apt_install() {
  local sudo=()
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
      sudo=(sudo -n)
    else
      echo "Thiếu gói Debian: $*. Hãy chạy: sudo apt-get install -y $*" >&2
      exit 1
    fi
  fi
  if [ "$updated" = 0 ]; then
    "${sudo[@]}" apt-get update -qq
    updated=1
  fi
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

for need in "$@"; do
  case "$need" in
    venv)
      py="${PYTHON:-python3}"
      if ! "$py" -c "import ensurepip, venv" 2>/dev/null; then apt_install python3-venv; fi ;;
    postgresql)
      if [ ! -x /usr/lib/postgresql/15/bin/initdb ]; then apt_install postgresql-15; fi ;;
    chromium)
      if [ ! -x /usr/bin/chromium ]; then apt_install chromium; fi ;;
    fonts)
      if [ ! -e /usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf ]; then
        apt_install fonts-liberation2
      fi
      # pdftotext/pdfinfo: the tests read the briefing's PDF back (Vietnamese text, one page).
      if ! command -v pdftotext >/dev/null || ! command -v pdfinfo >/dev/null; then
        apt_install poppler-utils
      fi ;;
    *) echo "ensure-debian: unknown need '$need'" >&2; exit 2 ;;
  esac
done
