package dev.kafkatask.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What happened during a fault, and when: the {@code events} of its JSON line.
 *
 * @author kafka-task
 */
final class FaultEvents {

	private final List<Map.Entry<Long, String>> events = new ArrayList<>();

	synchronized void add(long at, String event) {
		this.events.add(Map.entry(at, event));
	}

	/**
	 * Return the events in order, each with its time in seconds from an origin.
	 * @param origin the origin, epoch ms (the fault)
	 * @return the events, as {@code +1.2s what}
	 */
	synchronized List<String> relativeTo(long origin) {
		return this.events.stream()
			.sorted(Map.Entry.comparingByKey())
			.map((event) -> String.format(Locale.ROOT, "%+.1fs %s", (event.getKey() - origin) / 1000.0,
					event.getValue()))
			.toList();
	}

}
