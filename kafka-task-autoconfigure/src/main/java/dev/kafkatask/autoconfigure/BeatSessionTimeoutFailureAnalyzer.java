package dev.kafkatask.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import dev.kafkatask.kafka.beat.BeatSessionTimeoutException;
import dev.kafkatask.kafka.beat.SessionTimeoutBounds;

/**
 * Explains a startup that failed because the brokers do not allow the beat's session
 * timeout: the message names {@code kafka-task.beat.session-timeout}, its value and the
 * brokers' bounds.
 *
 * @author kafka-task
 */
class BeatSessionTimeoutFailureAnalyzer extends AbstractFailureAnalyzer<BeatSessionTimeoutException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, BeatSessionTimeoutException cause) {
		SessionTimeoutBounds bounds = cause.getBounds();
		String within = (bounds != null) ? "between " + SessionTimeoutBounds.format(bounds.min()) + " and "
				+ SessionTimeoutBounds.format(bounds.max())
				: "within the brokers' " + SessionTimeoutBounds.MIN_CONFIG + " and " + SessionTimeoutBounds.MAX_CONFIG;
		return new FailureAnalysis(cause.getMessage(),
				"Set " + BeatSessionTimeoutException.PROPERTY + " " + within + ", or change the brokers' "
						+ SessionTimeoutBounds.MIN_CONFIG + " or " + SessionTimeoutBounds.MAX_CONFIG
						+ " (see 'Periodic tasks' in kafka-task's README).",
				cause);
	}

}
