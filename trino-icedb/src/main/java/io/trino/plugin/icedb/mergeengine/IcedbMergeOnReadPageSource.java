package io.trino.plugin.icedb.mergeengine;

import com.google.common.collect.ImmutableList;
import io.trino.plugin.icedb.IcedbColumnHandle;
import io.trino.plugin.icedb.IcedbSplit;
import io.trino.plugin.icedb.layout.IcedbSortField;
import io.trino.plugin.icedb.reader.IcedbPageSource;
import io.trino.spi.Page;
import io.trino.spi.PageBuilder;
import io.trino.spi.TrinoException;
import io.trino.spi.block.Block;
import io.trino.spi.block.RowBlock;
import io.trino.spi.block.RunLengthEncodedBlock;
import io.trino.spi.connector.ConnectorPageSource;
import io.trino.spi.connector.EmptyPageSource;
import io.trino.spi.connector.SourcePage;
import io.trino.spi.type.Type;
import io.trino.spi.type.TypeOperators;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.PriorityQueue;
import java.util.function.BiFunction;

import static io.airlift.slice.Slices.utf8Slice;
import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_BAD_DATA;
import static io.trino.plugin.icedb.IcedbErrorCode.ICEDB_FILESYSTEM_ERROR;
import static io.trino.spi.StandardErrorCode.GENERIC_INTERNAL_ERROR;
import static io.trino.spi.function.InvocationConvention.InvocationArgumentConvention.BLOCK_POSITION;
import static io.trino.spi.function.InvocationConvention.InvocationReturnConvention.FAIL_ON_NULL;
import static io.trino.spi.function.InvocationConvention.simpleConvention;
import static io.trino.spi.predicate.Utils.nativeValueToBlock;
import static io.trino.spi.type.BigintType.BIGINT;
import static io.trino.spi.type.VarcharType.VARCHAR;
import static java.lang.String.format;
import static java.util.Objects.requireNonNull;

/**
 * Merge on read: a streaming k-way merge of the parts of one partition. Every part is open at once and yields its rows
 * in key order ({@link IcedbMergeSplit#keyOrder()}); a heap takes the smallest key next, ties in commit order (the
 * parts' order in the split, then the rows' order in a part), and {@link IcedbKeyCombiner} combines the rows of one
 * key into the one row that comes out. Output rows come in key order.
 * <p>
 * A part whose footer says it is sorted by the key ({@link IcedbSortedParts}) is read page by page, and its order is
 * checked as it is read. Any other part (written by Python or DuckDB, merged by Python, or written by us before parts
 * recorded their order) is read whole and sorted by key first (stably: its rows of one key keep their file order).
 * So the memory held is about one page (and the Parquet reader's buffers) per sorted part, plus the whole of every
 * unsorted part, plus one output page; never the partition.
 * <p>
 * The key and version columns are read even when not requested; a requested merge row id is the split itself (see
 * {@link IcedbMergeSplit#rowIdPath()}) and the row's position in this source's output, which is the same on every read
 * of the same split.
 */
