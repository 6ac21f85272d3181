package io.trino.plugin.icedb.mergeengine;

import com.google.common.collect.ImmutableList;
import io.trino.plugin.icedb.IcedbColumnHandle;
import io.trino.plugin.icedb.IcedbSplit;
import io.trino.spi.Page;
import io.trino.spi.TrinoException;
import io.trino.spi.block.Block;
import io.trino.spi.block.RowBlock;
import io.trino.spi.block.RunLengthEncodedBlock;
import io.trino.spi.connector.ConnectorPageSource;
import io.trino.spi.connector.SourcePage;
import io.trino.spi.type.Type;
import io.trino.spi.type.TypeOperators;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.BiFunction;

import static io.airlift.slice.Slices.utf8Slice;
import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_FILESYSTEM_ERROR;
import static io.trino.spi.predicate.Utils.nativeValueToBlock;
import static io.trino.spi.type.BigintType.BIGINT;
import static io.trino.spi.type.VarcharType.VARCHAR;
import static java.util.Objects.requireNonNull;

/**
 * Merge on read: the rows of every part of a partition, read in commit order, combined by key with the table's merge
 * engine ({@link IcedbRowMerger}); one row per key comes out. The parts are read whole before the first page is
 * returned (the merge state is bounded by the partition's rows, which it holds). The key and version columns are read
 * even when not requested; a requested merge row id is the split itself (see {@link IcedbMergeSplit#rowIdPath()}) and
 * the row's position in this source's output, which is the same on every read of the same split.
 */
public final class IcedbMergeOnReadPageSource
        implements ConnectorPageSource
{
    private static final int PAGE_ROWS = 4096;

    private final IcedbMergeSplit split;
    private final List<IcedbColumnHandle> columns;
    private final BiFunction<IcedbSplit, List<IcedbColumnHandle>, ConnectorPageSource> partReader;
    private final TypeOperators typeOperators;
    private Iterator<Page> output;
    private long completedBytes;
    private long completedPositions;
    private long memoryUsage;
    private long rowPosition;
    private boolean finished;

    /**
     * @param partReader opens one part for the given columns (row groups pruned by key predicates only)
     */
    public IcedbMergeOnReadPageSource(
            IcedbMergeSplit split,
            List<IcedbColumnHandle> columns,
            BiFunction<IcedbSplit, List<IcedbColumnHandle>, ConnectorPageSource> partReader,
            TypeOperators typeOperators)
    {
        this.split = requireNonNull(split, "split is null");
        this.columns = ImmutableList.copyOf(columns);
        this.partReader = requireNonNull(partReader, "partReader is null");
        this.typeOperators = requireNonNull(typeOperators, "typeOperators is null");
    }

    @Override
    public long getCompletedBytes()
    {
        return completedBytes;
    }

    @Override
    public OptionalLong getCompletedPositions()
    {
        return OptionalLong.of(completedPositions);
    }

    @Override
    public long getReadTimeNanos()
    {
        return 0;
    }

    @Override
    public boolean isFinished()
    {
        return finished;
    }

    @Override
    public long getMemoryUsage()
    {
        return memoryUsage;
    }

    @Override
    public SourcePage getNextSourcePage()
    {
        if (finished) {
            return null;
        }
        if (output == null) {
            output = merge().iterator();
        }
        if (!output.hasNext()) {
            finished = true;
            memoryUsage = 0;
            return null;
        }
        Page merged = output.next();
        return SourcePage.create(toOutput(merged));
    }

    /**
     * The merged rows with the read columns: the requested columns (without the row id), then the engine's columns the
     * query did not request.
     */
    private List<Page> merge()
    {
        List<IcedbColumnHandle> readColumns = new ArrayList<>();
        for (IcedbColumnHandle column : columns) {
            if (column.kind() != IcedbColumnHandle.Kind.MERGE_ROW_ID) {
                readColumns.add(column);
            }
        }
        for (IcedbColumnHandle column : split.engineColumns()) {
            if (readColumns.stream().noneMatch(read -> read.kind() == IcedbColumnHandle.Kind.REGULAR && read.isBaseColumn() && read.name().equals(column.name()))) {
                readColumns.add(column);
            }
        }
        // the merger finds key and version columns by name: only base columns carry a column's name as such
        List<String> names = readColumns.stream()
                .map(column -> column.kind() == IcedbColumnHandle.Kind.REGULAR && column.isBaseColumn() ? column.name() : "\0" + column.qualifiedName())
                .toList();
        List<Type> types = readColumns.stream().map(IcedbColumnHandle::type).toList();
        IcedbRowMerger merger = new IcedbRowMerger(split.engine(), names, types, typeOperators);
        for (IcedbSplit part : split.parts()) {
            try (ConnectorPageSource source = partReader.apply(part, readColumns)) {
                while (!source.isFinished()) {
                    SourcePage page = source.getNextSourcePage();
                    if (page != null && page.getPositionCount() > 0) {
                        completedPositions += page.getPositionCount();
                        merger.add(page.getPage());
                        memoryUsage = merger.getRetainedSizeInBytes();
                    }
                }
                completedBytes += source.getCompletedBytes();
            }
            catch (IOException e) {
                throw new TrinoException(ICEDB_FILESYSTEM_ERROR, "Failed to close part " + part.path(), e);
            }
        }
        return merger.finish(PAGE_ROWS);
    }

    private Page toOutput(Page merged)
    {
        Block[] blocks = new Block[columns.size()];
        int readChannel = 0;
        for (int channel = 0; channel < columns.size(); channel++) {
            if (columns.get(channel).kind() == IcedbColumnHandle.Kind.MERGE_ROW_ID) {
                long[] positions = new long[merged.getPositionCount()];
                for (int i = 0; i < positions.length; i++) {
                    positions[i] = rowPosition + i;
                }
                Block path = nativeValueToBlock(VARCHAR, utf8Slice(split.rowIdPath()));
                blocks[channel] = RowBlock.fromFieldBlocks(merged.getPositionCount(), new Block[] {
                        RunLengthEncodedBlock.create(path, merged.getPositionCount()),
                        longs(positions)});
                continue;
            }
            blocks[channel] = merged.getBlock(readChannel++);
        }
        rowPosition += merged.getPositionCount();
        return new Page(merged.getPositionCount(), blocks);
    }

    private static Block longs(long[] values)
    {
        var builder = BIGINT.createFixedSizeBlockBuilder(values.length);
        for (long value : values) {
            BIGINT.writeLong(builder, value);
        }
        return builder.build();
    }

    @Override
    public void close()
    {
        finished = true;
        output = null;
    }
}
