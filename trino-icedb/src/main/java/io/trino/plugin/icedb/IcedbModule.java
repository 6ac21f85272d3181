package io.trino.plugin.icedb;

import com.google.inject.Binder;
import com.google.inject.Module;
import com.google.inject.Scopes;
import com.google.inject.multibindings.Multibinder;
import io.trino.plugin.base.classloader.ClassLoaderSafeConnectorPageSinkProvider;
import io.trino.plugin.base.classloader.ClassLoaderSafeConnectorPageSourceProvider;
import io.trino.plugin.base.classloader.ClassLoaderSafeConnectorSplitManager;
import io.trino.plugin.base.classloader.ClassLoaderSafeNodePartitioningProvider;
import io.trino.plugin.base.classloader.ForClassLoaderSafe;
import io.trino.plugin.base.session.SessionPropertiesProvider;
import io.trino.plugin.icedb.cache.IcedbLogCache;
import io.trino.plugin.icedb.catalog.IcedbCatalog;
import io.trino.plugin.icedb.fileio.IcedbFileIoFactory;
import io.trino.plugin.icedb.fileio.LocalStorageRoot;
import io.trino.plugin.icedb.fileio.StorageErrors;
import io.trino.plugin.icedb.maintenance.IcedbCleaner;
import io.trino.plugin.icedb.maintenance.IcedbMaintenance;
import io.trino.plugin.icedb.maintenance.IcedbMaintenanceConfig;
import io.trino.plugin.icedb.maintenance.IcedbMergeCommit;
import io.trino.plugin.icedb.maintenance.IcedbMerger;
import io.trino.plugin.icedb.maintenance.IcedbOrphanFileRemover;
import io.trino.plugin.icedb.mv.IcedbMaterializedViews;
import io.trino.plugin.icedb.procedure.CleanupProcedure;
import io.trino.plugin.icedb.procedure.CleanupTableProcedure;
import io.trino.plugin.icedb.procedure.DropExtendedStatsTableProcedure;
import io.trino.plugin.icedb.procedure.ExpireSnapshotsTableProcedure;
import io.trino.plugin.icedb.procedure.MergeProcedure;
import io.trino.plugin.icedb.procedure.MergeTableProcedure;
import io.trino.plugin.icedb.procedure.OptimizeTableProcedure;
import io.trino.plugin.icedb.procedure.RegisterTableProcedure;
import io.trino.plugin.icedb.procedure.RemoveOrphanFilesProcedure;
import io.trino.plugin.icedb.procedure.RemoveOrphanFilesTableProcedure;
import io.trino.plugin.icedb.procedure.RollbackToSnapshotProcedure;
import io.trino.plugin.icedb.procedure.UnregisterTableProcedure;
import io.trino.plugin.icedb.reader.IcedbPartReader;
import io.trino.plugin.icedb.stats.IcedbAnalyzeProperties;
import io.trino.plugin.icedb.stats.IcedbExtendedStatistics;
import io.trino.plugin.icedb.stats.IcedbPartStatisticsStore;
import io.trino.plugin.icedb.stats.IcedbTableStatistics;
import io.trino.spi.connector.ConnectorNodePartitioningProvider;
import io.trino.spi.connector.ConnectorPageSinkProvider;
import io.trino.spi.connector.ConnectorPageSourceProvider;
import io.trino.spi.connector.ConnectorSplitManager;
import io.trino.spi.connector.TableProcedureMetadata;
import io.trino.spi.procedure.Procedure;

import static com.google.inject.multibindings.Multibinder.newSetBinder;
import static io.airlift.configuration.ConfigBinder.configBinder;
import static io.airlift.json.JsonCodecBinder.jsonCodecBinder;
import static java.util.Objects.requireNonNull;
import static org.weakref.jmx.guice.ExportBinder.newExporter;

