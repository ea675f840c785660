#!/usr/bin/env bash
# clang-format over the C sources (native/, bench/core, test/native), with the style in .clang-format.
#   bash scripts/clang-format.sh --check   list the files that are not formatted; exit 1 if any
#   bash scripts/clang-format.sh --write   reformat them in place
# `npm run format:check` runs the first; setup.sh --test installs clang-format (Debian's, 14).
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:---check}"
command -v clang-format >/dev/null || { echo "clang-format: not installed (bash scripts/setup.sh --test installs it)" >&2; exit 2; }
mapfile -t files < <(
  { find native test/native \( -name out -prune \) -o \( -name '*.c' -o -name '*.h' \) -type f -print
    find bench/core -maxdepth 1 \( -name '*.c' -o -name '*.h' \) -type f -print; } | sort)
case "$mode" in
  --write) clang-format -i "${files[@]}" ;;
  --check)
    bad=()
    for f in "${files[@]}"; do
      clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || bad+=("$f")
    done
    if [ ${#bad[@]} -gt 0 ]; then
      printf 'clang-format: not formatted: %s\n' "${bad[@]}" >&2
      echo "clang-format: ${#bad[@]} of ${#files[@]} files need formatting (bash scripts/clang-format.sh --write)" >&2
      exit 1
    fi
    echo "clang-format: ${#files[@]} files formatted"
    ;;
  *) echo "usage: $0 --check|--write" >&2; exit 2 ;;
esac
