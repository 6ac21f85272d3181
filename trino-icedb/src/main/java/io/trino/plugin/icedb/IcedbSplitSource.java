package io.trino.plugin.icedb;

import com.google.common.collect.ImmutableList;
import io.airlift.units.Duration;
import io.trino.spi.connector.ConnectorSplit;
import io.trino.spi.connector.ConnectorSplitSource;
import io.trino.spi.connector.DynamicFilter;
import io.trino.spi.predicate.TupleDomain;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;
import static java.util.concurrent.CompletableFuture.completedFuture;
import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.NANOSECONDS;

/**
 * Splits of a scan, enumerated once the dynamic filter completed or {@code dynamic_filtering_wait_timeout} passed
 * (whichever is first, as the Iceberg connector waits), so that the build side's filter prunes parts before they are
 * split.
 */
final class IcedbSplitSource
        implements ConnectorSplitSource
{
    private final DynamicFilter dynamicFilter;
    private final long waitDeadlineNanos;
    private final Function<TupleDomain<IcedbColumnHandle>, List<ConnectorSplit>> enumerate;
    private List<ConnectorSplit> splits;
    private int position;

    /**
     * @param enumerate the splits of the parts the dynamic filter's current predicate keeps
     */
    IcedbSplitSource(DynamicFilter dynamicFilter, Duration waitTimeout, Function<TupleDomain<IcedbColumnHandle>, List<ConnectorSplit>> enumerate)
    {
        this.dynamicFilter = requireNonNull(dynamicFilter, "dynamicFilter is null");
        this.waitDeadlineNanos = System.nanoTime() + waitTimeout.roundTo(NANOSECONDS);
        this.enumerate = requireNonNull(enumerate, "enumerate is null");
    }

    @Override
    public CompletableFuture<ConnectorSplitBatch> getNextBatch(int maxSize)
    {
        if (splits == null) {
            long remainingMillis = (waitDeadlineNanos - System.nanoTime()) / 1_000_000;
            if (dynamicFilter.isAwaitable() && remainingMillis > 0) {
                CompletableFuture<?> blocked = dynamicFilter.isBlocked();
                if (!blocked.isDone()) {
                    // an empty batch once the filter narrowed or the wait is over; the engine asks again
                    return blocked.thenApply(_ -> new ConnectorSplitBatch(ImmutableList.of(), false))
                            .completeOnTimeout(new ConnectorSplitBatch(ImmutableList.of(), false), remainingMillis, MILLISECONDS);
                }
            }
            splits = enumerate.apply(dynamicFilter.getCurrentPredicate().transformKeys(IcedbColumnHandle.class::cast));
        }
        int end = Math.min(splits.size(), position + maxSize);
        List<ConnectorSplit> batch = splits.subList(position, end);
        position = end;
        return completedFuture(new ConnectorSplitBatch(ImmutableList.copyOf(batch), position >= splits.size()));
    }

    @Override
    public void close() {}

    @Override
    public boolean isFinished()
    {
        return splits != null && position >= splits.size();
    }
}
