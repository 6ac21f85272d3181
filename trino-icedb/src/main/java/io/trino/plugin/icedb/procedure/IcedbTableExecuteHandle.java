package io.trino.plugin.icedb.procedure;

import io.trino.plugin.icedb.IcedbTableHandle;
import io.trino.spi.connector.ConnectorTableExecuteHandle;

/**
 * The handle of an {@code ALTER TABLE ... EXECUTE} table procedure: one per {@link IcedbTableProcedureId}'s way of
 * running (distributed or on the coordinator).
 */
public sealed interface IcedbTableExecuteHandle
        extends ConnectorTableExecuteHandle
        permits IcedbMergeExecuteHandle, IcedbCoordinatorExecuteHandle
{
    IcedbTableProcedureId procedureId();

    IcedbTableHandle table();
}
