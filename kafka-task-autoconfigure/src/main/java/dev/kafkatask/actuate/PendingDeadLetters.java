package dev.kafkatask.actuate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.kafkatask.execution.PendingDeadLetter;

/**
 * Health details of dead letters that could not be written yet.
 *
 * @author kafka-task
 */
final class PendingDeadLetters {

	private PendingDeadLetters() {
	}

	/**
	 * Describe pending dead letters: by delivery, the reason, the last failure and since
	 * when it fails.
	 * @param pending the pending dead letters
	 * @return the details
	 */
	static Map<String, Map<String, String>> describe(List<PendingDeadLetter> pending) {
		Map<String, Map<String, String>> described = new LinkedHashMap<>();
		for (PendingDeadLetter letter : pending) {
			described.put(letter.delivery(), Map.of("reason", letter.reason().code(), "failure", letter.failure(),
					"since", letter.since().toString()));
		}
		return described;
	}

}
