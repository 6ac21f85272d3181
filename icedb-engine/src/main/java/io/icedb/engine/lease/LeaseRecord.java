package io.icedb.engine.lease;

import static java.util.Objects.requireNonNull;

/**
 * The content of an epoch object {@code P/_icedb/lease/<epoch>.json}: who won the epoch and until when it holds it.
 *
 * @param nonce random per epoch object, so that a holder recognises its own objects (a holder id may be reused)
 */
record LeaseRecord(long epoch, String holderId, String nonce, long acquiredMillis, long expiresMillis)
{
    LeaseRecord
    {
        requireNonNull(holderId, "holderId is null");
        requireNonNull(nonce, "nonce is null");
    }
}
