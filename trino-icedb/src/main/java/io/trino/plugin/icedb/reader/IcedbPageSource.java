package io.trino.plugin.icedb.reader;

import io.trino.parquet.reader.ParquetReader;
import io.trino.spi.block.Block;
import io.trino.spi.connector.ConnectorPageSource;
import io.trino.spi.connector.SourcePage;
import io.trino.spi.metrics.Metrics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.UnaryOperator;

import static java.util.Objects.requireNonNull;

/**
 * Pages of one part: channels read by the Parquet reader, and constant columns (NULL for a column the part lacks,
 * partition keys and hidden columns).
 */
public final class IcedbPageSource
        implements ConnectorPageSource
{
    private final ParquetReader reader;
    private final List<ColumnSource> columns;
    private final IcedbPartErrors errors;
    private final Map<String, String> footerMetadata;
    private long completedPositions;
    private boolean closed;

    /**
     * Where an output column comes from: a channel of the reader's pages, or a single-value block.
     */
    public record ColumnSource(Optional<Integer> channel, Optional<UnaryOperator<Block>> coercion, Optional<Block> constant, Optional<Block> rowIdPath)
    {
        public ColumnSource
        {
            requireNonNull(channel, "channel is null");
            requireNonNull(coercion, "coercion is null");
            requireNonNull(constant, "constant is null");
            requireNonNull(rowIdPath, "rowIdPath is null");
        }

        public static ColumnSource channel(int channel, Optional<UnaryOperator<Block>> coercion)
        {
            return new ColumnSource(Optional.of(channel), coercion, Optional.empty(), Optional.empty());
        }

        public static ColumnSource constant(Block block)
        {
            return new ColumnSource(Optional.empty(), Optional.empty(), Optional.of(block), Optional.empty());
        }

        /**
         * The merge row id: the part's location (a single-value block) and the row numbers of the reader's channel.
         */
        public static ColumnSource rowId(int rowNumberChannel, Block path)
        {
            return new ColumnSource(Optional.of(rowNumberChannel), Optional.empty(), Optional.empty(), Optional.of(path));
        }
    }

    /**
     * @param footerMetadata the part's Parquet footer {@code key_value_metadata}
     */
    public IcedbPageSource(ParquetReader reader, List<ColumnSource> columns, IcedbPartErrors errors, Map<String, String> footerMetadata)
    {
        this.reader = requireNonNull(reader, "reader is null");
        this.columns = List.copyOf(columns);
        this.errors = requireNonNull(errors, "errors is null");
        this.footerMetadata = requireNonNull(footerMetadata, "footerMetadata is null");
    }

    /**
     * The part's Parquet footer {@code key_value_metadata} (for example the order a sorted part's rows are in).
     */
    public Map<String, String> footerMetadata()
    {
        return footerMetadata;
    }

    @Override
    public long getCompletedBytes()
    {
        return reader.getDataSource().getReadBytes();
    }

    @Override
    public OptionalLong getCompletedPositions()
    {
        return OptionalLong.of(completedPositions);
    }

    @Override
    public long getReadTimeNanos()
    {
        return reader.getDataSource().getReadTimeNanos();
    }

    @Override
    public boolean isFinished()
    {
        return closed;
    }

    @Override
    public long getMemoryUsage()
    {
        return reader.getMemoryContext().getBytes();
    }

    @Override
    public SourcePage getNextSourcePage()
    {
        SourcePage page;
        try {
            page = reader.nextPage();
        }
        catch (IOException | RuntimeException e) {
            closeSuppressing(e);
            throw errors.translate(e);
        }
        if (closed || page == null) {
            close();
            return null;
        }
        completedPositions += page.getPositionCount();
        return new IcedbSourcePage(page, columns);
    }

    @Override
    public Metrics getMetrics()
    {
        return reader.getMetrics();
    }

    @Override
    public void close()
    {
        if (closed) {
            return;
        }
        closed = true;
        try {
            reader.close();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void closeSuppressing(Throwable failure)
    {
        try {
            close();
        }
        catch (RuntimeException e) {
            if (failure != e) {
                failure.addSuppressed(e);
            }
        }
    }
}
