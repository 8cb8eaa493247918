package dev.kafkatask.kafka.beat;

import java.time.Duration;

import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;

/**
 * The session timeouts a broker lets a member of a classic consumer group ask for:
 * {@code group.min.session.timeout.ms} (6 s by default) to
 * {@code group.max.session.timeout.ms} (30 min by default). A member that asks for another
 * is refused when it joins ({@code InvalidSessionTimeoutException}).
 *
 * @param min the shortest session timeout allowed
 * @param max the longest session timeout allowed
 * @param broker the broker whose configuration says so
 * @author kafka-task
 */
public record SessionTimeoutBounds(Duration min, Duration max, String broker) {

	/**
	 * The broker configuration of the shortest session timeout.
	 */
	public static final String MIN_CONFIG = "group.min.session.timeout.ms";

	/**
	 * The broker configuration of the longest session timeout.
	 */
	public static final String MAX_CONFIG = "group.max.session.timeout.ms";

	/**
	 * Read the bounds from a broker's configuration.
	 * @param config the broker's configuration, with both entries
	 * @param broker the broker's id
	 * @return the bounds
	 * @throws IllegalArgumentException if an entry is missing or not a number
	 */
	public static SessionTimeoutBounds of(Config config, String broker) {
		return new SessionTimeoutBounds(millis(config, MIN_CONFIG, broker), millis(config, MAX_CONFIG, broker), broker);
	}

	private static Duration millis(Config config, String name, String broker) {
		ConfigEntry entry = config.get(name);
		if (entry == null || entry.value() == null) {
			throw new IllegalArgumentException("Broker " + broker + " did not tell its " + name);
		}
		try {
			return Duration.ofMillis(Long.parseLong(entry.value().trim()));
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("Broker " + broker + " has " + name + "=" + entry.value()
					+ ", not a number of milliseconds", ex);
		}
	}

	/**
	 * Whether a session timeout lies within the bounds.
	 * @param sessionTimeout the session timeout
	 * @return whether the broker accepts it
	 */
	public boolean allow(Duration sessionTimeout) {
		return sessionTimeout.compareTo(this.min) >= 0 && sessionTimeout.compareTo(this.max) <= 0;
	}

	@Override
	public String toString() {
		return format(this.min) + " (" + MIN_CONFIG + ") to " + format(this.max) + " (" + MAX_CONFIG + ") on broker "
				+ this.broker;
	}

	/**
	 * Format a duration the way properties are written: {@code 6s}, {@code 30m},
	 * {@code 1500ms}.
	 * @param duration the duration
	 * @return the text
	 */
	public static String format(Duration duration) {
		long millis = duration.toMillis();
		if (millis % 60_000 == 0 && millis != 0) {
			return (millis / 60_000) + "m";
		}
		if (millis % 1000 == 0) {
			return (millis / 1000) + "s";
		}
		return millis + "ms";
	}

}
