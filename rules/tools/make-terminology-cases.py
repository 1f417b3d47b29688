#!/usr/bin/env python3
"""Writes rules/tests/terminology.yaml: issue 29's codes that were outside their sets (SNOMED CT descendants, FY2023
ICD-10-CM codes, intentional hanging) and the rules for conditions that make a BP rise riskier. Each code fires in at
least two encodings, with a near miss. Run from the repository root: python3 rules/tools/make-terminology-cases.py"""
import case_file

RX = 'http://www.nlm.nih.gov/research/umls/rxnorm'; LOINC = 'http://loinc.org'; ICD = 'http://hl7.org/fhir/sid/icd-10-cm'; SCT = 'http://snomed.info/sct'
patient = {"resourceType": "Patient", "id": "p1", "gender": "male", "birthDate": "1960-04-12"}
def condition(id, system, code, display, onset="2026-06-01", status="active"):
    return {"resourceType": "Condition", "id": id, "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": status}]},
            "verificationStatus": {"coding": [{"code": "confirmed"}]}, "code": {"coding": [{"system": system, "code": code, "display": display}]},
            "onsetDateTime": onset, "subject": {"reference": "Patient/p1"}}
mdd = condition("mdd", ICD, "F33.2", "Major depressive disorder, recurrent severe without psychotic features", "2024-06-01")
wt = {"resourceType": "Observation", "id": "wt", "status": "final", "code": {"coding": [{"system": LOINC, "code": "29463-7"}]}, "effectiveDateTime": "2026-11-20",
      "valueQuantity": {"value": 70, "unit": "kg", "system": "http://unitsofmeasure.org", "code": "kg"}}
bp = {"resourceType": "Observation", "id": "bp", "status": "final", "code": {"coding": [{"system": LOINC, "code": "85354-9"}]}, "effectiveDateTime": "2026-11-25",
      "component": [{"code": {"coding": [{"system": LOINC, "code": "8480-6"}]}, "valueQuantity": {"value": 128, "unit": "mmHg", "code": "mm[Hg]"}},
                    {"code": {"coding": [{"system": LOINC, "code": "8462-4"}]}, "valueQuantity": {"value": 82, "unit": "mmHg", "code": "mm[Hg]"}}]}
order = {"resourceType": "MedicationRequest", "id": "ket1", "status": "draft", "intent": "order", "subject": {"reference": "Patient/p1"},
         "medicationCodeableConcept": {"coding": [{"system": RX, "code": "6130", "display": "ketamine"}]},
         "dosageInstruction": [{"timing": {"repeat": {"duration": 40, "durationUnit": "min"}}, "doseAndRate": [{"doseQuantity": {"value": 35, "unit": "mg", "code": "mg"}}]}]}

cases = []
def case(name, extra, expect=(), none=()): cases.append((name, [patient, mdd, wt, bp] + extra, expect, none))

# Suicide attempt in the last 12 months (KET-07-CRIT): SNOMED CT descendants of 82313006 and intentional hanging.
case("suicidal poisoning (SNOMED CT 86849004) in March: critical", [condition("sa", SCT, "86849004", "Suicidal poisoning", "2026-03-02", "resolved")], [("KET-07-CRIT", "critical")])
case("attempted suicide by cutting (SNOMED CT 287185009) in March: critical", [condition("sa", SCT, "287185009", "Attempted suicide by cutting or stabbing", "2026-03-02", "resolved")], [("KET-07-CRIT", "critical")])
case("asphyxiation by hanging, intentional self-harm (T71.162A) in March: critical", [condition("sa", ICD, "T71.162A", "Asphyxiation due to hanging, intentional self-harm, initial encounter", "2026-03-02", "resolved")], [("KET-07-CRIT", "critical")])
case("asphyxiation by hanging, accidental (T71.161A): no suicide-attempt card (near miss)", [condition("sa", ICD, "T71.161A", "Asphyxiation due to hanging, accidental, initial encounter", "2026-03-02", "resolved")], [], ["KET-07-CRIT"])
case("suicidal poisoning (86849004) two years ago: outside the 12 months (near miss)", [condition("sa", SCT, "86849004", "Suicidal poisoning", "2024-03-02", "resolved")], [], ["KET-07-CRIT"])

