# `helm test`: the endpoint lists the served model and answers a chat completion, streamed and not.
# URL, MODEL and (when auth is on) TOKEN_FILE or REFUSAL_STATUSES come from the pod's environment. URL may list several
# addresses: the first that accepts a connection is used. TLS is always verified: with CA_FILE, the
# cluster's service CA, where the platform's endpoints carry service-CA certificates.
set -eu
tls=""
if [ -n "${CA_FILE:-}" ]; then
  # OpenShift writes the CA into the mounted ConfigMap shortly after the release creates it
  waited=0
  until [ -s "$CA_FILE" ] || [ "$waited" -ge 60 ]; do sleep 2; waited=$((waited + 2)); done
  if [ -s "$CA_FILE" ]; then tls="--cacert $CA_FILE"; fi
fi
auth=""
[ -n "${TOKEN_FILE:-}" ] && auth="Authorization: Bearer $(cat "$TOKEN_FILE")"
body="${TMPDIR:-/tmp}/body"

call() { # call METHOD PATH [JSON] -> prints the HTTP status, body in $body
  curl --silent --show-error --connect-timeout 10 --max-time 300 $tls --output "$body" --write-out '%{http_code}' \
    --request "$1" ${auth:+--header "$auth"} --header 'Content-Type: application/json' \
    ${3:+--data "$3"} "$URL$2" || true
}

check() { # check NAME EXPECTED_STATUS STATUS [TEXT_THE_BODY_MUST_CONTAIN]
  if [ "$3" != "$2" ] || { [ -n "${4:-}" ] && ! grep -qF -- "$4" "$body"; }; then
    echo "FAIL $1: HTTP $3 (expected $2${4:+ and a body containing $4})"
    cat "$body"; echo
    exit 1
  fi
  echo "ok   $1: HTTP $3"
}

candidates=$URL
for URL in $candidates; do
  models=$(call GET /v1/models)
  [ "$models" != 000 ] && break  # curl reports 000 when it cannot connect
done
echo "calling $URL"

if [ -n "${REFUSAL_STATUSES:-}" ]; then
  # what the level's auth proxy answers a request without a token
  case " $REFUSAL_STATUSES " in
    *" $models "*) echo "ok   a request without a token is refused (HTTP $models)"; exit 0 ;;
  esac
  echo "FAIL: a request without a token got HTTP $models (the auth proxy answers $REFUSAL_STATUSES)"; cat "$body"; exit 1
fi

check "GET /v1/models lists $MODEL" 200 "$models" "\"$MODEL\""
check "POST /v1/chat/completions" 200 \
  "$(call POST /v1/chat/completions "{\"model\": \"$MODEL\", \"messages\": [{\"role\": \"user\", \"content\": \"Say hello.\"}], \"max_tokens\": 16}")" \
  '"choices"'
check "POST /v1/chat/completions (stream)" 200 \
  "$(call POST /v1/chat/completions "{\"model\": \"$MODEL\", \"messages\": [{\"role\": \"user\", \"content\": \"Count to three.\"}], \"max_tokens\": 16, \"stream\": true}")" \
  'data: [DONE]'
