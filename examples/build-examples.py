#!/usr/bin/env python3
"""Writes the example CDS Hooks requests in examples/requests/. Synthetic patients, dated around 2026-11-26
(the tests pin the clock there). Run from the repository root: python3 examples/build-examples.py"""
import json, pathlib, uuid
OUT = pathlib.Path('examples/requests')
RX, LOINC, ICD = 'http://www.nlm.nih.gov/research/umls/rxnorm', 'http://loinc.org', 'http://hl7.org/fhir/sid/icd-10-cm'
VS = [{'coding': [{'system': 'http://terminology.hl7.org/CodeSystem/observation-category', 'code': 'vital-signs'}]}]

def searchset(resources): return {'resourceType': 'Bundle', 'type': 'searchset', 'entry': [{'resource': r} for r in resources]}
def condition(id, code, display, onset, system=ICD, status='active'):
    return {'resourceType': 'Condition', 'id': id, 'subject': {'reference': 'Patient/p1'},
            'clinicalStatus': {'coding': [{'system': 'http://terminology.hl7.org/CodeSystem/condition-clinical', 'code': status}]},
            'verificationStatus': {'coding': [{'system': 'http://terminology.hl7.org/CodeSystem/condition-ver-status', 'code': 'confirmed'}]},
            'code': {'coding': [{'system': system, 'code': code, 'display': display}]}, 'onsetDateTime': onset}
def bp(id, sys, dia, when):
    return {'resourceType': 'Observation', 'id': id, 'status': 'final', 'category': VS, 'subject': {'reference': 'Patient/p1'},
            'code': {'coding': [{'system': LOINC, 'code': '85354-9', 'display': 'Blood pressure panel'}]}, 'effectiveDateTime': when,
            'component': [{'code': {'coding': [{'system': LOINC, 'code': '8480-6', 'display': 'Systolic blood pressure'}]}, 'valueQuantity': {'value': sys, 'unit': 'mmHg', 'system': 'http://unitsofmeasure.org', 'code': 'mm[Hg]'}},
                          {'code': {'coding': [{'system': LOINC, 'code': '8462-4', 'display': 'Diastolic blood pressure'}]}, 'valueQuantity': {'value': dia, 'unit': 'mmHg', 'system': 'http://unitsofmeasure.org', 'code': 'mm[Hg]'}}]}
def quantity_obs(id, code, display, value, unit, when, category='vital-signs'):
    return {'resourceType': 'Observation', 'id': id, 'status': 'final', 'subject': {'reference': 'Patient/p1'},
            'category': [{'coding': [{'system': 'http://terminology.hl7.org/CodeSystem/observation-category', 'code': category}]}],
            'code': {'coding': [{'system': LOINC, 'code': code, 'display': display}]}, 'effectiveDateTime': when,
            'valueQuantity': {'value': value, 'unit': unit, 'system': 'http://unitsofmeasure.org', 'code': unit}}
def med(id, code, display, authored, status='completed', days=90, freq=1):
    return {'resourceType': 'MedicationRequest', 'id': id, 'status': status, 'intent': 'order', 'subject': {'reference': 'Patient/p1'},
            'medicationCodeableConcept': {'coding': [{'system': RX, 'code': code, 'display': display}], 'text': display}, 'authoredOn': authored,
            'dosageInstruction': [{'timing': {'repeat': {'frequency': freq, 'period': 1, 'periodUnit': 'd'}}, 'doseAndRate': [{'doseQuantity': {'value': 1, 'unit': 'tablet'}}]}],
            'dispenseRequest': {'expectedSupplyDuration': {'value': days, 'unit': 'days', 'system': 'http://unitsofmeasure.org', 'code': 'd'}}}
def ketamine_order(id='ket1', mg=35):
    return {'resourceType': 'MedicationRequest', 'id': id, 'status': 'draft', 'intent': 'order', 'subject': {'reference': 'Patient/p1'},
            'medicationCodeableConcept': {'coding': [{'system': RX, 'code': '6130', 'display': 'ketamine'}], 'text': 'ketamine IV infusion'},
            'dosageInstruction': [{'route': {'text': 'intravenous'}, 'timing': {'repeat': {'count': 1, 'duration': 40, 'durationUnit': 'min'}},
                                   'doseAndRate': [{'doseQuantity': {'value': mg, 'unit': 'mg', 'system': 'http://unitsofmeasure.org', 'code': 'mg'}}]}]}
