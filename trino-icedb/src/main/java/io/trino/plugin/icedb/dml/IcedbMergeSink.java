package io.trino.plugin.icedb.dml;

import com.google.common.collect.ImmutableList;
import io.airlift.json.JsonCodec;
import io.airlift.slice.Slice;
import io.airlift.slice.Slices;
import io.icedb.engine.spec.PartitionPath;
import io.trino.filesystem.Location;
import io.trino.filesystem.TrinoFileSystem;
import io.trino.plugin.icedb.IcedbColumnHandle;
import io.trino.plugin.icedb.IcedbSplit;
import io.trino.plugin.icedb.IcedbTableLocation;
import io.trino.plugin.icedb.IcedbWritableTableHandle;
import io.trino.plugin.icedb.IcedbWriteColumn;
import io.trino.plugin.icedb.IcedbWrittenPart;
import io.trino.plugin.icedb.mergeengine.IcedbKeyCombiner;
import io.trino.plugin.icedb.mergeengine.IcedbMergeSplit;
import io.trino.plugin.icedb.mergeengine.IcedbSortedParts;
import io.trino.spi.Page;
import io.trino.spi.TrinoException;
import io.trino.spi.block.Block;
import io.trino.spi.block.RowBlock;
import io.trino.spi.connector.ConnectorMergeSink;
import io.trino.spi.connector.ConnectorPageSink;
import io.trino.spi.connector.ConnectorPageSource;
import io.trino.spi.connector.MergePage;
import io.trino.spi.connector.SourcePage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Function;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_FILESYSTEM_ERROR;
import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_WRITER_ERROR;
import static io.trino.spi.connector.MergePage.createDeleteAndInsertPages;
import static io.trino.spi.type.BigintType.BIGINT;
import static io.trino.spi.type.VarcharType.VARCHAR;
import static java.lang.String.format;
import static java.util.Objects.requireNonNull;
import static java.util.concurrent.CompletableFuture.completedFuture;

/**
 * The worker's side of a row-level {@code DELETE}, {@code UPDATE} or {@code MERGE} (copy-on-write). Inserted rows (and
 * the new values of updated rows) go to a page sink like an INSERT's; deleted rows (and the old values of updated
 * rows) are collected by part. When the statement's rows are all in, each part with a deleted row is read whole and
 * its other rows written again, through a page sink of their own (sorted by {@code sorted_by}, in the part's
 * partition). The update layout sends all rows of one part to one sink. Nothing is visible until the coordinator
 * commits the merged log; {@link #abort()} deletes what was written.
 */
