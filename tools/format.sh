#!/usr/bin/env bash
# clang-format over sf2pg's C++ sources (src/, tests/, tools/sfemu/, bench/) with the repository's
# .clang-format.
#
#   tools/format.sh           reformats the files in place
#   tools/format.sh --check   changes nothing; lists each file that is not formatted and fails
set -euo pipefail
cd "$(dirname "$0")/.."

check=0
[[ "${1:-}" == "--check" ]] && check=1

mapfile -t files < <(git ls-files -- 'src/*.cc' 'src/*.h' 'tests/*.cc' 'tests/*.h' \
  'tools/sfemu/*.cc' 'tools/sfemu/*.h' 'bench/*.cc' 'bench/*.h')
if [[ ${#files[@]} -eq 0 ]]; then
  echo "format: no C++ files found" >&2
  exit 1
fi
if [[ $check -eq 0 ]]; then
  clang-format -i --style=file "${files[@]}"
  exit 0
fi
# One clang-format for all files; it names each badly formatted file in its warnings.
if out=$(clang-format --style=file --dry-run --Werror "${files[@]}" 2>&1); then
  echo "format: ${#files[@]} files formatted"
  exit 0
fi
bad=$(grep -oE '^[^ :]+\.(cc|h):[0-9]+:[0-9]+: (error|warning)' <<<"$out" | cut -d: -f1 | sort -u)
if [[ -z "$bad" ]]; then
  echo "$out" >&2  # clang-format itself failed
  exit 1
fi
sed 's/$/ is not formatted (tools\/format.sh fixes it)/; s/^/format: /' <<<"$bad" >&2
echo "format: $(wc -l <<<"$bad") of ${#files[@]} files need clang-format" >&2
exit 1
