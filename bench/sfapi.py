"""A small Snowflake SQL API v2 client for the benchmark scripts (Python standard library only).

Key-pair JWT authentication signs with the `openssl` command, so nothing beyond Debian's
python3 is needed. Used by the seed-style pipeline (bench/seed_pipeline.py) and, as a command,
to run statements and to measure how fast the emulator serves result partitions:

    sfapi.py exec SQL...                       run statements, print their row counts
    sfapi.py drain --table T --key K --batch N [--threads 4]
                                               fetch the key-range statements of T without
                                               decoding them; print the serving rate as JSON

The account, user, key file and URL come from SNOWFLAKE_ACCOUNT, SNOWFLAKE_USER,
SNOWFLAKE_RSA_KEY_FILE and SFEMU_URL (as tools/sfemu/start.sh writes them).
"""

import argparse
import base64
import concurrent.futures
import gzip
import hashlib
import http.client
import json
import os
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid


def _b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Jwt:
    """RS256 key-pair tokens, renewed before they expire (shared by threads)."""

    def __init__(self, account, user, key_file):
        self.account = account.split(".")[0].upper()
        self.user = user.upper()
        self.key_file = key_file
        der = subprocess.run(["openssl", "pkey", "-in", key_file, "-pubout", "-outform", "DER"],
                             check=True, capture_output=True).stdout
        self.fingerprint = "SHA256:" + base64.b64encode(hashlib.sha256(der).digest()).decode()
        self.lock = threading.Lock()
        self.token = None
        self.expires = 0

    def get(self):
        with self.lock:
            now = int(time.time())
            if self.token is None or now > self.expires - 300:
                self.token = self._mint(now)
                self.expires = now + 3600
            return self.token

    def _mint(self, now):
        sub = self.account + "." + self.user
        header = _b64url(json.dumps({"alg": "RS256", "typ": "JWT"}).encode())
        payload = _b64url(json.dumps({"iss": sub + "." + self.fingerprint, "sub": sub,
                                      "iat": now, "exp": now + 3600}).encode())
        signing_input = (header + "." + payload).encode()
        signature = subprocess.run(["openssl", "dgst", "-sha256", "-sign", self.key_file],
                                   input=signing_input, check=True, capture_output=True).stdout
        return header + "." + payload + "." + _b64url(signature)


class Session:
    """One keep-alive HTTP connection to the SQL API; one per thread."""

    def __init__(self, url, jwt, database=None, schema=None):
        parsed = urllib.parse.urlparse(url)
        self.host, self.port = parsed.hostname, parsed.port or 80
        self.jwt = jwt
        self.database, self.schema = database, schema
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=600)

    def _request(self, method, path, body=None, gzip_ok=True):
        headers = {"Authorization": "Bearer " + self.jwt.get(),
                   "X-Snowflake-Authorization-Token-Type": "KEYPAIR_JWT",
                   "Accept": "application/json"}
        if gzip_ok:
            headers["Accept-Encoding"] = "gzip"
        if body is not None:
            headers["Content-Type"] = "application/json"
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        return response.status, response.getheader("Content-Encoding"), data

    def _json(self, method, path, body=None):
        status, encoding, data = self._request(method, path, body)
        if encoding == "gzip":
            data = gzip.decompress(data)
        result = json.loads(data)
        if status not in (200, 202):
            raise RuntimeError("HTTP %d: %s %s" % (status, result.get("code"), result.get("message")))
        return status, result

    def execute(self, sql):
        """Runs `sql`; returns the finished result (partition 0 inline)."""
        body = {"statement": sql, "timeout": 3600, "parameters": {"TIMEZONE": "UTC"}}
        if self.database:
            body["database"] = self.database
        if self.schema:
            body["schema"] = self.schema
        path = "/api/v2/statements?requestId=" + str(uuid.uuid4())
        status, result = self._json("POST", path, json.dumps(body))
        while status == 202:
            time.sleep(0.2)
            status, result = self._json("GET", "/api/v2/statements/" + result["statementHandle"])
        return result

    def partition(self, handle, index):
        """Rows of partition `index` (>= 1), decoded."""
        status, result = self._json("GET", "/api/v2/statements/%s?partition=%d" % (handle, index))
        return result["data"]

    def partition_bytes(self, handle, index):
        """Partition `index` as sent (compressed); raises on an error status."""
        status, _, data = self._request("GET", "/api/v2/statements/%s?partition=%d" % (handle, index))
        if status != 200:
            raise RuntimeError("HTTP %d fetching partition %d" % (status, index))
        return data

    def rows(self, sql):
        """(rowType, every row) of a statement."""
        result = self.execute(sql)
        meta = result["resultSetMetaData"]
        rows = list(result.get("data", []))
        for index in range(1, len(meta.get("partitionInfo", []))):
            rows.extend(self.partition(result["statementHandle"], index))
        return meta["rowType"], rows


def from_environment(database=None, schema=None):
    jwt = Jwt(os.environ["SNOWFLAKE_ACCOUNT"], os.environ["SNOWFLAKE_USER"],
              os.environ["SNOWFLAKE_RSA_KEY_FILE"])
    url = os.environ["SFEMU_URL"]
    return jwt, lambda: Session(url, jwt, database, schema)


def key_ranges(session, table, key, batch):
    """Statements reading `table` in key ranges of `batch` keys, in key order."""
    _, rows = session.rows("SELECT MIN(%s), MAX(%s) FROM %s" % (key, key, table))
    low, high = int(rows[0][0]), int(rows[0][1])
    return ["SELECT * FROM %s WHERE %s >= %d AND %s < %d ORDER BY %s" % (table, key, start, key,
                                                                         start + batch, key)
            for start in range(low, high + 1, batch)]


def drain(args):
    _, new_session = from_environment()
    statements = key_ranges(new_session(), args.table, args.key, args.batch)
    local = threading.local()

    def fetch(sql):
        if not hasattr(local, "session"):
            local.session = new_session()
        s = local.session
        result = s.execute(sql)
        info = result["resultSetMetaData"].get("partitionInfo", [])
        sent = 0
        for index in range(1, len(info)):
            sent += len(s.partition_bytes(result["statementHandle"], index))
        rows = sum(p.get("rowCount", 0) for p in info)
        json_bytes = sum(p.get("uncompressedSize", 0) for p in info)
        return rows, json_bytes, sent

    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(args.threads) as pool:
        totals = list(pool.map(fetch, statements))
    seconds = time.monotonic() - started
    rows = sum(t[0] for t in totals)
    print(json.dumps({"rows": rows, "json_bytes": sum(t[1] for t in totals),
                      "sent_bytes": sum(t[2] for t in totals), "seconds": seconds,
                      "statements": len(statements)}))


def execute(args):
    _, new_session = from_environment()
    session = new_session()
    for sql in args.sql:
        result = session.execute(sql)
        stats = result.get("stats", {})
        print(json.dumps({"statement": sql[:80], "stats": stats}))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    e = sub.add_parser("exec")
    e.add_argument("sql", nargs="+")
    d = sub.add_parser("drain")
    d.add_argument("--table", required=True)
    d.add_argument("--key", required=True)
    d.add_argument("--batch", type=int, default=50000)
    d.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    {"exec": execute, "drain": drain}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
