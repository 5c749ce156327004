package org.spgateway.gateway.store;

import java.time.Clock;
import java.util.List;
import java.util.function.Function;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs writes in one database transaction each. The transaction commits before the caller answers the client,
 * so a 201 always means the resource, its Task and everything listeners added are durable.
 */
@Service
public class ResourceWriteService {

    private static final int ATTEMPTS = 3;

    private final TransactionTemplate transactions;
    private final ResourceRepository repository;
    private final ResourceCodec codec;
    private final ObjectProvider<ResourceWriteListener> listeners;
    private final Clock clock;
    private final SearchIndexer indexer = new SearchIndexer();

    public ResourceWriteService(TransactionTemplate transactions, ResourceRepository repository, ResourceCodec codec,
                                ObjectProvider<ResourceWriteListener> listeners, Clock clock) {
        this.transactions = transactions;
        this.repository = repository;
        this.codec = codec;
        this.listeners = listeners;
        this.clock = clock;
    }

    /**
     * Runs read-only work against a consistent view of the store; the transaction is always rolled back, so nothing
     * the work does (even by accident) is kept.
     */
    public <T> T readOnly(Function<WriteSession, T> work) {
        List<ResourceWriteListener> none = List.of();
        return transactions.execute(status -> {
            status.setRollbackOnly();
            return work.apply(new WriteSession(repository, codec, indexer, none, clock));
        });
    }

    /**
     * Rewrites the blind-index tokens of every resource whose patient identifiers are indexed under a key other than
     * the active one (or in the clear, from before encryption), {@code batch} found at a time, each in its own
     * transaction with its row locked against a concurrent update. A resource that cannot be read is left as it is
     * (the re-encryption of the resource table reports the row) and passed over.
     *
     * @return how many were rewritten
     */
    public int reindexBlindTokens(int batch) {
        int done = 0;
        String after = "";
        for (List<String> ids; !(ids = repository.blindTokensToRewrite("Patient", after, batch)).isEmpty(); ) {
            for (String id : ids) {
                try {
                    Boolean rewritten = transactions.execute(status -> {
                        if (repository.lockCurrentVersion("Patient", id).isEmpty()) {
                            return false;
                        }
                        Resource resource = codec.decode(repository.current("Patient", id).orElseThrow());
                        repository.replaceBlindIndex("Patient", id, indexer.index(resource));
                        return true;
                    });
                    done += Boolean.TRUE.equals(rewritten) ? 1 : 0;
                } catch (org.spgateway.gateway.encryption.TamperedValueException unreadable) {
                    // left as it is; the re-encryption of the resource table reports the row
                }
            }
            after = ids.get(ids.size() - 1);
        }
        return done;
    }

    /**
     * Runs the work in a new transaction, or in the caller's if one is active (a batch of the preload). A
     * duplicate-key race (two identical referrals at once) rolls a transaction of its own back and runs the work
     * again, when it sees the winner's committed rows. Joined to the caller's transaction it cannot: that
     * transaction is spoiled (PostgreSQL refuses every further statement in it, H2 commits it as rollback-only)
     * and rerunning the work inside it would only fail again, so the duplicate goes straight to the caller, whose
     * transaction it is to retry.
     */
    public <T> T inTransaction(Function<WriteSession, T> work) {
        List<ResourceWriteListener> ordered = listeners.orderedStream().toList();
        boolean joined = TransactionSynchronizationManager.isActualTransactionActive();
        for (int attempt = 1; ; attempt++) {
            try {
                return transactions.execute(status -> {
                    WriteSession session = new WriteSession(repository, codec, indexer, ordered, clock);
                    T result = work.apply(session);
                    session.runDeferred();
                    return result;
                });
            } catch (DuplicateKeyException e) {
                if (attempt == ATTEMPTS || joined) {
                    throw e;
                }
            }
        }
    }
}
