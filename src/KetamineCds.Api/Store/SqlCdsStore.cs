using System.Data.Common;
using Dapper;
using DbUp;
using DbUp.Engine;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;

namespace KetamineCds.Api.Store;

/// <summary>
/// The store over ADO.NET and Dapper with portable SQL, so SQLite and PostgreSQL share one code path and one
/// migration set (DbUp, scripts embedded from Store/Migrations).
/// </summary>
public sealed partial class SqlCdsStore(IOptions<StoreOptions> options, TimeProvider time) : ICdsStore
{
    private StoreOptions Settings => options.Value;

    public void Migrate()
    {
        UpgradeEngine engine;
        if (Settings.IsPostgreSql)
        {
            engine = DeployChanges.To.PostgresqlDatabase(Settings.ConnectionString)
                .WithScriptsEmbeddedInAssembly(typeof(SqlCdsStore).Assembly, IsMigration).LogToNowhere().Build();
        }
        else
        {
            EnsureSqliteFolder();
            engine = DeployChanges.To.SqliteDatabase(Settings.ConnectionString)
                .WithScriptsEmbeddedInAssembly(typeof(SqlCdsStore).Assembly, IsMigration).LogToNowhere().Build();
        }

        var result = engine.PerformUpgrade();
        if (!result.Successful)
        {
            throw new StoreUnavailableException($"Schema migration failed at {result.ErrorScript?.Name}", result.Error);
        }

        if (!Settings.IsPostgreSql)
        {
            UseWriteAheadLog();
        }
    }

