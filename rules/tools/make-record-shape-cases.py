#!/usr/bin/env python3
"""Writes rules/tests/record-shapes.yaml: rule cases for the record as US Core servers and the large EHRs send it
(medications by reference, dispenses, administrations, pregnancy status, the PHQ-9 panel with components, a bent
resource). Each shape has a firing case and a near miss. Run from the repository root:
python3 rules/tools/make-record-shape-cases.py"""
import case_file

RX = 'http://www.nlm.nih.gov/research/umls/rxnorm'; LOINC = 'http://loinc.org'; SCT = 'http://snomed.info/sct'; ICD = 'http://hl7.org/fhir/sid/icd-10-cm'

patient = {"resourceType": "Patient", "id": "p1", "gender": "female", "birthDate": "1980-04-12"}
mdd = {"resourceType": "Condition", "id": "mdd", "clinicalStatus": {"coding": [{"code": "active"}]}, "verificationStatus": {"coding": [{"code": "confirmed"}]},
       "code": {"coding": [{"system": ICD, "code": "F33.2"}]}, "onsetDateTime": "2024-06-01"}
phq = {"resourceType": "Observation", "id": "phq", "status": "final", "code": {"coding": [{"system": LOINC, "code": "44261-6"}]}, "effectiveDateTime": "2026-11-20",
       "valueQuantity": {"value": 18, "unit": "{score}", "system": "http://unitsofmeasure.org", "code": "{score}"}}
wt = {"resourceType": "Observation", "id": "wt", "status": "final", "code": {"coding": [{"system": LOINC, "code": "29463-7"}]}, "effectiveDateTime": "2026-11-20",
      "valueQuantity": {"value": 70, "unit": "kg", "system": "http://unitsofmeasure.org", "code": "kg"}}

def bp(id="bp", when="2026-11-25", s=128, d=82):
    return {"resourceType": "Observation", "id": id, "status": "final", "code": {"coding": [{"system": LOINC, "code": "85354-9"}]}, "effectiveDateTime": when,
            "component": [{"code": {"coding": [{"system": LOINC, "code": "8480-6"}]}, "valueQuantity": {"value": s, "unit": "mmHg", "code": "mm[Hg]"}},
                          {"code": {"coding": [{"system": LOINC, "code": "8462-4"}]}, "valueQuantity": {"value": d, "unit": "mmHg", "code": "mm[Hg]"}}]}

def trial(id, authored, med):
    r = {"resourceType": "MedicationRequest", "id": id, "status": "completed", "intent": "order", "authoredOn": authored,
         "dosageInstruction": [{"timing": {"repeat": {"frequency": 1, "period": 1, "periodUnit": "d"}}, "doseAndRate": [{"doseQuantity": {"value": 1, "unit": "tablet"}}]}],
         "dispenseRequest": {"expectedSupplyDuration": {"value": 90, "unit": "days", "code": "d"}}}
    r.update(med); return r

sertraline = {"medicationCodeableConcept": {"coding": [{"system": RX, "code": "312941", "display": "sertraline 100 MG Oral Tablet"}]}}
escitalopram = {"medicationCodeableConcept": {"coding": [{"system": RX, "code": "351250", "display": "escitalopram 20 MG Oral Tablet"}]}}
base = [patient, mdd, phq, wt, bp(), trial("t1", "2025-01-10", sertraline), trial("t2", "2025-06-01", escitalopram)]

def ket(dose=35, med=None):
    r = {"resourceType": "MedicationRequest", "id": "ket1", "status": "draft", "intent": "order", "subject": {"reference": "Patient/p1"},
         "dosageInstruction": [{"timing": {"repeat": {"duration": 40, "durationUnit": "min"}}, "doseAndRate": [{"doseQuantity": {"value": dose, "unit": "mg", "code": "mg"}}]}]}
    r.update(med or {"medicationCodeableConcept": {"coding": [{"system": RX, "code": "6130", "display": "ketamine"}]}}); return r

ketMed = {"resourceType": "Medication", "id": "ket50", "code": {"coding": [{"system": RX, "code": "6130", "display": "ketamine"}], "text": "ketamine 50 MG/ML Injectable Solution"}}
def medication(id, code, display): return {"resourceType": "Medication", "id": id, "code": {"coding": [{"system": RX, "code": code, "display": display}]}}
def request(id, med, status="active", authored="2026-11-01"):
    r = {"resourceType": "MedicationRequest", "id": id, "status": status, "intent": "order", "subject": {"reference": "Patient/p1"}, "authoredOn": authored}; r.update(med); return r

