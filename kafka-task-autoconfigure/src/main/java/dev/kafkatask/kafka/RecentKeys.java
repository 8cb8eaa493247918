package dev.kafkatask.kafka;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

/**
 * The records of a compacted topic read into memory by key, for the records' retention:
 * what a {@link TopicReader} of tracked ids or revocations keeps. Any thread may look a key
 * up or put one it wrote itself; only the reader's thread adds records read, removes
 * tombstones and purges, in the order it read them.
 *
 * @param <V> the type of the values
 * @author kafka-task
 */
final class RecentKeys<V> {

	private static final long PURGE_INTERVAL_MILLIS = 1000;

	private final long retentionMillis;

	private final Map<String, Entry<V>> entries = new ConcurrentHashMap<>();

	/**
	 * The keys read, oldest first, for purging; only the reader's thread uses it.
	 */
	private final LinkedHashMap<String, Long> byAge = new LinkedHashMap<>();

	private long lastPurge;

	RecentKeys(long retentionMillis) {
		this.retentionMillis = retentionMillis;
	}

	@Nullable V get(String key) {
		Entry<V> entry = this.entries.get(key);
		return (entry != null) ? entry.value() : null;
	}

	int size() {
		return this.entries.size();
	}

	/**
	 * Keep a value this instance wrote, before it is read back.
	 */
	void putLocal(String key, V value, long timestamp) {
		this.entries.put(key, new Entry<>(value, timestamp));
	}

	/**
	 * Keep a record read, on the reader's thread: a {@code null} value (a tombstone) removes
	 * the key.
	 */
	void read(String key, @Nullable V value, long timestamp) {
		this.byAge.remove(key);
		if (value == null) {
			this.entries.remove(key);
			return;
		}
		this.entries.put(key, new Entry<>(value, timestamp));
		this.byAge.put(key, timestamp);
	}

	/**
	 * Forget the keys read longer ago than the retention, on the reader's thread, at most
	 * once a second.
	 */
	void purge(long now) {
		if (now - this.lastPurge < PURGE_INTERVAL_MILLIS) {
			return;
		}
		this.lastPurge = now;
		long oldest = now - this.retentionMillis;
		Iterator<Map.Entry<String, Long>> aged = this.byAge.entrySet().iterator();
		while (aged.hasNext()) {
			Map.Entry<String, Long> next = aged.next();
			if (next.getValue() >= oldest) {
				break;
			}
			aged.remove();
			Entry<V> entry = this.entries.get(next.getKey());
			if (entry != null && entry.timestamp() == next.getValue()) {
				this.entries.remove(next.getKey(), entry);
			}
		}
	}

	private record Entry<V>(V value, long timestamp) {
	}

}
