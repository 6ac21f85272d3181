package io.icedb.engine.lease;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The content of a token {@code P/_icedb/lease/<epoch>/commit-<seq>.json}: either the epoch's holder announcing the log it is
 * about to create, or a seal that closes the epoch for good (written by a taker, by a renewal or by a release).
 *
 * @param holderId the holder that wrote the token
 * @param nonce the nonce of the epoch object of the writer ({@code writerEpoch})
 * @param writerEpoch the epoch the writer held when it wrote the token: the key's epoch for a commit, a later one for a takeover seal
 * @param logKey for a commit, the log key that the holder creates next
 * @param reason for a seal: takeover, renewal or release
 */
record CommitToken(Kind kind, String holderId, String nonce, long writerEpoch, Optional<String> logKey, Optional<String> reason, long createdMillis)
{
    enum Kind
    {
        COMMIT,
        SEAL,
    }

    CommitToken
    {
        requireNonNull(kind, "kind is null");
        requireNonNull(holderId, "holderId is null");
        requireNonNull(nonce, "nonce is null");
        requireNonNull(logKey, "logKey is null");
        requireNonNull(reason, "reason is null");
        if (kind == Kind.COMMIT && logKey.isEmpty()) {
            throw new IllegalArgumentException("commit token without a log key");
        }
    }

    static CommitToken commit(LeaseRecord lease, String logKey, long createdMillis)
    {
        return new CommitToken(Kind.COMMIT, lease.holderId(), lease.nonce(), lease.epoch(), Optional.of(logKey), Optional.empty(), createdMillis);
    }

    static CommitToken seal(LeaseRecord sealer, String reason, long createdMillis)
    {
        return new CommitToken(Kind.SEAL, sealer.holderId(), sealer.nonce(), sealer.epoch(), Optional.empty(), Optional.of(reason), createdMillis);
    }

    boolean isSeal()
    {
        return kind == Kind.SEAL;
    }
}
