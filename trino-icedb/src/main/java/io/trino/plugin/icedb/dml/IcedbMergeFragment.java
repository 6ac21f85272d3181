package io.trino.plugin.icedb.dml;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.google.common.collect.ImmutableList;
import io.trino.plugin.icedb.IcedbWrittenPart;

import java.util.List;

/**
 * What one merge sink did, sent to the coordinator.
 *
 * @param rewrittenParts keys of the parts it rewrote (each had a deleted or updated row): the merged log tombstones them
 * @param rewrittenNewParts the parts holding their kept rows, in the same partitions
 * @param insertedParts the parts holding inserted rows (and the new values of updated rows)
 */
public record IcedbMergeFragment(List<String> rewrittenParts, List<IcedbWrittenPart> rewrittenNewParts, List<IcedbWrittenPart> insertedParts)
{
    public IcedbMergeFragment
    {
        rewrittenParts = ImmutableList.copyOf(rewrittenParts);
        rewrittenNewParts = ImmutableList.copyOf(rewrittenNewParts);
        insertedParts = ImmutableList.copyOf(insertedParts);
    }

    @JsonIgnore
    public List<IcedbWrittenPart> allNewParts()
    {
        return ImmutableList.<IcedbWrittenPart>builder().addAll(rewrittenNewParts).addAll(insertedParts).build();
    }
}
