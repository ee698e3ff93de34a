#!/usr/bin/env bash
# The quick start: installs what is missing, builds, starts the built-in sandbox (a local Rossum
# API on 127.0.0.1), and shows validate -> plan -> apply -> plan (no changes) on an example
# manifest. No Rossum account needed. Usage: scripts/demo.sh [MANIFEST] (default
# examples/accounts.yaml).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
manifest=${1:-examples/accounts.yaml}
cd "$here"

scripts/setup.sh "$here/build"
bin="$here/build/rossum-accounts"
sandbox="$here/build/rossum-sandbox"

work=$(mktemp -d)
sandbox_pid=""
cleanup() {
  if [ -n "$sandbox_pid" ]; then
    kill -TERM "$sandbox_pid" 2>/dev/null || true
    wait "$sandbox_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

"$sandbox" --port 0 >"$work/sandbox.out" 2>"$work/sandbox.err" &
sandbox_pid=$!
for _ in $(seq 1 100); do
  [ "$(wc -l <"$work/sandbox.out")" -ge 2 ] && break
  sleep 0.1
done
url=$(sed -n '1s/^listening on //p' "$work/sandbox.out")
read -r _ admin_user admin_password < <(sed -n '2p' "$work/sandbox.out")
if [ -z "$url" ] || [ -z "${admin_password:-}" ]; then
  echo "demo: the sandbox did not start:" >&2
  cat "$work/sandbox.err" >&2
  exit 1
fi

export ROSSUM_API_URL="$url" ROSSUM_USERNAME="$admin_user" ROSSUM_PASSWORD="$admin_password"
export XDG_CACHE_HOME="$work/cache"
export NO_PROXY=127.0.0.1,localhost,::1 no_proxy=127.0.0.1,localhost,::1
throwaway_password() { echo "Demo-$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 20)"; }
# The demo runs on a copy of the manifest, so that its password files can be created beside it
# (mode 0600) without touching the repository. Every password source gets a fresh throwaway value.
cp "$manifest" "$work/$(basename "$manifest")"
manifest="$work/$(basename "$manifest")"
for var in $(grep -oE 'env: *[A-Za-z_][A-Za-z0-9_]*' "$manifest" | awk '{print $2}' | sort -u); do
  export "$var=$(throwaway_password)"
done
for file in $(grep -oE 'file: *[^ #]+' "$manifest" | awk '{print $2}' | sort -u); do
  mkdir -p "$(dirname "$work/$file")"
  (umask 077 && throwaway_password >"$work/$file")
done

step() {
  printf '\n\033[1m$ rossum-accounts %s\033[0m\n' "$*"
  "$bin" "$@"
}

echo "Sandbox: $url (demo admin $admin_user)"
step validate "$manifest"
step plan "$manifest"
step apply "$manifest" --auto-approve
set +e
step plan "$manifest" --detailed-exitcode
code=$?
set -e
echo
if [ "$code" -eq 0 ]; then
  echo "demo: the second plan found nothing to change (exit 0): apply converged."
else
  echo "demo: the second plan exited $code; expected 0" >&2
  exit 1
fi
