#!/usr/bin/env python3
"""Crash safety, shown (issue 29): kills the server with SIGKILL at random moments while clients
log incidents, send pings and upload evidence; restarts it; checks that every write it
acknowledged is there, and at the end that `qorgau audit verify` passes.

    scripts/crash_harness.py --binary .build/release/qorgau --runs 100 [--postgres URL] [--seed N]

Uses the demo's Karaganda case (a bracelet, an officer of its unit, a gateway). Prints one line a
run and the totals: kills, acknowledged writes by kind, lost (must be 0). Standard library only.
"""
import argparse
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from datetime import datetime, timedelta, timezone

PASSWORD = "qorgau-demo-2025"
CASE = "KRG-2026-0015"
DEVICE = "bracelet-kar-15"
ALMATY = timezone(timedelta(hours=5))


def request(base, method, path, token=None, body=None, content_type="application/json", timeout=10):
    data = None
    headers = {}
    if body is not None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        headers["Content-Type"] = content_type
    if token:
        headers["Authorization"] = "Bearer " + token
    req = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    with urllib.request.urlopen(req, timeout=timeout) as response:
        raw = response.read()
        return response.status, (json.loads(raw) if raw and response.headers.get_content_type().endswith("json") else raw)


class Server:
    def __init__(self, binary, data, port, env):
        self.binary, self.data, self.port, self.env = binary, data, port, env
        self.base = f"http://127.0.0.1:{port}"
        self.process = None

    def start(self):
        self.process = subprocess.Popen([self.binary, "serve", "--port", str(self.port), "--data", self.data],
                                        env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                status, body = request(self.base, "GET", "/health/ready", timeout=2)
                if status == 200:
                    return
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            time.sleep(0.1)
        raise RuntimeError("the server did not become ready")

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)


class Clients:
    """Writers that record only what the server acknowledged."""

    def __init__(self, base, officer, gateway, case_id, incident_for_evidence):
        self.base, self.officer, self.gateway, self.case_id = base, officer, gateway, case_id
        self.incident_for_evidence = incident_for_evidence
        self.incidents, self.pings, self.uploads = [], [], []
        self.stop = threading.Event()
        self.lock = threading.Lock()

    def log_incidents(self):
        while not self.stop.is_set():
            marker = str(uuid.uuid4())
            body = {"occurredAt": datetime.now(ALMATY).replace(microsecond=0).isoformat(), "kind": "contact",
                    "channel": "phoneCall", "description": "crash harness " + marker, "againstWill": True,
                    "violence": False, "reportedBy": "officer", "impact": ["fear"]}
            try:
                status, answer = request(self.base, "POST", f"/api/v1/cases/{self.case_id}/incidents", self.officer, body)
                if status == 201:
                    with self.lock:
                        self.incidents.append(answer["id"])
            except Exception:
                pass

    def send_pings(self):
        while not self.stop.is_set():
            at = datetime.now(ALMATY)
            ping = {"device": DEVICE, "at": at.isoformat(timespec="milliseconds"), "lat": 49.8 + random.random() / 100,
                    "lon": 73.1 + random.random() / 100, "accuracy": 8}
            try:
                status, answer = request(self.base, "POST", "/api/v1/monitoring/pings", self.gateway, {"pings": [ping]})
                if status == 200 and answer.get("accepted") == 1:
                    with self.lock:
                        self.pings.append(int(at.timestamp() * 1000))
            except Exception:
                pass
            time.sleep(0.005)

    def upload(self):
        while not self.stop.is_set():
            content = os.urandom(random.randint(1_000, 200_000))
            boundary = "harness" + uuid.uuid4().hex
            body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"photo.jpg\"\r\n"
                    f"Content-Type: image/jpeg\r\n\r\n").encode() + b"\xff\xd8\xff\xe0" + content + f"\r\n--{boundary}--\r\n".encode()
            try:
                status, answer = request(self.base, "POST",
                                         f"/api/v1/cases/{self.case_id}/incidents/{self.incident_for_evidence}/evidence",
                                         self.officer, body, "multipart/form-data; boundary=" + boundary, timeout=30)
                if status in (200, 201):
                    with self.lock:
                        self.uploads.append(answer["sha256"])
            except Exception:
                pass


