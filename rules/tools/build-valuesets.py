#!/usr/bin/env python3
"""Builds the pack's value sets in rules/valuesets/ from the VSAC expansions in tests/third-party/valuesets/
and from the code lists of the clinical-rules reference (section 4). Codes are facts; names, descriptions and
the origin note of each set are this pack's own. Run from the repository root: python3 rules/tools/build-valuesets.py
The output is committed; the service never needs the expansions at run time."""
import json, pathlib, sys

VSAC = pathlib.Path('tests/third-party/valuesets')
# --out FOLDER writes elsewhere (the test that the committed sets are this script's output uses it).
OUT = pathlib.Path(sys.argv[sys.argv.index('--out') + 1]) if '--out' in sys.argv else pathlib.Path('rules/valuesets')
OUT.mkdir(parents=True, exist_ok=True)
ICD, SCT, LOINC, RX = ('http://hl7.org/fhir/sid/icd-10-cm', 'http://snomed.info/sct', 'http://loinc.org',
                       'http://www.nlm.nih.gov/research/umls/rxnorm')

def vsac(oid, keep=lambda c: True):
    data = json.loads((VSAC / f'valueset-{oid}.json').read_text())
    return [c for c in data['expansion']['contains'] if keep(c)]

# The observation category (FHIR observation-category codes) a set's observations are filed under: the service asks the
# EHR for exactly the categories the rules read (discovery's prefetch and its own FHIR searches), derived from these.
OBSERVATION_CATEGORY = 'https://ketaminecds.example.org/fhir/StructureDefinition/observation-category'

# SNOMED CT "this concept and its descendants", where no VSAC expansion in tests/third-party/valuesets/ holds them
# and no terminology server is reachable offline: a curated list per parent, each descendant with its source. A set
# listing the parent gains every descendant here when it is built, so the committed JSON holds them all and the
# service matches codes exactly. Re-run after adding a descendant; `rules coverage` over real records finds the next.
SCT_DESCENDANTS = {
    '82313006': [  # Suicide attempt
        ('86849004', 'Suicidal poisoning', 'clinical review, issue 29 (used by Synthea and EHR problem lists)'),
        ('287185009', 'Attempted suicide by cutting or stabbing', 'clinical review, issue 29'),
    ],
    '52448006': [  # Dementia
        ('26929004', "Alzheimer's disease", 'Synthea records (tests/third-party/fhir-patients), rules coverage 2026-12-06'),
        ('230265002', "Familial Alzheimer's disease of early onset", 'Synthea records (tests/third-party/fhir-patients), rules coverage 2026-12-06'),
    ],
}

def with_descendants(codes):
    out, notes = list(codes), []
    for parent in [x['code'] for x in codes if x['system'] == SCT and x['code'] in SCT_DESCENDANTS]:
        for code, display, source in SCT_DESCENDANTS[parent]:
            out.append({'system': SCT, 'code': code, 'display': display})
            notes.append(f'{code} ({source})')
    return out, notes

def write(id, title, description, codes=(), icd_isa=(), exclude_isa=(), includes=(), icd_regex=(), exclude_codes=(), categories=(), exclude_rx=()):
    codes, descendants = with_descendants(codes)
    if descendants:
        description += ' SNOMED CT descendants added from the curated list in build-valuesets.py: ' + ', '.join(descendants) + '.'
    include, by_system = [], {}
    for c in codes:
        by_system.setdefault(c['system'], []).append({k: c[k] for k in ('code', 'display', 'designation', 'extension') if k in c})
    for system, concepts in sorted(by_system.items()):
        seen, unique = {}, []
        for x in concepts:
            if x['code'] not in seen:
                seen[x['code']] = dict(x); unique.append(seen[x['code']])
            elif 'designation' in x:  # one ingredient under several names (valproic acid, valproate, divalproex)
                seen[x['code']]['designation'] = seen[x['code']].get('designation', []) + x['designation']
        include.append({'system': system, 'concept': unique})
    for prefix in icd_isa:
        include.append({'system': ICD, 'filter': [{'property': 'concept', 'op': 'is-a', 'value': prefix}]})
    for pattern in icd_regex:
        include.append({'system': ICD, 'filter': [{'property': 'code', 'op': 'regex', 'value': pattern}]})
    for other in includes:
        include.append({'valueSet': [f'urn:ketaminecds:valueset:{other}']})
    vs = {'resourceType': 'ValueSet', 'id': id, 'url': f'urn:ketaminecds:valueset:{id}', 'name': id.replace('-', '_'),
          'title': title, 'status': 'active', 'description': description, 'compose': {'include': include}}
    if categories:
        vs = {'resourceType': 'ValueSet', 'id': id, 'extension': [{'url': OBSERVATION_CATEGORY, 'valueCode': c} for c in categories],
              **{k: v for k, v in vs.items() if k not in ('resourceType', 'id')}}
    if exclude_isa or exclude_codes or exclude_rx:
        vs['compose']['exclude'] = [{'system': ICD, 'filter': [{'property': 'concept', 'op': 'is-a', 'value': p}]} for p in exclude_isa]
        if exclude_codes:
            vs['compose']['exclude'].append({'system': ICD, 'concept': [{'code': x} for x in exclude_codes]})
        if exclude_rx:
            vs['compose']['exclude'].append({'system': RX, 'concept': [{'code': x['code'], 'display': x['display']} for x in exclude_rx]})
    (OUT / f'{id}.json').write_text(json.dumps(vs, indent=2) + '\n')