public final class IcedbModule
        implements Module
{
    private final LocalStorageRoot localStorageRoot;
    private final StorageErrors storageErrors;

    public IcedbModule(LocalStorageRoot localStorageRoot, StorageErrors storageErrors)
    {
        this.storageErrors = requireNonNull(storageErrors, "storageErrors is null");
        this.localStorageRoot = requireNonNull(localStorageRoot, "localStorageRoot is null");
    }

    @Override
    public void configure(Binder binder)
    {
        configBinder(binder).bindConfig(IcedbConfig.class);
        configBinder(binder).bindConfig(IcedbMaintenanceConfig.class);
        binder.bind(LocalStorageRoot.class).toInstance(localStorageRoot);
        binder.bind(StorageErrors.class).toInstance(storageErrors);

        binder.bind(IcedbFileIoFactory.class).in(Scopes.SINGLETON);
        binder.bind(IcedbSnapshotLoader.class).in(Scopes.SINGLETON);
        binder.bind(IcedbLogCache.class).in(Scopes.SINGLETON);
        binder.bind(IcedbPartStatisticsStore.class).in(Scopes.SINGLETON);
        binder.bind(IcedbTableStatistics.class).in(Scopes.SINGLETON);
        binder.bind(IcedbExtendedStatistics.class).in(Scopes.SINGLETON);
        binder.bind(IcedbAnalyzeProperties.class).in(Scopes.SINGLETON);
        newExporter(binder).export(IcedbPartStatisticsStore.class).withGeneratedName();
        newExporter(binder).export(IcedbSnapshotLoader.class).withGeneratedName();
        newExporter(binder).export(IcedbLogCache.class).withGeneratedName();
        binder.bind(IcedbCatalog.class).in(Scopes.SINGLETON);
        binder.bind(IcedbTypeMapping.class).in(Scopes.SINGLETON);
        binder.bind(IcedbTableProperties.class).in(Scopes.SINGLETON);
        // no scope: one IcedbMetadata per transaction (IcedbTransactionManager)
        binder.bind(IcedbMetadata.class);
        binder.bind(IcedbMaterializedViews.class).in(Scopes.SINGLETON);
        binder.bind(IcedbTransactionManager.class).in(Scopes.SINGLETON);

        configBinder(binder).bindConfig(IcedbWriterConfig.class);
        binder.bind(IcedbTableDefinitions.class).in(Scopes.SINGLETON);
        binder.bind(IcedbTableCommits.class).in(Scopes.SINGLETON);
        newExporter(binder).export(IcedbTableCommits.class).withGeneratedName();
        jsonCodecBinder(binder).bindJsonCodec(IcedbWrittenPart.class);
        binder.bind(ConnectorPageSinkProvider.class).annotatedWith(ForClassLoaderSafe.class).to(IcedbPageSinkProvider.class).in(Scopes.SINGLETON);
        binder.bind(ConnectorPageSinkProvider.class).to(ClassLoaderSafeConnectorPageSinkProvider.class).in(Scopes.SINGLETON);

        binder.bind(ConnectorSplitManager.class).annotatedWith(ForClassLoaderSafe.class).to(IcedbSplitManager.class).in(Scopes.SINGLETON);
        binder.bind(ConnectorSplitManager.class).to(ClassLoaderSafeConnectorSplitManager.class).in(Scopes.SINGLETON);
        binder.bind(ConnectorNodePartitioningProvider.class).annotatedWith(ForClassLoaderSafe.class).to(IcedbNodePartitioningProvider.class).in(Scopes.SINGLETON);
        binder.bind(ConnectorNodePartitioningProvider.class).to(ClassLoaderSafeNodePartitioningProvider.class).in(Scopes.SINGLETON);
        binder.bind(ConnectorPageSourceProvider.class).annotatedWith(ForClassLoaderSafe.class).to(IcedbPageSourceProvider.class).in(Scopes.SINGLETON);
        binder.bind(ConnectorPageSourceProvider.class).to(ClassLoaderSafeConnectorPageSourceProvider.class).in(Scopes.SINGLETON);

        Multibinder<Procedure> procedures = Multibinder.newSetBinder(binder, Procedure.class);
        procedures.addBinding().toProvider(RegisterTableProcedure.class).in(Scopes.SINGLETON);
        procedures.addBinding().toProvider(UnregisterTableProcedure.class).in(Scopes.SINGLETON);

        newSetBinder(binder, SessionPropertiesProvider.class).addBinding().to(IcedbSessionProperties.class).in(Scopes.SINGLETON);

        binder.bind(IcedbPageSourceProvider.class).in(Scopes.SINGLETON);
        binder.bind(IcedbPartReader.class).in(Scopes.SINGLETON);
        binder.bind(IcedbMaintenance.class).in(Scopes.SINGLETON);
        binder.bind(IcedbMergeCommit.class).in(Scopes.SINGLETON);
        binder.bind(IcedbMerger.class).in(Scopes.SINGLETON);
        binder.bind(IcedbCleaner.class).in(Scopes.SINGLETON);
        binder.bind(IcedbOrphanFileRemover.class).in(Scopes.SINGLETON);
        procedures.addBinding().toProvider(MergeProcedure.class).in(Scopes.SINGLETON);
        procedures.addBinding().toProvider(CleanupProcedure.class).in(Scopes.SINGLETON);
        procedures.addBinding().toProvider(RemoveOrphanFilesProcedure.class).in(Scopes.SINGLETON);
        procedures.addBinding().toProvider(RollbackToSnapshotProcedure.class).in(Scopes.SINGLETON);
        Multibinder<TableProcedureMetadata> tableProcedures = newSetBinder(binder, TableProcedureMetadata.class);
        tableProcedures.addBinding().toProvider(MergeTableProcedure.class).in(Scopes.SINGLETON);
        tableProcedures.addBinding().toProvider(CleanupTableProcedure.class).in(Scopes.SINGLETON);
        tableProcedures.addBinding().toProvider(RemoveOrphanFilesTableProcedure.class).in(Scopes.SINGLETON);
        tableProcedures.addBinding().toProvider(OptimizeTableProcedure.class).in(Scopes.SINGLETON);
        tableProcedures.addBinding().toProvider(ExpireSnapshotsTableProcedure.class).in(Scopes.SINGLETON);
        tableProcedures.addBinding().toProvider(DropExtendedStatsTableProcedure.class).in(Scopes.SINGLETON);

        binder.bind(IcedbConnector.class).in(Scopes.SINGLETON);
    }
}