public final class IcedbMergeSink
        implements ConnectorMergeSink
{
    public static final JsonCodec<IcedbWrittenPart> PART_CODEC = JsonCodec.jsonCodec(IcedbWrittenPart.class);

    private final IcedbWritableTableHandle table;
    private final IcedbTableLocation location;
    private final TrinoFileSystem fileSystem;
    private final ConnectorPageSink insertSink;
    private final ConnectorPageSink rewriteSink;
    private final BiFunction<IcedbSplit, List<IcedbColumnHandle>, ConnectorPageSource> partReader;
    private final BiFunction<IcedbMergeSplit, List<IcedbColumnHandle>, ConnectorPageSource> mergedPartitionReader;
    private final int columnCount;
    private final Map<String, BitSet> deletedRows = new TreeMap<>();

    /**
     * @param partReader opens a part for reading the given columns
     * @param mergedPartitionReader opens the merge on read of a partition of a table with a merge engine (its rows' row
     * ids name the whole partition: a deleted key is removed with all its rows by rewriting the partition merged)
     */
    public IcedbMergeSink(
            IcedbWritableTableHandle table,
            TrinoFileSystem fileSystem,
            ConnectorPageSink insertSink,
            ConnectorPageSink rewriteSink,
            BiFunction<IcedbSplit, List<IcedbColumnHandle>, ConnectorPageSource> partReader,
            BiFunction<IcedbMergeSplit, List<IcedbColumnHandle>, ConnectorPageSource> mergedPartitionReader)
    {
        this.mergedPartitionReader = requireNonNull(mergedPartitionReader, "mergedPartitionReader is null");
        this.table = requireNonNull(table, "table is null");
        this.location = table.tableLocation();
        this.fileSystem = requireNonNull(fileSystem, "fileSystem is null");
        this.insertSink = requireNonNull(insertSink, "insertSink is null");
        this.rewriteSink = requireNonNull(rewriteSink, "rewriteSink is null");
        this.partReader = requireNonNull(partReader, "partReader is null");
        this.columnCount = table.columns().size();
    }

    @Override
    public void storeMergedRows(Page page)
    {
        MergePage mergePage = createDeleteAndInsertPages(page, columnCount);
        mergePage.getInsertionsPage().ifPresent(insertSink::appendPage);
        mergePage.getDeletionsPage().ifPresent(deletions -> {
            List<Block> fields = RowBlock.getRowFieldsFromBlock(deletions.getBlock(deletions.getChannelCount() - 1));
            Block pathBlock = fields.get(0);
            Block positionBlock = fields.get(1);
            for (int position = 0; position < pathBlock.getPositionCount(); position++) {
                String path = VARCHAR.getSlice(pathBlock, position).toStringUtf8();
                long rowPosition = BIGINT.getLong(positionBlock, position);
                if (rowPosition > Integer.MAX_VALUE) {
                    throw new TrinoException(ICEDB_WRITER_ERROR, format("Part %s of table %s has more rows than a row-level statement can rewrite", path, table));
                }
                deletedRows.computeIfAbsent(path, _ -> new BitSet()).set((int) rowPosition);
            }
        });
    }

    @Override
    public CompletableFuture<Collection<Slice>> finish()
    {
        List<String> rewritten = new ArrayList<>();
        for (Map.Entry<String, BitSet> entry : deletedRows.entrySet()) {
            Optional<IcedbMergeSplit> mergedPartition = IcedbMergeSplit.fromRowIdPath(entry.getKey(), table.definition().mergeEngine(), engineColumns(), IcedbSortedParts.keyOrder(table.definition()));
            if (mergedPartition.isPresent()) {
                // every part of the partition is replaced by its merged rows minus the deleted keys
                IcedbMergeSplit split = mergedPartition.get();
                rewrite(entry.getKey(), entry.getValue(), columns -> mergedPartitionReader.apply(split, columns));
                split.parts().forEach(part -> rewritten.add(key(part.path())));
                continue;
            }
            rewrite(entry.getKey(), entry.getValue(), columns -> partReader.apply(partSplit(entry.getKey()), columns));
            rewritten.add(key(entry.getKey()));
        }
        List<IcedbWrittenPart> rewrittenParts = parts(rewriteSink.finish().join());
        List<IcedbWrittenPart> insertedParts = parts(insertSink.finish().join());
        IcedbMergeFragment fragment = new IcedbMergeFragment(rewritten, rewrittenParts, insertedParts);
        return completedFuture(ImmutableList.of(Slices.wrappedBuffer(IcedbRowLevelOperations.FRAGMENT_CODEC.toJsonBytes(fragment))));
    }

    private List<IcedbColumnHandle> engineColumns()
    {
        List<String> names = IcedbKeyCombiner.requiredColumns(table.definition().mergeEngine());
        return names.stream()
                .map(name -> table.columns().stream()
                        .filter(column -> column.name().equals(name))
                        .findFirst()
                        .map(IcedbMergeSink::readColumn)
                        .orElseThrow(() -> new TrinoException(ICEDB_WRITER_ERROR, format("Merge engine column '%s' is not a column of table %s", name, table))))
                .collect(toImmutableList());
    }

    private IcedbSplit partSplit(String path)
    {
        String key = key(path);
        long fileSize;
        try {
            fileSize = fileSystem.newInputFile(Location.of(path)).length();
        }
        catch (IOException e) {
            throw new TrinoException(ICEDB_FILESYSTEM_ERROR, format("Failed to read the size of part %s of table %s", path, table), e);
        }
        // only the table's columns and the row id are read, so the part's modification time is never asked for
        return new IcedbSplit(path, 0, Long.MAX_VALUE, fileSize, PartitionPath.partitionOf(location.prefix(), key), 0);
    }

    /**
     * Writes the rows of the part (or merged partition) that are not deleted.
     */
    private void rewrite(String path, BitSet deleted, Function<List<IcedbColumnHandle>, ConnectorPageSource> reader)
    {
        String shownPath = IcedbMergeSplit.isRowIdPath(path) ? "merged partition" : path;
        // the columns of the pages, then the row id: its positions say which rows go
        List<IcedbColumnHandle> columns = ImmutableList.<IcedbColumnHandle>builder()
                .addAll(table.columns().stream().map(IcedbMergeSink::readColumn).collect(toImmutableList()))
                .add(IcedbColumnHandle.MERGE_ROW_ID_COLUMN)
                .build();
        long dropped = 0;
        try (ConnectorPageSource source = reader.apply(columns)) {
            while (!source.isFinished()) {
                SourcePage sourcePage = source.getNextSourcePage();
                if (sourcePage == null || sourcePage.getPositionCount() == 0) {
                    continue;
                }
                Page page = sourcePage.getPage();
                Block rowPositions = RowBlock.getRowFieldsFromBlock(page.getBlock(columnCount)).get(1);
                int[] kept = new int[page.getPositionCount()];
                int keptCount = 0;
                for (int position = 0; position < page.getPositionCount(); position++) {
                    if (!deleted.get((int) BIGINT.getLong(rowPositions, position))) {
                        kept[keptCount++] = position;
                    }
                }
                dropped += page.getPositionCount() - keptCount;
                if (keptCount > 0) {
                    Page data = page.getColumns(columnRange());
                    rewriteSink.appendPage(keptCount == page.getPositionCount() ? data : data.getPositions(kept, 0, keptCount));
                }
            }
        }
        catch (IOException e) {
            throw new TrinoException(ICEDB_FILESYSTEM_ERROR, format("Failed to close part %s of table %s", shownPath, table), e);
        }
        if (dropped != deleted.cardinality()) {
            throw new TrinoException(ICEDB_WRITER_ERROR, format("Part %s of table %s: %s rows to delete, but %s found when rewriting it", shownPath, table, deleted.cardinality(), dropped));
        }
    }

    private int[] columnRange()
    {
        int[] channels = new int[columnCount];
        for (int channel = 0; channel < columnCount; channel++) {
            channels[channel] = channel;
        }
        return channels;
    }

    private String key(String path)
    {
        if (!path.startsWith(location.root())) {
            throw new TrinoException(ICEDB_WRITER_ERROR, format("Row id names part %s outside the storage root %s of table %s", path, location.root(), table));
        }
        return path.substring(location.root().length());
    }

    private static IcedbColumnHandle readColumn(IcedbWriteColumn column)
    {
        // data columns are the log schema's; the others are Hive keys of a Python table's paths
        return new IcedbColumnHandle(column.name(), column.type(), column.isDataColumn() ? IcedbColumnHandle.Kind.REGULAR : IcedbColumnHandle.Kind.PARTITION_KEY);
    }

    private static List<IcedbWrittenPart> parts(Collection<Slice> fragments)
    {
        return fragments.stream().map(fragment -> PART_CODEC.fromJson(fragment.getBytes())).collect(toImmutableList());
    }

    @Override
    public void abort()
    {
        try {
            insertSink.abort();
        }
        finally {
            rewriteSink.abort();
        }
    }
}
