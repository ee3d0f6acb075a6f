# Shared steps of `make run` and `make test`. Each step is idempotent and says what failed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"
cd "$ROOT"

step() { printf '\n==> %s\n' "$*"; }
fail() { printf '\nFAILED: %s\n' "$*" >&2; exit 1; }

is_root() { [ "$(id -u)" = 0 ]; }

pkg_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

APT_UPDATED=0
apt_install() {
  # apt_install PKG...: install the missing ones, as root; otherwise print the command.
  local missing=()
  for p in "$@"; do pkg_installed "$p" || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null; then
    fail "missing system packages: ${missing[*]} (no apt-get here: install them with your package manager)"
  fi
  if ! is_root; then
    printf 'Missing system packages. Run this, then try again:\n  sudo apt-get update && sudo apt-get install -y %s\n' "${missing[*]}" >&2
    exit 1
  fi
  step "installing system packages: ${missing[*]}"
  if [ "$APT_UPDATED" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq || fail "apt-get update"
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" \
    >/tmp/yizhan-apt.log 2>&1 || { tail -20 /tmp/yizhan-apt.log >&2; fail "apt-get install ${missing[*]}"; }
}

ensure_base_packages() {
  step "system libraries (GDAL, GEOS, PROJ, SpatiaLite, gettext)"
  apt_install gdal-bin libsqlite3-mod-spatialite gettext
}

# A Python >= 3.11 whose sqlite3 module can load SpatiaLite. Checked, not guessed: pyenv
# and some distribution builds leave out enable_load_extension.
python_ok() {
  "$1" - <<'PYEOF' >/dev/null 2>&1
import sqlite3, sys
assert sys.version_info >= (3, 11)
c = sqlite3.connect(":memory:")
c.enable_load_extension(True)
c.load_extension("mod_spatialite")
PYEOF
}

find_python() {
  local c
  for c in ${YIZHAN_PYTHON:-} /usr/bin/python3 /usr/bin/python3.13 /usr/bin/python3.12 /usr/bin/python3.11 \
           "$(command -v python3.13 || true)" "$(command -v python3.12 || true)" \
           "$(command -v python3.11 || true)" "$(command -v python3 || true)"; do
    [ -n "$c" ] && [ -x "$c" ] && python_ok "$c" && { echo "$c"; return 0; }
  done
  return 1
}

ensure_venv() {
  step "Python environment (.venv)"
  if [ -x "$PY" ] && python_ok "$PY"; then
    :
  else
    if [ -x /usr/bin/python3 ] && ! /usr/bin/python3 -c 'import ensurepip' >/dev/null 2>&1; then
      apt_install python3-venv
    fi
    local base
    base="$(find_python)" || fail "no Python >= 3.11 whose sqlite3 can load mod_spatialite was found (Debian's /usr/bin/python3 can; set YIZHAN_PYTHON to another)"
    echo "using $base"
    rm -rf "$VENV"
    "$base" -m venv "$VENV" || fail "creating .venv with $base"
  fi
  local stamp
  stamp="$VENV/.installed-$(cat pyproject.toml | sha256sum | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    "$PY" -m pip install -q --upgrade pip >/dev/null || fail "upgrading pip"
    "$PY" -m pip install -q -e ".[dev]" || fail "pip install -e .[dev]"
    rm -f "$VENV"/.installed-*
    touch "$stamp"
  fi
}

compile_messages() {
  step "translations"
  (cd "$ROOT" && "$PY" manage.py compilemessages -v0 --ignore=.venv) || fail "compilemessages"
}