def c(system, code, display): return {'system': system, 'code': code, 'display': display}
ORIGIN = 'Codes from the VSAC expansion of {} (expansion 2025-01-10, cqframework/ecqm-content-qicore-2024).'

write('major-depression', 'Major depressive disorder, current episode',
      ORIGIN.format('"Major Depressive Disorder Active" 2.16.840.1.113883.3.526.3.1491'),
      vsac('2.16.840.1.113883.3.526.3.1491'))
write('bipolar-disorder', 'Bipolar disorder', ORIGIN.format('"Bipolar Disorder" 2.16.840.1.113883.3.67.1.101.1.128'),
      vsac('2.16.840.1.113883.3.67.1.101.1.128'))
write('bipolar-depression', 'Bipolar disorder, current episode depressed',
      'Bipolar codes whose display names a depressed episode, from the VSAC expansion of "Bipolar Disorder" 2.16.840.1.113883.3.67.1.101.1.128, plus ICD-10-CM F31.3x/F31.4/F31.5/F31.81 (clinical-rules reference 4.2, V-auth).',
      vsac('2.16.840.1.113883.3.67.1.101.1.128', lambda c: 'depress' in c.get('display', '').lower()),
      icd_isa=['F31.3', 'F31.4', 'F31.5', 'F31.81'])
# Where the clinical concept is a whole ICD-10-CM category, the set says so with is-a filters: legacy codes from before
# a category was split, sibling and sequela codes, and subtypes a VSAC expansion happens to lack are then caught too.
write('psychotic-disorders', 'Schizophrenia or other primary psychotic disorder',
      ORIGIN.format('"Schizophrenia or Psychotic Disorder" 2.16.840.1.113883.3.464.1003.105.12.1104')
      + ' Plus the ICD-10-CM categories F20-F29 (is-a) and SNOMED CT 69322001 Psychotic disorder (clinical-rules reference 4.3).',
      vsac('2.16.840.1.113883.3.464.1003.105.12.1104') + [c(SCT, '69322001', 'Psychotic disorder')],
      icd_isa=['F20', 'F21', 'F22', 'F23', 'F24', 'F25', 'F28', 'F29'])
psychotic = lambda c: 'psychotic' in c.get('display', '').lower() and 'without psychotic' not in c.get('display', '').lower()
write('mood-disorder-psychotic-features', 'Depression or bipolar disorder with psychotic features',
      'Codes whose display names psychotic features, from the VSAC expansions of "Major Depression" 2.16.840.1.113883.3.464.1003.105.12.1007 and "Bipolar Disorder" 2.16.840.1.113883.3.67.1.101.1.128; plus F31.2, F31.64 (mania with psychotic features, reference 4.2).',
      vsac('2.16.840.1.113883.3.464.1003.105.12.1007', psychotic) + vsac('2.16.840.1.113883.3.67.1.101.1.128', psychotic)
      + [c(ICD, 'F31.2', 'Bipolar disorder, current episode manic severe with psychotic features'),
         c(ICD, 'F31.64', 'Bipolar disorder, current episode mixed, severe, with psychotic features')])
write('trd-diagnosis', 'Treatment-resistant depression (coded)', 'SNOMED CT 1153570009 (clinical-rules reference 4.3, V-auth).',
      [c(SCT, '1153570009', 'Treatment resistant depression (disorder)')])
# Ketamine and PCP disorders belong here whatever the code system: VSAC files SNOMED CT "Ketamine dependence" and
# "Harmful use of ketamine" under substance use in general, which would leave a SNOMED-coded problem list without
# the contraindication.
hallucinogen_word = lambda c: any(w in c.get('display', '').lower() for w in ('ketamine', 'phencyclidine', 'hallucinogen'))
hallucinogen = lambda c: (c['system'] == ICD and c['code'].startswith('F16') and c['code'] not in ('F16.11', 'F16.21')) \
    or (c['system'] == SCT and hallucinogen_word(c) and 'remission' not in c.get('display', '').lower())
write('hallucinogen-use-disorder', 'Hallucinogen (incl. ketamine and PCP) use disorder, not in remission',
      'ICD-10-CM F16.x and the SNOMED CT concepts naming ketamine, phencyclidine or a hallucinogen (not in remission) from the VSAC expansion of "Substance Use Disorder" 2.16.840.1.113883.3.464.1003.106.12.1001, without the remission codes F16.11/F16.21; SNOMED CT 311173003, 74851005, 38247002 (reference 4.3, V-auth).',
      vsac('2.16.840.1.113883.3.464.1003.106.12.1001', hallucinogen)
      + [c(SCT, '311173003', 'Phencyclidine-related disorder'), c(SCT, '74851005', 'Hallucinogen abuse'), c(SCT, '38247002', 'Hallucinogen dependence')])
