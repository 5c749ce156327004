package org.spgateway.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A write that loses a duplicate-key race is run again in a fresh transaction of its own, up to three times; joined to
 * a caller's transaction it is not run again (that transaction is spoiled) but handed to the caller at once.
 */
@SpringBootTest(properties = {"spgateway.data-dir=./target/it-data/${random.uuid}"})
class ResourceWriteServiceIT {

    @Autowired
    ResourceWriteService writes;

    @Autowired
    TransactionTemplate transactions;

    @Test
    void aWriteOfItsOwnThatLostARaceIsRunAgain() {
        AtomicInteger runs = new AtomicInteger();
        String result = writes.inTransaction(session -> {
            if (runs.incrementAndGet() == 1) {
                throw new DuplicateKeyException("lost the claim");
            }
            return "stored";
        });
        assertThat(result).isEqualTo("stored");
        assertThat(runs).hasValue(2);
    }

    @Test
    void aWriteThatKeepsLosingGivesUpAfterThreeRuns() {
        AtomicInteger runs = new AtomicInteger();
        assertThatThrownBy(() -> writes.inTransaction(session -> {
            runs.incrementAndGet();
            throw new DuplicateKeyException("lost the claim");
        })).isInstanceOf(DuplicateKeyException.class);
        assertThat(runs).hasValue(3);
    }

    @Test
    void aWriteJoinedToTheCallersTransactionHandsTheDuplicateBackAtOnce() {
        AtomicInteger runs = new AtomicInteger();
        assertThatThrownBy(() -> transactions.executeWithoutResult(outer -> writes.inTransaction(session -> {
            runs.incrementAndGet();
            throw new DuplicateKeyException("lost the claim");
        }))).isInstanceOf(DuplicateKeyException.class);
        assertThat(runs).as("not rerun inside the spoiled transaction").hasValue(1);
    }
}
