#!/usr/bin/env python3
"""Writes rules/tests/course-and-history.yaml: rule cases for issue 29's course as sessions (a session charted twice
counts once; the order being signed is today's session; four-weekly maintenance is one course and a lost response
there is a warning), BP surges in the last 7 days, cumulative exposure, and the equivocal hCG. Each behaviour has at
least two encodings and a near miss. Run from the repository root: python3 rules/tools/make-course-cases.py"""
import datetime
import case_file

RX = 'http://www.nlm.nih.gov/research/umls/rxnorm'; LOINC = 'http://loinc.org'; ICD = 'http://hl7.org/fhir/sid/icd-10-cm'
KETAMINE = {"medicationCodeableConcept": {"coding": [{"system": RX, "code": "6130", "display": "ketamine"}]}}
def day(d): return datetime.date.fromisoformat(d)
def shift(d, n): return (day(d) + datetime.timedelta(days=n)).isoformat()

def patient(gender="male", born="1980-04-12"): return {"resourceType": "Patient", "id": "p1", "gender": gender, "birthDate": born}
mdd = {"resourceType": "Condition", "id": "mdd", "clinicalStatus": {"coding": [{"code": "active"}]}, "verificationStatus": {"coding": [{"code": "confirmed"}]},
       "code": {"coding": [{"system": ICD, "code": "F33.2"}]}, "onsetDateTime": "2024-06-01"}
def weight(when): return {"resourceType": "Observation", "id": "wt", "status": "final", "code": {"coding": [{"system": LOINC, "code": "29463-7"}]}, "effectiveDateTime": when,
                          "valueQuantity": {"value": 70, "unit": "kg", "system": "http://unitsofmeasure.org", "code": "kg"}}
def bp(id, when, s, d):
    return {"resourceType": "Observation", "id": id, "status": "final", "code": {"coding": [{"system": LOINC, "code": "85354-9"}]}, "effectiveDateTime": when,
            "component": [{"code": {"coding": [{"system": LOINC, "code": "8480-6"}]}, "valueQuantity": {"value": s, "unit": "mmHg", "code": "mm[Hg]"}},
                          {"code": {"coding": [{"system": LOINC, "code": "8462-4"}]}, "valueQuantity": {"value": d, "unit": "mmHg", "code": "mm[Hg]"}}]}
def systolic(id, when, s):
    return {"resourceType": "Observation", "id": id, "status": "final", "code": {"coding": [{"system": LOINC, "code": "8480-6", "display": "Systolic blood pressure"}]},
            "effectiveDateTime": when, "valueQuantity": {"value": s, "unit": "mmHg", "code": "mm[Hg]"}}
def phq(id, when, value):
    return {"resourceType": "Observation", "id": id, "status": "final", "code": {"coding": [{"system": LOINC, "code": "44261-6"}]}, "effectiveDateTime": when,
            "valueQuantity": {"value": value, "unit": "{score}", "system": "http://unitsofmeasure.org", "code": "{score}"}}
def phq_panel(id, when, value):
    return {"resourceType": "Observation", "id": id, "status": "final", "code": {"coding": [{"system": LOINC, "code": "44249-1", "display": "PHQ-9 quick depression assessment panel"}]},
            "effectiveDateTime": when, "component": [{"code": {"coding": [{"system": LOINC, "code": "44261-6", "display": "PHQ-9 total score"}]},
                                                    "valueQuantity": {"value": value, "unit": "{score}", "code": "{score}"}}]}
def trial(id, authored, code, display):
    return {"resourceType": "MedicationRequest", "id": id, "status": "completed", "intent": "order", "authoredOn": authored,
            "medicationCodeableConcept": {"coding": [{"system": RX, "code": code, "display": display}]},
            "dosageInstruction": [{"timing": {"repeat": {"frequency": 1, "period": 1, "periodUnit": "d"}}, "doseAndRate": [{"doseQuantity": {"value": 1, "unit": "tablet"}}]}],
            "dispenseRequest": {"expectedSupplyDuration": {"value": 90, "unit": "days", "code": "d"}}}
