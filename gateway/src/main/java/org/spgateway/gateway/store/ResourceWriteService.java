package org.spgateway.gateway.store;

import java.time.Clock;
import java.util.List;
import java.util.function.Function;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
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
     * Runs the work in a new transaction. A duplicate-key race (two identical referrals at once) rolls the
     * transaction back and runs the work again, when it sees the winner's committed rows.
     */
    public <T> T inTransaction(Function<WriteSession, T> work) {
        List<ResourceWriteListener> ordered = listeners.orderedStream().toList();
        for (int attempt = 1; ; attempt++) {
            try {
                return transactions.execute(status -> {
                    WriteSession session = new WriteSession(repository, codec, indexer, ordered, clock);
                    T result = work.apply(session);
                    session.runDeferred();
                    return result;
                });
            } catch (DuplicateKeyException e) {
                if (attempt == ATTEMPTS) {
                    throw e;
                }
            }
        }
    }
}
