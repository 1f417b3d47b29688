#!/usr/bin/env python3
"""Builds realistic order-sign requests for load tests: a Synthea patient's whole record (third-party data in
tests/third-party/fhir-patients) grouped into our prefetch keys, plus a draft ketamine order.
Usage: python3 deploy/loadtest/make-requests.py [out-folder]   (from the repository root)"""
import json, pathlib, sys, uuid

SHARED = pathlib.Path('tests/third-party/fhir-patients/synthea-smart-r4')
OUT = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else 'deploy/loadtest/requests')
OUT.mkdir(parents=True, exist_ok=True)
KEYS = {'Patient': 'patient', 'Condition': 'conditions', 'Observation': 'observations', 'MedicationRequest': 'medicationRequests',
        'AllergyIntolerance': 'allergies', 'MedicationStatement': 'medicationStatements', 'MedicationAdministration': 'medicationAdministrations',
        'MedicationDispense': 'medicationDispenses'}

def request(bundle_file, hook='order-sign'):
    resources = [e['resource'] for e in json.loads((SHARED / bundle_file).read_text())['entry']]
    patient = next(r for r in resources if r['resourceType'] == 'Patient')
    prefetch = {k: {'resourceType': 'Bundle', 'type': 'searchset', 'entry': []} for k in KEYS.values() if k != 'patient'}
    prefetch['patient'] = patient
    count = 1
    for r in resources:
        key = KEYS.get(r['resourceType'])
        if key and key != 'patient':
            prefetch[key]['entry'].append({'resource': r})
            count += 1
    order = {'resourceType': 'MedicationRequest', 'id': 'ket-load', 'status': 'draft', 'intent': 'order',
             'subject': {'reference': f"Patient/{patient['id']}"},
             'medicationCodeableConcept': {'coding': [{'system': 'http://www.nlm.nih.gov/research/umls/rxnorm', 'code': '6130', 'display': 'ketamine'}]},
             'dosageInstruction': [{'timing': {'repeat': {'duration': 40, 'durationUnit': 'min'}},
                                    'doseAndRate': [{'doseQuantity': {'value': 35, 'unit': 'mg', 'system': 'http://unitsofmeasure.org', 'code': 'mg'}}]}]}
    context = {'userId': 'Practitioner/load-1', 'patientId': patient['id'], 'draftOrders': {'resourceType': 'Bundle', 'type': 'collection', 'entry': [{'resource': order}]}}
    if hook == 'order-select':
        context['selections'] = ['MedicationRequest/ket-load']
    return {'hook': hook, 'hookInstance': str(uuid.uuid4()), 'context': context, 'prefetch': prefetch}, count

for name, file in [('order-sign-synthea-small', 'Clemente_Kreiger_1484a42d-0eaf-4654-9cbf-6b050a5cd73b.json'),
                   ('order-sign-synthea-medium', 'Sherman_McGlynn_8ef2ef98-48c5-427e-80d4-5e8f30ac8bf5.json'),
                   ('order-sign-synthea-large', 'Darron_Feeney_ff447d4a-3e5c-4e90-9854-a66a1d0bdfac.json')]:
    body, count = request(file)
    path = OUT / f'{name}.json'
    path.write_text(json.dumps(body))
    print(f'{path}: {count} resources in prefetch, {path.stat().st_size // 1024} KB')