remission = [f'F{n}.{r}' for n in range(10, 20) for r in ('11', '21')]
other_sud = lambda c: not (c['system'] == ICD and (c['code'].startswith('F16') or c['code'].startswith('F17') or c['code'] in remission)) \
    and 'remission' not in c.get('display', '').lower() and not hallucinogen_word(c)
write('other-substance-use-disorder', 'Other substance use disorder, not in remission',
      'The VSAC expansion of "Substance Use Disorder" 2.16.840.1.113883.3.464.1003.106.12.1001 less hallucinogen (F16), nicotine (F17) and remission codes (F1x.11, F1x.21, displays naming remission).',
      vsac('2.16.840.1.113883.3.464.1003.106.12.1001', other_sud))
# The same disorders in remission: lower-tier cards (relapse risk), not the contraindication or the active caution.
write('hallucinogen-use-disorder-in-remission', 'Hallucinogen (incl. ketamine and PCP) use disorder in remission',
      'ICD-10-CM F16.11 hallucinogen abuse, in remission and F16.21 hallucinogen dependence, in remission (is-a); the VSAC SUD expansion holds no remission codes.',
      icd_isa=['F16.11', 'F16.21'])
write('other-substance-use-disorder-in-remission', 'Other substance use disorder in remission',
      'ICD-10-CM F1x.11 (abuse, in remission) and F1x.21 (dependence, in remission) for alcohol, opioids, cannabis, sedatives, cocaine, other stimulants, inhalants and other substances (F10-F15, F18, F19; is-a). Hallucinogens (F16) have their own set; nicotine (F17) is left out.',
      icd_isa=[f'F{n}.{r}' for n in (10, 11, 12, 13, 14, 15, 18, 19) for r in ('11', '21')])
write('pregnancy', 'Pregnancy', ORIGIN.format('"Pregnancy" 2.16.840.1.113883.3.526.3.378 and "Pregnant State" 2.16.840.1.113883.3.3157.4055')
      + ' Plus ICD-10-CM chapter O00-O9A (is-a O0-O9), Z33 (less Z33.2, an encounter for termination) and Z34 (is-a). Pregnancy is time-bound: rule KET-16 lets an undated-status diagnosis expire.',
      vsac('2.16.840.1.113883.3.526.3.378') + vsac('2.16.840.1.113883.3.3157.4055'),
      icd_isa=['O0', 'O1', 'O2', 'O3', 'O4', 'O5', 'O6', 'O7', 'O8', 'O9', 'Z33', 'Z34'], exclude_codes=['Z33.2'])
write('pregnancy-test', 'hCG pregnancy test', ORIGIN.format('"Pregnancy Test" 2.16.840.1.113883.3.464.1003.111.12.1011'),
      vsac('2.16.840.1.113883.3.464.1003.111.12.1011'), categories=['laboratory'])
write('positive-result', 'Positive or detected result',
      'SNOMED CT qualifier values for a positive qualitative result: 10828004 Positive, 260373001 Detected (reference coding practice for hCG; verify locally).',
      [c(SCT, '10828004', 'Positive'), c(SCT, '260373001', 'Detected'),
       c('http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', 'POS', 'Positive'),
       c('http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', 'DET', 'Detected')])
write('negative-result', 'Negative or not detected result',
      'SNOMED CT qualifier values for a negative qualitative result: 260385009 Negative, 260415000 Not detected; v3 ObservationInterpretation NEG, ND (reference coding practice for hCG; verify locally).',
      [c(SCT, '260385009', 'Negative'), c(SCT, '260415000', 'Not detected'),
       c('http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', 'NEG', 'Negative'),
       c('http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', 'ND', 'Not detected')])
write('breastfeeding', 'Breastfeeding', ORIGIN.format('"Breastfeeding" 2.16.840.1.113762.1.4.1047.73'), vsac('2.16.840.1.113762.1.4.1047.73'))
write('aneurysm-or-avm', 'Aneurysmal vascular disease or arteriovenous malformation',
      ORIGIN.format('"Aortic Aneurysm" 2.16.840.1.113762.1.4.1029.219') + ' Plus the ICD-10-CM categories I71 (aortic aneurysm and dissection), I72 (other aneurysm) and Q28 (AVM and other malformations of the cerebral and precerebral vessels) (is-a), I67.1 cerebral aneurysm, I79.0 (reference 4.2), and SNOMED CT 234142008 (V-auth).'
      + ' SNOMED CT 432119003 Aneurysm (disorder), parent of the aneurysm hierarchy (SNOMED International, IHTSDO-1099), 67362008 Aortic aneurysm and 128609009 Intracranial aneurysm (reference 4.3, M): added by hand, to verify with the terminology lead.',
      vsac('2.16.840.1.113762.1.4.1029.219') + [c(ICD, 'I67.1', 'Cerebral aneurysm, nonruptured'), c(ICD, 'I79.0', 'Aneurysm of aorta in diseases classified elsewhere'),
        c(SCT, '234142008', 'Cerebral arteriovenous malformation'), c(SCT, '432119003', 'Aneurysm'), c(SCT, '67362008', 'Aortic aneurysm'),
        c(SCT, '128609009', 'Intracranial aneurysm')],
      icd_isa=['I71', 'I72', 'Q28'])
