#!/usr/bin/env python3
"""A loopback HTTP proxy in front of moto that makes it answer like Route 53 where vanityns's paths need it.

- A new zone's SOA comes back as Route 53 writes it: moto wraps the value as {'Value': '...'} (see ROUTE53.md).
- With DELAY > 0 the answer to ChangeResourceRecordSets is held DELAY seconds while the change itself lands at once:
  a lost response, for crash-and-resume tests.
Everything else is forwarded unchanged (no header is invented: Route 53 POSTs carry no Content-Type).

Usage: route53-proxy.py PORT UPSTREAM_URL [DELAY]
"""
import http.client, http.server, re, sys, time, urllib.parse
up, delay = urllib.parse.urlsplit(sys.argv[2]), float(sys.argv[3]) if len(sys.argv) > 3 else 0.0
q = rb"(?:'|&#x27;|&#39;|&apos;)"
wrapped = re.compile(rb"\{" + q + rb"Value" + q + rb": " + q + rb"(.*?)" + q + rb"\}")
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    def _go(self):
        n = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(n) if n else None
        c = http.client.HTTPConnection(up.hostname, up.port)
        c.request(self.command, self.path, body=body,
                  headers={k: v for k, v in self.headers.items() if k.lower() not in ('host', 'connection')})
        r = c.getresponse(); status, data, hdrs = r.status, r.read(), r.getheaders()
        if '/rrset' in self.path:
            data = wrapped.sub(rb"\1", data)
            if self.command == 'POST' and delay > 0:
                time.sleep(delay)
        self.send_response(status)
        for k, v in hdrs:
            if k.lower() not in ('content-length', 'connection', 'transfer-encoding', 'server', 'date'):
                self.send_header(k, v)
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)
    do_GET = do_POST = do_DELETE = _go
    def log_message(self, *a): pass
http.server.ThreadingHTTPServer(('127.0.0.1', int(sys.argv[1])), H).serve_forever()