trials = [trial("t1", "2025-01-10", "312941", "sertraline 100 MG Oral Tablet"), trial("t2", "2025-06-01", "351250", "escitalopram 20 MG Oral Tablet")]
def given(id, when):
    r = {"resourceType": "MedicationAdministration", "id": id, "status": "completed", "subject": {"reference": "Patient/p1"}, "effectiveDateTime": when}; r.update(KETAMINE); return r
def given_over(id, start, end):
    r = {"resourceType": "MedicationAdministration", "id": id, "status": "completed", "subject": {"reference": "Patient/p1"}, "effectivePeriod": {"start": start, "end": end}}; r.update(KETAMINE); return r
def sessions(days, twice=None):
    """One administration per day; twice='bag' charts a second one 40 minutes later, twice='rate' a rate change as a period."""
    out = []
    for i, d in enumerate(days):
        out.append(given(f"k{i}", f"{d}T10:00:00Z"))
        if twice == "bag": out.append(given(f"k{i}b", f"{d}T10:40:00Z"))
        if twice == "rate": out.append(given_over(f"k{i}r", f"{d}T10:20:00Z", f"{d}T10:50:00Z"))
    return out
order = {"resourceType": "MedicationRequest", "id": "ket1", "status": "draft", "intent": "order", "subject": {"reference": "Patient/p1"},
         "dosageInstruction": [{"timing": {"repeat": {"duration": 40, "durationUnit": "min"}}, "doseAndRate": [{"doseQuantity": {"value": 35, "unit": "mg", "code": "mg"}}]}]}
order.update(KETAMINE)
def hcg(id, when, value, unit, code="21198-7"):
    return {"resourceType": "Observation", "id": id, "status": "final", "code": {"coding": [{"system": LOINC, "code": code}]}, "effectiveDateTime": when,
            "valueQuantity": {"value": value, "unit": unit, "system": "http://unitsofmeasure.org", "code": unit}}

cases = []
def case(name, now, resources, expect=(), none=(), hook="order-sign"):
    base = [patient(), mdd, weight(shift(now, -6)), *trials]
    if not any(r.get("code", {}).get("coding", [{}])[0].get("code") in ("85354-9", "8480-6") for r in resources):
        base.append(bp("bp", shift(now, -1), 128, 82))
    cases.append((name, now, hook, base + resources, expect, none))

NOW = "2026-11-26"
# 1. A session charted twice is one session: four days of infusions, PHQ-9 18 -> 16. Counted as administrations these
#    were eight, past the induction of six: a false "no response". As sessions: too early to judge.
four_days = ["2026-11-10", "2026-11-12", "2026-11-14", "2026-11-17"]
scores = [phq("b", "2026-11-05", 18), phq("f", "2026-11-24", 16)]
case("4 sessions each charted twice (a new bag): 4 sessions, no 'no response' card", NOW, sessions(four_days, "bag") + scores, none=["KET-39-NO-RESPONSE", "KET-39-RESPONSE"])
case("4 sessions each with a rate change charted as a second administration: 4 sessions, no 'no response' card", NOW, sessions(four_days, "rate") + scores, none=["KET-39-NO-RESPONSE"])
six_days = ["2026-11-08", "2026-11-10", "2026-11-12", "2026-11-14", "2026-11-17", "2026-11-19"]
case("6 sessions on 6 days, PHQ-9 18 -> 16: no response (near miss)", NOW, sessions(six_days) + scores, expect=[("KET-39-NO-RESPONSE", "warning")])

