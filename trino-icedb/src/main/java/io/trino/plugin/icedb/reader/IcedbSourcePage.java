package io.trino.plugin.icedb.reader;

import io.trino.spi.Page;
import io.trino.spi.block.Block;
import io.trino.spi.block.RowBlock;
import io.trino.spi.block.RunLengthEncodedBlock;
import io.trino.spi.connector.SourcePage;

import java.util.List;
import java.util.function.ObjLongConsumer;

import static java.util.Objects.requireNonNull;

/**
 * A page of one part in the table's column order, loading each column from the Parquet reader's page only when the
 * engine asks for it (so a selective filter is evaluated before the other columns are decoded).
 */
public final class IcedbSourcePage
        implements SourcePage
{
    private final SourcePage source;
    private final List<IcedbPageSource.ColumnSource> columns;
    private Block[] blocks;

    IcedbSourcePage(SourcePage source, List<IcedbPageSource.ColumnSource> columns)
    {
        this.source = requireNonNull(source, "source is null");
        this.columns = requireNonNull(columns, "columns is null");
        this.blocks = new Block[columns.size()];
    }

    @Override
    public int getPositionCount()
    {
        return source.getPositionCount();
    }

    @Override
    public long getSizeInBytes()
    {
        return source.getSizeInBytes();
    }

    @Override
    public long getRetainedSizeInBytes()
    {
        return source.getRetainedSizeInBytes();
    }

    @Override
    public void retainedBytesForEachPart(ObjLongConsumer<Object> consumer)
    {
        source.retainedBytesForEachPart(consumer);
    }

    @Override
    public int getChannelCount()
    {
        return columns.size();
    }

    @Override
    public Block getBlock(int channel)
    {
        Block block = blocks[channel];
        if (block == null) {
            IcedbPageSource.ColumnSource column = columns.get(channel);
            if (column.rowIdPath().isPresent()) {
                Block rowNumbers = source.getBlock(column.channel().orElseThrow());
                block = RowBlock.fromFieldBlocks(rowNumbers.getPositionCount(), new Block[] {
                        RunLengthEncodedBlock.create(column.rowIdPath().get(), rowNumbers.getPositionCount()),
                        rowNumbers});
            }
            else if (column.channel().isPresent()) {
                block = source.getBlock(column.channel().get());
                if (column.coercion().isPresent()) {
                    block = column.coercion().get().apply(block);
                }
            }
            else {
                block = RunLengthEncodedBlock.create(column.constant().orElseThrow(), source.getPositionCount());
            }
            blocks[channel] = block;
        }
        return block;
    }

    @Override
    public Page getPage()
    {
        Block[] page = new Block[columns.size()];
        for (int channel = 0; channel < page.length; channel++) {
            page[channel] = getBlock(channel);
        }
        return new Page(getPositionCount(), page);
    }

    @Override
    public void selectPositions(int[] positions, int offset, int size)
    {
        source.selectPositions(positions, offset, size);
        // derived blocks are made again from the selected source
        blocks = new Block[columns.size()];
    }
}