def dispense(id, med, handed, days=30):
    r = {"resourceType": "MedicationDispense", "id": id, "status": "completed", "subject": {"reference": "Patient/p1"}, "whenHandedOver": handed,
         "quantity": {"value": 30, "unit": "tablet"}}
    if days is not None:
        r["daysSupply"] = {"value": days, "unit": "days", "system": "http://unitsofmeasure.org", "code": "d"}
    r.update(med); return r

def admin(id, med, when):
    r = {"resourceType": "MedicationAdministration", "id": id, "status": "completed", "subject": {"reference": "Patient/p1"}, "effectiveDateTime": when}; r.update(med); return r

def status(id, code, display, when="2026-11-20"):
    return {"resourceType": "Observation", "id": id, "status": "final",
            "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "social-history"}]}],
            "code": {"coding": [{"system": LOINC, "code": "82810-3", "display": "Pregnancy status"}]}, "effectiveDateTime": when,
            "valueCodeableConcept": {"coding": [{"system": code[0], "code": code[1], "display": display}], "text": display}}

def panel(id, total=None, item9=None):
    comps = []
    if total is not None:
        comps.append({"code": {"coding": [{"system": LOINC, "code": "44261-6", "display": "PHQ-9 total score"}]}, "valueQuantity": {"value": total, "unit": "{score}", "code": "{score}"}})
    if item9 is not None:
        comps.append({"code": {"coding": [{"system": LOINC, "code": "44260-8"}]}, "valueCodeableConcept": {"coding": [{"system": LOINC, "code": item9[0], "display": item9[1]}]}})
    return {"resourceType": "Observation", "id": id, "status": "final", "code": {"coding": [{"system": LOINC, "code": "44249-1", "display": "PHQ-9 quick depression assessment panel"}]},
            "effectiveDateTime": "2026-11-20", "component": comps}

cases = []
def case(name, resources, drafts, expect=(), none=()): cases.append((name, resources, drafts, expect, none))
def ref(r, display=None): return {"medicationReference": ({"reference": r} if display is None else {"reference": r, "display": display})}

# 1. Medications by reference (US Core: medicationReference, _include=MedicationRequest:medication).
case("ketamine draft by reference to a Medication in the prefetch, 84 mg for 70 kg: critical dose", base + [ketMed], [ket(84, ref("Medication/ket50"))], [("KET-36-CRIT", "critical")])
case("ketamine draft by reference to a Medication in the draft bundle, 84 mg for 70 kg: critical dose", base, [ket(84, ref("Medication/ket50")), ketMed], [("KET-36-CRIT", "critical")])
case("ketamine draft by reference to a Medication in the prefetch, 35 mg for 70 kg: no dose card (near miss)", base + [ketMed], [ket(35, ref("Medication/ket50"))], [], ["KET-36-CRIT", "KET-36-WARN"])
case("ketamine draft by a dangling reference whose display names ketamine, 84 mg: critical dose", base, [ket(84, ref("Medication/elsewhere", "Ketamine HCl 50 mg/mL injection"))], [("KET-36-CRIT", "critical")])
case("lorazepam order by reference to a Medication: benzodiazepine warning", base + [medication("lzp", "6470", "lorazepam"), request("lz1", ref("Medication/lzp"))], [ket()], [("KET-29", "warning")])
case("sertraline order by reference to a Medication: no benzodiazepine warning (near miss)", base + [medication("srt", "36437", "sertraline"), request("sr1", ref("Medication/srt"))], [ket()], [], ["KET-29"])
refTrials = [patient, mdd, phq, wt, bp(), medication("m-sert", "312941", "sertraline 100 MG Oral Tablet"), medication("m-esc", "351250", "escitalopram 20 MG Oral Tablet"),
             trial("t1", "2025-01-10", ref("Medication/m-sert")), trial("t2", "2025-06-01", ref("Medication/m-esc"))]
case("two adequate trials written by reference: TRD shown, no 'criteria not demonstrated' warning", refTrials, [ket()], [], ["KET-04"])
case("one adequate trial written by reference: 'TRD criteria not demonstrated' (near miss)", refTrials[:-1], [ket()], [("KET-04", "warning")])

