#!/usr/bin/env python3
"""The emulator's memory under abuse, measured from outside (Linux /proc):

  cargo build --release -p agentrun-emulator
  python3 crates/agentrun-emulator/measure/memory.py target/release/agentrun-emulator

Starts the binary, reports its resident memory at rest, after AGENTS agents started with a
PROMPT_KIB prompt each, and with CONNECTIONS idle connections that sent half a request's headers
(then again 11 s later, past the default --header-read-timeout). Not a test: the numbers depend on the
machine; compare two builds in the same run.
"""
import http.client
import json
import os
import socket
import subprocess
import sys
import time

AGENTS = int(os.environ.get("AGENTS", "10000"))
PROMPT_KIB = int(os.environ.get("PROMPT_KIB", "128"))
CONNECTIONS = int(os.environ.get("CONNECTIONS", "1000"))


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main():
    binary = sys.argv[1]
    extra = sys.argv[2:]
    emulator = subprocess.Popen(
        [binary, "--addr", "127.0.0.1:0", "--max-concurrent-agents", "0", *extra],
        stdout=subprocess.PIPE, text=True)
    line = emulator.stdout.readline().strip()
    host, port = line.rsplit("/", 1)[-1].split(":")
    port = int(port)
    print(f"at rest: {rss_mib(emulator.pid):.0f} MiB")

    body = json.dumps({"appId": "demo-app", "model": "buildprint-gpt-5.6-sol",
                       "prompt": "Fix it. " + "x" * (PROMPT_KIB * 1024)})
    connection = http.client.HTTPConnection(host, port)
    started = time.time()
    for _ in range(AGENTS):
        connection.request("POST", "/api/public/v1/agents", body,
                           {"Authorization": "Bearer bp_emulator",
                            "Content-Type": "application/json"})
        answer = connection.getresponse()
        answer.read()
        if answer.status != 202:
            sys.exit(f"start answered {answer.status}")
    print(f"after {AGENTS} agents with {PROMPT_KIB} KiB prompts "
          f"({time.time() - started:.0f} s): {rss_mib(emulator.pid):.0f} MiB")

    sockets = []
    for _ in range(CONNECTIONS):
        s = socket.create_connection((host, port))
        s.sendall(b"GET /api/public/v1/tests HTTP/1.1\r\nHost: x\r\n")
        sockets.append(s)
    time.sleep(1)
    print(f"with {CONNECTIONS} half-open connections: {rss_mib(emulator.pid):.0f} MiB")
    time.sleep(11)  # past the default --header-read-timeout of 10 s
    closed = 0
    for s in sockets:
        s.settimeout(0.01)
        try:
            if s.recv(1) == b"":
                closed += 1
        except OSError:
            pass
    print(f"after the header timeout: {closed} of {CONNECTIONS} closed by the emulator, "
          f"{rss_mib(emulator.pid):.0f} MiB")
    emulator.terminate()


if __name__ == "__main__":
    main()
