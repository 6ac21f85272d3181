package io.trino.plugin.icedb;

import com.google.inject.Inject;
import io.airlift.json.JsonCodec;
import io.trino.filesystem.TrinoFileSystemFactory;
import io.trino.plugin.icedb.procedure.IcedbMergeExecuteHandle;
import io.trino.spi.NodeManager;
import io.trino.spi.PageSorter;
import io.trino.spi.connector.ConnectorInsertTableHandle;
import io.trino.spi.connector.ConnectorOutputTableHandle;
import io.trino.spi.connector.ConnectorPageSink;
import io.trino.spi.connector.ConnectorPageSinkId;
import io.trino.spi.connector.ConnectorPageSinkProvider;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.connector.ConnectorTableExecuteHandle;
import io.trino.spi.connector.ConnectorTransactionHandle;

import static java.util.Objects.requireNonNull;

public final class IcedbPageSinkProvider
        implements ConnectorPageSinkProvider
{
    private final TrinoFileSystemFactory fileSystemFactory;
    private final JsonCodec<IcedbWrittenPart> partCodec;
    private final PageSorter pageSorter;
    private final NodeManager nodeManager;
    private final IcedbWriterConfig config;

    @Inject
    public IcedbPageSinkProvider(TrinoFileSystemFactory fileSystemFactory, JsonCodec<IcedbWrittenPart> partCodec, PageSorter pageSorter, NodeManager nodeManager, IcedbWriterConfig config)
    {
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