write('intracranial-hemorrhage', 'Intracranial haemorrhage (any time)',
      ORIGIN.format('"Hemorrhagic Stroke" 2.16.840.1.113883.3.117.1.7.1.212') + ' Plus SNOMED CT 274100004, the ICD-10-CM categories I60-I62 and their sequelae I69.0-I69.2 (is-a) (reference 4.2, V-auth): a haemorrhage years ago is still a history of haemorrhage.',
      vsac('2.16.840.1.113883.3.117.1.7.1.212') + [c(SCT, '274100004', 'Cerebral hemorrhage')], icd_isa=['I60', 'I61', 'I62', 'I69.0', 'I69.1', 'I69.2'])
CPT, PCS = 'http://www.ama-assn.org/go/cpt', 'http://www.cms.gov/Medicare/Coding/ICD10'
write('electroconvulsive-therapy', 'Electroconvulsive therapy (ECT)',
      'CPT 90870 Electroconvulsive therapy (issue 29) and ICD-10-PCS GZB0ZZZ-GZB4ZZZ Electroconvulsive Therapy (to verify with the coding lead). No SNOMED CT code for ECT was verified offline: add your EHR\'s procedure codes here.',
      [c(CPT, '90870', 'Electroconvulsive therapy (includes necessary monitoring)'),
       c(PCS, 'GZB0ZZZ', 'Electroconvulsive Therapy, Unilateral-Single Seizure'), c(PCS, 'GZB1ZZZ', 'Electroconvulsive Therapy, Unilateral-Multiple Seizure'),
       c(PCS, 'GZB2ZZZ', 'Electroconvulsive Therapy, Bilateral-Single Seizure'), c(PCS, 'GZB3ZZZ', 'Electroconvulsive Therapy, Bilateral-Multiple Seizure'),
       c(PCS, 'GZB4ZZZ', 'Other Electroconvulsive Therapy')])
write('treatment-consent', 'Consent for off-label IV ketamine',
      'LOINC 59284-0 Patient Consent (the category of the FHIR Consent examples). Too broad alone: add the local code your EHR files an off-label ketamine infusion consent under, and remove 59284-0 once it is there.',
      [c(LOINC, '59284-0', 'Patient Consent')])
write('hypertensive-encephalopathy', 'Hypertensive encephalopathy (any time)',
      'ICD-10-CM I67.4 and SNOMED CT 50490005 Hypertensive encephalopathy (clinical review, issue 29; the esketamine label asks for closer BP monitoring after it).',
      [c(ICD, 'I67.4', 'Hypertensive encephalopathy'), c(SCT, '50490005', 'Hypertensive encephalopathy')])
write('ischemic-stroke-or-coronary-disease', 'Ischaemic stroke or chronic coronary disease',
      'ICD-10-CM I63 cerebral infarction, I69.3 its sequelae, I25 chronic ischaemic heart disease (is-a); SNOMED CT 422504002 Ischemic stroke, 53741008 Coronary arteriosclerosis (clinical review, issue 29), and 230690007 Cerebrovascular accident, a stroke of unrecorded type as Synthea records it (most strokes are ischaemic; a recorded haemorrhage has its own set and critical rule).',
      [c(SCT, '422504002', 'Ischemic stroke'), c(SCT, '53741008', 'Coronary arteriosclerosis'), c(SCT, '230690007', 'Cerebrovascular accident')], icd_isa=['I63', 'I69.3', 'I25'])
write('hypertensive-crisis', 'Hypertensive urgency, emergency or crisis', 'ICD-10-CM I16.0, I16.1, I16.9 (reference 4.2, V-auth).',
      [c(ICD, 'I16.0', 'Hypertensive urgency'), c(ICD, 'I16.1', 'Hypertensive emergency'), c(ICD, 'I16.9', 'Hypertensive crisis, unspecified')])
past_mi = lambda c: c['code'] == 'I25.2' or any(w in c.get('display', '').lower() for w in ('old ', 'history of', 'healed'))
write('acute-coronary-syndrome', 'Myocardial infarction or unstable angina',
      ORIGIN.format('"Myocardial Infarction" 2.16.840.1.113762.1.4.1108.101') + ' Plus the ICD-10-CM categories I21 (acute MI, type 2 I21.A1 included) and I22 (subsequent MI) (is-a), and I20.0 unstable angina (reference 4.2, V-auth). Past MI (I25.2, displays naming an old, healed or history of MI) is left out: it is not an acute coronary syndrome.',
      vsac('2.16.840.1.113762.1.4.1108.101', lambda c: not past_mi(c)) + [c(ICD, 'I20.0', 'Unstable angina')], icd_isa=['I21', 'I22'], exclude_codes=['I25.2'])
write('acute-heart-failure', 'Acute or acute-on-chronic heart failure',
      'Heart-failure codes whose display says acute, from the VSAC expansion of "Heart Failure" 2.16.840.1.113883.3.526.3.376; ICD-10-CM I50.21/.23/.31/.33/.41/.43 (reference 4.2).',
      vsac('2.16.840.1.113883.3.526.3.376', lambda c: 'acute' in c.get('display', '').lower()))