# 2. Dispenses and administrations count as taking a drug.
phenelzine = {"medicationCodeableConcept": {"coding": [{"system": RX, "code": "8123", "display": "phenelzine"}]}}
lorazepam = {"medicationCodeableConcept": {"coding": [{"system": RX, "code": "6470", "display": "lorazepam"}]}}
esketamine = {"medicationCodeableConcept": {"coding": [{"system": RX, "code": "2201625", "display": "esketamine 28 MG Nasal Spray"}]}}
case("MAOI known only from a pharmacy dispense inside its days' supply: MAOI warning", base + [dispense("d-mao", phenelzine, "2026-11-10")], [ket()], [("KET-32", "warning")])
case("MAOI dispense long past its days' supply: silent (near miss)", base + [dispense("d-mao", phenelzine, "2026-08-01")], [ket()], [], ["KET-32"])
case("benzodiazepine known only from a pharmacy dispense: benzodiazepine warning", base + [dispense("d-lz", lorazepam, "2026-11-15")], [ket()], [("KET-29", "warning")])
case("benzodiazepine dispense without days' supply, within the pack's 30-day default: warning", base + [dispense("d-lz", lorazepam, "2026-11-05", days=None)], [ket()], [("KET-29", "warning")])
case("benzodiazepine dispense without days' supply, past the 30-day default: silent (near miss)", base + [dispense("d-lz", lorazepam, "2026-09-01", days=None)], [ket()], [], ["KET-29"])
case("esketamine given in clinic last week: duplicate NMDA therapy warning", base + [admin("a-esk", esketamine, "2026-11-19T10:00:00Z")], [ket()], [("KET-35", "warning")])
case("esketamine given two months ago: silent (near miss)", base + [admin("a-esk", esketamine, "2026-09-20T10:00:00Z")], [ket()], [], ["KET-35"])

# 3. Pregnancy status (US Core Observation Pregnancy Status, category social-history).
case("pregnancy status Pregnant (US Core 82810-3): critical", base + [status("ps", (SCT, "77386006"), "Pregnant")], [ket()], [("KET-16", "critical")])
case("pregnancy status Not pregnant: silent (near miss)", base + [status("ps", (SCT, "60001007"), "Not pregnant")], [ket()], [], ["KET-16"])
case("pregnancy status Unknown (v3 UNK): silent", base + [status("ps", ("http://terminology.hl7.org/CodeSystem/v3-NullFlavor", "UNK"), "Unknown")], [ket()], [], ["KET-16"])
case("pregnancy status Pregnant, then Not pregnant a week later: silent", base + [status("ps1", (SCT, "77386006"), "Pregnant", "2026-11-01"), status("ps2", (SCT, "60001007"), "Not pregnant", "2026-11-08")], [ket()], [], ["KET-16"])

# 4. The PHQ-9 as its panel with the items as components.
noPhq = [r for r in base if r["id"] != "phq"]
case("PHQ-9 panel 44249-1 carrying the total as a component: baseline severity present", noPhq + [panel("phq-panel", total=18)], [ket()], [], ["KET-06-MISSING"])
case("no PHQ-9 at all: baseline severity missing (near miss)", noPhq, [ket()], [("KET-06-MISSING", "info")])
case("PHQ-9 panel carrying item 9 'More than half the days' as a component: suicide risk critical", noPhq + [panel("phq-panel", total=18, item9=("LA6570-1", "More than half the days"))], [ket()], [("KET-07-CRIT", "critical")])
case("PHQ-9 panel carrying item 9 'Not at all': no suicide-risk card (near miss)", noPhq + [panel("phq-panel", total=18, item9=("LA6568-5", "Not at all"))], [ket()], [], ["KET-07-CRIT"])

# 5. One bent resource costs only itself.
bentBp = bp(); bentBp["effectiveDateTime"] = "yesterday"
case("the only blood pressure has a date that is not a date: set aside, the BP checks incomplete, the rest advised",
     [r for r in base if r["id"] != "bp"] + [bentBp, status("ps", (SCT, "77386006"), "Pregnant")], [ket()], [("KET-13-CRIT", None, True), ("KET-16", "critical")])
bentHr = {"resourceType": "Observation", "id": "hr", "status": "final", "code": {"coding": [{"system": LOINC, "code": "8867-4", "display": "Heart rate"}]},
          "effectiveDateTime": "yesterday", "valueQuantity": {"value": 70, "unit": "/min"}}
