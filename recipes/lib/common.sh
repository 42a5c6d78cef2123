# shellcheck shell=bash
# Shell helpers shared by data-scripts/ and recipes/ (sourced, never run).
#
#   . "$ROOT/recipes/lib/common.sh"
#
# Messages go to stderr, prefixed with the calling script's name. Every output is written under a
# temporary name in its final directory and renamed into place only when complete, so an interrupted
# run never leaves a half-written file under its final name; temporaries are removed on exit.

# Name used in messages: the calling script's folder and file name (data-scripts/download.sh).
PROG=$(basename "$(dirname "$0")")/$(basename "$0")

# Prints the calling script's header comment (its usage) to stderr and exits with status 2.
usage() {
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2
  exit 2
}

# Prints a message to stderr.
log() { printf '%s: %s\n' "$PROG" "$*" >&2; }

# Prints an error to stderr and exits with status 1.
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }

# Fails unless every named command is on PATH.
need_tools() {
  local t
  for t in "$@"; do
    command -v "$t" >/dev/null 2>&1 || die "$t not found on PATH. Install it (Debian/Ubuntu: apt-get install $(tool_package "$t")) and rerun."
  done
}

# The Debian package that provides a command, for install hints.
tool_package() {
  case $1 in
    spm_train|spm_encode) echo sentencepiece ;;
    java) echo openjdk-17-jre-headless ;;
    awk) echo gawk ;;
    sort|sha256sum|md5sum) echo coreutils ;;
    *) echo "$1" ;;
  esac
}

# Fails unless every named file exists and is readable.
need_files() {
  local f
  for f in "$@"; do
    [ -r "$f" ] || die "$f: no such file or not readable."
  done
}

# True when every named path exists (a step's outputs: the step is skipped when they all do).
have_all() {
  local f
  for f in "$@"; do
    [ -e "$f" ] || return 1
  done
}

# Sets TMP to a fresh temporary path beside FILE (same directory, so the final rename is atomic) and
# registers it for removal on exit. Sets a variable, so call it directly, never inside $(...).
new_temp() {
  mkdir -p "$(dirname "$1")"
  TMP=$(mktemp "$1.tmp.XXXXXX")
  TEMPS+=("$TMP")
  chmod "$(printf '%o' $((0666 & ~$(umask))))" "$TMP"  # mktemp makes 0600; outputs follow the umask
}

# Sets TMP to a path beside FILE that does not exist yet, for a tool that creates its output itself,
# and registers it for removal on exit.
new_temp_name() {
  mkdir -p "$(dirname "$1")"
  TMP=$1.tmp.$$
  rm -rf -- "$TMP"
  TEMPS+=("$TMP")
}

# Renames a finished temporary into place.
publish() { mv -f "$1" "$2"; }

# Runs a command with stdout going to FILE atomically (a temporary, renamed when the command succeeded),
# gzip-compressed when FILE ends in .gz. For a pipeline, wrap it in a function.
#   produce_to out/train.en.gz extract_train en
produce_to() {
  local file=$1 tmp
  shift
  new_temp "$file"
  tmp=$TMP
  case $file in
    *.gz) "$@" | gzip -c > "$tmp" ;;
    *) "$@" > "$tmp" ;;
  esac
  publish "$tmp" "$file"
}

# Copies text from FILE to stdout, decompressing .gz.
read_text() {
  case $1 in
    *.gz) gzip -dc "$1" ;;
    *) cat "$1" ;;
  esac
}

# Number of lines of a plain or .gz file.
count_lines() { read_text "$1" | wc -l | tr -d ' '; }

# Prints the checksum of FILE with ALGO (sha256 or md5), lowercase hex.
checksum() {
  local algo=$1 file=$2
  case $algo in
    sha256)
      if command -v sha256sum >/dev/null 2>&1; then sha256sum "$file" | cut -d' ' -f1
      elif command -v shasum >/dev/null 2>&1; then shasum -a 256 "$file" | cut -d' ' -f1
      else die "neither sha256sum nor shasum found; install coreutils."
      fi ;;
    md5)
      if command -v md5sum >/dev/null 2>&1; then md5sum "$file" | cut -d' ' -f1
      elif command -v md5 >/dev/null 2>&1; then md5 -q "$file"
      else die "neither md5sum nor md5 found; install coreutils."
      fi ;;
    *) die "unknown checksum algorithm '$algo' (use sha256:HEX or md5:HEX)." ;;
  esac
}

# Records the settings an output folder was made with, or refuses a folder made with other settings
# (a rerun resumes only the same run): check_settings FILE "key=value ...".
check_settings() {
  local file=$1 want=$2 have
  if [ -f "$file" ]; then
    have=$(cat "$file")
    [ "$have" = "$want" ] || die "$(dirname "$file") was made with other settings:
  before: $have
  now:    $want
Use another output folder, or delete this one to start again."
  else
    produce_to "$file" printf '%s\n' "$want"
  fi
}

TEMPS=()
TMP=
remove_temps() {
  local t
  for t in "${TEMPS[@]+"${TEMPS[@]}"}"; do
    rm -rf -- "$t"
  done
}
trap remove_temps EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
