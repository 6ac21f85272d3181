package io.trino.plugin.icedb.writer;

import io.trino.spi.Page;
import io.trino.spi.PageBuilder;
import io.trino.spi.PageSorter;
import io.trino.spi.connector.SortOrder;
import io.trino.spi.type.Type;

import java.io.IOException;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The one sort-and-write loop: sorts buffered pages with Trino's {@link PageSorter} (decoding its addresses with the
 * sorter's own {@code decodePageIndex}/{@code decodePositionIndex}) and appends the rows in order, a page at a time.
 * The page sink's {@code sorted_by} parts and merged parts are written with it.
 */
public final class IcedbSortedWriter
{
    private final PageSorter pageSorter;
    private final List<Type> types;
    private final List<Integer> sortChannels;
    private final List<SortOrder> sortOrders;

    public IcedbSortedWriter(PageSorter pageSorter, List<Type> types, List<Integer> sortChannels, List<SortOrder> sortOrders)
    {
        this.pageSorter = requireNonNull(pageSorter, "pageSorter is null");
        this.types = List.copyOf(types);
        this.sortChannels = List.copyOf(sortChannels);
        this.sortOrders = List.copyOf(sortOrders);
    }

    public interface PageAppender
    {
        void append(Page page)
                throws IOException;
    }

    /**
     * Appends every row of {@code pages} in sort order.
     */
    public void write(List<Page> pages, PageAppender appender)
            throws IOException
    {
        int positions = pages.stream().mapToInt(Page::getPositionCount).sum();
        long[] addresses = pageSorter.sort(types, pages, sortChannels, sortOrders, positions);
        PageBuilder pageBuilder = new PageBuilder(types);
        for (long address : addresses) {
            Page page = pages.get(pageSorter.decodePageIndex(address));
            int position = pageSorter.decodePositionIndex(address);
            pageBuilder.declarePosition();
            for (int channel = 0; channel < types.size(); channel++) {
                types.get(channel).appendTo(page.getBlock(channel), position, pageBuilder.getBlockBuilder(channel));
            }
            if (pageBuilder.isFull()) {
                appender.append(pageBuilder.build());
                pageBuilder.reset();
            }
        }
        if (!pageBuilder.isEmpty()) {
            appender.append(pageBuilder.build());
        }
    }
}
