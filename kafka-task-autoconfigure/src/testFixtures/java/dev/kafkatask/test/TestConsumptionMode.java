package dev.kafkatask.test;

import java.util.Locale;

/**
 * The consumption mode a run of the integration tests uses for every application that does
 * not name its own: the consumer group unless {@value #PROPERTY} says {@code share}.
 *
 * @author kafka-task
 */
public final class TestConsumptionMode {

	/**
	 * System property that sets the run's mode: {@code group} (the default) or {@code share}.
	 */
	public static final String PROPERTY = "kafkatask.it.default-mode";

	private TestConsumptionMode() {
	}

	/**
	 * Return the run's mode, as {@code kafka-task.worker.default-mode} spells it.
	 * @return {@code GROUP} or {@code SHARE}
	 * @throws IllegalStateException if the property names another mode
	 */
	public static String name() {
		String mode = System.getProperty(PROPERTY, "group").strip().toUpperCase(Locale.ROOT);
		if (!mode.equals("GROUP") && !mode.equals("SHARE")) {
			throw new IllegalStateException(PROPERTY + " must be 'group' or 'share', not '" + mode + "'");
		}
		return mode;
	}

	/**
	 * Return whether the run consumes on share groups.
	 * @return whether it does
	 */
	public static boolean isShare() {
		return name().equals("SHARE");
	}

}
