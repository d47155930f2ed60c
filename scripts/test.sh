#!/usr/bin/env bash
# The README's test command: everything a fresh machine needs, then the whole suite.
# Installs Prometheus, Alertmanager, wrk and redis-server from Debian when absent (needs root
# or passwordless sudo), installs the npm dependencies from the lockfile, then runs `npm test`.
# .ci/run calls this with CI=true: tests whose binary is missing then fail instead of skipping.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DEBIAN_FRONTEND=noninteractive

# The whole test command must finish within this; a hang fails CI instead of stalling it.
readonly SUITE_TIMEOUT=15m
# wrk: the soak test's burst (test/bench/soak.test.ts) measures the maximum rate with it.
# redis-server: the fleet's label join (label_store: redis) is tested against a real one.
readonly BINARIES=(/usr/bin/prometheus /usr/bin/promtool /usr/bin/prometheus-alertmanager /usr/bin/amtool /usr/bin/wrk /usr/bin/redis-server)
readonly POLICY_RC=/usr/sbin/policy-rc.d
readonly POLICY_RC_BACKUP=/usr/sbin/policy-rc.d.mlwatch-ci-backup

step() { printf '\n==> %s\n' "$*"; }
run() { printf '+ %s\n' "$*"; "$@"; }

as_root() {
  if [[ ${EUID} -eq 0 ]]; then run "$@"
  elif command -v sudo >/dev/null 2>&1; then run sudo -n --preserve-env=DEBIAN_FRONTEND "$@"
  else echo "error: installing packages needs root (or passwordless sudo); run .ci/run as root" >&2; exit 1
  fi
}

missing_binaries() {
  local missing=()
  for binary in "${BINARIES[@]}"; do [[ -x ${binary} ]] || missing+=("${binary}"); done
  echo "${missing[*]}"
}

# The Debian packages' postinst starts their services (invoke-rc.d / deb-systemd-invoke).
# On CI a service start is unwanted (it would hold ports 9090/9093/6379) and, where it fails,
# fails the install. policy-rc.d answering 101 ("action forbidden") makes both skip it.
# An existing policy that already forbids starts is kept; any other is set aside and restored.
OWN_POLICY_RC=false

forbid_service_starts() {
  if [[ -x ${POLICY_RC} ]]; then
    local rc=0
    "${POLICY_RC}" prometheus start >/dev/null 2>&1 || rc=$?
    if [[ ${rc} -eq 101 ]]; then echo "${POLICY_RC} already forbids service starts; keeping it"; return 0; fi
  fi
  if [[ -e ${POLICY_RC} ]]; then as_root mv -f "${POLICY_RC}" "${POLICY_RC_BACKUP}"; fi
  echo "writing ${POLICY_RC} (exit 101) for the install"
  OWN_POLICY_RC=true
  trap restore_policy_rc EXIT
  printf '#!/bin/sh\n# Written by mlwatch .ci/run: no service starts during apt-get install.\nexit 101\n' \
    | as_root tee "${POLICY_RC}" >/dev/null
  as_root chmod 755 "${POLICY_RC}"
}

restore_policy_rc() {
  if [[ ${OWN_POLICY_RC} != true ]]; then return 0; fi
  OWN_POLICY_RC=false
  if [[ -e ${POLICY_RC_BACKUP} ]]; then as_root mv -f "${POLICY_RC_BACKUP}" "${POLICY_RC}"
  else as_root rm -f "${POLICY_RC}"
  fi
}

install_prometheus() {
  step "Prometheus, Alertmanager, wrk and redis-server (Debian packages prometheus, prometheus-alertmanager, wrk, redis-server)"
  local missing
  missing="$(missing_binaries)"
  if [[ -z ${missing} ]]; then
    echo "already installed"
  else
    echo "missing: ${missing}"
    forbid_service_starts
    as_root apt-get update -q -o Acquire::Retries=3
    as_root apt-get install -y -q -o Acquire::Retries=3 --no-install-recommends prometheus prometheus-alertmanager wrk redis-server </dev/null
    restore_policy_rc
    missing="$(missing_binaries)"
    if [[ -n ${missing} ]]; then echo "error: still missing after apt-get install: ${missing}" >&2; exit 1; fi
  fi
  run /usr/bin/prometheus --version
  run /usr/bin/promtool --version
  run /usr/bin/prometheus-alertmanager --version
  run /usr/bin/amtool --version
  run /usr/bin/redis-server --version
}

install_node_dependencies() {
  step "npm dependencies (npm ci, from package-lock.json)"
  run node --version
  run npm --version
  run npm ci --no-audit --no-fund
}

# A high or critical advisory on a production dependency fails; a registry that does not
# answer the audit endpoint is reported as skipped (scripts/npm-audit.mjs says why).
audit_dependencies() {
  step "npm audit --omit=dev --audit-level=high"
  run node scripts/npm-audit.mjs
}

run_tests() {
  step "tests (npm test, at most ${SUITE_TIMEOUT})"
  local started=${SECONDS} rc=0 report
  report="$(mktemp -t mlwatch-vitest-XXXXXX.json)"
  # The JSON report gives the plain closing line CI reads ("N passed, N failed").
  run timeout --kill-after=30s "${SUITE_TIMEOUT}" npm test -- --reporter=default --reporter=json \
    "--outputFile.json=${report}" </dev/null || rc=$?
  if [[ ${rc} -eq 124 || ${rc} -eq 137 ]]; then echo "error: the test suite ran past ${SUITE_TIMEOUT} and was stopped" >&2; fi
  echo "test suite took $((SECONDS - started)) s, exit code ${rc}"
  # The closing line is the last line printed: a line after it that mentions "passed" could be
  # read as a runner's closing line with no count (and the run judged to have run no test).
  node scripts/test-summary.mjs "${report}" || true
  rm -f "${report}"
  if [[ ${rc} -ne 0 ]]; then exit "${rc}"; fi
}

install_prometheus
install_node_dependencies
audit_dependencies
run_tests
