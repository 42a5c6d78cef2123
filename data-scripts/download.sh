#!/usr/bin/env bash
# Download one file, resumably, and check it against a published checksum.
#
#   data-scripts/download.sh URL FILE [CHECKSUM]
#
# CHECKSUM is sha256:HEX or md5:HEX, or empty when no published value is known. FILE is reused when it
# exists (so a folder of files downloaded earlier works offline) and refused when its checksum differs.
# Otherwise the download goes to FILE.part (curl -C - or wget -c: a rerun resumes it) and is renamed to
# FILE only after the checksum matched; a mismatching download is moved to FILE.bad. The sha256 of every
# file is printed, and for downloads also written to FILE.sha256, so a run without a published value
# still records what it got.
# Environment: OFFLINE [0]: 1 fails instead of downloading a missing FILE.  RETRIES [3].
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source-path=SCRIPTDIR source=../recipes/lib/common.sh
. "$ROOT/recipes/lib/common.sh"

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
  usage
fi
URL=$1
FILE=$2
CHECKSUM=${3:-}
OFFLINE=${OFFLINE:-0}
RETRIES=${RETRIES:-3}

algo='' want=''
case $CHECKSUM in
  '') ;;
  sha256:*) algo=sha256; want=${CHECKSUM#sha256:}; [[ $want =~ ^[0-9a-fA-F]{64}$ ]] || die "bad checksum '$CHECKSUM': sha256 needs 64 hex digits." ;;
  md5:*) algo=md5; want=${CHECKSUM#md5:}; [[ $want =~ ^[0-9a-fA-F]{32}$ ]] || die "bad checksum '$CHECKSUM': md5 needs 32 hex digits." ;;
  *) die "bad checksum '$CHECKSUM': write sha256:HEX or md5:HEX." ;;
esac
want=$(printf '%s' "$want" | tr 'A-F' 'a-f')

# Prints how FILE's content relates to the published checksum and returns 1 on a mismatch; sets SHA to
# FILE's sha256.
verify() {
  local file=$1 got
  SHA=$(checksum sha256 "$file")
  if [ -z "$algo" ]; then
    log "$file: sha256 $SHA (not verified: no published checksum for $URL)"
    return 0
  fi
  if [ "$algo" = sha256 ]; then got=$SHA; else got=$(checksum "$algo" "$file"); fi
  if [ "$got" != "$want" ]; then
    log "$file: $algo $got does not match the published $algo $want"
    return 1
  fi
  log "$file: sha256 $SHA (verified: $algo matches the published value)"
}

if [ -e "$FILE" ]; then
  verify "$FILE" || die "$FILE: checksum mismatch; it is damaged or another version of $URL. Delete it to download again."
  exit 0
fi
if [ "$OFFLINE" = 1 ]; then
  die "$FILE is missing and OFFLINE=1. Download $URL to $FILE${CHECKSUM:+ (expected $CHECKSUM)}, or point DATA_DIR at a folder that has it."
fi

part=$FILE.part
mkdir -p "$(dirname "$FILE")"
if [ -n "$algo" ] && [ -s "$part" ] && [ "$(checksum "$algo" "$part")" = "$want" ]; then
  log "$part is complete already"
elif command -v curl >/dev/null 2>&1; then
  log "downloading $URL (curl; resumes $part)"
  rc=0
  curl -fL --retry "$RETRIES" --retry-delay 5 -C - -o "$part" "$URL" || rc=$?
  if [ "$rc" = 33 ]; then
    log "the server cannot resume; downloading from the start"
    rm -f "$part"
    rc=0
    curl -fL --retry "$RETRIES" --retry-delay 5 -o "$part" "$URL" || rc=$?
  fi
  [ "$rc" = 0 ] || die "downloading $URL failed (curl exit $rc). $part keeps what arrived; rerun to resume."
elif command -v wget >/dev/null 2>&1; then
  log "downloading $URL (wget; resumes $part)"
  rc=0
  wget -c --tries="$RETRIES" -O "$part" "$URL" || rc=$?
  [ "$rc" = 0 ] || die "downloading $URL failed (wget exit $rc). $part keeps what arrived; rerun to resume."
else
  die "neither curl nor wget found on PATH. Install one (Debian/Ubuntu: apt-get install curl), or download $URL to $FILE yourself."
fi

if ! verify "$part"; then
  mv -f "$part" "$FILE.bad"
  die "checksum mismatch for $URL: the download was moved to $FILE.bad (inspect or delete it). Rerun to download again; if the publisher replaced the file, check its new checksum from a trusted source before changing the pinned value."
fi
produce_to "$FILE.sha256" printf '%s  %s\n' "$SHA" "$(basename "$FILE")"
publish "$part" "$FILE"
log "wrote $FILE"
