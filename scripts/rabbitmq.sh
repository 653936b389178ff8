#!/usr/bin/env bash
# A real RabbitMQ for the broker view: installs Debian's rabbitmq-server if it is
# missing, enables its Web-STOMP plugin, starts the server in the background if it is not
# running, and returns once STOMP over WebSocket accepts connections at ws://127.0.0.1:15674/ws
# (about 8 s from cold). Idempotent: a running server is left as it is.
# Usage: scripts/rabbitmq.sh         then open index.html?view=broker&broker=ws://127.0.0.1:15674/ws
#        scripts/rabbitmq.sh install installs and enables the plugin only (scripts/setup.sh --browser)
#        scripts/rabbitmq.sh stop    stops the server (and its epmd daemon)
set -euo pipefail
PORT=15674
LOG=${RABBITMQ_LOG:-/tmp/rabbitmq-server.log}

log() { printf '[rabbitmq] %s\n' "$*" >&2; }
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; }

install_only=false
[ "${1:-}" = install ] && install_only=true

if [ "${1:-}" = stop ]; then
  if command -v rabbitmqctl >/dev/null 2>&1; then
    rabbitmqctl stop >/dev/null 2>&1 || true
  fi
  # epmd (Erlang's port mapper) outlives the server; it stops itself when asked.
  if command -v epmd >/dev/null 2>&1; then epmd -kill >/dev/null 2>&1 || true; fi
  log "stopped"
  exit 0
fi

if ! command -v rabbitmq-server >/dev/null 2>&1; then
  log "installing Debian's rabbitmq-server (about 10 s, once)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # The package's own service start fails without systemd; the server is started below.
  apt-get install -y -qq rabbitmq-server >/dev/null
fi

if ! grep -qs rabbitmq_web_stomp /etc/rabbitmq/enabled_plugins; then
  log "enabling rabbitmq_web_stomp"
  rabbitmq-plugins enable --offline rabbitmq_web_stomp >/dev/null
fi

if $install_only; then
  exit 0
fi

if listening; then
  log "already running: ws://127.0.0.1:$PORT/ws"
  exit 0
fi

if ! rabbitmqctl status >/dev/null 2>&1; then
  log "starting rabbitmq-server in the background (log: $LOG)"
  nohup rabbitmq-server >"$LOG" 2>&1 &
fi

for _ in $(seq 1 600); do
  if listening; then
    log "ready: ws://127.0.0.1:$PORT/ws (guest/guest, from localhost)"
    exit 0
  fi
  sleep 0.1
done
log "error: nothing listens on 127.0.0.1:$PORT after 60 s; see $LOG"
exit 1
