#!/usr/bin/env bash
# Builds Sluice's container images the same way on a laptop, in CI and for a cluster.
#
#   deploy/images/build.sh [--base auto|debian|registry] [--only a,b] [--base-only] [--cuda LIBTORCH_DIR] [--tag TAG]
#
# 1. The base image (Java 17 runtime on Debian, glibc for DJL's natives):
#    - registry: FROM $SLUICE_REGISTRY_BASE (default eclipse-temurin:17-jre), pulled as usual;
#    - debian:   made from Debian's packages with mmdebstrap when no image registry is reachable,
#                imported as sluice/base-jre:17-bookworm and kept (skipped when the tag exists);
#    - auto (default): registry when the pull succeeds, debian otherwise.
# 2. The Kafka image sluice/kafka:<kafka.version> from the Central jars the local stack runs
#    (org.apache.kafka:kafka_2.13, resolved by deploy/images/kafka/pom.xml), KRaft single node.
# 3. One image per service, sluice/<module>:<tag>, from <module>/target/<module>-<version>-exec.jar
#    (run ./mvnw -B package first), unpacked into Spring Boot's layers (deploy/Dockerfile).
# 4. With --cuda DIR (a libtorch 2.7.1 for CUDA 12.8, unpacked): sluice/inference-service:<tag>-cuda.
#    Never built by default (CI has no CUDA libtorch); see deploy/README.md.
#
# Without a reachable Docker engine it says so and exits 0 (the container tests then skip).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

base_mode="${SLUICE_IMAGE_BASE:-auto}"
only="${SLUICE_IMAGES:-}"
cuda_libtorch=""
version="$(awk '/<artifactId>sluice-parent<\/artifactId>/ { getline; gsub(/.*<version>|<\/version>.*/, ""); print; exit }' pom.xml)"
tag="${SLUICE_IMAGE_TAG:-$version}"
kafka_version="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' pom.xml)"
registry_base="${SLUICE_REGISTRY_BASE:-eclipse-temurin:17-jre}"
debian_base="sluice/base-jre:17-bookworm"
mirror="${SLUICE_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
security_mirror="${SLUICE_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}"
services=(ingest-service training-service evaluation-service deployment-service inference-service monitoring-service console)

while [ $# -gt 0 ]; do
  case "$1" in
    --base) base_mode="$2"; shift 2 ;;
    --only) only="$2"; shift 2 ;;
    --cuda) cuda_libtorch="$2"; shift 2 ;;
    --tag) tag="$2"; shift 2 ;;
    --base-only) only="-"; shift ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "build.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

log() { echo "images: $*" >&2; }
wanted() { [ -z "$only" ] || [[ ",$only," == *",$1,"* ]]; }

if ! command -v docker >/dev/null 2>&1 || ! docker info >/dev/null 2>&1; then
  log "no Docker engine reachable (docker info failed): no images built; the container tests will skip"
  exit 0
fi
export DOCKER_BUILDKIT="${DOCKER_BUILDKIT:-0}" # the classic builder is in every engine, BuildKit not always

debian_base_image() {
  if docker image inspect "$debian_base" >/dev/null 2>&1; then
    log "$debian_base exists (cached)"
    return
  fi
  if ! command -v mmdebstrap >/dev/null 2>&1; then
    log "mmdebstrap is missing: apt-get install -y mmdebstrap"
    exit 1
  fi
  local work started
  work="$(mktemp -d)"
  started=$(date +%s)
  log "making $debian_base from Debian's packages ($mirror, bookworm) ..."
  # a minimal system (apt variant) plus the headless JRE; documentation and apt lists left out (man1 must
  # exist all the same: update-alternatives links java.1.gz there)
  mmdebstrap --variant=apt --include=openjdk-17-jre-headless,ca-certificates \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' \
    --setup-hook='mkdir -p "$1"/usr/share/man/man1' \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*' \
    bookworm "$work/rootfs.tar" \
    "deb $mirror bookworm main" "deb $mirror bookworm-updates main" "deb $security_mirror bookworm-security main" \
    </dev/null >"$work/mmdebstrap.log" 2>&1 || { tail -30 "$work/mmdebstrap.log" >&2; rm -rf "$work"; exit 1; }
  docker import \
    --change 'ENV LANG=C.UTF-8' \
    --change 'ENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["java", "-version"]' \
    "$work/rootfs.tar" "$debian_base" >/dev/null
  rm -rf "$work"
  log "$debian_base made in $(( $(date +%s) - started )) s"
}

case "$base_mode" in
  registry) docker pull -q "$registry_base" >/dev/null; base="$registry_base" ;;
  debian) debian_base_image; base="$debian_base" ;;
  auto)
    if docker image inspect "$registry_base" >/dev/null 2>&1 || docker pull -q "$registry_base" >/dev/null 2>&1; then
      base="$registry_base"
    else
      log "cannot pull $registry_base: using a base made from Debian's packages"
      debian_base_image; base="$debian_base"
    fi ;;
  *) echo "build.sh: --base must be auto, debian or registry" >&2; exit 2 ;;
esac
log "base image: $base"
[ "$only" = "-" ] && exit 0

build() { # name context [docker build args...]
  local name="$1" context="$2" started; shift 2
  started=$(date +%s)
  if ! docker build -q --build-arg "BASE=$base" -t "$name" "$@" "$context" >"$context.log" 2>&1; then
    cat "$context.log" >&2; rm -f "$context.log"; exit 1
  fi
  rm -f "$context.log"
  log "$name built in $(( $(date +%s) - started )) s ($(docker image inspect -f '{{.Size}}' "$name" | awk '{printf "%.0f MB", $1/1e6}'))"
}

if wanted kafka; then
  context="$(mktemp -d)"
  cp deploy/images/kafka/Dockerfile deploy/images/kafka/entrypoint.sh deploy/images/kafka/server.properties "$context/"
  ./mvnw -B -q -f deploy/images/kafka/pom.xml dependency:copy-dependencies -DincludeScope=runtime \
    -DoutputDirectory="$context/libs" ${SLUICE_MAVEN_OFFLINE:+-o}
  build "sluice/kafka:$kafka_version" "$context"
  rm -rf "$context"
fi

for module in "${services[@]}"; do
  wanted "$module" || continue
  jar="$module/target/$module-$version-exec.jar"
  if [ ! -f "$jar" ]; then
    log "$jar is missing: run ./mvnw -B package -DskipTests first"
    exit 1
  fi
  context="$(mktemp -d)"
  ln "$jar" "$context/application.jar" 2>/dev/null || cp "$jar" "$context/application.jar"
  build "sluice/$module:$tag" "$context" -f "$root/deploy/Dockerfile" --build-arg "MODULE=$module"
  if [ "$module" = inference-service ] && [ -n "$cuda_libtorch" ]; then
    cp -r "$cuda_libtorch" "$context/libtorch"
    build "sluice/$module:$tag-cuda" "$context" -f "$root/deploy/images/inference-cuda.Dockerfile" \
      --build-arg "SERVICE_IMAGE=sluice/$module:$tag"
  fi
  rm -rf "$context"
done
# the unpacking stages are left untagged; they are of no use once their layers are copied
docker image prune -f --filter label=io.sluice.build-stage=layers >/dev/null