write('heart-failure', 'Heart failure', ORIGIN.format('"Heart Failure" 2.16.840.1.113883.3.526.3.376'), vsac('2.16.840.1.113883.3.526.3.376'))
write('severe-liver-disease', 'Moderate to severe liver disease', ORIGIN.format('"Liver Disease Moderate to Severe" 2.16.840.1.113762.1.4.1248.137'),
      vsac('2.16.840.1.113762.1.4.1248.137'))
write('cirrhosis', 'Cirrhosis of liver', 'ICD-10-CM K70.30, K70.31, K74.60, K74.69 and SNOMED CT 19943007 (reference 4.2/4.3, V-auth).',
      [c(ICD, 'K70.30', 'Alcoholic cirrhosis of liver without ascites'), c(ICD, 'K70.31', 'Alcoholic cirrhosis of liver with ascites'),
       c(ICD, 'K74.60', 'Unspecified cirrhosis of liver'), c(ICD, 'K74.69', 'Other cirrhosis of liver'), c(SCT, '19943007', 'Cirrhosis of liver')])
write('raised-intracranial-pressure', 'Raised intracranial pressure', 'ICD-10-CM G93.2 benign intracranial hypertension (reference 4.2 tags it M; checked here against a public ICD-9 to ICD-10 mapping table that gives G93.2 the title Benign intracranial hypertension: V-sec).',
      [c(ICD, 'G93.2', 'Benign intracranial hypertension')])
write('glaucoma', 'Glaucoma', ORIGIN.format('"Glaucoma" 2.16.840.1.113883.3.526.3.1423'), vsac('2.16.840.1.113883.3.526.3.1423'))
write('angle-closure-glaucoma', 'Acute angle-closure glaucoma', 'ICD-10-CM H40.21x (is-a) and SNOMED CT 30041005 (reference 4.2/4.3, V-auth).',
      [c(SCT, '30041005', 'Acute angle-closure glaucoma')], icd_isa=['H40.21'])
write('hyperthyroidism', 'Hyperthyroidism', ORIGIN.format('"Hyperthyroidism" 2.16.840.1.113883.3.464.1003.117.12.1015'), vsac('2.16.840.1.113883.3.464.1003.117.12.1015'))
write('interstitial-cystitis', 'Interstitial cystitis', 'ICD-10-CM N30.10, N30.11 and SNOMED CT 197834003 (reference 4.2/4.3, V-auth). No VSAC set exists.',
      [c(ICD, 'N30.10', 'Interstitial cystitis (chronic) without hematuria'), c(ICD, 'N30.11', 'Interstitial cystitis (chronic) with hematuria'),
       c(SCT, '197834003', 'Chronic interstitial cystitis')])
write('seizure-disorder', 'Seizure disorder or epilepsy', ORIGIN.format('"Seizure Disorder" 2.16.840.1.113883.3.464.1003.105.12.1206'), vsac('2.16.840.1.113883.3.464.1003.105.12.1206'))
write('sleep-apnea-or-severe-obesity', 'Obstructive sleep apnoea or class 3 obesity',
      'ICD-10-CM G47.33 (V-sec), E66.01 and Z68.41-Z68.45, SNOMED CT 238136002 morbid obesity (reference 4.2/4.3, V-auth). SNOMED 78275009 (M) left out.',
      [c(ICD, 'G47.33', 'Obstructive sleep apnea (adult) (pediatric)'), c(ICD, 'E66.01', 'Morbid (severe) obesity due to excess calories'),
       c(SCT, '238136002', 'Morbid obesity')], icd_isa=['Z68.41', 'Z68.42', 'Z68.43', 'Z68.44', 'Z68.45'])
write('dementia', 'Dementia or cognitive impairment', ORIGIN.format('"Dementia and Mental Degenerations" 2.16.840.1.113883.3.526.3.1005')
      + ' Plus the ICD-10-CM categories F01-F03 and G30 (is-a), so the FY2023 severity codes (F03.A0 …, F01.B1 …) are in.',
      vsac('2.16.840.1.113883.3.526.3.1005'), icd_isa=['F01', 'F02', 'F03', 'G30'])
write('suicidal-ideation', 'Suicidal ideation', 'ICD-10-CM R45.851 (V-sec) and SNOMED CT 6471006 Suicidal thoughts (reference 4.2/4.3, V-auth).',
      [c(ICD, 'R45.851', 'Suicidal ideations'), c(SCT, '6471006', 'Suicidal thoughts')])
write('suicide-attempt', 'Suicide attempt or intentional self-harm',
      ORIGIN.format('"Suicide Attempt" 2.16.840.1.113762.1.4.1248.130') + ' Plus ICD-10-CM intentional self-harm: poisoning T36-T65 with 6th character 2 and asphyxiation T71.11-T71.19 with 6th character 2 (hanging T71.162 among them) (regex filters), X71-X83 (is-a) and T14.91 (is-a); SNOMED CT 82313006 Suicide attempt, added by hand, to verify with the terminology lead.',
      vsac('2.16.840.1.113762.1.4.1248.130') + [c(SCT, '82313006', 'Suicide attempt')],
      icd_isa=['T14.91'] + [f'X{n}' for n in range(71, 84)],
      icd_regex=[r'T(3[6-9]|[45][0-9]|6[0-5])\.[0-9A-Z]{2}2[A-Z]?', r'T71\.1[1-9]2[A-Z]?'])
