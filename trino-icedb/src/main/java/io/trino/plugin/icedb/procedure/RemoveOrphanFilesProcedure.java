package io.trino.plugin.icedb.procedure;

import com.google.common.collect.ImmutableList;
import com.google.inject.Inject;
import com.google.inject.Provider;
import io.trino.plugin.icedb.maintenance.IcedbMaintenance;
import io.trino.plugin.icedb.maintenance.IcedbOrphanFileRemover;
import io.trino.plugin.icedb.maintenance.MaintainedTable;
import io.trino.spi.TrinoException;
import io.trino.spi.classloader.ThreadContextClassLoader;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.procedure.Procedure;

import java.lang.invoke.MethodHandle;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.TemporalAccessor;
import java.time.temporal.TemporalQueries;

import static io.trino.plugin.icedb.procedure.CleanupProcedure.parseDuration;
import static io.trino.spi.StandardErrorCode.INVALID_PROCEDURE_ARGUMENT;
import static io.trino.spi.type.VarcharType.VARCHAR;
import static java.lang.invoke.MethodHandles.lookup;
import static java.util.Objects.requireNonNull;

/**
 * {@code CALL icedb.system.remove_orphan_files(schema_name, table_name, older_than => '2026-11-18 00:00:00 UTC')} or
 * {@code ..., retention_threshold => '7d')}: deletes the objects under the table's {@code _data/} that no log references,
 * last modified before {@code older_than} (or before now minus {@code retention_threshold}; by default now minus
 * {@code icedb.remove-orphan-files.min-retention}, which is also the most recent threshold accepted).
 */
public final class RemoveOrphanFilesProcedure
        implements Provider<Procedure>
{
    private static final MethodHandle REMOVE_ORPHAN_FILES;

    static {
        try {
            REMOVE_ORPHAN_FILES = lookup().unreflect(RemoveOrphanFilesProcedure.class.getMethod("removeOrphanFiles", ConnectorSession.class, String.class, String.class, String.class, String.class));
        }
        catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    // 2026-11-18, 2026-11-18 10:00:00, 2026-11-18 10:00:00.123 UTC, 2026-11-18 10:00 +01:00, 2026-11-18T10:00:00Z
    private static final DateTimeFormatter TIMESTAMP_FORMAT = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .optionalStart().appendLiteral(' ').append(DateTimeFormatter.ISO_LOCAL_TIME).optionalEnd()
            .optionalStart().appendLiteral('T').append(DateTimeFormatter.ISO_LOCAL_TIME).optionalEnd()
            .optionalStart().optionalStart().appendLiteral(' ').optionalEnd().appendZoneOrOffsetId().optionalEnd()
            .toFormatter();

    private final IcedbMaintenance maintenance;
    private final IcedbOrphanFileRemover remover;

    @Inject
    public RemoveOrphanFilesProcedure(IcedbMaintenance maintenance, IcedbOrphanFileRemover remover)
    {
        this.maintenance = requireNonNull(maintenance, "maintenance is null");
        this.remover = requireNonNull(remover, "remover is null");
    }

    @Override
    public Procedure get()
    {
        return new Procedure(
                "system",
                "remove_orphan_files",
                ImmutableList.of(
                        new Procedure.Argument("SCHEMA_NAME", VARCHAR),
                        new Procedure.Argument("TABLE_NAME", VARCHAR),
                        new Procedure.Argument("OLDER_THAN", VARCHAR, false, null),
                        new Procedure.Argument("RETENTION_THRESHOLD", VARCHAR, false, null)),
                REMOVE_ORPHAN_FILES.bindTo(this));
    }

    public void removeOrphanFiles(ConnectorSession session, String schemaName, String tableName, String olderThan, String retentionThreshold)
    {
        try (ThreadContextClassLoader _ = new ThreadContextClassLoader(getClass().getClassLoader())) {
            if (olderThan != null && retentionThreshold != null) {
                throw new TrinoException(INVALID_PROCEDURE_ARGUMENT, "Specify either older_than or retention_threshold, not both");
            }
            long now = maintenance.clock().millis();
            long threshold;
            if (olderThan != null) {
                threshold = parseTimestamp(olderThan, session.getTimeZoneKey().getZoneId());
            }
            else if (retentionThreshold != null) {
                threshold = now - parseDuration("retention_threshold", retentionThreshold).toMillis();
            }
            else {
                threshold = now - remover.minRetention().toMillis();
            }
            MaintainedTable table = maintenance.table(session, schemaName, tableName);
            remover.removeOrphanFiles(session, table, threshold);
        }
    }

    /**
     * A timestamp as Trino prints one ({@code 2026-11-18 10:00:00.000 UTC}), or ISO-8601; without a zone, in the session's zone.
     */
    static long parseTimestamp(String value, ZoneId defaultZone)
    {
        try {
            TemporalAccessor parsed = TIMESTAMP_FORMAT.parse(value.trim());
            LocalDate date = LocalDate.from(parsed);
            LocalTime time = parsed.query(TemporalQueries.localTime());
            ZoneId zone = parsed.query(TemporalQueries.zone());
            return date.atTime(time == null ? LocalTime.MIDNIGHT : time)
                    .atZone(zone == null ? defaultZone : zone)
                    .toInstant()
                    .toEpochMilli();
        }
        catch (DateTimeException e) {
            throw new TrinoException(INVALID_PROCEDURE_ARGUMENT, "Invalid older_than '%s': expected a timestamp like '2026-11-18 10:00:00 UTC'".formatted(value), e);
        }
    }
}
