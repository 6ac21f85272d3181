package io.trino.plugin.icedb.dml;

import io.airlift.slice.Slice;
import io.trino.spi.Page;
import io.trino.spi.block.Block;
import io.trino.spi.block.RowBlock;
import io.trino.spi.block.SqlRow;
import io.trino.spi.connector.BucketFunction;

import static com.google.common.base.Preconditions.checkArgument;
import static io.trino.spi.type.VarcharType.VARCHAR;

/**
 * Buckets the rows of a row-level statement by the part path of their row id.
 */
public final class IcedbUpdateBucketFunction
        implements BucketFunction
{
    private final int bucketCount;

    public IcedbUpdateBucketFunction(int bucketCount)
    {
        checkArgument(bucketCount > 0, "bucketCount must be positive");
        this.bucketCount = bucketCount;
    }

    @Override
    public int getBucket(Page page, int position)
    {
        Block block = page.getBlock(0);
        SqlRow row = ((RowBlock) block.getUnderlyingValueBlock()).getRow(block.getUnderlyingValuePosition(position));
        Slice path = VARCHAR.getSlice(row.getRawFieldBlock(0), row.getRawIndex());
        return (path.hashCode() & Integer.MAX_VALUE) % bucketCount;
    }
}
