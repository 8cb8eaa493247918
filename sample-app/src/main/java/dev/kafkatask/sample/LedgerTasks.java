package dev.kafkatask.sample;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.stereotype.Component;

/**
 * Books order amounts into an in-memory ledger: light CPU work, no waiting. The task itself
 * is declared on {@link LedgerClient}, which callers use to dispatch it.
 *
 * @author kafka-task
 */
@Component
public class LedgerTasks implements LedgerClient.Bookkeeping {

	private static final Log logger = LogFactory.getLog(LedgerTasks.class);

	private final Map<String, LongAdder> totals = new ConcurrentHashMap<>();

	@Override
	public void record(String account, long amountCents) {
		this.totals.computeIfAbsent(account, (key) -> new LongAdder()).add(amountCents);
		logger.debug("Booked " + amountCents + " cents to " + account);
	}

	public Map<String, Long> totals() {
		Map<String, Long> snapshot = new TreeMap<>();
		this.totals.forEach((account, total) -> snapshot.put(account, total.sum()));
		return snapshot;
	}

}
