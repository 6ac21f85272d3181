package io.trino.plugin.icedb;

import com.google.inject.Inject;
import io.airlift.json.JsonCodec;
import io.trino.filesystem.TrinoFileSystemFactory;
import io.trino.plugin.icedb.catalog.IcedbCatalog;
import io.trino.plugin.icedb.maintenance.IcedbCleaner;
import io.trino.plugin.icedb.maintenance.IcedbMaintenance;
import io.trino.plugin.icedb.maintenance.IcedbOrphanFileRemover;
import io.trino.plugin.icedb.mv.IcedbMaterializedViews;
import io.trino.plugin.icedb.stats.IcedbExtendedStatistics;
import io.trino.plugin.icedb.stats.IcedbTableStatistics;

import static java.util.Objects.requireNonNull;

public final class IcedbMetadataFactory
{
    private final IcedbCatalog catalog;
    private final IcedbSnapshotLoader snapshotLoader;
    private final IcedbTypeMapping typeMapping;
    private final IcedbTableDefinitions tableDefinitions;
    private final IcedbTableCommits commits;
    private final IcedbMaintenance maintenance;
    private final TrinoFileSystemFactory fileSystemFactory;
    private final JsonCodec<IcedbWrittenPart> partCodec;
    private final IcedbCleaner cleaner;
    private final IcedbOrphanFileRemover orphanFileRemover;
    private final IcedbTableStatistics tableStatistics;
    private final IcedbMaterializedViews materializedViews;
    private final IcedbExtendedStatistics extendedStatistics;

    @Inject
    public IcedbMetadataFactory(
            IcedbCatalog catalog,
            IcedbSnapshotLoader snapshotLoader,
            IcedbTypeMapping typeMapping,
            IcedbTableDefinitions tableDefinitions,
            IcedbTableCommits commits,
            IcedbMaintenance maintenance,
            IcedbCleaner cleaner,
            IcedbOrphanFileRemover orphanFileRemover,
            TrinoFileSystemFactory fileSystemFactory,
            JsonCodec<IcedbWrittenPart> partCodec,
            IcedbTableStatistics tableStatistics,
            IcedbExtendedStatistics extendedStatistics,
            IcedbMaterializedViews materializedViews)
    {
        this.extendedStatistics = requireNonNull(extendedStatistics, "extendedStatistics is null");
        this.materializedViews = requireNonNull(materializedViews, "materializedViews is null");
        this.tableStatistics = requireNonNull(tableStatistics, "tableStatistics is null");
        this.cleaner = requireNonNull(cleaner, "cleaner is null");
        this.orphanFileRemover = requireNonNull(orphanFileRemover, "orphanFileRemover is null");
        this.fileSystemFactory = requireNonNull(fileSystemFactory, "fileSystemFactory is null");
        this.maintenance = requireNonNull(maintenance, "maintenance is null");
        this.partCodec = requireNonNull(partCodec, "partCodec is null");
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.snapshotLoader = requireNonNull(snapshotLoader, "snapshotLoader is null");
        this.typeMapping = requireNonNull(typeMapping, "typeMapping is null");
        this.tableDefinitions = requireNonNull(tableDefinitions, "tableDefinitions is null");
        this.commits = requireNonNull(commits, "commits is null");
    }

    public IcedbMetadata create()
    {
        return new IcedbMetadata(catalog, snapshotLoader, typeMapping, tableDefinitions, commits, maintenance, cleaner, orphanFileRemover, fileSystemFactory, partCodec, tableStatistics, extendedStatistics, materializedViews);
    }
}
