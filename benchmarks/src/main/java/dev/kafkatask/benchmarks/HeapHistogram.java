package dev.kafkatask.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.management.JMException;
import javax.management.ObjectName;

/**
 * The live heap by class, read in-process through HotSpot's {@code GC.class_histogram}
 * diagnostic command (which runs a full GC first), so that the heap per in-flight task can be
 * broken down by what holds it.
 *
 * @author kafka-task
 */
final class HeapHistogram {

	private static final Pattern LINE = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");

	private final Map<String, Long> bytesByClass;

	private HeapHistogram(Map<String, Long> bytesByClass) {
		this.bytesByClass = bytesByClass;
	}

	/**
	 * Take a histogram of the live heap.
	 * @return the histogram, empty when the JVM offers no such command
	 */
	static HeapHistogram take() {
		Map<String, Long> bytes = new HashMap<>();
		try {
			String text = (String) ManagementFactory.getPlatformMBeanServer()
				.invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
						new Object[] { null }, new String[] { String[].class.getName() });
			for (String line : text.split("\n")) {
				Matcher matcher = LINE.matcher(line);
				if (matcher.find()) {
					bytes.merge(matcher.group(3), Long.parseLong(matcher.group(2)), Long::sum);
				}
			}
		}
		catch (JMException | RuntimeException ex) {
			// not HotSpot: no breakdown
		}
		return new HeapHistogram(bytes);
	}

	/**
	 * Return the classes whose live bytes grew most since an earlier histogram, per task.
	 * @param before the earlier histogram
	 * @param tasks the tasks to divide by
	 * @param limit how many classes
	 * @return bytes per task by class, largest first, with the rest summed as "(other)"
	 */
	Map<String, Long> growthPerTask(HeapHistogram before, int tasks, int limit) {
		Map<String, Long> growth = new HashMap<>();
		this.bytesByClass
			.forEach((name, bytes) -> growth.put(name, bytes - before.bytesByClass.getOrDefault(name, 0L)));
		Map<String, Long> top = new LinkedHashMap<>();
		long[] other = new long[1];
		growth.entrySet()
			.stream()
			.sorted(Map.Entry.<String, Long>comparingByValue().reversed())
			.forEach((entry) -> {
				if (top.size() < limit) {
					top.put(entry.getKey(), Math.round((double) entry.getValue() / tasks));
				}
				else {
					other[0] += entry.getValue();
				}
			});
		if (!top.isEmpty()) {
			top.put("(other)", Math.round((double) other[0] / tasks));
		}
		return top;
	}

}