# 2. KET-37 counts the order being signed as today's session.
three = ["2026-11-21", "2026-11-23", "2026-11-25"]
case("3 sessions in 7 days, each charted twice, and the order: the 4th session, frequency warning", NOW, sessions(three, "bag"), expect=[("KET-37", "warning")])
case("3 sessions in 7 days and the order at order-select: the 4th session, frequency warning", NOW, sessions(three), expect=[("KET-37", "warning")], hook="order-select")
case("2 sessions in 7 days and the order: 3 sessions, no frequency warning (near miss)", NOW, sessions(three[1:]), none=["KET-37"])
case("2 earlier sessions and one charted today, and the order for it: 3 sessions, not 4 (near miss)", NOW, sessions(["2026-11-24", "2026-11-25"]) + [given("today", f"{NOW}T08:30:00Z")], none=["KET-37"])
# Issue 39: a week is the 7 calendar days ending today. A Monday/Wednesday/Friday induction (Murrough 2013) reaches the next
# Monday with 3 sessions in that week, not 4 (last Monday is 7 days back); a session 6 days back still counts.
case("Mon/Wed/Fri induction and the next Monday's order: 3 sessions in the 7 days ending today, no frequency warning", "2026-11-23",
     sessions(["2026-11-16", "2026-11-18", "2026-11-20"]), none=["KET-37"], hook="order-select")
case("Tue/Thu/Fri and the next Monday's order: 4 sessions in the 7 days ending today, frequency warning", "2026-11-23",
     sessions(["2026-11-17", "2026-11-19", "2026-11-20"]), expect=[("KET-37", "warning")])

# 3. Four-weekly maintenance is one course; a lost response there is a warning. Induction in September (PHQ-9 20 -> 4),
#    maintenance sessions 28 days apart, then PHQ-9 17.
induction = ["2026-09-01", "2026-09-03", "2026-09-05", "2026-09-08", "2026-09-10", "2026-09-12"]
maintenance = ["2026-10-10", "2026-11-07"]
relapse_now = "2026-12-03"
course = sessions(induction + maintenance)
case("relapse on 4-weekly maintenance, PHQ-9 20 -> 4 -> 17: response lost, warning", relapse_now,
     course + [phq("b", "2026-08-28", 20), phq("m", "2026-09-14", 4), phq("r", "2026-12-01", 17)],
     expect=[("KET-39-LOST-RESPONSE", "warning")], none=["KET-39-NO-RESPONSE", "KET-39-RESPONSE", "KET-39-REMISSION"])
case("relapse on 4-weekly maintenance with the scores as PHQ-9 panels: response lost, warning", relapse_now,
     course + [phq_panel("b", "2026-08-28", 20), phq_panel("m", "2026-09-14", 4), phq_panel("r", "2026-12-01", 17)],
     expect=[("KET-39-LOST-RESPONSE", "warning")], none=["KET-39-NO-RESPONSE"])
case("4-weekly maintenance, PHQ-9 20 -> 4 -> 8: response holds, no relapse card (near miss)", relapse_now,
     course + [phq("b", "2026-08-28", 20), phq("m", "2026-09-14", 4), phq("r", "2026-12-01", 8)],
     expect=[("KET-39-RESPONSE", "info")], none=["KET-39-LOST-RESPONSE", "KET-39-NO-RESPONSE"])
case("maintenance paused 36 days, PHQ-9 17: the course has ended, no series card (near miss on the maintenance gap)", "2026-12-13",
     course + [phq("b", "2026-08-28", 20), phq("m", "2026-09-14", 4), phq("r", "2026-12-01", 17)],
     none=["KET-39-LOST-RESPONSE", "KET-39-NO-RESPONSE", "KET-39-RESPONSE"])
case("a 22-day pause inside the induction still starts a new series (near miss: the maintenance gap applies only after 6 sessions)", NOW,
     sessions(["2026-10-01", "2026-10-03", "2026-10-05", "2026-10-27", "2026-10-29"]) + [phq("b", "2026-09-28", 20), phq("r", "2026-11-20", 17)],
     none=["KET-39-LOST-RESPONSE", "KET-39-NO-RESPONSE"])

# 4. A BP in the crisis tier in the last 7 days, though the latest is normal.
case("190/115 five days ago, 130/80 yesterday: surge warning, no critical", NOW, [bp("surge", "2026-11-21", 190, 115), bp("now", "2026-11-25", 130, 80)],
     expect=[("KET-13-SURGE", "warning")], none=["KET-13-CRIT"])
case("standalone systolic 185 four days ago, 128/82 yesterday: surge warning", NOW, [systolic("surge", "2026-11-22", 185), bp("now", "2026-11-25", 128, 82)],
     expect=[("KET-13-SURGE", "warning")], none=["KET-13-CRIT"])