write('phq9-total', 'PHQ-9 total score', ORIGIN.format('"PHQ 9 and PHQ 9M Tools" 2.16.840.1.113883.3.67.1.101.1.263'), vsac('2.16.840.1.113883.3.67.1.101.1.263'),
      categories=['survey'])
write('phq9-item9', 'PHQ-9 item 9 (thoughts of self-harm)', 'LOINC 44260-8 (reference 4.4, V-sec).',
      [c(LOINC, '44260-8', 'Thoughts that you would be better off dead, or of hurting yourself in some way in last 2 weeks')], categories=['survey'])
ORDINAL = 'http://hl7.org/fhir/StructureDefinition/ordinalValue'
def scored(code, display, score): return dict(c(LOINC, code, display), extension=[{'url': ORDINAL, 'valueDecimal': score}])
write('phq9-answers', 'PHQ-9 item answers and their scores',
      'LOINC answer list LL358-3 (PHQ-9 items 1-9), scored 0-3 as the PHQ-9 is (Kroenke 2001; the SDC PHQ-9 code system gives the same item weights). '
      'The ordinalValue extension on each concept is how the pack scores a coded answer: an item 9 answered "More than half the days" compares as 2.',
      [scored('LA6568-5', 'Not at all', 0), scored('LA6569-3', 'Several days', 1), scored('LA6570-1', 'More than half the days', 2),
       scored('LA6571-9', 'Nearly every day', 3)])
write('depression-severity-score', 'Depression severity score (PHQ-9; add local MADRS/HAM-D codes here)',
      'Includes the PHQ-9 total set. No verified LOINC code exists for MADRS or HAM-D totals (reference 4.4): add local codes to this set.',
      includes=['phq9-total'], categories=['survey'])
write('blood-pressure-panel', 'Blood pressure panel', 'LOINC 85354-9 (FHIR vital-signs, V-auth) and 55284-4 (blood pressure systolic and diastolic, used by Synthea and many EHRs).',
      [c(LOINC, '85354-9', 'Blood pressure panel with all children optional'), c(LOINC, '55284-4', 'Blood pressure systolic and diastolic')],
      categories=['vital-signs'])
write('systolic-bp', 'Systolic blood pressure', ORIGIN.format('"Systolic Blood Pressure" 2.16.840.1.113762.1.4.1045.163'), vsac('2.16.840.1.113762.1.4.1045.163'),
      categories=['vital-signs'])
write('diastolic-bp', 'Diastolic blood pressure', 'LOINC 8462-4 (FHIR vital-signs value set, V-auth).', [c(LOINC, '8462-4', 'Diastolic blood pressure')], categories=['vital-signs'])
write('body-weight', 'Body weight', ORIGIN.format('"Body Weight" 2.16.840.1.113762.1.4.1045.159'), vsac('2.16.840.1.113762.1.4.1045.159'),
      categories=['vital-signs'])
write('bmi', 'Body mass index', 'LOINC 39156-5 (FHIR vital-signs value set, V-auth).', [c(LOINC, '39156-5', 'Body mass index (BMI) [Ratio]')], categories=['vital-signs'])
write('liver-enzymes', 'ALT or AST', 'LOINC 1742-6 ALT (V-sec) and 1920-8 AST (V-auth), reference 4.4.',
      [c(LOINC, '1742-6', 'Alanine aminotransferase [Enzymatic activity/volume] in Serum or Plasma'), c(LOINC, '1920-8', 'Aspartate aminotransferase [Enzymatic activity/volume] in Serum or Plasma')],
      categories=['laboratory'])
# US Core pregnancy status (category social-history): the observation 82810-3 answered with a SNOMED CT finding.
write('pregnancy-status', 'Pregnancy status', 'LOINC 82810-3 Pregnancy status, the US Core Observation Pregnancy Status profile (US Core 9.0.0, category social-history).',
      [c(LOINC, '82810-3', 'Pregnancy status')], categories=['social-history'])
write('pregnant-finding', 'Pregnant (a pregnancy status answer)', 'SNOMED CT 77386006 Pregnant, from the US Core Pregnancy Status Codes (VSAC 2.16.840.1.113762.1.4.1099.24 Extended Pregnancy Status, plus v3 NullFlavor UNK): only Pregnant is a positive answer; Not pregnant (60001007) and Unknown are not.',
      [c(SCT, '77386006', 'Pregnant')])

# Ingredient-level concepts carry their name as a designation, so a clinical drug coded with an RXCUI missing from
# the set ("chlordiazepoxide hydrochloride 25 MG Oral Capsule") is still recognised by its ingredient (see README).
INGREDIENT_USE = {'system': 'urn:ketaminecds:designation', 'code': 'rxnorm-ingredient-name'}
GIVEN_INGREDIENTS = []  # every (set, name) handed to ingredients(), checked against the output at the end

def ingredients(pairs):
    GIVEN_INGREDIENTS.extend(pairs)
    return [dict(c(RX, code, name), designation=[{'use': INGREDIENT_USE, 'value': name}]) for name, code in pairs]
