package io.icedb.engine.lease;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * @param clockSkewAllowance how long after its recorded expiry another holder still treats a lease as held, to allow for the
 * holder's clock being behind; it only delays takeovers, safety never depends on clocks
 * @param pollInterval how often a waiting acquirer looks at the lease again
 */
public record LeaseOptions(Duration clockSkewAllowance, Duration pollInterval)
{
    public static final LeaseOptions DEFAULT = new LeaseOptions(Duration.ofSeconds(10), Duration.ofSeconds(1));

    public LeaseOptions
    {
        requireNonNull(clockSkewAllowance, "clockSkewAllowance is null");
        requireNonNull(pollInterval, "pollInterval is null");
        if (clockSkewAllowance.isNegative()) {
            throw new IllegalArgumentException("clockSkewAllowance is negative: " + clockSkewAllowance);
        }
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("pollInterval must be positive: " + pollInterval);
        }
    }
}
