#!/bin/bash
# The ahds AnalyticsSync export job (components/analyticsSync/exportScript.ts documents it).
set -euo pipefail
log() { printf '%s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }
work=$(mktemp -d)
token() {
  curl -sS --fail --retry 5 --retry-delay 5 -G "$IDENTITY_ENDPOINT" \
    --data-urlencode "resource=$1" --data-urlencode "api-version=2019-08-01" --data-urlencode "client_id=$AZURE_CLIENT_ID" \
    -H "X-IDENTITY-HEADER: $IDENTITY_HEADER" | jq -er .access_token
}
# A token that cannot be had stops the call (set -e does not see a failure inside another command's arguments).
storage() { local t; t=$(token https://storage.azure.com/) || return 1; curl -sS -H "Authorization: Bearer $t" -H "x-ms-version: 2021-08-06" "$@"; }
fhir() { local t; t=$(token "$FHIR_AUDIENCE") || return 1; curl -sS -H "Authorization: Bearer $t" -H "Accept: application/fhir+json" "$@"; }

since=""
code=$(storage -o "$work/state.json" -w '%{http_code}' "$STATE_URL")
case "$code" in
  200) since=$(jq -er .transactionTime "$work/state.json"); log "exporting changes since $since" ;;
  404) log "no earlier export: exporting everything" ;;
  *) log "reading the bookmark returned HTTP $code"; exit 1 ;;
esac

query="_container=$EXPORT_CONTAINER"
if [ -n "$since" ]; then query="$query&_since=$(jq -rn --arg v "$since" '$v|@uri')"; fi
if [ -n "${EXPORT_TYPES:-}" ]; then query="$query&_type=$EXPORT_TYPES"; fi
code=$(fhir -o /dev/null -D "$work/kickoff.headers" -w '%{http_code}' -H "Prefer: respond-async" "$FHIR_URL/$EXPORT_PATH?$query")
if [ "$code" != 202 ]; then log "export kick-off returned HTTP $code"; exit 1; fi
status=$(tr -d '\r' < "$work/kickoff.headers" | sed -n 's/^[Cc]ontent-[Ll]ocation: *//p' | head -n 1)
case "$status" in
  "$FHIR_URL"/*) log "export accepted: $status" ;;
  *) log "export status URL is not on the FHIR service: $status"; exit 1 ;;
esac

deadline=$(( $(date +%s) + MAX_WAIT_SECONDS ))
while :; do
  code=$(fhir -o "$work/status.json" -w '%{http_code}' "$status")
  case "$code" in
    200) break ;;
    202) ;;
    *) log "export status returned HTTP $code"; cat "$work/status.json" >&2 || true; exit 1 ;;
  esac
  if [ "$(date +%s)" -ge "$deadline" ]; then log "export still running after $MAX_WAIT_SECONDS s; the next run starts from the same bookmark"; exit 1; fi
  sleep "$POLL_SECONDS"
done

transaction=$(jq -er .transactionTime "$work/status.json")
files=$(jq '[.output[]?] | length' "$work/status.json")
errors=$(jq '[.error[]?] | length' "$work/status.json")
if [ "$errors" != 0 ]; then log "export finished with $errors error file(s); the bookmark stays at ${since:-the start}"; exit 1; fi
jq -n --arg t "$transaction" --arg s "$status" --argjson n "$files" '{transactionTime: $t, status: $s, files: $n}' > "$work/state.json"
storage --fail -o /dev/null -X PUT -H "x-ms-blob-type: BlockBlob" -H "Content-Type: application/json" --data-binary "@$work/state.json" "$STATE_URL"
log "exported $files file(s) up to $transaction"