def products(pairs): return [c(RX, code, name) for name, code in pairs]
write('ketamine-products', 'Ketamine (racemic) products', 'RxNorm ingredient 6130 ketamine (PharmGKB, V-auth) and the ketamine HCl injection clinical drugs 238082, 238083, 238084 that openFDA maps ketamine injection listings to (reference 4.5, V-sec). Esketamine is deliberately not here.',
      ingredients([('ketamine', '6130')]) + products([('ketamine 10 MG/ML injectable solution', '238082'), ('ketamine 50 MG/ML injectable solution', '238083'), ('ketamine 100 MG/ML injectable solution', '238084')]))
write('ketamine-substance', 'Ketamine or esketamine as an allergen',
      'RxNorm ingredient 6130 ketamine (V-auth); esketamine by name and by its RxNorm drug forms 2201623 esketamine Nasal Spray and 2201625 esketamine Nasal Spray [Spravato] (RxNorm 2026-05, ndclist.com; its ingredient RXCUI is not verified). SNOMED CT 373464007 Ketamine (substance), added by hand, to verify. Esketamine is a distinct drug: the ketamine name does not match it (word boundary), so it is named here in its own right.',
      ingredients([('ketamine', '6130'), ('esketamine', '2201623')]) + products([('esketamine Nasal Spray [Spravato]', '2201625')]) + [c(SCT, '373464007', 'Ketamine')])
write('antidepressants', 'Antidepressant medications',
      ORIGIN.format('"Antidepressant Medication" 2.16.840.1.113883.3.464.1003.196.12.1213') + ' Plus the ingredient RXCUIs of the dose table (reference 4.5, V-auth) for records coded at ingredient level.',
      vsac('2.16.840.1.113883.3.464.1003.196.12.1213') + ingredients([('citalopram', '2556'), ('escitalopram', '321988'), ('fluoxetine', '4493'), ('fluvoxamine', '42355'),
        ('paroxetine', '32937'), ('sertraline', '36437'), ('venlafaxine', '39786'), ('desvenlafaxine', '734064'), ('duloxetine', '72625'),
        ('amitriptyline', '704'), ('nortriptyline', '7531'), ('imipramine', '5691'), ('desipramine', '3247'), ('clomipramine', '2597'), ('doxepin', '3638'),
        ('phenelzine', '8123'), ('tranylcypromine', '10734'), ('isocarboxazid', '6011'), ('bupropion', '42347'), ('mirtazapine', '15996'),
        ('trazodone', '10737'), ('nefazodone', '31565'), ('vortioxetine', '1455099'), ('vilazodone', '1086769')]))
write('benzodiazepines', 'Benzodiazepines', ORIGIN.format('"Schedule IV Benzodiazepines" 2.16.840.1.113762.1.4.1125.1') + ' Plus ingredient RXCUIs (reference 4.5, V-auth).',
      vsac('2.16.840.1.113762.1.4.1125.1') + ingredients([('lorazepam', '6470'), ('alprazolam', '596'), ('clonazepam', '2598'), ('diazepam', '3322'),
        ('temazepam', '10355'), ('chlordiazepoxide', '2356'), ('oxazepam', '7781'), ('midazolam', '6960'), ('triazolam', '10767'), ('clobazam', '21241')]))
# Opioid antagonists taken for alcohol or opioid use disorder: naltrexone blocked ketamine's antidepressant effect
# (Williams 2018). Samidorphan (in olanzapine/samidorphan) acts the same way but has no RxNorm code verified here.
write('opioid-antagonists', 'Naltrexone (oral or extended-release injection)',
      'RxNorm ingredient 7243 naltrexone, matched by code or by its name in a product display (to verify with pharmacy), and the clinical drug 1483744 naltrexone hydrochloride 50 MG Oral Tablet that openFDA maps naltrexone 50 mg tablet listings to. Abuse-deterrent morphine capsules with sequestered naltrexone are excluded.',
      ingredients([('naltrexone', '7243')]) + products([('naltrexone hydrochloride 50 MG Oral Tablet', '1483744')]),
      # Abuse-deterrent morphine capsules hold naltrexone sequestered, released only if the capsule is crushed: not
      # systemic naltrexone. Their clinical drugs, from the VSAC "Opioids, All" expansion, are excluded by code.
      exclude_rx=vsac('2.16.840.1.113762.1.4.1196.226', lambda c: 'naltrexone' in c.get('display', '').lower()))
write('opioids-and-cns-depressants', 'Opioids and other CNS depressants',
      ORIGIN.format('"Opioids, All" 2.16.840.1.113762.1.4.1196.226 and "Central Nervous System Depressants" 2.16.840.1.113762.1.4.1248.134') + ' Plus ingredient RXCUIs (reference 4.5, V-auth); benzodiazepines are their own rule. Valproate and lamotrigine are left out: they are mood stabilisers here, not sedatives with additive respiratory depression, and lamotrigine has its own NMDA rule.',
      vsac('2.16.840.1.113762.1.4.1196.226') + vsac('2.16.840.1.113762.1.4.1248.134', lambda c: not any(b in c.get('display', '').lower() for b in ('azepam', 'azolam', 'diazepoxide', 'clobazam', 'valpro', 'lamotrigine')))
      + ingredients([('morphine', '7052'), ('oxycodone', '7804'), ('hydrocodone', '5489'), ('fentanyl', '4337'), ('tramadol', '10689'), ('methadone', '6813'),
        ('buprenorphine', '1819'), ('zolpidem', '39993'), ('gabapentin', '25480'), ('pregabalin', '187832')]))