    public async Task<IReadOnlyList<string>> SaveFeedbackAsync(IReadOnlyList<FeedbackRecord> items, CancellationToken cancellationToken)
    {
        return await WithConnectionAsync(async connection =>
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var unknown = new List<string>();
            foreach (var item in items)
            {
                var known = await connection.ExecuteScalarAsync<long>(
                    "SELECT COUNT(*) FROM audit_card WHERE card_uuid = @CardUuid", new { item.CardUuid }, transaction) > 0;
                if (!known)
                {
                    unknown.Add(item.CardUuid);
                }

                if (item is { Outcome: "overridden", ReasonCode: not null })
                {
                    // An override with a reason: the card policy does not repeat this finding at order-sign for this draft.
                    await connection.ExecuteAsync("""
                        UPDATE card_memory SET overridden_ms = @At WHERE user_key = (SELECT user_key FROM card_memory_card WHERE card_uuid = @CardUuid)
                        """, new { At = item.OutcomeAt.ToUnixTimeMilliseconds(), item.CardUuid }, transaction);
                }

                await connection.ExecuteAsync("""
                    INSERT INTO feedback (id, received_ms, service_id, card_uuid, outcome, outcome_ms, accepted_suggestions,
                                          reason_system, reason_code, reason_display, user_comment, known_card, override_reasons)
                    VALUES (@Id, @ReceivedMs, @ServiceId, @CardUuid, @Outcome, @OutcomeMs, @AcceptedSuggestions,
                            @ReasonSystem, @ReasonCode, @ReasonDisplay, @UserComment, @Known, @AllReasons)
                    """,
                    new
                    {
                        item.Id, ReceivedMs = item.ReceivedAt.ToUnixTimeMilliseconds(), item.ServiceId, item.CardUuid, item.Outcome,
                        OutcomeMs = item.OutcomeAt.ToUnixTimeMilliseconds(), item.AcceptedSuggestions, item.ReasonSystem, item.ReasonCode,
                        item.ReasonDisplay, item.UserComment, Known = known ? 1 : 0, item.AllReasons,
                    }, transaction);
            }

            await transaction.CommitAsync(cancellationToken);
            return (IReadOnlyList<string>)unknown;
        }, cancellationToken);
    }

    public Task SaveAuditAsync(IReadOnlyList<AuditRecord> batch, CancellationToken cancellationToken) =>
        WithConnectionAsync(async connection =>
        {
            if (connection is SqliteConnection sqlite)
            {
                SqliteAuditInserts.Save(sqlite, batch);
            }
            else if (!await PostgresAuditCopy.TryCopyAsync((NpgsqlConnection)connection, batch, cancellationToken))
            {
                await SaveAuditRowByRowAsync(connection, batch, cancellationToken);
            }

            return 0;
        }, cancellationToken);

    public Task<IReadOnlyCollection<string>> StoredAuditIdsAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken) =>
        WithConnectionAsync(async connection => (IReadOnlyCollection<string>)(await connection.QueryAsync<string>(
            "SELECT id FROM audit_invocation WHERE id IN @Ids", new { Ids = ids })).ToList(), cancellationToken);

    // The slow, idempotent path: only for a batch of which some rows are already stored.
    private static async Task SaveAuditRowByRowAsync(DbConnection connection, IReadOnlyList<AuditRecord> batch, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var record in batch)
        {
            await connection.ExecuteAsync("""
                INSERT INTO audit_invocation (id, at_ms, service_id, hook, hook_instance, issuer, pack, patient_hash, user_hash, status, elapsed_ms)
                VALUES (@Id, @AtMs, @ServiceId, @Hook, @HookInstance, @Issuer, @Pack, @PatientHash, @UserHash, @Status, @ElapsedMs)
                ON CONFLICT (id) DO NOTHING
                """,
                new
                {
                    record.Id, AtMs = record.At.ToUnixTimeMilliseconds(), record.ServiceId, record.Hook, record.HookInstance, record.Issuer,
                    record.Pack, record.PatientHash, record.UserHash, record.Status, record.ElapsedMs,
                }, transaction);
            foreach (var card in record.Cards)
            {
                await connection.ExecuteAsync("""
                    INSERT INTO audit_card (card_uuid, invocation_id, at_ms, rule_id, rule_version, indicator, suppressed)
                    VALUES (@CardUuid, @InvocationId, @AtMs, @RuleId, @RuleVersion, @Indicator, @Suppressed)
                    ON CONFLICT (card_uuid) DO NOTHING
                    """,
                    new
                    {
                        card.CardUuid, InvocationId = record.Id, AtMs = record.At.ToUnixTimeMilliseconds(), card.RuleId, card.RuleVersion, card.Indicator,
                        Suppressed = card.Suppressed ? 1 : 0,
                    },
                    transaction);
            }
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<RuleStatistics>> RuleStatisticsAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        var sinceMs = since.ToUnixTimeMilliseconds();
        var (cards, outcomes) = await WithConnectionAsync(async connection =>
        {
            var cardRows = (await connection.QueryAsync<(string RuleId, string Hook, long Suppressed, long Count)>("""
                SELECT c.rule_id, i.hook, c.suppressed, COUNT(*)
                FROM audit_card c JOIN audit_invocation i ON i.id = c.invocation_id
                WHERE c.at_ms >= @sinceMs AND c.rule_id IS NOT NULL
                GROUP BY c.rule_id, i.hook, c.suppressed
                """, new { sinceMs })).ToList();
            var outcomeRows = (await connection.QueryAsync<(string RuleId, string Hook, string Outcome, string? ReasonCode, string? ReasonDisplay)>("""
                SELECT c.rule_id, i.hook, f.outcome, f.reason_code, f.reason_display
                FROM feedback f JOIN audit_card c ON c.card_uuid = f.card_uuid JOIN audit_invocation i ON i.id = c.invocation_id
                WHERE f.received_ms >= @sinceMs AND c.rule_id IS NOT NULL
                """, new { sinceMs })).ToList();
            return (cardRows, outcomeRows);
        }, cancellationToken);

        var feedbackByRule = outcomes.ToLookup(o => o.RuleId);
        return cards.GroupBy(c => c.RuleId).Select(rule =>
        {
            var feedback = feedbackByRule[rule.Key].ToList();
            var accepted = feedback.Count(f => f.Outcome == "accepted");
            var overridden = feedback.Count(f => f.Outcome == "overridden");
            var shown = (int)rule.Where(c => c.Suppressed == 0).Sum(c => c.Count);
            var reasons = feedback.Where(f => f.Outcome == "overridden" && f.ReasonCode is not null)
                .GroupBy(f => (f.ReasonCode!, f.ReasonDisplay))
                .Select(g => new ReasonCount(g.Key.Item1, g.Key.ReasonDisplay, g.Count()))
                .OrderByDescending(r => r.Count).ThenBy(r => r.Code, StringComparer.Ordinal).Take(5).ToList();
            var byHook = rule.GroupBy(c => c.Hook).OrderBy(h => h.Key, StringComparer.Ordinal).Select(hook => new HookStatistics(hook.Key,
                (int)hook.Where(c => c.Suppressed == 0).Sum(c => c.Count), (int)hook.Where(c => c.Suppressed != 0).Sum(c => c.Count),
                feedback.Count(f => f.Hook == hook.Key && f.Outcome == "accepted"), feedback.Count(f => f.Hook == hook.Key && f.Outcome == "overridden"))).ToList();
            return new RuleStatistics(rule.Key, shown, accepted, overridden,
                accepted + overridden == 0 ? null : Math.Round((double)overridden / (accepted + overridden), 3), reasons)
            {
                Suppressed = (int)rule.Where(c => c.Suppressed != 0).Sum(c => c.Count),
                ByHook = byHook,
            };
        }).OrderByDescending(s => s.OverrideRate ?? -1).ThenByDescending(s => s.Issued).ToList();
    }

    public Task<IReadOnlyList<CardMemoryRow>> CardMemoryAsync(CardMemoryQuery query, CancellationToken cancellationToken)
    {
        if (query.PatientKeys.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<CardMemoryRow>>([]);
        }

        // Parameters named one by one, so SQLite and PostgreSQL read the same statement.
        var parameters = new DynamicParameters(new { SinceMs = query.Since.ToUnixTimeMilliseconds() });
        string List(string prefix, IReadOnlyList<string> keys)
        {
            for (var i = 0; i < keys.Count; i++)
            {
                parameters.Add($"{prefix}{i}", keys[i]);
            }

            return string.Join(", ", keys.Select((_, i) => $"@{prefix}{i}"));
        }

        var sql = $"""
            SELECT '' AS card_uuid, user_key, draft_key, patient_key, shown_ms, overridden_ms FROM card_memory
            WHERE (patient_key IN ({List("p", query.PatientKeys)}) OR user_key IN ({List("u", query.UserKeys)}) OR draft_key IN ({List("d", query.DraftKeys)}))
              AND shown_ms >= @SinceMs
            """;
        return WithConnectionAsync(async connection => (IReadOnlyList<CardMemoryRow>)(await connection.QueryAsync<(string CardUuid,
                string UserKey, string DraftKey, string PatientKey, long ShownMs, long? OverriddenMs)>(sql, parameters))
            .Select(r => new CardMemoryRow(r.CardUuid, r.UserKey, r.DraftKey, r.PatientKey, DateTimeOffset.FromUnixTimeMilliseconds(r.ShownMs),
                r.OverriddenMs is { } overridden ? DateTimeOffset.FromUnixTimeMilliseconds(overridden) : null)).ToList(), cancellationToken);
    }

    public Task RememberCardsAsync(IReadOnlyList<CardMemoryRow> rows, CancellationToken cancellationToken) =>
        rows.Count == 0 ? Task.CompletedTask : WithConnectionAsync(async connection =>
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            // One row per key, the latest showing kept (an override stays: it is about the draft and the finding).
            await connection.ExecuteAsync("""
                INSERT INTO card_memory (user_key, patient_key, draft_key, shown_ms) VALUES (@UserKey, @PatientKey, @DraftKey, @ShownMs)
                ON CONFLICT (user_key) DO UPDATE SET shown_ms = excluded.shown_ms
                """, rows.Select(r => new { r.UserKey, r.PatientKey, r.DraftKey, ShownMs = r.ShownAt.ToUnixTimeMilliseconds() }), transaction);
            await connection.ExecuteAsync("""
                INSERT INTO card_memory_card (card_uuid, user_key, shown_ms) VALUES (@CardUuid, @UserKey, @ShownMs) ON CONFLICT (card_uuid) DO NOTHING
                """, rows.Select(r => new { r.CardUuid, r.UserKey, ShownMs = r.ShownAt.ToUnixTimeMilliseconds() }), transaction);
            await transaction.CommitAsync(cancellationToken);
            return 0;
        }, cancellationToken);

    public Task<bool> TryRecordJtiAsync(string key, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        WithConnectionAsync(async connection => await connection.ExecuteAsync(
            "INSERT INTO seen_jti (token_key, expires_ms) VALUES (@key, @expires) ON CONFLICT (token_key) DO NOTHING",
            new { key, expires = expiresAt.ToUnixTimeMilliseconds() }) == 1, cancellationToken);

    public Task<int> PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        WithConnectionAsync(async connection =>
        {
            var ms = before.ToUnixTimeMilliseconds();
            // Expired JWT ids go at once: a token past its exp is refused whether or not its jti is remembered.
            await connection.ExecuteAsync("DELETE FROM seen_jti WHERE expires_ms < @now", new { now = time.GetUtcNow().ToUnixTimeMilliseconds() });
            return await connection.ExecuteAsync("DELETE FROM feedback WHERE received_ms < @ms", new { ms })
                + await connection.ExecuteAsync("DELETE FROM audit_card WHERE at_ms < @ms", new { ms })
                + await connection.ExecuteAsync("DELETE FROM card_memory WHERE shown_ms < @ms", new { ms })
                + await connection.ExecuteAsync("DELETE FROM card_memory_card WHERE shown_ms < @ms", new { ms })
                + await connection.ExecuteAsync("DELETE FROM audit_invocation WHERE at_ms < @ms", new { ms });
        }, cancellationToken);

    private async Task<T> WithConnectionAsync<T>(Func<DbConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = Open();
            await connection.OpenAsync(cancellationToken);
            return await work(connection);
        }
        catch (DbException ex)
        {
            throw new StoreUnavailableException("The feedback and audit store is unavailable", ex);
        }
        catch (InvalidOperationException ex) when (ex.InnerException is DbException or System.Net.Sockets.SocketException)
        {
            throw new StoreUnavailableException("The feedback and audit store is unavailable", ex);
        }
    }

    private DbConnection Open()
    {
        if (Settings.IsPostgreSql)
        {
            return new NpgsqlConnection(Settings.ConnectionString);
        }

        EnsureSqliteFolder();
        return new SqliteConnection(Settings.ConnectionString);
    }

    private void EnsureSqliteFolder()
    {
        var source = new SqliteConnectionStringBuilder(Settings.ConnectionString).DataSource;
        var folder = Path.GetDirectoryName(Path.GetFullPath(source));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }
    }

    // WAL (https://sqlite.org/wal.html): readers (statistics, feedback lookups) no longer block the audit writer, and a
    // commit appends to the log instead of rewriting pages through a rollback journal. The mode is stored in the
    // database file, so setting it once here holds for every connection; it cannot change inside a transaction,
    // hence here and not in a migration script.
    private void UseWriteAheadLog()
    {
        try
        {
            using var connection = new SqliteConnection(Settings.ConnectionString);
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode=WAL";
            command.ExecuteNonQuery();
        }
        catch (SqliteException ex)
        {
            throw new StoreUnavailableException("Could not switch the SQLite store to write-ahead logging", ex);
        }
    }

    private static bool IsMigration(string resourceName) => resourceName.Contains(".Store.Migrations.", StringComparison.Ordinal);
}