case("190/115 eight days ago, 130/80 yesterday: outside the 7 days, no surge card (near miss)", NOW, [bp("surge", "2026-11-18", 190, 115), bp("now", "2026-11-25", 130, 80)],
     none=["KET-13-SURGE", "KET-13-CRIT"])
case("179/109 five days ago, 130/80 yesterday: below the tier, no surge card (near miss)", NOW, [bp("surge", "2026-11-21", 179, 109), bp("now", "2026-11-25", 130, 80)],
     none=["KET-13-SURGE"])
case("latest 190/115: the critical card alone, not also the surge (near miss)", NOW, [bp("old", "2026-11-21", 130, 80), bp("now", "2026-11-25", 190, 115)],
     expect=[("KET-13-CRIT", "critical")], none=["KET-13-SURGE"])

# 5. More than 15 sessions in 12 months, the order included.
year = [shift("2026-01-05", 22 * i) for i in range(15)]
case("15 sessions this year and the order: 16, cumulative exposure info", NOW, sessions(year), expect=[("KET-40-CUMULATIVE", "info")])
case("15 sessions this year each charted twice, and the order: 16 sessions, not 31", NOW, sessions(year, "bag"), expect=[("KET-40-CUMULATIVE", "info")])
case("14 sessions this year and the order: 15, no cumulative card (near miss)", NOW, sessions(year[1:]), none=["KET-40-CUMULATIVE"])

# 6. An hCG between 5 and 24 mIU/mL is equivocal.
def female(name, resources, expect=(), none=()):
    cases.append((name, NOW, "order-sign", [patient("female", "1994-02-02"), mdd, weight("2026-11-20"), *trials, bp("bp", "2026-11-25", 128, 82)] + resources, expect, none))
female("hCG 12 mIU/mL two days ago: equivocal, repeat in 48 hours", [hcg("h", "2026-11-24", 12, "m[IU]/mL")], expect=[("KET-16-EQUIVOCAL", "warning")], none=["KET-16"])
female("hCG 12 IU/L (serum, 2119-6): equivocal", [hcg("h", "2026-11-24", 12, "[IU]/L", "2119-6")], expect=[("KET-16-EQUIVOCAL", "warning")], none=["KET-16"])
female("hCG 5 mIU/mL: equivocal at the lower bound", [hcg("h", "2026-11-24", 5, "m[IU]/mL")], expect=[("KET-16-EQUIVOCAL", "warning")])
female("hCG 4 mIU/mL: negative, no card (near miss)", [hcg("h", "2026-11-24", 4, "m[IU]/mL")], none=["KET-16-EQUIVOCAL", "KET-16"])
female("hCG 25 mIU/mL: positive, the critical card and not the equivocal one (near miss)", [hcg("h", "2026-11-24", 25, "m[IU]/mL")], expect=[("KET-16", "critical")], none=["KET-16-EQUIVOCAL"])

# 7. An active pregnancy problem older than 43 weeks with a negative test in the last 30 days: update the problem list.
SCT = 'http://snomed.info/sct'
def pregnancy(id, system, code, display, onset):
    return {"resourceType": "Condition", "id": id, "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"}]},
            "verificationStatus": {"coding": [{"code": "confirmed"}]}, "code": {"coding": [{"system": system, "code": code, "display": display}]}, "onsetDateTime": onset}
def urine_hcg(id, when, answer):
    return {"resourceType": "Observation", "id": id, "status": "final", "code": {"coding": [{"system": LOINC, "code": "2106-3"}]}, "effectiveDateTime": when,
            "valueCodeableConcept": {"coding": [{"system": SCT, "code": answer[0], "display": answer[1]}]}}
stale = pregnancy("preg", ICD, "Z34.90", "Encounter for supervision of normal pregnancy, unspecified, unspecified trimester", "2024-11-01")
female("active Z34.90 recorded two years ago, hCG 2 mIU/mL three days ago: update the problem list, not critical",
       [stale, hcg("h", "2026-11-23", 2, "m[IU]/mL")], expect=[("KET-16-STALE", "info")], none=["KET-16"])