write('psychostimulants', 'Psychostimulants', 'Ingredient RXCUIs amphetamine 725, dextroamphetamine 3288, lisdexamfetamine 700810, methylphenidate 6901, dexmethylphenidate 352372, modafinil 30125 (reference 4.5, V-auth), plus the VSAC expansion of "Dextroamphetamine" 2.16.840.1.113883.3.464.1003.1173. Armodafinil (not found) left out.',
      ingredients([('amphetamine', '725'), ('dextroamphetamine', '3288'), ('lisdexamfetamine', '700810'), ('methylphenidate', '6901'), ('dexmethylphenidate', '352372'), ('modafinil', '30125')])
      + vsac('2.16.840.1.113883.3.464.1003.1173'))
write('maois', 'Monoamine oxidase inhibitors', 'Ingredient RXCUIs phenelzine 8123, tranylcypromine 10734, isocarboxazid 6011, selegiline 9639 (reference 4.5, V-auth) and the MAOI clinical drugs of the VSAC "Antidepressant Medication" expansion.',
      ingredients([('phenelzine', '8123'), ('tranylcypromine', '10734'), ('isocarboxazid', '6011'), ('selegiline', '9639')])
      + vsac('2.16.840.1.113883.3.464.1003.196.12.1213', lambda c: any(m in c.get('display', '').lower() for m in ('phenelzine', 'tranylcypromine', 'isocarboxazid', 'selegiline'))))
write('nmda-modulators', 'Lamotrigine, memantine, dextromethorphan', 'Ingredient RXCUIs lamotrigine 28439, memantine 6719, dextromethorphan 3289 (reference 4.5, V-auth).',
      ingredients([('lamotrigine', '28439'), ('memantine', '6719'), ('dextromethorphan', '3289')]))
write('cyp-modulators', 'Strong CYP3A4/CYP2B6 inhibitors and inducers', 'Ingredient RXCUIs from reference 4.5 (V-auth): clarithromycin 21212, ketoconazole 6135, itraconazole 28031, ritonavir 85762, ticlopidine 10594, rifampin 9384, carbamazepine 2002, phenytoin 8183, phenobarbital 8134.',
      ingredients([('clarithromycin', '21212'), ('ketoconazole', '6135'), ('itraconazole', '28031'), ('ritonavir', '85762'), ('ticlopidine', '10594'),
        ('rifampin', '9384'), ('carbamazepine', '2002'), ('phenytoin', '8183'), ('phenobarbital', '8134')]))
write('mood-stabilizers', 'Mood stabilisers and antipsychotics for bipolar disorder', 'Ingredient RXCUIs lithium 6448, valproate 11118 (named valproic acid, valproate or divalproex in product names), lamotrigine 28439, aripiprazole 89013, quetiapine 51272, olanzapine 61381, risperidone 35636 (reference 4.5 and rule KET-05).',
      ingredients([('lithium', '6448'), ('valproic acid', '11118'), ('valproate', '11118'), ('divalproex', '11118'), ('lamotrigine', '28439'), ('aripiprazole', '89013'), ('quetiapine', '51272'), ('olanzapine', '61381'), ('risperidone', '35636')]))
write('esketamine-products', 'Esketamine (Spravato)',
      'Esketamine by name and by its RxNorm drug forms 2201623 esketamine Nasal Spray and 2201625 esketamine Nasal Spray [Spravato] (RxNorm 2026-05, ndclist.com; the ingredient RXCUI is not verified, so the name carries clinical drugs: "esketamine 28 MG ... Nasal Spray"). A distinct drug from racemic ketamine: the ketamine name does not match it (word boundary).',
      ingredients([('esketamine', '2201623'), ('Spravato', '2201625')]))
write('ketamine-other-indications', 'Indications for ketamine other than depression (pain)',
      'ICD-10-CM G89 pain, not elsewhere classified (is-a: acute, chronic, post-procedural, neoplasm-related pain and chronic pain syndrome) and R52 pain, unspecified. '
      'Anaesthesia and procedural sedation are not diagnoses and rarely coded as one: pack.yaml otherIndications.reasonWords names them.',
      [c(ICD, 'R52', 'Pain, unspecified')], icd_isa=['G89'])
write('theophylline', 'Theophylline', 'RxNorm ingredient 10438 (reference 4.5, V-auth).', ingredients([('theophylline', '10438')]))
# Every ingredient handed to ingredients() must come out as a concept with its name (a name once went missing here).
written = {(x['code'], d['value']) for f in OUT.glob('*.json') for i in json.loads(f.read_text())['compose'].get('include', [])
           for x in i.get('concept', []) for d in x.get('designation', [])}
missing = [(name, code) for name, code in GIVEN_INGREDIENTS if (code, name) not in written]
if missing:
    sys.exit(f'ingredients missing from the output: {missing}')
print('value sets:', len(list(OUT.glob('*.json'))), '- ingredients written:', len(set(GIVEN_INGREDIENTS)))
