package dev.kafkatask.kafka.deadletter;

import java.util.List;
import java.util.Locale;

/**
 * What a redrive sent back to a queue, or would send in a dry run, and what it left.
 *
 * @param queue the queue
 * @param dryRun whether nothing was sent
 * @param redriven the dead letters redriven (or that would be), oldest first
 * @param skipped the dead letters that matched but were not redriven, with why (at most
 * {@link BackendDeadLetters#MAX_LIMIT} listed)
 * @param skippedCount how many matched but were not redriven
 * @param scanned how many records of the dead-letter topics (or messages of the dead-letter
 * queue) were read
 * @param complete whether the whole of the dead-letter topics (or queue) was looked at: {@code false}
 * when the redrive stopped at its bound (redrive again for the rest: what went is skipped)
 * @author kafka-task
 */
public record RedriveResult(String queue, boolean dryRun, List<DeadLetter> redriven, List<Skipped> skipped,
		int skippedCount, int scanned, boolean complete) {

	public RedriveResult {
		redriven = List.copyOf(redriven);
		skipped = List.copyOf(skipped);
	}

	/**
	 * A dead letter that matched but was not redriven.
	 *
	 * @param deadLetter the dead letter
	 * @param reason why
	 * @param detail why, for people
	 */
	public record Skipped(DeadLetter deadLetter, SkipReason reason, String detail) {

	}

	/**
	 * Why a dead letter that matched was not redriven.
	 */
	public enum SkipReason {

		/**
		 * It was redriven before, or a copy of it was (the same task id and redrive count):
		 * redriving it again would run the task twice.
		 */
		ALREADY_REDRIVEN,

		/**
		 * Its payload was too large to be dead-lettered; it is in the task's topic only.
		 */
		PAYLOAD_OMITTED,

		/**
		 * It has no payload (an empty record, or a task let go before it was read).
		 */
		NO_PAYLOAD;

		/**
		 * Return the reason as shown, for example {@code already-redriven}.
		 * @return the code
		 */
		public String code() {
			return name().toLowerCase(Locale.ROOT).replace('_', '-');
		}

		@Override
		public String toString() {
			return code();
		}

	}

}