public final class IcedbMergeOnReadPageSource
        implements ConnectorPageSource
{
    private static final int PAGE_ROWS = 4096;

    private final IcedbMergeSplit split;
    private final List<IcedbColumnHandle> columns;
    private final BiFunction<IcedbSplit, List<IcedbColumnHandle>, ConnectorPageSource> partReader;
    private final TypeOperators typeOperators;

    private List<IcedbColumnHandle> readColumns;
    private List<Type> types;
    private int[] keyChannels;
    private MethodHandle[] keyOrderings;
    private IcedbKeyCombiner combiner;
    private final List<PartCursor> cursors = new ArrayList<>();
    private PriorityQueue<PartCursor> heap;
    private PageBuilder pageBuilder;
    // the key being combined: its first row and its state
    private IcedbKeyCombiner.KeyRow keyRow;
    private Page keyPage;
    private int keyPosition;

    private long closedCompletedBytes;
    private long completedPositions;
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
        long bytes = closedCompletedBytes;
        for (PartCursor cursor : cursors) {
            bytes += cursor.completedBytes();
        }
        return bytes;
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

    /**
     * Each open part's reader and current page, every unsorted part's rows, the output page being built.
     */
    @Override
    public long getMemoryUsage()
    {
        long bytes = pageBuilder == null ? 0 : pageBuilder.getRetainedSizeInBytes();
        for (PartCursor cursor : cursors) {
            bytes += cursor.memoryUsage();
        }
        return bytes;
    }

    @Override
    public SourcePage getNextSourcePage()
    {
        if (finished) {
            return null;
        }
        if (heap == null) {
            open();
        }
        while (pageBuilder.getPositionCount() < PAGE_ROWS && !pageBuilder.isFull()) {
            PartCursor cursor = heap.poll();
            if (cursor == null) {
                if (keyRow != null) {
                    combiner.write(keyRow, pageBuilder);
                    keyRow = null;
                    keyPage = null;
                }
                finished = true;
                break;
            }
            Page page = cursor.page();
            int position = cursor.position();
            if (keyRow != null && compareKeys(keyPage, keyPosition, page, position) == 0) {
                combiner.add(keyRow, page, position);
            }
            else {
                if (keyRow != null) {
                    combiner.write(keyRow, pageBuilder);
                }
                keyRow = combiner.first(page, position);
                keyPage = page;
                keyPosition = position;
            }
            advanceOrClose(cursor);
        }
        if (finished) {
            closeCursors();
        }
        if (pageBuilder.isEmpty()) {
            return null;
        }
        Page merged = pageBuilder.build();
        pageBuilder.reset();
        return SourcePage.create(toOutput(merged));
    }

    /**
     * Opens every part and positions it on its first row. The read columns are the requested columns (without the row
     * id), then the engine's columns the query did not request.
     */
    private void open()
    {
        List<IcedbColumnHandle> read = new ArrayList<>();
        for (IcedbColumnHandle column : columns) {
            if (column.kind() != IcedbColumnHandle.Kind.MERGE_ROW_ID) {
                read.add(column);
            }
        }
        for (IcedbColumnHandle column : split.engineColumns()) {
            if (read.stream().noneMatch(handle -> handle.kind() == IcedbColumnHandle.Kind.REGULAR && handle.isBaseColumn() && handle.name().equals(column.name()))) {
                read.add(column);
            }
        }
        readColumns = ImmutableList.copyOf(read);
        // the combiner finds key and version columns by name: only base columns carry a column's name as such
        List<String> names = readColumns.stream()
                .map(column -> column.kind() == IcedbColumnHandle.Kind.REGULAR && column.isBaseColumn() ? column.name() : "\0" + column.qualifiedName())
                .toList();
        types = readColumns.stream().map(IcedbColumnHandle::type).toList();
        combiner = new IcedbKeyCombiner(split.engine(), names, types, typeOperators);
        List<IcedbSortField> keyOrder = split.keyOrder();
        keyChannels = new int[keyOrder.size()];
        keyOrderings = new MethodHandle[keyOrder.size()];
        for (int i = 0; i < keyOrder.size(); i++) {
            keyChannels[i] = IcedbKeyCombiner.channel(names, keyOrder.get(i).column());
            keyOrderings[i] = typeOperators.getOrderingOperator(types.get(keyChannels[i]), keyOrder.get(i).order(), simpleConvention(FAIL_ON_NULL, BLOCK_POSITION, BLOCK_POSITION));
        }
        pageBuilder = new PageBuilder(types);
        // the smallest key first; of equal keys, the earliest committed part
        heap = new PriorityQueue<>(Math.max(1, split.parts().size()), (left, right) -> {
            int comparison = compareKeys(left.page(), left.position(), right.page(), right.position());
            return comparison != 0 ? comparison : Integer.compare(left.commitOrder(), right.commitOrder());
        });
        for (int order = 0; order < split.parts().size(); order++) {
            PartCursor cursor = new PartCursor(order, split.parts().get(order));
            cursors.add(cursor);
            advanceOrClose(cursor);
        }
    }

    // a cursor with rows left goes back into the heap; an exhausted one is closed
    private void advanceOrClose(PartCursor cursor)
    {
        if (cursor.advance()) {
            heap.add(cursor);
        }
        else {
            closedCompletedBytes += cursor.completedBytes();
            cursor.close();
            cursors.remove(cursor);
        }
    }

    private int compareKeys(Page left, int leftPosition, Page right, int rightPosition)
    {
        for (int i = 0; i < keyChannels.length; i++) {
            int comparison;
            try {
                comparison = (int) keyOrderings[i].invokeExact(left.getBlock(keyChannels[i]), leftPosition, right.getBlock(keyChannels[i]), rightPosition);
            }
            catch (Throwable e) {
                throw new TrinoException(GENERIC_INTERNAL_ERROR, "Failed to compare keys: " + e.getMessage(), e);
            }
            if (comparison != 0) {
                return comparison;
            }
        }
        return 0;
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

    private void closeCursors()
    {
        RuntimeException failure = null;
        for (PartCursor cursor : cursors) {
            closedCompletedBytes += cursor.completedBytes();
            try {
                cursor.close();
            }
            catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                }
                else {
                    failure.addSuppressed(e);
                }
            }
        }
        cursors.clear();
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public void close()
    {
        finished = true;
        keyRow = null;
        keyPage = null;
        closeCursors();
    }

    /**
     * One part's rows in key order: streamed from a part whose footer says it is sorted by the key, or read whole and
     * sorted.
     */
    private final class PartCursor
    {
        private final int commitOrder;
        private final IcedbSplit part;
        private ConnectorPageSource source;
        private final boolean sorted;
        private long completedBytes;
        private Page page;
        private int position = -1;
        // sorted: the last row of the previous page, to check the order across pages
        private Page previousRow;
        // unsorted: the part's pages and its rows in key order (page index, position)
        private List<Page> pages;
        private int[] rowPages;
        private int[] rowPositions;
        private int next;
        private long bufferedBytes;

        PartCursor(int commitOrder, IcedbSplit part)
        {
            this.commitOrder = commitOrder;
            this.part = part;
            this.source = partReader.apply(part, readColumns);
            this.sorted = source instanceof EmptyPageSource
                    || (source instanceof IcedbPageSource partSource && IcedbSortedParts.isSortedBy(partSource.footerMetadata(), split.keyOrder()));
            if (!sorted) {
                readAndSort();
            }
        }

        int commitOrder()
        {
            return commitOrder;
        }

        Page page()
        {
            return page;
        }

        int position()
        {
            return position;
        }

        long completedBytes()
        {
            return source == null ? completedBytes : source.getCompletedBytes();
        }

        long memoryUsage()
        {
            long bytes = bufferedBytes;
            if (source != null) {
                bytes += source.getMemoryUsage();
            }
            if (sorted && page != null) {
                bytes += page.getRetainedSizeInBytes();
            }
            return bytes;
        }

        /**
         * Moves to the next row in key order.
         *
         * @return false when the part has no more rows
         */
        boolean advance()
        {
            if (!sorted) {
                if (next >= rowPages.length) {
                    page = null;
                    pages = null;
                    bufferedBytes = 0;
                    return false;
                }
                page = pages.get(rowPages[next]);
                position = rowPositions[next];
                next++;
                return true;
            }
            position++;
            if (page == null || position >= page.getPositionCount()) {
                if (page != null) {
                    previousRow = page.getSingleValuePage(page.getPositionCount() - 1);
                }
                page = nextPage();
                position = 0;
                if (page == null) {
                    previousRow = null;
                    return false;
                }
            }
            Page previous = position > 0 ? page : previousRow;
            int previousPosition = position > 0 ? position - 1 : 0;
            if (previous != null && compareKeys(previous, previousPosition, page, position) > 0) {
                throw new TrinoException(ICEDB_BAD_DATA, format(
                        "Part %s is not sorted by %s as its Parquet footer says (%s): merge on read of partition '%s' cannot combine it",
                        part.path(),
                        split.keyOrder().stream().map(IcedbSortField::expression).toList(),
                        IcedbSortedParts.SORTED_BY_KEY,
                        split.partition()));
            }
            return true;
        }

        // the next non-empty page of a sorted part, or null at its end
        private Page nextPage()
        {
            while (!source.isFinished()) {
                SourcePage sourcePage = source.getNextSourcePage();
                if (sourcePage != null && sourcePage.getPositionCount() > 0) {
                    completedPositions += sourcePage.getPositionCount();
                    return sourcePage.getPage();
                }
            }
            return null;
        }

        private void readAndSort()
        {
            pages = new ArrayList<>();
            int rows = 0;
            try (ConnectorPageSource reading = source) {
                while (!reading.isFinished()) {
                    SourcePage sourcePage = reading.getNextSourcePage();
                    if (sourcePage != null && sourcePage.getPositionCount() > 0) {
                        Page loaded = sourcePage.getPage();
                        pages.add(loaded);
                        bufferedBytes += loaded.getRetainedSizeInBytes();
                        rows += loaded.getPositionCount();
                    }
                }
                completedBytes = reading.getCompletedBytes();
            }
            catch (IOException e) {
                throw new TrinoException(ICEDB_FILESYSTEM_ERROR, "Failed to close part " + part.path(), e);
            }
            finally {
                source = null;
            }
            completedPositions += rows;
            Integer[] order = new Integer[rows];
            int[] pageOf = new int[rows];
            int[] positionOf = new int[rows];
            int row = 0;
            for (int pageIndex = 0; pageIndex < pages.size(); pageIndex++) {
                for (int rowPosition = 0; rowPosition < pages.get(pageIndex).getPositionCount(); rowPosition++) {
                    order[row] = row;
                    pageOf[row] = pageIndex;
                    positionOf[row] = rowPosition;
                    row++;
                }
            }
            // a stable sort: rows of one key keep their order in the file
            Arrays.sort(order, (left, right) -> compareKeys(pages.get(pageOf[left]), positionOf[left], pages.get(pageOf[right]), positionOf[right]));
            rowPages = new int[rows];
            rowPositions = new int[rows];
            for (int i = 0; i < rows; i++) {
                rowPages[i] = pageOf[order[i]];
                rowPositions[i] = positionOf[order[i]];
            }
            bufferedBytes += 2L * Integer.BYTES * rows;
        }

        void close()
        {
            page = null;
            pages = null;
            previousRow = null;
            bufferedBytes = 0;
            if (source == null) {
                return;
            }
            ConnectorPageSource closing = source;
            completedBytes = closing.getCompletedBytes();
            source = null;
            try {
                closing.close();
            }
            catch (IOException e) {
                throw new TrinoException(ICEDB_FILESYSTEM_ERROR, "Failed to close part " + part.path(), e);
            }
        }
    }
}
