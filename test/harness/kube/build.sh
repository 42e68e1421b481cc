#!/usr/bin/env bash
# Builds kube-apiserver and etcd for the integration-test harness from the Go
# module proxy (no GitHub, no release downloads) and caches the binaries.
#
#   cache: ${VPC_CNI_AUDITOR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vpc-cni-auditor}/kube/<k8s>-<etcd>/
#
# Idempotent: if the binaries exist and were built from the same wrapper
# modules (sha256 over go.mod/go.sum/sources, stored in .inputs-sha256) it
# does nothing. A version bump changes the directory; any other edit to the
# wrapper modules changes the hash and triggers a rebuild.
#
# Output contract (parsed by test/harness/kube.ts): progress and timing go to
# stderr; stdout gets exactly two lines, KUBE_APISERVER=<path> and ETCD=<path>.
set -euo pipefail

t_start=$EPOCHREALTIME
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
api_mod="$here/apiserver"
etcd_mod="$here/etcd"

log() { printf '[kube-build] %s\n' "$*" >&2; }
elapsed() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1fs", b - a }'; }

command -v go >/dev/null || { log "go is not on PATH; Go >= 1.24 is needed to build kube-apiserver/etcd"; exit 1; }

k8s_version="$(awk '$1 == "require" && $2 == "k8s.io/kubernetes" { print $3; exit } $1 == "k8s.io/kubernetes" && $2 ~ /^v/ { print $2; exit }' "$api_mod/go.mod")"
etcd_version="$(awk '$1 == "require" && $2 == "go.etcd.io/etcd/server/v3" { print $3; exit } $1 == "go.etcd.io/etcd/server/v3" && $2 ~ /^v/ { print $2; exit }' "$etcd_mod/go.mod")"
[[ "$k8s_version" =~ ^v1\.([0-9]+)\.[0-9]+$ ]] || { log "cannot read k8s.io/kubernetes version from $api_mod/go.mod"; exit 1; }
k8s_minor="${BASH_REMATCH[1]}"
[[ -n "$etcd_version" ]] || { log "cannot read etcd server version from $etcd_mod/go.mod"; exit 1; }

if command -v sha256sum >/dev/null; then sha() { sha256sum; }; else sha() { shasum -a 256; }; fi
# The script itself is part of the key because it owns the build flags.
inputs_hash="$(cat "$api_mod/go.mod" "$api_mod/go.sum" "$api_mod/tools.go" \
  "$etcd_mod/go.mod" "$etcd_mod/go.sum" "$etcd_mod/main.go" "${BASH_SOURCE[0]}" | sha | cut -c1-64)"

cache_root="${VPC_CNI_AUDITOR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vpc-cni-auditor}"
out="$cache_root/kube/$k8s_version-$etcd_version"
apiserver_bin="$out/kube-apiserver"
etcd_bin="$out/etcd"
stamp="$out/.inputs-sha256"

is_fresh() {
  [[ -x "$apiserver_bin" && -x "$etcd_bin" && -f "$stamp" && "$(cat "$stamp")" == "$inputs_hash" ]]
}

report() {
  printf 'KUBE_APISERVER=%s\nETCD=%s\n' "$apiserver_bin" "$etcd_bin"
}

if is_fresh; then
  log "cached: $out ($(elapsed "$t_start"))"
  report
  exit 0
fi

mkdir -p "$out"
# Parallel jest workers may call this at the same time; serialise builds so
# only one of them compiles and the others reuse its result.
if command -v flock >/dev/null; then
  exec 9>"$out/.lock"
  log "waiting for build lock $out/.lock"
  flock 9
  if is_fresh; then
    log "cached (built by another process): $out ($(elapsed "$t_start"))"
    report
    exit 0
  fi
fi

tmp="$(mktemp -d "$out/.build.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

export CGO_ENABLED=0
# -mod=mod: tolerate a Go toolchain that wants to touch go.mod/go.sum instead
# of failing with "updates to go.mod needed". -buildvcs=false: the wrappers sit
# inside this repo's git tree, whose state is irrelevant to the binaries.
# Keep whatever GOFLAGS the user already has (env or `go env -w`).
export GOFLAGS="$(go env GOFLAGS) -mod=mod -buildvcs=false"
# Newer local Go is fine; only switch toolchains if the local one is too old.
export GOTOOLCHAIN="${GOTOOLCHAIN:-auto}"

log "building into $out (k8s $k8s_version, etcd $etcd_version, $(go env GOVERSION))"

# Commit hash from the proxy's origin metadata when it has it (not all mirrors do).
origin_hash() {
  (cd "$1" && go mod download -json "$2" 2>/dev/null) \
    | awk '/"Origin"/ { o = 1 } o && /"Hash"/ { gsub(/[",]/, "", $2); print $2; exit }'
}

t=$EPOCHREALTIME
log "downloading modules"
(cd "$api_mod" && go mod download)
(cd "$etcd_mod" && go mod download)
log "downloaded modules in $(elapsed "$t")"

# Without these, /version reports v0.0.0-master+$Format:%H$ (see upstream
# hack/lib/version.sh for the same keys). gitTreeState=archive is what
# upstream uses for builds from a source archive.
build_date="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
k8s_commit="$(origin_hash "$api_mod" "k8s.io/kubernetes@$k8s_version" || true)"
ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X '$pkg.gitVersion=$k8s_version' -X '$pkg.gitMajor=1' -X '$pkg.gitMinor=$k8s_minor'"
  ldflags+=" -X '$pkg.gitTreeState=archive' -X '$pkg.buildDate=$build_date'"
  [[ -n "$k8s_commit" ]] && ldflags+=" -X '$pkg.gitCommit=$k8s_commit'"
done
t=$EPOCHREALTIME
log "building kube-apiserver $k8s_version"
(cd "$api_mod" && go build -trimpath -ldflags "$ldflags" -o "$tmp/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver)
log "built kube-apiserver in $(elapsed "$t")"

# etcd's version string is a constant in its api module; only the SHA is a variable.
etcd_commit="$(origin_hash "$etcd_mod" "go.etcd.io/etcd/server/v3@$etcd_version" || true)"
etcd_ldflags="-s -w"
[[ -n "$etcd_commit" ]] && etcd_ldflags+=" -X 'go.etcd.io/etcd/api/v3/version.GitSHA=${etcd_commit:0:12}'"
t=$EPOCHREALTIME
log "building etcd $etcd_version"
(cd "$etcd_mod" && go build -trimpath -ldflags "$etcd_ldflags" -o "$tmp/etcd" .)
log "built etcd in $(elapsed "$t")"

# Publish atomically: binaries first, stamp last, so a crash mid-way never
# leaves a cache entry that looks complete.
mv -f "$tmp/kube-apiserver" "$apiserver_bin"
mv -f "$tmp/etcd" "$etcd_bin"
printf '%s\n' "$inputs_hash" > "$stamp.tmp" && mv -f "$stamp.tmp" "$stamp"

log "done in $(elapsed "$t_start"): $out"
report
