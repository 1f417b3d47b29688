using Npgsql;
using NpgsqlTypes;

namespace KetamineCds.Api.Store;

/// <summary>
/// Audit batches on PostgreSQL by binary COPY (Npgsql's importer): one round trip per table per batch, no statement
/// per row. COPY has no ON CONFLICT, so a batch that was already written (its commit went through but the answer was
/// lost, and the writer tried again) fails on a unique key as a whole; the caller then writes it row by row with
/// ON CONFLICT DO NOTHING, which keeps the trail free of duplicates on that rare path.
/// </summary>
internal static class PostgresAuditCopy
{
    /// <returns>False when some of the batch is already stored and nothing was written.</returns>
    public static async Task<bool> TryCopyAsync(NpgsqlConnection connection, IReadOnlyList<AuditRecord> batch, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            await CopyInvocationsAsync(connection, batch, cancellationToken);
            await CopyCardsAsync(connection, batch, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return true;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            await transaction.RollbackAsync(cancellationToken);
            return false;
        }
    }

    private static async Task CopyInvocationsAsync(NpgsqlConnection connection, IReadOnlyList<AuditRecord> batch, CancellationToken cancellationToken)
    {
        await using var importer = await connection.BeginBinaryImportAsync(
            "COPY audit_invocation (id, at_ms, service_id, hook, hook_instance, issuer, pack, patient_hash, user_hash, status, elapsed_ms) FROM STDIN (FORMAT BINARY)",
            cancellationToken);
        foreach (var record in batch)
        {
            await importer.StartRowAsync(cancellationToken);
            await importer.WriteAsync(record.Id, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(record.At.ToUnixTimeMilliseconds(), NpgsqlDbType.Bigint, cancellationToken);
            await importer.WriteAsync(record.ServiceId, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(record.Hook, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(record.HookInstance, NpgsqlDbType.Text, cancellationToken);
            await WriteTextAsync(importer, record.Issuer, cancellationToken);
            await importer.WriteAsync(record.Pack, NpgsqlDbType.Text, cancellationToken);
            await WriteTextAsync(importer, record.PatientHash, cancellationToken);
            await WriteTextAsync(importer, record.UserHash, cancellationToken);
            await importer.WriteAsync(record.Status, NpgsqlDbType.Integer, cancellationToken);
            await importer.WriteAsync(record.ElapsedMs, NpgsqlDbType.Double, cancellationToken);
        }

        await importer.CompleteAsync(cancellationToken);
    }

    private static async Task CopyCardsAsync(NpgsqlConnection connection, IReadOnlyList<AuditRecord> batch, CancellationToken cancellationToken)
    {
        await using var importer = await connection.BeginBinaryImportAsync(
            "COPY audit_card (card_uuid, invocation_id, at_ms, rule_id, rule_version, indicator, suppressed) FROM STDIN (FORMAT BINARY)", cancellationToken);
        foreach (var record in batch)
        {
            var atMs = record.At.ToUnixTimeMilliseconds();
            foreach (var card in record.Cards)
            {
                await importer.StartRowAsync(cancellationToken);
                await importer.WriteAsync(card.CardUuid, NpgsqlDbType.Text, cancellationToken);
                await importer.WriteAsync(record.Id, NpgsqlDbType.Text, cancellationToken);
                await importer.WriteAsync(atMs, NpgsqlDbType.Bigint, cancellationToken);
                await WriteTextAsync(importer, card.RuleId, cancellationToken);
                await WriteTextAsync(importer, card.RuleVersion, cancellationToken);
                await importer.WriteAsync(card.Indicator, NpgsqlDbType.Text, cancellationToken);
                await importer.WriteAsync(card.Suppressed ? 1 : 0, NpgsqlDbType.Integer, cancellationToken);
            }
        }

        await importer.CompleteAsync(cancellationToken);
    }

    private static Task WriteTextAsync(NpgsqlBinaryImporter importer, string? value, CancellationToken cancellationToken) =>
        value is null ? importer.WriteNullAsync(cancellationToken) : importer.WriteAsync(value, NpgsqlDbType.Text, cancellationToken);
}
