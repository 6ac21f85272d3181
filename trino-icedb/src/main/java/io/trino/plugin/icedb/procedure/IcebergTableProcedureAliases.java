package io.trino.plugin.icedb.procedure;

import com.google.common.collect.ImmutableMap;
import io.airlift.units.DataSize;
import io.icedb.engine.commit.MergeSelection;

import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * The Iceberg connector's table procedure names, resolved to ours: {@code optimize(file_size_threshold)} is
 * {@code merge(max_file_size)} (with merge's default file count), {@code expire_snapshots(retention_threshold)} is
 * {@code cleanup(retention_threshold)}.
 */
public final class IcebergTableProcedureAliases
{
    private IcebergTableProcedureAliases() {}

    public record Resolved(String procedureName, Map<String, Object> properties)
    {
        public Resolved
        {
            requireNonNull(procedureName, "procedureName is null");
            properties = ImmutableMap.copyOf(properties);
        }
    }

    public static Resolved resolve(String procedureName, Map<String, Object> properties)
    {
        return switch (procedureName) {
            case OptimizeTableProcedure.NAME -> new Resolved(IcedbTableProcedureId.MERGE.name(), ImmutableMap.of(
                    MergeTableProcedure.MAX_FILE_SIZE, ((DataSize) properties.get(OptimizeTableProcedure.FILE_SIZE_THRESHOLD)).toBytes(),
                    MergeTableProcedure.MAX_FILE_COUNT, MergeSelection.DEFAULT_MAX_FILE_COUNT));
            case ExpireSnapshotsTableProcedure.NAME -> new Resolved(IcedbTableProcedureId.CLEANUP.name(), properties);
            default -> new Resolved(procedureName, properties);
        };
    }
}
