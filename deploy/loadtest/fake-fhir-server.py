#!/usr/bin/env python3
"""A stand-in EHR FHIR server for latency measurements: serves the prefetch data of an example request, key by key,
every answer delayed. Loopback only.
Usage: fake-fhir-server.py EXAMPLE.json PORT DELAY
  DELAY is milliseconds (every answer takes that long), or lognormal:MEDIAN_MS:SIGMA (each answer's delay drawn from a
  lognormal distribution, as production FHIR APIs' latencies are: lognormal:120:1 gives a median of 120 ms, p95 about
  620 ms and p99 about 1.2 s), with a fixed seed so runs are comparable."""
import http.server, json, math, random, sys, threading, time, urllib.parse

example, port, spec = sys.argv[1], int(sys.argv[2]), sys.argv[3]
if spec.startswith('lognormal:'):
    _, median, sigma = spec.split(':')
    rng = random.Random(20261130)
    rng_lock = threading.Lock()
    def delay():
        with rng_lock:
            return rng.lognormvariate(math.log(float(median) / 1000), float(sigma))
else:
    def delay():
        return int(spec) / 1000
prefetch = json.load(open(example))['prefetch']
PATHS = {'Patient': 'patient', 'Condition': 'conditions', 'Observation': 'observations', 'MedicationRequest': 'medicationRequests',
         'AllergyIntolerance': 'allergies', 'MedicationStatement': 'medicationStatements',
         'MedicationAdministration': 'medicationAdministrations', 'MedicationDispense': 'medicationDispenses'}
EMPTY = {'resourceType': 'Bundle', 'type': 'searchset', 'entry': []}
count = 0
lock = threading.Lock()

class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        global count
        with lock:
            count += 1
        time.sleep(delay())
        kind = urllib.parse.urlparse(self.path).path.strip('/').split('/')[0]
        body = json.dumps(prefetch.get(PATHS.get(kind, ''), None) or EMPTY).encode()
        self.send_response(200)
        self.send_header('Content-Type', 'application/fhir+json')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up on this copy (a hedge answered first, or its deadline passed)

    def log_message(self, *args):
        pass

    def do_POST(self):  # /_count: how many queries were served so far
        self.send_response(200)
        self.end_headers()
        self.wfile.write(str(count).encode())

class Server(http.server.ThreadingHTTPServer):
    request_queue_size = 128  # the default of 5 drops simultaneous connects, which then wait a full SYN retry (1 s)

Server(('127.0.0.1', port), Handler).serve_forever()
