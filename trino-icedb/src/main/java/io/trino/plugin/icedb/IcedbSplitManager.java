package io.trino.plugin.icedb;

import com.google.common.collect.ImmutableList;
import com.google.inject.Inject;
import io.icedb.engine.Snapshot;
import io.icedb.engine.spec.FileMarker;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.connector.ConnectorSplit;
import io.trino.spi.connector.ConnectorSplitManager;
import io.trino.spi.connector.ConnectorSplitSource;
import io.trino.spi.connector.ConnectorTableHandle;
import io.trino.spi.connector.ConnectorTransactionHandle;
import io.trino.spi.connector.Constraint;
import io.trino.spi.connector.DynamicFilter;
import io.trino.spi.connector.FixedSplitSource;
import io.trino.spi.predicate.TupleDomain;

import static java.util.Objects.requireNonNull;

/**
 * One split per alive part of the pinned snapshot; parts whose partition fails the enforced predicate are skipped
 * without being opened.
 */
public final class IcedbSplitManager
        implements ConnectorSplitManager
{
    private final IcedbTransactionManager transactionManager;

    @Inject
    public IcedbSplitManager(IcedbTransactionManager transactionManager)
    {
        this.transactionManager = requireNonNull(transactionManager, "transactionManager is null");
    }

    @Override
    public ConnectorSplitSource getSplits(
            ConnectorTransactionHandle transaction,
            ConnectorSession session,
            ConnectorTableHandle tableHandle,
            DynamicFilter dynamicFilter,
            Constraint constraint)
    {
        IcedbTableHandle table = (IcedbTableHandle) tableHandle;
        if (table.enforcedPredicate().isNone() || table.unenforcedPredicate().isNone()) {
            return new FixedSplitSource(ImmutableList.of());
        }
        Snapshot snapshot = transactionManager.get(transaction).snapshot(session, table);
        IcedbTableLocation location = table.tableLocation();
        ImmutableList.Builder<ConnectorSplit> splits = ImmutableList.builder();
        for (FileMarker part : snapshot.aliveFiles()) {
            IcedbSplit split = new IcedbSplit(location.root() + part.path(), part.bytes(), IcedbPartitions.partitionOf(location.prefix(), part.path()));
            if (IcedbPartLevelValues.matches(split, table.enforcedPredicate()) && IcedbPartLevelValues.matches(split, partLevelOnly(dynamicFilter.getCurrentPredicate()))) {
                splits.add(split);
            }
        }
        return new FixedSplitSource(splits.build());
    }

    private static TupleDomain<IcedbColumnHandle> partLevelOnly(TupleDomain<?> predicate)
    {
        return predicate.transformKeys(IcedbColumnHandle.class::cast)
                .filter((column, _) -> column.isPartLevel());
    }
}
