#!/usr/bin/env python3
"""Fills an audit store with the history of a hospital that has used the service for months: CALLS audited hook calls
spread evenly over DAYS days up to now, CARDS cards each, keyed as the service keys them (time-ordered UUIDv7 text,
or random UUIDv4 text with --ids v4, as the service wrote them before 2026-11-30).
The schema must exist (`ketamine-cds store migrate --connection ...`).
  SQLite:      python3 deploy/loadtest/fill-audit-store.py sqlite PATH.db [--calls 1000000] [--days 300] [--cards 3]
  PostgreSQL:  python3 deploy/loadtest/fill-audit-store.py csv FOLDER ...   then \\copy the two CSV files (audit-load.sh does)
"""
import argparse, csv, os, pathlib, random, sqlite3, time, uuid

RULES = ['KET-00-SUMMARY', 'KET-01', 'KET-05', 'KET-06-LOW', 'KET-13-WARN', 'KET-13-CRIT', 'KET-15-WARN', 'KET-18', 'KET-22',
         'KET-24', 'KET-29', 'KET-36-WARN', 'KET-PV', None]
INDICATORS = ['info', 'warning', 'critical']
HOOKS = [('ketamine-order-select', 'order-select'), ('ketamine-order-sign', 'order-sign'), ('ketamine-patient-view', 'patient-view')]


def uuid7(ms):
    """RFC 9562 UUIDv7: 48-bit Unix milliseconds, version 7, 74 random bits; its text sorts by time."""
    value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | random.getrandbits(12) << 64 | 0b10 << 62 | random.getrandbits(62)
    return str(uuid.UUID(int=value))


def rows(calls, days, cards, ids):
    new_id = (lambda ms: uuid7(ms)) if ids == 'v7' else (lambda ms: str(uuid.uuid4()))
    now = int(time.time() * 1000)
    start = now - days * 86_400_000
    step = (now - start) / calls
    patients = ['%064x' % random.getrandbits(256) for _ in range(50_000)]
    users = ['%064x' % random.getrandbits(256) for _ in range(2_000)]
    for i in range(calls):
        at = int(start + i * step)
        invocation = new_id(at)
        service, hook = HOOKS[i % 3]
        yield ((invocation, at, service, hook, str(uuid.uuid4()), 'https://ehr.example.org', 'ketamine-trd@2026.11.0',
                random.choice(patients), random.choice(users), 200, round(random.uniform(1, 40), 1)),
               [(new_id(at), invocation, at, random.choice(RULES), '1.0.0', random.choice(INDICATORS)) for _ in range(cards)])


def fill_sqlite(path, calls, days, cards, ids):
    db = sqlite3.connect(path)
    db.execute('PRAGMA synchronous=OFF')
    batch_invocations, batch_cards = [], []

    def flush():
        db.executemany('INSERT INTO audit_invocation (id, at_ms, service_id, hook, hook_instance, issuer, pack, patient_hash, user_hash, status, elapsed_ms) '
                       'VALUES (?,?,?,?,?,?,?,?,?,?,?)', batch_invocations)
        db.executemany('INSERT INTO audit_card (card_uuid, invocation_id, at_ms, rule_id, rule_version, indicator) VALUES (?,?,?,?,?,?)', batch_cards)
        db.commit()
        batch_invocations.clear()
        batch_cards.clear()

    for invocation, card_rows in rows(calls, days, cards, ids):
        batch_invocations.append(invocation)
        batch_cards.extend(card_rows)
        if len(batch_invocations) == 50_000:
            flush()
    flush()
    db.close()


def fill_csv(folder, calls, days, cards, ids):
    folder = pathlib.Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / 'audit_invocation.csv', 'w', newline='') as i, open(folder / 'audit_card.csv', 'w', newline='') as c:
        invocations, card_writer = csv.writer(i), csv.writer(c)
        for invocation, card_rows in rows(calls, days, cards, ids):
            invocations.writerow(invocation)
            card_writer.writerows(['' if v is None else v for v in r] for r in card_rows)


parser = argparse.ArgumentParser()
parser.add_argument('sink', choices=['sqlite', 'csv'])
parser.add_argument('target')
parser.add_argument('--calls', type=int, default=1_000_000)
parser.add_argument('--days', type=int, default=300)
parser.add_argument('--cards', type=int, default=3)
parser.add_argument('--ids', choices=['v7', 'v4'], default='v7')
args = parser.parse_args()
began = time.time()
(fill_sqlite if args.sink == 'sqlite' else fill_csv)(args.target, args.calls, args.days, args.cards, args.ids)
print(f'filled {args.calls} calls, {args.calls * args.cards} cards over {args.days} days ({args.ids} ids) in {time.time() - began:.0f} s'
      + (f', {os.path.getsize(args.target) / 1e6:.0f} MB' if args.sink == 'sqlite' else ''))
