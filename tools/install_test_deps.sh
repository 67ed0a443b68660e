#!/usr/bin/env bash
# Installs what the test suite needs beyond Python packages: LibreOffice Calc and Writer (headless; the
# reference spreadsheet engine for recalculation and chart rendering), a CJK font so Chinese
# renders, poppler-utils (pdftoppm/pdftotext), and Xvfb with Tk, on which the Excel launcher
# window (tkinter) is driven. Does nothing when they are already there.
set -euo pipefail
need=()
for pkg in libreoffice-calc-nogui libreoffice-writer-nogui fonts-noto-cjk poppler-utils xvfb libtk8.6; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "缺少测试依赖：${need[*]}。请以 root 运行：apt-get install -y --no-install-recommends ${need[*]}" >&2
  exit 1
fi
echo "installing ${need[*]} ..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
