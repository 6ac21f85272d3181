package io.trino.plugin.icedb;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import io.trino.plugin.icedb.layout.IcedbPartitionPaths;
import io.trino.spi.Page;
import io.trino.spi.connector.BucketFunction;
import io.trino.spi.type.Type;

import java.util.List;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

/**
 * The bucket of a row is a hash of its partition path: all rows of a partition go to one bucket.
 */
public final class IcedbBucketFunction
        implements BucketFunction
{
    private static final HashFunction MURMUR3 = Hashing.murmur3_32_fixed();

    private final IcedbPartitioningHandle handle;
    private final IcedbPartitionPaths partitionPaths;
    private final int bucketCount;

    /**
     * @param partitionChannelTypes the types of the layout's partition columns, in the order of the pages' channels
     */
    public IcedbBucketFunction(IcedbPartitioningHandle handle, List<Type> partitionChannelTypes, int bucketCount)
    {
        this.handle = requireNonNull(handle, "handle is null");
        this.partitionPaths = new IcedbPartitionPaths(handle.fields(), handle.channels(), handle.channels().stream().map(partitionChannelTypes::get).collect(toImmutableList()));
        this.bucketCount = bucketCount;
    }

    @Override
    public int getBucket(Page page, int position)
    {
        String partition = partitionPaths.pathOf(page, position);
        return Math.floorMod(MURMUR3.hashString(partition, UTF_8).asInt(), bucketCount);
    }
}