# Dementia (KET-28): SNOMED CT Alzheimer's disease as Synthea records it, and the FY2023 ICD-10-CM severity codes.
case("Alzheimer's disease (SNOMED CT 26929004, as Synthea records it): dementia warning", [condition("dem", SCT, "26929004", "Alzheimer's disease (disorder)")], [("KET-28", "warning")])
case("familial early-onset Alzheimer's disease (SNOMED CT 230265002): dementia warning", [condition("dem", SCT, "230265002", "Familial Alzheimer's disease of early onset (disorder)")], [("KET-28", "warning")])
case("unspecified dementia, mild, without disturbance (F03.A0, FY2023): dementia warning", [condition("dem", ICD, "F03.A0", "Unspecified dementia, mild, without behavioral disturbance")], [("KET-28", "warning")])
case("amnestic disorder due to a known physiological condition (F04): no dementia card (near miss)", [condition("dem", ICD, "F04", "Amnestic disorder due to known physiological condition")], [], ["KET-28"])
case("Alzheimer's disease resolved (26929004, clinical status resolved): no active dementia (near miss)", [condition("dem", SCT, "26929004", "Alzheimer's disease (disorder)", status="resolved")], [], ["KET-28"])

# Hypertensive encephalopathy, ever (KET-13-ENCEPHALOPATHY).
case("hypertensive encephalopathy (I67.4) two years ago: warning", [condition("he", ICD, "I67.4", "Hypertensive encephalopathy", "2024-05-01", "resolved")], [("KET-13-ENCEPHALOPATHY", "warning")])
case("hypertensive encephalopathy (SNOMED CT 50490005): warning", [condition("he", SCT, "50490005", "Hypertensive encephalopathy", "2024-05-01", "resolved")], [("KET-13-ENCEPHALOPATHY", "warning")])
case("cerebral atherosclerosis (I67.2): no encephalopathy card (near miss)", [condition("he", ICD, "I67.2", "Cerebral atherosclerosis")], [], ["KET-13-ENCEPHALOPATHY"])

# Ischaemic stroke or chronic coronary disease (KET-15-INFO), unless the recent-event critical card fires.
case("ischaemic stroke (I63.9) last year: info", [condition("cv", ICD, "I63.9", "Cerebral infarction, unspecified", "2025-08-01", "resolved")], [("KET-15-INFO", "info")])
case("coronary arteriosclerosis (SNOMED CT 53741008): info", [condition("cv", SCT, "53741008", "Coronary arteriosclerosis")], [("KET-15-INFO", "info")])
case("essential hypertension (I10) alone: no stroke or coronary card (near miss)", [condition("cv", ICD, "I10", "Essential (primary) hypertension")], [], ["KET-15-INFO"])
case("coronary disease and an MI last month: the critical card, not also the info (near miss)", [condition("cv", ICD, "I25.10", "Atherosclerotic heart disease of native coronary artery without angina pectoris"),
     condition("mi", ICD, "I21.4", "Non-ST elevation (NSTEMI) myocardial infarction", "2026-10-20")], [("KET-15-CRIT", "critical")], ["KET-15-INFO"])

case_file.write('rules/tests/terminology.yaml',
    ["Issue 29: codes that were outside their sets (SNOMED CT descendants, FY2023 ICD-10-CM, intentional hanging) and the",
     "conditions that make a BP rise riskier. Each fires in two encodings, with a near miss.",
     "Generated by rules/tools/make-terminology-cases.py: edit that and run it from the repository root."],
    [dict(name=name, now="2026-11-26T10:00:00Z", hook="order-sign", resources=resources, drafts=[order], expect=expect, none=none)
     for name, resources, expect, none in cases])