female("active 'Normal pregnancy' (SNOMED CT 72892002) two years ago, urine hCG coded Negative: update the problem list",
       [pregnancy("preg", SCT, "72892002", "Normal pregnancy", "2024-11-01"), urine_hcg("h", "2026-11-23", ("260385009", "Negative"))], expect=[("KET-16-STALE", "info")], none=["KET-16"])
female("active Z34.90 recorded two years ago and no test: still critical (near miss)", [stale], expect=[("KET-16", "critical")], none=["KET-16-STALE"])
female("active Z34.90 recorded two months ago and a negative hCG: a recent pregnancy stays critical (near miss)",
       [pregnancy("preg", ICD, "Z34.90", "Encounter for supervision of normal pregnancy, unspecified, unspecified trimester", "2026-09-20"), hcg("h", "2026-11-23", 2, "m[IU]/mL")],
       expect=[("KET-16", "critical")], none=["KET-16-STALE"])
female("active Z34.90 two years ago, a negative hCG then a positive one: critical (near miss)",
       [stale, hcg("h1", "2026-11-10", 2, "m[IU]/mL"), hcg("h2", "2026-11-24", 80, "m[IU]/mL")], expect=[("KET-16", "critical")], none=["KET-16-STALE"])

# 8. Naltrexone (KET-41): oral by code, the monthly injection by name; naloxone and an old course are near misses.
def med_request(id, code, display, status="active", authored="2026-10-01"):
    return {"resourceType": "MedicationRequest", "id": id, "status": status, "intent": "order", "authoredOn": authored, "subject": {"reference": "Patient/p1"},
            "medicationCodeableConcept": {"coding": [{"system": RX, "code": code, "display": display}]}}
case("naltrexone 50 mg tablet active (RxNorm 1483744): blocks the antidepressant effect, warning", NOW,
     [med_request("ntx", "1483744", "naltrexone hydrochloride 50 MG Oral Tablet")], expect=[("KET-41", "warning")])
xr = {"resourceType": "MedicationAdministration", "id": "vivitrol", "status": "completed", "subject": {"reference": "Patient/p1"}, "effectiveDateTime": "2026-11-12",
      "medicationCodeableConcept": {"text": "Vivitrol (naltrexone) 380 mg extended-release injectable suspension"}}
case("extended-release naltrexone injection given 14 days ago, named in text only: warning", NOW, [xr], expect=[("KET-41", "warning")])
case("naloxone nasal spray active: not naltrexone, no card (near miss)", NOW,
     [{"resourceType": "MedicationRequest", "id": "nlx", "status": "active", "intent": "order", "authoredOn": "2026-10-01", "subject": {"reference": "Patient/p1"},
       "medicationCodeableConcept": {"text": "naloxone 4 MG/ACTUAT nasal spray"}}], none=["KET-41"])
case("morphine with sequestered naltrexone (abuse-deterrent capsule 863845): not systemic naltrexone, no card (near miss)", NOW,
     [med_request("emb", "863845", "Abuse-Deterrent morphine sulfate 100 MG / naltrexone hydrochloride 4 MG Extended Release Oral Capsule")], none=["KET-41"])
case("naltrexone course completed in March: no card (near miss)", NOW,
     [med_request("ntx", "1483744", "naltrexone hydrochloride 50 MG Oral Tablet", "completed", "2026-03-01")], none=["KET-41"])

# 9. Liver tests due in maintenance (KET-42-LFT-DUE): past 6 sessions with no ALT or AST in 90 days.
def alt(id, when):
    return {"resourceType": "Observation", "id": id, "status": "final", "code": {"coding": [{"system": LOINC, "code": "1742-6"}]}, "effectiveDateTime": when,
            "valueQuantity": {"value": 30, "unit": "U/L", "system": "http://unitsofmeasure.org", "code": "U/L"}}