def count_pings(args, data, times):
    """How many of the acknowledged pings (by time) are stored."""
    if args.postgres:
        values = ",".join(str(t) for t in times) or "NULL"
        out = subprocess.run(["psql", args.postgres, "-tAc",
                              f"SELECT COUNT(DISTINCT at_ms) FROM pings WHERE device = '{DEVICE}' AND at_ms IN ({values})"],
                             capture_output=True, text=True, check=True).stdout
        return int(out.strip() or 0)
    db = sqlite3.connect(os.path.join(data, "qorgau.sqlite"))
    # on SQLite a ping is first appended to the journal, and moved into the track a run at a time
    stored = set(row[0] for row in db.execute("SELECT at_ms FROM pings WHERE device = ? UNION SELECT at_ms FROM ping_journal WHERE device = ?",
                                              (DEVICE, DEVICE)))
    db.close()
    return sum(1 for t in times if t in stored)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=".build/release/qorgau")
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--postgres", help="a PostgreSQL URL of an empty database (default: SQLite in a new folder)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    random.seed(args.seed)
    binary = os.path.abspath(args.binary)
    folder = tempfile.mkdtemp(prefix="qorgau-crash-")
    data = os.path.join(folder, "data")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["QORGAU_BCRYPT_COST"] = "10"
    if args.postgres:
        env["DATABASE_URL"] = args.postgres
    subprocess.run([binary, "demo", "--data", data], env=env, check=True, stdout=subprocess.DEVNULL)
    port = random.randint(20_000, 30_000)
    server = Server(binary, data, port, env)
    server.start()
    base = server.base
    officer = request(base, "POST", "/api/v1/auth/tokens", body={"username": "officer.karaganda", "password": PASSWORD, "name": "harness"})[1]["token"]
    gateway = request(base, "POST", "/api/v1/auth/tokens", body={"username": "gateway.demo", "password": PASSWORD, "name": "harness"})[1]["token"]
    cases = request(base, "GET", "/api/v1/cases?limit=100", officer)[1]["items"]
    case_id = next(c["id"] for c in cases if c.get("number") == CASE)
    incident = request(base, "GET", f"/api/v1/cases/{case_id}/incidents?limit=1", officer)[1]["items"][0]["id"]

    totals = {"kills": 0, "incidents": 0, "pings": 0, "uploads": 0, "lost": 0}
    for run in range(1, args.runs + 1):
        clients = Clients(base, officer, gateway, case_id, incident)
        threads = [threading.Thread(target=t) for t in (clients.log_incidents, clients.log_incidents, clients.send_pings,
                                                         clients.send_pings, clients.upload)]
        for t in threads:
            t.start()
        time.sleep(random.uniform(0.3, 2.5))
        server.kill()
        clients.stop.set()
        for t in threads:
            t.join()
        totals["kills"] += 1
        server.start()
        lost = []
        for incident_id in clients.incidents:
            try:
                request(base, "GET", f"/api/v1/cases/{case_id}/incidents/{incident_id}", officer)
            except urllib.error.HTTPError:
                lost.append("incident " + incident_id)
        stored = count_pings(args, data, clients.pings)
        if stored != len(clients.pings):
            lost.append(f"{len(clients.pings) - stored} ping(s)")
        listed = request(base, "GET", f"/api/v1/cases/{case_id}/evidence?limit=10000", officer)[1]
        shas = {item["sha256"] for item in (listed.get("items", listed) if isinstance(listed, dict) else listed)}
        lost += ["upload " + sha for sha in clients.uploads if sha not in shas]
        totals["incidents"] += len(clients.incidents)
        totals["pings"] += len(clients.pings)
        totals["uploads"] += len(clients.uploads)
        totals["lost"] += len(lost)
        print(f"run {run}: acknowledged {len(clients.incidents)} incidents, {len(clients.pings)} pings, "
              f"{len(clients.uploads)} uploads; lost {len(lost)}{': ' + ', '.join(lost[:5]) if lost else ''}", flush=True)
    server.stop()
    verify = subprocess.run([binary, "audit", "verify", "--data", data], env=env, capture_output=True, text=True)
    print(verify.stdout.strip())
    print(json.dumps({**totals, "auditVerify": "intact" if verify.returncode == 0 else "BROKEN",
                      "database": "postgres" if args.postgres else "sqlite"}))
    shutil.rmtree(folder, ignore_errors=True)
    return 0 if totals["lost"] == 0 and verify.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
