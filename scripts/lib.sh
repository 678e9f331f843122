# Shared by scripts/demo and scripts/test: package installation and the Swift toolchain.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# Swift may live in /opt/swift (this project's machines) or already be on PATH.
if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
    export PATH="/opt/swift/usr/bin:$PATH"
fi
command -v swift >/dev/null 2>&1 || { echo "swift is not installed (see https://swift.org/install)" >&2; exit 1; }

# Build dependencies: ALSA, libsndfile, LAME, SQLite headers.
BUILD_PACKAGES="pkg-config libasound2-dev libsndfile1-dev libmp3lame-dev libsqlite3-dev libcurl4-openssl-dev"

# Installs the Debian packages given that are missing, as root or through sudo.
ensure_packages() {
    local missing=()
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "installing: ${missing[*]}" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}