ast = lambda id, when: dict(alt(id, when), code={"coding": [{"system": LOINC, "code": "1920-8"}]})
maintained = course + [phq("b", "2026-08-28", 20), phq("m", "2026-09-14", 4), phq("r", "2026-12-01", 6)]
case("maintenance past 6 sessions, last ALT in June: liver tests due", relapse_now, maintained + [alt("alt", "2026-06-01")], expect=[("KET-42-LFT-DUE", "info")])
case("maintenance past 6 sessions, no liver tests at all: liver tests due", relapse_now, maintained, expect=[("KET-42-LFT-DUE", "info")])
case("maintenance past 6 sessions, AST last month: not due (near miss)", relapse_now, maintained + [ast("ast", "2026-11-02")], none=["KET-42-LFT-DUE"])
case("6 sessions, the induction just complete: not yet maintenance (near miss)", NOW, sessions(six_days) + scores, none=["KET-42-LFT-DUE"])
case("7 sessions in under 3 weeks, no liver tests: a long induction, not maintenance (near miss on the 6 weeks)", NOW,
     sessions(six_days + ["2026-11-24"]) + scores, none=["KET-42-LFT-DUE"])

# 10. ECT within 7 days either side (KET-43-ECT): a session done (Procedure, CPT), one scheduled (ServiceRequest, ICD-10-PCS).
CPT, PCS = 'http://www.ama-assn.org/go/cpt', 'http://www.cms.gov/Medicare/Coding/ICD10'
def ect_done(id, when, status="completed"):
    return {"resourceType": "Procedure", "id": id, "status": status, "subject": {"reference": "Patient/p1"}, "performedDateTime": when,
            "code": {"coding": [{"system": CPT, "code": "90870", "display": "Electroconvulsive therapy (includes necessary monitoring)"}]}}
def ect_ordered(id, status="active", occurrence=None, authored="2026-11-20"):
    r = {"resourceType": "ServiceRequest", "id": id, "status": status, "intent": "order", "subject": {"reference": "Patient/p1"}, "authoredOn": authored,
         "code": {"coding": [{"system": PCS, "code": "GZB2ZZZ", "display": "Electroconvulsive Therapy, Bilateral-Single Seizure"}]}}
    if occurrence: r["occurrenceDateTime"] = occurrence
    return r
case("ECT done 3 days ago (Procedure, CPT 90870): warning", NOW, [ect_done("ect", "2026-11-23T08:00:00Z")], expect=[("KET-43-ECT", "warning")])
case("ECT scheduled in 4 days (ServiceRequest, ICD-10-PCS GZB2ZZZ): warning", NOW, [ect_ordered("ect", occurrence="2026-11-30T08:00:00Z")], expect=[("KET-43-ECT", "warning")])
case("ECT ordered 6 days ago with no date yet: warning", NOW, [ect_ordered("ect")], expect=[("KET-43-ECT", "warning")])
case("ECT done 9 days ago: outside the week, no card (near miss)", NOW, [ect_done("ect", "2026-11-17T08:00:00Z")], none=["KET-43-ECT"])
case("ECT scheduled in 10 days: outside the week, no card (near miss)", NOW, [ect_ordered("ect", occurrence="2026-12-06T08:00:00Z")], none=["KET-43-ECT"])
case("ECT order revoked: no card (near miss)", NOW, [ect_ordered("ect", status="revoked", occurrence="2026-11-28T08:00:00Z")], none=["KET-43-ECT"])

# 11. A severe dissociation or emergence reaction recorded (KET-12-REACTION), not read as hypersensitivity (KET-12).
def ketamine_reaction(kind, manifestation, severity=None):
    reaction = {"manifestation": [manifestation]}
    if severity: reaction["severity"] = severity
    return {"resourceType": "AllergyIntolerance", "id": "rx", "type": kind, "clinicalStatus": {"coding": [{"code": "active"}]},
            "verificationStatus": {"coding": [{"code": "confirmed"}]}, "patient": {"reference": "Patient/p1"},
            "code": {"coding": [{"system": RX, "code": "6130", "display": "ketamine"}]}, "reaction": [reaction]}