def request(hook, draft, prefetch, patient_id='p1'):
    context = {'userId': 'Practitioner/dr-1', 'patientId': patient_id, 'encounterId': 'enc-1'}
    if hook != 'patient-view':
        context['draftOrders'] = {'resourceType': 'Bundle', 'type': 'collection', 'entry': [{'resource': d} for d in draft]}
    if hook == 'order-select':
        context['selections'] = [f"MedicationRequest/{draft[0]['id']}"]
    return {'hook': hook, 'hookInstance': str(uuid.uuid5(uuid.NAMESPACE_URL, f'ketaminecds:{hook}:{json.dumps(prefetch, sort_keys=True)[:200]}')), 'context': context, 'prefetch': prefetch}
def prefetch(patient, conditions, observations, meds, allergies=()):
    return {'patient': patient, 'conditions': searchset(conditions), 'observations': searchset(observations),
            'medicationRequests': searchset(meds), 'allergies': searchset(list(allergies)), 'medicationStatements': None,
            'medicationAdministrations': None, 'medicationDispenses': None, 'procedures': None, 'serviceRequests': None, 'consents': None}

patient = {'resourceType': 'Patient', 'id': 'p1', 'gender': 'male', 'birthDate': '1980-04-12', 'name': [{'family': 'Example', 'given': ['Alex']}]}
mdd = condition('c-mdd', 'F33.2', 'Major depressive disorder, recurrent severe without psychotic features', '2024-06-01')
trials = [med('m-sert', '312941', 'sertraline 100 MG Oral Tablet', '2025-01-10'), med('m-esc', '351250', 'escitalopram 20 MG Oral Tablet', '2025-06-01')]
phq = quantity_obs('o-phq9', '44261-6', 'PHQ-9 total score', 18, '{score}', '2026-11-20', 'survey')
weight = quantity_obs('o-wt', '29463-7', 'Body weight', 70, 'kg', '2026-11-20')
good_bp = bp('o-bp', 128, 82, '2026-11-25')

def write(name, body): (OUT / f'{name}.json').write_text(json.dumps(body, indent=2) + '\n')
write('order-sign-eligible', request('order-sign', [ketamine_order()], prefetch(patient, [mdd], [phq, weight, good_bp], trials)))
write('order-select-eligible', request('order-select', [ketamine_order()], prefetch(patient, [mdd], [phq, weight, good_bp], trials)))
write('order-sign-bp-crisis', request('order-sign', [ketamine_order()], prefetch(patient, [mdd], [phq, weight, bp('o-bp', 186, 112, '2026-11-25')], trials)))
write('order-sign-schizophrenia', request('order-sign', [ketamine_order()], prefetch(patient, [mdd, condition('c-scz', 'F20.9', 'Schizophrenia, unspecified', '2015-03-01', status='inactive')], [phq, weight, good_bp], trials)))
pregnant = dict(patient, gender='female', birthDate='1994-02-02')
write('order-sign-pregnant', request('order-sign', [ketamine_order()], prefetch(pregnant, [mdd, condition('c-preg', 'Z33.1', 'Pregnant state, incidental', '2026-10-01')], [phq, weight, good_bp], trials)))
write('order-sign-overdose', request('order-sign', [ketamine_order(mg=84)], prefetch(patient, [mdd], [phq, weight, good_bp], trials)))
amox = {'resourceType': 'MedicationRequest', 'id': 'amox1', 'status': 'draft', 'intent': 'order', 'subject': {'reference': 'Patient/p1'},
        'medicationCodeableConcept': {'coding': [{'system': RX, 'code': '308182', 'display': 'amoxicillin 250 MG Oral Capsule'}]}}
write('order-select-not-ketamine', request('order-select', [amox], prefetch(patient, [mdd], [phq], trials)))
write('patient-view-candidate', request('patient-view', [], prefetch(patient, [mdd], [phq, weight, good_bp], trials)))
print('examples:', len(list(OUT.glob('*.json'))))
