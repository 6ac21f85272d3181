package io.trino.plugin.icedb;

import com.google.common.collect.ImmutableList;
import com.google.inject.Inject;
import io.airlift.json.JsonCodec;
import io.trino.filesystem.TrinoFileSystemFactory;
import io.trino.plugin.icedb.dml.IcedbMergeSink;
import io.trino.plugin.icedb.dml.IcedbMergeTableHandle;
import io.trino.plugin.icedb.procedure.IcedbMergeExecuteHandle;
import io.trino.spi.NodeManager;
import io.trino.spi.PageSorter;
import io.trino.spi.connector.ConnectorInsertTableHandle;
import io.trino.spi.connector.ConnectorMergeSink;
import io.trino.spi.connector.ConnectorMergeTableHandle;
import io.trino.spi.connector.ConnectorOutputTableHandle;
import io.trino.spi.connector.ConnectorPageSink;
import io.trino.spi.connector.ConnectorPageSinkId;
import io.trino.spi.connector.ConnectorPageSinkProvider;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.connector.ConnectorTableExecuteHandle;
import io.trino.spi.connector.ConnectorTransactionHandle;
import io.trino.spi.predicate.TupleDomain;

import static java.util.Objects.requireNonNull;

public final class IcedbPageSinkProvider
        implements ConnectorPageSinkProvider
{
    private final TrinoFileSystemFactory fileSystemFactory;
    private final JsonCodec<IcedbWrittenPart> partCodec;
    private final PageSorter pageSorter;
    private final NodeManager nodeManager;
    private final IcedbWriterConfig config;
    private final IcedbPageSourceProvider pageSourceProvider;

    @Inject
    public IcedbPageSinkProvider(
            TrinoFileSystemFactory fileSystemFactory,
            JsonCodec<IcedbWrittenPart> partCodec,
            PageSorter pageSorter,
            NodeManager nodeManager,
            IcedbWriterConfig config,
            IcedbPageSourceProvider pageSourceProvider)
    {
        this.pageSourceProvider = requireNonNull(pageSourceProvider, "pageSourceProvider is null");
        this.fileSystemFactory = requireNonNull(fileSystemFactory, "fileSystemFactory is null");
        this.partCodec = requireNonNull(partCodec, "partCodec is null");
        this.pageSorter = requireNonNull(pageSorter, "pageSorter is null");
        this.nodeManager = requireNonNull(nodeManager, "nodeManager is null");
        this.config = requireNonNull(config, "config is null");
    }

    @Override
    public ConnectorPageSink createPageSink(ConnectorTransactionHandle transactionHandle, ConnectorSession session, ConnectorOutputTableHandle outputTableHandle, ConnectorPageSinkId pageSinkId)
    {
        return createPageSink(session, (IcedbWritableTableHandle) outputTableHandle);
    }

    @Override
    public ConnectorPageSink createPageSink(ConnectorTransactionHandle transactionHandle, ConnectorSession session, ConnectorInsertTableHandle insertTableHandle, ConnectorPageSinkId pageSinkId)
    {
        return createPageSink(session, (IcedbWritableTableHandle) insertTableHandle);
    }

    @Override
    public ConnectorPageSink createPageSink(ConnectorTransactionHandle transactionHandle, ConnectorSession session, ConnectorTableExecuteHandle tableExecuteHandle, ConnectorPageSinkId pageSinkId)
    {
        return createPageSink(session, ((IcedbMergeExecuteHandle) tableExecuteHandle).write().orElseThrow());
    }

    @Override
    public ConnectorMergeSink createMergeSink(ConnectorTransactionHandle transactionHandle, ConnectorSession session, ConnectorMergeTableHandle mergeHandle, ConnectorPageSinkId pageSinkId)
    {
        IcedbMergeTableHandle merge = (IcedbMergeTableHandle) mergeHandle;
        IcedbTableHandle table = merge.table();
        return new IcedbMergeSink(
                merge.insert(),
                fileSystemFactory.create(session.getIdentity()),
                createPageSink(session, merge.insert()),
                createPageSink(session, merge.insert()),
                (split, columns) -> pageSourceProvider.createPageSource(session, table.schemaTableName(), split, ImmutableList.copyOf(columns), TupleDomain.all()),
                (split, columns) -> pageSourceProvider.createMergeOnReadPageSource(session, table.schemaTableName(), split, ImmutableList.copyOf(columns), TupleDomain.all()));
    }

    private ConnectorPageSink createPageSink(ConnectorSession session, IcedbWritableTableHandle table)
    {
        return new IcedbPageSink(
                table,
                fileSystemFactory.create(session.getIdentity()),
                partCodec,
                pageSorter,
                nodeManager.getCurrentNode().getVersion(),
                config.getTargetFileSize(),
                config.getSortBufferSize(),
                config.getMaxPartitionsPerWriter());
    }
}