case("intolerance: severe dissociation after the last infusion (text): plan for it, not contraindicated", NOW,
     [ketamine_reaction("intolerance", {"text": "Severe dissociation, distressing"})], expect=[("KET-12-REACTION", "warning")], none=["KET-12"])
case("intolerance: emergence delirium coded, severity severe: plan for it, not contraindicated", NOW,
     [ketamine_reaction("intolerance", {"coding": [{"system": SCT, "code": "2776000", "display": "Delirium"}], "text": "Emergence delirium"}, "severe")],
     expect=[("KET-12-REACTION", "warning")], none=["KET-12"])
case("intolerance: mild nausea: the unconfirmed-hypersensitivity warning, no reaction card (near miss)", NOW,
     [ketamine_reaction("intolerance", {"text": "Nausea"}, "mild")], expect=[("KET-12", "warning")], none=["KET-12-REACTION"])
case("allergy with urticaria: contraindicated, no reaction card (near miss)", NOW,
     [ketamine_reaction("allergy", {"text": "Urticaria"}, "moderate")], expect=[("KET-12", "critical")], none=["KET-12-REACTION"])

# 12. Benzodiazepine load (KET-29-HIGH): daily doses converted with tables/benzodiazepine-equivalents.yaml and added up.
def benzo(id, display, dose=None, per_day=1, unit="mg", code=None):
    med = {"coding": [{"system": RX, "code": code, "display": display}]} if code else {"text": display}
    r = {"resourceType": "MedicationRequest", "id": id, "status": "active", "intent": "order", "authoredOn": "2026-10-01", "subject": {"reference": "Patient/p1"},
         "medicationCodeableConcept": med}
    if dose is not None:
        quantity = {"value": dose, "unit": unit} | ({"system": "http://unitsofmeasure.org", "code": "mg"} if unit == "mg" else {})
        r["dosageInstruction"] = [{"timing": {"repeat": {"frequency": per_day, "period": 1, "periodUnit": "d"}}, "doseAndRate": [{"doseQuantity": quantity}]}]
    return r
case("lorazepam 1 mg twice a day (coded): 20 mg diazepam-equivalent, the high-dose warning instead of the plain one", NOW,
     [benzo("lz", "lorazepam 1 MG Oral Tablet", 1, 2, code="6470")], expect=[("KET-29-HIGH", "warning")], none=["KET-29"])
case("alprazolam 0.5 MG tablets, one three times a day (named in text): 30 mg diazepam-equivalent, high-dose warning", NOW,
     [benzo("az", "alprazolam 0.5 MG Oral Tablet", 1, 3, unit="tablet")], expect=[("KET-29-HIGH", "warning")], none=["KET-29"])
case("clonazepam 0.25 mg and lorazepam 0.5 mg a day: 10 mg together, high-dose warning", NOW,
     [benzo("cz", "clonazepam 0.25 MG Oral Tablet", 0.25, 1, code="2598"), benzo("lz", "lorazepam 0.5 MG Oral Tablet", 0.5, 1, code="6470")],
     expect=[("KET-29-HIGH", "warning")], none=["KET-29"])
case("clonazepam 0.25 mg a day alone: 5 mg, the plain benzodiazepine warning (near miss)", NOW,
     [benzo("cz", "clonazepam 0.25 MG Oral Tablet", 0.25, 1, code="2598")], expect=[("KET-29", "warning")], none=["KET-29-HIGH"])
case("lorazepam with no dose recorded: the plain warning, never a guess at the tier (near miss)", NOW,
     [benzo("lz", "lorazepam 1 MG Oral Tablet", code="6470")], expect=[("KET-29", "warning")], none=["KET-29-HIGH"])

case_file.write('rules/tests/course-and-history.yaml',
    ["Issue 29: the course as sessions and maintenance, BP surges, cumulative exposure, the equivocal hCG, a pregnancy problem out of date. Each behaviour",
     "has at least two encodings and a near miss. Generated by rules/tools/make-course-cases.py: edit that and run it from",
     "the repository root."],
    [dict(name=name, now=f"{now}T10:00:00Z", hook=hook, resources=resources, drafts=[order], expect=expect, none=none)
     for name, now, hook, resources, expect, none in cases])
