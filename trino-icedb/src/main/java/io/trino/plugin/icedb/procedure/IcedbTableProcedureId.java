package io.trino.plugin.icedb.procedure;

/**
 * The table procedures of {@code ALTER TABLE ... EXECUTE}; the name Trino uses is the constant's name.
 */
public enum IcedbTableProcedureId
{
    /**
     * Distributed: the workers rewrite the parts, the coordinator commits one merged log ({@link IcedbMergeExecuteHandle}).
     */
    MERGE,
    /**
     * On the coordinator ({@link IcedbCoordinatorExecuteHandle}).
     */
    CLEANUP,
    /**
     * On the coordinator ({@link IcedbCoordinatorExecuteHandle}).
     */
    REMOVE_ORPHAN_FILES,
    /**
     * On the coordinator ({@link IcedbCoordinatorExecuteHandle}): deletes the distinct-value sketches.
     */
    DROP_EXTENDED_STATS,
}
