using Microsoft.Data.Sqlite;

namespace KetamineCds.Api.Store;

/// <summary>
/// Audit batches on SQLite: one transaction per batch, and one prepared statement per table whose parameters are
/// rebound row after row, so SQLite compiles each statement once a batch instead of once a row. Idempotent: a batch
/// written again after an unclear failure adds nothing (ON CONFLICT DO NOTHING on the time-ordered keys).
/// </summary>
internal static class SqliteAuditInserts
{
    public static void Save(SqliteConnection connection, IReadOnlyList<AuditRecord> batch)
    {
        // In WAL mode (set by Migrate) synchronous=NORMAL syncs at checkpoints, not at every commit: a committed batch
        // survives a crash of the process, and only a power loss can take the last few commits, as it takes the
        // records still queued in memory. FULL would sync the WAL on every batch for no protection the queue has.
        using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA synchronous=NORMAL";
            pragma.ExecuteNonQuery();
        }

        using var transaction = connection.BeginTransaction();
        using var invocation = Command(connection, transaction, """
            INSERT INTO audit_invocation (id, at_ms, service_id, hook, hook_instance, issuer, pack, patient_hash, user_hash, status, elapsed_ms)
            VALUES ($id, $at, $service, $hook, $instance, $issuer, $pack, $patient, $user, $status, $elapsed)
            ON CONFLICT (id) DO NOTHING
            """, "$id", "$at", "$service", "$hook", "$instance", "$issuer", "$pack", "$patient", "$user", "$status", "$elapsed");
        using var card = Command(connection, transaction, """
            INSERT INTO audit_card (card_uuid, invocation_id, at_ms, rule_id, rule_version, indicator, suppressed)
            VALUES ($uuid, $invocation, $at, $rule, $version, $indicator, $suppressed)
            ON CONFLICT (card_uuid) DO NOTHING
            """, "$uuid", "$invocation", "$at", "$rule", "$version", "$indicator", "$suppressed");

        foreach (var record in batch)
        {
            var atMs = record.At.ToUnixTimeMilliseconds();
            Bind(invocation, record.Id, atMs, record.ServiceId, record.Hook, record.HookInstance, record.Issuer, record.Pack,
                record.PatientHash, record.UserHash, record.Status, record.ElapsedMs);
            invocation.ExecuteNonQuery();
            foreach (var issued in record.Cards)
            {
                Bind(card, issued.CardUuid, record.Id, atMs, issued.RuleId, issued.RuleVersion, issued.Indicator, issued.Suppressed ? 1 : 0);
                card.ExecuteNonQuery();
            }
        }

        transaction.Commit();
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql, params string[] names)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var name in names)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        command.Prepare();
        return command;
    }

    private static void Bind(SqliteCommand command, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }
    }
}
