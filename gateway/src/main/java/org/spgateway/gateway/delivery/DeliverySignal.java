package org.spgateway.gateway.delivery;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Wakes this node's outbox relay when a transaction that enqueued messages has committed, so a new referral's webhook
 * leaves within milliseconds instead of waiting for the next poll. The poll stays: it is what finds retries that are
 * due, and messages another node enqueued. A lost or extra wake-up changes only latency, never what is delivered.
 */
@Component
public class DeliverySignal {

    private final Semaphore pending = new Semaphore(0);
    private volatile boolean closing;

    /**
     * The application is shutting down (published before Camel stops its routes): a relay waiting for work must not
     * hold up the graceful shutdown for a whole poll interval, so from now on waits are short.
     */
    @EventListener(ContextClosedEvent.class)
    public void closing() {
        closing = true;
        pending.release();
    }

    /** Something was committed to the outbox. */
    public void wake() {
        if (pending.availablePermits() == 0) {
            pending.release();
        }
    }

    /**
     * Waits until woken or until {@code atMost} has passed, whichever is first.
     *
     * @return true if woken
     */
    public boolean await(Duration atMost) throws InterruptedException {
        long nanos = closing ? Math.min(atMost.toNanos(), TimeUnit.MILLISECONDS.toNanos(50)) : atMost.toNanos();
        boolean woken = pending.tryAcquire(nanos, TimeUnit.NANOSECONDS);
        pending.drainPermits();
        return woken;
    }
}