case("a heart rate no rule reads has a bent date: nothing incomplete (near miss)", base + [bentHr], [ket()], [], ["KET-13-CRIT", "KET-13-MISSING"])

# 7. Dose shapes by meaning (issue 38). R4 doseAndRate entries carry a type and may repeat: Epic's R4 orders list an
#    admin-amount in mL before the calculated dose in mg (dose-rate-type codes), so the mass entry is the dose. The
#    dosage-level doseQuantity of STU3, which Epic's CDS Hooks documentation still sends on R4 orders, is read as R4's.
EPIC_DOSE_TYPE = "http://epic.com/CodeSystem/dose-rate-type"
def typed(kind, value, unit):
    return {"type": {"coding": [{"system": EPIC_DOSE_TYPE, "code": kind}]}, "doseQuantity": {"value": value, "unit": unit, "system": "http://unitsofmeasure.org", "code": unit}}
def ket_typed(entries):
    r = ket(); r["dosageInstruction"][0]["doseAndRate"] = entries; return r
def ket_dosage_level(dose):
    r = ket(); del r["dosageInstruction"][0]["doseAndRate"]; r["dosageInstruction"][0]["doseQuantity"] = {"value": dose, "unit": "mg", "system": "http://unitsofmeasure.org", "code": "mg"}; return r
case("typed doses, admin-amount 8.4 mL first and calculated 84 mg second, 70 kg: critical dose (1.2 mg/kg)", base,
     [ket_typed([typed("admin-amount", 8.4, "mL"), typed("calculated", 84, "mg"), typed("ordered", 84, "mg")])], [("KET-36-CRIT", "critical")])
case("typed doses, admin-amount 3.5 mL first and calculated 35 mg second: no dose card (near miss)", base,
     [ket_typed([typed("admin-amount", 3.5, "mL"), typed("calculated", 35, "mg")])], [], ["KET-36-CRIT", "KET-36-WARN"])
case("dose written at the dosage level (STU3 shape), 84 mg for 70 kg: critical dose", base, [ket_dosage_level(84)], [("KET-36-CRIT", "critical")])
case("dose written at the dosage level, 35 mg for 70 kg: no dose card (near miss)", base, [ket_dosage_level(35)], [], ["KET-36-CRIT", "KET-36-WARN"])
def trial_dosage_level(id, authored, med):
    r = trial(id, authored, med); d = r["dosageInstruction"][0]; d["doseQuantity"] = d.pop("doseAndRate")[0]["doseQuantity"]; return r
levelTrials = [patient, mdd, phq, wt, bp(), trial_dosage_level("t1", "2025-01-10", sertraline), trial_dosage_level("t2", "2025-06-01", escitalopram)]
case("two adequate trials with the dose at the dosage level: TRD shown, no 'criteria not demonstrated' warning", levelTrials, [ket()], [], ["KET-04"])
case("one adequate trial with the dose at the dosage level: 'TRD criteria not demonstrated' (near miss)", levelTrials[:-1], [ket()], [("KET-04", "warning")])

# 6. A birth date of year or month precision is a range of ages: a possible minor is never read as an adult.
def born(date): return [dict(patient, birthDate=date)] + [r for r in base if r["id"] != "p1"]
case("born '2008' (17 or 18 on 2026-11-26): the under-18 check is incomplete", born("2008"), [ket()], [("KET-01", None, True)])
case("born '2008-12' (17 whatever the day): under 18, critical", born("2008-12"), [ket()], [("KET-01", "critical")])
case("born '2000' (26 whatever the day): adult, no under-18 card (near miss)", born("2000"), [ket()], [], ["KET-01"])

case_file.write('rules/tests/record-shapes.yaml',
    ["Record shapes as US Core servers and the large EHRs send them: medications by reference, pharmacy dispenses and",
     "administrations, the pregnancy status observation, the PHQ-9 panel with components, a bent resource that is set",
     "aside while the rest of the record is advised on, a birth date of year precision. Each shape fires once and has a near miss.",
     "Generated by rules/tools/make-record-shape-cases.py: edit that and run it from the repository root."],
    [dict(name=name, now="2026-11-26T10:00:00Z", hook="order-sign", resources=resources, drafts=drafts, expect=expect, none=none)
     for name, resources, drafts, expect, none in cases])
