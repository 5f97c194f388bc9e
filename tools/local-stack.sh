# Sourced by tools/dev, tools/test and tools/sam-local: starts the local DynamoDB (moto, see
# tools/local_dynamodb.py) on a free port of the loopback address (or of the address given as
# second argument) and points the AWS SDK at it through the loopback address.
# It stops when the sourcing script exits.

start_local_dynamodb() {
  local root="$1" host="${2:-127.0.0.1}" log
  "$root/tools/venv"
  log="$(mktemp)"
  "$root/.venv/bin/python" "$root/tools/local_dynamodb.py" --host "$host" --exit-with-parent >"$log" 2>&1 &
  LOCAL_DYNAMODB_PID=$!
  trap 'kill "$LOCAL_DYNAMODB_PID" 2>/dev/null || true' EXIT
  for _ in $(seq 1 100); do
    if [ -s "$log" ]; then break; fi
    sleep 0.1
  done
  local port
  port="$(head -n 1 "$log")"
  if ! [[ "$port" =~ ^[0-9]+$ ]]; then
    echo "the local DynamoDB did not start:" >&2
    cat "$log" >&2
    exit 1
  fi
  export AWS_ENDPOINT_URL_DYNAMODB="http://127.0.0.1:$port"
  export AWS_REGION="${AWS_REGION:-us-east-1}"
  export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-local}"
  export AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-local}"
  export AWS_EC2_METADATA_DISABLED=true
}
